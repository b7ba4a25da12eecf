"""Benchmark: the public portal's search and entity page with N entities and 3×N published results.

    .venv/bin/python bench/portal.py --entities 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/portal.py --entities 1000000
    ... --server gunicorn        # a real server on 127.0.0.1 (2 workers), one request at a time (http.client)
    ... --server wrk             # load test: gunicorn (production profile) driven by wrk on loopback

SQLite (no DATABASE_URL): a throwaway file database in the temp directory. PostgreSQL: a throwaway
database (default ``jianguan_bench``, ``--db-name`` to change it) on the same server, created if missing
and migrated. The data is generated only when the database does not already hold exactly N entities and
3×N results (``--fresh`` forces it): entities through COPY (PostgreSQL) / executemany (SQLite), then one
publication per entity and three result lines per publication with INSERT … SELECT in the database.

``--server client`` / ``gunicorn``: for each scenario a bounded number of requests (``--requests``, default
200, after 10 warm-up requests; each scenario stops after ``--seconds`` anyway) go through the whole
Django stack one at a time; the table prints p50 / p95 / p99 / max in milliseconds and the queries per page.

``--server wrk`` (Debian package ``wrk``): the load test of issue 5. For each gunicorn configuration
(``--workers 2,4``, ``--worker-class sync,gthread``) a server runs with JIANGUAN_ENV=production (DEBUG off,
whitenoise serving collected static files, persistent PostgreSQL connections, the shared cache in Redis
``--redis-url``), all of it in the bench's own var dir. Through that server the bench first checks that
the cached entity page follows the data (a withheld result disappears at once, a released one returns,
via the real services). Then each scenario is one wrk run (one thread, ``--connections`` connections,
at most ``--seconds`` and ``--requests``), rotating over ``--urls`` distinct entities (default 20000: every
entity-page request is a first visit, rendered from the database), except "repeat visits", which rotates
over 200 entities after one unmeasured visit of each (served from the cache). wrk's Lua ``done()`` hook
prints throughput and its latency percentiles. Target (issue 5): the entity page ≥ 300 requests/s with
p99 ≤ 100 ms at 10⁶ entities and 3×10⁶ published results, on 2 cores.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import shutil
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
            # The name-search index (disclosure migrations 0003, 0005) is rebuilt once after the load.
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


def scenarios(n: int, seed: int, size: int = 400) -> dict[str, list[str]]:
    """URLs per scenario, drawn from the data (the same rng as the generator, so fragments exist).

    ``size`` random entities feed the entity-page and search scenarios: with more distinct URLs than
    requests, every request is a first visit (no warm row, no cached page).
    """
    from jianguan.entities.models import Entity
    from jianguan.organizations.models import Department

    dept = Department.objects.get(code="BENCH-430300").pk
    rng = random.Random(seed + 7)
    top = Entity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sample_ids = rng.sample(range(1, top + 1), min(size, top))
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
        # The same 200 entities again and again: after the first round, the cached page (disclosure.pagecache).
        "entity page, repeat visits (200 entities)": [f"/public/entities/{uscc}/" for uscc, _ in sample[:200]],
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


def queries_per_page(url: str, *, repeat: bool = False) -> int:
    """Queries of a first visit (the cached entity page invalidated first), or of a repeat visit."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jianguan.disclosure import pagecache

    client = Client()
    if repeat:
        client.get(url)
    elif url.startswith("/public/entities/"):
        pagecache.invalidate([url.rstrip("/").rsplit("/", 1)[-1]])
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(*, workers: int = 2, worker_class: str = "sync", threads: int = 1,
                   production: bool = False) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn on loopback only, with the same environment (database, var dir) as this process.

    ``production``: JIANGUAN_ENV=production (manifest static files served by whitenoise from a collected
    STATIC_ROOT in the bench's own var dir, HSTS and the rest) minus the HTTPS redirect, since wrk speaks
    plain HTTP on loopback. The page reads PostgreSQL over persistent connections (DB_CONN_MAX_AGE).
    """
    port = free_port()
    env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    if production:
        env.update(JIANGUAN_ENV="production", SECURE_SSL_REDIRECT="false", LOG_LEVEL="WARNING",
                   SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50))
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--worker-class", worker_class, "--timeout", "60", "--log-level", "warning",
               "--backlog", "2048"]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:  # every worker has booted once the home page answers a few times in a row
            fetch = http_fetch(port)
            if all(fetch("/public/") == 200 for _ in range(2 * workers)):
                return proc, port
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(proc)
    raise SystemExit("gunicorn did not start on 127.0.0.1")


def stop_gunicorn(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)  # only the server this script started (its own session)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# wrk (Debian package "wrk", 4.x): one thread, C connections, rotating over the scenario's URLs from a random
# offset; stops after WRK_MAX_REQUESTS responses or the -d duration, whichever comes first. done() prints one
# machine-readable line: requests, duration (µs), socket errors, non-200 answers, latency percentiles (µs).
WRK_SCRIPT = r"""
local paths, i, responses, non200 = {}, 0, 0, 0
local limit = tonumber(os.getenv("WRK_MAX_REQUESTS") or "0")
local threads = {}

function setup(thread) table.insert(threads, thread) end

function init(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  math.randomseed(tonumber(os.getenv("WRK_SEED") or "1"))
  i = math.random(#paths) - 1
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { Host = "127.0.0.1" })
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then non200 = non200 + 1 end
  if limit > 0 and responses >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non200") or 0) end
  local e = summary.errors
  io.write(string.format("WRK_RESULT %d %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, bad, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
"""


def run_wrk(port: int, urls: list[str], *, connections: int, seconds: float, max_requests: int,
            seed: int = 1) -> dict[str, float]:
    """One bounded wrk run over the URLs; throughput and latency percentiles (ms) as wrk measured them."""
    with tempfile.TemporaryDirectory(prefix="portal-wrk-") as tmp:
        script, paths = Path(tmp) / "portal.lua", Path(tmp) / "paths.txt"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        paths.write_text("\n".join(urls) + "\n", encoding="utf-8")
        env = {**os.environ, "WRK_PATHS": str(paths), "WRK_MAX_REQUESTS": str(max_requests), "WRK_SEED": str(seed)}
        command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                   "-s", str(script), f"http://127.0.0.1:{port}"]
        out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")
    requests, duration_us, errors, non200, p50, p95, p99, worst, mean = (float(x) for x in line.split()[1:])
    return {"requests": requests, "rps": requests / (duration_us / 1e6), "errors": errors, "non200": non200,
            "p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000, "max": worst / 1000, "mean": mean / 1000}


def http_fetch(port: int) -> Callable[[str], int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def fetch(url: str) -> int:
        conn.request("GET", url, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status

    return fetch


def print_table(rows: list[tuple[str, int, int, float, float, float, float, float, int]]) -> None:
    print(f"\n| {'scenario':<40} | {'requests':>8} | {'non-200':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | "
          f"{'max ms':>7} | {'queries':>7} |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for name, count, errors, p50, p95, p99, worst, _mean, queries in rows:
        print(f"| {name:<40} | {count:>8} | {errors:>7} | {p50:>7.1f} | {p95:>7.1f} | {p99:>7.1f} | {worst:>7.1f} | "
              f"{queries:>7} |")
    target = [r for r in rows if r[4] > 100 and (r[0].startswith("search") or r[0].startswith("entity"))]
    print("\ntarget p95 ≤ 100 ms (search and entity page): " + ("met" if not target else
                                       "missed by " + ", ".join(r[0] for r in target)))


def collect_static() -> None:
    """The manifest storage of the production profile needs collected files (in the bench's own var dir)."""
    env = {**os.environ, "JIANGUAN_ENV": "production", "SECRET_KEY": "collectstatic-only", "ALLOWED_HOSTS": "127.0.0.1"}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=300)


def check_cache_through_server(port: int) -> str:
    """Through the running server: a withheld result leaves the cached entity page at once, a released one returns.

    The real services (publication_withhold / publication_release, by a bench superuser) write to the
    database and invalidate the shared cache; the pages come from the gunicorn workers.
    """
    from jianguan.accounts.models import User
    from jianguan.accounts.roles import Role
    from jianguan.disclosure import services
    from jianguan.disclosure.choices import WithholdReason
    from jianguan.disclosure.models import Publication

    admin = User.objects.filter(username="bench-portal").first() or User.objects.create_superuser(
        username="bench-portal", password=secrets.token_urlsafe(16), role=Role.PLATFORM_ADMIN)
    pub = Publication.objects.select_related("entity").filter(status="published").order_by("pk").first()
    assert pub is not None
    fetch = http_fetch(port)
    url, marker, nothing = f"/public/entities/{pub.entity.uscc}/", pub.task_name, "暂无公示的抽查检查结果"

    def body() -> str:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", url, headers={"Host": "127.0.0.1"})
        return conn.getresponse().read().decode()

    for _ in range(4):  # every worker has it cached
        fetch(url)
    assert marker in body()
    t0 = time.perf_counter()
    services.publication_withhold(pub, by=admin, reason=WithholdReason.PERSONAL_PRIVACY, basis="基准测试：核验缓存失效")
    gone = all(nothing in body() for _ in range(4))
    services.publication_release(pub, by=admin)
    back = all(marker in body() and nothing not in body() for _ in range(4))
    if not (gone and back):
        raise SystemExit(f"cache check failed on {url}: withheld result gone {gone}, released result back {back}")
    return f"cache check: withheld result left {url} at once, released one returned ({time.perf_counter() - t0:.2f} s)"


def wrk_load(args: argparse.Namespace, chosen: dict[str, list[str]], warmup: list[str]) -> None:
    """Each gunicorn configuration in turn; each scenario one bounded wrk run; one table for all."""
    from django.core.cache import cache
    from django.db import connection

    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    collect_static()
    queries = {name: queries_per_page(urls[0], repeat="repeat" in name) for name, urls in chosen.items()}
    connection.close()  # the server's workers get their own connections
    configs = [(w, k) for k in args.worker_class for w in args.workers]
    rows = []
    checked = False
    for workers, worker_class in configs:
        cache.clear()  # the bench's own cache (its Redis db or file cache): every configuration starts cold
        label = f"{workers}×{worker_class}" + (f"({args.threads} threads)" if worker_class == "gthread" else "")
        proc, port = start_gunicorn(workers=workers, worker_class=worker_class, threads=args.threads,
                                    production=True)
        try:
            if not checked:
                print(check_cache_through_server(port), flush=True)
                checked = True
            # Warm-up on URLs outside the measured lists: templates, plans, connections (not the pages measured).
            run_wrk(port, warmup, connections=args.connections, seconds=args.warmup, max_requests=0)
            for name, urls in chosen.items():
                if "repeat" in name:  # first visits of these pages, not measured: then every visit is a repeat
                    run_wrk(port, urls, connections=args.connections, seconds=args.seconds, max_requests=len(urls))
                load = os.getloadavg()[0]  # the machine is shared: how busy it was when the row started
                r = run_wrk(port, urls, connections=args.connections, seconds=args.seconds,
                            max_requests=args.requests, seed=args.seed + 1)
                r["load"] = load
                rows.append((label, name, r))
                print(f"{label:<22} {name:<40} {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}  "
                      f"p99 {r['p99']:6.1f} ms  ({int(r['requests'])} requests, {int(r['non200'])} non-200, "
                      f"{int(r['errors'])} socket errors)", flush=True)
        finally:
            stop_gunicorn(proc)
    cache_name = args.redis_url or "file cache"
    print("\nload: the machine's 1-minute load average when the row started (2 cores, shared)")
    print(f"wrk -t1 -c{args.connections}, ≤ {args.seconds:g} s and ≤ {args.requests} requests per row; "
          f"{args.urls} distinct entities per scenario; JIANGUAN_ENV=production, DEBUG off, "
          f"DB_CONN_MAX_AGE={os.environ.get('DB_CONN_MAX_AGE', '60')}, cache {cache_name}\n")
    print(f"| {'gunicorn':<22} | {'scenario':<40} | {'req/s':>6} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | "
          f"{'max ms':>7} | {'requests':>8} | {'non-200':>7} | {'queries':>7} | {'load':>5} |")
    print(f"|{'-' * 24}|{'-' * 42}|{'-' * 8}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 10}|{'-' * 9}|{'-' * 9}"
          f"|{'-' * 7}|")
    for label, name, r in rows:
        print(f"| {label:<22} | {name:<40} | {r['rps']:>6.0f} | {r['p50']:>7.1f} | {r['p95']:>7.1f} | {r['p99']:>7.1f} | "
              f"{r['max']:>7.1f} | {int(r['requests']):>8} | {int(r['non200'] + r['errors']):>7} | "
              f"{queries[name]:>7} | {r['load']:>5.1f} |")
    print()
    for scenario in [name for name in chosen if name.startswith("entity")]:
        runs = [(label, r) for label, name, r in rows if name == scenario]
        label, best = max(runs, key=lambda x: (x[1]["p99"] <= 100, x[1]["rps"]))
        met = best["rps"] >= 300 and best["p99"] <= 100 and best["non200"] + best["errors"] == 0
        print(f"target ≥ 300 req/s with p99 ≤ 100 ms, {scenario}: {'met' if met else 'missed'} "
              f"(best: {label}, {best['rps']:.0f} req/s, p99 {best['p99']:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=None,
                        help="measured requests per scenario (default 200; with --server wrk 20000)")
    parser.add_argument("--seconds", type=float, default=None,
                        help="time limit per scenario (default 60; with --server wrk 15)")
    parser.add_argument("--server", choices=["client", "gunicorn", "wrk"], default="client")
    parser.add_argument("--db-name", default="jianguan_bench")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if it is there")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenario", action="append", default=[],
                        help="only the scenarios whose name contains this text (repeatable)")
    parser.add_argument("--urls", type=int, default=None,
                        help="distinct entities per scenario (default 400; with --server wrk 20000)")
    wrk = parser.add_argument_group("--server wrk")
    wrk.add_argument("--workers", type=lambda v: [int(x) for x in v.split(",")], default=[2, 4],
                     help="gunicorn worker counts to compare, comma-separated (default 2,4)")
    wrk.add_argument("--worker-class", type=lambda v: v.split(","), default=["sync"],
                     help="gunicorn worker classes, comma-separated: sync,gthread (default sync)")
    wrk.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    wrk.add_argument("--connections", type=int, default=8, help="wrk's concurrent connections (default 8)")
    wrk.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per configuration (default 3)")
    wrk.add_argument("--redis-url", default="redis://127.0.0.1:6379/11",
                     help="the shared cache of the server (default redis://127.0.0.1:6379/11; '' = file cache)")
    args = parser.parse_args()
    is_wrk = args.server == "wrk"
    args.requests = args.requests or (20000 if is_wrk else 200)
    args.seconds = args.seconds or (15.0 if is_wrk else 60.0)
    args.urls = args.urls or (20000 if is_wrk else 400)

    database_url = _bench_database_url(args.db_name)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    # The bench's own var dir in the temp directory, not the project's var/: SQLite's db.sqlite3, the file
    # cache, the collected static files of the production profile.
    var = Path(tempfile.gettempdir()) / f"{args.db_name}_portal_var"
    var.mkdir(exist_ok=True)
    os.environ["JIANGUAN_VAR_DIR"] = str(var)
    if is_wrk and args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url  # the server's cache, shared with this process (invalidation)
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

    every = scenarios(n, args.seed, args.urls)
    chosen = {k: v for k, v in every.items() if not args.scenario or any(f in k for f in args.scenario)}
    if not chosen:
        raise SystemExit(f"no scenario matches {args.scenario}; scenarios: {', '.join(every)}")
    if is_wrk:
        warmup = [u for urls in scenarios(n, args.seed + 1, 200).values() for u in urls[:50]]
        wrk_load(args, chosen, warmup)
        return

    proc = None
    if args.server == "gunicorn":
        proc, port = start_gunicorn()
        fetch = http_fetch(port)
    else:
        fetch = client_fetch()
    try:
        rows = []
        for name, urls in chosen.items():
            timings, errors = measure(fetch, urls, args.requests, args.seconds)
            rows.append((name, len(timings), errors, percentile(timings, 50), percentile(timings, 95),
                         percentile(timings, 99), max(timings), statistics.fmean(timings),
                         queries_per_page(urls[0], repeat="repeat" in name)))
    finally:
        if proc is not None:
            stop_gunicorn(proc)
    print_table(rows)


if __name__ == "__main__":
    main()
