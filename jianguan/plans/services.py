"""Writes to plans and tasks: authorise → validate → write → record the event → audit, one function each.

Every plan state change goes through one service here and the transitions of ``workflow.py``. Authorisation
is checked before the transaction opens, so that a denial stays in the audit chain while nothing else is
written; rule violations raise inside the transaction, so that nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from jianguan.catalog.choices import ItemKind, PublicationState
from jianguan.catalog.models import InspectionItem
from jianguan.core import audit
from jianguan.core.exceptions import Conflict, FieldError, IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit, scope_of
from jianguan.entities.choices import EntityKind, EntityStatus
from jianguan.entities.models import Industry, Tag
from jianguan.organizations.choices import DepartmentKind
from jianguan.organizations.models import Department, Region
from jianguan.plans import rules, selectors, workflow
from jianguan.plans.choices import (
    GRADE_RATIO_FIELDS,
    PlanEventKind,
    PlanKind,
    PlanStatus,
    TaskStatus,
    VersionStatus,
)
from jianguan.plans.models import (
    OPERATING,
    Plan,
    PlanAttachment,
    PlanDistribution,
    PlanEvent,
    PlanParticipant,
    PlanVersion,
    Task,
)

SUBMIT = selectors.SUBMIT
CONTENT_FIELDS = ["title", "description", "legal_basis", "planned_start_on", "planned_end_on"]
LIST_SPLIT = re.compile(r"[\s,，;；、]+")
MIN_YEAR, MAX_YEAR = 2000, 2100


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)


def _deny(by: Any, target: Plan | Task, action: str, message: str) -> NoReturn:
    """Record the denial in the audit chain (outside any transaction of ours) and raise 403."""
    audit.record(actor=by, action="permission.denied", target=target, after={"action": action, "reason": message})
    raise NotPermitted(message)


def _user(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _event(plan: Plan, *, kind: str, by: Any, from_status: str = "", to_status: str = "", comments: str = "",
           version: PlanVersion | None = None, is_amendment: bool = False) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan, version=version, kind=kind, from_status=from_status, to_status=to_status, comments=comments,
        is_amendment=is_amendment, actor=_user(by), occurred_at=timezone.now(),
    )


def _lock(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("department", "pending_version", "current_version")
        .get(pk=plan.pk)
    )


# ---------------------------------------------------------------- plan content


@dataclass
class ParticipantContent:
    department: Department
    items: list[InspectionItem] = field(default_factory=list)


@dataclass
class PlanContent:
    """The reviewable content of a plan, validated; what a version snapshot records."""

    kind: str
    year: int
    title: str
    description: str
    legal_basis: str
    planned_start_on: dt.date
    planned_end_on: dt.date
    items: list[InspectionItem]
    participants: list[ParticipantContent]


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _item_label(item: InspectionItem) -> str:
    return f"「{item.code} {item.name}」"


def _clean_content(data: Mapping[str, Any], department: Department) -> PlanContent:
    """Check the plan's content (structure, dates, items and participants); raise ValidationFailed listing every problem."""
    errors: list[FieldError] = []
    kind = _text(data, "kind")
    if kind not in PlanKind.values:
        errors.append(FieldError("kind", "计划类型须为 年度计划、部门联合抽查计划 或 临时性检查", "invalid_choice"))
    try:
        year = int(data.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors.append(FieldError("year", f"年度须为 {MIN_YEAR}–{MAX_YEAR} 之间的年份", "invalid"))
    title = _text(data, "title")
    if not title:
        errors.append(FieldError("title", "请填写计划名称", "required"))
    elif len(title) > 200:
        errors.append(FieldError("title", "计划名称不能超过 200 字", "max_length"))
    legal_basis = _text(data, "legal_basis")
    if kind == PlanKind.TEMPORARY and not legal_basis:
        errors.append(FieldError("legal_basis", "临时性检查须写明法律依据 [003]", "required"))

    start, end = _date(data.get("planned_start_on")), _date(data.get("planned_end_on"))
    if start is None:
        errors.append(FieldError("planned_start_on", "请填写计划开始日期（YYYY-MM-DD）", "required"))
    if end is None:
        errors.append(FieldError("planned_end_on", "请填写计划结束日期（YYYY-MM-DD）", "required"))
    if start is not None and end is not None:
        if end < start:
            errors.append(FieldError("planned_end_on", "计划结束日期不能早于开始日期", "period_order"))
        elif year and (start.year != year or end.year != year):
            errors.append(FieldError("planned_start_on", f"计划期间须在 {year} 年内", "period_outside_year"))

    items = list(data.get("items") or [])
    for item in items:
        if item.department_id != department.pk:
            errors.append(FieldError(
                "items", f"事项{_item_label(item)}不属于牵头部门「{department.name}」的随机抽查事项清单", "item_department"
            ))
        elif not item.is_active:
            errors.append(FieldError("items", f"事项{_item_label(item)}已停用", "item_inactive"))

    participants: list[ParticipantContent] = []
    raw_participants = list(data.get("participants") or [])
    if raw_participants and kind and kind != PlanKind.JOINT:
        errors.append(FieldError("participants", "只有部门联合抽查计划才有参与部门", "participants_not_joint"))
    seen: set[int] = set()
    for raw in raw_participants:
        p_dept: Department | None = raw.get("department") if isinstance(raw, Mapping) else None
        if p_dept is None:
            errors.append(FieldError("participants", "请选择参与部门", "required"))
            continue
        if p_dept.pk == department.pk:
            errors.append(FieldError("participants", "牵头部门不能同时是参与部门", "participant_is_lead"))
            continue
        if p_dept.pk in seen:
            errors.append(FieldError("participants", f"参与部门「{p_dept.name}」重复", "duplicate"))
            continue
        seen.add(p_dept.pk)
        if not p_dept.is_active:
            errors.append(FieldError("participants", f"参与部门「{p_dept.name}」已停用", "participant_inactive"))
        # [003] participants are the departments with powers over the same objects in the lead's area.
        if not p_dept.region_id.startswith(department.jurisdiction_prefix):
            errors.append(FieldError(
                "participants", f"参与部门「{p_dept.name}」不在牵头部门「{department.name}」的辖区内", "participant_region"
            ))
        p_items = list(raw.get("items") or [])
        for item in p_items:
            if item.department_id != p_dept.pk:
                errors.append(FieldError(
                    "participant_items", f"事项{_item_label(item)}不属于参与部门「{p_dept.name}」的随机抽查事项清单",
                    "item_department",
                ))
            elif not item.is_active:
                errors.append(FieldError("participant_items", f"事项{_item_label(item)}已停用", "item_inactive"))
        participants.append(ParticipantContent(p_dept, p_items))
    _raise_if(errors)
    assert start is not None and end is not None
    return PlanContent(kind, year, title, _text(data, "description"), legal_basis, start, end, items, participants)


def _content_of(plan: Plan) -> PlanContent:
    participants = PlanParticipant.objects.filter(plan=plan).select_related("department").prefetch_related("items")
    return PlanContent(
        kind=plan.kind, year=plan.year, title=plan.title, description=plan.description,
        legal_basis=plan.legal_basis, planned_start_on=plan.planned_start_on, planned_end_on=plan.planned_end_on,
        items=list(plan.items.all()),
        participants=[ParticipantContent(p.department, list(p.items.all())) for p in participants],
    )


def _content_data(content: PlanContent) -> dict[str, Any]:
    return {
        "kind": content.kind, "year": content.year, "title": content.title, "description": content.description,
        "legal_basis": content.legal_basis, "planned_start_on": content.planned_start_on,
        "planned_end_on": content.planned_end_on, "items": content.items,
        "participants": [{"department": p.department, "items": p.items} for p in content.participants],
    }


def _check_submittable(content: PlanContent, *, attachments: int, today: dt.date, check_notice: bool) -> None:
    """The rules a plan must meet before it goes to review (beyond its structure)."""
    errors: list[FieldError] = []
    all_items = [*content.items, *(i for p in content.participants for i in p.items)]
    if content.kind == PlanKind.JOINT:
        if not content.participants:
            errors.append(FieldError("participants", "部门联合抽查计划须至少有一个参与部门 [003]", "required"))
        for p in content.participants:
            if not p.items:
                errors.append(FieldError(
                    "participant_items", f"参与部门「{p.department.name}」须至少提供一项检查事项 [003]", "required"
                ))
        if not all_items:
            errors.append(FieldError("items", "计划须至少包含一项随机抽查事项", "required"))
    elif not content.items:
        errors.append(FieldError("items", "计划须至少包含一项随机抽查事项", "required"))
    # [003] 清单之外无监管: only items of the published list may be inspected.
    for item in all_items:
        if item.publication_state != PublicationState.PUBLISHED or not item.is_active:
            errors.append(FieldError(
                "items", f"事项{_item_label(item)}尚未在随机抽查事项清单中公开，不能列入计划（清单之外无监管 [003]）",
                "item_not_published",
            ))
    if content.kind == PlanKind.TEMPORARY:
        if not content.legal_basis:
            errors.append(FieldError("legal_basis", "临时性检查须写明法律依据 [003]", "required"))
        if attachments < 1:
            errors.append(FieldError("attachments", "临时性检查须附上级检查文件（至少一份附件）[003]", "attachment_required"))
        if check_notice:
            try:
                rules.check_temporary_notice(content.planned_start_on, today)
            except ValidationFailed as exc:
                errors.extend(exc.errors)
    _raise_if(errors)


def _write_content(plan: Plan, content: PlanContent) -> None:
    for key in CONTENT_FIELDS:
        setattr(plan, key, getattr(content, key))
    plan.kind, plan.year = content.kind, content.year
    plan.save()
    plan.items.set(content.items)
    # Participants are part of the plan's content; every submitted content is kept in a PlanVersion.
    PlanParticipant.objects.filter(plan=plan).exclude(
        department_id__in=[p.department.pk for p in content.participants]
    ).delete()
    for p in content.participants:
        row, _ = PlanParticipant.objects.get_or_create(plan=plan, department=p.department)
        row.items.set(p.items)


def _content_audit(content: PlanContent) -> dict[str, Any]:
    data = {k: getattr(content, k) for k in ["kind", "year", *CONTENT_FIELDS]}
    data["items"] = sorted(i.code for i in content.items)
    data["participants"] = {p.department.code: sorted(i.code for i in p.items) for p in content.participants}
    return data


def _lead_department(by: Any, data: Mapping[str, Any]) -> Department:
    dept: Department | None = data.get("department") or getattr(by, "department", None)
    if dept is None:
        raise ValidationFailed.for_field("department", "请指定计划的牵头部门", "required")
    return dept


# ---------------------------------------------------------------- plan create / update


def plan_create(*, by: Any, data: Mapping[str, Any]) -> Plan:
    """Create a draft plan of the user's department (the lead department) [000][003]."""
    ensure_can(by, ADD, Plan)
    department = _lead_department(by, data)
    scope = scope_of(by)
    if not scope.unrestricted and scope.department_id != department.pk:
        audit.record(actor=by, action="permission.denied", target=department, after={"action": "plans.plan:add"})
        raise NotPermitted("只能为本部门制定抽查计划")
    with transaction.atomic():
        content = _clean_content(data, department)
        plan = Plan(department=department, created_by=_user(by), status=PlanStatus.DRAFT,
                    due_on=rules.due_date(department.region_id, content.kind, content.year))
        _write_content(plan, content)
        _event(plan, kind=PlanEventKind.CREATED, by=by, to_status=PlanStatus.DRAFT)
        audit.record(actor=by, action="plan.created", target=plan, after=_content_audit(content) | {"status": plan.status})
    return plan


def plan_update(plan: Plan, /, *, by: Any, data: Mapping[str, Any]) -> Plan:
    """Change a draft plan's content (kind, year, title, dates, items, participants)."""
    ensure_can_edit(plan, by, CHANGE)
    with transaction.atomic():
        locked = _lock(plan)
        if locked.status not in workflow.PLAN_EDITABLE:
            raise IllegalTransition(
                f"计划当前为「{PlanStatus(locked.status).label}」，只有草稿可以修改"
                + ("；已生效的计划请提交计划变更" if locked.is_in_force else ""),
                code="plan_not_editable",
            )
        department = data.get("department")
        if department is not None and department.pk != locked.department_id:
            raise ValidationFailed.for_field("department", "计划的牵头部门创建后不能更改", "immutable")
        before = _content_audit(_content_of(locked))
        merged = _content_data(_content_of(locked)) | {k: v for k, v in data.items() if k != "department"}
        content = _clean_content(merged, locked.department)
        _write_content(locked, content)
        locked.due_on = rules.due_date(locked.department.region_id, content.kind, content.year)
        locked.save(update_fields=["due_on", "updated_at"])
        b, a = audit.changes(before, _content_audit(content))
        audit.record(actor=by, action="plan.updated", target=locked, before=b, after=a)
    return locked


# ---------------------------------------------------------------- plan workflow


def _next_version_number(plan: Plan) -> int:
    last = PlanVersion.objects.filter(plan=plan).order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _attachment_count(plan: Plan) -> int:
    return PlanAttachment.objects.filter(plan=plan, removed_at__isnull=True).count()


def plan_submit(plan: Plan, /, *, by: Any) -> Plan:
    """Submit a draft plan for review: records a new version; a plan past its due date is flagged late."""
    ensure_can_edit(plan, by, SUBMIT)
    with transaction.atomic():
        locked = _lock(plan)
        workflow.ensure_transition(locked.status, PlanStatus.SUBMITTED)
        now = timezone.now()
        today = timezone.localdate(now)
        _check_submittable(_content_of(locked), attachments=_attachment_count(locked), today=today, check_notice=True)
        if locked.first_submitted_at is None:
            # [000][003] due dates; lateness is judged on the first submission (a returned plan is not late again).
            locked.due_on = rules.due_date(locked.department.region_id, locked.kind, locked.year)
            locked.is_late = locked.due_on is not None and today > locked.due_on
            locked.first_submitted_at = now
        version = PlanVersion.objects.create(
            plan=locked, number=_next_version_number(locked), status=VersionStatus.SUBMITTED,
            snapshot=selectors.plan_content(locked), created_at=now, created_by=_user(by),
        )
        before = locked.status
        locked.status, locked.submitted_at, locked.pending_version = PlanStatus.SUBMITTED, now, version
        locked.save()
        _event(locked, kind=PlanEventKind.SUBMITTED, by=by, from_status=before, to_status=locked.status, version=version)
        audit.record(actor=by, action="plan.submitted", target=locked, before={"status": before},
                     after={"status": locked.status, "version": version.number, "is_late": locked.is_late,
                            "due_on": locked.due_on})
    return locked


def _review_target(locked: Plan, step: str, plan_target: str, version_target: str) -> tuple[PlanVersion, bool]:
    """The version under review and whether it is an amendment; IllegalTransition when nothing awaits this step."""
    if locked.is_in_force:
        version = locked.pending_version
        if version is None:
            workflow.ensure_transition(locked.status, plan_target)  # always raises: names the plan's state
            raise AssertionError("unreachable")
        workflow.ensure_version_review_step(step, version.status, version_target, number=version.number)
        return version, True
    workflow.ensure_review_step(step, locked.status, plan_target)
    assert locked.pending_version is not None
    return locked.pending_version, False


def _require_comments(approve: bool, comments: str) -> str:
    text = (comments or "").strip()
    if not approve and not text:
        raise ValidationFailed.for_field("comments", "退回时必须填写审核意见，说明退回理由", "required")
    return text


def plan_legal_check(plan: Plan, /, *, by: Any, approve: bool, comments: str = "") -> Plan:
    """The legal affairs office of the plan's department checks legality: pass on, or return with comments [003]."""
    reason = selectors.legal_check_denial(by, plan)
    if reason is not None:
        _deny(by, plan, "plans.plan:legal_check", reason)
    text = _require_comments(approve, comments)
    with transaction.atomic():
        locked = _lock(plan)
        plan_target = PlanStatus.LEGAL_CHECKED if approve else PlanStatus.RETURNED
        version_target = VersionStatus.LEGAL_CHECKED if approve else VersionStatus.RETURNED
        version, is_amendment = _review_target(locked, "legal_check", plan_target, version_target)
        now = timezone.now()
        v_before, p_before = version.status, locked.status
        version.status = version_target
        if not approve:
            version.decided_at = now
            locked.pending_version = None
        version.save()
        if not is_amendment:
            locked.status = plan_target
        locked.save()
        _event(locked, kind=PlanEventKind.LEGAL_APPROVED if approve else PlanEventKind.LEGAL_RETURNED, by=by,
               from_status=v_before if is_amendment else p_before,
               to_status=version_target if is_amendment else plan_target,
               comments=text, version=version, is_amendment=is_amendment)
        audit.record(actor=by, action="plan.legal_checked" if approve else "plan.legal_returned", target=locked,
                     before={"status": p_before, "version_status": v_before},
                     after={"status": locked.status, "version": version.number, "version_status": version.status,
                            "comments": text})
    return locked


def _distribute(plan: Plan, version: PlanVersion, now: dt.datetime) -> list[PlanDistribution]:
    """[000] approved plans go to the joint-meeting office and the business-environment office of the region."""
    offices = Department.objects.filter(
        region_id=plan.department.region_id, is_active=True,
        kind__in=[DepartmentKind.JOINT_MEETING_OFFICE, DepartmentKind.BUSINESS_ENV_OFFICE],
    ).order_by("pk")
    return [
        PlanDistribution.objects.create(plan=plan, version=version, department=office, sent_at=now)
        for office in offices
    ]


def _apply_snapshot(plan: Plan, snapshot: Mapping[str, Any]) -> None:
    """Put an approved amendment's content into force."""
    for key in ("title", "description", "legal_basis"):
        setattr(plan, key, snapshot[key])
    plan.planned_start_on = dt.date.fromisoformat(snapshot["planned_start_on"])
    plan.planned_end_on = dt.date.fromisoformat(snapshot["planned_end_on"])
    plan.save()
    plan.items.set([i["id"] for i in snapshot["items"]])
    keep = [p["department"]["id"] for p in snapshot["participants"]]
    PlanParticipant.objects.filter(plan=plan).exclude(department_id__in=keep).delete()
    for p in snapshot["participants"]:
        row, _ = PlanParticipant.objects.get_or_create(plan=plan, department_id=p["department"]["id"])
        row.items.set([i["id"] for i in p["items"]])


def plan_justice_review(plan: Plan, /, *, by: Any, approve: bool, comments: str = "") -> Plan:
    """The justice bureau of the same level reviews a legality-checked plan: approve, or return with comments [003].

    Approval puts the version in force (an amendment replaces the content; the old version is kept as
    superseded) and sends the plan to the region's joint-meeting and business-environment offices [000].
    """
    reason = selectors.justice_review_denial(by, plan)
    if reason is not None:
        _deny(by, plan, "plans.plan:justice_review", reason)
    text = _require_comments(approve, comments)
    with transaction.atomic():
        locked = _lock(plan)
        plan_target = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
        version_target = VersionStatus.APPROVED if approve else VersionStatus.RETURNED
        version, is_amendment = _review_target(locked, "justice_review", plan_target, version_target)
        now = timezone.now()
        v_before, p_before = version.status, locked.status
        version.status, version.decided_at = version_target, now
        version.save()
        locked.pending_version = None
        sent: list[PlanDistribution] = []
        if approve:
            previous = locked.current_version
            if previous is not None:
                workflow.ensure_version_transition(previous.status, VersionStatus.SUPERSEDED, number=previous.number)
                previous.status = VersionStatus.SUPERSEDED
                previous.save(update_fields=["status"])
            if is_amendment:
                _apply_snapshot(locked, version.snapshot)
            else:
                locked.approved_at = now
            locked.current_version = version
            sent = _distribute(locked, version, now)
        if not is_amendment:
            locked.status = plan_target
        locked.save()
        _event(locked, kind=PlanEventKind.JUSTICE_APPROVED if approve else PlanEventKind.JUSTICE_RETURNED, by=by,
               from_status=v_before if is_amendment else p_before,
               to_status=version_target if is_amendment else plan_target,
               comments=text, version=version, is_amendment=is_amendment)
        audit.record(actor=by, action="plan.justice_approved" if approve else "plan.justice_returned", target=locked,
                     before={"status": p_before, "version_status": v_before},
                     after={"status": locked.status, "version": version.number, "version_status": version.status,
                            "comments": text, "sent_to": [d.department.code for d in sent]})
    return locked


def _simple_transition(plan: Plan, *, by: Any, target: str, kind: str, action: str, stamp: str | None,
                       permission: str = CHANGE) -> Plan:
    ensure_can_edit(plan, by, permission)
    with transaction.atomic():
        locked = _lock(plan)
        return _transition_locked(locked, by=by, target=target, kind=kind, action=action, stamp=stamp)


def _transition_locked(locked: Plan, *, by: Any, target: str, kind: str, action: str, stamp: str | None) -> Plan:
    workflow.ensure_transition(locked.status, target)
    before = locked.status
    locked.status = target
    if stamp is not None:
        setattr(locked, stamp, timezone.now())
    locked.save()
    _event(locked, kind=kind, by=by, from_status=before, to_status=target)
    audit.record(actor=by, action=action, target=locked, before={"status": before}, after={"status": target})
    return locked


def plan_return_to_draft(plan: Plan, /, *, by: Any) -> Plan:
    """Take a returned plan back to draft so that it can be corrected and submitted again."""
    return _simple_transition(plan, by=by, target=PlanStatus.DRAFT, kind=PlanEventKind.REOPENED,
                              action="plan.reopened", stamp=None)


def plan_publish(plan: Plan, /, *, by: Any) -> Plan:
    """Publish an approved plan ("一公开" [003]); tasks may then be drawn."""
    return _simple_transition(plan, by=by, target=PlanStatus.PUBLISHED, kind=PlanEventKind.PUBLISHED,
                              action="plan.published", stamp="published_at")


def plan_start(plan: Plan, /, *, by: Any) -> Plan:
    """Mark a published plan as in progress (done automatically when its first task is drawn)."""
    return _simple_transition(plan, by=by, target=PlanStatus.IN_PROGRESS, kind=PlanEventKind.STARTED,
                              action="plan.started", stamp=None)


def plan_close(plan: Plan, /, *, by: Any) -> Plan:
    """Close a plan in progress once all its tasks are completed."""
    ensure_can_edit(plan, by, CHANGE)
    with transaction.atomic():
        locked = _lock(plan)
        workflow.ensure_transition(locked.status, PlanStatus.CLOSED)
        open_tasks = Task.objects.filter(plan=locked).exclude(status=TaskStatus.COMPLETED).count()
        if open_tasks:
            raise Conflict(f"计划下仍有 {open_tasks} 个未完成的抽查任务，全部完成后才能结束计划", code="open_tasks")
        return _transition_locked(locked, by=by, target=PlanStatus.CLOSED, kind=PlanEventKind.CLOSED,
                                  action="plan.closed", stamp="closed_at")


def plan_amend(plan: Plan, /, *, by: Any, data: Mapping[str, Any], reason: str) -> PlanVersion:
    """Submit a change of a plan in force; it is reviewed again while the approved version stays in force [003].

    ``data`` holds the changed content (same keys as plan_update; kind and year cannot change).
    """
    ensure_can_edit(plan, by, SUBMIT)
    with transaction.atomic():
        locked = _lock(plan)
        if not locked.is_in_force:
            raise IllegalTransition(
                f"计划当前为「{PlanStatus(locked.status).label}」，只有司法局审核通过、已公开或实施中的计划可以变更"
                + ("；草稿请直接修改" if locked.status == PlanStatus.DRAFT else ""),
                code="plan_not_amendable",
            )
        pending = locked.pending_version
        if pending is not None:
            raise IllegalTransition(
                f"计划第 {pending.number} 版的变更正在审核（{VersionStatus(pending.status).label}），审核完成前不能再次变更",
                code="amendment_pending",
            )
        text = (reason or "").strip()
        if not text:
            raise ValidationFailed.for_field("reason", "请填写计划变更的理由", "required")
        current = _content_of(locked)
        errors: list[FieldError] = []
        for key in ("kind", "year"):
            if key in data and str(data[key]) != str(getattr(current, key)):
                errors.append(FieldError(key, "计划变更不能更改计划类型和年度", "immutable"))
        _raise_if(errors)
        merged = _content_data(current) | {k: v for k, v in data.items() if k not in ("department", "kind", "year")}
        content = _clean_content(merged, locked.department)
        # A participant that already has tasks cannot leave the plan.
        kept = {p.department.pk for p in content.participants} | {locked.department_id}
        with_tasks = Task.objects.filter(plan=locked).exclude(department_id__in=kept).select_related("department")
        if with_tasks.exists():
            names = "、".join(sorted({t.department.name for t in with_tasks}))
            raise ValidationFailed.for_field("participants", f"参与部门 {names} 已有抽查任务，不能从计划中移除", "has_tasks")
        today = timezone.localdate()
        _check_submittable(content, attachments=_attachment_count(locked), today=today,
                           check_notice=content.planned_start_on != current.planned_start_on)
        snapshot = selectors.plan_content(locked) | _snapshot_of(content)
        version = PlanVersion.objects.create(
            plan=locked, number=_next_version_number(locked), status=VersionStatus.SUBMITTED, is_amendment=True,
            reason=text, snapshot=snapshot, created_at=timezone.now(), created_by=_user(by),
        )
        locked.pending_version = version
        locked.submitted_at = version.created_at
        locked.save(update_fields=["pending_version", "submitted_at", "updated_at"])
        _event(locked, kind=PlanEventKind.AMENDED, by=by, to_status=VersionStatus.SUBMITTED, comments=text,
               version=version, is_amendment=True)
        b, a = audit.changes(_content_audit(current), _content_audit(content))
        audit.record(actor=by, action="plan.amended", target=locked, before=b,
                     after=a | {"version": version.number, "reason": text})
    return version


def _snapshot_of(content: PlanContent) -> dict[str, Any]:
    def items(rows: Iterable[InspectionItem]) -> list[dict[str, Any]]:
        return [{"id": i.pk, "code": i.code, "name": i.name, "kind": i.kind} for i in sorted(rows, key=lambda i: i.code)]

    return {
        "title": content.title, "description": content.description, "legal_basis": content.legal_basis,
        "planned_start_on": content.planned_start_on.isoformat(), "planned_end_on": content.planned_end_on.isoformat(),
        "items": items(content.items),
        "participants": [
            {"department": {"id": p.department.pk, "code": p.department.code, "name": p.department.name},
             "items": items(p.items)}
            for p in sorted(content.participants, key=lambda p: p.department.code)
        ],
    }


# ---------------------------------------------------------------- attachments


def _sniff(upload: File[Any]) -> bytes:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return bytes(head)


def plan_attachment_add(plan: Plan, /, *, by: Any, upload: File[Any]) -> PlanAttachment:
    """Attach an upper-level document (pdf, doc, docx, jpg, png; at most 20 MB) to a draft plan [003]."""
    ensure_can_edit(plan, by, CHANGE)
    name = os.path.basename(upload.name or "").strip()
    ext = os.path.splitext(name)[1].lower()
    allowed = rules.ATTACHMENT_TYPES.get(ext)
    if allowed is None:
        raise ValidationFailed.for_field(
            "file", f"文件「{name}」的类型不被接受：只接受 pdf、doc、docx、jpg、png", "file_type"
        )
    size = upload.size or 0
    if size <= 0:
        raise ValidationFailed.for_field("file", f"文件「{name}」是空文件", "file_empty")
    if size > rules.ATTACHMENT_MAX_BYTES:
        raise ValidationFailed.for_field(
            "file", f"文件「{name}」大小为 {size / 1024 / 1024:.1f} MB，超过 20 MB 的上限", "file_too_large"
        )
    magic, content_type = allowed
    if not _sniff(upload).startswith(magic):
        raise ValidationFailed.for_field("file", f"文件「{name}」的内容与扩展名 {ext} 不符", "file_content_mismatch")
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        locked = _lock(plan)
        if locked.status != PlanStatus.DRAFT:
            raise IllegalTransition(
                f"计划当前为「{PlanStatus(locked.status).label}」，只有草稿可以上传附件", code="plan_not_editable"
            )
        attachment = PlanAttachment(
            plan=locked, original_name=name[:255], content_type=content_type, size_bytes=size,
            sha256=sha.hexdigest(), uploaded_by=_user(by), uploaded_at=timezone.now(),
        )
        attachment.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
        attachment.save()
        audit.record(actor=by, action="plan.attachment_added", target=locked,
                     after={"attachment": attachment.pk, "name": name, "sha256": attachment.sha256, "size_bytes": size})
    return attachment


def plan_attachment_remove(attachment: PlanAttachment, /, *, by: Any) -> PlanAttachment:
    """Take an attachment off a draft plan (the file and its hash stay on record)."""
    ensure_can_edit(attachment.plan, by, CHANGE)
    with transaction.atomic():
        locked = _lock(attachment.plan)
        if locked.status != PlanStatus.DRAFT:
            raise IllegalTransition(
                f"计划当前为「{PlanStatus(locked.status).label}」，只有草稿可以移除附件", code="plan_not_editable"
            )
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        audit.record(actor=by, action="plan.attachment_removed", target=locked,
                     after={"attachment": attachment.pk, "name": attachment.original_name})
    return attachment


# ---------------------------------------------------------------- tasks

TASK_FIELDS = [
    "name", "region_prefixes", "industry_codes", "entity_kinds", "tag_codes", "entity_statuses", "licence_kinds",
    *GRADE_RATIO_FIELDS.values(), "window_start_on", "window_end_on", "min_team_size", "max_visits_per_inspector",
    "has_inspector_per_department",
]
LIST_FIELDS = ["region_prefixes", "industry_codes", "entity_kinds", "tag_codes", "entity_statuses", "licence_kinds"]


def split_codes(value: Any) -> list[str]:
    """A list of codes from a list or a text separated by commas, spaces or 、; stripped and de-duplicated."""
    if value is None:
        return []
    raw: Sequence[Any] = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for part in raw:
        for piece in LIST_SPLIT.split(str(part)) if isinstance(part, str) else [str(part)]:
            piece = piece.strip()
            if piece and piece not in out:
                out.append(piece)
    return out


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_decimal(value: Any) -> Decimal | str | None:
    """A Decimal, None for blank, or the raw text when it is not a number (reported by the caller)."""
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip().rstrip("%％"))
    except InvalidOperation:
        return str(value)
    return number if number.is_finite() else str(value)


def _task_department(by: Any, data: Mapping[str, Any]) -> Department:
    dept: Department | None = data.get("department") or getattr(by, "department", None)
    if dept is None:
        raise ValidationFailed.for_field("department", "请指定实施任务的部门", "required")
    return dept


def _clean_task(data: Mapping[str, Any], plan: Plan, department: Department) -> dict[str, Any]:
    """Check a task against its plan and the draw rules; return clean values (items under "items")."""
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    clean["name"] = _text(data, "name")
    if not clean["name"]:
        errors.append(FieldError("name", "请填写任务名称", "required"))

    # [001][003] each department draws for its own items of the plan.
    departments = {d.pk: d for d in selectors.plan_departments(plan)}
    if department.pk not in departments:
        errors.append(FieldError("department", f"「{department.name}」不是该计划的牵头部门或参与部门", "not_in_plan"))
        _raise_if(errors)
    allowed = {i.pk: i for i in selectors.plan_items_of(plan, department)}
    items: list[InspectionItem] = list(data.get("items") or [])
    if not items:
        errors.append(FieldError("items", "请至少选择一项检查事项", "required"))
    for item in items:
        if item.pk not in allowed:
            errors.append(FieldError(
                "items", f"事项{_item_label(item)}不是该计划中「{department.name}」的检查事项（各部门只抽取本部门的事项 [001][003]）",
                "item_not_in_plan",
            ))
    clean["items"] = items
    kinds = {i.kind for i in items}
    # [000][003] special key areas are covered in full, not drawn; a draw and a full coverage are separate tasks.
    if ItemKind.SPECIAL in kinds and len(kinds) > 1:
        errors.append(FieldError(
            "items", "特殊重点领域事项实行全覆盖检查，不能与抽查事项放在同一任务中，请分别建立任务 [000][003]", "mixed_full_coverage"
        ))
    clean["is_full_coverage"] = kinds == {ItemKind.SPECIAL}

    # Population filters.
    jurisdiction = department.jurisdiction_prefix
    prefixes = split_codes(data.get("region_prefixes")) or [jurisdiction]
    for p in prefixes:
        if not p.isdigit() or len(p) not in (2, 4, 6):
            errors.append(FieldError("region_prefixes", f"区划「{p}」须为 2、4 或 6 位数字代码", "invalid"))
        elif not p.startswith(jurisdiction):
            errors.append(FieldError(
                "region_prefixes", f"区划「{p}」不在「{department.name}」的辖区（{jurisdiction}）内", "region_out_of_jurisdiction"
            ))
        elif not Region.objects.filter(code__startswith=p).exists():
            errors.append(FieldError("region_prefixes", f"区划代码「{p}」不存在", "unknown_region"))
    clean["region_prefixes"] = prefixes
    industries = [c.upper() for c in split_codes(data.get("industry_codes"))]
    known = set(Industry.objects.filter(code__in=industries).values_list("code", flat=True))
    for code in industries:
        if code not in known:
            errors.append(FieldError("industry_codes", f"行业代码「{code}」不是国民经济行业分类的门类或大类", "unknown_industry"))
    clean["industry_codes"] = industries
    entity_kinds = split_codes(data.get("entity_kinds"))
    for k in entity_kinds:
        if k not in EntityKind.values:
            errors.append(FieldError("entity_kinds", f"未知的主体类型「{k}」", "invalid_choice"))
    clean["entity_kinds"] = entity_kinds
    tags = split_codes(data.get("tag_codes"))
    known_tags = set(Tag.objects.filter(code__in=tags).values_list("code", flat=True))
    for t in tags:
        if t not in known_tags:
            errors.append(FieldError("tag_codes", f"未知的标签「{t}」", "unknown_tag"))
    clean["tag_codes"] = tags
    statuses = split_codes(data.get("entity_statuses")) or [OPERATING]
    for s in statuses:
        if s not in EntityStatus.values:
            errors.append(FieldError("entity_statuses", f"未知的登记状态「{s}」", "invalid_choice"))
    clean["entity_statuses"] = statuses
    licences = split_codes(data.get("licence_kinds"))
    for lk in licences:
        if len(lk) > 60:
            errors.append(FieldError("licence_kinds", f"许可证类型「{lk[:20]}…」过长（不超过 60 字）", "max_length"))
    clean["licence_kinds"] = licences

    # Credit-differentiated ratios, bounded by the item kinds' rules (catalog.rules) [000][003].
    defaults = rules.default_task_ratios(kinds, selectors.grade_ratio_defaults()) if items else {}
    for grade, fname in GRADE_RATIO_FIELDS.items():
        value = _as_decimal(data.get(fname))
        if isinstance(value, str):
            errors.append(FieldError(fname, f"抽查比例须为数字（百分数），而不是「{value}」", "invalid"))
            continue
        if clean["is_full_coverage"]:
            if value is not None:
                errors.append(FieldError(fname, "特殊重点领域实行全覆盖检查，不设抽查比例 [000][003]", "ratio_not_allowed"))
            clean[fname] = None
            continue
        if not items or ItemKind.SPECIAL in kinds:
            clean[fname] = value
            continue
        if value is None:
            value = defaults.get(grade)
        try:
            clean[fname] = rules.check_task_ratio(kinds, grade, value)
        except ValidationFailed as exc:
            errors.extend(exc.errors)

    # Schedule and team rules.
    start, end = _date(data.get("window_start_on")), _date(data.get("window_end_on"))
    if start is None:
        errors.append(FieldError("window_start_on", "请填写检查开始日期", "required"))
    if end is None:
        errors.append(FieldError("window_end_on", "请填写检查结束日期", "required"))
    if start is not None and end is not None:
        if end < start:
            errors.append(FieldError("window_end_on", "检查结束日期不能早于开始日期", "window_order"))
        if start < plan.planned_start_on or end > plan.planned_end_on:
            errors.append(FieldError(
                "window_start_on" if start < plan.planned_start_on else "window_end_on",
                f"检查时间须在计划期间 {plan.planned_start_on.isoformat()} 至 {plan.planned_end_on.isoformat()} 之内",
                "window_outside_plan",
            ))
    clean["window_start_on"], clean["window_end_on"] = start, end
    team = _as_int(data.get("min_team_size") if data.get("min_team_size") not in (None, "") else rules.MIN_TEAM_SIZE)
    needed = max([rules.MIN_TEAM_SIZE, *(i.min_inspectors for i in items)])
    if team is None or team < rules.MIN_TEAM_SIZE:
        errors.append(FieldError("min_team_size", "每个检查组不得少于 2 名检查人员（执法人员不得少于两人）", "min_team_size"))
    elif team < needed:
        errors.append(FieldError("min_team_size", f"所选事项要求每组至少 {needed} 名检查人员", "min_team_size_items"))
    clean["min_team_size"] = team
    cap_raw = data.get("max_visits_per_inspector")
    cap = _as_int(cap_raw if cap_raw not in (None, "") else 20)
    if cap is None or cap < 1:
        errors.append(FieldError("max_visits_per_inspector", "每名检查人员最多检查户数须为正整数", "invalid"))
    clean["max_visits_per_inspector"] = cap
    clean["has_inspector_per_department"] = bool(data.get("has_inspector_per_department"))
    _raise_if(errors)
    return clean


def _task_audit(task: Task) -> dict[str, Any]:
    data = audit.snapshot(task)
    data["items"] = sorted(task.items.values_list("code", flat=True))
    return data


def _ensure_task_department_allowed(by: Any, plan: Plan, department: Department) -> None:
    scope = scope_of(by)
    if scope.unrestricted or scope.department_id == department.pk or scope.department_id == plan.department_id:
        return
    audit.record(actor=by, action="permission.denied", target=plan, after={"action": "plans.task:add"})
    raise NotPermitted("只能为本部门建立抽查任务（牵头部门可为参与部门建立任务）")


def task_create(*, by: Any, data: Mapping[str, Any]) -> Task:
    """Create a draft task under a plan in force (计划外无检查 [000]) for one department of the plan."""
    ensure_can(by, ADD, Task)
    plan: Plan | None = data.get("plan")
    if plan is None:
        raise ValidationFailed.for_field("plan", "请指定抽查计划", "required")
    department = _task_department(by, data)
    _ensure_task_department_allowed(by, plan, department)
    with transaction.atomic():
        locked = _lock(plan)
        workflow.ensure_plan_carries_tasks(locked.status)
        clean = _clean_task(data, locked, department)
        items = clean.pop("items")
        task = Task.objects.create(plan=locked, department=department, created_by=_user(by),
                                   status=TaskStatus.DRAFT, status_changed_at=timezone.now(), **clean)
        task.items.set(items)
        audit.record(actor=by, action="task.created", target=task, after=_task_audit(task))
    return task


def task_update(task: Task, /, *, by: Any, data: Mapping[str, Any]) -> Task:
    """Change a draft task; the plan must still be in force."""
    ensure_can_edit(task, by, CHANGE)
    with transaction.atomic():
        locked = Task.objects.select_for_update(of=("self",)).select_related("plan", "department").get(pk=task.pk)
        plan = _lock(locked.plan)
        if locked.status not in workflow.TASK_EDITABLE:
            raise IllegalTransition(
                f"任务当前为「{TaskStatus(locked.status).label}」，只有草稿状态的任务可以修改", code="task_not_editable"
            )
        workflow.ensure_plan_carries_tasks(plan.status)
        department = data.get("department")
        if department is not None and department.pk != locked.department_id:
            raise ValidationFailed.for_field("department", "任务的实施部门创建后不能更改", "immutable")
        new_plan = data.get("plan")
        if new_plan is not None and new_plan.pk != locked.plan_id:
            raise ValidationFailed.for_field("plan", "任务所属的计划创建后不能更改", "immutable")
        before = _task_audit(locked)
        current = {k: getattr(locked, k) for k in TASK_FIELDS} | {"items": list(locked.items.all())}
        clean = _clean_task(current | dict(data), plan, locked.department)
        items = clean.pop("items")
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.save()
        locked.items.set(items)
        b, a = audit.changes(before, _task_audit(locked))
        audit.record(actor=by, action="task.updated", target=locked, before=b, after=a)
    return locked


def _task_transition(task: Task, *, by: Any, target: str, action: str,
                     check: Callable[[Task, Plan], None] | None = None) -> Task:
    ensure_can_edit(task, by, CHANGE)
    with transaction.atomic():
        locked = Task.objects.select_for_update(of=("self",)).select_related("plan", "department").get(pk=task.pk)
        plan = _lock(locked.plan)
        workflow.ensure_task_transition(locked.status, target)
        if check is not None:
            check(locked, plan)
        before = locked.status
        locked.status, locked.status_changed_at = target, timezone.now()
        locked.save(update_fields=["status", "status_changed_at", "updated_at"])
        audit.record(actor=by, action=action, target=locked, before={"status": before}, after={"status": target})
        if target == TaskStatus.DRAWN and plan.status == PlanStatus.PUBLISHED:
            # The first drawn task starts the plan.
            _transition_locked(plan, by=by, target=PlanStatus.IN_PROGRESS, kind=PlanEventKind.STARTED,
                               action="plan.started", stamp=None)
    return locked


def _plan_in_force(task: Task, plan: Plan) -> None:
    workflow.ensure_plan_carries_tasks(plan.status)


def _plan_published(task: Task, plan: Plan) -> None:
    if plan.status not in (PlanStatus.PUBLISHED, PlanStatus.IN_PROGRESS):
        raise IllegalTransition(
            f"计划当前为「{PlanStatus(plan.status).label}」，须先公开计划才能抽取（一公开 [003]）", code="plan_not_published"
        )


def task_mark_ready(task: Task, /, *, by: Any) -> Task:
    """Declare a draft task complete and ready to be drawn (draft → ready)."""
    return _task_transition(task, by=by, target=TaskStatus.READY, action="task.ready", check=_plan_in_force)


def task_reopen(task: Task, /, *, by: Any) -> Task:
    """Take a task not yet drawn back to draft for corrections (ready → draft)."""
    return _task_transition(task, by=by, target=TaskStatus.DRAFT, action="task.reopened")


def task_mark_drawn(task: Task, /, *, by: Any) -> Task:
    """Record that the task has been drawn (ready → drawn); called by the draw app. Starts a published plan."""
    return _task_transition(task, by=by, target=TaskStatus.DRAWN, action="task.drawn", check=_plan_published)


def task_start(task: Task, /, *, by: Any) -> Task:
    """Inspections of the drawn task have begun (drawn → in_progress)."""
    return _task_transition(task, by=by, target=TaskStatus.IN_PROGRESS, action="task.started")


def task_complete(task: Task, /, *, by: Any) -> Task:
    """All inspections of the task are done (in_progress → completed)."""
    return _task_transition(task, by=by, target=TaskStatus.COMPLETED, action="task.completed")
