"""Inspector teams: size, departments, qualifications, recusals, workload cap, failures that name the entity."""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.draws import engine
from jianguan.draws.engine import (
    Inspector,
    InspectorPool,
    ParamsInvalid,
    TeamParams,
    TeamRuleUnsatisfiable,
    VisitNeed,
    assign_teams,
)
from jianguan.draws.tests.helpers import run_draw
from jianguan.draws.tests.vectors import medium_draw, synthetic_uscc

KEY = bytes(range(16))
MARKET, COMMERCE = "SCJG", "SWJ"


def inspector(n: int, dept: str = MARKET, *domains: str) -> Inspector:
    return Inspector(f"{dept}-{n:02d}", dept, frozenset(domains or ("GENERAL",)))


def visits(count: int, requirements: dict[str, frozenset[str]], offset: int = 0) -> list[VisitNeed]:
    return [VisitNeed(synthetic_uscc(offset + i), requirements) for i in range(count)]


def test_medium_vector_teams_obey_every_rule() -> None:
    result, _ = medium_draw()
    assert result.teams is not None and result.pool is not None
    by_id = {i.inspector_id: i for i in result.pool.inspectors}
    load: Counter[str] = Counter()
    for team in result.teams:
        assert len(team.inspectors) >= 2
        assert len(set(team.inspectors)) == len(team.inspectors)
        for member in team.inspectors:
            assert by_id[member].domains >= {"FOOD", "GENERAL"}
            assert (member, team.uscc) not in result.pool.recusals
            load[member] += 1
    assert max(load.values()) <= 12
    assert [t.uscc for t in result.teams] == [s.uscc for s in result.selected]


def test_joint_visit_gets_one_inspector_from_each_department() -> None:
    # one commerce inspector against twenty market inspectors: ranking alone would rarely pick commerce
    pool = InspectorPool((*(inspector(n) for n in range(20)), inspector(0, COMMERCE)))
    need = {MARKET: frozenset({"GENERAL"}), COMMERCE: frozenset({"GENERAL"})}
    for team in assign_teams(visits(30, need), pool, key=KEY):
        assert sorted(m.split("-")[0] for m in team.inspectors) == sorted([MARKET, COMMERCE])
        assert len(team.inspectors) == 2


def test_min_team_above_the_number_of_departments_is_filled_with_the_next_ranked() -> None:
    pool = InspectorPool(tuple(inspector(n) for n in range(6)) + tuple(inspector(n, COMMERCE) for n in range(6)))
    need = {MARKET: frozenset({"GENERAL"}), COMMERCE: frozenset({"GENERAL"})}
    for team in assign_teams(visits(10, need), pool, key=KEY, min_team=3):
        assert len(team.inspectors) == 3
        assert {m.split("-")[0] for m in team.inspectors} == {MARKET, COMMERCE}


def test_unqualified_inspectors_are_never_chosen() -> None:
    qualified = tuple(inspector(n, MARKET, "FOOD", "GENERAL") for n in range(3))
    others = tuple(inspector(n, MARKET, "GENERAL") for n in range(10, 20))
    pool = InspectorPool(qualified + others)
    allowed = {i.inspector_id for i in qualified}
    for team in assign_teams(visits(25, {MARKET: frozenset({"FOOD", "GENERAL"})}), pool, key=KEY):
        assert set(team.inspectors) <= allowed


def test_recused_inspector_is_replaced_by_the_next_ranked() -> None:
    need = {MARKET: frozenset({"GENERAL"})}
    members = tuple(inspector(n) for n in range(8))
    visit = visits(1, need)
    (before,) = assign_teams(visit, InspectorPool(members), key=KEY)
    recused = before.inspectors[0]
    (after,) = assign_teams(visit, InspectorPool(members, frozenset({(recused, visit[0].uscc)})), key=KEY)
    assert recused not in after.inspectors
    assert len(after.inspectors) == 2
    assert after.inspectors[0] == before.inspectors[1]


def test_workload_cap_is_never_exceeded() -> None:
    pool = InspectorPool(tuple(inspector(n) for n in range(10)))
    teams = assign_teams(visits(5, {MARKET: frozenset({"GENERAL"})}), pool, key=KEY, workload_cap=1)
    load = Counter(m for t in teams for m in t.inspectors)
    assert set(load.values()) == {1}


def test_exhausted_workload_cap_raises_naming_the_entity() -> None:
    pool = InspectorPool(tuple(inspector(n) for n in range(4)))
    need = visits(3, {MARKET: frozenset({"GENERAL"})})
    with pytest.raises(TeamRuleUnsatisfiable, match=need[2].uscc) as caught:
        assign_teams(need, pool, key=KEY, workload_cap=1)
    assert caught.value.uscc == need[2].uscc
    assert caught.value.reason == "workload_cap"
    assert caught.value.department == MARKET


def test_missing_qualification_raises_naming_entity_department_and_domain() -> None:
    pool = InspectorPool(tuple(inspector(n, MARKET, "GENERAL") for n in range(5)))
    need = visits(1, {MARKET: frozenset({"GENERAL", "SPECIAL_EQUIPMENT"})})
    with pytest.raises(TeamRuleUnsatisfiable) as caught:
        assign_teams(need, pool, key=KEY)
    message = str(caught.value)
    assert need[0].uscc in message and MARKET in message and "SPECIAL_EQUIPMENT" in message
    assert caught.value.reason == "missing_qualification"
    assert caught.value.missing_domains == ("SPECIAL_EQUIPMENT",)


def test_missing_department_raises_naming_entity_and_department() -> None:
    pool = InspectorPool(tuple(inspector(n) for n in range(5)))
    need = visits(1, {MARKET: frozenset({"GENERAL"}), COMMERCE: frozenset({"PREPAID"})})
    with pytest.raises(TeamRuleUnsatisfiable) as caught:
        assign_teams(need, pool, key=KEY)
    assert need[0].uscc in str(caught.value) and COMMERCE in str(caught.value)
    assert (caught.value.department, caught.value.reason) == (COMMERCE, "no_inspector")


def test_all_qualified_inspectors_recused_raises() -> None:
    need = visits(1, {MARKET: frozenset({"GENERAL"})})
    members = tuple(inspector(n) for n in range(2))
    pool = InspectorPool(members, frozenset((m.inspector_id, need[0].uscc) for m in members))
    with pytest.raises(TeamRuleUnsatisfiable, match="回避") as caught:
        assign_teams(need, pool, key=KEY)
    assert caught.value.reason == "recused"


def test_too_few_eligible_inspectors_for_min_team_raises_instead_of_a_smaller_team() -> None:
    pool = InspectorPool(tuple(inspector(n) for n in range(2)))
    need = visits(1, {MARKET: frozenset({"GENERAL"})})
    with pytest.raises(TeamRuleUnsatisfiable, match="至少需要 3 人") as caught:
        assign_teams(need, pool, key=KEY, min_team=3)
    assert caught.value.reason == "team_too_small" and need[0].uscc in str(caught.value)


def test_team_smaller_than_two_cannot_be_configured() -> None:
    pool = InspectorPool(tuple(inspector(n) for n in range(4)))
    with pytest.raises(ParamsInvalid, match="不小于 2"):
        TeamParams.for_pool(pool, {MARKET: ["GENERAL"]}, min_team=1)


def test_draw_refuses_a_pool_that_differs_from_the_published_one() -> None:
    pool = InspectorPool(tuple(inspector(n) for n in range(4)))
    team = TeamParams.for_pool(pool, {MARKET: ["GENERAL"]})
    swapped = InspectorPool(tuple(inspector(n) for n in range(1, 5)))
    with pytest.raises(ParamsInvalid, match="名单哈希"):
        run_draw({"A": 20}, {"A": "10"}, pool=swapped, team=team)
    recusing = InspectorPool(pool.inspectors, frozenset({("SCJG-00", synthetic_uscc(0))}))
    with pytest.raises(ParamsInvalid, match="回避名单"):
        run_draw({"A": 20}, {"A": "10"}, pool=recusing, team=team)


def test_pair_rank_is_the_cipher_of_the_xor_of_both_blocks() -> None:
    uscc, inspector_id = synthetic_uscc(5), "SCJG-07"
    pair = bytes(a ^ b for a, b in zip(engine.id_block(uscc), engine.id_block(inspector_id), strict=True))
    assert pair == engine.pair_blocks(
        engine.compute_blocks([uscc]), engine.compute_blocks(["SCJG-07"])
    ).tobytes()
    assert engine.id_block(inspector_id) == hashlib.sha256(inspector_id.encode()).digest()[:16]


def test_each_inspector_is_drawn_with_equal_frequency_over_many_keys() -> None:
    """2 of 5 equally qualified inspectors per visit: each is on the team 2/5 of the time (4.5 sigma)."""
    pool = InspectorPool(tuple(inspector(n) for n in range(5)))
    need = visits(1, {MARKET: frozenset({"GENERAL"})})
    draws = 2_000
    counts: Counter[str] = Counter()
    for k in range(draws):
        key = hashlib.sha256(f"key-{k}".encode()).digest()[:16]
        counts.update(assign_teams(need, pool, key=key)[0].inspectors)
    p = 2 / 5
    sigma = math.sqrt(draws * p * (1 - p))
    for i in pool.inspectors:
        assert abs(counts[i.inspector_id] - draws * p) <= 4.5 * sigma


def reference_teams(
    needs: list[VisitNeed], pool: InspectorPool, key: bytes, min_team: int, cap: int | None
) -> list[tuple[str, ...]] | str:
    """The spec's §7 walk, written plainly: full ranking of every visit, no prefixes, no numpy."""
    load: Counter[str] = Counter()
    out: list[tuple[str, ...]] = []
    for v in needs:
        cands = [i for i in pool.inspectors if i.department in v.requirements
                 and i.domains >= v.requirements[i.department]]
        def rank(i: Inspector, uscc: str = v.uscc) -> tuple[int, str]:
            pair = bytes(a ^ b for a, b in zip(engine.id_block(uscc), engine.id_block(i.inspector_id), strict=True))
            return int.from_bytes(engine.ecb_encrypt(engine.ALGORITHM, key, pair), "big"), i.inspector_id
        firsts: set[str] = set()
        team: list[str] = []
        fill = max(0, min_team - len(v.requirements))
        for i in sorted(cands, key=rank):
            if (i.inspector_id, v.uscc) in pool.recusals or (cap is not None and load[i.inspector_id] >= cap):
                continue
            if i.department in firsts and len(team) - len(firsts) >= fill:
                continue
            firsts.add(i.department)
            team.append(i.inspector_id)
            if len(firsts) == len(v.requirements) and len(team) - len(firsts) >= fill:
                break
        if len(firsts) < len(v.requirements) or len(team) - len(firsts) < fill:
            return v.uscc
        load.update(team)
        out.append(tuple(team))
    return out


@settings(max_examples=40, deadline=None)
@given(
    n_market=st.integers(0, 40),
    n_commerce=st.integers(0, 6),
    n_visits=st.integers(1, 60),
    min_team=st.integers(2, 4),
    cap=st.one_of(st.none(), st.integers(1, 6)),
    recusal_seed=st.integers(0, 10_000),
    key_seed=st.integers(0, 10_000),
)
def test_assign_teams_matches_the_plain_reference_walk(
    n_market: int, n_commerce: int, n_visits: int, min_team: int, cap: int | None, recusal_seed: int, key_seed: int
) -> None:
    members = [inspector(n, MARKET, "GENERAL", *(["FOOD"] if n % 3 else [])) for n in range(n_market)]
    members += [inspector(n, COMMERCE, "PREPAID") for n in range(n_commerce)]
    needs = [VisitNeed(synthetic_uscc(i), {MARKET: frozenset({"FOOD"})} if i % 3 else
                       {MARKET: frozenset({"GENERAL"}), COMMERCE: frozenset({"PREPAID"})}) for i in range(n_visits)]
    rng = random.Random(recusal_seed)
    recusals = frozenset((m.inspector_id, rng.choice(needs).uscc) for m in members if rng.random() < 0.3)
    pool = InspectorPool(tuple(members), recusals)
    key = hashlib.sha256(str(key_seed).encode()).digest()[:16]
    expected = reference_teams(needs, pool, key, min_team, cap)
    if isinstance(expected, str):
        with pytest.raises(TeamRuleUnsatisfiable, match=expected):
            assign_teams(needs, pool, key=key, min_team=min_team, workload_cap=cap)
    else:
        got = assign_teams(needs, pool, key=key, min_team=min_team, workload_cap=cap)
        assert [t.inspectors for t in got] == expected


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_ranked_prefixes_are_exact_even_with_repeated_high_words(data: st.DataObject) -> None:
    rows, cols = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 12))
    word = st.one_of(st.integers(0, 3), st.integers(0, 2**64 - 1), st.integers(2**40, 2**40 + 3))
    hi = np.array(data.draw(st.lists(word, min_size=rows * cols, max_size=rows * cols)), dtype=np.uint64)
    lo = np.array(data.draw(st.lists(st.integers(0, 1_000), min_size=rows * cols, max_size=rows * cols, unique=True)),
                  dtype=np.uint64)
    hi, lo = hi.reshape(rows, cols), lo.reshape(rows, cols)
    k = data.draw(st.integers(1, cols + 3))
    got = engine._ranked_prefixes(hi, lo, k)
    for r in range(rows):
        assert got[r].tolist() == sorted(range(cols), key=lambda c: (int(hi[r, c]), int(lo[r, c])))[:k]
