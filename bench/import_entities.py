"""Benchmark: import N market entities through the real run_import path, with a naive baseline.

    .venv/bin/python bench/import_entities.py --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/import_entities.py --rows 1000000

SQLite (no DATABASE_URL): a throwaway file database in the temp directory. PostgreSQL: a throwaway
database `jianguan_bench_import` on the same server (created if missing). Both are migrated first, and the
entity tables are emptied before each run. Prints one table: rows, seconds, rows/s, peak RSS (MB).
The CSV is generated in a child process so that its memory does not count against the import.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "jianguan_bench_import"
HEADER = ["统一社会信用代码", "名称", "主体类型", "行业代码", "所在区划代码", "地址", "法定代表人", "成立日期", "登记状态",
          "信用风险等级", "等级来源", "评级日期", "主管部门编码", "标签", "许可证"]
REGIONS = ["430302", "430304", "430321", "430381", "430382"]
DIVISIONS = ["52", "51", "62", "72", "80", "65", "47", "50", "13", "14", "54", "70", "01", "03", "34", "38"]


def generate_csv(path: str, rows: int, seed: int, dept_code: str) -> None:
    """Write `rows` valid, distinct entities (child process)."""
    from jianguan.entities.uscc import generate_uscc

    rng = random.Random(seed)
    seen: set[str] = set()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            region = REGIONS[i % len(REGIONS)]
            while True:
                code = generate_uscc(rng, region, "9", "1" if i % 3 else "2")
                if code not in seen:
                    seen.add(code)
                    break
            grade = rng.choices("ABCD", weights=(30, 50, 15, 5))[0]
            writer.writerow([
                code, f"湘潭市测试{i}商贸有限公司", "企业" if i % 3 else "个体工商户", rng.choice(DIVISIONS), region,
                f"湘潭市建设北路 {i % 997} 号", "王五", f"{2000 + i % 24}-0{1 + i % 9}-1{i % 9}", "存续", grade,
                "企业信用风险分类管理系统", "2024-01-15", dept_code, "食品经营" if i % 10 == 0 else "",
                f"食品经营许可证:JY{i:012d}" if i % 10 == 0 else "",
            ])


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "sqlite:///" + os.path.join(tempfile.gettempdir(), "jianguan_bench_import.sqlite3")
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunsplit(parts._replace(path="/" + BENCH_DB))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=2000, help="rows for the naive row-by-row baseline")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reimport", action="store_true", help="also import the same file again (all unchanged)")
    parser.add_argument("--profile", metavar="PATH", help="run the import under cProfile and write the stats here")
    parser.add_argument("--generate-only", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--dept-code", default="BENCH-430300", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.generate_only:
        generate_csv(args.generate_only, args.rows, args.seed, args.dept_code)
        return

    os.environ["DATABASE_URL"] = _bench_database_url()
    os.environ["DEBUG"] = "false"  # no query log: it would hold every bulk statement in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from jianguan.accounts.models import User
    from jianguan.core import tabular
    from jianguan.entities.models import Entity, EntityVersion, Industry, Licence
    from jianguan.entities.tables import EntityTableSpec
    from jianguan.entities.uscc import generate_uscc
    from jianguan.organizations.models import Department, Region

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    # Empty the entity tables so that every run measures inserts from scratch.
    if vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {Entity._meta.db_table} RESTART IDENTITY CASCADE")
    else:
        # Raw DELETEs: QuerySet.delete() would load every row into memory to cascade in Python.
        with connection.cursor() as cur:
            for model in (EntityVersion, Licence, Entity.tags.through, Entity.competent_departments.through, Entity):
                cur.execute(f"DELETE FROM {model._meta.db_table}")

    dept, _ = Department.objects.get_or_create(
        code=args.dept_code,
        defaults={"name": "基准测试市场监督管理局", "level": 2, "kind": "approving", "region": Region.objects.get(code="430300")},
    )
    admin, _ = User.objects.get_or_create(username="bench_admin", defaults={"role": "platform_admin", "is_superuser": True})

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "entities.csv")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate-only", path, "--rows", str(args.rows),
                        "--seed", str(args.seed), "--dept-code", args.dept_code], check=True)
        gen_seconds = time.perf_counter() - t0
        size_mb = os.path.getsize(path) / 1e6
        print(f"database: {vendor} ({connection.settings_dict['NAME']}); CSV {args.rows} rows, {size_mb:.0f} MB, "
              f"generated in {gen_seconds:.1f} s", flush=True)

        results = []
        rss_before = _peak_rss_mb()
        t0 = time.perf_counter()
        with open(path, "rb") as fh:
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                report = profiler.runcall(tabular.run_import, EntityTableSpec(), fh, "entities.csv", user=admin)
                profiler.dump_stats(args.profile)
                pstats.Stats(args.profile).sort_stats("tottime").print_stats(25)
            else:
                report = tabular.run_import(EntityTableSpec(), fh, "entities.csv", user=admin)
        seconds = time.perf_counter() - t0
        if not report.ok:
            print(report.message, report.errors[:5])
            sys.exit(1)
        results.append(("run_import (new rows)", report.rows, seconds, _peak_rss_mb()))
        if args.reimport:
            t0 = time.perf_counter()
            with open(path, "rb") as fh:
                again = tabular.run_import(EntityTableSpec(), fh, "entities.csv", user=admin)
            assert again.ok and again.unchanged == args.rows, again.message
            results.append(("run_import (same file again)", again.rows, time.perf_counter() - t0, _peak_rss_mb()))

    # Naive baseline: one ORM create per row (inside one transaction, so commits are not what is measured).
    rng = random.Random(args.seed + 1)
    industry = Industry.objects.get(code="52")
    region = Region.objects.get(code="430302")
    existing = set(Entity.objects.filter(region_id="430302").values_list("uscc", flat=True))
    codes: list[str] = []
    while len(codes) < args.baseline:
        code = generate_uscc(rng, "430302")
        if code not in existing:
            existing.add(code)
            codes.append(code)
    t0 = time.perf_counter()
    with transaction.atomic():
        for i, code in enumerate(codes):
            Entity.objects.create(uscc=code, name=f"基线{i}有限公司", industry=industry, section="F", region=region,
                                  department=dept)
    results.append(("naive Entity.objects.create", args.baseline, time.perf_counter() - t0, _peak_rss_mb()))

    print(f"\npeak RSS before the import: {rss_before:.0f} MB")
    print(f"| {'path':<30} | {'rows':>9} | {'seconds':>8} | {'rows/s':>8} | {'peak RSS MB':>11} |")
    print(f"|{'-' * 32}|{'-' * 11}|{'-' * 10}|{'-' * 10}|{'-' * 13}|")
    for name, rows, secs, rss in results:
        print(f"| {name:<30} | {rows:>9} | {secs:>8.1f} | {rows / secs:>8.0f} | {rss:>11.0f} |")
    ratio = (results[0][1] / results[0][2]) / (args.baseline / results[-1][2])
    print(f"\nbulk import is {ratio:.1f}x the naive rows/s (which excludes parsing and validation).")


if __name__ == "__main__":
    main()
