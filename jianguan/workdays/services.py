"""Writes to the working-day calendar: validated, audited, and followed by a cache invalidation.

Only platform admins edit the calendar (views and API check that with ``ensure_can_edit`` before
calling these). Every service records one audit event and calls ``calendar.invalidate()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from jianguan.core import audit
from jianguan.core.exceptions import Conflict, FieldError, IllegalTransition, ValidationFailed
from jianguan.workdays import calendar, loader
from jianguan.workdays.choices import (
    NAMED_KINDS,
    WEEKDAY_ONLY_KINDS,
    WEEKEND_ONLY_KINDS,
    WORKING_KINDS,
    DayKind,
)
from jianguan.workdays.models import CalendarDay, CalendarYear

DAY_FIELDS = ("is_working_day", "kind", "holiday_name", "note")
MIN_YEAR, MAX_YEAR = 2000, 2100
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _user_or_none(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _actor_name(by: Any) -> str | None:
    # Management commands act without a user; the audit chain still says who.
    return None if _user_or_none(by) is not None else "manage.py load_calendar"


def day_errors(day: dt.date, values: Mapping[str, Any]) -> list[FieldError]:
    """Every way a day's values contradict each other or the day of the week, one error per field."""
    kind = values.get("kind")
    if kind not in DayKind.values:
        return [FieldError("kind", f"类型必须是以下之一：{'、'.join(str(label) for label in DayKind.labels)}",
                           "invalid_choice")]
    label = DayKind(kind).label
    errors: list[FieldError] = []
    expected_working = kind in WORKING_KINDS
    if values.get("is_working_day") is not expected_working:
        errors.append(FieldError(
            "is_working_day",
            f"类型为「{label}」的日期{'必须是' if expected_working else '不能是'}工作日（is_working_day 应为 "
            f"{'true' if expected_working else 'false'}）",
            "kind_mismatch",
        ))
    weekday = WEEKDAY_NAMES[day.weekday()]
    if kind in WEEKDAY_ONLY_KINDS and day.weekday() >= 5:
        hint = "周末上班应标为「调休工作日」" if kind == DayKind.WORKDAY else "周末本为休息日，调休休息只用于周一至周五"
        errors.append(FieldError("kind", f"{day.isoformat()} 是{weekday}，不能标为「{label}」：{hint}", "weekday_mismatch"))
    if kind in WEEKEND_ONLY_KINDS and day.weekday() < 5:
        hint = ("周一至周五休息应标为「法定节假日」或「调休休息日」" if kind == DayKind.WEEKEND
                else "调休上班只用于周六、周日，周一至周五本为工作日")
        errors.append(FieldError("kind", f"{day.isoformat()} 是{weekday}，不能标为「{label}」：{hint}", "weekday_mismatch"))
    name = values.get("holiday_name") or ""
    if kind == DayKind.HOLIDAY and not name:
        errors.append(FieldError("holiday_name", "法定节假日必须填写节日名称（如 国庆节）", "required"))
    if kind not in NAMED_KINDS and name:
        errors.append(FieldError("holiday_name", f"「{label}」不填写节日名称；节日当天请把类型改为「法定节假日」",
                                 "not_allowed"))
    return errors


def _merged(day: CalendarDay, data: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: getattr(day, k) for k in DAY_FIELDS} | {k: v for k, v in data.items() if k in DAY_FIELDS}
    # A new kind without an explicit is_working_day brings its own: holiday -> not working, etc.
    if "kind" in data and "is_working_day" not in data and data["kind"] in DayKind.values:
        values["is_working_day"] = data["kind"] in WORKING_KINDS
    values["holiday_name"] = (values.get("holiday_name") or "").strip()
    values["note"] = (values.get("note") or "").strip()
    return values


@transaction.atomic
def calendar_day_update(day: CalendarDay, /, *, by: Any, data: Mapping[str, Any]) -> CalendarDay:
    """Change one day (working or not, kind, holiday name, note); platform admins only."""
    values = _merged(day, data)
    errors = day_errors(day.day, values)
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    before = audit.snapshot(day, list(DAY_FIELDS))
    for key, value in values.items():
        setattr(day, key, value)
    after = audit.snapshot(day, list(DAY_FIELDS))
    if before == after:
        return day
    day.updated_by = _user_or_none(by)
    day.save()
    b, a = audit.changes(before, after)
    audit.record(actor=by, action="calendar_day.updated", target=day, before=b, after=a)
    calendar.invalidate()
    return day


def _check_year(year: Any) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed.for_field("year", f"年份必须是 {MIN_YEAR} 至 {MAX_YEAR} 之间的整数", "out_of_range")
    return year


def _year_exists(year: int) -> Conflict:
    return Conflict(f"{year} 年已在工作日历中，如需修改请逐日编辑或重新载入", code="year_exists",
                    errors=[FieldError("year", f"{year} 年已存在", "year_exists")])


def _create_year(year: int, rows: Sequence[loader.DayRow], *, by: Any, source: str, is_complete: bool) -> CalendarYear:
    user = _user_or_none(by)
    cy = CalendarYear.objects.create(year=year, source=source, is_complete=is_complete, loaded_at=timezone.now(),
                                     updated_by=user)
    CalendarDay.objects.bulk_create(
        [CalendarDay(day=r.day, is_working_day=r.is_working_day, kind=r.kind, holiday_name=r.holiday_name,
                     note=r.note, updated_by=user) for r in rows],
        batch_size=1000,
    )
    return cy


@transaction.atomic
def calendar_year_create(year: int, /, *, by: Any) -> CalendarYear:
    """Start a year by hand: Mon–Fri working, weekends rest, not yet complete; staff then mark holidays."""
    year = _check_year(year)
    if CalendarYear.objects.filter(year=year).exists():
        raise _year_exists(year)
    cy = _create_year(year, loader.plain_rows(year), by=by, source=loader.MANUAL_SOURCE, is_complete=False)
    audit.record(actor=by, action="calendar_year.created", target=cy, after=audit.snapshot(cy))
    calendar.invalidate()
    return cy


@transaction.atomic
def calendar_year_mark_complete(cy: CalendarYear, /, *, by: Any) -> CalendarYear:
    """Declare that a year's holidays and make-up days are all entered."""
    if cy.is_complete:
        raise IllegalTransition(f"{cy.year} 年已标记为完整", code="already_complete")
    if not CalendarDay.objects.filter(day__year=cy.year, kind=DayKind.HOLIDAY).exists():
        raise ValidationFailed.for_field(
            "is_complete", f"{cy.year} 年还没有任何法定节假日，请先按国务院办公厅的通知录入节假日和调休安排",
            "no_holidays",
        )
    before = audit.snapshot(cy)
    cy.is_complete = True
    cy.updated_by = _user_or_none(by)
    cy.save()
    b, a = audit.changes(before, audit.snapshot(cy))
    audit.record(actor=by, action="calendar_year.completed", target=cy, before=b, after=a)
    calendar.invalidate()
    return cy


@dataclass(frozen=True)
class LoadResult:
    """What load_calendar did to one year."""

    year: CalendarYear
    created: bool
    changed_days: int


@transaction.atomic
def calendar_year_load(year: int, /, *, by: Any, replace: bool = False) -> LoadResult:
    """Load one year from the installed chinese_calendar package; with replace, overwrite an existing year."""
    try:
        rows = loader.package_rows(year)
    except ValueError as exc:
        raise ValidationFailed.for_field("year", str(exc), "not_in_package") from None
    existing = CalendarYear.objects.filter(year=year).first()
    if existing is None:
        cy = _create_year(year, rows, by=by, source=loader.PACKAGE_SOURCE, is_complete=True)
        audit.record(actor=by, action="calendar_year.loaded", target=cy, actor_username=_actor_name(by),
                     after=audit.snapshot(cy) | {"days": len(rows)})
        calendar.invalidate()
        return LoadResult(cy, True, len(rows))
    if not replace:
        raise _year_exists(year)
    current = {d.day: d for d in CalendarDay.objects.filter(day__year=year)}
    user = _user_or_none(by)
    changed: list[CalendarDay] = []
    added: list[CalendarDay] = []
    for r in rows:
        obj = current.get(r.day)
        if obj is None:
            added.append(CalendarDay(day=r.day, is_working_day=r.is_working_day, kind=r.kind,
                                     holiday_name=r.holiday_name, note=r.note, updated_by=user))
            continue
        new = (r.is_working_day, r.kind, r.holiday_name, r.note)
        if (obj.is_working_day, obj.kind, obj.holiday_name, obj.note) != new:
            obj.is_working_day, obj.kind, obj.holiday_name, obj.note = new
            obj.updated_by, obj.updated_at = user, timezone.now()
            changed.append(obj)
    CalendarDay.objects.bulk_create(added, batch_size=1000)
    CalendarDay.objects.bulk_update(changed, [*DAY_FIELDS, "updated_by", "updated_at"], batch_size=1000)
    before = audit.snapshot(existing)
    existing.source, existing.is_complete, existing.loaded_at = loader.PACKAGE_SOURCE, True, timezone.now()
    existing.updated_by = user
    existing.save()
    b, a = audit.changes(before, audit.snapshot(existing))
    audit.record(actor=by, action="calendar_year.reloaded", target=existing, actor_username=_actor_name(by),
                 before=b, after=a | {"changed_days": [d.day for d in changed], "added_days": len(added)})
    calendar.invalidate()
    return LoadResult(existing, False, len(changed) + len(added))


@dataclass
class ImportResult:
    """What importing days did: counts, the days changed and the years started."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    years_created: list[int] = field(default_factory=list)
    changed_days: list[str] = field(default_factory=list)

    def merge(self, other: ImportResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.years_created += other.years_created
        self.changed_days += other.changed_days


def calendar_days_write(rows: Sequence[Mapping[str, Any]], /, *, by: Any) -> ImportResult:
    """Write already-validated days (see day_errors), starting any missing year; no audit event.

    One batch of a spreadsheet import: the import records one event for the whole file with
    calendar_days_import_record. Each row has day, is_working_day, kind, holiday_name, note.
    """
    result = ImportResult()
    user = _user_or_none(by)
    years = sorted({r["day"].year for r in rows})
    known = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    for year in years:
        if year not in known:
            _check_year(year)
            _create_year(year, loader.plain_rows(year), by=by, source=loader.MANUAL_SOURCE, is_complete=False)
            result.years_created.append(year)
    current = CalendarDay.objects.in_bulk([r["day"] for r in rows])
    changed: list[CalendarDay] = []
    for r in rows:
        obj = current[r["day"]]
        new = (r["is_working_day"], r["kind"], r.get("holiday_name") or "", r.get("note") or "")
        old = (obj.is_working_day, obj.kind, obj.holiday_name, obj.note)
        if obj.day.year in result.years_created:
            result.created += 1
        elif new == old:
            result.unchanged += 1
        else:
            result.updated += 1
        if new != old:
            obj.is_working_day, obj.kind, obj.holiday_name, obj.note = new
            obj.updated_by, obj.updated_at = user, timezone.now()
            changed.append(obj)
            result.changed_days.append(obj.day.isoformat())
    CalendarDay.objects.bulk_update(changed, [*DAY_FIELDS, "updated_by", "updated_at"], batch_size=1000)
    calendar.invalidate()
    return result


def calendar_days_import_record(*, by: Any, result: ImportResult, rows: int, file_sha256: str = "") -> None:
    """The one audit event of an import of days (the whole file, or one calendar_days_import call)."""
    years = sorted({int(day[:4]) for day in result.changed_days} | set(result.years_created))
    audit.record(
        actor=by, action="calendar_day.imported", target_type=CalendarDay._meta.label_lower,
        target_id=",".join(str(y) for y in years)[:64], target_repr=f"导入工作日历 {rows} 行",
        after={"file_sha256": file_sha256, "rows": rows, "created": result.created, "updated": result.updated,
               "unchanged": result.unchanged, "years_created": result.years_created,
               "changed_days": result.changed_days},
    )


@transaction.atomic
def calendar_days_import(rows: Sequence[Mapping[str, Any]], /, *, by: Any) -> ImportResult:
    """Write already-validated days and record one audit event (see calendar_days_write)."""
    result = calendar_days_write(rows, by=by)
    calendar_days_import_record(by=by, result=result, rows=len(rows))
    return result
