"""The province generator: a real province (Hainan, 460000) with real counts, usable by a draw."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from jianguan.accounts.models import User
from jianguan.catalog.choices import ItemKind, PublicationState
from jianguan.catalog.models import InspectionItem
from jianguan.demo.province import login_name, province_regions, seed_province
from jianguan.draws import engine
from jianguan.draws import services as draws
from jianguan.draws.models import DrawSelection
from jianguan.entities.models import Entity
from jianguan.inspectors.models import Inspector
from jianguan.organizations.choices import DepartmentKind
from jianguan.organizations.models import Department
from jianguan.plans import services as plans
from jianguan.plans.choices import PlanKind

pytestmark = pytest.mark.django_db
HAINAN = "460000"
N = 300


@pytest.fixture
def hainan() -> dict[str, int]:
    return seed_province(province=HAINAN, entities=N, inspectors=1200, log=lambda _: None)


def test_real_regions_of_hainan() -> None:
    province, cities, counties = province_regions(HAINAN)
    assert province.name == "海南省"
    # 海口 三亚 三沙 儋州; 省直辖县级行政区划 (469000) is no city and has no departments.
    assert [c.name for c in cities] == ["海口市", "三亚市", "三沙市", "儋州市"]
    names = {c.name for c in counties}
    assert {"秀英区", "龙华区", "吉阳区", "五指山市", "琼海市", "文昌市", "昌江黎族自治县"} <= names
    assert "市辖区" not in names and len(counties) == 26


def _counts_and_levels(hainan: dict[str, int]) -> None:
    assert hainan == {"cities": 4, "counties": 26, "departments": 97, "items": 304,
                      "inspectors": Inspector.objects.count(), "entities": N}
    assert 1150 <= hainan["inspectors"] <= 1250
    levels = Counter(Department.objects.values_list("level", flat=True))
    assert levels == {1: 13, 2: 4 * 8, 3: 26 * 2}
    kinds = Counter(Department.objects.values_list("kind", flat=True))
    assert kinds[DepartmentKind.JUSTICE_BUREAU] == 1 + 4 + 26
    assert kinds[DepartmentKind.JOINT_MEETING_OFFICE] == kinds[DepartmentKind.BUSINESS_ENV_OFFICE] == 5
    assert Department.objects.filter(sector="市场监管").count() == 31
    assert Department.objects.get(code="460000-SJ").name == "海南省市场监督管理局"
    assert Department.objects.get(code="460106-SJ").name == "海口市龙华区市场监督管理局"
    assert Department.objects.get(code="469005-SJ").name == "文昌市市场监督管理局"


def _every_department_has_its_jurisdiction_and_parent(hainan: dict[str, int]) -> None:
    for dept in Department.objects.select_related("parent", "region"):
        assert dept.region.level == dept.level
        assert dept.region_id.startswith(dept.jurisdiction_prefix)
        if dept.level == 1:
            assert dept.parent is None
        else:
            assert dept.parent is not None and dept.parent.level < dept.level
            assert dept.region_id.startswith(dept.parent.jurisdiction_prefix)
            assert dept.parent.sector == dept.sector
    # 文昌市 (under 省直辖县级行政区划) reports to the province directly.
    wenchang = Department.objects.get(code="469005-SJ")
    assert wenchang.parent is not None and wenchang.parent.code == "460000-SJ"


def _items_published_owned_and_staffed(hainan: dict[str, int]) -> None:
    items = InspectionItem.objects.select_related("department")
    assert {i.publication_state for i in items} == {PublicationState.PUBLISHED}
    per_dept = Counter(i.department.code for i in items)
    assert per_dept["460000-SJ"] == 16 and per_dept["460000-YP"] == 3
    assert per_dept["460100-SJ"] == 12 and per_dept["460106-SJ"] == 6
    for item in items:
        assert item.department.kind in (DepartmentKind.APPROVING, DepartmentKind.INDUSTRY_AUTHORITY,
                                        DepartmentKind.ENFORCEMENT)
        # Inspectors of the owning department hold the item's domain.
        qualified = Inspector.objects.filter(department=item.department, qualifications=item.domain_id).count()
        assert qualified >= 2, item


def _entities_realistic_and_drawable(hainan: dict[str, int]) -> None:
    assert Entity.objects.count() == N
    assert not Entity.objects.filter(draw_block__isnull=True).exists()
    grades = dict(Entity.objects.values_list("credit_grade").annotate(n=Count("pk")))
    assert set(grades) == {"A", "B", "C", "D"}
    assert grades["B"] > grades["D"]
    assert Entity.objects.values("industry_id").distinct().count() >= 15
    for e in Entity.objects.select_related("department")[:100]:
        assert e.region_id.startswith("46") and e.department.sector == "市场监管"
        assert e.region_id.startswith(e.department.jurisdiction_prefix)


def test_province_is_real_and_usable(hainan: dict[str, int]) -> None:
    """One build, checked from every side (building it is the slow part)."""
    _counts_and_levels(hainan)
    _every_department_has_its_jurisdiction_and_parent(hainan)
    _items_published_owned_and_staffed(hainan)
    _entities_realistic_and_drawable(hainan)


def _ready_task(dept: Department, users: dict[str, Any], year: int) -> Any:
    staff = users["staff"]
    items = [i for i in InspectionItem.objects.filter(department=dept, kind=ItemKind.GENERAL).order_by("code")
             if i.domain_id == "market_registration"][:1]
    plan = plans.plan_create(by=staff, data={
        "kind": PlanKind.ANNUAL, "year": year, "title": f"{dept.name}{year}年度抽查计划", "items": items,
        "planned_start_on": dt.date(year, 1, 1), "planned_end_on": dt.date(year, 12, 31)})
    plans.plan_submit(plan, by=staff)
    plans.plan_legal_check(plan, by=users["legal"], approve=True, comments="合法")
    plans.plan_justice_review(plan, by=users["reviewer"], approve=True, comments="同意")
    plans.plan_publish(plan, by=staff)
    task = plans.task_create(by=staff, data={
        "plan": plan, "name": "企业公示信息抽查", "items": items, "ratio_a_pct": "20", "ratio_b_pct": "20",
        "ratio_c_pct": "20", "ratio_d_pct": "20", "ratio_u_pct": "20",
        "window_start_on": timezone.localdate(), "window_end_on": dt.date(year, 12, 31), "min_team_size": 2,
        "max_visits_per_inspector": 40})
    return plans.task_mark_ready(task, by=staff)


def test_a_county_draws_through_the_real_ceremony(hainan: dict[str, int]) -> None:
    dept = Department.objects.get(code="460106-SJ")  # 海口市龙华区
    justice = Department.objects.get(code="460106-SF")
    users = {r: User.objects.get(username=login_name(dept, r)) for r in ("staff", "legal")}
    users["reviewer"] = User.objects.get(username=login_name(justice, "reviewer"))
    year = timezone.localdate().year
    task = _ready_task(dept, users, year)
    draw = draws.draw_announce(task=task, scheduled_at=timezone.now() + dt.timedelta(days=4), by=users["staff"])
    draw = draws.draw_freeze(draw, by=users["staff"])
    assert draw.snapshot_rows == Entity.objects.filter(region__code__startswith="460106", status="operating").count() > 0
    salts = ("c541aa463ce5e4ac2525398f0ded61ab", "9f86d081884c7d659a2feaa0c55ad015")
    for n, value in enumerate(("738201", "550914")):
        draws.witness_commit(draw, by=users["legal"], name=f"见证人{n + 1}", organisation="政策法规处",
                             commitment=engine.commitment(value, salts[n]))
    draw = draws.draw_seal(draw, by=users["staff"])
    for n, value in enumerate(("738201", "550914")):
        draws.witness_reveal(draw, by=users["legal"], party=f"政策法规处 见证人{n + 1}", value=value, salt=salts[n])
    draw = draws.draw_execute(draws.Draw.objects.get(pk=draw.pk), by=users["staff"])
    assert draw.selected_count >= 1
    selected = DrawSelection.objects.filter(draw=draw)
    assert selected.count() == draw.selected_count
    assert all(s.entity.region_id.startswith("460106") for s in selected.select_related("entity"))


def test_command_and_idempotence(hainan: dict[str, int]) -> None:
    users = User.objects.count()
    call_command("seed_demo", province=HAINAN, entities=10, inspectors=1200, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Department.objects.count() == 97 and User.objects.count() == users
    assert InspectionItem.objects.count() == 304
    assert Entity.objects.count() == N + 10
