"""Benchmark of the JG-DRAW-1 kernel (jianguan/draws/engine.py) on a synthetic population.

    .venv/bin/python bench/draw_kernel.py            # 10^6 entities, 4 credit grades
    .venv/bin/python bench/draw_kernel.py --n 10000000

Prints one table. Each stage is the best of --repeat runs (wall clock, time.perf_counter). No database:
this measures the kernel alone; reading the rows out of the database is measured elsewhere.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jianguan.draws import engine
from jianguan.draws.engine import (
    DrawParams,
    Inspector,
    InspectorPool,
    Population,
    SeedMaterial,
    TeamParams,
    VisitNeed,
)

T = TypeVar("T")
CHARSET = np.frombuffer(engine.USCC_CHARSET.encode(), dtype=np.uint8)
WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
GRADES = {"A": ("3", 0.40), "B": ("5", 0.35), "C": ("10", 0.20), "D": ("20", 0.05)}
DEPT = "430300-SCJG"


def synthetic_usccs(n: int) -> np.ndarray:
    """n distinct GB 32100-valid codes "91430300" + 9 base-31 characters + check character, as S18."""
    values = (np.arange(n, dtype=np.int64) * 2_654_435_761 + 104_729) % 31**9  # coprime to 31: distinct
    digits = np.empty((n, 17), dtype=np.int64)
    digits[:, :8] = [9, 1, 4, 3, 0, 3, 0, 0]
    for pos in range(16, 7, -1):
        values, digits[:, pos] = np.divmod(values, 31)
    check = (31 - (digits * WEIGHTS).sum(axis=1) % 31) % 31
    out = np.empty((n, 18), dtype=np.uint8)
    out[:, :17], out[:, 17] = CHARSET[digits], CHARSET[check]
    return out.reshape(-1).view("S18")


def best(repeat: int, fn: Callable[[], T]) -> tuple[float, T]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result  # type: ignore[return-value]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="population size (default 10^6)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per stage; the best is shown")
    ap.add_argument("--sample", type=int, default=200_000, help="entities hashed by the naive Python loop")
    ap.add_argument("--inspectors", type=int, default=400, help="inspector pool size for team assignment")
    args = ap.parse_args()
    n, rows = args.n, []

    # ---- synthetic input, not timed: usccs sorted by (grade, uscc) as `ORDER BY grade, uscc` returns them
    rng = np.random.default_rng(20250101)
    usccs = synthetic_usccs(n)
    grade_idx = rng.choice(len(GRADES), size=n, p=[share for _, share in GRADES.values()])
    order = np.lexsort((usccs, grade_idx))
    usccs, grade_idx = usccs[order], grade_idx[order]
    names = list(GRADES)
    grades = [names[g] for g in grade_idx.tolist()]
    uscc_strs = [u.decode() for u in usccs.tolist()]

    def row(stage: str, seconds: float, note: str = "") -> None:
        rows.append((stage, seconds, note))

    # ---- ticket blocks: SHA-256 per entity
    sample = uscc_strs[: min(args.sample, n)]
    t, _ = best(1, lambda: [hashlib.sha256(u.encode()).digest()[:16] for u in sample])
    row("blocks: naive Python loop, per entity", t * n / len(sample), f"measured on {len(sample):,}, scaled to n")
    t, stored = best(1, lambda: engine.compute_blocks(usccs))
    row("blocks: compute_blocks (list comp, once)", t, "then stored beside the entity")

    # ---- freeze: validate and canonicalise the population
    t, _ = best(args.repeat, lambda: Population.from_columns(uscc_strs, grades, blocks=stored))
    row("freeze from Python str rows + stored blocks", t, "validate, check order, duplicates")
    t, population = best(args.repeat, lambda: Population.from_columns(usccs, grades, blocks=stored))
    row("freeze from S18 array + stored blocks", t, "the precomputed path")

    # ---- snapshot
    t, csv = best(args.repeat, population.snapshot_csv)
    row("snapshot CSV build", t, f"{len(csv) / 1e6:.1f} MB")
    t, _ = best(args.repeat, lambda: engine.snapshot_hash(csv, "sha256"))
    row("snapshot hash SHA-256", t)
    t, _ = best(args.repeat, lambda: engine.snapshot_hash(csv, "sm3"))
    row("snapshot hash SM3 (optional)", t)

    # ---- parameters, seed, tickets and selection
    pool = synthetic_pool(args.inspectors)
    ratios = {g: r for g, (r, _) in GRADES.items()}
    visits_expected = sum(engine.quota(r, s.size) for s, r in zip(population.slices, ratios.values(), strict=True))
    cap = math.ceil(2 * visits_expected / (0.9 * args.inspectors) * 1.25)
    team = TeamParams.for_pool(pool, {DEPT: ["FOOD", "GENERAL"]}, workload_cap=cap)
    params_plain, params_team = DrawParams(ratios), DrawParams(ratios, team=team)
    seeds = {p.hash(): seed(p, population) for p in (params_plain, params_team)}
    key = seeds[params_plain.hash()].k_draw()
    t, (hi, lo) = best(args.repeat, lambda: engine.encrypt_tickets(engine.ALGORITHM, key, population.blocks))
    row("tickets: AES-128-ECB, one call + numpy view", t, f"{n:,} blocks")
    t, _ = best(args.repeat, lambda: engine.encrypt_tickets(engine.ALGORITHM_SM4, key, population.blocks))
    row("tickets: SM4-ECB (optional)", t)

    def select() -> int:
        return sum(
            len(engine.select_smallest(hi[s.start : s.stop], lo[s.start : s.stop], population.usccs[s.start : s.stop],
                                       engine.quota(ratios[s.grade], s.size)))
            for s in population.slices
        )

    t, selected = best(args.repeat, select)
    row("selection: n_g smallest per grade", t, f"{selected:,} selected")

    # ---- teams for the selected entities
    result = engine.draw(population, params_plain, seeds[params_plain.hash()])
    need = {DEPT: frozenset({"FOOD", "GENERAL"})}
    visits = [VisitNeed(s.uscc, need) for s in result.selected]
    blocks = engine.compute_blocks([v.uscc for v in visits])
    k_assign = result.k_assign
    t, _ = best(args.repeat, lambda: engine.assign_teams(visits, pool, key=k_assign, workload_cap=cap,
                                                         visit_blocks=blocks))
    row("teams: assign_teams", t, f"{len(visits):,} visits x {args.inspectors} inspectors, cap {cap}")

    # ---- end to end: freeze the rows (stored blocks), hash the snapshot, draw; a fresh Population each run
    def end_to_end(params: DrawParams, with_pool: InspectorPool | None) -> engine.DrawResult:
        fresh = Population.from_columns(usccs, grades, blocks=stored)
        return engine.draw(fresh, params, seeds[params.hash()], with_pool)

    t, _ = best(args.repeat, lambda: end_to_end(params_plain, None))
    row("TOTAL freeze + draw() without teams", t, "S18 rows + stored blocks -> selection")
    t, full = best(args.repeat, lambda: end_to_end(params_team, pool))
    row("TOTAL freeze + draw() with teams", t, "as above + teams")
    t, size = best(1, lambda: len(engine.canonical_json(full.to_record())))
    row("record: to_record() + canonical JSON", t, f"{size / 1e6:.1f} MB, for persistence")

    print(f"JG-DRAW-1 kernel, n = {n:,}, grades {', '.join(f'{g} {r}%' for g, r in ratios.items())}")
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
          f"best of {args.repeat}")
    print(f"| {'stage':<46} | {'time':>10} | note")
    print(f"|{'-' * 48}|{'-' * 12}|------")
    for stage, seconds, note in rows:
        print(f"| {stage:<46} | {fmt(seconds):>10} | {note}")


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def synthetic_pool(size: int) -> InspectorPool:
    inspectors = tuple(
        Inspector(f"XT-SCJG-{k:05d}", DEPT, frozenset({"GENERAL", "FOOD"} if k % 10 else {"GENERAL"}))
        for k in range(size)
    )
    recusals = frozenset((f"XT-SCJG-{k % size:05d}", s.decode()) for k, s in enumerate(synthetic_usccs(1_000).tolist()))
    return InspectorPool(inspectors, recusals)


def seed(params: DrawParams, population: Population) -> SeedMaterial:
    salt = "0" * 32
    return SeedMaterial(
        params.algorithm, "BENCH-1", params.hash(), population.snapshot_hash(),
        reveals=tuple(engine.Reveal(p, v, salt, engine.commitment(v, salt)) for p, v in [("甲", "1"), ("乙", "2")]),
    )


if __name__ == "__main__":
    main()
