"""Joint rounds: merge and de-duplicate (汇总取重), one team per merged visit."""

from __future__ import annotations

import pytest

from jianguan.draws.engine import Inspector, InspectorPool, ParamsInvalid, SeedInvalid, SeedMaterial
from jianguan.draws.merge import DepartmentSelection, JointParams, MergeInvalid, joint_teams, merge_selections
from jianguan.draws.tests.vectors import joint_round, reveal, synthetic_uscc

E = [synthetic_uscc(i) for i in range(6)]
MARKET, COMMERCE, HEALTH = "SCJG", "SWJ", "WJW"


def test_an_entity_drawn_by_several_departments_gets_one_visit_covering_all_their_items() -> None:
    merge = merge_selections(
        MARKET,
        [
            DepartmentSelection(MARKET, ("SC-02", "SC-01"), (E[0], E[1], E[2])),
            DepartmentSelection(COMMERCE, ("SW-01",), (E[1], E[2], E[3])),
            DepartmentSelection(HEALTH, ("WJ-01",), (E[2],)),
        ],
    )
    assert [v.uscc for v in merge.visits] == sorted([E[0], E[1], E[2], E[3]])
    by_uscc = {v.uscc: v for v in merge.visits}
    assert by_uscc[E[2]].departments == (MARKET, COMMERCE, HEALTH)  # sorted by department id
    assert by_uscc[E[2]].items == ("SC-01", "SC-02", "SW-01", "WJ-01")
    assert by_uscc[E[0]].departments == (MARKET,)
    assert (merge.visits_before, merge.visits_after, merge.visits_saved) == (7, 4, 3)


def test_merge_without_overlap_saves_nothing() -> None:
    merge = merge_selections(MARKET, [DepartmentSelection(MARKET, ("A",), (E[0],)),
                                      DepartmentSelection(COMMERCE, ("B",), (E[1],))])
    assert merge.visits_saved == 0 and merge.to_json()["visits_saved"] == 0


def test_merge_rejects_a_lead_that_does_not_take_part() -> None:
    with pytest.raises(MergeInvalid, match="发起部门 WJW"):
        merge_selections(HEALTH, [DepartmentSelection(MARKET, ("A",), (E[0],))])


def test_merge_rejects_a_department_listed_twice_or_an_entity_listed_twice() -> None:
    with pytest.raises(MergeInvalid, match="多次"):
        merge_selections(MARKET, [DepartmentSelection(MARKET, ("A",), (E[0],)),
                                  DepartmentSelection(MARKET, ("B",), (E[1],))])
    with pytest.raises(MergeInvalid, match=f"{E[0]} 重复"):
        DepartmentSelection(MARKET, ("A",), (E[0], E[0]))


def test_joint_round_staffs_every_visit_with_one_inspector_from_each_department_involved() -> None:
    result = joint_round()
    depts_of = {v.uscc: set(v.departments) for v in result.merge.visits}
    dept_of_inspector = {i.inspector_id: i.department for i in result.pool.inspectors}
    assert any(len(d) == 2 for d in depts_of.values())
    for team in result.teams:
        assert {dept_of_inspector[m] for m in team.inspectors} == depts_of[team.uscc]
        assert len(team.inspectors) >= 2
    assert sorted(t.uscc for t in result.teams) == sorted(depts_of)


def _tiny_joint(item_domains: dict[str, list[str]]) -> None:
    merge = merge_selections(MARKET, [DepartmentSelection(MARKET, ("SC-01",), (E[0],)),
                                      DepartmentSelection(COMMERCE, ("SW-01",), (E[0],))])
    pool = InspectorPool(tuple(Inspector(f"{d}-{n}", d, frozenset({"GENERAL"})) for d in (MARKET, COMMERCE)
                               for n in range(3)))
    params = JointParams.for_pool(pool, item_domains)
    seed = SeedMaterial(params.algorithm, "J", params.hash(), merge.hash(),
                        reveals=(reveal("甲", "1"), reveal("乙", "2")))
    joint_teams(merge, params, seed, pool)


def test_joint_round_needs_the_domains_of_every_item() -> None:
    with pytest.raises(ParamsInvalid, match="SW-01"):
        _tiny_joint({"SC-01": ["GENERAL"]})
    _tiny_joint({"SC-01": ["GENERAL"], "SW-01": ["GENERAL"]})


def test_joint_seed_must_name_the_merged_visits() -> None:
    merge = merge_selections(MARKET, [DepartmentSelection(MARKET, ("SC-01",), (E[0], E[1]))])
    pool = InspectorPool(tuple(Inspector(f"M-{n}", MARKET, frozenset()) for n in range(3)))
    params = JointParams.for_pool(pool, {"SC-01": []})
    other = merge_selections(MARKET, [DepartmentSelection(MARKET, ("SC-01",), (E[0],))])
    seed = SeedMaterial(params.algorithm, "J", params.hash(), other.hash(), reveals=(reveal("甲", "1"), reveal("乙", "2")))
    with pytest.raises(SeedInvalid, match="汇总取重"):
        joint_teams(merge, params, seed, pool)
