"""Reads of the working-day calendar, for pages and the API. Every signed-in user with a role reads it."""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jianguan.core.exceptions import OutOfScope, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.core.scoping import CHANGE, VIEW, get_visible, scope_of
from jianguan.workdays.choices import DayKind
from jianguan.workdays.models import CALENDAR_SCOPE, CalendarDay, CalendarYear


def can_read(user: Any) -> bool:
    """Whether the user reads the calendar (the role may view calendar days and the scope rule allows it)."""
    scope = scope_of(user)
    return scope.can(VIEW, CalendarDay) and CALENDAR_SCOPE.read_q(scope) is None


def can_edit(user: Any) -> bool:
    """Whether the user edits the calendar: owner=None leaves that to platform admins."""
    scope = scope_of(user)
    return scope.can(CHANGE, CalendarDay) and CALENDAR_SCOPE.edit_q(scope) is None


def _int(filters: Mapping[str, Any], key: str, low: int, high: int, label: str) -> int | None:
    raw = filters.get(key)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = low - 1
    if not low <= value <= high:
        raise ValidationFailed.for_field(key, f"{label}必须是 {low} 至 {high} 之间的整数", "out_of_range")
    return value


def day_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[CalendarDay]:
    """Days the user may read, filtered by year, month, kind, is_working_day and q (holiday name or note)."""
    qs = CalendarDay.objects.visible_to(user)
    f = filters or {}
    year = _int(f, "year", 1, 9999, "年份")
    month = _int(f, "month", 1, 12, "月份")
    if year is not None:
        qs = qs.filter(day__year=year)
    if month is not None:
        qs = qs.filter(day__month=month)
    if kind := f.get("kind"):
        if kind not in DayKind.values:
            raise ValidationFailed.for_field("kind", f"类型必须是以下之一：{'、'.join(DayKind.values)}", "invalid_choice")
        qs = qs.filter(kind=kind)
    working = f.get("is_working_day")
    if working in (True, "true", "1", "True"):
        qs = qs.filter(is_working_day=True)
    elif working in (False, "false", "0", "False"):
        qs = qs.filter(is_working_day=False)
    if q := f.get("q"):
        qs = qs.filter(Q(holiday_name__contains=q) | Q(note__contains=q))
    return qs.order_by("day")


def day_get(*, user: Any, day: dt.date) -> CalendarDay:
    """One day, or OutOfScope (404) if the user may not read it or it is not in the calendar."""
    return get_visible(CalendarDay.objects.all(), user, day=day)


def year_list(*, user: Any) -> QuerySet[CalendarYear]:
    # Years are read with the calendar-day permission: roles.py registers workdays.calendarday only.
    if not can_read(user):
        return CalendarYear.objects.none()
    return CalendarYear.objects.order_by("year")


def year_get(*, user: Any, year: int) -> CalendarYear:
    found = year_list(user=user).filter(year=year).first()
    if found is None:
        raise OutOfScope()
    return found


def history(target_type: str, target_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """The audit events of one calendar row, newest first, for the detail pages."""
    events = AuditEvent.objects.filter(target_type=target_type, target_id=target_id).order_by("-seq")[:limit]
    return [{"at": e.occurred_at, "actor": e.actor_username, "action": e.action,
             "changes": e.after if e.before is None else {"before": e.before, "after": e.after}} for e in events]


@dataclass(frozen=True)
class DayCell:
    """One square of the month grid."""

    day: dt.date
    in_month: bool
    is_today: bool
    row: CalendarDay | None

    @property
    def kind(self) -> str:
        return self.row.kind if self.row is not None else "unknown"

    @property
    def kind_label(self) -> str:
        return self.row.get_kind_display() if self.row is not None else "无数据"

    @property
    def badge(self) -> str:
        # The marks Chinese wall calendars use: 休 for days off in a holiday, 班 for make-up working days.
        if self.row is None:
            return ""
        return {DayKind.HOLIDAY: "休", DayKind.MAKEUP_REST: "休", DayKind.MAKEUP_WORKDAY: "班"}.get(
            DayKind(self.row.kind), "")


@dataclass(frozen=True)
class MonthView:
    """A month of the calendar as weeks of seven cells (Monday first), with its year's status."""

    year: int
    month: int
    weeks: list[list[DayCell]]
    calendar_year: CalendarYear | None
    working_days: int
    rest_days: int
    holidays: list[tuple[str, dt.date, dt.date]]

    @property
    def previous(self) -> tuple[int, int]:
        return (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)

    @property
    def next(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)


def month_view(*, user: Any, year: int, month: int) -> MonthView:
    """The grid of one month, with every day's kind and holiday name; OutOfScope if the user may not read."""
    if not can_read(user):
        raise OutOfScope()
    weeks_of_dates = _stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    rows = {d.day: d for d in CalendarDay.objects.visible_to(user).filter(day__range=(first, last))}
    today = timezone.localdate()
    weeks = [[DayCell(d, d.month == month, d == today, rows.get(d)) for d in week] for week in weeks_of_dates]
    in_month = [rows[d] for week in weeks_of_dates for d in week if d.month == month and d in rows]
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for r in in_month:
        if r.kind in (DayKind.HOLIDAY, DayKind.MAKEUP_REST) and r.holiday_name:
            start, _end = spans.get(r.holiday_name, (r.day, r.day))
            spans[r.holiday_name] = (start, r.day)
    return MonthView(
        year=year, month=month, weeks=weeks,
        calendar_year=CalendarYear.objects.filter(year=year).first(),
        working_days=sum(1 for r in in_month if r.is_working_day),
        rest_days=sum(1 for r in in_month if not r.is_working_day),
        holidays=[(name, start, end) for name, (start, end) in spans.items()],
    )
