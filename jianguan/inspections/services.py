"""Writes of the inspections app: visits from draws, scheduling, notices and receipts, records, review,
law education and follow-up disposal. Each service validates, writes, and records one audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from jianguan.catalog.models import InspectionItem
from jianguan.core import audit
from jianguan.core.exceptions import Conflict, FieldError, IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.models import Job
from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit, scope_of
from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import Draw, DrawSelection, DrawTeamMember, JointRound, JointVisit
from jianguan.entities.models import Entity
from jianguan.inspections import deadlines, notices, rules, workflow
from jianguan.inspections.choices import (
    DisposalEventKind,
    DisposalKind,
    DisposalStatus,
    RecordStatus,
    ReviewDecision,
    TeamRole,
    VisitStatus,
)
from jianguan.inspections.models import (
    DeliveryReceipt,
    Disposal,
    DisposalEvent,
    Evidence,
    InspectionRecord,
    LawEducation,
    Notice,
    NoticeException,
    ResultCategory,
    Visit,
    VisitReview,
    VisitTeamMember,
    new_verification_code,
)
from jianguan.inspectors.models import Inspector
from jianguan.organizations.models import Department
from jianguan.plans.models import Task

REVIEW = "review"


def _user(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _deny(by: Any, target: Any, action: str, message: str) -> NotPermitted:
    """An audited refusal (HTTP 403) with a message that says what is missing."""
    audit.record(actor=by, action="permission.denied", target=target, after={"action": action})
    return NotPermitted(message)


def _lock_visit(visit: Visit) -> Visit:
    return Visit.objects.select_for_update(of=("self",)).select_related("task", "department", "entity").get(
        pk=visit.pk
    )


def _team_inspector(visit: Visit, by: Any) -> Inspector | None:
    """The team member linked to this account, if any."""
    return Inspector.objects.filter(user_id=getattr(by, "pk", 0) or 0, team_memberships__visit=visit).first()


def _is_inspector(by: Any) -> bool:
    from jianguan.accounts.roles import Role

    return getattr(by, "role", None) == Role.INSPECTOR and not getattr(by, "is_superuser", False)


# ---------------------------------------------------------------- visits from draws


def _publish_check(draw: Draw) -> None:
    if draw.status != DrawStatus.PUBLISHED:
        raise IllegalTransition(
            f"抽取 {draw.reference} 当前为「{draw.get_status_display()}」，只有已公示的抽取才能生成检查",
            code="draw_not_published",
        )
    if draw.superseded_at is not None:
        raise IllegalTransition(f"抽取 {draw.reference} 已被重新抽取替代，不能再生成检查", code="draw_superseded")


def _ensure_may_create_for(department_id: int, by: Any) -> None:
    ensure_can(by, ADD, Visit)
    scope = scope_of(by)
    if not scope.unrestricted and scope.department_id != department_id:
        raise _deny(by, None, "inspections.visit:add", "只有实施抽取的部门可以生成检查")


def _new_codes(n: int) -> list[str]:
    """n verification codes unused so far and distinct from each other, in the random order drawn (a few
    queries per batch: existing codes are looked up in chunks)."""
    codes: list[str] = []
    for _ in range(20):
        seen = set(codes)
        fresh = [c for c in dict.fromkeys(new_verification_code() for _ in range(n - len(codes))) if c not in seen]
        taken: set[str] = set()
        for i in range(0, len(fresh), 5000):
            taken.update(Visit.objects.filter(verification_code__in=fresh[i : i + 5000]).values_list(
                "verification_code", flat=True))
        codes += [c for c in fresh if c not in taken]
        if len(codes) >= n:
            return codes[:n]
    raise Conflict("无法生成唯一的核验码，请重试", code="verification_code_exhausted")  # pragma: no cover


@dataclass
class _NewVisit:
    """A visit to create in bulk: its entity, task, origin, owning department, items, departments and team."""

    entity: Entity
    task: Task
    department_id: int
    items: list[int]
    departments: list[int]
    team: list[int]
    draw: Draw | None = None
    joint_round: JointRound | None = None


def _create_visits(new: Sequence[_NewVisit], *, by: Any) -> list[int]:
    """Create the visits with their items, departments and teams in a few bulk inserts (inside the caller's
    transaction); every team is checked first, so a short team writes nothing."""
    minimum = rules.minimum_team_size()
    for n in new:
        if len(n.team) < minimum:
            raise ValidationFailed.for_field(
                "team", f"检查对象 {n.entity.name} 的检查组只有 {len(n.team)} 人，至少需要 {minimum} 人", "team_too_small"
            )
    if not new:
        return []
    user = _user(by)
    visits = Visit.objects.bulk_create([
        Visit(entity=n.entity, task=n.task, draw=n.draw, joint_round=n.joint_round, department_id=n.department_id,
              verification_code=code, created_by=user)
        for n, code in zip(new, _new_codes(len(new)), strict=True)
    ])
    if any(v.pk is None for v in visits):  # a backend that does not return ids from a bulk insert
        by_code = dict(Visit.objects.filter(verification_code__in=[v.verification_code for v in visits]).values_list(
            "verification_code", "pk"))
        for v in visits:
            v.pk = by_code[v.verification_code]
    Visit.items.through.objects.bulk_create([
        Visit.items.through(visit_id=v.pk, inspectionitem_id=i) for v, n in zip(visits, new, strict=True)
        for i in n.items])
    Visit.departments.through.objects.bulk_create([
        Visit.departments.through(visit_id=v.pk, department_id=d) for v, n in zip(visits, new, strict=True)
        for d in n.departments])
    VisitTeamMember.objects.bulk_create([
        VisitTeamMember(visit_id=v.pk, inspector_id=pk, role=TeamRole.LEADER if k == 0 else TeamRole.MEMBER)
        for v, n in zip(visits, new, strict=True) for k, pk in enumerate(n.team)])
    return [v.pk for v in visits]


def visits_create_from_draw(draw: Draw | JointRound, /, *, by: Any) -> list[Visit]:
    """One visit per drawn entity of a published draw, or per merged visit of a joint round (idempotent).

    A draw's visit covers the task's items with the drawn team. A joint round's visit covers every item
    of every department that drew the entity, with one team ("进一次门、查多项事" [000][001][004]).
    Calling it again creates only what is missing and returns all visits of the draw or round.
    """
    if isinstance(draw, JointRound):
        return _visits_from_joint_round(draw, by=by)
    _ensure_may_create_for(draw.department_id, by)
    _publish_check(draw)
    joint = draw.joint_rounds.first()
    if joint is not None:
        raise Conflict(
            f"抽取 {draw.reference} 属于联合抽查 {joint.reference}，请从联合抽查生成检查（汇总取重后一户一次）",
            code="draw_in_joint_round",
        )
    task = draw.task
    items = list(task.items.all())
    teams: dict[int, list[int]] = {}
    for entity_id, inspector_id in DrawTeamMember.objects.filter(draw=draw).order_by("entity_id", "order").values_list(
        "entity_id", "inspector_id"
    ):
        teams.setdefault(entity_id, []).append(inspector_id)
    with transaction.atomic():
        Draw.objects.select_for_update().filter(pk=draw.pk).first()  # one creator at a time per draw
        existing = set(Visit.objects.filter(draw=draw).values_list("entity_id", flat=True))
        selections = DrawSelection.objects.filter(draw=draw).select_related("entity").order_by("rank")
        item_ids = [i.pk for i in items]
        created = _create_visits([
            _NewVisit(entity=s.entity, task=task, draw=draw, department_id=draw.department_id, items=item_ids,
                      departments=[draw.department_id], team=teams.get(s.entity_id, []))
            for s in selections if s.entity_id not in existing], by=by)
        audit.record(actor=by, action="visit.created_from_draw", target=draw,
                     after={"created": len(created), "visit_ids": created})
    return list(Visit.objects.filter(draw=draw).order_by("pk"))


def _visits_from_joint_round(joint: JointRound, *, by: Any) -> list[Visit]:
    _ensure_may_create_for(joint.department_id, by)
    draws = list(joint.draws.select_related("task", "department"))
    for d in draws:
        _publish_check(d)
    task_of = {d.department.code: d.task for d in draws}
    dept_of = {d.department.code: d.department for d in draws}
    new: list[_NewVisit] = []
    with transaction.atomic():
        JointRound.objects.select_for_update().filter(pk=joint.pk).first()
        existing = set(Visit.objects.filter(joint_round=joint).values_list("entity_id", flat=True))
        merged = list(JointVisit.objects.filter(joint_round=joint).select_related("entity").order_by("order"))
        item_of = {i.code: i for i in InspectionItem.objects.filter(
            code__in={c for jv in merged for c in jv.item_codes})}
        for jv in merged:
            if jv.entity_id in existing:
                continue
            codes = sorted(jv.department_codes)
            unknown = [c for c in codes if c not in dept_of]
            if unknown or not codes:
                raise ValidationFailed.for_field(
                    "departments", f"联合检查 {jv.entity.name} 的部门 {'、'.join(unknown)} 不在本轮抽取之中",
                    "joint_department_unknown",
                )
            # The round's lead department owns the visit when it drew the entity; otherwise the first
            # department that drew it does (its own task, its own review).
            lead = joint.department.code if joint.department.code in codes else codes[0]
            missing = sorted(set(jv.item_codes) - set(item_of))
            if missing:
                raise ValidationFailed.for_field(
                    "items", f"联合检查的检查事项 {'、'.join(missing)} 不存在", "joint_item_unknown"
                )
            new.append(_NewVisit(
                entity=jv.entity, task=task_of[lead], joint_round=joint, department_id=dept_of[lead].pk,
                items=sorted({item_of[c].pk for c in jv.item_codes}), departments=[dept_of[c].pk for c in codes],
                team=[int(i) for i in jv.inspector_ids]))
        created = _create_visits(new, by=by)
        audit.record(actor=by, action="visit.created_from_joint_round", target=joint,
                     after={"created": len(created), "visit_ids": created})
    return list(Visit.objects.filter(joint_round=joint).order_by("pk"))


# ---------------------------------------------------------------- scheduling


def _team_key(visit: Visit) -> frozenset[int]:
    return frozenset(visit.team_members.values_list("inspector_id", flat=True))


def _same_team_visits(visit: Visit, on: dt.date) -> list[Visit]:
    """Visits of the same team (the same set of inspectors) on one day, other than this one."""
    key = _team_key(visit)
    leader = visit.team_members.filter(role=TeamRole.LEADER).values_list("inspector_id", flat=True).first() or 0
    candidates = list(
        Visit.objects.filter(scheduled_on=on, team_members__inspector_id=leader)
        .exclude(pk=visit.pk).exclude(status=VisitStatus.CANCELLED).distinct()
    )
    # The candidates' teams in one query (not one per candidate: a busy leader has many visits a day).
    teams: dict[int, set[int]] = {}
    for visit_id, inspector_id in VisitTeamMember.objects.filter(
        visit_id__in=[v.pk for v in candidates]
    ).values_list("visit_id", "inspector_id"):
        teams.setdefault(visit_id, set()).add(inspector_id)
    return [v for v in candidates if frozenset(teams.get(v.pk, ())) == key]


def _schedule_snapshot(visit: Visit) -> dict[str, Any]:
    return {"scheduled_on": visit.scheduled_on, "route_order": visit.route_order,
            "start_time": visit.start_time.strftime("%H:%M") if visit.start_time else None}


def visit_schedule(
    visit: Visit, /, *, by: Any, scheduled_on: dt.date, start_time: dt.time | None = None,
    route_order: int | None = None,
) -> Visit:
    """Set the visit's date (inside the task's window), start time and place in the team's route that day."""
    ensure_can_edit(visit, by, CHANGE)
    with transaction.atomic():
        locked = _lock_visit(visit)
        if locked.status not in workflow.SCHEDULABLE:
            raise IllegalTransition(
                f"检查当前为「{locked.get_status_display()}」，不能再调整检查时间", code="visit_not_schedulable"
            )
        task = locked.task
        if not (task.window_start_on <= scheduled_on <= task.window_end_on):
            raise ValidationFailed.for_field(
                "scheduled_on",
                f"检查日期 {scheduled_on:%Y-%m-%d} 不在抽查任务的检查时间 {task.window_start_on:%Y-%m-%d} 至 "
                f"{task.window_end_on:%Y-%m-%d} 之内",
                "outside_task_window",
            )
        same_day = _same_team_visits(locked, scheduled_on)
        taken = {v.route_order for v in same_day if v.route_order is not None}
        if route_order is None:
            route_order = max(taken, default=0) + 1
        elif route_order < 1:
            raise ValidationFailed.for_field("route_order", "路线顺序从 1 开始", "route_order_invalid")
        elif route_order in taken:
            raise Conflict(
                f"该检查组 {scheduled_on:%Y-%m-%d} 已有第 {route_order} 站的检查，请选择其他顺序",
                code="route_order_taken",
                errors=[FieldError("route_order", "该顺序已被占用", "route_order_taken")],
            )
        before = _schedule_snapshot(locked)
        locked.scheduled_on = scheduled_on
        locked.start_time = start_time or locked.start_time or dt.time(9, 0)
        locked.route_order = route_order
        locked.save(update_fields=["scheduled_on", "start_time", "route_order", "updated_at"])
        old, new = audit.changes(before, _schedule_snapshot(locked))
        audit.record(actor=by, action="visit.scheduled", target=locked, before=old, after=new)
    return locked


def visits_order_route(visits: Sequence[Visit], /, *, by: Any) -> list[Visit]:
    """Put one team's visits of one day in route order (the order given); all must share date and team."""
    if not visits:
        raise ValidationFailed.for_field("visits", "请选择要排序的检查", "required")
    for v in visits:
        ensure_can_edit(v, by, CHANGE)
    days = {v.scheduled_on for v in visits}
    if len(days) != 1 or None in days:
        raise ValidationFailed.for_field("visits", "只能对同一天已排期的检查排路线", "route_mixed_days")
    teams = {_team_key(v) for v in visits}
    if len(teams) != 1:
        raise ValidationFailed.for_field("visits", "只能对同一检查组的检查排路线", "route_mixed_teams")
    with transaction.atomic():
        locked = [_lock_visit(v) for v in visits]
        for n, v in enumerate(locked, start=1):
            if v.status not in workflow.SCHEDULABLE and v.route_order != n:
                raise IllegalTransition(f"检查「{v.entity.name}」已开始，不能调整路线", code="visit_not_schedulable")
        # Clear first so that a permutation never collides with itself.
        Visit.objects.filter(pk__in=[v.pk for v in locked]).update(route_order=None)
        for n, v in enumerate(locked, start=1):
            v.route_order = n
            v.save(update_fields=["route_order", "updated_at"])
        day = locked[0].scheduled_on
        audit.record(actor=by, action="visit.route_ordered", target=locked[0],
                     after={"scheduled_on": day, "order": [v.pk for v in locked]})
    return locked


def visit_cancel(visit: Visit, /, *, by: Any, reason: str) -> Visit:
    """Cancel a visit that has not been recorded yet; the reason is kept."""
    ensure_can_edit(visit, by, CHANGE)
    if _is_inspector(by):
        raise _deny(by, visit, "inspections.visit:cancel", "检查人员不能取消检查，请联系业务处室")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", "请填写取消原因", "required")
    with transaction.atomic():
        locked = _lock_visit(visit)
        workflow.ensure_visit_transition(locked.status, VisitStatus.CANCELLED)
        before = locked.status
        locked.status, locked.cancel_reason, locked.cancelled_at = VisitStatus.CANCELLED, reason, timezone.now()
        locked.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        audit.record(actor=by, action="visit.cancelled", target=locked, before={"status": before},
                     after={"status": locked.status, "reason": reason})
    return locked


# ---------------------------------------------------------------- the 48-hour rule [003]


def notice_rule_check(visit: Visit) -> tuple[bool, str]:
    """Whether the visit may start: a notice delivered ≥ 48 h before the start, or a recorded exception."""
    start = visit.scheduled_start_at
    if start is None:
        return False, "检查尚未排期，不能开始检查"
    if NoticeException.objects.filter(visit=visit).exists():
        return True, "已登记告知时限例外"
    rule = deadlines.rule_for_department(visit.department)
    latest = deadlines.notice_latest_delivery_at(start, rule)
    first = visit.receipts.order_by("delivered_at").first()
    if first is None:
        return False, (f"尚未登记《行政检查告知书》送达回证：告知书须在检查开始前 {rule.notice_hours} 小时"
                       f"（{timezone.localtime(latest):%Y-%m-%d %H:%M} 前）送达，或登记经批准的例外")
    if first.delivered_at > latest:
        return False, (f"告知书于 {timezone.localtime(first.delivered_at):%Y-%m-%d %H:%M} 送达，距检查开始"
                       f"（{timezone.localtime(start):%Y-%m-%d %H:%M}）不足 {rule.notice_hours} 小时；"
                       f"请调整检查时间或登记经批准的例外")
    return True, "告知书已按时送达"


def _start(visit: Visit, by: Any) -> None:
    """Move a locked visit to in_progress after the 48-hour check (no audit of its own)."""
    ok, message = notice_rule_check(visit)
    if not ok:
        raise ValidationFailed(message, code="notice_not_delivered_48h",
                               errors=[FieldError("visit", message, "notice_not_delivered_48h")])
    workflow.ensure_visit_transition(visit.status, VisitStatus.IN_PROGRESS)
    visit.status, visit.started_at = VisitStatus.IN_PROGRESS, timezone.now()
    visit.save(update_fields=["status", "started_at", "updated_at"])


def visit_start(visit: Visit, /, *, by: Any) -> Visit:
    """Start the inspection; refused unless the notice reached the entity 48 hours ahead [003]."""
    ensure_can_edit(visit, by, CHANGE)
    with transaction.atomic():
        locked = _lock_visit(visit)
        before = locked.status
        _start(locked, by)
        audit.record(actor=by, action="visit.started", target=locked, before={"status": before},
                     after={"status": locked.status})
    return locked


# ---------------------------------------------------------------- notices and receipts


def notice_number(visit: Visit) -> str:
    dept = visit.department
    year = visit.scheduled_on.year if visit.scheduled_on else visit.task.window_start_on.year
    return f"{dept.short_name or dept.name}检告〔{year}〕{visit.pk:06d}号"


def notice_data(visit: Visit, *, base_url: str | None = None, issued_on: dt.date | None = None) -> notices.NoticeData:
    """What the notice of a visit prints (items with legal basis, team with certificates, contacts, code)."""
    items = visit.items.select_related("catalog_item", "department").order_by("code")
    members = visit.team_members.select_related("inspector__department").order_by("-role", "pk")
    leader = next((m.inspector for m in members if m.role == TeamRole.LEADER), None)
    start = visit.scheduled_start_at
    return notices.NoticeData(
        number=notice_number(visit),
        authority=visit.department.name,
        entity_name=visit.entity.name,
        entity_uscc=visit.entity.uscc,
        entity_address=visit.entity.address,
        start_at=timezone.localtime(start).replace(tzinfo=None) if start else None,
        task_name=visit.task.name,
        plan_title=visit.task.plan.title,
        items=[notices.NoticeItem(i.code, i.name, i.inspection_basis or i.catalog_item.legal_basis, i.department.name)
               for i in items],
        team=[notices.NoticeInspector(m.inspector.name, m.inspector.certificate_no, m.inspector.department.name,
                                      m.get_role_display()) for m in members],
        contact_name=leader.name if leader else "",
        contact_phone=leader.phone if leader else "",
        departments=[d.name for d in visit.departments.order_by("code")],
        verification_code=visit.verification_code,
        verify_url=notices.verify_url(visit.verification_code, base_url),
        issued_on=issued_on or timezone.localdate(),
    )


def notice_generate(visit: Visit, /, *, by: Any, base_url: str | None = None) -> Notice:
    """Render the visit's notice (行政检查告知书) to PDF and keep it with its SHA-256 (a new version each time)."""
    ensure_can_edit(visit, by, CHANGE)
    if visit.status in (VisitStatus.CANCELLED, VisitStatus.REVIEWED):
        raise IllegalTransition(f"检查当前为「{visit.get_status_display()}」，不能生成告知书", code="visit_closed")
    if visit.scheduled_on is None:
        raise ValidationFailed.for_field("scheduled_on", "请先安排检查日期，再生成告知书", "not_scheduled")
    pdf = notices.render_notice(notice_data(visit, base_url=base_url))
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = _lock_visit(visit)
        version = (locked.notices.aggregate(m=Max("version"))["m"] or 0) + 1
        notice = Notice(visit=locked, version=version, number=notice_number(locked), sha256=digest,
                        size_bytes=len(pdf), generated_at=timezone.now(), generated_by=_user(by))
        notice.file.save(f"notice-{locked.pk}-v{version}.pdf", ContentFile(pdf), save=False)
        notice.save()
        audit.record(actor=by, action="visit.notice_generated", target=locked,
                     after={"notice": notice.pk, "version": version, "sha256": digest})
    return notice


def notices_generate_for_task(task: Task, /, *, by: Any, base_url: str | None = None) -> Job:
    """Start a background job that generates the notices of every scheduled, open visit of a task."""
    from jianguan.core import jobs
    from jianguan.inspections.jobs import notice_batch_job

    ensure_can(by, CHANGE, Visit)
    visit_ids = list(
        Visit.objects.editable_by(by, CHANGE).filter(task=task, scheduled_on__isnull=False)
        .exclude(status__in=[VisitStatus.CANCELLED, VisitStatus.REVIEWED]).order_by("pk").values_list("pk", flat=True)
    )
    if not visit_ids:
        raise ValidationFailed.for_field("task", "该任务没有已排期、可生成告知书的检查", "no_scheduled_visits")
    job = jobs.job_create(kind="inspection_notices", title=f"生成告知书：{task.name}", by=by,
                          params={"task": task.pk, "visits": visit_ids, "base_url": base_url or ""},
                          total=len(visit_ids))
    transaction.on_commit(lambda: notice_batch_job.enqueue(job_id=str(job.pk)))
    return job


def _check_upload(upload: File[Any], allowed: Mapping[str, rules.EvidenceType], field: str,
                  max_bytes: int | None = None) -> tuple[rules.EvidenceType, str, str, int]:
    """Type (by extension AND magic bytes) and size of an upload; returns (type, name, ext, size)."""
    name = os.path.basename(upload.name or "").strip() or "upload"
    ext = os.path.splitext(name)[1].lower()
    kind = allowed.get(ext)
    accepted = "、".join(sorted({e.lstrip(".") for e in allowed}))
    if kind is None:
        raise ValidationFailed.for_field(field, f"文件「{name}」的类型不被接受：只接受 {accepted}", "file_type")
    size = int(upload.size or 0)
    if size <= 0:
        raise ValidationFailed.for_field(field, f"文件「{name}」是空文件", "file_empty")
    limit = min(kind.max_bytes, max_bytes) if max_bytes else kind.max_bytes
    if size > limit:
        raise ValidationFailed.for_field(
            field, f"文件「{name}」大小为 {rules.human_size(size)}，超过{kind.label}的上限 {rules.human_size(limit)}",
            "file_too_large",
        )
    upload.seek(0)
    head = bytes(upload.read(16))
    upload.seek(0)
    if rules.sniff_type(head) != kind.content_type:
        raise ValidationFailed.for_field(
            field, f"文件「{name}」的内容不是{kind.label}（与扩展名 {ext} 不符）", "file_content_mismatch"
        )
    return kind, name, ext, size


def _sha256(upload: File[Any]) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def receipt_record(visit: Visit, /, *, by: Any, data: Mapping[str, Any]) -> DeliveryReceipt:
    """Record a delivery receipt (送达回证): method, time, receiver, optional scan (pdf, jpg, png)."""
    ensure_can_edit(visit, by, CHANGE)
    errors: list[FieldError] = []
    delivered_at: Any = data.get("delivered_at")
    receiver = (data.get("receiver_name") or "").strip()
    if not isinstance(delivered_at, dt.datetime):
        errors.append(FieldError("delivered_at", "请填写送达时间", "required"))
    elif delivered_at > timezone.now() + dt.timedelta(minutes=5):
        errors.append(FieldError("delivered_at", "送达时间不能晚于现在", "in_future"))
    if not receiver:
        errors.append(FieldError("receiver_name", "请填写受送达人", "required"))
    if not data.get("method"):
        errors.append(FieldError("method", "请选择送达方式", "required"))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    scan = data.get("scan")
    scan_info = _check_upload(scan, rules.RECEIPT_SCAN_TYPES, "scan", rules.RECEIPT_SCAN_MAX_BYTES) if scan else None
    with transaction.atomic():
        locked = _lock_visit(visit)
        if locked.status in (VisitStatus.CANCELLED, VisitStatus.REVIEWED):
            raise IllegalTransition(f"检查当前为「{locked.get_status_display()}」，不能登记送达回证", code="visit_closed")
        receipt = DeliveryReceipt(
            visit=locked, notice=locked.notices.order_by("-version").first(), method=data["method"],
            delivered_at=delivered_at, receiver_name=receiver[:100], note=(data.get("note") or "")[:300],
            recorded_at=timezone.now(), recorded_by=_user(by),
        )
        if scan is not None and scan_info is not None:
            receipt.scan_name, receipt.scan_sha256 = scan_info[1][:255], _sha256(scan)
            receipt.scan.save(f"{uuid.uuid4().hex}{scan_info[2]}", scan, save=False)
        receipt.save()
        before = locked.status
        if locked.status == VisitStatus.SCHEDULED:
            locked.status = VisitStatus.NOTIFIED
            locked.save(update_fields=["status", "updated_at"])
        audit.record(actor=by, action="visit.receipt_recorded", target=locked, before={"status": before},
                     after={"receipt": receipt.pk, "method": receipt.method, "delivered_at": receipt.delivered_at,
                            "receiver_name": receipt.receiver_name, "status": locked.status})
    return receipt


def notice_exception_record(visit: Visit, /, *, by: Any, reason: str, approved_by: Any) -> NoticeException:
    """Record an approved exception to the 48-hour rule (reason + the approving division head) [003]."""
    ensure_can_edit(visit, by, CHANGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", "请填写不能提前 48 小时告知的理由", "required")
    approver_scope = scope_of(approved_by)
    if approved_by is None or approver_scope.unrestricted or not (
        approver_scope.can_label(REVIEW, "inspections.inspectionrecord")
        and approver_scope.department_id == visit.department_id
    ):
        raise ValidationFailed.for_field(
            "approved_by", "批准人须为牵头部门的处室负责人（具有检查结果审核权限）", "approver_not_head"
        )
    with transaction.atomic():
        locked = _lock_visit(visit)
        if NoticeException.objects.filter(visit=locked).exists():
            raise Conflict("该检查已登记告知时限例外", code="exception_exists")
        exception = NoticeException.objects.create(
            visit=locked, reason=reason, approved_by=approved_by, approved_at=timezone.now(), recorded_by=_user(by)
        )
        audit.record(actor=by, action="visit.notice_exception_recorded", target=locked,
                     after={"reason": reason, "approved_by": approved_by.pk})
    return exception


# ---------------------------------------------------------------- law education [003]


def law_education_record(task: Task, /, *, by: Any, data: Mapping[str, Any]) -> LawEducation:
    """Record that the task's inspection standards were sent to the objects (a month ahead [003])."""
    ensure_can(by, CHANGE, Visit)
    scope = scope_of(by)
    if not scope.unrestricted and scope.department_id != task.department_id:
        raise _deny(by, task, "inspections.laweducation:add", "只有实施部门可以登记普法宣传")
    sent_on = data.get("sent_on")
    if not isinstance(sent_on, dt.date):
        raise ValidationFailed.for_field("sent_on", "请填写发放日期", "required")
    if sent_on > timezone.localdate():
        raise ValidationFailed.for_field("sent_on", "发放日期不能晚于今天", "in_future")
    if not data.get("method"):
        raise ValidationFailed.for_field("method", "请选择方式", "required")
    with transaction.atomic():
        row = LawEducation.objects.create(task=task, sent_on=sent_on, method=data["method"],
                                          note=(data.get("note") or "")[:300], recorded_at=timezone.now(),
                                          recorded_by=_user(by))
        due = deadlines.law_education_due_on(task.window_start_on, deadlines.rule_for_department(task.department))
        audit.record(actor=by, action="task.law_education_recorded", target=task,
                     after={"sent_on": sent_on, "method": row.method, "due_on": due, "is_short": sent_on > due})
    return row


# ---------------------------------------------------------------- inspection records


def resolve_result(value: Any) -> ResultCategory | None:
    """A result category from its code, its canonical label or an older wording (alias)."""
    if isinstance(value, ResultCategory):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    found = ResultCategory.objects.filter(code=text).first()
    if found is not None:
        return found
    wanted = rules.normalise_wording(text)
    for category in ResultCategory.objects.all():
        if wanted == rules.normalise_wording(category.label) or wanted in {
            rules.normalise_wording(a) for a in category.aliases
        }:
            return category
    return None


def _ensure_may_enter(visit: Visit, by: Any, action: str) -> None:
    """Who inspects, enters [003]: a team inspector, or staff of a department involved in the visit."""
    scope = scope_of(by)
    if not scope.can_label(action, "inspections.inspectionrecord"):
        raise _deny(by, visit, f"inspections.inspectionrecord:{action}", "您的角色无权录入检查结果")
    if scope.unrestricted:
        return
    if _is_inspector(by):
        if _team_inspector(visit, by) is None:
            raise _deny(by, visit, f"inspections.inspectionrecord:{action}", "只有本次检查的检查组成员可以录入结果")
        return
    involved = {visit.department_id, *visit.departments.values_list("pk", flat=True)}
    if scope.department_id not in involved:
        raise _deny(by, visit, f"inspections.inspectionrecord:{action}", "只有参与本次检查的部门可以录入结果")


def _entity_in_origin(visit: Visit) -> bool:
    """The visit's entity is among those drawn (draw selections or the joint round's merged visits)."""
    if visit.draw_id is not None:
        return DrawSelection.objects.filter(draw_id=visit.draw_id, entity_id=visit.entity_id).exists()
    if visit.joint_round_id is not None:
        return JointVisit.objects.filter(joint_round_id=visit.joint_round_id, entity_id=visit.entity_id).exists()
    return True


def _ids(values: Iterable[Any]) -> list[int]:
    out: list[int] = []
    for v in values:
        pk = getattr(v, "pk", v)
        try:
            out.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationFailed.for_field("inspectors", f"检查人员编号 {pk!r} 无效", "invalid") from None
    return list(dict.fromkeys(out))


def record_save(visit: Visit, /, *, by: Any, data: Mapping[str, Any]) -> InspectionRecord:
    """Enter or correct the record of one item of a visit (执法检查登记表).

    data: item, result (code, label or alias), findings, inspected_on, inspectors (≥ 2, all of the team
    [law][003]), late_reason (required when entered after the inspection day; refused after the grace
    period of 7 working days [003]), optionally entity (must be the visit's drawn entity).
    """
    existing = None
    item = data.get("item")
    item_id: Any = getattr(item, "pk", item)
    if item_id is not None:
        existing = InspectionRecord.objects.filter(visit=visit, item_id=item_id).first()
    action = CHANGE if existing is not None else ADD
    _ensure_may_enter(visit, by, action)

    errors: list[FieldError] = []
    entity = data.get("entity")
    entity_id = getattr(entity, "pk", entity)
    if entity_id is not None and str(entity_id) != str(visit.entity_id):
        name = Entity.objects.filter(pk=entity_id).values_list("name", flat=True).first() or entity_id
        errors.append(FieldError("entity", f"检查对象「{name}」不在本次检查的抽取结果中", "entity_not_drawn"))
    elif not _entity_in_origin(visit):
        errors.append(FieldError("entity", f"检查对象「{visit.entity.name}」不在本次抽取结果中", "entity_not_drawn"))
    visit_items = set(visit.items.values_list("pk", flat=True))
    if item_id is None:
        errors.append(FieldError("item", "请选择检查事项", "required"))
    elif int(item_id) not in visit_items:
        label = InspectionItem.objects.filter(pk=item_id).values_list("name", flat=True).first() or item_id
        errors.append(FieldError("item", f"检查事项「{label}」不在本次检查的事项之中", "item_not_in_visit"))
    result = resolve_result(data.get("result"))
    if result is None:
        errors.append(FieldError("result", f"检查结果「{data.get('result') or ''}」不是规范的抽查检查结果类别",
                                 "result_unknown"))
    elif not result.is_active:
        errors.append(FieldError("result", f"检查结果类别「{result.label}」已停用", "result_inactive"))
    inspector_ids = _ids(data.get("inspectors") or [])
    team = set(visit.team_members.values_list("inspector_id", flat=True))
    outsiders = [pk for pk in inspector_ids if pk not in team]
    if outsiders:
        names = "、".join(Inspector.objects.filter(pk__in=outsiders).values_list("name", flat=True)) or str(outsiders)
        errors.append(FieldError("inspectors", f"{names} 不是本次检查的检查组成员", "inspector_not_in_team"))
    elif len(inspector_ids) < rules.minimum_team_size():
        errors.append(FieldError("inspectors", f"到场检查人员只有 {len(inspector_ids)} 人，至少需要 2 人",
                                 "too_few_inspectors"))
    inspected_on = data.get("inspected_on")
    today = timezone.localdate()
    late_reason = (data.get("late_reason") or "").strip()
    entry = None
    if not isinstance(inspected_on, dt.date):
        errors.append(FieldError("inspected_on", "请填写检查日期", "required"))
    elif inspected_on > today:
        errors.append(FieldError("inspected_on", "检查日期不能晚于今天", "in_future"))
    elif visit.scheduled_on is not None and inspected_on < visit.scheduled_on:
        errors.append(FieldError("inspected_on", f"检查日期早于安排的检查日期 {visit.scheduled_on:%Y-%m-%d}",
                                 "before_schedule"))
    else:
        rule = deadlines.rule_for_department(visit.department)
        entry = deadlines.entry_check(inspected_on, today, rule)
        if existing is None and entry.is_refused:
            errors.append(FieldError(
                "inspected_on",
                f"检查日期为 {inspected_on:%Y-%m-%d}，补录期限已于 {entry.grace_due_on:%Y-%m-%d} 届满"
                f"（检查当日录入，特殊情况 {rule.entry_grace_working_days} 个工作日内补录 [003]），不能再录入",
                "entry_deadline_passed",
            ))
        elif existing is None and entry.is_late and not late_reason:
            errors.append(FieldError("late_reason", "非检查当日录入，请说明补录理由", "late_reason_required"))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    assert result is not None and isinstance(inspected_on, dt.date)

    with transaction.atomic():
        locked = _lock_visit(visit)
        if locked.status not in workflow.RECORDABLE:
            raise IllegalTransition(
                f"检查当前为「{locked.get_status_display()}」，不能录入或修改检查结果", code="visit_not_recordable"
            )
        if locked.status in (VisitStatus.SCHEDULED, VisitStatus.NOTIFIED):
            _start(locked, by)  # entering results starts the visit: the 48-hour rule applies [003]
        record = (
            InspectionRecord.objects.select_for_update().filter(visit=locked, item_id=item_id).first()
            if existing is not None else None
        )
        fields = {"result_id": result.code, "findings": (data.get("findings") or "").strip(),
                  "inspected_on": inspected_on}
        if record is None:
            record = InspectionRecord(
                visit=locked, item_id=item_id, entered_at=timezone.now(), entered_by=_user(by),
                is_late_entry=bool(entry and entry.is_late), late_reason=late_reason if entry and entry.is_late else "",
                **fields,
            )
            try:
                with transaction.atomic():
                    record.save()
            except IntegrityError:
                raise Conflict("该检查事项已有检查记录，请刷新后修改", code="record_exists") from None
            before: dict[str, Any] = {}
            verb = "inspection_record.created"
        else:
            if record.is_locked:
                raise IllegalTransition("检查记录已审核通过并锁定，不能修改", code="record_locked")
            before = audit.snapshot(record, ["result", "findings", "inspected_on"])
            before["inspectors"] = sorted(record.inspectors.values_list("pk", flat=True))
            for key, value in fields.items():
                setattr(record, key, value)
            if record.status == RecordStatus.RETURNED:
                record.status = RecordStatus.ENTERED
            if late_reason:
                record.late_reason = late_reason
            record.version += 1
            record.save()
            verb = "inspection_record.updated"
        record.inspectors.set(inspector_ids)
        after = audit.snapshot(record, ["result", "findings", "inspected_on"])
        after["inspectors"] = sorted(inspector_ids)
        old, new = audit.changes(before, after)
        new.update({"visit": locked.pk, "item": record.item_id, "is_late_entry": record.is_late_entry})
        audit.record(actor=by, action=verb, target=record, before=old or None, after=new)
    return record


def evidence_add(record: InspectionRecord, /, *, by: Any, upload: File[Any]) -> Evidence:
    """Attach evidence to a record: jpg/png ≤ 10 MB, mp4 ≤ 200 MB, pdf ≤ 20 MB, checked by content [003]."""
    visit = record.visit
    _ensure_may_enter(visit, by, CHANGE)
    kind, name, ext, size = _check_upload(upload, rules.EVIDENCE_TYPES, "file")
    digest = _sha256(upload)
    with transaction.atomic():
        locked = InspectionRecord.objects.select_for_update().get(pk=record.pk)
        if locked.is_locked:
            raise IllegalTransition("检查记录已审核通过并锁定，不能再上传证据", code="record_locked")
        evidence = Evidence(record=locked, kind=kind.kind, original_name=name[:255], content_type=kind.content_type,
                            size_bytes=size, sha256=digest, uploaded_at=timezone.now(), uploaded_by=_user(by))
        evidence.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
        evidence.save()
        audit.record(actor=by, action="inspection_record.evidence_added", target=locked,
                     after={"evidence": evidence.pk, "name": name, "kind": evidence.kind, "size_bytes": size,
                            "sha256": digest})
    return evidence


def visit_submit(visit: Visit, /, *, by: Any) -> Visit:
    """Submit all records of the visit for review (every item must have a record)."""
    _ensure_may_enter(visit, by, CHANGE)
    with transaction.atomic():
        locked = _lock_visit(visit)
        workflow.ensure_visit_transition(locked.status, VisitStatus.RECORDED)
        items = dict(locked.items.values_list("pk", "name"))
        recorded = set(locked.records.values_list("item_id", flat=True))
        missing = [name for pk, name in items.items() if pk not in recorded]
        if missing:
            raise ValidationFailed.for_field(
                "records", f"以下检查事项尚未录入结果：{'、'.join(missing)}", "records_incomplete"
            )
        before = locked.status
        locked.status, locked.submitted_at = VisitStatus.RECORDED, timezone.now()
        locked.completed_on = locked.records.aggregate(m=Max("inspected_on"))["m"]
        locked.save(update_fields=["status", "submitted_at", "completed_on", "updated_at"])
        audit.record(actor=by, action="visit.submitted", target=locked, before={"status": before},
                     after={"status": locked.status, "completed_on": locked.completed_on})
    return locked


def visit_review(visit: Visit, /, *, by: Any, approve: bool, comments: str = "") -> VisitReview:
    """The division head approves all records of the visit (locking them) or returns them with comments."""
    scope = scope_of(by)
    # An official act of the division head: a platform admin account (no department) cannot stand in for it.
    if scope.unrestricted or not scope.can_label(REVIEW, "inspections.inspectionrecord"):
        raise _deny(by, visit, "inspections.inspectionrecord:review", "只有处室负责人可以审核检查结果")
    if scope.department_id != visit.department_id:
        raise _deny(by, visit, "inspections.inspectionrecord:review", "只有牵头部门的处室负责人可以审核本次检查结果")
    comments = (comments or "").strip()
    if not approve and not comments:
        raise ValidationFailed.for_field("comments", "退回时请填写审核意见", "required")
    target = VisitStatus.REVIEWED if approve else VisitStatus.RETURNED
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_visit(visit)
        workflow.ensure_visit_transition(locked.status, target)
        before = locked.status
        records = locked.records.all()
        if approve:
            records.update(status=RecordStatus.APPROVED, approved_at=now, approved_by=_user(by), updated_at=now)
            locked.reviewed_at, locked.reviewed_by = now, _user(by)
        else:
            records.update(status=RecordStatus.RETURNED, updated_at=now)
        locked.status = target
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
        review = VisitReview.objects.create(
            visit=locked, decision=ReviewDecision.APPROVE if approve else ReviewDecision.RETURN, comments=comments,
            decided_at=now, decided_by=_user(by),
        )
        audit.record(actor=by, action="visit.reviewed" if approve else "visit.returned", target=locked,
                     before={"status": before}, after={"status": target, "comments": comments})
    return review


# ---------------------------------------------------------------- follow-up disposal


def _disposal_event(disposal: Disposal, *, kind: str, by: Any, from_status: str = "", to_status: str = "",
                    note: str = "") -> None:
    DisposalEvent.objects.create(disposal=disposal, kind=kind, from_status=from_status, to_status=to_status,
                                 note=note, actor=_user(by), occurred_at=timezone.now())


def _disposal_validate(kind: str, data: Mapping[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    if kind not in DisposalKind.values:
        return [FieldError("kind", "请选择处置方式", "required")]
    if kind == DisposalKind.RECTIFY and not isinstance(data.get("due_on"), dt.date):
        errors.append(FieldError("due_on", "责令整改须填写整改期限", "required"))
    if kind == DisposalKind.REFER and data.get("target_department") is None:
        errors.append(FieldError("target_department", "移送主管部门（双告知）须选择接收部门", "required"))
    if kind in (DisposalKind.CASE_LEAD, DisposalKind.CRIMINAL) and not (
        data.get("target_department") is not None or (data.get("target_name") or "").strip()
    ):
        errors.append(FieldError("target_name", "请填写接收单位（执法机构或司法机关）", "required"))
    return errors


def disposal_create(record: InspectionRecord, /, *, by: Any, data: Mapping[str, Any]) -> Disposal:
    """Register the follow-up disposal of a record's findings; "none needed" closes at once."""
    ensure_can(by, ADD, Disposal)
    visit = record.visit
    scope = scope_of(by)
    involved = {visit.department_id, *visit.departments.values_list("pk", flat=True)}
    if not scope.unrestricted and scope.department_id not in involved:
        raise _deny(by, record, "inspections.disposal:add", "只有参与本次检查的部门可以登记后续处置")
    kind = str(data.get("kind") or "")
    errors = _disposal_validate(kind, data)
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    target = data.get("target_department")
    department_id = scope.department_id if not scope.unrestricted and scope.department_id else visit.department_id
    with transaction.atomic():
        disposal = Disposal.objects.create(
            record=record, department_id=department_id, kind=kind, description=(data.get("description") or "").strip(),
            due_on=data.get("due_on"), target_department=target if isinstance(target, Department) else None,
            target_name=(data.get("target_name") or "").strip()[:200], created_by=_user(by),
            status=DisposalStatus.CLOSED if kind == DisposalKind.NONE else DisposalStatus.OPEN,
            closed_at=timezone.now() if kind == DisposalKind.NONE else None,
        )
        _disposal_event(disposal, kind=DisposalEventKind.CREATED, by=by, to_status=disposal.status,
                        note=disposal.description)
        audit.record(actor=by, action="disposal.created", target=disposal,
                     after={"record": record.pk, "kind": kind, "status": disposal.status})
    return disposal


def _lock_disposal(disposal: Disposal) -> Disposal:
    return Disposal.objects.select_for_update(of=("self",)).get(pk=disposal.pk)


def disposal_send(disposal: Disposal, /, *, by: Any, sent_at: dt.datetime | None = None) -> Disposal:
    """Mark a referral, case lead or criminal referral as sent; now awaiting the receiver's feedback."""
    ensure_can_edit(disposal, by, CHANGE)
    if disposal.kind not in (DisposalKind.REFER, DisposalKind.CASE_LEAD, DisposalKind.CRIMINAL):
        raise IllegalTransition("只有移送、移交类处置需要登记告知/移送", code="disposal_not_sendable")
    with transaction.atomic():
        locked = _lock_disposal(disposal)
        workflow.ensure_disposal_transition(locked.status, DisposalStatus.AWAITING_FEEDBACK)
        before = locked.status
        locked.status, locked.sent_at = DisposalStatus.AWAITING_FEEDBACK, sent_at or timezone.now()
        locked.save(update_fields=["status", "sent_at", "updated_at"])
        _disposal_event(locked, kind=DisposalEventKind.SENT, by=by, from_status=before, to_status=locked.status)
        audit.record(actor=by, action="disposal.sent", target=locked, before={"status": before},
                     after={"status": locked.status, "sent_at": locked.sent_at})
    return locked


def disposal_feedback(disposal: Disposal, /, *, by: Any, feedback: str) -> Disposal:
    """The receiving department records its feedback on a referral (双告知) [003]."""
    scope = scope_of(by)
    if not scope.can(CHANGE, Disposal) or not (
        scope.unrestricted or (disposal.target_department_id and scope.department_id == disposal.target_department_id)
    ):
        raise _deny(by, disposal, "inspections.disposal:feedback", "只有接收部门可以登记反馈")
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationFailed.for_field("feedback", "请填写反馈意见", "required")
    with transaction.atomic():
        locked = _lock_disposal(disposal)
        workflow.ensure_disposal_transition(locked.status, DisposalStatus.FEEDBACK_RECEIVED)
        before = locked.status
        locked.status, locked.feedback = DisposalStatus.FEEDBACK_RECEIVED, feedback
        locked.feedback_at, locked.feedback_by = timezone.now(), _user(by)
        locked.save(update_fields=["status", "feedback", "feedback_at", "feedback_by", "updated_at"])
        _disposal_event(locked, kind=DisposalEventKind.FEEDBACK, by=by, from_status=before, to_status=locked.status,
                        note=feedback)
        audit.record(actor=by, action="disposal.feedback", target=locked, before={"status": before},
                     after={"status": locked.status, "feedback": feedback})
    return locked


def disposal_recheck(disposal: Disposal, /, *, by: Any, data: Mapping[str, Any]) -> Disposal:
    """Record the re-check of an order to rectify: a re-check visit or record, its date and findings."""
    ensure_can_edit(disposal, by, CHANGE)
    if disposal.kind != DisposalKind.RECTIFY:
        raise IllegalTransition("只有责令整改需要复查", code="disposal_not_rectify")
    recheck_on = data.get("recheck_on")
    if not isinstance(recheck_on, dt.date):
        raise ValidationFailed.for_field("recheck_on", "请填写复查日期", "required")
    recheck_visit, recheck_record = data.get("recheck_visit"), data.get("recheck_record")
    entity_id = disposal.record.visit.entity_id
    if recheck_visit is not None and recheck_visit.entity_id != entity_id:
        raise ValidationFailed.for_field("recheck_visit", "复查检查的对象与原检查不一致", "recheck_other_entity")
    if recheck_record is not None and recheck_record.visit.entity_id != entity_id:
        raise ValidationFailed.for_field("recheck_record", "复查记录的对象与原检查不一致", "recheck_other_entity")
    with transaction.atomic():
        locked = _lock_disposal(disposal)
        if locked.status == DisposalStatus.CLOSED:
            raise IllegalTransition("后续处置已办结", code="disposal_closed")
        locked.recheck_on, locked.recheck_findings = recheck_on, (data.get("recheck_findings") or "").strip()
        locked.recheck_visit, locked.recheck_record = recheck_visit, recheck_record
        locked.save(update_fields=["recheck_on", "recheck_findings", "recheck_visit", "recheck_record", "updated_at"])
        _disposal_event(locked, kind=DisposalEventKind.RECHECKED, by=by, note=locked.recheck_findings)
        audit.record(actor=by, action="disposal.rechecked", target=locked,
                     after={"recheck_on": recheck_on, "recheck_visit": getattr(recheck_visit, "pk", None),
                            "recheck_record": getattr(recheck_record, "pk", None)})
    return locked


def disposal_close(disposal: Disposal, /, *, by: Any, note: str = "") -> Disposal:
    """Close a disposal. An order to rectify closes after its re-check; a referral after the feedback."""
    ensure_can_edit(disposal, by, CHANGE)
    note = (note or "").strip()
    with transaction.atomic():
        locked = _lock_disposal(disposal)
        if locked.kind == DisposalKind.RECTIFY and locked.recheck_on is None:
            raise ValidationFailed.for_field("recheck_on", "责令整改须先登记复查，才能办结", "recheck_required")
        if locked.kind == DisposalKind.REFER and locked.status != DisposalStatus.FEEDBACK_RECEIVED and not note:
            raise ValidationFailed.for_field("note", "接收部门尚未反馈：办结时请说明理由", "note_required")
        workflow.ensure_disposal_transition(locked.status, DisposalStatus.CLOSED)
        before = locked.status
        locked.status, locked.closed_at, locked.close_note = DisposalStatus.CLOSED, timezone.now(), note
        locked.save(update_fields=["status", "closed_at", "close_note", "updated_at"])
        _disposal_event(locked, kind=DisposalEventKind.CLOSED, by=by, from_status=before, to_status=locked.status,
                        note=note)
        audit.record(actor=by, action="disposal.closed", target=locked, before={"status": before},
                     after={"status": locked.status, "note": note})
    return locked


def disposal_reopen(disposal: Disposal, /, *, by: Any, reason: str) -> Disposal:
    """Reopen a closed disposal (e.g. the re-check found the problem again)."""
    ensure_can_edit(disposal, by, CHANGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", "请填写重新处置的理由", "required")
    with transaction.atomic():
        locked = _lock_disposal(disposal)
        workflow.ensure_disposal_transition(locked.status, DisposalStatus.OPEN)
        before = locked.status
        locked.status, locked.closed_at = DisposalStatus.OPEN, None
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        _disposal_event(locked, kind=DisposalEventKind.REOPENED, by=by, from_status=before, to_status=locked.status,
                        note=reason)
        audit.record(actor=by, action="disposal.reopened", target=locked, before={"status": before},
                     after={"status": locked.status, "reason": reason})
    return locked


# ---------------------------------------------------------------- batch paths (batch.py: a task's visits at once)

from jianguan.inspections.batch import (  # noqa: E402, F401 - batch.py uses the helpers above
    ImportOutcome,
    receipts_record_batch,
    results_import,
    results_parse,
    results_template,
    spread_over_working_days,
    visits_review_batch,
    visits_schedule_batch,
)
