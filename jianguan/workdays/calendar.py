"""Working-day arithmetic for deadlines (results within 7 working days [003], and the like).

A working day is decided by the ``CalendarDay`` table, which follows the State Council's annual
holiday schedule: statutory holidays and make-up rest days (调休休息) are not working days, make-up
working days (调休上班, usually a Saturday or Sunday) are. Counting never guesses: a computation that
touches a year without a ``CalendarYear`` row raises ``CalendarYearUnknown`` (HTTP 422), whose message
names the year, instead of falling back to "Mon–Fri".

Pure apart from reading the table. Each year's working days are cached in process memory; the
services call ``invalidate()`` after any edit, which clears this process at once and, after commit,
bumps a version in the shared Django cache that the other processes check every few seconds.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import logging
import threading
import time
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction

from jianguan.core.exceptions import DomainError

logger = logging.getLogger(__name__)

_VERSION_KEY = "jianguan:workdays:calendar-version"
# How often a process asks the shared cache whether another process edited the calendar.
_VERSION_CHECK_INTERVAL_S = 2.0


class CalendarYearUnknown(DomainError):
    """A working-day computation reached a year the calendar has no data for (HTTP 422)."""

    def __init__(self, year: int, *, missing_days: int = 0) -> None:
        self.year = year
        if missing_days:
            message = (f"工作日历 {year} 年的数据不完整（缺少 {missing_days} 天），"
                       f"请平台管理员重新载入该年的法定节假日安排")
        else:
            message = f"工作日历缺少 {year} 年的数据，请平台管理员先录入该年的法定节假日安排"
        super().__init__(message=message, code="calendar_year_unknown", status=422, title="工作日历缺少数据")


# ---------------------------------------------------------------- the per-process cache

_lock = threading.Lock()
_years: dict[int, frozenset[dt.date]] = {}
_generation = 0  # bumped on every local invalidation, so a load that raced an edit is not kept
_seen_version: Any = None
_checked_at = float("-inf")


def _clear_local() -> None:
    global _generation
    with _lock:
        _years.clear()
        _generation += 1


def _sync_with_other_processes() -> None:
    global _seen_version, _checked_at
    now = time.monotonic()
    if now - _checked_at < _VERSION_CHECK_INTERVAL_S:
        return
    try:
        version = cache.get(_VERSION_KEY)
    except Exception:  # the cache being down must not stop deadline computation
        logger.warning("workdays: shared cache unavailable; keeping this process's calendar cache")
        return
    _checked_at = now
    if version != _seen_version:
        _clear_local()
        _seen_version = version


def _bump_shared_version() -> None:
    global _seen_version
    version = uuid.uuid4().hex
    try:
        cache.set(_VERSION_KEY, version, None)
    except Exception:
        logger.warning("workdays: shared cache unavailable; other processes keep their calendar cache")
    _clear_local()
    _seen_version = version


def invalidate() -> None:
    """Forget cached years: now in this process, and after commit in every process."""
    _clear_local()
    transaction.on_commit(_bump_shared_version)


def clear_cache() -> None:
    """Forget cached years in this process only (tests whose database rolls back use this)."""
    _clear_local()


def _working_days_of(year: int) -> frozenset[dt.date]:
    """The set of working days of one year; CalendarYearUnknown if the year is not (fully) loaded."""
    _sync_with_other_processes()
    cached = _years.get(year)
    if cached is not None:
        return cached
    from jianguan.workdays.models import CalendarDay, CalendarYear

    generation = _generation
    if not CalendarYear.objects.filter(year=year).exists():
        raise CalendarYearUnknown(year)
    rows = list(CalendarDay.objects.filter(day__year=year).values_list("day", "is_working_day"))
    expected = 366 if _stdlib_calendar.isleap(year) else 365
    if len(rows) != expected:
        raise CalendarYearUnknown(year, missing_days=expected - len(rows))
    working = frozenset(day for day, is_working in rows if is_working)
    with _lock:
        if generation == _generation:
            _years[year] = working
    return working


def _as_date(value: dt.date, name: str) -> dt.date:
    # A datetime is a date too, but which local day it means is the caller's decision.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


# ---------------------------------------------------------------- the public functions


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day (make-up working days included, holidays excluded)."""
    day = _as_date(day, "day")
    return day in _working_days_of(day.year)


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day``; counting starts the day after, and n=0 returns ``day``.

    working_days_after(Friday, 1) is the next Monday in an ordinary week, or the Saturday after if
    that Saturday is a make-up working day.
    """
    day = _as_date(day, "day")
    if n < 0:
        raise ValueError(f"n must be 0 or more, not {n}")
    _working_days_of(day.year)  # the year of the starting day must be known, even for n=0
    current, remaining = day, n
    while remaining:
        current += dt.timedelta(days=1)
        if current in _working_days_of(current.year):
            remaining -= 1
    return current


add_working_days = working_days_after


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie in (start, end]: start excluded, end included; negative if end < start.

    It is the inverse of working_days_after: working_days_between(d, working_days_after(d, n)) == n.
    """
    start, end = _as_date(start, "start"), _as_date(end, "end")
    if end < start:
        return -working_days_between(end, start)
    for year in range(start.year, end.year + 1):
        _working_days_of(year)
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        if current in _working_days_of(current.year):
            count += 1
    return count


def covered_years() -> list[int]:
    """The years the calendar has data for, ascending (read from the table, not cached)."""
    from jianguan.workdays.models import CalendarYear

    return list(CalendarYear.objects.order_by("year").values_list("year", flat=True))
