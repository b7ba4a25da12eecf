"""Helpers of the plan tests: items, plan data, and moving a plan through the real workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jianguan.catalog.choices import ItemKind
from jianguan.catalog.factories import InspectionItemFactory, domain
from jianguan.catalog.models import InspectionItem
from jianguan.plans import services
from jianguan.plans.choices import PlanKind, PlanStatus
from jianguan.plans.models import Plan

# Next year: its 31 January is still ahead, so plans of it are never late unless a test wants them to be.
YEAR = timezone.localdate().year + 1
START, END = dt.date(YEAR, 3, 1), dt.date(YEAR, 11, 30)


def item(dept: Any, kind: str = ItemKind.GENERAL, *, published: bool = True, **kw: Any) -> InspectionItem:
    """A published inspection item of the department, with a ratio fitting its kind."""
    ratios: dict[str, Decimal | None] = {ItemKind.GENERAL: Decimal("5"), ItemKind.KEY: Decimal("20"),
                                         ItemKind.SPECIAL: None}
    ratio = ratios[kind]
    extra: dict[str, Any] = {}
    if kind == ItemKind.SPECIAL:
        extra["catalog_item__domain"] = domain("food_safety")
    return InspectionItemFactory.create(catalog_item__department=dept, kind=kind, default_ratio_pct=ratio,
                                 published=published, **extra, **kw)


def plan_data(items: list[InspectionItem], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": PlanKind.ANNUAL, "year": YEAR, "title": f"{YEAR}年度双随机抽查计划", "description": "测试计划",
        "planned_start_on": START, "planned_end_on": END, "items": items,
    }
    return data | overrides


class Actors:
    """The people who move a plan: the lead's staff, its legal affairs office, the justice bureau."""

    def __init__(self, staff: Any, legal: Any, reviewer: Any):
        self.staff, self.legal, self.reviewer = staff, legal, reviewer


# How to reach each state from draft, as steps of the real services.
PATH_TO: dict[str, list[str]] = {
    PlanStatus.DRAFT: [],
    PlanStatus.SUBMITTED: ["submit"],
    PlanStatus.LEGAL_CHECKED: ["submit", "legal_approve"],
    PlanStatus.APPROVED: ["submit", "legal_approve", "justice_approve"],
    PlanStatus.RETURNED: ["submit", "legal_return"],
    PlanStatus.PUBLISHED: ["submit", "legal_approve", "justice_approve", "publish"],
    PlanStatus.IN_PROGRESS: ["submit", "legal_approve", "justice_approve", "publish", "start"],
    PlanStatus.CLOSED: ["submit", "legal_approve", "justice_approve", "publish", "start", "close"],
}


def step(plan: Plan, action: str, who: Actors, comments: str = "意见") -> Plan:
    """Run one workflow action as the person whose role does it."""
    match action:
        case "submit":
            return services.plan_submit(plan, by=who.staff)
        case "legal_approve":
            return services.plan_legal_check(plan, by=who.legal, approve=True, comments="")
        case "legal_return":
            return services.plan_legal_check(plan, by=who.legal, approve=False, comments=comments)
        case "justice_approve":
            return services.plan_justice_review(plan, by=who.reviewer, approve=True)
        case "justice_return":
            return services.plan_justice_review(plan, by=who.reviewer, approve=False, comments=comments)
        case "reopen":
            return services.plan_return_to_draft(plan, by=who.staff)
        case "publish":
            return services.plan_publish(plan, by=who.staff)
        case "start":
            return services.plan_start(plan, by=who.staff)
        case "close":
            return services.plan_close(plan, by=who.staff)
    raise ValueError(action)


def advance(plan: Plan, status: str, who: Actors) -> Plan:
    for action in PATH_TO[status]:
        plan = step(plan, action, who)
    plan.refresh_from_db()
    assert plan.status == status
    return plan
