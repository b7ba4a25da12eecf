"""The canonical order and the pre-sorted population path used by the database read (population.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.draws import engine, population
from jianguan.draws.tests.vectors import synthetic_uscc

CHARS = engine.USCC_CHARSET


def _codes(data: st.DataObject, n: int) -> list[str]:
    # Few distinct prefixes, so that runs of equal leading characters (ties of the first sort key) are common.
    prefix = st.sampled_from(["91430300", "91430302", "92430304", "Y1430300"])
    tail = st.text(alphabet="0123AB", min_size=10, max_size=10)
    return data.draw(st.lists(st.builds(lambda p, t: p + t, prefix, tail), min_size=n, max_size=n, unique=True))


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(min_value=1, max_value=300), st.booleans())
def test_canonical_order_equals_a_byte_sort_by_grade_then_code(data: st.DataObject, n: int, parallel: bool) -> None:
    usccs = np.array(_codes(data, n), dtype="S18")
    grades = np.array(data.draw(st.lists(st.sampled_from("ABCDU"), min_size=n, max_size=n)), dtype="S1")
    order = population.canonical_order(usccs, grades, parallel_rows=2 if parallel else 10**9)
    expected = np.lexsort((usccs, grades.view(np.uint8)))
    assert order.tolist() == expected.tolist()


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("bad_row", [0, 7])  # in the first or the second half of a parallel key build
def test_a_code_outside_the_charset_falls_back_to_a_plain_byte_sort(parallel: bool, bad_row: int) -> None:
    codes = [synthetic_uscc(i) for i in range(10)]
    codes[bad_row] = codes[bad_row][:17] + "I"  # I is not in the uscc charset
    usccs = np.array(codes, dtype="S18")
    grades = np.array(list("BABAUDCBAA"), dtype="S1")
    order = population.canonical_order(usccs, grades, parallel_rows=2 if parallel else 10**9)
    assert order.tolist() == np.lexsort((usccs, grades.view(np.uint8))).tolist()


def test_from_sorted_builds_the_same_population_as_from_columns() -> None:
    rows = sorted((g, synthetic_uscc(i)) for i, g in enumerate("ABCDU" * 40))
    usccs = np.array([u for _, u in rows], dtype="S18")
    counts = [(g, sum(1 for x, _ in rows if x == g)) for g in "ABCDU"]
    fast = engine.Population.from_sorted(usccs, counts, codes_unique=True)
    slow = engine.Population.from_columns([u for _, u in rows], [g for g, _ in rows])
    assert fast.snapshot_csv() == slow.snapshot_csv() and fast.counts() == slow.counts()


def test_from_sorted_rejects_rows_out_of_order_or_repeated_and_bad_grades() -> None:
    a, b = synthetic_uscc(1), synthetic_uscc(2)
    low, high = sorted([a, b])
    with pytest.raises(engine.PopulationInvalid, match="规范顺序"):
        engine.Population.from_sorted(np.array([high, low], dtype="S18"), [("A", 2)])
    with pytest.raises(engine.PopulationInvalid, match="规范顺序"):
        engine.Population.from_sorted(np.array([low, low], dtype="S18"), [("A", 2)])
    with pytest.raises(engine.PopulationInvalid, match="信用等级"):
        engine.Population.from_sorted(np.array([low, high], dtype="S18"), [("B", 1), ("A", 1)])
    with pytest.raises(engine.PopulationInvalid, match="不合规"):
        engine.Population.from_sorted(np.array([low, high], dtype="S18"), [("a", 2)])
    with pytest.raises(engine.PopulationInvalid, match="行数"):
        engine.Population.from_sorted(np.array([low, high], dtype="S18"), [("A", 1)])
    # The same code in two grades is caught unless the caller guarantees unique codes.
    with pytest.raises(engine.PopulationInvalid, match="同时出现"):
        engine.Population.from_sorted(np.array([low, low], dtype="S18"), [("A", 1), ("B", 1)])
