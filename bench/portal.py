"""Benchmark: the public portal's search and entity page with N entities and 3×N published results.

    .venv/bin/python bench/portal.py --entities 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/portal.py --entities 1000000
    ... --server gunicorn        # a real server on 127.0.0.1 (2 workers) instead of Django's test Client

SQLite (no DATABASE_URL): a throwaway file database in the temp directory. PostgreSQL: a throwaway
database (default ``jianguan_bench``, ``--db-name`` to change it) on the same server, created if missing
and migrated. The data is generated only when the database does not already hold exactly N entities and
3×N results (``--fresh`` forces it): entities through COPY (PostgreSQL) / executemany (SQLite), then one
publication per entity and three result lines per publication with INSERT … SELECT in the database.

Then, for each scenario, a bounded number of requests (``--requests``, default 200, after 10 warm-up
requests; each scenario stops after ``--seconds`` anyway) go through the whole Django stack (middleware,
templates) and the table prints p50 / p95 / p99 / max in milliseconds and the queries per page.
Target (issue 4): p95 ≤ 100 ms for the search and the entity page at 10⁶ entities and 3×10⁶ results.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACES = ["湘潭市雨湖区", "湘潭市岳塘区", "湘潭县", "湘乡市", "韶山市"]
REGIONS = ["430302", "430304", "430321", "430381", "430382"]
BRAND_CHARS = "恒达华盛鑫源宏兴隆泰昌福瑞祥安康永利丰正德元通顺新发金鼎诚信和美佳乐天成中宇星辰海峰云龙凤鹏俊"
TRADES = ["商贸", "五金", "餐饮", "食品", "超市", "建材", "服装", "大药房", "汽车维修", "电子", "物流", "酒店", "农资",
          "文具", "茶叶", "家具", "水果", "粮油", "美容", "印刷"]
FORMS = ["有限公司", "有限责任公司", "经营部", "商行", "门市部", "店"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
RESULTS = [("no_problem", "未发现问题", False), ("rectified", "发现问题已责令改正", True),
           ("no_relevant_activity", "未发现开展本次抽查涉及的经营活动", False)]
ITEMS = [("SC-LIC-01", "营业执照（登记证）规范使用情况的检查"), ("SC-PUB-02", "企业信息公示情况的检查"),
         ("SC-FOOD-03", "食品经营者资质及经营条件的检查")]


def brand(rng: random.Random) -> str:
    return rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)


def entity_name(i: int, rng: random.Random) -> tuple[str, str, str]:
    b, t = brand(rng), rng.choice(TRADES)
    return f"{PLACES[i % len(PLACES)]}{b}{t}{rng.choice(FORMS)}", b, t


def _bench_database_url(db_name: str) -> str:
    """The throwaway PostgreSQL database's URL, or "" for SQLite (then a var dir in the temp directory)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return ""
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone():
            conn.execute(f'CREATE DATABASE "{db_name}"')
    return urlunsplit(parts._replace(path="/" + db_name))


# ---------------------------------------------------------------- data


def generate(n: int, seed: int) -> None:
    """N entities through the bulk path, then N publications and 3N result lines set-based in the database."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jianguan.disclosure.models import Publication, PublishedResult
    from jianguan.entities.bulk import insert_rows
    from jianguan.entities.models import Entity, draw_block_for
    from jianguan.entities.uscc import generate_uscc
    from jianguan.organizations.models import Department, Region

    vendor = connection.vendor
    dept, _ = Department.objects.get_or_create(
        code="BENCH-430300",
        defaults={"name": "湘潭市市场监督管理局（基准）", "level": 2, "kind": "approving",
                  "region": Region.objects.get(code="430300")},
    )
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        if vendor == "postgresql":
            cur.execute(f"TRUNCATE {Entity._meta.db_table} RESTART IDENTITY CASCADE")
            # The two name-search indexes (disclosure migrations 0002, 0003) are rebuilt once after the load.
            cur.execute("DROP INDEX IF EXISTS disclosure_entity_name_trgm")
            cur.execute("DROP INDEX IF EXISTS disclosure_entity_name_bigram")
        else:
            for table in (PublishedResult._meta.db_table, Publication._meta.db_table, "entities_entityversion",
                          "entities_licence", "entities_entity_tags", "entities_entity_competent_departments",
                          Entity._meta.db_table):
                cur.execute(f"DELETE FROM {table}")
            cur.execute("DELETE FROM sqlite_sequence WHERE name IN (%s, %s, %s)",
                        [Entity._meta.db_table, Publication._meta.db_table, PublishedResult._meta.db_table])
    rng = random.Random(seed)
    now = timezone.now()
    columns = ("uscc", "name", "kind", "industry_id", "section", "region_id", "address", "legal_representative",
               "status", "credit_grade", "credit_grade_source", "department_id", "is_active", "draw_block", "version",
               "created_at", "updated_at")

    def rows() -> Iterator[tuple[object, ...]]:
        seen: set[str] = set()
        for i in range(n):
            region = REGIONS[i % len(REGIONS)]
            while True:
                code = generate_uscc(rng, region)
                if code not in seen:
                    seen.add(code)
                    break
            name, _, _ = entity_name(i, rng)
            rep = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            yield (code, name, "enterprise", "52", "F", region, "湘潭市建设北路 1 号", rep, "operating",
                   rng.choice("ABCD"), "", dept.pk, True, draw_block_for(code), 1, now, now)

    with transaction.atomic():
        insert_rows(Entity, columns, rows())
    t1 = time.perf_counter()
    print(f"entities: {n} in {t1 - t0:.1f} s", flush=True)
    # One publication per entity, three result lines each: set-based, in the database.
    pub, res = Publication._meta.db_table, PublishedResult._meta.db_table
    team = '[{"name":"王建军","certificate_no":"湘4303000001","department":""},' \
           '{"name":"李秀英","certificate_no":"湘4303000002","department":""}]'
    # "%%": these strings go through the DB-API parameter substitution.
    date_expr = ("(DATE '2026-01-05' + (e.id %% 300)::int)" if vendor == "postgresql"
                 else "date('2026-01-05', '+' || (e.id %% 300) || ' days')")
    ts_expr = ("(TIMESTAMP '2026-01-12 10:00:00+08' + (e.id %% 300) * INTERVAL '1 day')" if vendor == "postgresql"
               else "datetime('2026-01-12 02:00:00', '+' || (e.id %% 300) || ' days')")
    true = "TRUE" if vendor == "postgresql" else "1"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {pub} (department_id, entity_id, plan_title, task_name, inspection_type, authority, "
            "completed_on, team, status, published_at, due_on, is_on_time, objection_deadline_on, withheld_reason, "
            "withheld_basis, created_at, updated_at) "
            f"SELECT %s, e.id, '2026年度双随机抽查计划', '2026年第' || (e.id %% 4 + 1) || '季度随机抽查', 'random', "
            f"%s, {date_expr}, {'%s::jsonb' if vendor == 'postgresql' else '%s'}, 'published', {ts_expr}, {date_expr}, {true}, {date_expr}, '', '', %s, %s "
            f"FROM {Entity._meta.db_table} e ORDER BY e.id",
            [dept.pk, dept.name, team, now, now],
        )
        positions = " UNION ALL ".join(
            f"SELECT {k + 1} AS pos, '{code}' AS code, '{name}' AS item, '{RESULTS[k][0]}' AS rc, "
            f"'{RESULTS[k][1]}' AS rl, {'TRUE' if RESULTS[k][2] else 'FALSE'} AS prob"
            for k, (code, name) in enumerate(ITEMS)
        )
        if vendor != "postgresql":
            positions = positions.replace("TRUE AS prob", "1 AS prob").replace("FALSE AS prob", "0 AS prob")
        cur.execute(
            f"INSERT INTO {res} (publication_id, position, item_code, item_name, item_department, result_code, "
            f"result_label, is_problem, is_corrected) "
            f"SELECT p.id, x.pos, x.code, x.item, %s, x.rc, x.rl, x.prob, {'FALSE' if vendor == 'postgresql' else '0'} "
            f"FROM {pub} p CROSS JOIN ({positions}) x ORDER BY p.id, x.pos",
            [dept.name],
        )
    t2 = time.perf_counter()
    print(f"publications: {n}, result lines: {3 * n} in {t2 - t1:.1f} s", flush=True)
    if vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("CREATE INDEX IF NOT EXISTS disclosure_entity_name_trgm ON entities_entity "
                        "USING gin (name gin_trgm_ops)")
            cur.execute("CREATE INDEX IF NOT EXISTS disclosure_entity_name_bigram ON entities_entity "
                        "USING gin (disclosure_bigrams(name))")
            cur.execute("ANALYZE")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(f"indexes and statistics: {time.perf_counter() - t2:.1f} s", flush=True)


def counts() -> tuple[int, int]:
    from jianguan.disclosure.models import PublishedResult
    from jianguan.entities.models import Entity

    return Entity.objects.count(), PublishedResult.objects.count()


# ---------------------------------------------------------------- scenarios


def scenarios(n: int, seed: int) -> dict[str, list[str]]:
    """URLs per scenario, drawn from the data (the same rng as the generator, so fragments exist)."""
    from jianguan.entities.models import Entity
    from jianguan.organizations.models import Department

    dept = Department.objects.get(code="BENCH-430300").pk
    rng = random.Random(seed + 7)
    top = Entity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample_ids = [rng.randint(1, top) for _ in range(400)]
    sample = list(Entity.objects.filter(pk__in=sample_ids).values_list("uscc", "name"))
    rng.shuffle(sample)

    def q(text: str, **extra: str) -> str:
        tail = "".join(f"&{k}={v}" for k, v in extra.items())
        return f"/public/search/?q={quote(text)}{tail}"

    def distinctive(name: str) -> str:  # brand + trade: "恒达五金"
        for place in PLACES:
            if name.startswith(place):
                name = name[len(place):]
        for form in FORMS:
            if name.endswith(form):
                return name[: -len(form)]
        return name

    return {
        "search: name, brand+trade (≥3 chars)": [q(distinctive(name)) for _, name in sample],
        "search: name, 2-char brand": [q(distinctive(name)[:2]) for _, name in sample],
        "search: name, common word (有限公司)": [q("有限公司")] * 50 + [q(f"{t}有限公司") for t in TRADES],
        "search: full credit code (list page)": [q(uscc, page="1") for uscc, _ in sample],
        "search: credit-code prefix (10 chars)": [q(uscc[:10]) for uscc, _ in sample],
        "entity page (1 inspection, 3 results)": [f"/public/entities/{uscc}/" for uscc, _ in sample],
        # Not in the target, shown for completeness: every result of the benchmark is this department's.
        "department announcements (all results)": [f"/public/departments/{dept}/?page={p}" for p in range(1, 51)],
        "home page": ["/public/"],
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(fetch: Callable[[str], int], urls: list[str], requests: int, seconds: float) -> tuple[list[float], int]:
    for url in urls[:10]:  # warm-up: connection, templates, caches of the plan
        fetch(url)
    timings: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    i = 0
    while len(timings) < requests and time.perf_counter() < deadline:
        url = urls[i % len(urls)]
        i += 1
        t0 = time.perf_counter()
        status = fetch(url)
        timings.append((time.perf_counter() - t0) * 1000)
        errors += status != 200
    return timings, errors


def client_fetch() -> Callable[[str], int]:
    from django.test import Client

    client = Client()

    def fetch(url: str) -> int:
        return client.get(url).status_code

    return fetch


def queries_per_page(url: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        Client().get(url)
    return len(ctx.captured_queries)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn() -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn on loopback only, with the same environment (database, var dir) as this process."""
    port = free_port()
    env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not start on 127.0.0.1")


def http_fetch(port: int) -> Callable[[str], int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def fetch(url: str) -> int:
        conn.request("GET", url, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status

    return fetch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="measured requests per scenario")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per scenario")
    parser.add_argument("--server", choices=["client", "gunicorn"], default="client")
    parser.add_argument("--db-name", default="jianguan_bench")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if it is there")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    database_url = _bench_database_url(args.db_name)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:  # SQLite: the settings put db.sqlite3 in the var dir; a throwaway one in the temp directory
        var = Path(tempfile.gettempdir()) / f"{args.db_name}_portal_var"
        var.mkdir(exist_ok=True)
        os.environ["JIANGUAN_VAR_DIR"] = str(var)
    os.environ["DEBUG"] = "false"  # no query log in memory; production-like templates
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    n = args.entities
    have = counts()
    if args.fresh or have != (n, 3 * n):
        print(f"generating: database has {have[0]} entities / {have[1]} results, want {n} / {3 * n}", flush=True)
        generate(n, args.seed)
    entities, results = counts()
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}); {entities} entities, "
          f"{results} published results; server: {args.server}", flush=True)

    proc = None
    if args.server == "gunicorn":
        proc, port = start_gunicorn()
        fetch = http_fetch(port)
    else:
        fetch = client_fetch()
    try:
        rows = []
        for name, urls in scenarios(n, args.seed).items():
            timings, errors = measure(fetch, urls, args.requests, args.seconds)
            rows.append((name, len(timings), errors, percentile(timings, 50), percentile(timings, 95),
                         percentile(timings, 99), max(timings), statistics.fmean(timings), queries_per_page(urls[0])))
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)  # only the server this script started (its own session)
            proc.wait(timeout=30)
    print(f"\n| {'scenario':<40} | {'requests':>8} | {'non-200':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | "
          f"{'max ms':>7} | {'queries':>7} |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for name, count, errors, p50, p95, p99, worst, _mean, queries in rows:
        print(f"| {name:<40} | {count:>8} | {errors:>7} | {p50:>7.1f} | {p95:>7.1f} | {p99:>7.1f} | {worst:>7.1f} | "
              f"{queries:>7} |")
    target = [r for r in rows if r[4] > 100 and (r[0].startswith("search") or r[0].startswith("entity"))]
    print("\ntarget p95 ≤ 100 ms (search and entity page): " + ("met" if not target else
                                       "missed by " + ", ".join(r[0] for r in target)))


if __name__ == "__main__":
    main()
