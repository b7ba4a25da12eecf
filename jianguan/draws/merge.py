"""Joint rounds (部门联合抽查): merge and de-duplicate (汇总取重), then one team per merged visit.

Each department draws for its own items with engine.draw. The lead department merges the results:
an entity drawn by several departments gets ONE visit covering all their items ("enter once, check
many things", 进一次门、查多项事 [000][001][004]), and the visit is staffed with inspectors drawn
from every department involved [001]. Pure like the engine; the format is docs/draw-spec.md §8.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jianguan.draws.engine import (
    ALGORITHM,
    ALGORITHMS,
    DEFAULT_MIN_TEAM,
    RECORD_FORMAT,
    USCC_RE,
    DrawError,
    InspectorPool,
    ParamsInvalid,
    SeedInvalid,
    SeedMaterial,
    Team,
    VisitNeed,
    assign_teams,
    canonical_json,
    check_team_rules,
    compute_blocks,
    encrypt_tickets,
    select_smallest,
    sha256_hex,
    ticket_hex,
)


class MergeInvalid(DrawError):
    code = "merge_invalid"


@dataclass(frozen=True)
class DepartmentSelection:
    """One department's draw result: its items and the usccs it selected (and its record's hash)."""

    department: str
    items: tuple[str, ...]
    selected: tuple[str, ...]
    record_hash: str | None = None  # SHA-256 of the department's canonical draw record, when published

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(sorted(set(self.items))))
        object.__setattr__(self, "selected", tuple(sorted(self.selected)))
        if not self.department:
            raise MergeInvalid("部门编号不能为空")
        if not self.items:
            raise MergeInvalid(f"部门 {self.department} 没有检查事项")
        if self.record_hash is not None and not re.fullmatch(r"[0-9a-f]{64}", self.record_hash):
            raise MergeInvalid(f"部门 {self.department} 的抽取记录哈希须为 64 位小写十六进制")
        for a, b in itertools.pairwise(self.selected):
            if a == b:
                raise MergeInvalid(f"部门 {self.department} 的抽取结果中 {a} 重复出现")
        for u in self.selected:
            if not USCC_RE.fullmatch(u):
                raise MergeInvalid(f"部门 {self.department} 的抽取结果中统一社会信用代码 {u!r} 不合规")

    def to_json(self) -> dict[str, Any]:
        return {
            "department": self.department,
            "items": list(self.items),
            "record_hash": self.record_hash,
            "selected": list(self.selected),
        }


@dataclass(frozen=True)
class JointVisit:
    """One merged visit: the entity, every department that drew it, and all their items."""

    uscc: str
    departments: tuple[str, ...]
    items: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"departments": list(self.departments), "items": list(self.items), "uscc": self.uscc}


@dataclass(frozen=True)
class JointMerge:
    """The de-duplicated visits of a joint round, with the count of visits saved."""

    lead_department: str
    inputs: tuple[DepartmentSelection, ...]
    visits: tuple[JointVisit, ...]

    @property
    def visits_before(self) -> int:
        return sum(len(i.selected) for i in self.inputs)

    @property
    def visits_after(self) -> int:
        return len(self.visits)

    @property
    def visits_saved(self) -> int:
        return self.visits_before - self.visits_after

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": [i.to_json() for i in self.inputs],
            "lead_department": self.lead_department,
            "visits": [v.to_json() for v in self.visits],
            "visits_after": self.visits_after,
            "visits_before": self.visits_before,
            "visits_saved": self.visits_saved,
        }

    def hash(self) -> str:
        return sha256_hex(canonical_json(self.to_json()))


def merge_selections(lead_department: str, selections: Iterable[DepartmentSelection]) -> JointMerge:
    """汇总取重: one visit per entity, covering the items of every department that drew it."""
    inputs = tuple(sorted(selections, key=lambda s: s.department))
    departments = [s.department for s in inputs]
    if len(set(departments)) != len(departments):
        raise MergeInvalid("同一部门在联合抽查中出现多次")
    if lead_department not in departments:
        raise MergeInvalid(f"发起部门 {lead_department} 不在参与部门之中")
    drawn_by: dict[str, list[DepartmentSelection]] = {}
    for s in inputs:
        for u in s.selected:
            drawn_by.setdefault(u, []).append(s)
    visits = tuple(
        JointVisit(
            uscc,
            tuple(s.department for s in drawn_by[uscc]),
            tuple(sorted({item for s in drawn_by[uscc] for item in s.items})),
        )
        for uscc in sorted(drawn_by)
    )
    return JointMerge(lead_department, inputs, visits)


@dataclass(frozen=True)
class JointParams:
    """Published before the joint team draw: the domains each item requires and the team rules."""

    item_domains: Mapping[str, frozenset[str]]
    inspectors_hash: str
    recusals_hash: str
    min_team: int = DEFAULT_MIN_TEAM
    workload_cap: int | None = None
    algorithm: str = ALGORITHM

    def __post_init__(self) -> None:
        object.__setattr__(self, "item_domains", {k: frozenset(v) for k, v in self.item_domains.items()})
        check_team_rules(self.min_team, self.workload_cap)
        if self.algorithm not in ALGORITHMS:
            raise ParamsInvalid(f"算法标识 {self.algorithm!r} 不受支持")

    @classmethod
    def for_pool(
        cls,
        pool: InspectorPool,
        item_domains: Mapping[str, Iterable[str]],
        *,
        min_team: int = DEFAULT_MIN_TEAM,
        workload_cap: int | None = None,
        algorithm: str = ALGORITHM,
    ) -> JointParams:
        domains = {k: frozenset(v) for k, v in item_domains.items()}
        return cls(domains, pool.inspectors_hash(), pool.recusals_hash(), min_team, workload_cap, algorithm)

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "item_domains": {k: sorted(v) for k, v in sorted(self.item_domains.items())},
            "kind": "joint",
            "team": {
                "inspectors_hash": self.inspectors_hash,
                "min_team": self.min_team,
                "recusals_hash": self.recusals_hash,
                "workload_cap": self.workload_cap,
            },
        }

    def hash(self) -> str:
        return sha256_hex(canonical_json(self.to_json()))


def visit_needs(merge: JointMerge, params: JointParams) -> dict[str, VisitNeed]:
    """Per visit and department: the union of the domains of that department's items."""
    dept_domains: dict[str, frozenset[str]] = {}
    for s in merge.inputs:
        missing = [item for item in s.items if item not in params.item_domains]
        if missing:
            raise ParamsInvalid(f"检查事项 {'、'.join(missing)} 没有设定所需的执法资质领域")
        dept_domains[s.department] = frozenset().union(*(params.item_domains[i] for i in s.items))
    return {v.uscc: VisitNeed(v.uscc, {d: dept_domains[d] for d in v.departments}) for v in merge.visits}


@dataclass(frozen=True)
class JointResult:
    """The staffed joint round; `to_record()` is its published record."""

    merge: JointMerge
    params: JointParams
    seed_material: SeedMaterial
    k_assign: bytes
    order: tuple[tuple[str, int], ...]  # (uscc, order ticket) in staffing order
    teams: tuple[Team, ...]
    pool: InspectorPool

    def to_record(self, *, confidential_recusals: bool = False) -> dict[str, Any]:
        if confidential_recusals and not self.pool.recusals_salt:
            raise ParamsInvalid("保密的回避名单须使用随机盐值，否则其哈希可被穷举")
        tickets = dict(self.order)
        return {
            "announcement": {
                "algorithm": self.params.algorithm,
                "commitments": self.seed_material.commitments_json(),
                "merge": self.merge.to_json(),
                "merge_hash": self.merge.hash(),
                "params": self.params.to_json(),
                "params_hash": self.params.hash(),
                "task_id": self.seed_material.task_id,
            },
            "format": RECORD_FORMAT,
            "keys": {"k_assign": self.k_assign.hex()},
            "kind": "joint",
            "seed_material": self.seed_material.to_json(),
            "teams": {
                "assignments": [
                    {"inspectors": list(t.inspectors), "order_ticket": ticket_hex(tickets[t.uscc]), "uscc": t.uscc}
                    for t in self.teams
                ],
                "inspectors": self.pool.inspectors_json(),
                "recusals": None if confidential_recusals else self.pool.recusals_json(),
            },
        }


def joint_teams(
    merge: JointMerge, params: JointParams, seed_material: SeedMaterial, pool: InspectorPool
) -> JointResult:
    """Staff every merged visit, in order of E(K_assign, block(uscc)), with one team."""
    if seed_material.algorithm != params.algorithm:
        raise SeedInvalid("种子材料的算法标识与参数不一致")
    if seed_material.params_hash != params.hash():
        raise SeedInvalid("种子材料中的参数哈希与公布的参数不一致")
    if seed_material.snapshot_hash != merge.hash():
        raise SeedInvalid("种子材料中的快照哈希与汇总取重结果不一致")
    if pool.inspectors_hash() != params.inspectors_hash or pool.recusals_hash() != params.recusals_hash:
        raise ParamsInvalid("检查人员名单或回避名单与公布的哈希不一致")
    needs = visit_needs(merge, params)
    k_assign = seed_material.k_assign()
    usccs = [v.uscc for v in merge.visits]
    blocks = compute_blocks(usccs)
    hi, lo = encrypt_tickets(params.algorithm, k_assign, blocks)
    idx = select_smallest(hi, lo, np.array(usccs, dtype="S18"), len(usccs))
    order = tuple((usccs[i], (int(hi[i]) << 64) | int(lo[i])) for i in idx.tolist())
    visits: Sequence[VisitNeed] = [needs[u] for u, _ in order]
    teams = assign_teams(
        visits,
        pool,
        key=k_assign,
        algorithm=params.algorithm,
        min_team=params.min_team,
        workload_cap=params.workload_cap,
        visit_blocks=blocks[idx],
    )
    return JointResult(merge, params, seed_material, k_assign, order, teams, pool)
