"""Deterministic JG-DRAW-1 test vectors, committed in jianguan/draws/vectors/.

Regenerate after a deliberate change of the algorithm (and of docs/draw-spec.md):
    .venv/bin/python -m jianguan.draws.tests.vectors
test_vectors.py fails while the committed files differ from what this module builds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from jianguan.draws import engine
from jianguan.draws.engine import (
    ALGORITHM_SM4,
    Beacon,
    DiceRoll,
    DrawParams,
    Inspector,
    InspectorPool,
    Population,
    Reveal,
    SeedMaterial,
    TeamParams,
)
from jianguan.draws.merge import DepartmentSelection, JointParams, JointResult, joint_teams, merge_selections

VECTOR_DIR = Path(__file__).resolve().parent.parent / "vectors"
CHARSET = engine.USCC_CHARSET
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
SCJG, SWJ = "430300-SCJG", "430300-SWJ"  # city market regulation bureau, city commerce bureau


def uscc_check_digit(first17: str) -> str:
    """GB 32100-2015 check character."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def synthetic_uscc(i: int, region: str = "430300") -> str:
    """A valid-looking, unique unified social credit code for synthetic entity number i."""
    n = (i * 2_654_435_761 + 104_729) % 31**9  # the multiplier is coprime to 31: distinct i, distinct codes
    org = ""
    for _ in range(9):
        n, r = divmod(n, 31)
        org = CHARSET[r] + org
    first17 = "91" + region + org
    return first17 + uscc_check_digit(first17)


def salt_for(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()[:32]


def reveal(party: str, value: str) -> Reveal:
    salt = salt_for(f"salt/{party}")
    return Reveal(party, value, salt, engine.commitment(value, salt))


def population_rows(sizes: dict[str, int], offset: int = 0) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    i = offset
    for grade, size in sizes.items():
        for _ in range(size):
            rows.append((synthetic_uscc(i), grade))
            i += 1
    return rows


def dump(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def small_draw(algorithm: str = engine.ALGORITHM) -> tuple[engine.DrawResult, Population]:
    pop = Population.from_rows(population_rows({"A": 12, "C": 8}))
    sm4 = algorithm == ALGORITHM_SM4
    params = DrawParams({"A": "10", "C": "12.5"}, algorithm=algorithm, snapshot_hash_algorithm="sm3" if sm4 else "sha256")
    seed = SeedMaterial(
        algorithm,
        "XT-2025-0001" if not sm4 else "XT-2025-0002",
        params.hash(),
        pop.snapshot_hash(params.snapshot_hash_algorithm),
        reveals=() if sm4 else (reveal("政策法规科", "738201"), reveal("执法稽查科", "550914")),
        dice=DiceRoll("31415926535897932384", ("张伟", "李娜")) if sm4 else None,
    )
    return engine.draw(pop, params, seed), pop


def medium_pool(pop: Population) -> InspectorPool:
    inspectors = []
    for k in range(40):
        domains = {"GENERAL"}
        if k % 4 != 3:
            domains.add("FOOD")
        if k % 5 == 0:
            domains.add("SPECIAL_EQUIPMENT")
        inspectors.append(Inspector(f"XT-SCJG-{k:03d}", SCJG, frozenset(domains)))
    d_grade = next(s for s in pop.slices if s.grade == "D")
    d_usccs = [u.decode() for u in pop.usccs[d_grade.start : d_grade.stop].tolist()]
    recusals = frozenset((f"XT-SCJG-{(3 * j) % 40:03d}", d_usccs[(7 * j) % len(d_usccs)]) for j in range(30))
    return InspectorPool(tuple(inspectors), recusals, salt_for("recusals/medium"))


def medium_draw() -> tuple[engine.DrawResult, Population]:
    pop = Population.from_rows(population_rows({"A": 760, "B": 680, "C": 340, "D": 150, "U": 70}, offset=1000))
    pool = medium_pool(pop)
    team = TeamParams.for_pool(pool, {SCJG: ["FOOD", "GENERAL"]}, min_team=2, workload_cap=12)
    params = DrawParams({"A": "3", "B": "5", "C": "12.5", "D": "20", "U": "5"}, team=team)
    seed = SeedMaterial(
        params.algorithm,
        "XT-2025-0101",
        params.hash(),
        pop.snapshot_hash(),
        reveals=(reveal("政策法规科", "20250315-0931"), reveal("食品生产科", "k7Qm2"), reveal("公证处", "884213")),
        dice=DiceRoll("62514433216655123456", ("王芳", "刘洋", "陈静")),
        beacon=Beacon("drand-quicknet", 12_345_678, "a1b2c3d4e5f60718293a4b5c6d7e8f90"),
    )
    return engine.draw(pop, params, seed, pool), pop


def joint_round() -> JointResult:
    rows_a = population_rows({"A": 60, "B": 60}, offset=5000)
    rows_b = population_rows({"A": 30, "B": 30}, offset=5060) + population_rows({"B": 30}, offset=6000)
    selections = []
    for dept, rows, ratios, items, values in [
        (SCJG, rows_a, {"A": "20", "B": "30"}, ("SC-FOOD-01", "SC-LIC-02"), ("101", "202")),
        (SWJ, rows_b, {"A": "30", "B": "40"}, ("SW-PREPAID-03",), ("303", "404")),
    ]:
        pop = Population.from_rows(rows)
        params = DrawParams(ratios)
        seed = SeedMaterial(
            params.algorithm, f"XT-2025-J01-{dept}", params.hash(), pop.snapshot_hash(),
            reveals=(reveal(f"{dept}/甲", values[0]), reveal(f"{dept}/乙", values[1])),
        )
        result = engine.draw(pop, params, seed)
        record_hash = engine.sha256_hex(engine.canonical_json(result.to_record()))
        selections.append(DepartmentSelection(dept, items, tuple(s.uscc for s in result.selected), record_hash))
    merge = merge_selections(SCJG, selections)
    inspectors = [Inspector(f"XT-SCJG-{k:03d}", SCJG, frozenset({"FOOD", "GENERAL"} if k % 3 else {"GENERAL"}))
                  for k in range(12)]
    inspectors += [Inspector(f"XT-SWJ-{k:03d}", SWJ, frozenset({"PREPAID"})) for k in range(8)]
    first = merge.visits[0].uscc
    pool = InspectorPool(tuple(inspectors), frozenset({("XT-SWJ-000", first), ("XT-SCJG-001", first)}))
    params_j = JointParams.for_pool(
        pool, {"SC-FOOD-01": ["FOOD"], "SC-LIC-02": ["GENERAL"], "SW-PREPAID-03": ["PREPAID"]}, workload_cap=10
    )
    seed_j = SeedMaterial(
        params_j.algorithm, "XT-2025-J01", params_j.hash(), merge.hash(),
        reveals=(reveal("联席会议办公室", "5150"), reveal("政策法规科", "9876")),
    )
    return joint_teams(merge, params_j, seed_j, pool)


def handcheck(small: engine.DrawResult, medium: engine.DrawResult) -> dict[str, Any]:
    """Step-by-step values for checking an implementation with openssl (docs/draw-spec.md §10)."""
    first = small.selected[0]
    seed_bytes = small.seed_material.canonical_bytes()
    assert medium.teams is not None
    team = medium.teams[0]
    member = team.inspectors[0]
    pair = bytes(a ^ b for a, b in zip(engine.id_block(team.uscc), engine.id_block(member), strict=True))
    rank = int.from_bytes(engine.ecb_encrypt(engine.ALGORITHM, medium.k_assign, pair), "big")
    salt = salt_for("salt/政策法规科")
    return {
        "commitment": {"party": "政策法规科", "salt": salt, "value": "738201",
                       "commitment": engine.commitment("738201", salt)},
        "quota_examples": [{"population": 101, "ratio_pct": "3", "quota": engine.quota("3", 101)},
                           {"population": 12, "ratio_pct": "10", "quota": engine.quota("10", 12)},
                           {"population": 8, "ratio_pct": "12.5", "quota": engine.quota("12.5", 8)}],
        "ticket_example": {
            "record": "small_record.json (its first selected entity)",
            "seed_material_json": seed_bytes.decode(),
            "seed_material_sha256": engine.sha256_hex(seed_bytes),
            "k_draw": small.k_draw.hex(),
            "uscc": first.uscc,
            "block": engine.id_block(first.uscc).hex(),
            "ticket": engine.ticket_hex(first.ticket),
        },
        "rank_example": {
            "record": "medium_record.json (its first team, first member)",
            "k_assign": medium.k_assign.hex(),
            "uscc": team.uscc,
            "uscc_block": engine.id_block(team.uscc).hex(),
            "inspector_id": member,
            "inspector_block": engine.id_block(member).hex(),
            "pair_block": pair.hex(),
            "rank_ticket": engine.ticket_hex(rank),
        },
    }


def build_vectors() -> dict[str, bytes]:
    small, small_pop = small_draw()
    sm4, sm4_pop = small_draw(ALGORITHM_SM4)
    medium, medium_pop = medium_draw()
    return {
        "small_snapshot.csv": small_pop.snapshot_csv(),
        "small_record.json": dump(small.to_record()),
        "small_sm4_snapshot.csv": sm4_pop.snapshot_csv(),
        "small_sm4_record.json": dump(sm4.to_record()),
        "medium_snapshot.csv": medium_pop.snapshot_csv(),
        "medium_record.json": dump(medium.to_record()),
        "joint_record.json": dump(joint_round().to_record()),
        "handcheck.json": dump(handcheck(small, medium)),
    }


def write_vectors() -> None:
    VECTOR_DIR.mkdir(exist_ok=True)
    for name, data in build_vectors().items():
        (VECTOR_DIR / name).write_bytes(data)


if __name__ == "__main__":
    write_vectors()
