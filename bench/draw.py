"""Benchmark: a whole draw on N entities in the database, stage by stage, against ORDER BY random() LIMIT k.

    .venv/bin/python bench/draw.py --entities 100000                      # SQLite (a throwaway file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/draw.py          # 10⁶
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/draw.py --entities 10000000

SQLite (no DATABASE_URL): a throwaway file database in the temp directory. PostgreSQL: a throwaway
database `jianguan_bench_draws` on the same server (created if missing), so the test database is never
touched (and bench/import_entities.py, which empties `jianguan_bench` on each run, does not interfere).
Both are migrated; when fewer than N entities exist in the bench department's jurisdiction, the entities
app's bulk seeder (jianguan.entities.demo.seed_entities) adds the rest (≈ 92 % of them operating).

Each run uses a fresh task (A 3 %, B 5 %, C 10 %, D 20 %, ungraded 5 %, 400 qualified inspectors) and
measures: reading the candidates (the eligibility query with its exclusion anti-joins, one bulk read),
building the population (exclusion counts, canonical sort, engine.Population), freezing (canonical CSV,
SHA-256, gzip into storage, the internal index), tickets + selection, teams, and persistence
(selections, team members, yearly counters; rolled back afterwards so that runs do not accumulate).
Then the real services draw_freeze and draw_execute end to end (also rolled back), and, in the same
run, the naive `ORDER BY random() LIMIT n_g` per grade on the same eligible rows. Prints one table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Not `jianguan_bench`: bench/import_entities.py truncates the entity table of that database on every run,
# which would wipe this benchmark's million entities (and this seeding would skew that benchmark).
BENCH_DB = "jianguan_bench_draws"
DEPT_CODE = "BENCH-DRAW-430300"
REGIONS = ["430300", "430302", "430304", "430321", "430381", "430382"]
INSPECTORS = 400


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "sqlite:///" + os.path.join(tempfile.gettempdir(), "jianguan_bench_draw.sqlite3")
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunsplit(parts._replace(path="/" + BENCH_DB))


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage; the table shows the median")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _bench_database_url()
    os.environ["DEBUG"] = "false"  # no query log
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    media = tempfile.mkdtemp(prefix="jianguan_bench_media_")
    os.environ["MEDIA_ROOT"] = media
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from jianguan.accounts.models import User
    from jianguan.catalog.choices import ItemKind
    from jianguan.catalog.models import CatalogItem, InspectionItem, SupervisionDomain
    from jianguan.draws import engine, files, population, services
    from jianguan.draws.models import Draw, DrawSelection, DrawTeamMember, DrawWitness, EntityYearCounter
    from jianguan.draws.pool import build_pool
    from jianguan.entities.demo import seed_entities
    from jianguan.entities.models import Entity
    from jianguan.inspectors.models import Inspector
    from jianguan.organizations.models import Department, Region
    from jianguan.plans.choices import PlanStatus, TaskStatus
    from jianguan.plans.models import Plan, Task

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    city = Region.objects.get(code="430300")
    dept, _ = Department.objects.get_or_create(
        code=DEPT_CODE, defaults={"name": "基准测试市场监督管理局（抽取）", "level": 2, "kind": "approving", "region": city})
    admin, _ = User.objects.get_or_create(username="bench_draw", defaults={"role": "platform_admin", "is_superuser": True})

    have = Entity.objects.filter(region__code__startswith="4303").count()
    if have < args.entities:
        t0 = time.perf_counter()
        print(f"seeding {args.entities - have} entities (have {have}) …", flush=True)
        seed_entities(count=args.entities - have, region_codes=REGIONS, departments=[dept], seed=args.seed + have,
                      progress=lambda n: print(f"  {n}", flush=True) if n % 200_000 == 0 else None)
        print(f"seeded in {time.perf_counter() - t0:.0f} s", flush=True)
        if vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {Entity._meta.db_table}")

    domain = SupervisionDomain.objects.get(code="industrial_product_quality")
    catalog, _ = CatalogItem.objects.get_or_create(
        code="BENCH-ML-1", defaults={"department": dept, "name": "产品质量监督检查", "domain": domain,
                                     "legal_basis": "《中华人民共和国产品质量法》", "implementing_level": "city"})
    item, _ = InspectionItem.objects.get_or_create(
        code="BENCH-CC-1", defaults={"catalog_item": catalog, "department": dept, "name": "产品质量监督抽查（基准）",
                                     "domain": domain, "kind": ItemKind.GENERAL, "default_ratio_pct": Decimal("5"),
                                     "publication_state": "published"})
    if Inspector.objects.filter(department=dept).count() < INSPECTORS:
        made = Inspector.objects.bulk_create([
            Inspector(department=dept, name=f"检查员{i}", category="civil_servant", certificate_no=f"BENCH{i:06d}",
                      region=city) for i in range(INSPECTORS)])
        Inspector.qualifications.through.objects.bulk_create([
            Inspector.qualifications.through(inspector_id=i.pk, supervisiondomain_id=domain.pk) for i in made])
    year = timezone.localdate().year
    plan, _ = Plan.objects.get_or_create(
        title="基准测试计划", department=dept,
        defaults={"kind": "annual", "year": year, "planned_start_on": timezone.localdate(),
                  "planned_end_on": timezone.localdate().replace(month=12, day=31), "status": PlanStatus.PUBLISHED})
    plan.items.add(item)

    def new_task(cap: int) -> Task:
        t = Task.objects.create(
            plan=plan, department=dept, name=f"基准任务 {timezone.now():%H%M%S%f}", window_start_on=plan.planned_start_on,
            window_end_on=plan.planned_end_on, ratio_a_pct=Decimal(3), ratio_b_pct=Decimal(5), ratio_c_pct=Decimal(10),
            ratio_d_pct=Decimal(20), ratio_u_pct=Decimal(5), min_team_size=2, max_visits_per_inspector=cap,
            status=TaskStatus.READY)
        t.items.add(item)
        return t

    rows: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        rows.setdefault(name, []).append(time.perf_counter() - t0)
        return out

    facts: dict[str, Any] = {}
    reveals = (engine.Reveal("甲", "1", "0" * 32, engine.commitment("1", "0" * 32)),
               engine.Reveal("乙", "2", "1" * 32, engine.commitment("2", "1" * 32)))
    cap = 1_000_000

    def vacuum() -> None:
        """Each run deletes what it wrote (selections, team rows, counters): without a VACUUM those tables
        and their indexes fill with dead rows that the next run's eligibility subqueries and inserts wade
        through, which autovacuum would have removed in production."""
        if vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("VACUUM (ANALYZE) draws_entityyearcounter, draws_drawselection, draws_drawteammember")

    for run in range(args.repeat):
        vacuum()
        task = new_task(cap)
        rules = population.EligibilityRules.for_task(task, year=year)
        qs = population.candidate_queryset(task, rules)
        columns = timed("read candidates (eligibility query, bulk)", lambda qs=qs: population.read_candidates(qs))
        cands = timed("build population (counts, sort, validate)", lambda c=columns: population.build_candidates(c))
        pop = cands.population

        def freeze(pop: engine.Population = pop, cands: population.Candidates = cands, run: int = run) -> str:
            csv_bytes = pop.snapshot_csv()
            with ThreadPoolExecutor(max_workers=3) as threads:  # as draw_freeze does
                digest = threads.submit(pop.snapshot_hash, "sha256")
                files.save_snapshot(f"bench/{run}/snapshot.csv.gz", csv_bytes, threads)
                files.save(f"bench/{run}/population.idx", population.index_bytes(cands))
                return digest.result()

        digest = timed("freeze (CSV, SHA-256, gzip + index stored)", freeze)
        pool = build_pool([dept])
        visits_expected = sum(engine.quota(r, pop.counts().get(g, 0)) for g, r in
                              {"A": "3", "B": "5", "C": "10", "D": "20", "U": "5"}.items())
        cap = max(1, math.ceil(2 * visits_expected / INSPECTORS * 1.1))
        task.max_visits_per_inspector = cap
        task.save(update_fields=["max_visits_per_inspector"])
        team_params = services.draw_params(task, pool)
        plain = engine.DrawParams(team_params.ratios_pct, snapshot_hash_algorithm="sha256")
        seed = engine.SeedMaterial(plain.algorithm, f"BENCH-{run}", plain.hash(), digest, reveals=reveals)
        result = timed("tickets + selection (engine.draw)", lambda p=plain, s=seed, q=pop: engine.draw(q, p, s))
        idx = services._selected_index(pop, result.selected)
        visit_blocks = pop.blocks[idx]
        need = team_params.team.requirements if team_params.team else {}
        teams = timed("teams (engine.assign_teams)", lambda r=result, vb=visit_blocks, n=need, p=pool, c=cap:
                      engine.assign_teams([engine.VisitNeed(s.uscc, n) for s in r.selected], p.pool, key=r.k_assign,
                                          min_team=2, workload_cap=c, visit_blocks=vb))
        facts.update(candidates=cands.candidate_count, eligible=len(pop), selected=len(result.selected),
                     team_members=sum(len(t.inspectors) for t in teams), exclusions=cands.exclusions)

        def persist(result: engine.DrawResult = result, teams: tuple[engine.Team, ...] = teams, task: Task = task,
                    pop: engine.Population = pop, ids: Any = cands.ids, pool: Any = pool) -> None:
            try:
                with transaction.atomic():
                    draw = Draw.objects.create(task=task, department=dept, year=year, reference=f"BENCH-P-{task.pk}",
                                               scheduled_at=timezone.now(), announced_at=timezone.now())
                    full = engine.DrawResult(result.params, result.seed_material, result.snapshot_hash,
                                             result.snapshot_rows, result.k_draw, result.k_assign, result.grades,
                                             result.selected, teams, pool.pool)
                    services.persist_result(draw, full, pop, ids, pool)
                    services._count_selections(draw, population.DRAW_MAX_PER_YEAR)
                    raise Rollback
            except Rollback:
                pass

        timed("persistence (selections, team rows, counters)", persist)

        # The real services end to end (committed like in production; the rows are removed afterwards).
        draw = services.draw_announce(task=task, scheduled_at=timezone.now() + dt.timedelta(days=3), by=admin)
        draw = timed("service draw_freeze (all of freeze)", lambda d=draw: services.draw_freeze(d, by=admin))
        for r in reveals:
            services.witness_commit(draw, by=admin, name=r.party, commitment=r.commitment)
        draw = services.draw_seal(draw, by=admin)
        for r in reveals:
            services.witness_reveal(draw, by=admin, party=r.party, value=r.value, salt=r.salt)
        done = timed("service draw_execute (all of execute)", lambda d=draw: services.draw_execute(d, by=admin))
        facts["execute_split"] = done.timings
        with transaction.atomic():
            EntityYearCounter.objects.filter(year=year).delete()
            DrawSelection.objects.filter(draw=done).delete()
            DrawTeamMember.objects.filter(draw=done).delete()
            DrawWitness.objects.filter(draw=done).delete()

        # The naive way, for comparison: ORDER BY random() LIMIT n_g per grade on the same eligible rows.
        quotas = {g.grade: g.quota for g in result.grades}
        eligible = Entity.objects.filter(population._filters_without_status(task), status__in=list(rules.statuses),
                                         region__code__startswith=dept.jurisdiction_prefix)

        def naive(eligible: Any = eligible, quotas: dict[str, int] = quotas) -> int:
            n = 0
            for grade, k in quotas.items():
                qs = eligible.filter(credit_grade__isnull=True) if grade == "U" else eligible.filter(credit_grade=grade)
                n += len(list(qs.order_by("?").values_list("uscc", flat=True)[:k]))
            return n

        timed("naive ORDER BY random() LIMIT n_g per grade", naive)

    med = {k: statistics.median(v) for k, v in rows.items()}
    core = ["read candidates (eligibility query, bulk)", "build population (counts, sort, validate)",
            "freeze (CSV, SHA-256, gzip + index stored)", "tickets + selection (engine.draw)"]
    extra = ["teams (engine.assign_teams)", "persistence (selections, team rows, counters)"]
    print(f"\ndatabase: {vendor} ({connection.settings_dict['NAME']}); entities in the jurisdiction: "
          f"{Entity.objects.filter(region__code__startswith='4303').count()}")
    print(f"candidates {facts['candidates']}, eligible {facts['eligible']}, selected {facts['selected']}, "
          f"team members {facts['team_members']}, exclusions {facts['exclusions']}; median of {args.repeat} runs\n")
    print(f"| {'stage':<48} | {'seconds':>8} |")
    print(f"|{'-' * 50}|{'-' * 10}|")
    for name in core + extra:
        print(f"| {name:<48} | {med[name]:>8.3f} |")
    without = sum(med[n] for n in core)
    print(f"| {'**total without teams and persistence**':<48} | {without:>8.3f} |")
    print(f"| {'**total with teams and persistence**':<48} | {without + sum(med[n] for n in extra):>8.3f} |")
    for name in ("service draw_freeze (all of freeze)", "service draw_execute (all of execute)",
                 "naive ORDER BY random() LIMIT n_g per grade"):
        print(f"| {name:<48} | {med[name]:>8.3f} |")
    kernel = med["build population (counts, sort, validate)"] + med["freeze (CSV, SHA-256, gzip + index stored)"] \
        + med["tickets + selection (engine.draw)"]
    print(f"\ndraw kernel (build + freeze + tickets/selection) / candidate read = "
          f"{kernel / med['read candidates (eligibility query, bulk)']:.2f}  (target ≤ 2)")
    print(f"draw_execute split (last run): { {k: round(v, 3) for k, v in facts['execute_split'].items()} }")
    _ = np


if __name__ == "__main__":
    main()
