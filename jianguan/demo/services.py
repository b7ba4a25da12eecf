"""Building the demo world through the real services and the apps' bulk seeders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jianguan.accounts.models import User
from jianguan.accounts.services import user_create
from jianguan.catalog.demo import seed_catalog
from jianguan.demo.world import CITY, COUNTIES, DEMO_PASSWORD, LOGINS, departments
from jianguan.entities.demo import seed_entities
from jianguan.inspectors.demo import seed_inspectors
from jianguan.inspectors.models import Inspector
from jianguan.organizations.models import Department, Region
from jianguan.organizations.services import department_create
from jianguan.plans.demo import seed_plans

DEMO_DRAW_MAX_ENTITIES = 200_000


def demo_exists() -> bool:
    return User.objects.filter(username="admin").exists()


@transaction.atomic
def seed_world(*, by: Any = None) -> dict[str, Department]:
    """Departments and logins (idempotent by code and username)."""
    by_code: dict[str, Department] = {}
    for spec in departments():
        dept = Department.objects.filter(code=spec.code).first()
        if dept is None:
            dept = department_create(by=by, data={
                "code": spec.code, "name": spec.name, "level": spec.level, "kind": spec.kind, "sector": spec.sector,
                "region": Region.objects.get(code=spec.region),
                "parent": by_code.get(spec.parent) if spec.parent else None,
            })
        by_code[spec.code] = dept
    for login in LOGINS:
        if not User.objects.filter(username=login.username).exists():
            user_create(by=by, username=login.username, password=DEMO_PASSWORD, role=login.role,
                        display_name=login.display_name,
                        department=by_code[login.department_code] if login.department_code else None)
    return by_code


def demo_task_window(year: int, department: Department) -> tuple[dt.date, dt.date]:
    """The demo task's window: around today, ending early enough that its publication deadline falls in a year the
    working-day calendar knows (late in the year, next year's holidays are not known yet: we do not invent them)."""
    from jianguan.inspections import deadlines
    from jianguan.plans.demo import task_window
    from jianguan.workdays.calendar import CalendarYearUnknown

    start, end = task_window(year)
    rule = deadlines.rule_for_department(department)
    while end > start:
        try:
            deadlines.task_deadlines(end, rule)
            return start, end
        except CalendarYearUnknown:
            end -= dt.timedelta(days=1)
    return start, end


def seed_demo(*, entities: int, seed: int = 0, log: Callable[[str], None] = print) -> dict[str, int]:
    """The whole demo: world, catalog, inspectors, entities."""
    by_code = seed_world()
    city_by_sector = {d.sector: d for d in by_code.values() if d.level == 2}
    items = seed_catalog(departments_by_sector=city_by_sector)
    log(f"检查事项：{len(items)} 项")
    supervising = [d for d in by_code.values() if d.kind in ("approving", "industry_authority", "enforcement")]
    seed_inspectors(departments=supervising, per_department=max(1, 60 // len(supervising)), seed=seed)
    # The city market regulation bureau carries the demo draw: it gets a fuller directory (about 60 in all).
    seed_inspectors(departments=[by_code["430300-SJ"]], per_department=max(12, entities // 400), seed=seed)
    inspectors = list(Inspector.objects.all())
    log(f"执法检查人员：{len(inspectors)} 名")
    market = [d for d in by_code.values() if d.sector == "市场监管" and d.level >= 2]

    def progress(n: int) -> None:
        log(f"  市场主体：已生成 {n}")

    created = seed_entities(count=entities, region_codes=[CITY, *COUNTIES], departments=market, seed=seed,
                            progress=progress if entities >= 50_000 else None)
    log(f"市场主体：{created} 户")
    users = {u.username: u for u in User.objects.filter(username__in=["sj_staff", "sj_legal", "sf_reviewer"])}
    year = timezone.localdate().year
    plans = seed_plans(departments_by_code=by_code, items=items, year=year, by=users["sj_staff"],
                       users_by_username=users, window=demo_task_window(year, by_code["430300-SJ"]))
    log(f"抽查计划：{len(plans)} 个")
    if entities > DEMO_DRAW_MAX_ENTITIES:
        # A big demo is for benchmarks (bench/draw.py and bench/year.py draw on it); the ceremony and the
        # thousands of visits it would schedule one by one are left out so that seeding stays in minutes.
        log(f"主体超过 {DEMO_DRAW_MAX_ENTITIES} 户：跳过演示抽取与检查")
        work: dict[str, int] = {}
    else:
        work = seed_draw_and_visits(log=log)
    return {"departments": len(by_code), "items": len(items), "inspectors": len(inspectors), "entities": created,
            "plans": len(plans), **work}


# The two witnesses' values in the demo ceremony (what they would write on their slips), with their salts.
DEMO_WITNESSES = [
    ("王立新", "政策法规处", "738201", "5f0c2a9e7b6d41c38e2f90a1b4c7d6e3"),
    ("陈静", "湘潭市司法局", "550914", "a3d19c0e6f2b47588c1e0d2f3a4b5c6d"),
]


def seed_draw_and_visits(*, log: Callable[[str], None] = print) -> dict[str, int]:
    """The annual plan's task of 湘潭市市场监督管理局 goes through a real, witnessed draw; its visits are scheduled,
    results entered for the first ones, reviewed by the division head and published (一公开). Idempotent."""
    from jianguan.disclosure.demo import seed_publications
    from jianguan.draws import services as draws
    from jianguan.draws.choices import DrawStatus
    from jianguan.draws.models import Draw
    from jianguan.inspections.choices import VisitStatus
    from jianguan.inspections.demo import seed_visits
    from jianguan.inspections.models import Visit
    from jianguan.inspections.services import visit_review
    from jianguan.plans.choices import PlanKind, TaskStatus
    from jianguan.plans.models import Task
    from jianguan.plans.services import task_mark_ready

    users = {u.username: u for u in User.objects.filter(username__in=["sj_staff", "sj_legal", "sj_admin"])}
    staff, legal, head = users["sj_staff"], users["sj_legal"], users["sj_admin"]
    task = (Task.objects.filter(plan__department__code="430300-SJ", plan__kind=PlanKind.ANNUAL)
            .order_by("pk").first())
    if task is None:
        return {}
    draw = Draw.objects.filter(task=task).order_by("-number").first()
    if draw is None:
        if task.status == TaskStatus.DRAFT:
            task = task_mark_ready(task, by=staff)
        draw = draws.draw_announce(task=task, scheduled_at=timezone.now() + dt.timedelta(minutes=1), by=staff)
        draw = draws.draw_freeze(draw, by=staff)
        for name, org, value, salt in DEMO_WITNESSES:
            draws.witness_commit(draw, by=legal, name=name, organisation=org, value=value, salt=salt)
        draw = draws.draw_seal(draw, by=legal)
        for name, org, value, salt in DEMO_WITNESSES:
            draws.witness_reveal(draw, by=legal, party=f"{org} {name}", value=value, salt=salt)
        draw = draws.draw_execute(Draw.objects.get(pk=draw.pk), by=staff)
        draw = draws.draw_publish(draw, by=staff)
        log(f"抽取：{draw.reference}，从 {draw.candidate_count} 户中抽中 {draw.selected_count} 户")
    if draw.status != DrawStatus.PUBLISHED:
        return {"draws": 1}
    visits = seed_visits(draw_or_round=draw, by=staff)
    reviewed = 0
    for visit in Visit.objects.filter(task=task, status=VisitStatus.RECORDED).order_by("pk"):
        visit_review(visit, by=head, approve=True, comments="检查结果属实，同意公示。")
        reviewed += 1
    published = seed_publications(by=staff)
    log(f"检查：{len(visits)} 户，已审核 {reviewed}，已公示 {published}")
    return {"draws": 1, "visits": len(visits), "reviewed": reviewed, "published": published}
