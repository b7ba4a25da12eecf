"""Staff reads of the disclosure app, scoped to the user: publications, a task's publication state, objections."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jianguan.core.exceptions import OutOfScope
from jianguan.core.models import AuditEvent
from jianguan.core.scoping import VIEW, get_visible, scope_of
from jianguan.disclosure.choices import ObjectionStatus, PublicationStatus
from jianguan.disclosure.models import Objection, Publication, TypicalCase
from jianguan.disclosure.services import REVIEW, results_due_on
from jianguan.inspections.choices import RecordStatus, VisitStatus
from jianguan.inspections.models import Visit
from jianguan.plans.models import Task

M = TypeVar("M", bound=models.Model)


def staff_visible(qs: QuerySet[M], user: Any) -> QuerySet[M]:
    """The rows the user reads as staff: the model's scope rule without its public part.

    Published entries are public (anyone reads them through jianguan.disclosure.public), but the staff
    pages and API show the user's own scope: their department, lower levels, and for oversight roles
    their region; never another region's entries merely because they are published.
    """
    scope = scope_of(user)
    if not scope.unrestricted and (scope.department_id is None or not scope.can(VIEW, qs.model)):
        return qs.none()
    rule = dataclasses.replace(qs.model.scope_rule, public=None)  # type: ignore[attr-defined]
    q = rule.read_q(scope)
    return qs if q is None else qs.filter(q)


def staff_get(qs: QuerySet[M], user: Any, **lookup: Any) -> M:
    """One row in the user's staff scope; OutOfScope (404, the denial audited) otherwise."""
    found = staff_visible(qs, user).filter(**lookup).first()
    if found is not None:
        return found
    if qs.model._base_manager.filter(**lookup).exists():
        from jianguan.core import audit

        audit.record(actor=user, action="access.denied", target_type=qs.model._meta.label_lower,
                     target_id=str(next(iter(lookup.values()), "")), after={"reason": "out_of_scope"})
    raise OutOfScope()


def publication_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Publication]:
    """Publications the user may read as staff; filters: q (entity name or code), status, task, is_on_time."""
    f = filters or {}
    qs = staff_visible(Publication.objects.select_related("entity", "department"), user)
    if q := str(f.get("q") or "").strip():
        qs = qs.filter(Q(entity__name__contains=q) | Q(entity__uscc__startswith=q.upper()))
    if status := f.get("status"):
        qs = qs.filter(status=status)
    if (task := str(f.get("task") or "").strip()) and task.isdigit():
        qs = qs.filter(task_id=int(task))
    on_time = f.get("is_on_time")
    if on_time in (True, "true", "1"):
        qs = qs.filter(is_on_time=True)
    elif on_time in (False, "false", "0"):
        qs = qs.filter(is_on_time=False)
    return qs.order_by("-published_at", "-pk")


def publication_get(*, user: Any, pk: Any) -> Publication:
    return staff_get(Publication.objects.select_related("entity", "department", "task", "plan", "visit"), user,
                     pk=pk)


def record_history(obj: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk)).order_by("seq")


# ---------------------------------------------------------------- a task's publication page


@dataclass(frozen=True)
class VisitRow:
    """One visit of a task and where its results stand on the way to publication."""

    visit: Visit
    records: int
    approved: int
    publication: Publication | None

    @property
    def is_ready(self) -> bool:
        return (self.publication is None and self.visit.status == VisitStatus.REVIEWED and self.records > 0
                and self.approved == self.records)

    @property
    def state(self) -> str:
        if self.publication is not None:
            return self.publication.get_status_display()
        if self.visit.status == VisitStatus.CANCELLED:
            return "已取消"
        if self.is_ready:
            return "已审核，待公示"
        return f"未审核（{VisitStatus(self.visit.status).label}）"


@dataclass(frozen=True)
class TaskPublication:
    """The publication page of one task: deadline, on-time flag, and every visit's state."""

    task: Task
    due_on: dt.date | None
    rows: list[VisitRow]
    due_error: str = ""

    @property
    def published(self) -> int:
        return sum(1 for r in self.rows if r.publication is not None and r.publication.is_published)

    @property
    def withheld(self) -> int:
        return sum(1 for r in self.rows if r.publication is not None and not r.publication.is_published)

    @property
    def ready(self) -> int:
        return sum(1 for r in self.rows if r.is_ready)

    @property
    def pending(self) -> int:
        return sum(1 for r in self.rows if r.publication is None and not r.is_ready
                   and r.visit.status != VisitStatus.CANCELLED)

    @property
    def is_overdue(self) -> bool:
        return self.due_on is not None and timezone.localdate() > self.due_on and (self.ready or self.pending) > 0


def task_publication(task: Task) -> TaskPublication:
    visits = list(
        Visit.objects.filter(task=task).select_related("entity", "department")
        .annotate(n_records=Count("records", distinct=True),
                  n_approved=Count("records", filter=Q(records__status=RecordStatus.APPROVED), distinct=True))
        .order_by("pk")
    )
    pubs = {p.visit_id: p for p in Publication.objects.filter(visit__in=visits)}
    rows = [VisitRow(v, v.n_records, v.n_approved, pubs.get(v.pk)) for v in visits]  # type: ignore[attr-defined]
    due_error = ""
    try:
        due: dt.date | None = results_due_on(task)
    except Exception as exc:  # a calendar year without data: show the message, keep the page
        due, due_error = None, str(exc)
    return TaskPublication(task, due, rows, due_error)


def publishing_tasks(*, user: Any) -> QuerySet[Task]:
    """Tasks with visits that the user may read, newest window first (the 结果公示 index)."""
    if not scope_of(user).can_label(VIEW, "disclosure.publication"):
        return Task.objects.none()
    return (Task.objects.visible_to(user).filter(visits__isnull=False).distinct()
            .select_related("plan", "department").order_by("-window_end_on", "-pk"))


def task_get(*, user: Any, pk: Any) -> Task:
    return get_visible(Task.objects.select_related("plan", "department"), user, pk=pk)


# ---------------------------------------------------------------- objections and typical cases


def objection_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Objection]:
    """Objections the user may read; filters: status (default: all), q (entity name or code)."""
    f = filters or {}
    qs = staff_visible(Objection.objects.select_related("publication", "publication__entity", "result",
                                                        "department"), user)
    if status := f.get("status"):
        qs = qs.filter(status=status)
    if q := str(f.get("q") or "").strip():
        qs = qs.filter(Q(publication__entity__name__contains=q) | Q(publication__entity__uscc__startswith=q.upper()))
    return qs.order_by("status", "-filed_at", "-pk")


def objection_get(*, user: Any, pk: Any) -> Objection:
    return staff_get(Objection.objects.select_related("publication", "publication__entity", "result",
                                                     "department"), user, pk=pk)


def pending_objection_count(user: Any) -> int:
    return objection_list(user=user).filter(status=ObjectionStatus.PENDING).count()


def may_review_objections(user: Any) -> bool:
    return scope_of(user).can_label(REVIEW, "disclosure.objection")


def may_publish(user: Any) -> bool:
    return scope_of(user).can_label("add", "disclosure.publication")


def publication_cases(publication: Publication) -> QuerySet[TypicalCase]:
    return TypicalCase.objects.filter(publication=publication).order_by("-published_at", "-pk")


def published_count(qs: QuerySet[Publication]) -> int:
    return qs.filter(status=PublicationStatus.PUBLISHED).count()
