"""Benchmark: a simulated year of one real province on the real code paths (issue 5, parts 2 and 4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/year.py --entities 10000
    ... --entities 100000 / 1000000     (each scale in its own database jianguan_bench_year_<N>)

PostgreSQL only (the targets are on PostgreSQL): a throwaway database per scale (``--db-name`` to change it)
on the server of DATABASE_URL, dropped and created again, migrated. Every stage goes through the apps'
services, as the pages and the API do; nothing is written around them:

1. seed      ``seed_province`` (jianguan/demo/province.py): the province, its departments, logins, items,
             inspectors and N entities (COPY).
2. plans     every supervising department's annual plan and the joint plans: create, submit, legal check by
             the department's legal affairs office, review by the justice bureau of the same level, publish;
             the tasks are created and marked ready (plans.services).
3. draws     every task's ceremony (draws.services): announce, freeze, two parties commit, seal, reveal,
             execute, publish; province first, then cities, then counties (so an upper level's draws are in
             place when a lower level freezes: rule (b) of population.py).
4. merge     汇总取重 of every joint plan (draws.services.joint_merge, a witnessed dice roll).
5. visits    visits from every draw and joint round (inspections.services.visits_create_from_draw), scheduled
             department by department on the working days of the last week (visits_schedule_batch, 批量排期)
             and their notices' delivery recorded (receipts_record_batch; 48-hour rule).
6. results   each task's results through the task-level import (inspections.batch.results_import, the
             service behind 检查结果批量导入): one row per item of every visit, from a realistic mix of
             outcomes (RESULT_MIX), with a rectification order where a problem was found; visits submitted.
7. review    each department's division head approves its visits (visits_review_batch, 批量审核).
8. publish   each task's results published at once (disclosure.services.publish_task_results).
9. stats     the oversight figures through the selectors (deadline and publication status of every task),
             and the burden-reduction figures below, computed from the database with SQL.

The year is compressed into the last working days before today: the rules on entry (results entered
within 7 working days of the inspection [003]) are enforced against the real clock.

Tasks (bounded, realistic; see docs/apps/demo.md): each supervising department has one annual plan with
one task: county market regulation 企业公示信息抽查 (3% of enterprises, the national rule), city market
regulation 产品质量监督抽查 (3% of manufacturers), the province's departments one sector task each (in the
capital for the industry authorities), city industry authorities one sector task each in their city; plus
one joint plan per city and one for the province in its capital (market regulation + ecology + emergency
management on chemical manufacturers, key items, 20–50%). Ratios are the lowest the item kinds allow
(general 3%, key 20%); teams of two, at most MAX_VISITS_PER_INSPECTOR visits per inspector and task.
For Hainan: 71 tasks in 66 plans (61 annual, 5 joint); 3–4% of the entities are visited in the year.

Burden-reduction figures (from the database after the run, not from counters kept here):
- visits saved by 汇总取重: selections of the joint plans' draws minus the visits made for them;
- entities drawn more often than the yearly cap allows (must be 0);
- lower-level selections of entities an upper level had already drawn before the lower draw was frozen (must be 0);
- the share of published results published by their due date (7 working days after the task window).

Per stage: wall time, rows inserted (exact counts of every table, before and after) and the peak RSS of
this process during the stage (sampled every 20 ms; PostgreSQL's own memory is not included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCE = "460000"
SALTS = ("c541aa463ce5e4ac2525398f0ded61ab", "9f86d081884c7d659a2feaa0c55ad015")
# Outcomes of one item's inspection, with their share (national results of 2023–2024 random inspections:
# most checks find nothing; a tenth find a problem that is corrected on the spot or followed up).
RESULT_MIX = (("no_problem", 0.74), ("no_relevant_activity", 0.06), ("rectified", 0.08),
              ("pending_follow_up", 0.03), ("unreachable", 0.04), ("closed_or_liquidating", 0.03),
              ("non_cooperation", 0.01), ("not_publicised", 0.01))
FOLLOW_UP = {"rectified", "pending_follow_up"}
# (department code suffix, level) -> (item name, industry filters, entity kinds, ratio %)
ANNUAL_TASKS: dict[tuple[str, int], tuple[str, list[str], list[str], str]] = {
    ("SJ", 3): ("企业公示信息抽查", [], ["enterprise"], "3"),
    ("SJ", 2): ("产品质量监督抽查", ["13", "14", "15", "33", "34", "38", "39"], [], "3"),
    ("SJ", 1): ("产品质量监督抽查", ["13", "14", "15"], [], "3"),
    ("YP", 1): ("医疗器械经营企业检查", ["84"], [], "20"),
    ("HB", 1): ("排污许可执行情况检查", ["C"], [], "3"),
    ("HB", 2): ("排污许可执行情况检查", ["C"], [], "3"),
    ("YJ", 1): ("工贸企业安全生产检查", ["C"], [], "3"),
    ("YJ", 2): ("工贸企业安全生产检查", ["C"], [], "3"),
    ("WJ", 1): ("公共场所卫生监督检查", ["61", "80"], [], "3"),
    ("WJ", 2): ("公共场所卫生监督检查", ["61", "80"], [], "3"),
    ("JT", 1): ("道路运输企业检查", ["54"], [], "3"),
    ("JT", 2): ("机动车维修经营者检查", ["81"], [], "3"),
    ("NY", 1): ("农药经营检查", ["01", "03"], [], "3"),
    ("WL", 1): ("娱乐场所经营检查", ["90"], [], "3"),
    ("SW", 1): ("再生资源回收经营者检查", ["51"], [], "3"),
    ("XF", 1): ("消防安全检查", ["61", "62"], [], "3"),
}
# Joint plans: lead market regulation with ecology and emergency management, chemical manufacturers (26).
JOINT_TASKS = {"SJ": ("工业产品生产许可证获证企业检查", "20"), "HB": ("危险废物规范化环境管理检查", "20"),
               "YJ": ("危险化学品生产企业安全生产检查", "50")}
JOINT_INDUSTRIES = ["26"]
# The team rule's workload cap per task: a year-long task; with 5,000 inspectors for 10⁶ entities a
# county bureau's qualified inspectors visit up to 150 entities each for one task.
MAX_VISITS_PER_INSPECTOR = 150


# ---------------------------------------------------------------- database


SERVER_URL = ""  # the DATABASE_URL given (its server), kept for creating the seeded template


def _seeded_name(db_name: str) -> str:
    return f"{db_name}_seeded"


def bench_database_url(db_name: str, *, fresh: bool = True, reuse_seed: bool = False) -> tuple[str, bool]:
    """Drop and create the throwaway database (unless not ``fresh``); its URL, and whether it was created
    as a copy of the seeded template left by an earlier ``--reuse-seed`` run (then the seed stage is skipped)."""
    import psycopg

    global SERVER_URL
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/year.py runs on PostgreSQL: set DATABASE_URL=postgres://…")
    if not db_name.startswith("jianguan_bench_year"):
        sys.exit("the database name must start with jianguan_bench_year")
    SERVER_URL = url
    copied = False
    if fresh:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            template = _seeded_name(db_name)
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
            if reuse_seed and exists:
                conn.execute(f'CREATE DATABASE "{db_name}" TEMPLATE "{template}"')
                copied = True
            else:
                conn.execute(f'CREATE DATABASE "{db_name}"')
    return urlunsplit(urlsplit(url)._replace(path="/" + db_name)), copied


def save_seeded_template(db_name: str) -> None:
    """Keep a copy of the freshly seeded database, for later runs with --reuse-seed."""
    import psycopg
    from django.db import connections

    connections.close_all()  # CREATE DATABASE … TEMPLATE needs the source without connections
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_seeded_name(db_name)}"')
        conn.execute(f'CREATE DATABASE "{_seeded_name(db_name)}" TEMPLATE "{db_name}"')


def setup(db_name: str, *, fresh: bool = True, reuse_seed: bool = False) -> bool:
    """Point Django at the bench database (migrated); True when it is a copy of the seeded template."""
    url, copied = bench_database_url(db_name, fresh=fresh, reuse_seed=reuse_seed)
    os.environ["DATABASE_URL"] = url
    var = Path(os.environ.get("TMPDIR", "/tmp")) / f"{db_name}_var"
    os.environ["JIANGUAN_VAR_DIR"] = str(var)
    os.environ["DEBUG"] = "false"  # no query log in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return copied


def table_rows() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [r[0] for r in cur.fetchall()]
        sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
        cur.execute(sql)
        return dict(cur.fetchall())


# ---------------------------------------------------------------- measurement


class RssSampler:
    """Peak resident set size of this process, sampled every 20 ms between reset() and peak()."""

    def __init__(self) -> None:
        self._peak = 0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        threading.Thread(target=self._run, daemon=True).start()

    def _rss(self) -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self._page

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._peak = max(self._peak, self._rss())

    def reset(self) -> None:
        self._peak = self._rss()

    def peak(self) -> int:
        return max(self._peak, self._rss())


STAGES: list[dict[str, Any]] = []
# Where the time goes: outermost service calls, per stage: name -> [calls, seconds, queries].
CLOCK: dict[str, list[float]] = {}
_QUERIES = [0]
_DEPTH = [0]


def _count_query(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
    _QUERIES[0] += 1
    return execute(sql, params, many, context)


def instrument() -> None:
    """Time every public service function (outermost calls only) and count its queries."""
    import functools
    import types

    from django.db import connection

    from jianguan.disclosure import services as disclosure
    from jianguan.draws import services as draws
    from jianguan.inspections import batch
    from jianguan.inspections import services as inspections
    from jianguan.plans import services as plans

    connection.execute_wrappers.append(_count_query)
    for mod in (plans, draws, inspections, batch, disclosure):
        short = mod.__name__.split(".")[1]
        for name, fn in list(vars(mod).items()):
            if name.startswith("_") or not isinstance(fn, types.FunctionType) or fn.__module__ != mod.__name__:
                continue

            def timed(*args: Any, _fn: Any = fn, _key: str = f"{short}.{name}", **kwargs: Any) -> Any:
                if _DEPTH[0]:
                    return _fn(*args, **kwargs)
                _DEPTH[0] += 1
                q0, t0 = _QUERIES[0], time.perf_counter()
                try:
                    return _fn(*args, **kwargs)
                finally:
                    _DEPTH[0] -= 1
                    c = CLOCK.setdefault(_key, [0, 0.0, 0])
                    c[0] += 1
                    c[1] += time.perf_counter() - t0
                    c[2] += _QUERIES[0] - q0

            setattr(mod, name, functools.wraps(fn)(timed))
PROFILE: set[str] = set()
ORDER = ["seed", "plans", "draws", "merge", "visits", "results", "review", "publish", "stats"]


@contextmanager
def stage(name: str, rss: RssSampler, note: Callable[[], str] | None = None) -> Iterator[dict[str, Any]]:
    before = table_rows()
    rss.reset()
    CLOCK.clear()
    row: dict[str, Any] = {"stage": name}
    profiler = None
    if name in PROFILE:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    yield row
    row["seconds"] = time.perf_counter() - t0
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    after = table_rows()
    row["rows"] = sum(max(0, after.get(t, 0) - before.get(t, 0)) for t in after)
    row["peak_mb"] = rss.peak() / 2**20
    row["services"] = {k: list(v) for k, v in CLOCK.items()}
    STAGES.append(row)
    extra = f"  {row.get('what', '')}" if row.get("what") else ""
    print(f"  {name:<8} {row['seconds']:8.1f} s {row['rows']:>10,} rows {row['peak_mb']:7.0f} MB{extra}", flush=True)


# ---------------------------------------------------------------- the year


class World:
    """Departments, their logins and items, looked up once."""

    def __init__(self, province: str) -> None:
        from jianguan.accounts.models import User
        from jianguan.catalog.models import InspectionItem
        from jianguan.demo.province import SUPERVISING, login_name
        from jianguan.organizations.models import Department

        prefix = province[:2]
        self.province = province
        self.departments = {d.code: d for d in Department.objects.filter(code__regex=rf"^{prefix}[0-9]{{4}}-")}
        self.supervising = sorted((d for d in self.departments.values() if d.kind in SUPERVISING),
                                  key=lambda d: (d.level, d.code))
        users = {u.username: u for u in User.objects.filter(department__in=list(self.departments.values()))}
        self.user = lambda dept, role: users[login_name(dept, role)]
        self.items: dict[tuple[int, str], Any] = {}
        for item in InspectionItem.objects.filter(department__in=self.supervising):
            self.items[(item.department_id, item.name)] = item

    def abbr(self, dept: Any) -> str:
        return str(dept.code.split("-", 1)[1])

    def justice(self, dept: Any) -> Any:
        return self.user(self.departments[f"{dept.region_id}-SF"], "reviewer")


def _through_review(world: World, plan: Any, dept: Any) -> Any:
    from jianguan.plans import services as plans

    staff = world.user(dept, "staff")
    plans.plan_submit(plan, by=staff)
    plans.plan_legal_check(plan, by=world.user(dept, "legal"), approve=True, comments="计划合法，事项均在公开清单内。")
    plans.plan_justice_review(plan, by=world.justice(dept), approve=True, comments="同意实施。")
    return plans.plan_publish(plan, by=staff)


def _task(world: World, plan: Any, dept: Any, item: Any, industries: list[str], kinds: list[str], ratio: str,
          window: tuple[dt.date, dt.date], regions: list[str] | None = None) -> Any:
    from jianguan.plans import services as plans

    lead_staff = world.user(plan.department, "staff")
    data = {"plan": plan, "department": dept, "name": f"{plan.year}年{item.name}", "items": [item],
            "industry_codes": industries, "entity_kinds": kinds, "region_prefixes": regions or [],
            "window_start_on": window[0], "window_end_on": window[1], "min_team_size": 2,
            "max_visits_per_inspector": MAX_VISITS_PER_INSPECTOR}
    data.update({f"ratio_{g}_pct": ratio for g in "abcdu"})
    task = plans.task_create(by=lead_staff, data=data)
    return plans.task_mark_ready(task, by=lead_staff)


def stage_plans(world: World, year: int, window: tuple[dt.date, dt.date]) -> tuple[list[Any], list[Any]]:
    """Annual plans (one task each) and joint plans (one task per department), all through review."""
    from jianguan.plans import services as plans
    from jianguan.plans.choices import PlanKind

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    tasks: list[Any] = []
    capital = world.province[:2] + "01"  # the provincial capital's code is xx01 (海口 4601, 长沙 4301)
    for dept in world.supervising:
        spec = ANNUAL_TASKS.get((world.abbr(dept), dept.level))
        if spec is None:
            continue
        name, industries, kinds, ratio = spec
        item = world.items[(dept.pk, name)]
        plan = plans.plan_create(by=world.user(dept, "staff"), data={
            "kind": PlanKind.ANNUAL, "year": year, "title": f"{dept.name}{year}年度“双随机、一公开”抽查计划",
            "description": "按照“计划外无检查”原则制定。", "planned_start_on": start, "planned_end_on": end,
            "items": [item]})
        plan = _through_review(world, plan, dept)
        regions = [capital] if dept.level == 1 and world.abbr(dept) not in ("SJ", "YP") else None
        tasks.append(_task(world, plan, dept, item, industries, kinds, ratio, window, regions))
    joints = []
    for lead in [d for d in world.supervising if world.abbr(d) == "SJ" and d.level <= 2]:
        region = lead.region_id
        members = {a: world.departments.get(f"{region}-{a}") for a in JOINT_TASKS}
        if any(d is None for d in members.values()):
            continue
        picked = {a: world.items[(d.pk, JOINT_TASKS[a][0])] for a, d in members.items()}
        plan = plans.plan_create(by=world.user(lead, "staff"), data={
            "kind": PlanKind.JOINT, "year": year, "title": f"{year}年{lead.region.name}危险化学品生产企业部门联合抽查计划",
            "description": "“进一次门、查多项事”。", "planned_start_on": start, "planned_end_on": end,
            "items": [picked["SJ"]],
            "participants": [{"department": members[a], "items": [picked[a]]} for a in ("HB", "YJ")]})
        plan = _through_review(world, plan, lead)
        regions = [capital] if lead.level == 1 else None  # the province's own joint plan: in the capital
        for a, dept in members.items():
            tasks.append(_task(world, plan, dept, picked[a], JOINT_INDUSTRIES, [], JOINT_TASKS[a][1], window,
                               regions))
        joints.append(plan)
    return tasks, joints


def stage_draws(world: World, tasks: list[Any]) -> list[Any]:
    """Every task's ceremony, upper levels first."""
    from django.utils import timezone

    from jianguan.draws import engine
    from jianguan.draws import services as draws

    done = []
    for task in sorted(tasks, key=lambda t: (t.department.level, t.pk)):
        staff, legal = world.user(task.department, "staff"), world.user(task.department, "legal")
        draw = draws.draw_announce(task=task, scheduled_at=timezone.now() + dt.timedelta(days=3), by=staff)
        draw = draws.draw_freeze(draw, by=staff)
        values = (f"{task.pk}7382", f"{task.pk}5509")
        for n, value in enumerate(values):
            draws.witness_commit(draw, by=legal, name=f"见证人{n + 1}", organisation="政策法规处",
                                 commitment=engine.commitment(value, SALTS[n]))
        draw = draws.draw_seal(draw, by=staff)
        for n, value in enumerate(values):
            draws.witness_reveal(draw, by=legal, party=f"政策法规处 见证人{n + 1}", value=value, salt=SALTS[n])
        draw = draws.draw_execute(draws.Draw.objects.get(pk=draw.pk), by=staff)
        done.append(draws.draw_publish(draw, by=staff))
    return done


def stage_merge(world: World, joints: list[Any]) -> list[Any]:
    from jianguan.draws import services as draws

    return [draws.joint_merge(plan, by=world.user(plan.department, "staff"), dice_digits="31415926535897932384626433",
                              witnesses=["政策法规处 见证人1", "政策法规处 见证人2"]) for plan in joints]


def _working_days_back(today: dt.date, n: int, not_before: dt.date) -> list[dt.date]:
    from jianguan.workdays.calendar import is_working_day

    out, day = [], today
    while len(out) < n and day >= not_before:
        if is_working_day(day):
            out.append(day)
        day -= dt.timedelta(days=1)
    return sorted(out)


def _by_department(visits: list[Any]) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = {}
    for v in visits:
        groups.setdefault(v.department_id, []).append(v)
    return groups


def stage_visits(world: World, draws_done: list[Any], rounds: list[Any], today: dt.date,
                 window: tuple[dt.date, dt.date]) -> list[Any]:
    """Visits of every draw outside a joint plan and of every joint round, then, department by department,
    scheduled over the last working days (批量排期) and their notices' delivery recorded (批量登记送达)."""
    from jianguan.inspections import batch
    from jianguan.inspections import services as inspections
    from jianguan.inspections.choices import DeliveryMethod

    visits: list[Any] = []
    joint_draws = {d.pk for r in rounds for d in r.draws.all()}
    for origin in [*(d for d in draws_done if d.pk not in joint_draws), *rounds]:
        staff = world.user(origin.department, "staff")
        visits += inspections.visits_create_from_draw(origin, by=staff)
    days = _working_days_back(today, 5, window[0])
    done: list[Any] = []
    for group in _by_department(visits).values():
        staff = world.user(group[0].department, "staff")
        scheduled = batch.visits_schedule_batch([(v, days[n % len(days)]) for n, v in enumerate(group)], by=staff)
        batch.receipts_record_batch(
            scheduled, by=staff, data={"method": DeliveryMethod.ON_SITE, "receiver_name": "企业负责人"},
            overrides={v.pk: {"delivered_at": v.scheduled_start_at - dt.timedelta(hours=72)} for v in scheduled})
        done += scheduled
    return done


def stage_results(world: World, visits: list[Any], today: dt.date, seed: int) -> int:
    """Each task's results entered through the task-level import (检查结果批量导入): one row per visit and
    item from the realistic mix, a rectification order where a problem was found; visits submitted."""
    from jianguan.inspections import batch
    from jianguan.inspections.models import Visit

    rng = random.Random(seed)
    codes, weights = zip(*RESULT_MIX, strict=True)
    items: dict[int, list[str]] = {}
    for visit_id, code in Visit.items.through.objects.filter(visit_id__in=[v.pk for v in visits]).values_list(
            "visit_id", "inspectionitem__code").order_by("visit_id", "inspectionitem__code"):
        items.setdefault(visit_id, []).append(code)
    by_task: dict[tuple[int, int], list[Any]] = {}
    for v in visits:
        by_task.setdefault((v.task_id, v.department_id), []).append(v)
    records = 0
    for group in by_task.values():
        rows: list[dict[str, Any]] = []
        for visit in group:
            for item_code in items[visit.pk]:
                code = rng.choices(codes, weights)[0]
                row = {"visit_code": visit.verification_code, "item_code": item_code, "result": code,
                       "inspected_on": visit.scheduled_on,
                       "findings": "现场检查，证照齐全，台账完整" if code == "no_problem" else "现场检查发现问题，已记录",
                       "late_reason": "当日外出检查，返回后录入"}
                if code in FOLLOW_UP:
                    row.update(disposal_kind="rectify", due_on=today + dt.timedelta(days=15),
                               disposal_description="责令限期改正，到期复查")
                rows.append(row)
        outcome = batch.results_import(group[0].task, rows, by=world.user(group[0].department, "staff"), submit=True)
        records += outcome.created
    return records


def stage_review(world: World, visits: list[Any]) -> None:
    """The division head of each department approves its visits at once (批量审核)."""
    from jianguan.inspections import batch

    for group in _by_department(visits).values():
        batch.visits_review_batch(group, by=world.user(group[0].department, "head"), approve=True, comments="")


def stage_publish(world: World, tasks: list[Any]) -> int:
    from jianguan.disclosure import services as disclosure
    from jianguan.inspections.models import Visit

    published = 0
    for task in tasks:
        if Visit.objects.filter(task=task, department_id=task.department_id).exists():
            published += len(disclosure.publish_task_results(task, by=world.user(task.department, "staff")))
    return published


def stage_stats(world: World, tasks: list[Any], today: dt.date) -> dict[str, Any]:
    """The oversight figures through the selectors, then the burden-reduction figures in SQL."""
    from jianguan.disclosure import selectors as disclosure_selectors
    from jianguan.inspections import selectors as inspection_selectors

    overdue = 0
    for task in tasks:
        overdue += inspection_selectors.task_deadline_status(task, today=today).kind is not None
        overdue += disclosure_selectors.task_publication(task).is_overdue
    figures = burden(year=tasks[0].plan.year if tasks else today.year)
    figures["overdue_tasks"] = overdue
    return figures




def burden(*, year: int) -> dict[str, Any]:
    """Burden-reduction figures, from the database (issue 5 part 4)."""
    from django.conf import settings
    from django.db import connection

    cap = int(getattr(settings, "DRAW_MAX_PER_YEAR", 2))
    # Times each entity was drawn this year, from the selections themselves (not the app's counters), by
    # executed random draws only: full coverage does not count towards the cap [000][003].
    random_draws_per_entity = """
        SELECT s.entity_id FROM draws_drawselection s JOIN draws_draw d ON d.id = s.draw_id
        WHERE d.year = %(year)s AND d.superseded_at IS NULL AND d.status IN ('executed', 'published')
        AND NOT coalesce((d.params ->> 'full_coverage')::boolean, false)
        GROUP BY s.entity_id"""
    q: dict[str, str] = {
        # Selections of the joint plans' draws: the visits there would have been without 汇总取重.
        "joint_selections": """
            SELECT count(*) FROM draws_drawselection s JOIN draws_draw d ON d.id = s.draw_id
            JOIN plans_task t ON t.id = d.task_id JOIN plans_plan p ON p.id = t.plan_id
            WHERE p.kind = 'joint' AND p.year = %(year)s AND d.superseded_at IS NULL""",
        "joint_visits": """
            SELECT count(*) FROM inspections_visit v JOIN draws_jointround r ON r.id = v.joint_round_id
            JOIN plans_plan p ON p.id = r.plan_id WHERE p.year = %(year)s AND v.status <> 'cancelled'""",
        "joint_entities_multi": """
            SELECT count(*) FROM (SELECT s.entity_id FROM draws_drawselection s JOIN draws_draw d ON d.id = s.draw_id
            JOIN plans_task t ON t.id = d.task_id JOIN plans_plan p ON p.id = t.plan_id
            WHERE p.kind = 'joint' AND p.year = %(year)s AND d.superseded_at IS NULL
            GROUP BY p.id, s.entity_id HAVING count(*) > 1) x""",
        "visits": "SELECT count(*) FROM inspections_visit v JOIN plans_task t ON t.id = v.task_id "
                  "JOIN plans_plan p ON p.id = t.plan_id WHERE p.year = %(year)s",
        "selections": "SELECT count(*) FROM draws_drawselection s JOIN draws_draw d ON d.id = s.draw_id "
                      "WHERE d.year = %(year)s AND d.superseded_at IS NULL",
        "entities_visited": "SELECT count(DISTINCT v.entity_id) FROM inspections_visit v JOIN plans_task t "
                            "ON t.id = v.task_id JOIN plans_plan p ON p.id = t.plan_id WHERE p.year = %(year)s",
        # Drawn more often than the cap allows (must be 0), and exactly at the cap (shows the cap binds).
        "over_cap": f"SELECT count(*) FROM ({random_draws_per_entity} HAVING count(*) > %(cap)s) x",
        # A lower level drew an entity that an upper level had drawn before the lower draw was frozen.
        "lower_after_upper": """
            SELECT count(*) FROM draws_drawselection lo JOIN draws_draw dlo ON dlo.id = lo.draw_id
            JOIN organizations_department plo ON plo.id = dlo.department_id
            WHERE dlo.year = %(year)s AND dlo.superseded_at IS NULL AND EXISTS (
              SELECT 1 FROM draws_drawselection up JOIN draws_draw dup ON dup.id = up.draw_id
              JOIN organizations_department pup ON pup.id = dup.department_id
              WHERE up.entity_id = lo.entity_id AND dup.year = dlo.year AND dup.superseded_at IS NULL
              AND dup.status IN ('executed', 'published') AND pup.level < plo.level
              AND dup.executed_at < dlo.frozen_at)""",
        # The same for visits: the visit's own draw (or its joint round's draws) was frozen after an
        # upper-level draw that selected the entity had been executed.
        "lower_visits_after_upper": """
            SELECT count(*) FROM inspections_visit lo JOIN organizations_department plo ON plo.id = lo.department_id
            WHERE lo.status <> 'cancelled' AND EXISTS (
              SELECT 1 FROM draws_drawselection up JOIN draws_draw dup ON dup.id = up.draw_id
              JOIN organizations_department pup ON pup.id = dup.department_id
              WHERE up.entity_id = lo.entity_id AND dup.superseded_at IS NULL
              AND dup.status IN ('executed', 'published') AND pup.level < plo.level
              AND dup.executed_at < (SELECT min(d.frozen_at) FROM draws_draw d WHERE d.id = lo.draw_id
                OR d.id IN (SELECT jd.draw_id FROM draws_jointround_draws jd WHERE jd.jointround_id = lo.joint_round_id)))""",
        # The rules bind: entities excluded at freeze (each draw's published exclusion counts) and at the cap.
        "excluded_cap": "SELECT coalesce(sum((exclusions ->> 'yearly_cap')::int), 0) FROM draws_draw "
                        "WHERE year = %(year)s",
        "excluded_upper": "SELECT coalesce(sum((exclusions ->> 'upper_level')::int), 0) FROM draws_draw "
                          "WHERE year = %(year)s",
        "at_cap": f"SELECT count(*) FROM ({random_draws_per_entity} HAVING count(*) = %(cap)s) x",
        "published": "SELECT count(*) FROM disclosure_publication WHERE status = 'published'",
        "on_time": "SELECT count(*) FROM disclosure_publication WHERE status = 'published' "
                   "AND (published_at AT TIME ZONE %(tz)s)::date <= due_on",
        "stored_saved": "SELECT coalesce(sum(visits_saved), 0) FROM draws_jointround",
    }
    out: dict[str, Any] = {"cap": cap}
    with connection.cursor() as cur:
        for key, sql in q.items():
            cur.execute(sql, {"year": year, "cap": cap, "tz": settings.TIME_ZONE})
            out[key] = cur.fetchone()[0]
    # Without the visit stages (--stop-after), the merged rounds' own count stands for the visits.
    out["visits_saved"] = out["joint_selections"] - out["joint_visits"] if out["visits"] else out["stored_saved"]
    out["on_time_share"] = out["on_time"] / out["published"] if out["published"] else None
    return out


# ---------------------------------------------------------------- main


def run(n: int, province: str, inspectors: int, seed: int, stop_after: str = "stats", *,
        seeded: bool = False, keep_seed_as: str = "") -> dict[str, Any]:
    """The year; ``seeded``: the database is a copy of an earlier seeding (the seed stage is skipped);
    ``keep_seed_as``: after seeding, keep a template copy of this database for later --reuse-seed runs."""
    from django.db import connection
    from django.utils import timezone

    from jianguan.demo.province import seed_province

    rss = RssSampler()
    today = timezone.localdate()
    year = today.year
    # Inspections in the last five working days, the window closing today: its deadlines (publication 7,
    # national ceiling 20 working days later) must fall in a year the working-day calendar knows.
    window = (_working_days_back(today, 5, dt.date(year, 1, 1))[0], today)
    t_all = time.perf_counter()
    if seeded:
        print("seed: reusing the seeded template (copied by PostgreSQL)", flush=True)
    else:
        with stage("seed", rss) as row:
            counts = seed_province(province=province, entities=n, inspectors=inspectors, seed=seed,
                                   log=lambda _: None)
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
            row["what"] = (f"{counts['departments']} departments, {counts['items']} items, "
                           f"{counts['inspectors']} inspectors, {counts['entities']} entities")
        if keep_seed_as:
            save_seeded_template(keep_seed_as)
    t_year = time.perf_counter()
    instrument()
    world = World(province)
    with stage("plans", rss) as row:
        tasks, joints = stage_plans(world, year, window)
        row["what"] = f"{len(tasks)} tasks, {len(joints)} joint plans"
    with stage("draws", rss) as row:
        done = stage_draws(world, tasks)
        row["what"] = f"{len(done)} draws, {sum(d.selected_count for d in done)} selected"
    with stage("merge", rss) as row:
        rounds = stage_merge(world, joints)
        row["what"] = f"{len(rounds)} joint rounds"
    visits: list[Any] = []
    if ORDER.index(stop_after) >= ORDER.index("visits"):
        with stage("visits", rss) as row:
            visits = stage_visits(world, done, rounds, today, window)
            row["what"] = f"{len(visits)} visits"
        with stage("results", rss) as row:
            records = stage_results(world, visits, today, seed)
            row["what"] = f"{records} records"
        with stage("review", rss) as row:
            stage_review(world, visits)
        with stage("publish", rss) as row:
            row["what"] = f"{stage_publish(world, tasks)} publications"
    with stage("stats", rss) as row:
        figures = stage_stats(world, tasks, today)
    return {"n": n, "seconds_total": time.perf_counter() - t_all, "seconds_year": time.perf_counter() - t_year,
            "visits": len(visits), "tasks": len(tasks), "figures": figures, "stages": list(STAGES)}


def report(result: dict[str, Any]) -> None:
    n = result["n"]
    print(f"\n### {n:,} entities — year {result['seconds_year']:.0f} s (with seeding {result['seconds_total']:.0f} s)\n")
    print("| stage | s | rows inserted | peak RSS MB | µs per entity | what |")
    print("|---|---:|---:|---:|---:|---|")
    for row in result["stages"]:
        print(f"| {row['stage']} | {row['seconds']:.1f} | {row['rows']:,} | {row['peak_mb']:.0f} | "
              f"{row['seconds'] / n * 1e6:.1f} | {row.get('what', '')} |")
    print("\n| stage | service (outermost calls) | calls | ms per call | queries per call | share of stage |")
    print("|---|---|---:|---:|---:|---:|")
    for row in result["stages"]:
        top = sorted(row.get("services", {}).items(), key=lambda kv: -kv[1][1])[:4]
        for key, (calls, secs, queries) in top:
            print(f"| {row['stage']} | {key} | {calls:,} | {secs / calls * 1e3:.1f} | {queries / calls:.1f} | "
                  f"{secs / row['seconds']:.0%} |")
    f = result["figures"]
    share = f"{f['on_time_share']:.1%}" if f["on_time_share"] is not None else "—"
    print("\n| burden-reduction figure (SQL on the database after the run) | value |")
    print("|---|---:|")
    print(f"| visits of the year / selections / entities visited | {f['visits']:,} / {f['selections']:,} / "
          f"{f['entities_visited']:,} |")
    print(f"| joint plans: selections → visits, **visits saved by 汇总取重** | {f['joint_selections']:,} → "
          f"{f['joint_visits']:,}, **{f['visits_saved']:,}** (stored in joint rounds: {f['stored_saved']:,}; "
          f"entities drawn by 2+ departments: {f['joint_entities_multi']:,}) |")
    print(f"| entities drawn more often than the cap ({f['cap']}) allows | **{f['over_cap']}** "
          f"(at the cap: {f['at_cap']:,}; excluded at freeze for the cap: {f['excluded_cap']:,} candidate rows) |")
    print(f"| lower-level selections (visits) of entities an upper level drew before | "
          f"**{f['lower_after_upper']}** ({f['lower_visits_after_upper']}) (excluded at freeze as inspected by an "
          f"upper level: {f['excluded_upper']:,} candidate rows) |")
    print(f"| results published on time | {f['on_time']:,} of {f['published']:,} = **{share}** |")
    print(f"| tasks overdue (results or publication), through the oversight selectors | {f['overdue_tasks']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--province", default=PROVINCE)
    parser.add_argument("--inspectors", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db-name", default="")
    parser.add_argument("--stop-after", default="stats", choices=ORDER,
                        help="bound a large run: skip the visit stages after this one (stats always run)")
    parser.add_argument("--figures-only", action="store_true",
                        help="print the burden-reduction figures of the existing database, run nothing")
    parser.add_argument("--reuse-seed", action="store_true",
                        help="start from a copy of the database seeded by an earlier --reuse-seed run of the same "
                             "--entities (a template <db>_seeded, made on the first such run); the year itself "
                             "always runs from scratch")
    parser.add_argument("--profile", default="", help="comma-separated stages to run under cProfile (slower)")
    args = parser.parse_args()
    PROFILE.update(s for s in args.profile.split(",") if s)
    if args.figures_only:  # the figures of an earlier run's database, read again
        setup(args.db_name or f"jianguan_bench_year_{args.entities}", fresh=False)
        from django.utils import timezone

        report({"n": args.entities, "seconds_total": 0.0, "seconds_year": 0.0, "stages": [],
                "figures": {**burden(year=timezone.localdate().year), "overdue_tasks": "—"}})
        return
    db_name = args.db_name or f"jianguan_bench_year_{args.entities}"
    seeded = setup(db_name, reuse_seed=args.reuse_seed)
    report(run(args.entities, args.province, args.inspectors, args.seed, args.stop_after, seeded=seeded,
               keep_seed_as=db_name if args.reuse_seed else ""))


if __name__ == "__main__":
    main()
