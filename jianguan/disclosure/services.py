"""Writes of the disclosure app (一公开): publish reviewed results, withhold with a legal reason, objections and
their review with recorded corrections, typical cases, and the per-draw snapshot disclosure.

Every service validates, writes, and records one audit event, inside one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from jianguan.core import audit
from jianguan.core.exceptions import (
    Conflict,
    FieldError,
    IllegalTransition,
    NotPermitted,
    OutOfScope,
    ValidationFailed,
)
from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit, scope_of
from jianguan.disclosure import pagecache
from jianguan.disclosure.choices import InspectionType, ObjectionStatus, PublicationStatus, WithholdReason
from jianguan.disclosure.models import (
    DrawDisclosure,
    Objection,
    ObjectionWindowRule,
    Publication,
    PublishedResult,
    ResultCorrection,
    TypicalCase,
)
from jianguan.draws.models import Draw
from jianguan.entities.models import Entity
from jianguan.inspections import deadlines
from jianguan.inspections.choices import RecordStatus, TeamRole, VisitStatus
from jianguan.inspections.models import InspectionRecord, ResultCategory, Visit, VisitTeamMember
from jianguan.organizations.models import Department
from jianguan.plans.choices import PlanKind
from jianguan.plans.models import Task
from jianguan.workdays.calendar import working_days_after

REVIEW = "review"
DEFAULT_OBJECTION_WORKING_DAYS = 15
_PHONE = re.compile(r"[0-9+\-() ]{7,20}")
STATEMENT_MAX_CHARS = 2000


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _public_page_changed(entity_ids: Sequence[int]) -> None:
    """The entities' public pages show something else once this transaction commits (pagecache)."""
    pagecache.invalidate(Entity.objects.filter(pk__in=list(entity_ids)).values_list("uscc", flat=True))


def _deny(by: Any, target: Any, action: str, message: str) -> NotPermitted:
    audit.record(actor=by, action="permission.denied", target=target, after={"action": action})
    return NotPermitted(message)


def _ensure_inspecting_department(by: Any, department_id: int, target: Any, action: str) -> None:
    """谁检查、谁录入、谁公开 [003]: only the department that carried out the inspection publishes it."""
    scope = scope_of(by)
    if scope.unrestricted or scope.department_id == department_id:
        return
    raise _deny(by, target, action, "只有检查实施部门可以公示其检查结果（谁检查、谁录入、谁公开）")


def _visit_label(visit: Visit) -> str:
    return f"对「{visit.entity.name}（{visit.entity.uscc}）」的检查"


# ---------------------------------------------------------------- windows and deadlines


def objection_window_days(region_code: str) -> int:
    """Working days an enterprise has to object, for the publishing department's region (longest prefix wins)."""
    prefixes = [region_code[:n] for n in range(len(region_code), -1, -1)]
    rules = dict(ObjectionWindowRule.objects.filter(region_prefix__in=prefixes).values_list("region_prefix",
                                                                                             "working_days"))
    for prefix in prefixes:
        if prefix in rules:
            return int(rules[prefix])
    return DEFAULT_OBJECTION_WORKING_DAYS


def objection_deadline(published_on: dt.date, region_code: str) -> dt.date:
    """The last day to object: N working days after the day of publication (holidays and make-up days honoured)."""
    return working_days_after(published_on, objection_window_days(region_code))


def results_due_on(task: Task) -> dt.date:
    """[003] all results of a task are published within 7 working days after its window ends (per jurisdiction)."""
    rule = deadlines.rule_for_department(task.department)
    return deadlines.task_deadlines(task.window_end_on, rule).publication_due_on


# ---------------------------------------------------------------- publication


def _inspection_type(visit: Visit) -> str:
    task = visit.task
    if visit.joint_round_id is not None or task.plan.kind == PlanKind.JOINT:
        return InspectionType.JOINT
    if task.is_full_coverage:
        return InspectionType.SPECIAL
    if task.plan.kind == PlanKind.TEMPORARY:
        return InspectionType.TEMPORARY
    return InspectionType.RANDOM


def _team_rows(members: Sequence[VisitTeamMember]) -> list[dict[str, str]]:
    """Names and certificate numbers as on the notice (never phone numbers), the leader first."""
    ordered = sorted(members, key=lambda m: (m.role != TeamRole.LEADER, m.pk))
    return [{"name": m.inspector.name, "certificate_no": m.inspector.certificate_no,
             "department": m.inspector.department.name, "role": m.get_role_display()} for m in ordered]


def _team_members() -> QuerySet[VisitTeamMember]:
    return VisitTeamMember.objects.select_related("inspector", "inspector__department").order_by("pk")


def _readiness_errors(visit: Visit, records: Sequence[InspectionRecord]) -> list[FieldError]:
    """Why a visit's results may not be published yet: only what the division head reviewed is published."""
    label = _visit_label(visit)
    errors: list[FieldError] = []
    if visit.status == VisitStatus.CANCELLED:
        return [FieldError("visit", f"{label}已取消，没有可公示的结果", "visit_cancelled")]
    if not records:
        return [FieldError("visit", f"{label}尚无检查记录，不能公示", "no_records")]
    if visit.status != VisitStatus.REVIEWED:
        errors.append(FieldError(
            "visit", f"{label}尚未经处室负责人审核（当前状态：{VisitStatus(visit.status).label}），不能公示",
            "not_reviewed"))
    for r in records:
        if r.status != RecordStatus.APPROVED:
            errors.append(FieldError(
                "records",
                f"{label}的检查记录「{r.item.code} {r.item.name}」尚未审核通过"
                f"（当前状态：{RecordStatus(r.status).label}），不能公示",
                "record_not_reviewed", value=str(r.pk)))
    return errors


def _record_rows() -> QuerySet[InspectionRecord]:
    return InspectionRecord.objects.select_related("item", "item__department", "result")


def _records(visit: Visit) -> list[InspectionRecord]:
    return list(_record_rows().filter(visit=visit).order_by("item__code"))


def _lock_visit(visit: Visit) -> Visit:
    return (Visit.objects.select_for_update(of=("self",))
            .select_related("entity", "task", "task__plan", "task__department", "department").get(pk=visit.pk))


@dataclass
class _Terms:
    """What every publication of one moment and task shares: the time, the results deadline, the objection
    window's last day per region (all computed once for a whole task)."""

    by: Any
    now: dt.datetime
    due_on: dt.date
    objection_deadlines: dict[str, dt.date] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return _local_date(self.now)

    def objection_deadline_on(self, region_code: str) -> dt.date:
        if region_code not in self.objection_deadlines:
            self.objection_deadlines[region_code] = objection_deadline(self.today, region_code)
        return self.objection_deadlines[region_code]


def _new_publication(visit: Visit, records: Sequence[InspectionRecord], *, departments: Sequence[Department],
                     team: list[dict[str, str]], status: str, terms: _Terms, reason: str = "",
                     basis: str = "") -> tuple[Publication, list[PublishedResult]]:
    """The publication of a visit and its lines, not yet saved (the lines are linked once it has a key)."""
    task = visit.task
    authorities = [visit.department, *sorted((d for d in departments if d.pk != visit.department_id),
                                             key=lambda d: d.pk)]
    completed_on = visit.completed_on or max(r.inspected_on for r in records)
    published = status == PublicationStatus.PUBLISHED
    now, by = terms.now, terms.by
    publication = Publication(
        department=visit.department, entity=visit.entity, visit=visit, task=task, plan=task.plan,
        draw_id=visit.draw_id, plan_title=task.plan.title, task_name=task.name, inspection_type=_inspection_type(visit),
        authority="、".join(d.name for d in authorities)[:300], completed_on=completed_on, team=team,
        status=status, published_at=now if published else None, published_by=_user(by) if published else None,
        due_on=terms.due_on, is_on_time=terms.today <= terms.due_on if published else None,
        objection_deadline_on=terms.objection_deadline_on(visit.department.region_id) if published else None,
        withheld_reason=reason, withheld_basis=basis, withheld_at=None if published else now,
        withheld_by=None if published else _user(by),
    )
    lines = [
        PublishedResult(
            position=n, item=r.item, record=r, item_code=r.item.code, item_name=r.item.name,
            item_department=r.item.department.name, result_code=r.result.code, result_label=r.result.label,
            is_problem=r.result.is_problem,
        )
        for n, r in enumerate(records, start=1)
    ]
    return publication, lines


def _link_lines(publication: Publication, lines: list[PublishedResult]) -> list[PublishedResult]:
    for line in lines:
        line.publication = publication
    return lines


def _build(visit: Visit, records: Sequence[InspectionRecord], *, status: str, by: Any, now: dt.datetime,
           reason: str = "", basis: str = "") -> tuple[Publication, list[PublishedResult]]:
    """One visit's publication and its lines, written (the single-visit paths)."""
    terms = _Terms(by=by, now=now, due_on=results_due_on(visit.task))
    publication, lines = _new_publication(
        visit, records, departments=list(visit.departments.all()), team=_team_rows(list(_team_members().filter(visit=visit))),
        status=status, terms=terms, reason=reason, basis=basis)
    publication.save(force_insert=True)
    PublishedResult.objects.bulk_create(_link_lines(publication, lines))
    if status == PublicationStatus.PUBLISHED:
        pagecache.invalidate([visit.entity.uscc])
    return publication, lines


def _publication_summary(p: Publication, lines: Sequence[PublishedResult]) -> dict[str, Any]:
    return {
        "visit_id": p.visit_id, "entity": p.entity.uscc, "status": p.status, "due_on": p.due_on,
        "is_on_time": p.is_on_time, "objection_deadline_on": p.objection_deadline_on,
        "results": [[r.item_code, r.result_code] for r in sorted(lines, key=lambda r: r.position)],
    }


def _publish_locked(visit: Visit, *, by: Any, now: dt.datetime) -> Publication:
    if Publication.objects.filter(visit=visit).exists():
        existing = Publication.objects.get(visit=visit)
        raise Conflict(f"{_visit_label(visit)}已{existing.get_status_display()}，不能重复公示", code="already_published")
    records = _records(visit)
    errors = _readiness_errors(visit, records)
    if errors:
        raise ValidationFailed(errors[0].message, code="not_reviewed", errors=errors)
    publication, lines = _build(visit, records, status=PublicationStatus.PUBLISHED, by=by, now=now)
    audit.record(actor=by, action="publication.published", target=publication,
                 after=_publication_summary(publication, lines))
    return publication


def _ensure_may_publish(visit: Visit, by: Any) -> None:
    ensure_can(by, ADD, Publication)
    if not Visit.objects.visible_to(by).filter(pk=visit.pk).exists():
        raise OutOfScope()
    _ensure_inspecting_department(by, visit.department_id, visit, "disclosure.publication:add")


def publication_publish(visit: Visit, /, *, by: Any) -> Publication:
    """Publish one visit's reviewed results as a publicity entry (一公开 [000][002][003])."""
    _ensure_may_publish(visit, by)
    with transaction.atomic():
        locked = _lock_visit(visit)
        return _publish_locked(locked, by=by, now=timezone.now())


def _grouped(rows: Iterable[Any], key: str) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = {}
    for row in rows:
        groups.setdefault(getattr(row, key), []).append(row)
    return groups


def publish_task_results(task: Task, /, *, by: Any) -> list[Publication]:
    """Publish every visit of a task that is not yet published or withheld; all or nothing.

    A visit whose records the division head has not reviewed stops the whole publication, with one error
    per visit and record, so that nothing unreviewed is ever published.

    Set-based: the visits, their records, teams and departments are read in one query each (whatever the
    number of visits), the publications and their lines written with two bulk inserts, one audit event
    per publication appended in one batch, and the affected entities' public pages invalidated once.
    """
    ensure_can(by, ADD, Publication)
    if not Task.objects.visible_to(by).filter(pk=task.pk).exists():
        raise OutOfScope()
    _ensure_inspecting_department(by, task.department_id, task, "disclosure.publication:add")
    with transaction.atomic():
        visits = list(
            Visit.objects.select_for_update(of=("self",))
            .filter(task=task, department_id=task.department_id, publication__isnull=True)
            .exclude(status=VisitStatus.CANCELLED)
            .select_related("entity", "task", "task__plan", "task__department", "department").order_by("pk")
        )
        if not visits:
            raise ValidationFailed.for_field("task", f"任务「{task.name}」没有待公示的检查结果", "nothing_to_publish")
        # The task's other visits (already published, another department's) are read too and ignored: one
        # indexed filter on the task instead of a list of thousands of ids.
        records = _grouped(_record_rows().filter(visit__task_id=task.pk).order_by("visit_id", "item__code"),
                           "visit_id")
        errors: list[FieldError] = []
        for visit in visits:
            errors += _readiness_errors(visit, records.get(visit.pk, []))
        if errors:
            raise ValidationFailed(
                f"任务「{task.name}」有 {len(errors)} 处检查结果未经审核，全部结果均未公示：{errors[0].message}",
                code="not_reviewed", errors=errors)
        teams = _grouped(_team_members().filter(visit__task_id=task.pk), "visit_id")
        involved = _grouped(Visit.departments.through.objects.filter(visit__task_id=task.pk)
                            .select_related("department"), "visit_id")
        terms = _Terms(by=by, now=timezone.now(), due_on=results_due_on(visits[0].task))
        built = [
            _new_publication(visit, records[visit.pk],
                             departments=[link.department for link in involved.get(visit.pk, [])],
                             team=_team_rows(teams.get(visit.pk, [])), status=PublicationStatus.PUBLISHED,
                             terms=terms)
            for visit in visits
        ]
        publications = Publication.objects.bulk_create([p for p, _ in built])
        PublishedResult.objects.bulk_create([line for p, lines in built for line in _link_lines(p, lines)],
                                            batch_size=1000)
        pagecache.invalidate(visit.entity.uscc for visit in visits)
        audit.record_many(actor=by, entries=[
            audit.Entry("publication.published", p, after=_publication_summary(p, lines)) for p, lines in built])
    return publications


def _withhold_fields(reason: str, basis: str) -> tuple[str, str]:
    reason, basis = (reason or "").strip(), (basis or "").strip()
    errors = []
    if reason not in WithholdReason.values:
        errors.append(FieldError("reason", "不予公开须选择法定理由：国家秘密、商业秘密或个人隐私", "invalid_reason"))
    if not basis:
        errors.append(FieldError("basis", "请写明不予公开的具体依据（法律条款及理由）", "required"))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    return reason, basis


def publication_withhold(target: Visit | Publication, /, *, by: Any, reason: str, basis: str) -> Publication:
    """Withhold a visit's results (or take down a published entry) on a legal ground, recorded and audited.

    Publication is the rule, secrecy the exception: state secrets, trade secrets, personal privacy [000][002][003].
    A visit not yet published must still be reviewed: the withheld entry is the complete record, only not public.
    """
    reason, basis = _withhold_fields(reason, basis)
    now = timezone.now()
    if isinstance(target, Visit):
        _ensure_may_publish(target, by)
        with transaction.atomic():
            locked = _lock_visit(target)
            if Publication.objects.filter(visit=locked).exists():
                raise Conflict(f"{_visit_label(locked)}已有公示记录，请在公示记录上操作", code="already_published")
            records = _records(locked)
            errors = _readiness_errors(locked, records)
            if errors:
                raise ValidationFailed(errors[0].message, code="not_reviewed", errors=errors)
            publication, lines = _build(locked, records, status=PublicationStatus.WITHHELD, by=by, now=now,
                                        reason=reason, basis=basis)
            audit.record(actor=by, action="publication.withheld", target=publication,
                         after={**_publication_summary(publication, lines), "reason": reason, "basis": basis})
            return publication
    ensure_can_edit(target, by, CHANGE)
    with transaction.atomic():
        locked_pub = Publication.objects.select_for_update().select_related("entity").get(pk=target.pk)
        if locked_pub.status == PublicationStatus.WITHHELD:
            raise IllegalTransition("该结果已决定不予公开", code="already_withheld")
        before = audit.snapshot(locked_pub, ["status", "withheld_reason", "withheld_basis"])
        locked_pub.status, locked_pub.withheld_reason, locked_pub.withheld_basis = PublicationStatus.WITHHELD, reason, basis
        locked_pub.withheld_at, locked_pub.withheld_by = now, _user(by)
        locked_pub.save(update_fields=["status", "withheld_reason", "withheld_basis", "withheld_at", "withheld_by",
                                       "updated_at"])
        pagecache.invalidate([locked_pub.entity.uscc])
        # A typical case of a withheld entry leaves the exposure board with it (its public rule needs both).
        audit.record(actor=by, action="publication.withheld", target=locked_pub, before=before,
                     after=audit.snapshot(locked_pub, ["status", "withheld_reason", "withheld_basis"]))
        return locked_pub


def publication_release(publication: Publication, /, *, by: Any) -> Publication:
    """Publish an entry that was withheld, once its ground has lapsed; the objection window starts now."""
    ensure_can_edit(publication, by, CHANGE)
    with transaction.atomic():
        locked = Publication.objects.select_for_update(of=("self",)).select_related(
            "department", "task", "task__department").get(pk=publication.pk)
        if locked.status != PublicationStatus.WITHHELD:
            raise IllegalTransition("只有不予公开的结果才能转为公示", code="not_withheld")
        now = timezone.now()
        today = _local_date(now)
        before = audit.snapshot(locked, ["status", "published_at"])
        locked.status, locked.published_at, locked.published_by = PublicationStatus.PUBLISHED, now, _user(by)
        if locked.task is not None:
            locked.due_on = results_due_on(locked.task)
        locked.is_on_time = locked.due_on is not None and today <= locked.due_on
        locked.objection_deadline_on = objection_deadline(today, locked.department.region_id)
        locked.save(update_fields=["status", "published_at", "published_by", "due_on", "is_on_time",
                                   "objection_deadline_on", "updated_at"])
        _public_page_changed([locked.entity_id])
        audit.record(actor=by, action="publication.released", target=locked, before=before,
                     after=audit.snapshot(locked, ["status", "published_at", "objection_deadline_on"]))
        return locked


# ---------------------------------------------------------------- objections


def _clean_objection(statement: str, contact_name: str, contact_phone: str) -> tuple[str, str, str]:
    statement, contact_name, contact_phone = (statement or "").strip(), (contact_name or "").strip(), \
        (contact_phone or "").strip()
    errors = []
    if len(statement) < 10:
        errors.append(FieldError("statement", "请写明异议的事实和理由（至少 10 个字）", "required"))
    elif len(statement) > STATEMENT_MAX_CHARS:
        errors.append(FieldError("statement", f"异议内容不能超过 {STATEMENT_MAX_CHARS} 字", "too_long"))
    if not contact_name:
        errors.append(FieldError("contact_name", "请填写联系人姓名（不会公开）", "required"))
    elif len(contact_name) > 60:
        errors.append(FieldError("contact_name", "联系人姓名过长", "too_long"))
    if not _PHONE.fullmatch(contact_phone):
        errors.append(FieldError("contact_phone", "请填写有效的联系电话（7–20 位数字，不会公开）", "invalid"))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    return statement, contact_name, contact_phone


def publication_for_notice(*, uscc: str, verification_code: str) -> Publication:
    """The published entry an enterprise may object to, identified by its credit code and the notice's code.

    A wrong pair and an unpublished entry give the same answer, so the form reveals nothing.
    """
    uscc = re.sub(r"\s+", "", uscc or "").upper()
    code = re.sub(r"[\s-]+", "", verification_code or "").upper()
    publication = (Publication.objects.select_related("entity", "department")
                   .filter(visit__verification_code=code, entity__uscc=uscc, status=PublicationStatus.PUBLISHED)
                   .first()) if uscc and code else None
    if publication is None:
        raise ValidationFailed(
            "统一社会信用代码与核验码不匹配，或该检查结果尚未公示。核验码印在《行政检查告知书》上",
            code="notice_not_found",
            errors=[FieldError("verification_code", "统一社会信用代码与核验码不匹配，或该检查结果尚未公示",
                               "notice_not_found")],
        )
    return publication


def objection_file(
    *, uscc: str, verification_code: str, result_id: Any, statement: str, contact_name: str, contact_phone: str,
) -> Objection:
    """An enterprise objects to one published result, within the window, without an account."""
    publication = publication_for_notice(uscc=uscc, verification_code=verification_code)
    statement, contact_name, contact_phone = _clean_objection(statement, contact_name, contact_phone)
    result = PublishedResult.objects.filter(publication=publication, pk=result_id).first() \
        if str(result_id or "").isdigit() else None
    if result is None:
        raise ValidationFailed.for_field("result", "请选择提出异议的检查结果", "required")
    now = timezone.now()
    assert publication.published_at is not None  # status published guarantees it (check constraint)
    published_on = _local_date(publication.published_at)
    window = objection_window_days(publication.department.region_id)
    ends_on = working_days_after(published_on, window)
    if _local_date(now) > ends_on:
        raise ValidationFailed(
            f"异议期限已过：该结果于 {published_on:%Y-%m-%d} 公示，应在公示之日起 {window} 个工作日内"
            f"（{ends_on:%Y-%m-%d} 前）提出异议",
            code="objection_window_closed",
            errors=[FieldError("result", f"异议期限已于 {ends_on:%Y-%m-%d} 届满", "objection_window_closed")],
        )
    with transaction.atomic():
        PublishedResult.objects.select_for_update().filter(pk=result.pk).first()
        pending = Objection.objects.filter(result=result, status=ObjectionStatus.PENDING).first()
        if pending is not None:
            raise Conflict(f"该检查结果已有待处理的异议（受理编号 {pending.reference}），请等待处理结果",
                           code="objection_pending")
        objection = Objection.objects.create(
            publication=publication, result=result, department=publication.department, statement=statement,
            contact_name=contact_name, contact_phone=contact_phone, filed_at=now, window_ends_on=ends_on,
        )
        audit.record(actor=None, actor_username=f"企业 {publication.entity.uscc}", action="objection.filed",
                     target=objection, after={"reference": objection.reference, "publication_id": publication.pk,
                                              "result_id": result.pk, "window_ends_on": ends_on})
    return objection


def objection_review(
    objection: Objection, /, *, by: Any, accept: bool, reason: str, new_result_code: str | None = None,
) -> Objection:
    """The division head decides: accepted (the result is corrected, recorded) or rejected, with reasons."""
    ensure_can(by, REVIEW, Objection)
    ensure_can_edit(objection, by, REVIEW)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", "请写明处理意见（异议成立或不成立的理由）", "required")
    with transaction.atomic():
        locked = Objection.objects.select_for_update().select_related("result", "publication").get(pk=objection.pk)
        if locked.status != ObjectionStatus.PENDING:
            raise IllegalTransition(f"该异议已处理（{locked.get_status_display()}）", code="already_reviewed")
        result = PublishedResult.objects.select_for_update().get(pk=locked.result_id)
        now = timezone.now()
        before = audit.snapshot(locked, ["status", "review_reason"])
        correction_after: dict[str, Any] | None = None
        if accept:
            code = (new_result_code or "").strip()
            category = ResultCategory.objects.filter(code=code, is_active=True).first() if code else None
            if category is None:
                raise ValidationFailed.for_field("new_result_code", "异议成立时须选择更正后的检查结果", "required")
            if category.code == result.result_code:
                raise ValidationFailed.for_field(
                    "new_result_code", f"更正后的检查结果与原结果相同（{result.result_label}）", "unchanged")
            correction = ResultCorrection.objects.create(
                result=result, objection=locked, old_code=result.result_code, old_label=result.result_label,
                new_code=category.code, new_label=category.label, reason=reason, corrected_at=now,
                corrected_by=_user(by),
            )
            result.result_code, result.result_label = category.code, category.label
            result.is_problem, result.is_corrected = category.is_problem, True
            correction_after = {"old": correction.old_code, "new": correction.new_code, "result_id": result.pk}
            locked.status = ObjectionStatus.ACCEPTED
        else:
            locked.status = ObjectionStatus.REJECTED
        # Either way the objection and its outcome are now shown beside the line (the public pages read them).
        result.has_reviewed_objection = True
        result.save(update_fields=["result_code", "result_label", "is_problem", "is_corrected",
                                   "has_reviewed_objection"])
        locked.reviewed_at, locked.reviewed_by, locked.review_reason = now, _user(by), reason
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_reason", "updated_at"])
        # The outcome (and any correction) is shown beside the result on the entity's page.
        _public_page_changed([locked.publication.entity_id])
        audit.record(actor=by, action=f"objection.{locked.status}", target=locked, before=before,
                     after={**audit.snapshot(locked, ["status", "review_reason"]), "correction": correction_after})
    return locked


# ---------------------------------------------------------------- typical cases


def typical_case_mark(publication: Publication, /, *, by: Any, title: str, summary: str) -> TypicalCase:
    """Put a published result on the exposure board (曝光台 [000][002]) as a typical case."""
    ensure_can_edit(publication, by, CHANGE)
    title, summary = (title or "").strip(), (summary or "").strip()
    errors = []
    if not title:
        errors.append(FieldError("title", "请填写案例标题", "required"))
    elif len(title) > 200:
        errors.append(FieldError("title", "标题不能超过 200 字", "too_long"))
    if len(summary) < 10:
        errors.append(FieldError("summary", "请填写案例摘要（至少 10 个字；勿写入自然人姓名等个人信息）", "required"))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    if publication.status != PublicationStatus.PUBLISHED:
        raise IllegalTransition("只有已公示的检查结果才能列为典型案例", code="not_published")
    with transaction.atomic():
        case = TypicalCase.objects.create(
            publication=publication, department=publication.department, title=title, summary=summary,
            published_at=timezone.now(), created_by=_user(by),
        )
        audit.record(actor=by, action="typical_case.marked", target=case,
                     after={"publication_id": publication.pk, "title": title})
    return case


def typical_case_withdraw(case: TypicalCase, /, *, by: Any) -> TypicalCase:
    """Take a typical case off the exposure board (its row and history stay)."""
    ensure_can(by, CHANGE, Publication)
    ensure_can_edit(case.publication, by, CHANGE)
    with transaction.atomic():
        locked = TypicalCase.objects.select_for_update().get(pk=case.pk)
        if not locked.is_active:
            raise IllegalTransition("该案例已撤下", code="already_withdrawn")
        locked.is_active, locked.withdrawn_at = False, timezone.now()
        locked.save(update_fields=["is_active", "withdrawn_at", "updated_at"])
        audit.record(actor=by, action="typical_case.withdrawn", target=locked, before={"is_active": True},
                     after={"is_active": False})
    return locked


# ---------------------------------------------------------------- draw disclosure


def draw_disclosure_set(draw: Draw, /, *, by: Any, is_snapshot_public: bool, reason: str = "",
                        basis: str = "") -> DrawDisclosure:
    """Whether a draw's population snapshot is published (default yes); withholding needs a legal ground."""
    ensure_can(by, CHANGE, Publication)
    if not Draw.objects.editable_by(by, CHANGE).filter(pk=draw.pk).exists():
        if Draw.objects.visible_to(by).filter(pk=draw.pk).exists():
            raise _deny(by, draw, "disclosure.publication:change", "只有实施抽取的部门可以决定名录快照是否公开")
        raise OutOfScope()
    if is_snapshot_public:
        reason, basis = "", ""
    else:
        reason, basis = _withhold_fields(reason, basis)
    with transaction.atomic():
        current = DrawDisclosure.objects.select_for_update().filter(draw=draw).first()
        before = audit.snapshot(current, ["is_snapshot_public", "reason", "basis"]) if current else None
        if current is None:
            current = DrawDisclosure(draw=draw)
        current.is_snapshot_public, current.reason, current.basis = is_snapshot_public, reason, basis
        current.decided_at, current.decided_by = timezone.now(), _user(by)
        current.save()
        audit.record(actor=by, action="draw.snapshot_disclosure", target=draw, before=before,
                     after=audit.snapshot(current, ["is_snapshot_public", "reason", "basis"]))
    return current
