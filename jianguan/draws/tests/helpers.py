"""Small builders shared by the draw-kernel tests (pure: no database)."""

from __future__ import annotations

from jianguan.draws import engine
from jianguan.draws.engine import DrawParams, InspectorPool, Population, SeedMaterial
from jianguan.draws.tests.vectors import population_rows, reveal


def seed_for(params: DrawParams, population: Population, *values: str, task_id: str = "T-TEST") -> SeedMaterial:
    values = values or ("1", "2")
    return SeedMaterial(
        params.algorithm,
        task_id,
        params.hash(),
        population.snapshot_hash(params.snapshot_hash_algorithm),
        reveals=tuple(reveal(f"party-{i}", v) for i, v in enumerate(values)),
    )


def run_draw(
    sizes: dict[str, int],
    ratios: dict[str, str],
    *values: str,
    pool: InspectorPool | None = None,
    team: engine.TeamParams | None = None,
    full_coverage: bool = False,
) -> engine.DrawResult:
    population = Population.from_rows(population_rows(sizes))
    params = DrawParams(ratios, full_coverage=full_coverage, team=team)
    return engine.draw(population, params, seed_for(params, population, *values), pool)
