"""The JG-DRAW-1 kernel: canonical forms, exact quotas, seeds, selection and its statistics."""

from __future__ import annotations

import hashlib
import math
import random
from decimal import ROUND_CEILING, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.draws import engine
from jianguan.draws.engine import (
    DiceRoll,
    DrawParams,
    ParamsInvalid,
    Population,
    PopulationInvalid,
    Reveal,
    RevealMismatch,
    SeedInvalid,
    SeedMaterial,
)
from jianguan.draws.tests.helpers import run_draw, seed_for
from jianguan.draws.tests.vectors import population_rows, reveal, synthetic_uscc

U1, U2, U3 = synthetic_uscc(1), synthetic_uscc(2), synthetic_uscc(3)


# --------------------------------------------------------------------------- snapshot


def test_snapshot_csv_is_sorted_by_grade_then_uscc_with_header_and_lf() -> None:
    rows = [(U3, "B"), (U2, "A"), (U1, "B"), (synthetic_uscc(4), engine.UNGRADED)]
    csv = engine.canonical_snapshot_csv(rows)
    b_rows = sorted([U1, U3])
    expected = f"uscc,grade\n{U2},A\n{b_rows[0]},B\n{b_rows[1]},B\n{synthetic_uscc(4)},U\n".encode()
    assert csv == expected
    assert not csv.startswith(b"\xef\xbb\xbf") and b"\r" not in csv


def test_snapshot_of_an_empty_population_is_the_header_alone() -> None:
    assert engine.canonical_snapshot_csv([]) == b"uscc,grade\n"


def test_snapshot_does_not_depend_on_row_order() -> None:
    rows = population_rows({"A": 30, "B": 20, "C": 5})
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    assert engine.canonical_snapshot_csv(shuffled) == engine.canonical_snapshot_csv(rows)


def test_snapshot_hash_supports_sha256_and_sm3() -> None:
    assert engine.snapshot_hash(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    # GB/T 32905-2016 example A.1
    assert engine.snapshot_hash(b"abc", "sm3") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    with pytest.raises(ParamsInvalid, match="md5"):
        engine.snapshot_hash(b"abc", "md5")


@pytest.mark.parametrize(
    "bad", ["91430300MA4L00001", "91430300MA4L0000101", "91430300ma4l000010", "91430300MA4I000010", "9143030０MA4L000010"]
)
def test_malformed_uscc_is_rejected_naming_the_row(bad: str) -> None:
    with pytest.raises(PopulationInvalid, match="第 2 行统一社会信用代码"):
        Population.from_rows([(U1, "A"), (bad, "A")])


@pytest.mark.parametrize("bad", ["", "a", "1A", "A-", "ABCDEFGHI"])
def test_malformed_grade_is_rejected(bad: str) -> None:
    with pytest.raises(PopulationInvalid, match="信用等级"):
        Population.from_rows([(U1, "A"), (U2, bad)])


def test_duplicate_uscc_in_one_grade_is_rejected() -> None:
    with pytest.raises(PopulationInvalid, match=f"{U1} 重复"):
        Population.from_rows([(U1, "A"), (U2, "A"), (U1, "A")])


def test_uscc_under_two_grades_is_rejected() -> None:
    with pytest.raises(PopulationInvalid, match=f"{U2} 同时出现在等级 A 和 C"):
        Population.from_rows([(U1, "A"), (U2, "A"), (U2, "C"), (U3, "B")])


def test_canonical_csv_parses_back_and_non_canonical_csv_is_rejected() -> None:
    population = Population.from_rows(population_rows({"A": 5, "B": 3}))
    csv = population.snapshot_csv()
    assert Population.from_csv(csv).snapshot_csv() == csv
    with pytest.raises(PopulationInvalid, match="LF"):
        Population.from_csv(csv.replace(b"\n", b"\r\n").replace(b"uscc,grade\r\n", b"uscc,grade\n"))
    with pytest.raises(PopulationInvalid, match="表头"):
        Population.from_csv(b"\xef\xbb\xbf" + csv)
    lines = csv.split(b"\n")
    swapped = b"\n".join([lines[0], lines[2], lines[1], *lines[3:]])
    with pytest.raises(PopulationInvalid, match="规范形式"):
        Population.from_csv(swapped)


def test_precomputed_blocks_give_the_same_draw_and_stale_blocks_are_caught() -> None:
    rows = population_rows({"A": 40, "B": 25})
    random.Random(3).shuffle(rows)
    blocks = engine.compute_blocks([u for u, _ in rows])
    plain = Population.from_rows(rows)
    fast = Population.from_rows(rows, blocks=blocks)
    assert np.array_equal(plain.blocks, fast.blocks)
    params = DrawParams({"A": "10", "B": "20"})
    seed = seed_for(params, plain)
    assert engine.draw(plain, params, seed) == engine.draw(fast, params, seed)
    with pytest.raises(PopulationInvalid, match="预计算分组"):
        Population.from_rows(rows, blocks=np.roll(blocks, 1, axis=0))


# --------------------------------------------------------------------------- parameters and quotas


@pytest.mark.parametrize(
    ("ratio", "population", "expected"),
    [
        ("3", 101, 4),  # 3.03 rounds up
        ("3", 100, 3),  # exact: no rounding up
        ("20", 0, 0),  # an empty grade gets nothing
        ("0.5", 1, 1),
        ("12.5", 8, 1),
        ("12.5", 9, 2),
        ("0.001", 1_000_000, 10),
        ("100", 10, 10),
        ("0", 10, 0),
    ],
)
def test_quota_is_the_exact_ceiling_of_ratio_times_population(ratio: str, population: int, expected: int) -> None:
    assert engine.quota(ratio, population) == expected


@pytest.mark.parametrize("bad", ["3.0", "03", "1e1", "-1", "100.5", "", " 3", "3.", ".5", "1000"])
def test_non_canonical_or_out_of_range_ratio_strings_are_rejected(bad: str) -> None:
    with pytest.raises(ParamsInvalid):
        DrawParams({"A": bad})


def test_float_ratios_are_rejected() -> None:
    with pytest.raises(ParamsInvalid):
        DrawParams({"A": 3.0})  # type: ignore[dict-item]


def test_canonical_json_has_sorted_keys_no_spaces_raw_utf8_and_no_floats() -> None:
    assert engine.canonical_json({"b": [1, "乙"], "a": None, "c": True}) == '{"a":null,"b":[1,"乙"],"c":true}'.encode()
    with pytest.raises(TypeError, match="floats"):
        engine.canonical_json({"ratio": 0.03})


def test_params_hash_is_stable_and_changes_with_any_ratio() -> None:
    a = DrawParams({"B": "5", "A": "3"})
    assert a.hash() == DrawParams({"A": "3", "B": "5"}).hash()
    assert a.canonical_bytes() == (
        b'{"algorithm":"JG-DRAW-1","full_coverage":false,"ratios_pct":{"A":"3","B":"5"},'
        b'"rounding":"ceil","snapshot_hash_algorithm":"sha256","team":null}'
    )
    assert a.hash() != DrawParams({"A": "3", "B": "5.5"}).hash()


def test_grade_without_a_ratio_is_rejected_naming_the_grade() -> None:
    with pytest.raises(ParamsInvalid, match="等级 C"):
        run_draw({"A": 5, "C": 5}, {"A": "10"})


def test_full_coverage_selects_every_entity_of_every_grade() -> None:
    result = run_draw({"A": 7, "B": 3, "U": 2}, {}, full_coverage=True)
    assert len(result.selected) == 12
    assert [(g.grade, g.population, g.quota) for g in result.grades] == [("A", 7, 7), ("B", 3, 3), ("U", 2, 2)]
    with pytest.raises(ParamsInvalid, match="全覆盖"):
        DrawParams({"A": "3"}, full_coverage=True)


def test_a_ratio_for_an_absent_grade_gives_zero_and_no_cutoff() -> None:
    result = run_draw({"A": 10}, {"A": "10", "D": "20"})
    d = next(g for g in result.grades if g.grade == "D")
    assert (d.population, d.quota, d.cutoff) == (0, 0, None)


# --------------------------------------------------------------------------- seed material


def test_commitment_is_sha256_of_value_then_salt() -> None:
    salt = "00112233445566778899aabbccddeeff"
    assert engine.commitment("738201", salt) == engine.sha256_hex(b"738201" + salt.encode())


def test_reveal_that_does_not_match_its_commitment_names_the_party() -> None:
    good = reveal("政策法规科", "738201")
    with pytest.raises(RevealMismatch, match="政策法规科") as caught:
        engine.check_reveal("政策法规科", "738202", good.salt, good.commitment)
    assert caught.value.party == "政策法规科"
    with pytest.raises(RevealMismatch, match="执法稽查科"):
        SeedMaterial(
            engine.ALGORITHM, "T", "0" * 64, "1" * 64,
            reveals=(good, Reveal("执法稽查科", "999", good.salt, engine.commitment("998", good.salt))),
        )


def test_seed_needs_two_reveals_or_witnessed_dice() -> None:
    with pytest.raises(SeedInvalid, match="至少两方"):
        SeedMaterial(engine.ALGORITHM, "T", "0" * 64, "1" * 64, reveals=(reveal("甲", "1"),))
    with pytest.raises(SeedInvalid, match="见证人"):
        SeedMaterial(engine.ALGORITHM, "T", "0" * 64, "1" * 64, dice=DiceRoll("1" * 20, ()))
    with pytest.raises(SeedInvalid, match="20 位"):
        SeedMaterial(engine.ALGORITHM, "T", "0" * 64, "1" * 64, dice=DiceRoll("123456", ("张伟",)))
    ok = SeedMaterial(engine.ALGORITHM, "T", "0" * 64, "1" * 64, dice=DiceRoll("1" * 20, ("李娜", "张伟")))
    assert ok.dice is not None and ok.dice.witnesses == ("张伟", "李娜")  # sorted by code point


def test_seed_material_must_name_the_published_params_and_snapshot() -> None:
    population = Population.from_rows(population_rows({"A": 10}))
    params = DrawParams({"A": "10"})
    seed = seed_for(params, population)
    with pytest.raises(SeedInvalid, match="参数哈希"):
        engine.draw(population, DrawParams({"A": "20"}), seed)
    other = Population.from_rows(population_rows({"A": 11}))
    with pytest.raises(SeedInvalid, match="快照哈希"):
        engine.draw(other, params, seed)


def test_keys_are_labelled_sha256_prefixes_of_the_canonical_seed_material() -> None:
    seed = SeedMaterial(engine.ALGORITHM, "T", "0" * 64, "1" * 64, reveals=(reveal("甲", "1"), reveal("乙", "2")))
    raw = seed.canonical_bytes()
    assert seed.k_draw() == hashlib.sha256(b"JG-DRAW-1/draw" + raw).digest()[:16]
    assert seed.k_assign() == hashlib.sha256(b"JG-DRAW-1/assign" + raw).digest()[:16]
    assert seed.k_draw() != seed.k_assign()


# --------------------------------------------------------------------------- the draw


def test_same_inputs_give_the_same_draw() -> None:
    assert run_draw({"A": 200, "B": 100}, {"A": "3", "B": "12.5"}) == run_draw({"A": 200, "B": 100}, {"A": "3", "B": "12.5"})


def test_another_seed_value_gives_another_selection() -> None:
    one = run_draw({"A": 500}, {"A": "5"}, "1", "2")
    two = run_draw({"A": 500}, {"A": "5"}, "1", "3")
    assert {s.uscc for s in one.selected} != {s.uscc for s in two.selected}


def test_every_entity_can_check_itself_with_its_ticket_and_the_cutoff() -> None:
    result = run_draw({"A": 300, "B": 120}, {"A": "3", "B": "20"})
    chosen = {s.uscc for s in result.selected}
    cutoffs = {g.grade: g.cutoff for g in result.grades}
    for uscc, grade in population_rows({"A": 300, "B": 120}):
        ticket = engine.ticket_of(engine.ALGORITHM, result.k_draw, uscc)
        cutoff = cutoffs[grade]
        assert cutoff is not None
        assert (ticket <= cutoff) == (uscc in chosen)


def test_selected_entities_are_listed_by_grade_then_ticket() -> None:
    result = run_draw({"A": 100, "B": 100}, {"A": "10", "B": "10"})
    keys = [(s.grade, s.ticket) for s in result.selected]
    assert keys == sorted(keys)


def test_sm4_variant_draws_differently_but_with_the_same_quotas() -> None:
    population = Population.from_rows(population_rows({"A": 100}))
    aes = DrawParams({"A": "10"})
    sm4 = DrawParams({"A": "10"}, algorithm=engine.ALGORITHM_SM4, snapshot_hash_algorithm="sm3")
    a = engine.draw(population, aes, seed_for(aes, population))
    b = engine.draw(population, sm4, seed_for(sm4, population))
    assert len(a.selected) == len(b.selected) == 10
    assert [s.uscc for s in a.selected] != [s.uscc for s in b.selected]


def test_ties_are_broken_by_uscc_and_the_boundary_is_exact() -> None:
    hi = np.array([5, 1, 5, 5, 0, 5], dtype=np.uint64)
    lo = np.array([9, 0, 9, 2, 7, 9], dtype=np.uint64)
    usccs = np.array([b"F" * 18, b"B" * 18, b"C" * 18, b"D" * 18, b"A" * 18, b"E" * 18], dtype="S18")
    # order by (hi, lo, uscc): 4(A) 1(B) 3(D) then the tie 2(C) 5(E) 0(F)
    assert engine.select_smallest(hi, lo, usccs, 5).tolist() == [4, 1, 3, 2, 5]
    assert engine.select_smallest(hi, lo, usccs, 3).tolist() == [4, 1, 3]
    assert engine.select_smallest(hi, lo, usccs, 0).tolist() == []


@settings(max_examples=150, deadline=None)
@given(
    hi=st.lists(st.integers(0, 3), min_size=1, max_size=40),
    data=st.data(),
)
def test_selection_equals_a_full_sort_even_with_many_ties(hi: list[int], data: st.DataObject) -> None:
    n = len(hi)
    lo = data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    names = [synthetic_uscc(i).encode() for i in range(n)]
    k = data.draw(st.integers(0, n + 2))
    got = engine.select_smallest(
        np.array(hi, dtype=np.uint64), np.array(lo, dtype=np.uint64), np.array(names, dtype="S18"), k
    ).tolist()
    assert got == sorted(range(n), key=lambda i: (hi[i], lo[i], names[i]))[:k]


def _canonical_ratio(thousandths: int) -> str:
    whole, frac = divmod(thousandths, 1000)
    return str(whole) + (f".{frac:03d}".rstrip("0") if frac else "")


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.dictionaries(st.sampled_from(["A", "B", "C", "D", "U"]), st.integers(0, 250), min_size=1),
    ratios=st.lists(st.integers(0, 100_000), min_size=5, max_size=5),
    value=st.text(min_size=1, max_size=8),
)
def test_each_grade_selects_exactly_its_quota(sizes: dict[str, int], ratios: list[int], value: str) -> None:
    pct = {g: _canonical_ratio(r) for g, r in zip(["A", "B", "C", "D", "U"], ratios, strict=True)}
    result = run_draw(sizes, {g: pct[g] for g in sizes}, value, "x")
    for g in result.grades:
        expected = int((Decimal(pct[g.grade]) * g.population / 100).to_integral_value(rounding=ROUND_CEILING))
        assert g.population == sizes[g.grade]
        assert g.quota == expected
        assert sum(1 for s in result.selected if s.grade == g.grade) == expected


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_draw_does_not_depend_on_the_order_rows_arrive_in(rnd: random.Random) -> None:
    rows = population_rows({"A": 40, "B": 30})
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    params = DrawParams({"A": "10", "B": "20"})
    a, b = Population.from_rows(rows), Population.from_rows(shuffled)
    assert engine.draw(a, params, seed_for(params, a)) == engine.draw(b, params, seed_for(params, b))


def test_each_entity_is_selected_with_frequency_quota_over_population() -> None:
    """Over 2,000 seeds every entity of a grade is drawn n_g/N_g of the time, within 4.5 binomial sigmas."""
    sizes, ratios = {"A": 23, "B": 9}, {"A": "10", "B": "30"}  # quotas ceil(2.3)=3 and ceil(2.7)=3
    population = Population.from_rows(population_rows(sizes))
    params = DrawParams(ratios)
    draws = 2_000
    counts = dict.fromkeys((u for u, _ in population.rows()), 0)
    for k in range(draws):
        for s in engine.draw(population, params, seed_for(params, population, str(k), "witness")).selected:
            counts[s.uscc] += 1
    for uscc, grade in population.rows():
        p = engine.quota(ratios[grade], sizes[grade]) / sizes[grade]
        mean, sigma = draws * p, math.sqrt(draws * p * (1 - p))
        assert abs(counts[uscc] - mean) <= 4.5 * sigma, (uscc, grade, counts[uscc], mean, sigma)
