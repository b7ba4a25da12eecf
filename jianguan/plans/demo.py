"""Demo plans for Xiangtan, built through the real services and the reviewers' real roles.

- an annual plan of 湘潭市市场监督管理局 (430300-SJ): submitted, checked by its legal affairs office, approved
  by the city justice bureau, published, with one task of general items;
- a joint plan led by it with 湘潭市生态环境局 (430300-HB) and 湘潭市应急管理局 (430300-YJ), left submitted,
  so that the legal affairs office finds it in its review inbox;
- a draft temporary inspection with its legal basis (attach the upper-level document, then submit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jianguan.catalog.choices import ItemKind, PublicationState
from jianguan.catalog.models import InspectionItem
from jianguan.catalog.services import inspection_item_publish
from jianguan.organizations.models import Department
from jianguan.plans import services
from jianguan.plans.choices import PlanKind
from jianguan.plans.models import Plan

LEAD, ENV, SAFETY, JUSTICE = "430300-SJ", "430300-HB", "430300-YJ", "430300-SF"
DEMO_PASSWORD = "Jianguan@2026"


def task_window(year: int, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The demo task's inspection window: around today (so that the demo has visits both done and to come),
    inside the plan's year."""
    today = today or timezone.localdate()
    if today.year != year:
        return dt.date(year, 4, 1), dt.date(year, 6, 30)
    start = max(dt.date(year, 1, 1), today - dt.timedelta(days=30))
    end = min(dt.date(year, 12, 31), today + dt.timedelta(days=45))
    return start, end


def _published(items: Iterable[InspectionItem]) -> list[InspectionItem]:
    """Plans take published items only (清单之外无监管 [003]); the demo publishes drafts as the system."""
    out = []
    for item in items:
        if not item.is_active:
            continue
        if item.publication_state != PublicationState.PUBLISHED:
            item = inspection_item_publish(item, by=None)
        out.append(item)
    return out


def _of(items: list[InspectionItem], dept: Department, *, drawable: bool = True) -> list[InspectionItem]:
    return [i for i in items if i.department_id == dept.pk and (not drawable or i.kind != ItemKind.SPECIAL)]


def _user(users: dict[str, Any], username: str, role: str, dept: Department, name: str) -> Any:
    if username in users:
        return users[username]
    from jianguan.accounts.models import User
    from jianguan.accounts.services import user_create

    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return user_create(by=None, username=username, password=DEMO_PASSWORD, role=role, department=dept,
                       display_name=name)


@transaction.atomic
def seed_plans(
    *, departments_by_code: dict[str, Department], items: list[InspectionItem], year: int, by: Any,
    users_by_username: dict[str, Any] | None = None, window: tuple[dt.date, dt.date] | None = None,
) -> list[Plan]:
    """The three demo plans (idempotent by title). ``users_by_username`` gives sj_staff, sj_legal, sf_reviewer."""
    from jianguan.accounts.roles import Role

    users = dict(users_by_username or {})
    lead = departments_by_code[LEAD]
    staff = users.get("sj_staff") or by
    legal = _user(users, "sj_legal", Role.LEGAL_OFFICER, lead, "王立新")
    reviewer = _user(users, "sf_reviewer", Role.JUSTICE_REVIEWER, departments_by_code[JUSTICE], "陈静")
    published = _published(items)

    plans: list[Plan] = []
    titles = {
        "annual": f"湘潭市市场监督管理局{year}年度“双随机、一公开”抽查计划",
        "joint": f"{year}年湘潭市市场监管领域部门联合“双随机、一公开”抽查计划（企业环境与安全）",
        "temporary": f"{year}年节前烟花爆竹及危险化学品临时性检查",
    }
    existing = {p.title: p for p in Plan.objects.filter(department=lead, title__in=titles.values())}

    # 1. Annual plan: through the whole review, published, with one task.
    lead_items = _of(published, lead)
    if not lead_items:
        raise ValueError("演示数据缺少湘潭市市场监督管理局的可抽查事项（一般或重点事项）")
    annual = existing.get(titles["annual"])
    if annual is None:
        annual = services.plan_create(by=staff, data={
            "kind": PlanKind.ANNUAL, "year": year, "title": titles["annual"],
            "description": "按照“计划外无检查”原则，对辖区内市场主体开展企业公示信息、产品质量、计量、广告、价格等随机抽查 [000]。",
            "planned_start_on": dt.date(year, 1, 1), "planned_end_on": dt.date(year, 12, 31),
            "items": lead_items[:6],
        })
        services.plan_submit(annual, by=staff)
        services.plan_legal_check(annual, by=legal, approve=True, comments="计划内容合法，事项均在公开清单内。")
        services.plan_justice_review(annual, by=reviewer, approve=True, comments="同意实施。")
        services.plan_publish(annual, by=staff)
        general = [i for i in lead_items[:6] if i.kind == ItemKind.GENERAL][:2] or lead_items[:1]
        window_start, window_end = window or task_window(year)
        services.task_create(by=staff, data={
            "plan": annual, "name": f"{year}年雨湖区企业公示信息与产品质量随机抽查",
            "items": general, "region_prefixes": ["430302"], "window_start_on": window_start, "window_end_on": window_end,
            "min_team_size": 2, "max_visits_per_inspector": 60,
        })
    plans.append(annual)

    # 2. Joint plan, led by market regulation with environment and emergency management, left submitted.
    joint = existing.get(titles["joint"])
    if joint is None:
        participants = []
        for code in (ENV, SAFETY):
            dept = departments_by_code.get(code)
            if dept is not None and (p_items := _of(published, dept)):
                participants.append({"department": dept, "items": p_items[:2]})
        if not participants:
            raise ValueError("演示数据缺少生态环境局、应急管理局的可抽查事项，无法建立联合抽查计划")
        joint = services.plan_create(by=staff, data={
            "kind": PlanKind.JOINT, "year": year, "title": titles["joint"],
            "description": "“进一次门、查多项事”：对同一批企业一次性完成市场监管、生态环境、安全生产检查 [000][001]。",
            "planned_start_on": dt.date(year, 5, 1), "planned_end_on": dt.date(year, 10, 31),
            "items": lead_items[:2], "participants": participants,
        })
        services.plan_submit(joint, by=staff)
    plans.append(joint)

    # 3. Temporary inspection, still a draft: applied at least 7 days ahead with its legal basis [003].
    temporary = existing.get(titles["temporary"])
    if temporary is None:
        start = max(dt.date(year, 12, 1), timezone.localdate() + dt.timedelta(days=14))
        if start.year != year:
            start = dt.date(year, 12, 31)
        temporary = services.plan_create(by=staff, data={
            "kind": PlanKind.TEMPORARY, "year": year, "title": titles["temporary"],
            "description": "根据省局临时部署，对节前烟花爆竹、危险化学品相关经营主体开展随机抽查。",
            "legal_basis": "《中华人民共和国产品质量法》第十五条；省市场监管局临时检查通知",
            "planned_start_on": start, "planned_end_on": dt.date(year, 12, 31),
            "items": lead_items[:1],
        })
    plans.append(temporary)
    return [Plan.objects.get(pk=p.pk) for p in plans]
