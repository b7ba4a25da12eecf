"""Batch paths over a task's visits: schedule, record receipts, import results (spreadsheet), review.

Each function applies the same rules as its single-visit service in services.py (visit_schedule,
receipt_record, record_save + disposal_create + visit_submit, visit_review) to a whole batch:
permissions are checked for every visit first (refusals audited, 403), then every visit or row is
validated under the visits' row locks, and only if nothing fails is anything written, with bulk
inserts and updates, in one transaction. Errors name the visit (its 检查编号, the verification code)
or the spreadsheet row, the column and the rule. Every visit, record and disposal still gets its own
audit event (``audit.record_many``: one chain-head lock per batch).

The cost of a batch is a constant number of queries (plus one per distinct department for its
deadline rule), not a number per visit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO, NoReturn

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from jianguan.core import audit, tabular
from jianguan.core.exceptions import Conflict, FieldError, NotPermitted, ValidationFailed
from jianguan.core.scoping import ADD, CHANGE, scope_of
from jianguan.draws.models import DrawSelection, JointVisit
from jianguan.inspections import deadlines, rules, workflow
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
    DeadlineRule,
    DeliveryReceipt,
    Disposal,
    DisposalEvent,
    InspectionRecord,
    Notice,
    NoticeException,
    ResultCategory,
    Visit,
    VisitReview,
    VisitTeamMember,
)
from jianguan.organizations.models import Department
from jianguan.plans.models import Task

REVIEW = "review"
RECORD_LABEL = "inspections.inspectionrecord"
# Error codes that are a state conflict (409) rather than bad input (422).
STATE_CODES = frozenset({"visit_not_schedulable", "visit_closed", "visit_illegal_transition", "visit_not_recordable",
                         "record_locked"})


def _user(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _is_inspector(by: Any) -> bool:
    from jianguan.accounts.roles import Role

    return getattr(by, "role", None) == Role.INSPECTOR and not getattr(by, "is_superuser", False)


def visit_label(visit: Visit) -> str:
    """How an error names a visit: its 检查编号 (verification code) and the entity."""
    return f"检查 {visit.verification_code}（{visit.entity.name}）"


def _fail(what: str, errors: list[FieldError]) -> NoReturn:
    """Raise one error for the whole batch, listing every problem (409 if all are state conflicts)."""
    first = errors[0]
    more = f"（共 {len(errors)} 处错误）" if len(errors) > 1 else ""
    message = f"{what}未执行，未写入任何数据{more}：{first.message}"
    codes = {e.code for e in errors}
    code = first.code if len(codes) == 1 else "batch_invalid"
    if codes <= STATE_CODES:
        raise Conflict(message, code=code, errors=errors)
    raise ValidationFailed(message, code=code, errors=errors)


def _deny_many(by: Any, visits: Sequence[Visit], action: str, message: str) -> NotPermitted:
    """Audited refusals (one event per visit), then one 403 naming the visits."""
    audit.record_many(actor=by, entries=[audit.Entry("permission.denied", v, after={"action": action})
                                         for v in visits])
    codes = "、".join(v.verification_code for v in visits[:20])
    return NotPermitted(f"{message}：{codes}{' 等' if len(visits) > 20 else ''}（共 {len(visits)} 户）")


def _distinct(visits: Iterable[Visit], what: str) -> list[Visit]:
    out = list(visits)
    if not out:
        raise ValidationFailed.for_field("visits", f"请选择要{what}的检查", "required")
    seen: set[int] = set()
    for v in out:
        if v.pk in seen:
            raise ValidationFailed.for_field("visits", f"{v.verification_code} 在本批中出现了两次", "duplicate_visit")
        seen.add(v.pk)
    return out


def _ensure_may_edit_all(visits: Sequence[Visit], by: Any, what: str) -> None:
    allowed = set(Visit.objects.editable_by(by, CHANGE).filter(pk__in=[v.pk for v in visits])
                  .values_list("pk", flat=True))
    refused = [v for v in visits if v.pk not in allowed]
    if refused:
        raise _deny_many(by, refused, "inspections.visit:change", f"您无权{what}以下检查")


def _lock_many(ids: Sequence[int]) -> dict[int, Visit]:
    """Row locks on the visits (PostgreSQL; SQLite serialises writers anyway), in primary-key order."""
    qs = (Visit.objects.select_for_update(of=("self",)).select_related("task", "department", "entity")
          .filter(pk__in=list(ids)).order_by("pk"))
    return {v.pk: v for v in qs}


def _teams(ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """visit id -> [(inspector id, role), …] in one query."""
    out: dict[int, list[tuple[int, str]]] = {}
    for visit_id, inspector_id, role in VisitTeamMember.objects.filter(visit_id__in=list(ids)).order_by(
            "visit_id", "-role", "pk").values_list("visit_id", "inspector_id", "role"):
        out.setdefault(visit_id, []).append((inspector_id, role))
    return out


class _Rules:
    """Deadline rules per department region, read once per distinct region."""

    def __init__(self) -> None:
        self._by_region: dict[str, DeadlineRule] = {}

    def __call__(self, department: Any) -> DeadlineRule:
        key = str(getattr(department, "region_id", "") or "")
        if key not in self._by_region:
            self._by_region[key] = deadlines.rule_for_department(department)
        return self._by_region[key]


# ---------------------------------------------------------------- scheduling


def spread_over_working_days(visits: Sequence[Visit], date_from: dt.date, date_to: dt.date) -> list[tuple[Visit, dt.date]]:
    """Spread visits over the working days from ``date_from`` to ``date_to`` (both included).

    Visits are taken team by team (the leader, then the draw order), in even consecutive blocks, so a
    team's visits share days and the route of each day follows the draw order.
    """
    from jianguan.workdays.calendar import is_working_day

    if date_to < date_from:
        raise ValidationFailed.for_field("date_to", "结束日期早于开始日期", "invalid_range")
    days: list[dt.date] = []
    day = date_from
    while day <= date_to:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    if not days:
        raise ValidationFailed.for_field("date_from", f"{date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d} 没有工作日",
                                         "no_working_day")
    teams = _teams(v.pk for v in visits)
    leader = {pk: next((i for i, r in members if r == TeamRole.LEADER), 0) for pk, members in teams.items()}
    ordered = sorted(visits, key=lambda v: (leader.get(v.pk, 0), v.pk))
    n = len(ordered)
    return [(v, days[i * len(days) // n]) for i, v in enumerate(ordered)]


def _schedule_snapshot(visit: Visit) -> dict[str, Any]:
    return {"scheduled_on": visit.scheduled_on, "route_order": visit.route_order,
            "start_time": visit.start_time.strftime("%H:%M") if visit.start_time else None}


def visits_schedule_batch(
    assignments: Sequence[tuple[Visit, dt.date]], /, *, by: Any, start_time: dt.time | None = None,
) -> list[Visit]:
    """Schedule many visits at once (the rules of ``visit_schedule``), all or nothing.

    Each visit gets its date (inside the task window, while scheduled or notified) and becomes the last
    stop of its team's route that day, after the team's visits already on that day, in the order given.
    """
    pairs = list(assignments)
    visits = _distinct((v for v, _ in pairs), "排期")
    _ensure_may_edit_all(visits, by, "排期")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_many([v.pk for v in visits])
        errors: list[FieldError] = []
        for visit, day in pairs:
            v = locked[visit.pk]
            task = v.task
            if v.status not in workflow.SCHEDULABLE:
                errors.append(FieldError("visits", f"{visit_label(v)} 当前为「{v.get_status_display()}」，不能再调整检查时间",
                                         "visit_not_schedulable", value=v.verification_code))
            elif not isinstance(day, dt.date):
                errors.append(FieldError("scheduled_on", f"{visit_label(v)} 缺少检查日期", "required",
                                         value=v.verification_code))
            elif not (task.window_start_on <= day <= task.window_end_on):
                errors.append(FieldError(
                    "scheduled_on", f"{visit_label(v)} 的检查日期 {day:%Y-%m-%d} 不在抽查任务的检查时间 "
                    f"{task.window_start_on:%Y-%m-%d} 至 {task.window_end_on:%Y-%m-%d} 之内",
                    "outside_task_window", value=v.verification_code))
        if errors:
            _fail("批量排期", errors)
        ids = list(locked)
        teams = _teams(ids)
        key_of = {pk: frozenset(i for i, _ in teams.get(pk, [])) for pk in ids}
        leaders = {i for members in teams.values() for i, r in members if r == TeamRole.LEADER}
        days = {day for _, day in pairs}
        # The teams' visits already on those days (other than this batch), and their teams: two queries.
        others = list(
            Visit.objects.filter(scheduled_on__in=days, team_members__inspector_id__in=leaders)
            .exclude(pk__in=ids).exclude(status=VisitStatus.CANCELLED).distinct()
            .values_list("pk", "scheduled_on", "route_order")
        )
        other_teams = _teams(pk for pk, _, _ in others)
        last: dict[tuple[frozenset[int], dt.date], int] = {}
        for pk, day, order in others:
            if order is None:
                continue
            key = (frozenset(i for i, _ in other_teams.get(pk, [])), day)
            last[key] = max(last.get(key, 0), order)
        entries: list[audit.Entry] = []
        out: list[Visit] = []
        for visit, day in pairs:
            v = locked[visit.pk]
            key = (key_of[v.pk], day)
            last[key] = last.get(key, 0) + 1
            before = _schedule_snapshot(v)
            v.scheduled_on, v.route_order = day, last[key]
            v.start_time = start_time or v.start_time or dt.time(9, 0)
            v.updated_at = now
            old, new = audit.changes(before, _schedule_snapshot(v))
            entries.append(audit.Entry("visit.scheduled", v, before=old, after={**new, "batch": True}))
            out.append(v)
        Visit.objects.bulk_update(out, ["scheduled_on", "start_time", "route_order", "updated_at"], batch_size=1000)
        audit.record_many(actor=by, entries=entries)
    return out


# ---------------------------------------------------------------- receipts


def _receipt_errors(data: Mapping[str, Any], label: str, code: str) -> list[FieldError]:
    """The checks of receipt_record, each message naming the visit."""
    errors: list[FieldError] = []
    delivered_at = data.get("delivered_at")
    if not isinstance(delivered_at, dt.datetime):
        errors.append(FieldError("delivered_at", f"{label}：请填写送达时间", "required", value=code))
    elif delivered_at > timezone.now() + dt.timedelta(minutes=5):
        errors.append(FieldError("delivered_at", f"{label}：送达时间不能晚于现在", "in_future", value=code))
    if not (data.get("receiver_name") or "").strip():
        errors.append(FieldError("receiver_name", f"{label}：请填写受送达人", "required", value=code))
    if not data.get("method"):
        errors.append(FieldError("method", f"{label}：请选择送达方式", "required", value=code))
    if data.get("scan"):
        errors.append(FieldError("scan", f"{label}：批量登记不接收扫描件，请在检查页逐户上传", "scan_not_batch",
                                 value=code))
    return errors


def receipts_record_batch(
    visits: Sequence[Visit], /, *, by: Any, data: Mapping[str, Any],
    overrides: Mapping[int, Mapping[str, Any]] | None = None,
) -> list[DeliveryReceipt]:
    """Record the delivery receipt (送达回证) of many visits' notices at once (the rules of receipt_record).

    ``data`` holds method, delivered_at, receiver_name and note for every visit; ``overrides`` (by visit
    id) replaces some of them for single visits (e.g. each visit's own delivery time). No scans here.
    """
    chosen = _distinct(visits, "登记送达")
    _ensure_may_edit_all(chosen, by, "登记送达回证")
    overrides = overrides or {}
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_many([v.pk for v in chosen])
        errors: list[FieldError] = []
        merged: dict[int, dict[str, Any]] = {}
        for visit in chosen:
            v = locked[visit.pk]
            values = {**data, **overrides.get(v.pk, {})}
            merged[v.pk] = values
            if v.status in (VisitStatus.CANCELLED, VisitStatus.REVIEWED):
                errors.append(FieldError("visits", f"{visit_label(v)} 当前为「{v.get_status_display()}」，不能登记送达回证",
                                         "visit_closed", value=v.verification_code))
            errors += _receipt_errors(values, visit_label(v), v.verification_code)
        if errors:
            _fail("批量登记送达回证", errors)
        latest: dict[int, int] = {}
        for visit_id, notice_id in Notice.objects.filter(visit_id__in=list(locked)).order_by(
                "visit_id", "version").values_list("visit_id", "pk"):
            latest[visit_id] = notice_id
        receipts = []
        for visit in chosen:
            v, values = locked[visit.pk], merged[visit.pk]
            receipts.append(DeliveryReceipt(
                visit=v, notice_id=latest.get(v.pk), method=values["method"], delivered_at=values["delivered_at"],
                receiver_name=str(values["receiver_name"]).strip()[:100], note=(values.get("note") or "")[:300],
                recorded_at=now, recorded_by=_user(by)))
        DeliveryReceipt.objects.bulk_create(receipts, batch_size=1000)
        to_notify = [v.pk for v in locked.values() if v.status == VisitStatus.SCHEDULED]
        if to_notify:
            Visit.objects.filter(pk__in=to_notify).update(status=VisitStatus.NOTIFIED, updated_at=now)
        entries = []
        for receipt in receipts:
            v = locked[receipt.visit_id]
            before = v.status
            if v.status == VisitStatus.SCHEDULED:
                v.status = VisitStatus.NOTIFIED
            entries.append(audit.Entry("visit.receipt_recorded", v, before={"status": before}, after={
                "receipt": receipt.pk, "method": receipt.method, "delivered_at": receipt.delivered_at,
                "receiver_name": receipt.receiver_name, "status": v.status, "batch": True}))
        audit.record_many(actor=by, entries=entries)
    return receipts


# ---------------------------------------------------------------- review


def visits_review_batch(visits: Sequence[Visit], /, *, by: Any, approve: bool, comments: str = "") -> list[VisitReview]:
    """The division head approves (locks) or returns many recorded visits at once (the rules of visit_review)."""
    chosen = _distinct(visits, "审核")
    scope = scope_of(by)
    if scope.unrestricted or not scope.can_label(REVIEW, RECORD_LABEL):
        raise _deny_many(by, chosen, f"{RECORD_LABEL}:review", "只有处室负责人可以审核检查结果")
    other = [v for v in chosen if v.department_id != scope.department_id]
    if other:
        raise _deny_many(by, other, f"{RECORD_LABEL}:review", "只有牵头部门的处室负责人可以审核本次检查结果")
    comments = (comments or "").strip()
    if not approve and not comments:
        raise ValidationFailed.for_field("comments", "退回时请填写审核意见", "required")
    target = VisitStatus.REVIEWED if approve else VisitStatus.RETURNED
    now, user = timezone.now(), _user(by)
    with transaction.atomic():
        locked = _lock_many([v.pk for v in chosen])
        errors = [
            FieldError("visits", f"{visit_label(v)} 当前为「{v.get_status_display()}」，不能变为「{target.label}」",
                       "visit_illegal_transition", value=v.verification_code)
            for v in (locked[c.pk] for c in chosen) if not workflow.can_visit_transition(v.status, target)
        ]
        if errors:
            _fail("批量审核", errors)
        ids = list(locked)
        records = InspectionRecord.objects.filter(visit_id__in=ids)
        if approve:
            records.update(status=RecordStatus.APPROVED, approved_at=now, approved_by=user, updated_at=now)
            Visit.objects.filter(pk__in=ids).update(status=target, reviewed_at=now, reviewed_by=user, updated_at=now)
        else:
            records.update(status=RecordStatus.RETURNED, updated_at=now)
            Visit.objects.filter(pk__in=ids).update(status=target, updated_at=now)
        reviews = [VisitReview(visit=locked[v.pk], decision=ReviewDecision.APPROVE if approve else ReviewDecision.RETURN,
                               comments=comments, decided_at=now, decided_by=user) for v in chosen]
        VisitReview.objects.bulk_create(reviews, batch_size=1000)
        entries = []
        for v in chosen:
            lv = locked[v.pk]
            before = lv.status
            lv.status = target
            if approve:
                lv.reviewed_at, lv.reviewed_by = now, user
            entries.append(audit.Entry("visit.reviewed" if approve else "visit.returned", lv, before={"status": before},
                                       after={"status": target, "comments": comments, "batch": True}))
        audit.record_many(actor=by, entries=entries)
    return reviews


# ---------------------------------------------------------------- results import (spreadsheet)


class ResultsTableSpec(tabular.TableSpec):
    """The columns of the results spreadsheet of a task (one row per visit and item)."""

    name = "inspection_results"
    title = "检查结果"
    columns = (
        tabular.Column("visit_code", "检查编号", example="ABCD2345", help="检查的核验码（模板已填）"),
        tabular.Column("uscc", "统一社会信用代码", required=False, example="91430300MA4L000000",
                       help="可选；填写时须与检查编号的检查对象一致"),
        tabular.Column("entity_name", "检查对象", required=False, help="仅供核对，导入时不读取"),
        tabular.Column("item_code", "事项编码", example="SJ-001", help="本次检查的检查事项编码（模板已填）"),
        tabular.Column("item_name", "检查事项", required=False, help="仅供核对，导入时不读取"),
        tabular.Column("result", "检查结果", example="未发现问题",
                       help="抽查检查结果类别：规范名称、结果代码或曾用表述；留空的行不导入"),
        tabular.Column("inspected_on", "检查日期", example="2026-12-02", help="年-月-日；不得早于安排的检查日期"),
        tabular.Column("inspectors", "检查人员", required=False, example="湘43030000101;湘43030000102",
                       help="到场检查人员的执法证号，以分号分隔，至少 2 人；留空为检查组全体"),
        tabular.Column("findings", "检查情况", required=False),
        tabular.Column("late_reason", "逾期说明", required=False,
                       help="非检查当日录入时必填（7 个工作日内补录 [003]）"),
        tabular.Column("disposal_kind", "处置方式", required=False, example="责令整改",
                       help="可选：无需处置 / 责令整改 / 移送主管部门（双告知） / 移交案件线索 / 移送司法机关"),
        tabular.Column("due_on", "整改期限", required=False, example="2026-12-31", help="责令整改时必填"),
        tabular.Column("disposal_description", "处置说明", required=False),
        tabular.Column("target_department", "接收部门编码", required=False, help="移送主管部门时必填（平台上的部门编码）"),
        tabular.Column("target_name", "接收单位", required=False, help="移交案件线索、移送司法机关时填写接收单位"),
    )
    key = "visit_code"


HEADER = {c.key: c.header for c in ResultsTableSpec.columns}
# A row is an entry when any of these is filled; the template's pre-filled columns alone are not.
ENTRY_KEYS = ("result", "findings", "late_reason", "disposal_kind", "due_on", "disposal_description",
              "target_department", "target_name")
_SPLIT = re.compile(r"[;；,，、\s]+")


@dataclass
class ImportOutcome:
    """What a results import wrote."""

    rows: int = 0
    skipped: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    disposals: int = 0
    submitted: list[str] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)

    @property
    def message(self) -> str:
        return (f"导入成功：共 {self.rows} 行，新增检查记录 {self.created}，修改 {self.updated}，未变 {self.unchanged}，"
                f"后续处置 {self.disposals}，提交审核 {len(self.submitted)} 户" +
                (f"；{self.skipped} 行未填写检查结果，未导入" if self.skipped else ""))

    def as_dict(self) -> dict[str, Any]:
        return {"ok": True, "rows": self.rows, "skipped": self.skipped, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "disposals": self.disposals,
                "submitted": list(self.submitted), "message": self.message}


def results_parse(fh: BinaryIO, filename: str) -> list[dict[str, Any]]:
    """Rows of an uploaded results spreadsheet (CSV or XLSX): {column key: cell text, "row": row number}.

    The header must be the template's (unknown or missing columns refuse the file, row 1); cell values
    are checked by ``results_import`` so that every row's errors are reported together.
    """
    spec = ResultsTableSpec()
    rows: Any = iter(())
    try:
        rows = tabular.iter_table(fh, filename)
        header = next(rows, None)
        if header is None:
            raise tabular.FileRejected("文件是空的：第 1 行应为表头")
        mapped = tabular.map_headers(spec, header)
        out: list[dict[str, Any]] = []
        for rownum, cells in enumerate(rows, start=2):
            if not any(cells):
                continue
            row: dict[str, Any] = {"row": rownum}
            for i, col in enumerate(mapped):
                if col is not None:
                    row[col.key] = cells[i].strip() if i < len(cells) else ""
            out.append(row)
    except tabular.FileRejected as exc:
        errors = exc.errors or [FieldError("file", exc.message, "file_rejected")]
        raise ValidationFailed(f"无法读取文件：{exc.message}", code="file_rejected", errors=errors) from None
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # before the upload is closed: the CSV reader detaches from it
    return out


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _code(value: Any) -> str:
    return _text(value).replace("-", "").replace(" ", "").upper()


def _date(value: Any) -> dt.date | None:
    """A date from a date, or from text as 2026-12-02, 2026/12/02, 2026.12.02 or 20261202; None if unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).split(" ")[0]
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class _ResultMatcher:
    """resolve_result over the categories read once: the code, the canonical label or an alias."""

    def __init__(self, categories: Iterable[ResultCategory]) -> None:
        self.ordered = list(categories)
        self.by_code = {c.code: c for c in self.ordered}

    def __call__(self, value: Any) -> ResultCategory | None:
        if isinstance(value, ResultCategory):
            return value
        text = _text(value)
        if not text:
            return None
        if text in self.by_code:
            return self.by_code[text]
        wanted = rules.normalise_wording(text)
        # The same order as resolve_result: the first category (by sort order) whose label or alias matches.
        for c in self.ordered:
            if wanted == rules.normalise_wording(c.label) or wanted in {rules.normalise_wording(a) for a in c.aliases}:
                return c
        return None


def _disposal_kind(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return ""
    wanted = rules.normalise_wording(text)
    for kind in DisposalKind:
        if text == kind.value or wanted == rules.normalise_wording(str(kind.label)):
            return str(kind.value)
    return None


@dataclass
class _Row:
    """One validated row, ready to write."""

    row: int
    visit: Visit
    item_id: int
    result: ResultCategory
    findings: str
    inspected_on: dt.date
    inspectors: list[int]
    late_reason: str
    is_late: bool
    existing: InspectionRecord | None
    disposal: dict[str, Any] | None


def _may_enter(scope: Any, by: Any, visit: Visit, team_users: set[int], involved: set[int]) -> bool:
    """_ensure_may_enter of services.py, from preloaded teams and departments."""
    if scope.unrestricted:
        return True
    if _is_inspector(by):
        return getattr(by, "pk", None) in team_users
    return scope.department_id in involved


def results_import(task: Task, rows: Sequence[Mapping[str, Any]], /, *, by: Any, submit: bool = True) -> ImportOutcome:
    """Enter (or correct) the results of a task's visits from spreadsheet rows, all or nothing.

    A row (keys as in ``ResultsTableSpec``; ``row`` = its spreadsheet row number) is one item of one
    visit: the rules of ``record_save`` apply to every row (the visit's drawn entity and items, the team
    and at least two inspectors, a result category, the entry deadline and the late reason, the 48-hour
    notice rule when the entry starts the visit), and of ``disposal_create`` to its optional follow-up
    disposal. Every row is checked first; any error raises with every row's errors (row, column,
    rule) and nothing is written. Rows without a result (nor any other entry) are skipped.
    With ``submit``, every visit whose items all have a record afterwards is submitted for review.
    """
    scope = scope_of(by)
    if not (scope.can_label(ADD, RECORD_LABEL) and scope.can_label(CHANGE, RECORD_LABEL)):
        audit.record(actor=by, action="permission.denied", target=task, after={"action": f"{RECORD_LABEL}:add"})
        raise NotPermitted("您的角色无权录入检查结果")
    all_rows = [dict(r) for r in rows]
    for n, r in enumerate(all_rows, start=2):
        r.setdefault("row", n)
    entries = [r for r in all_rows if any(isinstance(r.get(k), ResultCategory) or _text(r.get(k)) for k in ENTRY_KEYS)]
    outcome = ImportOutcome(rows=len(all_rows), skipped=len(all_rows) - len(entries))
    if not entries:
        raise ValidationFailed.for_field("file", "没有填写了检查结果的行：请在「检查结果」列填写后再导入", "no_rows")

    codes = {_code(r.get("visit_code")) for r in entries}
    found = {v.verification_code: v for v in Visit.objects.filter(task=task, verification_code__in=codes)}
    ids = [v.pk for v in found.values()]
    team_rows = list(VisitTeamMember.objects.filter(visit_id__in=ids).order_by("visit_id", "-role", "pk").values_list(
        "visit_id", "inspector_id", "inspector__certificate_no", "inspector__user_id"))
    team_users: dict[int, set[int]] = {}
    for visit_id, _i, _c, user_id in team_rows:
        if user_id is not None:
            team_users.setdefault(visit_id, set()).add(user_id)
    involved: dict[int, set[int]] = {v.pk: {v.department_id} for v in found.values()}
    for visit_id, dept_id in Visit.departments.through.objects.filter(visit_id__in=ids).values_list(
            "visit_id", "department_id"):
        involved[visit_id].add(dept_id)
    if any(_text(r.get("disposal_kind")) for r in entries) and not scope.can(ADD, Disposal):
        audit.record(actor=by, action="permission.denied", target=task, after={"action": "inspections.disposal:add"})
        raise NotPermitted("您的角色无权登记后续处置：请清空「处置方式」等列后再导入，或由业务处室登记")
    refused = [v for v in found.values() if not _may_enter(scope, by, v, team_users.get(v.pk, set()),
                                                           involved[v.pk])]
    if refused:
        raise _deny_many(by, list(Visit.objects.filter(pk__in=[v.pk for v in refused]).select_related(
            "entity", "task").order_by("pk")), f"{RECORD_LABEL}:add", "您无权录入以下检查的结果")

    now, today, user = timezone.now(), timezone.localdate(), _user(by)
    with transaction.atomic():
        locked = _lock_many(ids)
        by_code = {v.verification_code: v for v in locked.values()}
        items: dict[int, dict[str, tuple[int, str]]] = {pk: {} for pk in ids}
        for visit_id, item_id, code, name in Visit.items.through.objects.filter(visit_id__in=ids).values_list(
                "visit_id", "inspectionitem_id", "inspectionitem__code", "inspectionitem__name"):
            items[visit_id][code] = (item_id, name)
        team: dict[int, list[int]] = {}
        certs: dict[int, dict[str, int]] = {}
        for visit_id, inspector_id, cert, _u in team_rows:
            team.setdefault(visit_id, []).append(inspector_id)
            certs.setdefault(visit_id, {})[_code(cert)] = inspector_id
        existing: dict[tuple[int, int], InspectionRecord] = {
            (r.visit_id, r.item_id): r for r in InspectionRecord.objects.filter(visit_id__in=ids)}
        existing_inspectors: dict[int, list[int]] = {}
        for record_id, inspector_id in InspectionRecord.inspectors.through.objects.filter(
                inspectionrecord_id__in=[r.pk for r in existing.values()]).values_list(
                "inspectionrecord_id", "inspector_id"):
            existing_inspectors.setdefault(record_id, []).append(inspector_id)
        match = _ResultMatcher(ResultCategory.objects.order_by("sort_order", "code"))
        drawn = set(DrawSelection.objects.filter(
            draw_id__in={v.draw_id for v in locked.values() if v.draw_id},
            entity_id__in={v.entity_id for v in locked.values()}).values_list("draw_id", "entity_id"))
        merged = set(JointVisit.objects.filter(
            joint_round_id__in={v.joint_round_id for v in locked.values() if v.joint_round_id},
            entity_id__in={v.entity_id for v in locked.values()}).values_list("joint_round_id", "entity_id"))
        to_start = [v for v in locked.values() if v.status in (VisitStatus.SCHEDULED, VisitStatus.NOTIFIED)]
        excepted = set(NoticeException.objects.filter(visit_id__in=[v.pk for v in to_start]).values_list(
            "visit_id", flat=True))
        first_receipt = dict(DeliveryReceipt.objects.filter(visit_id__in=[v.pk for v in to_start]).values(
            "visit_id").annotate(first=Min("delivered_at")).values_list("visit_id", "first"))
        dept_codes = {_text(r.get("target_department")) for r in entries} - {""}
        departments = {d.code: d for d in Department.objects.filter(code__in=dept_codes)} if dept_codes else {}
        rule_of = _Rules()

        errors: list[FieldError] = []
        good: list[_Row] = []
        seen: dict[tuple[int, int], int] = {}
        notice_checked: set[int] = set()

        def err(rownum: int, key: str, message: str, code: str, value: Any = None) -> None:
            errors.append(FieldError(HEADER.get(key, key), f"第 {rownum} 行「{HEADER.get(key, key)}」：{message}", code,
                                     row=rownum, value=None if value in (None, "") else _text(value)[:100]))

        for r in entries:
            n = int(r["row"])
            before = len(errors)
            visit = by_code.get(_code(r.get("visit_code")))
            if visit is None:
                raw = _text(r.get("visit_code"))
                if raw:
                    err(n, "visit_code", f"检查编号 {raw} 不是本任务（{task.name}）的检查", "visit_not_in_task", raw)
                else:
                    err(n, "visit_code", "不能为空", "required")
                continue
            label = visit_label(visit)
            if visit.status not in workflow.RECORDABLE:
                err(n, "visit_code", f"{label} 当前为「{visit.get_status_display()}」，不能录入或修改检查结果",
                    "visit_not_recordable", visit.verification_code)
                continue
            uscc = _code(r.get("uscc"))
            if uscc and uscc != visit.entity.uscc.upper():
                err(n, "uscc", f"{uscc} 不是 {label} 的检查对象（不在本次检查的抽取结果中）", "entity_not_drawn", uscc)
            elif (visit.draw_id and (visit.draw_id, visit.entity_id) not in drawn) or (
                    visit.joint_round_id and (visit.joint_round_id, visit.entity_id) not in merged):
                err(n, "uscc", f"检查对象「{visit.entity.name}」不在本次抽取结果中", "entity_not_drawn")
            item_code = _text(r.get("item_code"))
            item = items[visit.pk].get(item_code)
            record = None
            if not item_code:
                err(n, "item_code", "不能为空", "required")
            elif item is None:
                err(n, "item_code", f"检查事项 {item_code} 不在 {label} 的事项之中", "item_not_in_visit", item_code)
            else:
                first = seen.get((visit.pk, item[0]))
                if first is not None:
                    err(n, "item_code", f"{label} 的检查事项 {item_code} 与第 {first} 行重复", "duplicate_key", item_code)
                seen.setdefault((visit.pk, item[0]), n)
                record = existing.get((visit.pk, item[0]))
                if record is not None and record.is_locked:
                    err(n, "item_code", f"{label} 的检查事项 {item_code} 的检查记录已审核通过并锁定，不能修改",
                        "record_locked", item_code)
            raw_result = r.get("result")
            result = match(raw_result)
            if result is None:
                if _text(raw_result):
                    err(n, "result", f"「{_text(raw_result)}」不是规范的抽查检查结果类别", "result_unknown", raw_result)
                else:
                    err(n, "result", "不能为空", "required")
            elif not result.is_active:
                err(n, "result", f"检查结果类别「{result.label}」已停用", "result_inactive", raw_result)
            inspector_ids = _inspectors(r.get("inspectors"), team.get(visit.pk, []), certs.get(visit.pk, {}))
            if isinstance(inspector_ids, str):
                err(n, "inspectors", f"{inspector_ids} 不是 {label} 的检查组成员", "inspector_not_in_team",
                    r.get("inspectors"))
                inspector_ids = []
            elif len(inspector_ids) < rules.minimum_team_size():
                err(n, "inspectors", f"到场检查人员只有 {len(inspector_ids)} 人，至少需要 2 人", "too_few_inspectors",
                    r.get("inspectors"))
            raw_day = r.get("inspected_on")
            inspected_on = _date(raw_day)
            late_reason = _text(r.get("late_reason"))
            is_late = False
            if inspected_on is None:
                err(n, "inspected_on", "请填写检查日期（年-月-日）" if not _text(raw_day) else
                    f"「{_text(raw_day)}」不是日期（年-月-日）", "required" if not _text(raw_day) else "invalid", raw_day)
            elif inspected_on > today:
                err(n, "inspected_on", "检查日期不能晚于今天", "in_future", raw_day)
            elif visit.scheduled_on is not None and inspected_on < visit.scheduled_on:
                err(n, "inspected_on", f"检查日期早于安排的检查日期 {visit.scheduled_on:%Y-%m-%d}", "before_schedule",
                    raw_day)
            else:
                rule = rule_of(visit.department)
                entry = deadlines.entry_check(inspected_on, today, rule)
                is_late = entry.is_late
                if record is None and entry.is_refused:
                    err(n, "inspected_on",
                        f"检查日期为 {inspected_on:%Y-%m-%d}，补录期限已于 {entry.grace_due_on:%Y-%m-%d} 届满"
                        f"（检查当日录入，特殊情况 {rule.entry_grace_working_days} 个工作日内补录 [003]），不能再录入",
                        "entry_deadline_passed", raw_day)
                elif record is None and entry.is_late and not late_reason:
                    err(n, "late_reason", "非检查当日录入，请说明补录理由", "late_reason_required")
            if visit.status in (VisitStatus.SCHEDULED, VisitStatus.NOTIFIED) and visit.pk not in notice_checked:
                notice_checked.add(visit.pk)
                problem = _notice_problem(visit, visit.pk in excepted, first_receipt.get(visit.pk), rule_of)
                if problem:
                    err(n, "visit_code", f"{label}：{problem}", "notice_not_delivered_48h", visit.verification_code)
            disposal = _disposal_of(r, n, departments, err)
            if len(errors) == before and result is not None and inspected_on is not None and item is not None:
                good.append(_Row(n, visit, item[0], result, _text(r.get("findings")), inspected_on,
                                 list(inspector_ids), late_reason, is_late, record, disposal))
        if errors:
            _fail("检查结果导入", errors)
        _write_results(good, locked, existing, existing_inspectors, items, submit, outcome, by=by, user=user, now=now)
    return outcome


def _inspectors(value: Any, team: list[int], certs: Mapping[str, int]) -> list[int] | str:
    """The inspector ids of a row: the team when blank; certificate numbers, ids or Inspector objects
    otherwise. A string return names the ones not in the team."""
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        return list(team)
    values: Iterable[Any] = _SPLIT.split(value.strip()) if isinstance(value, str) else value
    out: list[int] = []
    outsiders: list[str] = []
    for v in values:
        if v in ("", None):
            continue
        pk = getattr(v, "pk", None)
        if pk is None and isinstance(v, int):
            pk = v
        if pk is None:
            pk = certs.get(_code(v))
            if pk is None:
                outsiders.append(str(v))
                continue
        if pk not in team:
            outsiders.append(str(getattr(v, "name", v)))
            continue
        if pk not in out:
            out.append(pk)
    return "、".join(outsiders) if outsiders else out


def _notice_problem(visit: Visit, excepted: bool, first: dt.datetime | None, rule_of: _Rules) -> str:
    """notice_rule_check from preloaded exceptions and receipts; "" when the visit may start."""
    start = visit.scheduled_start_at
    if start is None:
        return "检查尚未排期，不能开始检查"
    if excepted:
        return ""
    rule = rule_of(visit.department)
    latest = deadlines.notice_latest_delivery_at(start, rule)
    if first is None:
        return (f"尚未登记《行政检查告知书》送达回证：告知书须在检查开始前 {rule.notice_hours} 小时"
                f"（{timezone.localtime(latest):%Y-%m-%d %H:%M} 前）送达，或登记经批准的例外")
    if first > latest:
        return (f"告知书于 {timezone.localtime(first):%Y-%m-%d %H:%M} 送达，距检查开始"
                f"（{timezone.localtime(start):%Y-%m-%d %H:%M}）不足 {rule.notice_hours} 小时")
    return ""


def _disposal_of(r: Mapping[str, Any], n: int, departments: Mapping[str, Department], err: Any) -> dict[str, Any] | None:
    """The row's follow-up disposal (the checks of disposal_create), or None without one."""
    keys = ("disposal_kind", "due_on", "disposal_description", "target_department", "target_name")
    if not any(_text(r.get(k)) for k in keys):
        return None
    kind = _disposal_kind(r.get("disposal_kind"))
    if kind is None:
        err(n, "disposal_kind", f"「{_text(r.get('disposal_kind'))}」不是处置方式（"
            f"{'、'.join(str(k.label) for k in DisposalKind)}）", "invalid", r.get("disposal_kind"))
        return None
    if not kind:
        err(n, "disposal_kind", "填写了处置内容，请选择处置方式", "required")
        return None
    due_on = _date(r.get("due_on")) if _text(r.get("due_on")) else None
    if _text(r.get("due_on")) and due_on is None:
        err(n, "due_on", f"「{_text(r.get('due_on'))}」不是日期（年-月-日）", "invalid", r.get("due_on"))
        return None
    target = None
    code = _text(r.get("target_department"))
    if code:
        target = departments.get(code)
        if target is None:
            err(n, "target_department", f"部门编码 {code} 不存在", "not_found", code)
            return None
    from jianguan.inspections.services import _disposal_validate

    data = {"kind": kind, "due_on": due_on, "target_department": target,
            "target_name": _text(r.get("target_name")), "description": _text(r.get("disposal_description"))}
    problems = _disposal_validate(kind, data)
    for p in problems:
        err(n, {"due_on": "due_on", "target_department": "target_department", "target_name": "target_name"}.get(
            p.field, "disposal_kind"), p.message, p.code)
    return None if problems else data


def _write_results(good: list[_Row], locked: dict[int, Visit], existing: dict[tuple[int, int], InspectionRecord],
                   existing_inspectors: dict[int, list[int]], items: dict[int, dict[str, tuple[int, str]]],
                   submit: bool, outcome: ImportOutcome, *, by: Any, user: Any, now: dt.datetime) -> None:
    """Write the validated rows: start visits, records (new and corrected), inspectors, disposals, submit."""
    entries: list[audit.Entry] = []
    touched = {row.visit.pk for row in good}
    start_ids = [pk for pk in touched if locked[pk].status in (VisitStatus.SCHEDULED, VisitStatus.NOTIFIED)]
    if start_ids:
        # Entering results starts the visit (the 48-hour rule was checked above) [003].
        Visit.objects.filter(pk__in=start_ids).update(status=VisitStatus.IN_PROGRESS, started_at=now, updated_at=now)
        for pk in start_ids:
            locked[pk].status, locked[pk].started_at = VisitStatus.IN_PROGRESS, now
    new: list[tuple[_Row, InspectionRecord]] = []
    changed: list[tuple[_Row, InspectionRecord, dict[str, Any]]] = []
    for row in good:
        fields = {"result_id": row.result.code, "findings": row.findings, "inspected_on": row.inspected_on}
        if row.existing is None:
            new.append((row, InspectionRecord(
                visit=locked[row.visit.pk], item_id=row.item_id, entered_at=now, entered_by=user,
                is_late_entry=row.is_late, late_reason=row.late_reason if row.is_late else "", **fields)))
            continue
        record = row.existing
        before = audit.snapshot(record, ["result", "findings", "inspected_on"])
        before["inspectors"] = sorted(existing_inspectors.get(record.pk, []))
        same = (record.result_id == row.result.code and record.findings == row.findings
                and record.inspected_on == row.inspected_on and before["inspectors"] == sorted(row.inspectors)
                and record.status != RecordStatus.RETURNED and (not row.late_reason or row.late_reason == record.late_reason))
        if same:
            outcome.unchanged += 1
            continue
        for key, value in fields.items():
            setattr(record, key, value)
        if record.status == RecordStatus.RETURNED:
            record.status = RecordStatus.ENTERED
        if row.late_reason:
            record.late_reason = row.late_reason
        record.version += 1
        record.updated_at = now
        changed.append((row, record, before))
    InspectionRecord.objects.bulk_create([rec for _, rec in new], batch_size=1000)
    if changed:
        InspectionRecord.objects.bulk_update(
            [rec for _, rec, _ in changed],
            ["result_id", "findings", "inspected_on", "status", "late_reason", "version", "updated_at"], batch_size=1000)
        InspectionRecord.inspectors.through.objects.filter(
            inspectionrecord_id__in=[rec.pk for _, rec, _ in changed]).delete()
    through = InspectionRecord.inspectors.through
    InspectionRecord.inspectors.through.objects.bulk_create(
        [through(inspectionrecord_id=rec.pk, inspector_id=i) for row, rec in new for i in row.inspectors]
        + [through(inspectionrecord_id=rec.pk, inspector_id=i) for row, rec, _ in changed for i in row.inspectors],
        batch_size=2000)
    for row, rec in new:
        after = audit.snapshot(rec, ["result", "findings", "inspected_on"])
        after.update({"inspectors": sorted(row.inspectors), "visit": row.visit.pk, "item": rec.item_id,
                      "is_late_entry": rec.is_late_entry, "import_row": row.row})
        entries.append(audit.Entry("inspection_record.created", rec, after=after))
    for row, rec, before in changed:
        after = audit.snapshot(rec, ["result", "findings", "inspected_on"])
        after["inspectors"] = sorted(row.inspectors)
        old, new_values = audit.changes(before, after)
        new_values.update({"visit": row.visit.pk, "item": rec.item_id, "is_late_entry": rec.is_late_entry,
                           "import_row": row.row})
        entries.append(audit.Entry("inspection_record.updated", rec, before=old or None, after=new_values))
    outcome.created, outcome.updated = len(new), len(changed)

    record_of = {(row.visit.pk, rec.item_id): rec for row, rec in new}
    record_of.update({(row.visit.pk, rec.item_id): rec for row, rec, _ in changed})
    disposals: list[Disposal] = []
    scope = scope_of(by)
    for row in good:
        if row.disposal is None:
            continue
        disposed = record_of.get((row.visit.pk, row.item_id)) or row.existing
        assert disposed is not None
        data = row.disposal
        department_id = scope.department_id if not scope.unrestricted and scope.department_id else row.visit.department_id
        closed = data["kind"] == DisposalKind.NONE
        disposals.append(Disposal(
            record=disposed, department_id=department_id, kind=data["kind"], description=data["description"],
            due_on=data["due_on"], target_department=data["target_department"], target_name=data["target_name"][:200],
            created_by=user, status=DisposalStatus.CLOSED if closed else DisposalStatus.OPEN,
            closed_at=now if closed else None))
    if disposals:
        Disposal.objects.bulk_create(disposals, batch_size=1000)
        DisposalEvent.objects.bulk_create([
            DisposalEvent(disposal=d, kind=DisposalEventKind.CREATED, from_status="", to_status=d.status,
                          note=d.description, actor=user, occurred_at=now) for d in disposals], batch_size=1000)
        entries += [audit.Entry("disposal.created", d, after={"record": d.record_id, "kind": d.kind, "status": d.status})
                    for d in disposals]
    outcome.disposals = len(disposals)

    if submit:
        recorded: dict[int, set[int]] = {}
        last_day: dict[int, dt.date] = {}
        all_records = [*(r for key, r in existing.items() if key[0] in touched), *(rec for _, rec in new)]
        for rec in all_records:
            recorded.setdefault(rec.visit_id, set()).add(rec.item_id)
            last_day[rec.visit_id] = max(last_day.get(rec.visit_id, rec.inspected_on), rec.inspected_on)
        ready = []
        for pk in sorted(touched):
            v = locked[pk]
            wanted = {item_id for item_id, _ in items[pk].values()}
            if wanted <= recorded.get(pk, set()) and workflow.can_visit_transition(v.status, VisitStatus.RECORDED):
                was = v.status
                v.status, v.submitted_at, v.completed_on, v.updated_at = VisitStatus.RECORDED, now, last_day[pk], now
                ready.append(v)
                entries.append(audit.Entry("visit.submitted", v, before={"status": was},
                                           after={"status": v.status, "completed_on": v.completed_on, "batch": True}))
        if ready:
            Visit.objects.bulk_update(ready, ["status", "submitted_at", "completed_on", "updated_at"], batch_size=1000)
        outcome.submitted = [v.verification_code for v in ready]
    outcome.visits = [locked[pk] for pk in sorted(touched)]
    audit.record_many(actor=by, entries=entries)


# ---------------------------------------------------------------- the template


def results_template(task: Task, /, *, by: Any) -> IO[bytes]:
    """The results spreadsheet of a task (XLSX): one row per open visit and item, pre-filled.

    Pre-filled: 检查编号, 统一社会信用代码, 检查对象, 事项编码, 检查事项, 检查日期 (the scheduled day), 检查人员
    (the team's certificate numbers), and an existing record's result, findings and inspectors. A sheet
    lists the result categories; the 检查结果 and 处置方式 cells offer them as a drop-down.
    """
    import tempfile

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    visits = list(
        Visit.objects.visible_to(by).filter(task=task).exclude(status__in=[VisitStatus.CANCELLED, VisitStatus.REVIEWED])
        .select_related("entity").prefetch_related("items", "team_members__inspector", "records__inspectors",
                                                   "records__result")
        .order_by("scheduled_on", "route_order", "pk"))
    categories = list(ResultCategory.objects.filter(is_active=True).order_by("sort_order", "code"))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "检查结果"
    spec = ResultsTableSpec()
    ws.append([c.header + ("*" if c.required else "") for c in spec.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for v in visits:
        members = sorted(v.team_members.all(), key=lambda m: (m.role != TeamRole.LEADER, m.pk))
        team_certs = ";".join(m.inspector.certificate_no for m in members)
        records = {r.item_id: r for r in v.records.all()}
        for item in sorted(v.items.all(), key=lambda i: i.code):
            rec = records.get(item.pk)
            day = rec.inspected_on if rec else v.scheduled_on
            certs = ";".join(i.certificate_no for i in rec.inspectors.all()) if rec else team_certs
            ws.append([v.verification_code, v.entity.uscc, v.entity.name, item.code, item.name,
                       rec.result.label if rec else "", day.isoformat() if day else "", certs,
                       rec.findings if rec else "", "", "", "", "", "", ""])
    ref = wb.create_sheet("结果类别")
    ref.append(["结果代码", "规范名称", "发现问题"])
    for c in categories:
        ref.append([c.code, c.label, "是" if c.is_problem else "否"])
    ref.append([])
    ref.append(["处置方式"])
    first_kind = ref.max_row + 1
    for kind in DisposalKind:
        ref.append([str(kind.label)])
    last = max(ws.max_row, 2) + 500
    result_col = _column_letter(spec, "result")
    kind_col = _column_letter(spec, "disposal_kind")
    results_dv = DataValidation(type="list", formula1=f"'结果类别'!$B$2:$B${len(categories) + 1}", allow_blank=True)
    kinds_dv = DataValidation(type="list", formula1=f"'结果类别'!$A${first_kind}:$A${ref.max_row}", allow_blank=True)
    results_dv.add(f"{result_col}2:{result_col}{last}")
    kinds_dv.add(f"{kind_col}2:{kind_col}{last}")
    ws.add_data_validation(results_dv)
    ws.add_data_validation(kinds_dv)
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "必填", "示例", "说明"])
    for c in spec.columns:
        notes.append([c.header, "是" if c.required else "否", c.example, c.help])
    notes.append([])
    notes.append(["整个文件要么全部导入，要么一行也不写入；错误逐行列出（行号、列、规则）。未填写检查结果的行不导入。"])
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    wb.save(tmp)
    tmp.seek(0)
    return tmp


def _column_letter(spec: ResultsTableSpec, key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(i for i, c in enumerate(spec.columns, start=1) if c.key == key))
