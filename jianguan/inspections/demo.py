"""Demo visits built through the real services: visits of a published draw (or joint round), scheduled in
the task window, notices for the first few, and — where the window allows — results entered for the
first visits (one with a problem and its follow-up disposal), submitted for review.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from jianguan.draws.models import Draw, JointRound
from jianguan.inspections import deadlines, selectors, services
from jianguan.inspections.choices import DeliveryMethod, DisposalKind, LawEducationMethod
from jianguan.inspections.models import Visit
from jianguan.workdays.calendar import is_working_day

# Results of the first visits, item by item (codes of ResultCategory); the rest find no problem.
DEMO_RESULTS = [["no_problem"], ["rectified", "no_problem"], ["pending_follow_up", "no_problem"],
                *([["no_problem"]] * 9), ["no_relevant_activity"], ["no_problem", "rectified"]]
NOTICES = 3


def _working_days(start: dt.date, end: dt.date) -> list[dt.date]:
    out, day = [], start
    while day <= end:
        if is_working_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


@transaction.atomic
def seed_visits(*, draw_or_round: Draw | JointRound, by: Any) -> list[Visit]:
    """Create and prepare the visits of a published draw or joint round; returns all its visits."""
    visits = services.visits_create_from_draw(draw_or_round, by=by)
    if not visits:
        return visits
    today = timezone.localdate()
    task = visits[0].task
    rule = deadlines.rule_for_department(task.department)
    due = deadlines.law_education_due_on(task.window_start_on, rule)
    if not task.law_educations.exists() and due <= today:
        services.law_education_record(task, by=by, data={"sent_on": due, "method": LawEducationMethod.FORM,
                                                         "note": "向检查对象发放统一检查标准"})
    # Past days of the window (results can be entered, within the grace period), then future ones.
    grace_start = max(task.window_start_on, today - dt.timedelta(days=5))
    past = _working_days(grace_start, min(today, task.window_end_on))
    future = _working_days(max(task.window_start_on, today + dt.timedelta(days=3)), task.window_end_on)
    results_left = len(DEMO_RESULTS) if past else 0
    for n, visit in enumerate(visits):
        if visit.scheduled_on is not None or not selectors.visit_permissions(visit, by).can_schedule:
            continue
        with_results = n < results_left and selectors.visit_permissions(visit, by).can_enter
        days = past if with_results else (future or past)
        if not days:
            continue
        visit = services.visit_schedule(visit, by=by, scheduled_on=days[(n // 4) % len(days)])
        if n < NOTICES:
            services.notice_generate(visit, by=by)
        if with_results:
            _enter_results(visit, by, DEMO_RESULTS[n])
    return list(Visit.objects.filter(pk__in=[v.pk for v in visits]).order_by("pk"))


def _enter_results(visit: Visit, by: Any, results: list[str]) -> None:
    start = visit.scheduled_start_at
    assert start is not None
    services.receipt_record(visit, by=by, data={
        "method": DeliveryMethod.ON_SITE, "delivered_at": start - dt.timedelta(hours=72), "receiver_name": "企业负责人",
    })
    team = list(visit.team_members.order_by("-role", "pk").values_list("inspector_id", flat=True))[:2]
    for i, item in enumerate(visit.items.order_by("code")):
        code = results[i] if i < len(results) else "no_problem"
        record = services.record_save(visit, by=by, data={
            "item": item, "result": code, "inspected_on": visit.scheduled_on, "inspectors": team,
            "findings": "现场检查，证照齐全，台账完整" if code == "no_problem" else "检查发现进货查验记录不全",
            "late_reason": "演示数据补录",
        })
        if code in ("rectified", "pending_follow_up"):
            services.disposal_create(record, by=by, data={
                "kind": DisposalKind.RECTIFY, "due_on": timezone.localdate() + dt.timedelta(days=15),
                "description": "责令限期补全进货查验记录，到期复查",
            })
    services.visit_submit(visit, by=by)
