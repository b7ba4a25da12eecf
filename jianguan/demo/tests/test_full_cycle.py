"""Issue 4, "Done when": with the demo data, a full cycle works in the UI.

plan → legal and justice review → published → task → draw ceremony → visits → schedule → notice PDF →
delivery receipt → results → review → publication → the anonymous portal finds it and offers the draw's
verification download. Every step is a page request a user makes (the same forms the pages post); the database
is read only to pick what a user would pick on the page (an item's checkbox, a visit in the list) and to
check what the pages say.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jianguan.catalog.choices import ItemKind, PublicationState
from jianguan.catalog.models import InspectionItem
from jianguan.core.audit import verify_chain
from jianguan.demo.services import demo_task_window, seed_demo
from jianguan.demo.world import DEMO_PASSWORD
from jianguan.disclosure.models import Publication
from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import Draw
from jianguan.inspections import deadlines
from jianguan.inspections.choices import VisitStatus
from jianguan.inspections.models import Visit
from jianguan.inspectors.models import Inspector
from jianguan.organizations.models import Department
from jianguan.plans.choices import PlanStatus, TaskStatus
from jianguan.plans.models import Plan, Task
from jianguan.workdays.calendar import is_working_day

REGION = "430304"  # 岳塘区: the demo's own task draws in 雨湖区 (430302)
WITNESSES = [("王立新", "政策法规处", "918273", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
             ("陈静", "湘潭市司法局", "364510", "1a2b3c4d5e6f708192a3b4c5d6e7f809")]


def login(username: str) -> Client:
    """A real login through the login page (the demo's logins and password)."""
    client = Client()
    r = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 302, f"{username} could not log in"
    return client


def page(client: Client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r.content.decode()


def post(client: Client, url: str, data: dict[str, Any], *, expect: str | None = None) -> str:
    """POST a form as the page does, follow the redirect, and return the page the user lands on."""
    r = client.post(url, data, follow=True)
    assert r.status_code == 200, (url, r.status_code, r.content.decode()[:2000])
    text = r.content.decode()
    if expect is not None:
        assert expect in text, (url, expect, _messages(text))
    return text


def _messages(text: str) -> list[str]:
    return re.findall(r'class="messages?[^"]*"[^>]*>(.*?)</', text, flags=re.S)[:10] or re.findall(
        r'role="alert">(.*?)</', text, flags=re.S)[:10]


def _items_for_the_inspector(lead: Department) -> list[InspectionItem]:
    """Two published general items of the lead in one supervision domain that sj_inspector is qualified for
    (the draw staffs a visit only with inspectors qualified for its items' domains): what the plan's author
    ticks on the form."""
    inspector = Inspector.objects.get(user__username="sj_inspector")
    best: list[InspectionItem] = []
    for domain in inspector.qualifications.order_by("code"):
        found = list(InspectionItem.objects.filter(
            department=lead, domain=domain, is_active=True, kind=ItemKind.GENERAL,
            publication_state=PublicationState.PUBLISHED,
        ).select_related("domain").order_by("code")[:2])
        if len(found) > len(best):
            best = found
    return best


def _inspection_day(start: dt.date, end: dt.date, lead: Department) -> dt.date:
    """The last working day of the window up to today: today on a working day inside the window.

    Late in the year the window must end early enough for its results deadlines (up to the national ceiling of
    20 working days) to fall in a year the working-day calendar knows; next year's holidays are not invented.
    Once even that window's last working day is past the 7-working-day grace for entering results, no cycle can
    be completed through the pages until next year's calendar is loaded: the test says so and skips.
    """
    today = timezone.localdate()
    day = min(today, end)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    assert day >= start, "no working day in the task window up to today"
    if deadlines.entry_check(day, today, deadlines.rule_for_department(lead)).is_refused:
        pytest.skip(f"{today}: a task window whose deadlines fit the known calendar ends on {end}, past the "
                    "grace for entering results; load next year's working-day calendar to run the cycle")
    return day


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_full_cycle_through_the_pages_from_the_demo_data_to_the_portal() -> None:
    seed_demo(entities=1500, log=lambda _m: None)
    today = timezone.localdate()
    year = today.year
    lead = Department.objects.get(code="430300-SJ")
    # The task's window, as the demo's own task has it; the visit's date: today, or the window's last working day.
    window_start, window_end = demo_task_window(year, lead)
    day = _inspection_day(window_start, window_end, lead)
    staff, legal, justice, head = (login(u) for u in ("sj_staff", "sj_legal", "sf_reviewer", "sj_admin"))

    # ------------------------------------------------------------ 1. a new annual plan, reviewed, published
    form = page(staff, reverse("plans:plan-create"))
    items = _items_for_the_inspector(lead)
    assert len(items) == 2 and all(f'value="{i.pk}"' in form for i in items)
    domain = items[0].domain.name
    title = f"湘潭市市场监督管理局{year}年度岳塘区{domain}专项抽查计划"
    post(staff, reverse("plans:plan-create"), {
        "kind": "annual", "year": year, "title": title, "description": f"对岳塘区市场主体开展{domain}随机抽查。",
        "legal_basis": "《市场监督管理行政执法程序规定》", "planned_start_on": f"{year}-01-01",
        "planned_end_on": f"{year}-12-31", "items": [i.pk for i in items],
    }, expect=title)
    plan = Plan.objects.get(title=title)
    post(staff, reverse("plans:plan-action", args=[plan.pk, "submit"]), {}, expect="计划已提交，等待法规处审核")
    assert plan.title in page(legal, reverse("plans:review-inbox"))
    post(legal, reverse("plans:plan-review", args=[plan.pk, "legal"]),
         {"decision": "approve", "comments": "事项均在公开清单内。"}, expect="审核通过")
    assert plan.title in page(justice, reverse("plans:review-inbox"))
    post(justice, reverse("plans:plan-review", args=[plan.pk, "justice"]),
         {"decision": "approve", "comments": "同意实施。"}, expect="审核通过")
    post(staff, reverse("plans:plan-action", args=[plan.pk, "publish"]), {}, expect="计划已公开")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED

    # A task with its items, a window around today (its deadlines inside the year the calendar knows),
    # credit-differentiated ratios and team rules; then marked ready.
    task_name = f"{year}年岳塘区{domain}随机抽查"
    form = page(staff, reverse("plans:task-create", args=[plan.pk]))
    assert all(f'value="{i.pk}"' in form for i in items)
    post(staff, reverse("plans:task-create", args=[plan.pk]), {
        "department": lead.pk, "name": task_name, "items": [i.pk for i in items], "region_prefixes": REGION,
        "entity_statuses": ["operating"], "ratio_a_pct": "5", "ratio_b_pct": "10", "ratio_c_pct": "15",
        "ratio_d_pct": "20", "ratio_u_pct": "10", "window_start_on": window_start.isoformat(),
        "window_end_on": window_end.isoformat(), "min_team_size": 2, "max_visits_per_inspector": 20,
    }, expect=task_name)
    task = Task.objects.get(plan=plan)
    assert task.ratio_d_pct == 20 and task.region_prefixes == [REGION]
    detail = post(staff, reverse("plans:task-action", args=[task.pk, "mark-ready"]), {}, expect="任务已确认，等待抽取")
    assert REGION in detail and task_name in detail
    task.refresh_from_db()
    assert task.status == TaskStatus.READY

    # ------------------------------------------------------------ 2. the draw ceremony on the draw page
    assert task_name in page(staff, reverse("draws:draw-announce"))
    at = timezone.localtime(timezone.now() + dt.timedelta(minutes=2))
    post(staff, reverse("draws:draw-announce"), {"task": task.pk, "scheduled_at": at.strftime("%Y-%m-%dT%H:%M")},
         expect="已发起抽取并通知本部门政策法规处")
    draw = Draw.objects.get(task=task)
    act = lambda client, action, data=None, expect=None: post(  # noqa: E731
        client, reverse("draws:draw-action", args=[draw.pk, action]), data or {}, expect=expect)
    act(staff, "freeze", expect="名单和参数已冻结并公布哈希")
    for name, org, value, salt in WITNESSES:
        act(legal, "commit", {"name": name, "organisation": org, "role": "见证人", "value": value, "salt": salt},
            expect="承诺已录入")
    act(staff, "seal", expect="承诺已封存")
    for name, org, value, salt in WITNESSES:
        act(legal, "reveal", {"party": f"{org} {name}", "value": value, "salt": salt}, expect="揭示值与承诺相符，已记录")
    executed = act(staff, "execute", expect="抽取已执行")
    draw.refresh_from_db()
    assert draw.status == DrawStatus.EXECUTED and draw.selected_count > 0 and draw.k_draw in executed
    act(staff, "publish", expect="抽取结果已公示")
    draw.refresh_from_db()
    assert draw.status == DrawStatus.PUBLISHED

    # ------------------------------------------------------------ 3. visits, notice, receipt, results
    task_page = reverse("inspections:task", args=[task.pk])
    assert draw.reference in page(staff, task_page)
    listing = post(staff, task_page, {"action": "from-draw", "source": draw.pk}, expect="检查已生成")
    visits = list(Visit.objects.filter(draw=draw).select_related("entity").order_by("pk"))
    assert len(visits) == draw.selected_count
    assert all(v.entity.name in listing for v in visits[:20])
    # The inspector with a login (张伟, sj_inspector) is qualified for the items: the draw put him in teams
    # with his qualified colleagues; he enters the results of one of his visits.
    mine = [v for v in visits if v.team_members.filter(inspector__user__username="sj_inspector").exists()]
    assert mine, "the inspector with a login was drawn into no team"
    visit = mine[0]
    entity = visit.entity
    team = [str(pk) for pk in visit.team_members.order_by("-role", "pk").values_list("inspector_id", flat=True)]
    assert len(team) >= 2

    schedule_url = reverse("inspections:visit-schedule", args=[visit.pk])
    page(staff, schedule_url)
    post(staff, schedule_url, {"scheduled_on": day.isoformat(), "start_time": "09:30", "route_order": ""},
         expect=day.isoformat())
    # The date pickers (<input type="date">) take only ISO dates: the page shows the chosen date again.
    assert f'name="scheduled_on" value="{day.isoformat()}"' in page(staff, schedule_url)
    visit_url = reverse("inspections:visit-detail", args=[visit.pk])
    post(staff, reverse("inspections:notice-generate", args=[visit.pk]), {}, expect="告知书已生成")
    pdf = staff.get(reverse("inspections:notice-download", args=[visit.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = pdf.getvalue()
    assert body.startswith(b"%PDF") and len(body) > 1000
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    delivered = timezone.localtime(start - dt.timedelta(hours=72))
    post(staff, reverse("inspections:receipt-create", args=[visit.pk]), {
        "method": "on_site", "delivered_at": delivered.strftime("%Y-%m-%dT%H:%M"), "receiver_name": "企业负责人",
        "note": "当面送达",
    }, expect="送达回证已登记")
    assert "告知书已按时送达" in page(staff, visit_url)

    enterer = login("sj_inspector")
    assert entity.name in page(enterer, reverse("inspections:my-visits"))
    entry_page = page(enterer, visit_url)
    # The inspection date is pre-filled with today and two members of the team are ticked.
    assert re.search(rf'name="item\d+-inspected_on" value="{today.isoformat()}"', entry_page)
    assert all(re.search(rf'value="{pk}"[^>]*checked', entry_page) for pk in team[:2])
    for item in visit.items.order_by("code"):
        prefix = f"item{item.pk}"
        data = {f"{prefix}-result": "no_problem", f"{prefix}-findings": f"{item.name}：现场核查未发现问题。",
                f"{prefix}-inspected_on": day.isoformat(), f"{prefix}-inspectors": team[:2]}
        if day != today:
            data[f"{prefix}-late_reason"] = "检查当日为外勤，次个工作日补录。"
        post(enterer, reverse("inspections:record-save", args=[visit.pk, item.pk]), data, expect="检查结果已保存")
    post(enterer, reverse("inspections:visit-action", args=[visit.pk, "submit"]), {}, expect="检查结果已提交审核")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.RECORDED and visit.records.count() == len(items)

    # ------------------------------------------------------------ 4. review by the division head
    assert "提交审核结论" in page(head, visit_url)
    post(head, reverse("inspections:visit-review", args=[visit.pk]),
         {"decision": "approve", "comments": "检查结果属实，同意公示。"}, expect="审核通过，检查记录已锁定")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REVIEWED

    # ------------------------------------------------------------ 5. publication, then the public portal
    publish_page = reverse("disclosure:staff-task", args=[task.pk])
    assert entity.name in page(staff, publish_page)
    post(staff, publish_page, {"action": "publish", "visit": visit.pk}, expect=f"已公示「{entity.name}」的检查结果")
    assert Publication.objects.get(visit=visit).status == "published"

    public = Client()
    found = page(public, reverse("disclosure:portal-search") + "?" + urlencode({"q": entity.name}))
    entity_url = reverse("disclosure:portal-entity", args=[entity.uscc])
    assert entity.name in found and entity_url in found
    by_code = public.get(reverse("disclosure:portal-search") + "?" + urlencode({"q": entity.uscc}), follow=True)
    assert by_code.status_code == 200 and by_code.redirect_chain[-1][0].endswith(entity_url)
    dossier = by_code.content.decode()
    assert entity.name in dossier and task_name in dossier and "未发现问题" in dossier
    assert all(i.name in dossier for i in items)

    draw_url = reverse("disclosure:portal-draw", args=[draw.pk])
    assert draw_url in page(public, reverse("disclosure:portal-draws"))
    draw_page = page(public, draw_url)
    bundle_url = reverse("disclosure:portal-draw-bundle", args=[draw.pk])
    assert draw.reference in draw_page and bundle_url in draw_page and entity.name in draw_page
    bundle = public.get(bundle_url)
    assert bundle.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(bundle.getvalue())).namelist()
    assert any(n.endswith("record.json") for n in names) and any(n.endswith(".py") for n in names)

    # ------------------------------------------------------------ the audit chain holds
    assert verify_chain().ok
