"""Reads of plans and tasks, scoped to the user; review inboxes; who may do what; the task's population filter.

``task_entity_q(task)`` and ``task_population_filter(task)`` are the typed entry points for the draw app:
the first is a ``Q`` over ``entities.Entity`` (the task's filters, before the draw's exclusion rules),
the second the same filters as canonical JSON-ready data for the published draw parameters.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from jianguan.catalog.models import InspectionItem
from jianguan.core.models import AuditEvent
from jianguan.core.scoping import ADD, CHANGE, ScopedQuerySet, get_visible, scope_of
from jianguan.entities.models import Entity, Licence
from jianguan.organizations.choices import DepartmentKind
from jianguan.organizations.models import Department
from jianguan.plans.choices import GRADE_RATIO_FIELDS, PlanStatus, VersionStatus
from jianguan.plans.models import (
    OPERATING,
    GradeRatioDefault,
    Plan,
    PlanAttachment,
    PlanEvent,
    PlanParticipant,
    PlanVersion,
    Task,
)
from jianguan.plans.workflow import PLAN_IN_FORCE

PLAN_LABEL = "plans.plan"
TASK_LABEL = "plans.task"
SUBMIT = "submit"
LEGAL_CHECK = "legal_check"
JUSTICE_REVIEW = "justice_review"


def _as_bool(value: Any) -> bool | None:
    """Filter values arrive as booleans (forms) or strings (query parameters)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "是"}:
        return True
    if text in {"false", "0", "no", "否"}:
        return False
    return None


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


# ---------------------------------------------------------------- plans


def _plan_qs() -> ScopedQuerySet[Plan]:
    return Plan.objects.select_related(  # type: ignore[return-value]
        "department", "department__region", "current_version", "pending_version"
    )


def plan_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Plan]:
    """Plans the user may read; filters: year, kind, status, department, is_late, q (title / description)."""
    qs: QuerySet[Plan] = _plan_qs().visible_to(user)
    f = filters or {}
    if year := f.get("year"):
        qs = qs.filter(year=year)
    if kind := f.get("kind"):
        qs = qs.filter(kind=kind)
    if status := f.get("status"):
        qs = qs.filter(status=status)
    if department := f.get("department"):
        qs = qs.filter(department_id=_pk(department))
    late = _as_bool(f.get("is_late"))
    if late is not None:
        qs = qs.filter(is_late=late)
    if q := f.get("q"):
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs


def plan_get(*, user: Any, pk: Any) -> Plan:
    """One plan the user may read (404, audited, otherwise)."""
    return get_visible(_plan_qs(), user, pk=pk)


def plan_detail_prefetch(plan: Plan) -> Plan:
    """The plan with its items and participants loaded (for detail pages and serializers)."""
    return Plan.objects.select_related("department", "current_version", "pending_version").prefetch_related(
        "items",
        Prefetch("participants", queryset=PlanParticipant.objects.select_related("department").prefetch_related("items")),
    ).get(pk=plan.pk)


def plan_versions(plan: Plan) -> QuerySet[PlanVersion]:
    """Every version of a plan (the first submission, resubmissions and amendments), newest first."""
    return plan.versions.select_related("created_by").order_by("-number")


def plan_events(plan: Plan) -> QuerySet[PlanEvent]:
    """The plan's review history in order."""
    return plan.events.select_related("actor", "version").order_by("occurred_at", "pk")


def plan_attachments(plan: Plan) -> QuerySet[PlanAttachment]:
    """Attachments still on the plan (removed ones stay in the audit chain)."""
    return plan.attachments.filter(removed_at__isnull=True).select_related("uploaded_by")


def record_history(label: str, pk: Any) -> QuerySet[AuditEvent]:
    """Audit events of one record (change history on detail pages)."""
    return AuditEvent.objects.filter(target_type=label, target_id=str(pk)).order_by("seq")


def _items_json(items: Any) -> list[dict[str, Any]]:
    return [
        {"id": i.pk, "code": i.code, "name": i.name, "kind": i.kind}
        for i in sorted(items, key=lambda i: i.code)
    ]


def _dept_json(d: Department) -> dict[str, Any]:
    return {"id": d.pk, "code": d.code, "name": d.name}


def plan_content(plan: Plan) -> dict[str, Any]:
    """The plan's content as JSON-ready data: what a PlanVersion snapshot holds."""
    participants = PlanParticipant.objects.filter(plan=plan).select_related("department").prefetch_related("items")
    return {
        "kind": plan.kind,
        "year": plan.year,
        "department": _dept_json(plan.department),
        "title": plan.title,
        "description": plan.description,
        "legal_basis": plan.legal_basis,
        "planned_start_on": plan.planned_start_on.isoformat(),
        "planned_end_on": plan.planned_end_on.isoformat(),
        "items": _items_json(plan.items.all()),
        "participants": [
            {"department": _dept_json(p.department), "items": _items_json(p.items.all())}
            for p in sorted(participants, key=lambda p: p.department.code)
        ],
        "attachments": [
            {"name": a.original_name, "sha256": a.sha256, "size_bytes": a.size_bytes}
            for a in plan_attachments(plan).order_by("pk")
        ],
    }


def plan_departments(plan: Plan) -> list[Department]:
    """The lead department first, then the participating departments."""
    others = [p.department for p in PlanParticipant.objects.filter(plan=plan).select_related("department")]
    return [plan.department, *sorted(others, key=lambda d: d.code)]


def plan_items_of(plan: Plan, department: Department) -> QuerySet[InspectionItem]:
    """The items a department brings to the plan: the plan's own for the lead, the contributed ones otherwise."""
    if department.pk == plan.department_id:
        return plan.items.all()
    return InspectionItem.objects.filter(
        plan_participations__plan=plan, plan_participations__department=department
    )


# ---------------------------------------------------------------- who may review


def legal_check_denial(user: Any, plan: Plan) -> str | None:
    """Why the user may not do the legality check of this plan, or None if they may.

    [003] the legal affairs office (政策法规处) of the plan's own department checks legality.
    """
    scope = scope_of(user)
    if scope.department_id is None or not scope.can_label(LEGAL_CHECK, PLAN_LABEL):
        return "只有计划牵头部门的政策法规处（法制审核）人员可以进行合法性审查 [003]"
    if scope.department_id != plan.department_id:
        return f"该计划由「{plan.department.name}」制定，只能由该部门的政策法规处进行合法性审查 [003]"
    return None


def justice_review_denial(user: Any, plan: Plan) -> str | None:
    """Why the user may not review this plan for the justice bureau, or None if they may.

    [003] the justice bureau of the same level whose jurisdiction contains the plan's department reviews it.
    """
    scope = scope_of(user)
    dept: Department | None = getattr(user, "department", None) if user is not None else None
    if (
        scope.department_id is None or dept is None or not scope.can_label(JUSTICE_REVIEW, PLAN_LABEL)
        or dept.kind != DepartmentKind.JUSTICE_BUREAU
    ):
        return "只有司法局审查人员可以审核抽查计划 [003]"
    plan_dept = plan.department
    if dept.level != plan_dept.level or not plan_dept.region_id.startswith(dept.jurisdiction_prefix):
        return (
            f"该计划由{plan_dept.get_level_display()}部门「{plan_dept.name}」制定，"
            f"应由辖区包含该部门的同级司法局审核；「{dept.name}」无权审核"
        )
    return None


def legal_inbox(user: Any) -> QuerySet[Plan]:
    """Plans (or plan amendments) waiting for the legality check of the user's legal affairs office."""
    scope = scope_of(user)
    if scope.department_id is None or not scope.can_label(LEGAL_CHECK, PLAN_LABEL):
        return Plan.objects.none()
    return _plan_qs().filter(
        department_id=scope.department_id, pending_version__status=VersionStatus.SUBMITTED
    ).order_by("submitted_at", "pk")


def justice_inbox(user: Any) -> QuerySet[Plan]:
    """Legality-checked plans (or amendments) in the reviewer's jurisdiction at the justice bureau's level."""
    scope = scope_of(user)
    dept: Department | None = getattr(user, "department", None)
    if (
        dept is None or not scope.can_label(JUSTICE_REVIEW, PLAN_LABEL)
        or dept.kind != DepartmentKind.JUSTICE_BUREAU
    ):
        return Plan.objects.none()
    return _plan_qs().filter(
        pending_version__status=VersionStatus.LEGAL_CHECKED,
        department__region__code__startswith=dept.jurisdiction_prefix,
        department__level=dept.level,
    ).order_by("submitted_at", "pk")


def review_inbox_count(user: Any) -> int:
    return legal_inbox(user).count() + justice_inbox(user).count()


def may_review(user: Any) -> bool:
    """Whether the user's role reviews plans at all (legal affairs office or justice bureau)."""
    scope = scope_of(user)
    return scope.department_id is not None and (
        scope.can_label(LEGAL_CHECK, PLAN_LABEL) or scope.can_label(JUSTICE_REVIEW, PLAN_LABEL)
    )


@dataclass(frozen=True)
class PlanPermissions:
    """What one user may do with one plan right now (buttons are shown from this; services re-check)."""

    can_edit: bool = False
    can_submit: bool = False
    can_legal_check: bool = False
    can_justice_review: bool = False
    can_return_to_draft: bool = False
    can_publish: bool = False
    can_amend: bool = False
    can_close: bool = False
    can_upload: bool = False
    can_add_task: bool = False


def plan_permissions(plan: Plan, user: Any) -> PlanPermissions:
    """The actions the user may take on the plan in its current state."""
    editable = Plan.objects.editable_by(user, CHANGE).filter(pk=plan.pk).exists()
    submittable = Plan.objects.editable_by(user, SUBMIT).filter(pk=plan.pk).exists()
    pending = plan.pending_version
    status = plan.status
    return PlanPermissions(
        can_edit=editable and status == PlanStatus.DRAFT,
        can_submit=submittable and status == PlanStatus.DRAFT,
        can_legal_check=pending is not None and pending.status == VersionStatus.SUBMITTED
        and legal_check_denial(user, plan) is None,
        can_justice_review=pending is not None and pending.status == VersionStatus.LEGAL_CHECKED
        and justice_review_denial(user, plan) is None,
        can_return_to_draft=editable and status == PlanStatus.RETURNED,
        can_publish=editable and status == PlanStatus.APPROVED,
        can_amend=submittable and status in PLAN_IN_FORCE and pending is None,
        can_close=editable and status == PlanStatus.IN_PROGRESS,
        can_upload=editable and status == PlanStatus.DRAFT,
        can_add_task=status in PLAN_IN_FORCE and bool(task_departments_for(plan, user)),
    )


def task_departments_for(plan: Plan, user: Any) -> list[Department]:
    """Departments of the plan for which the user may create tasks: all of them for the lead, else their own."""
    scope = scope_of(user)
    if not scope.can(ADD, Task):
        return []
    departments = plan_departments(plan)
    if scope.unrestricted or scope.department_id == plan.department_id:
        return departments
    return [d for d in departments if d.pk == scope.department_id]


# ---------------------------------------------------------------- tasks


def _task_qs() -> ScopedQuerySet[Task]:
    qs = Task.objects.select_related("plan", "plan__department", "department").prefetch_related("items")
    return qs  # type: ignore[return-value]


def task_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Task]:
    """Tasks the user may read; filters: plan, department, status, q (name)."""
    qs: QuerySet[Task] = _task_qs().visible_to(user)
    f = filters or {}
    if plan := f.get("plan"):
        qs = qs.filter(plan_id=_pk(plan))
    if department := f.get("department"):
        qs = qs.filter(department_id=_pk(department))
    if status := f.get("status"):
        qs = qs.filter(status=status)
    if q := f.get("q"):
        qs = qs.filter(name__icontains=q)
    return qs


def task_get(*, user: Any, pk: Any) -> Task:
    """One task the user may read (404, audited, otherwise)."""
    return get_visible(_task_qs(), user, pk=pk)


def task_may_edit(task: Task, user: Any) -> bool:
    return Task.objects.editable_by(user, CHANGE).filter(pk=task.pk).exists()


def grade_ratio_defaults() -> dict[tuple[str, str], Decimal]:
    """The configured default ratio for each (item kind, grade)."""
    return {(r.item_kind, r.grade): r.ratio_pct for r in GradeRatioDefault.objects.all()}


def task_entity_q(task: Task, *, with_status: bool = True) -> Q:
    """The task's population filters as a Q over ``entities.Entity`` (before the draw's exclusion rules).

    ``with_status=False`` leaves the registration status out (every status matches): the draw reads
    all statuses and counts the others as an exclusion reason.

    - in the directory (``is_active``);
    - region code under one of the task's prefixes (default: the department's whole jurisdiction);
    - industry: any of the sections (letters) or divisions (two digits), if given;
    - entity kind, tags (any of), registration status (default: operating only), if given;
    - licence kinds: holds a licence of one of the kinds, not expired on the window's first day.
    """
    q = Q(is_active=True)
    prefixes = task.region_prefixes or [task.department.jurisdiction_prefix]
    q &= reduce(operator.or_, (Q(region__code__startswith=p) for p in prefixes))
    if task.industry_codes:
        sections = [c for c in task.industry_codes if c.isalpha()]
        divisions = [c for c in task.industry_codes if not c.isalpha()]
        industry = Q(pk__in=[])
        if sections:
            industry |= Q(section__in=sections)
        if divisions:
            industry |= Q(industry_id__in=divisions)
        q &= industry
    if task.entity_kinds:
        q &= Q(kind__in=task.entity_kinds)
    if task.tag_codes:
        through = Entity.tags.through
        q &= Q(pk__in=through.objects.filter(tag__code__in=task.tag_codes).values("entity_id"))
    if with_status:
        q &= Q(status__in=task.entity_statuses or [OPERATING])
    if task.licence_kinds:
        valid = Q(expires_on__isnull=True) | Q(expires_on__gte=task.window_start_on)
        q &= Q(pk__in=Licence.objects.filter(valid, kind__in=task.licence_kinds).values("entity_id"))
    return q


def task_entities(task: Task) -> QuerySet[Entity]:
    """The entities the task's filters select (unscoped: the draw works on the whole directory)."""
    return Entity.objects.filter(task_entity_q(task))


def task_population_filter(task: Task) -> dict[str, Any]:
    """The task's filters, items and ratios as canonical JSON-ready data (for the published draw parameters)."""
    return {
        "task_id": task.pk,
        "department": task.department.code,
        "items": sorted(i.code for i in task.items.all()),
        "region_prefixes": sorted(task.region_prefixes or [task.department.jurisdiction_prefix]),
        "industry_codes": sorted(task.industry_codes),
        "entity_kinds": sorted(task.entity_kinds),
        "tag_codes": sorted(task.tag_codes),
        "entity_statuses": sorted(task.entity_statuses or [OPERATING]),
        "licence_kinds": sorted(task.licence_kinds),
        "licence_valid_on": task.window_start_on.isoformat() if task.licence_kinds else None,
        "is_full_coverage": task.is_full_coverage,
        "ratios_pct": {
            g: (None if task.ratio_for(g) is None else f"{task.ratio_for(g):.2f}") for g in GRADE_RATIO_FIELDS
        },
    }
