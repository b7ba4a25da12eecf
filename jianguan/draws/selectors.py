"""Reads of draws and joint rounds, scoped to the user; what each user may do at each step of the ceremony."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from jianguan.core.models import AuditEvent, Job
from jianguan.core.scoping import ADD, CHANGE, get_visible, scope_of
from jianguan.draws.choices import DrawStatus, WitnessKind
from jianguan.draws.models import Draw, DrawSelection, DrawTeamMember, DrawWitness, JointRound, JointVisit
from jianguan.draws.services import APPROVE_REDRAW, EXECUTE, WITNESS
from jianguan.draws.workflow import REDRAWABLE, can_transition
from jianguan.inspectors.models import Inspector
from jianguan.plans.choices import PlanKind, TaskStatus
from jianguan.plans.models import Plan, Task
from jianguan.plans.workflow import PLAN_IN_FORCE

DRAW_LABEL = "draws.draw"


def _pk(value: Any) -> Any:
    value = getattr(value, "pk", value)
    if isinstance(value, str) and not value.strip().isdigit():
        return -1
    return value


def _draw_qs() -> Any:
    return Draw.objects.select_related("task", "task__plan", "department", "redraw_of", "redraw_approved_by",
                                       "executed_by", "announced_by")


def draw_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Draw]:
    """Draws the user may read (own department, lower levels, oversight, published ones).

    Filters: status, task, plan, department, year, is_short_notice, q (reference or task name).
    """
    qs: QuerySet[Draw] = _draw_qs().visible_to(user)
    f = filters or {}
    if status := f.get("status"):
        qs = qs.filter(status=status)
    if task := f.get("task"):
        qs = qs.filter(task_id=_pk(task))
    if plan := f.get("plan"):
        qs = qs.filter(task__plan_id=_pk(plan))
    if department := f.get("department"):
        qs = qs.filter(department_id=_pk(department))
    if year := f.get("year"):
        qs = qs.filter(year=_pk(year))
    short = f.get("is_short_notice")
    if short in (True, "true", "1", "是"):
        qs = qs.filter(is_short_notice=True)
    if q := str(f.get("q") or "").strip():
        qs = qs.filter(Q(reference__icontains=q) | Q(task__name__icontains=q))
    return qs.order_by("-announced_at", "-pk")


def draw_get(*, user: Any, pk: Any) -> Draw:
    """One draw the user may read (404, audited, otherwise)."""
    return get_visible(_draw_qs(), user, pk=_pk(pk))


def draw_witnesses(draw: Draw) -> QuerySet[DrawWitness]:
    return draw.witnesses.order_by("kind", "party")


def draw_parties(draw: Draw) -> QuerySet[DrawWitness]:
    return draw.witnesses.filter(kind=WitnessKind.PARTY).order_by("party")


def draw_selections(draw: Draw, *, limit: int | None = None) -> QuerySet[DrawSelection]:
    qs = draw.selections.select_related("entity").order_by("rank")
    return qs[:limit] if limit is not None else qs


def draw_teams(draw: Draw, entity_ids: list[int]) -> dict[int, list[Inspector]]:
    """The team of each of these selected entities, members in joining order."""
    rows = (DrawTeamMember.objects.filter(draw=draw, entity_id__in=entity_ids).select_related("inspector")
            .order_by("entity_id", "order"))
    out: dict[int, list[Inspector]] = {}
    for row in rows:
        out.setdefault(row.entity_id, []).append(row.inspector)
    return out


def draw_history(draw: Draw) -> QuerySet[AuditEvent]:
    """The audit events of the draw: every step of the ceremony, in order."""
    return AuditEvent.objects.filter(target_type=DRAW_LABEL, target_id=str(draw.pk)).order_by("seq")


def draw_job(draw: Draw) -> Job | None:
    """The latest background job (freeze or execute of a large draw) of this draw."""
    return Job.objects.filter(kind__startswith="draw.", params__draw_id=draw.pk).order_by("-created_at").first()


def _editable(draw: Draw, user: Any, action: str) -> bool:
    return Draw.objects.filter(pk=draw.pk).editable_by(user, action).exists()


@dataclass(frozen=True)
class DrawPermissions:
    """What one user may do with one draw right now (buttons are shown from this; services re-check)."""

    can_freeze: bool = False
    can_commit: bool = False
    can_seal: bool = False
    can_reveal: bool = False
    can_dice: bool = False
    can_execute: bool = False
    can_publish: bool = False
    can_redraw: bool = False


def draw_permissions(draw: Draw, user: Any) -> DrawPermissions:
    change = _editable(draw, user, CHANGE)
    witness = change or _editable(draw, user, WITNESS)
    status = draw.status
    current = draw.superseded_at is None
    return DrawPermissions(
        can_freeze=change and can_transition(status, DrawStatus.FROZEN),
        can_commit=witness and status == DrawStatus.FROZEN,
        can_seal=witness and can_transition(status, DrawStatus.SEALED),
        can_reveal=witness and status == DrawStatus.SEALED,
        can_dice=witness and status == DrawStatus.SEALED and not draw.dice_digits,
        can_execute=_editable(draw, user, EXECUTE) and can_transition(status, DrawStatus.EXECUTED),
        can_publish=change and can_transition(status, DrawStatus.PUBLISHED),
        can_redraw=current and status in REDRAWABLE and _editable(draw, user, ADD),
    )


def redraw_approvers(draw: Draw) -> list[Any]:
    """People of the draw's department who may approve a redraw (department admins)."""
    from jianguan.accounts.models import User

    users = User.objects.filter(is_active=True).filter(Q(department_id=draw.department_id) | Q(is_superuser=True))
    return [u for u in users.order_by("pk") if scope_of(u).can_label(APPROVE_REDRAW, DRAW_LABEL)]


def announceable_tasks(user: Any) -> QuerySet[Task]:
    """Ready tasks without a draw, under a plan in force, of the user's department (or all, for platform admins)."""
    scope = scope_of(user)
    if not scope.can_label(ADD, DRAW_LABEL):
        return Task.objects.none()
    qs = Task.objects.filter(status=TaskStatus.READY, plan__status__in=list(PLAN_IN_FORCE), draws__isnull=True)
    if not scope.unrestricted:
        qs = qs.filter(department_id=scope.department_id or 0)
    return qs.select_related("plan", "department").order_by("-created_at")


def witness_inbox(user: Any) -> QuerySet[Draw]:
    """Draws of the user's department waiting for the ceremony: what the legal affairs office witnesses [003]."""
    scope = scope_of(user)
    if scope.department_id is None or not scope.can_label(WITNESS, DRAW_LABEL):
        return Draw.objects.none()
    return Draw.objects.filter(
        department_id=scope.department_id, superseded_at__isnull=True,
        status__in=[DrawStatus.ANNOUNCED, DrawStatus.FROZEN, DrawStatus.SEALED],
    ).order_by("scheduled_at")


# ---------------------------------------------------------------- joint rounds


def joint_round_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[JointRound]:
    """Joint rounds the user may read (the lead's, the participants', lower levels', oversight). Filter: plan."""
    qs: QuerySet[JointRound] = JointRound.objects.select_related("plan", "department").visible_to(user)
    f = filters or {}
    if plan := f.get("plan"):
        qs = qs.filter(plan_id=_pk(plan))
    return qs.order_by("-merged_at", "-pk")


def joint_round_get(*, user: Any, pk: Any) -> JointRound:
    qs: Any = JointRound.objects.select_related("plan", "department").prefetch_related(
        Prefetch("draws", queryset=Draw.objects.select_related("department")))
    return get_visible(qs, user, pk=_pk(pk))


def joint_visits(joint: JointRound, *, limit: int | None = None) -> QuerySet[JointVisit]:
    qs = joint.visits.select_related("entity").order_by("order")
    return qs[:limit] if limit is not None else qs


def joint_plans_for(user: Any) -> QuerySet[Plan]:
    """Joint plans in force whose lead department is the user's (where the user may merge the rounds)."""
    scope = scope_of(user)
    if not scope.can_label(EXECUTE, DRAW_LABEL):
        return Plan.objects.none()
    qs = Plan.objects.filter(kind=PlanKind.JOINT, status__in=list(PLAN_IN_FORCE))
    if not scope.unrestricted:
        qs = qs.filter(department_id=scope.department_id or 0)
    return qs.select_related("department").order_by("-year", "title")
