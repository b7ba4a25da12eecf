"""Reads of the inspections app, always scoped to the user (inspectors: only their team's visits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jianguan.core.models import AuditEvent
from jianguan.core.scoping import ADD, CHANGE, get_visible, scope_of
from jianguan.inspections import deadlines, workflow
from jianguan.inspections.choices import OPEN_VISIT_STATUSES, OverdueKind, VisitStatus
from jianguan.inspections.models import (
    DeadlineRule,
    Disposal,
    InspectionRecord,
    LawEducation,
    ResultCategory,
    Visit,
)
from jianguan.inspectors.models import Inspector
from jianguan.plans.models import Task

REVIEW = "review"
# Visits whose results have not been entered yet (a returned visit was entered and is being corrected).
ENTRY_PENDING = (VisitStatus.SCHEDULED, VisitStatus.NOTIFIED, VisitStatus.IN_PROGRESS)


def _is_inspector(user: Any) -> bool:
    from jianguan.accounts.roles import Role

    return getattr(user, "role", None) == Role.INSPECTOR and not getattr(user, "is_superuser", False)


def inspector_of(user: Any) -> Inspector | None:
    """The directory entry linked to this account (Inspector.user), if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Inspector.objects.filter(user_id=user.pk).first()


# ---------------------------------------------------------------- visits


def visit_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Visit]:
    """Visits the user may see, filtered by task, status, date range, team member, department or entity."""
    f = dict(filters or {})
    qs = Visit.objects.visible_to(user).select_related("entity", "task", "department")
    if f.get("task"):
        qs = qs.filter(task_id=getattr(f["task"], "pk", f["task"]))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("date_from"):
        qs = qs.filter(scheduled_on__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(scheduled_on__lte=f["date_to"])
    if f.get("inspector"):
        qs = qs.filter(team_members__inspector_id=getattr(f["inspector"], "pk", f["inspector"]))
    if f.get("mine"):
        qs = qs.filter(team_members__inspector__user_id=user.pk)
    if f.get("department"):
        dept = getattr(f["department"], "pk", f["department"])
        qs = qs.filter(Q(department_id=dept) | Q(departments__pk=dept))
    if f.get("q"):
        qs = qs.filter(Q(entity__name__icontains=f["q"]) | Q(entity__uscc=str(f["q"]).upper())
                       | Q(verification_code=str(f["q"]).upper()))
    if f.get("draw"):
        qs = qs.filter(draw_id=f["draw"])
    if f.get("joint_round"):
        qs = qs.filter(joint_round_id=f["joint_round"])
    return qs.distinct().order_by("scheduled_on", "route_order", "pk")


def visit_get(*, user: Any, pk: Any) -> Visit:
    """One visit, or OutOfScope (404, audited) when the user may not see it."""
    return get_visible(Visit.objects.select_related("entity", "task__plan", "department", "draw", "joint_round"),
                       user, pk=pk)


def visits_get_many(*, user: Any, ids: Any, task: Any = None) -> list[Visit]:
    """Visits by id in the order given (one query), or OutOfScope (404, audited) naming the ones the user
    may not see (or that are not of ``task``)."""
    wanted = [int(pk) for pk in ids]
    qs = Visit.objects.visible_to(user).select_related("entity", "task", "department").filter(pk__in=wanted)
    if task is not None:
        qs = qs.filter(task_id=getattr(task, "pk", task))
    found = {v.pk: v for v in qs}
    missing = [pk for pk in dict.fromkeys(wanted) if pk not in found]
    if missing:
        from jianguan.core import audit
        from jianguan.core.exceptions import OutOfScope

        audit.record(actor=user, action="access.denied", target_type="inspections.visit",
                     target_id=",".join(map(str, missing))[:64], after={"reason": "out_of_scope", "ids": missing})
        raise OutOfScope(f"未找到检查：{'、'.join(map(str, missing[:20]))}")
    return [found[pk] for pk in wanted]


def visit_team(visit: Visit) -> list[Any]:
    return list(visit.team_members.select_related("inspector__department").order_by("-role", "pk"))


@dataclass(frozen=True)
class VisitPermissions:
    """What the user may do with one visit (shown as buttons; the services check again)."""

    can_schedule: bool = False
    can_notice: bool = False
    can_receipt: bool = False
    can_exception: bool = False
    can_start: bool = False
    can_enter: bool = False
    can_submit: bool = False
    can_review: bool = False
    can_cancel: bool = False
    can_dispose: bool = False
    notice_ok: bool = False
    notice_message: str = ""
    missing_items: tuple[str, ...] = field(default_factory=tuple)


def visit_permissions(visit: Visit, user: Any) -> VisitPermissions:
    from jianguan.inspections.services import notice_rule_check

    scope = scope_of(user)
    editable = Visit.objects.editable_by(user, CHANGE).filter(pk=visit.pk).exists()
    inspector = _is_inspector(user)
    involved = {visit.department_id, *visit.departments.values_list("pk", flat=True)}
    if scope.unrestricted:
        may_enter = True
    elif inspector:
        may_enter = scope.can_label(ADD, "inspections.inspectionrecord") and visit.team_members.filter(
            inspector__user_id=user.pk).exists()
    else:
        may_enter = scope.can_label(ADD, "inspections.inspectionrecord") and scope.department_id in involved
    status = visit.status
    notice_ok, notice_message = notice_rule_check(visit)
    recorded = set(visit.records.values_list("item_id", flat=True))
    missing = tuple(i.name for i in visit.items.order_by("code") if i.pk not in recorded)
    open_ = status not in (VisitStatus.CANCELLED, VisitStatus.REVIEWED)
    return VisitPermissions(
        can_schedule=editable and status in workflow.SCHEDULABLE,
        can_notice=editable and open_ and visit.scheduled_on is not None,
        can_receipt=editable and open_,
        can_exception=editable and not inspector and status in workflow.SCHEDULABLE,
        can_start=editable and workflow.can_visit_transition(status, VisitStatus.IN_PROGRESS),
        can_enter=may_enter and status in workflow.RECORDABLE,
        can_submit=may_enter and workflow.can_visit_transition(status, VisitStatus.RECORDED) and not missing,
        can_review=not scope.unrestricted and scope.can_label(REVIEW, "inspections.inspectionrecord")
        and scope.department_id == visit.department_id and status == VisitStatus.RECORDED,
        can_cancel=editable and not inspector and workflow.can_visit_transition(status, VisitStatus.CANCELLED),
        can_dispose=(scope.unrestricted or (scope.can_label(ADD, "inspections.disposal")
                                            and scope.department_id in involved)),
        notice_ok=notice_ok,
        notice_message=notice_message,
        missing_items=missing,
    )


# ---------------------------------------------------------------- records and results


def result_categories(*, include_inactive: bool = False) -> QuerySet[ResultCategory]:
    qs = ResultCategory.objects.all()
    return qs if include_inactive else qs.filter(is_active=True)


def record_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[InspectionRecord]:
    f = dict(filters or {})
    qs = InspectionRecord.objects.visible_to(user).select_related("visit__entity", "item", "result")
    if f.get("visit"):
        qs = qs.filter(visit_id=getattr(f["visit"], "pk", f["visit"]))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("result"):
        qs = qs.filter(result_id=f["result"])
    return qs.order_by("visit_id", "item__code")


def record_get(*, user: Any, pk: Any) -> InspectionRecord:
    return get_visible(InspectionRecord.objects.select_related("visit", "item", "result"), user, pk=pk)


def visit_records(visit: Visit) -> dict[int, InspectionRecord]:
    """The records of a visit by item id (with inspectors and evidence prefetched)."""
    rows = visit.records.select_related("result", "item").prefetch_related("inspectors", "evidence", "disposals")
    return {r.item_id: r for r in rows}


# ---------------------------------------------------------------- disposals


def disposal_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Disposal]:
    f = dict(filters or {})
    qs = Disposal.objects.visible_to(user).select_related(
        "record__visit__entity", "record__item", "department", "target_department"
    )
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("open"):
        qs = qs.exclude(status="closed")
    if f.get("received"):
        qs = qs.filter(target_department_id=getattr(user, "department_id", None))
    return qs.order_by("-created_at", "-pk")


def disposal_get(*, user: Any, pk: Any) -> Disposal:
    return get_visible(Disposal.objects.select_related("record__visit__entity", "record__item"), user, pk=pk)


# ---------------------------------------------------------------- deadlines and overdue lists


class _Rules:
    """DeadlineRule lookups cached per region code for one listing."""

    def __init__(self) -> None:
        self._by_region: dict[str, DeadlineRule] = {}

    def for_region(self, code: str) -> DeadlineRule:
        if code not in self._by_region:
            self._by_region[code] = deadlines.rule_for(code)
        return self._by_region[code]


@dataclass(frozen=True)
class OverdueVisit:
    """An open visit whose inspection day has passed without its results being entered."""

    visit: Visit
    kind: str
    due_on: dt.date
    grace_due_on: dt.date

    @property
    def kind_label(self) -> str:
        return str(OverdueKind(self.kind).label)


def overdue_visits(*, user: Any, today: dt.date | None = None) -> list[OverdueVisit]:
    """Open visits (not yet entered) after their inspection day: late within the grace, overdue beyond it.

    Staff see their department's visits (and lower levels'); oversight roles their whole region;
    inspectors their own team's visits — the same scope as every other read.
    """
    today = today or timezone.localdate()
    cache = _Rules()
    rows: list[OverdueVisit] = []
    qs = (
        Visit.objects.visible_to(user)
        .filter(status__in=ENTRY_PENDING, scheduled_on__lt=today)
        .select_related("entity", "task", "department")
        .order_by("scheduled_on", "pk")
    )
    for visit in qs:
        assert visit.scheduled_on is not None
        rule = cache.for_region(visit.department.region_id)
        grace = deadlines.working_days_after(visit.scheduled_on, rule.entry_grace_working_days)
        kind = OverdueKind.ENTRY_OVERDUE if today > grace else OverdueKind.ENTRY_LATE
        rows.append(OverdueVisit(visit, kind, visit.scheduled_on, grace))
    return rows


@dataclass(frozen=True)
class TaskDeadlineStatus:
    """A task's result deadline and how far its visits have come."""

    task: Task
    deadlines: deadlines.TaskDeadlines
    total: int
    reviewed: int
    cancelled: int
    open: int
    kind: str | None  # an OverdueKind when the task is overdue, else None

    @property
    def kind_label(self) -> str:
        return str(OverdueKind(self.kind).label) if self.kind else ""

    @property
    def pending(self) -> int:
        return self.total - self.reviewed - self.cancelled


def task_deadline_status(task: Task, *, today: dt.date | None = None,
                         rule: DeadlineRule | None = None) -> TaskDeadlineStatus:
    today = today or timezone.localdate()
    rule = rule or deadlines.rule_for_department(task.department)
    due = deadlines.task_deadlines(task.window_end_on, rule)
    counts = dict(Visit.objects.filter(task=task).values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    total = sum(counts.values())
    reviewed = counts.get(VisitStatus.REVIEWED, 0)
    cancelled = counts.get(VisitStatus.CANCELLED, 0)
    pending = total - reviewed - cancelled
    kind = None
    if pending and today > due.ceiling_on:
        kind = OverdueKind.CEILING_EXCEEDED
    elif pending and today > due.publication_due_on:
        kind = OverdueKind.RESULTS_OVERDUE
    return TaskDeadlineStatus(task, due, total, reviewed, cancelled,
                              sum(counts.get(s, 0) for s in OPEN_VISIT_STATUSES), kind)


def overdue_tasks(*, user: Any, today: dt.date | None = None) -> list[TaskDeadlineStatus]:
    """Tasks whose window has ended and whose results are not all reviewed by the deadline [003]."""
    today = today or timezone.localdate()
    cache = _Rules()
    tasks = (
        Task.objects.visible_to(user)
        .filter(window_end_on__lt=today, visits__isnull=False)
        .select_related("department", "plan")
        .distinct()
        .order_by("window_end_on", "pk")
    )
    rows = []
    for task in tasks:
        status = task_deadline_status(task, today=today, rule=cache.for_region(task.department.region_id))
        if status.kind is not None:
            rows.append(status)
    return rows


@dataclass(frozen=True)
class LawEducationStatus:
    """When the task's standards went out and whether that was at least a month before the window [003]."""

    task: Task
    due_on: dt.date
    first_sent_on: dt.date | None
    entries: list[LawEducation]

    @property
    def is_recorded(self) -> bool:
        return self.first_sent_on is not None

    @property
    def is_short(self) -> bool:
        """Flag: not sent, or sent less than the required time before the window starts."""
        return self.first_sent_on is None or self.first_sent_on > self.due_on


def law_education_status(task: Task) -> LawEducationStatus:
    rule = deadlines.rule_for_department(task.department)
    entries = list(LawEducation.objects.filter(task=task).order_by("sent_on", "pk"))
    return LawEducationStatus(
        task=task, due_on=deadlines.law_education_due_on(task.window_start_on, rule),
        first_sent_on=entries[0].sent_on if entries else None, entries=entries,
    )


def task_get(*, user: Any, pk: Any) -> Task:
    return get_visible(Task.objects.select_related("plan", "department"), user, pk=pk)


def record_history(label: str, pk: Any) -> QuerySet[AuditEvent]:
    """Audit events of one record (change history on detail pages)."""
    return AuditEvent.objects.filter(target_type=label, target_id=str(pk)).order_by("seq")
