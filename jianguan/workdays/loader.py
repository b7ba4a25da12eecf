"""Reading the State Council holiday schedule out of the installed ``chinese_calendar`` package.

Pure: no database. The data migration, the ``load_calendar`` command and the tests all build their
rows here, so the package is interpreted in exactly one place.

chinese_calendar keeps three dicts keyed by date: ``holidays`` (days off, including the weekend days
inside a holiday period), ``workdays`` (weekend days that are worked, 调休上班) and ``in_lieu_days``
(weekdays given off in exchange for those, 调休休息). Every other day follows the week: Mon–Fri work,
Sat/Sun rest. The covered years are those between the first and the last date in ``holidays``,
the same range the package itself accepts.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from dataclasses import dataclass

import chinese_calendar

from jianguan.workdays.choices import DayKind

PACKAGE_VERSION: str = getattr(chinese_calendar, "__version__", "unknown")
PACKAGE_SOURCE = f"chinese-calendar {PACKAGE_VERSION}"
MANUAL_SOURCE = "人工录入"

# The package's Chinese names are short forms; the State Council notices use these names.
_OFFICIAL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


@dataclass(frozen=True)
class DayRow:
    """One day as the package describes it, ready to become a CalendarDay."""

    day: dt.date
    is_working_day: bool
    kind: str
    holiday_name: str = ""
    note: str = ""


def holiday_name(package_value: str) -> str:
    """The Chinese name of a chinese_calendar holiday value (its English name, e.g. "National Day")."""
    try:
        chinese: str = chinese_calendar.Holiday(package_value).chinese
    except ValueError:
        return package_value[:50]
    return _OFFICIAL_NAMES.get(chinese, chinese)[:50]


def package_years() -> list[int]:
    """Every year the installed package covers, found from its data rather than hard-coded."""
    dates = list(chinese_calendar.holidays)
    if not dates:
        return []
    return list(range(min(dates).year, max(dates).year + 1))


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def days_of_year(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    length = 366 if _stdlib_calendar.isleap(year) else 365
    return [first + dt.timedelta(days=i) for i in range(length)]


def plain_row(day: dt.date) -> DayRow:
    """A day with no holiday arrangement: Mon–Fri work, Sat/Sun rest."""
    if is_weekend(day):
        return DayRow(day, False, DayKind.WEEKEND.value)
    return DayRow(day, True, DayKind.WORKDAY.value)


def package_row(day: dt.date) -> DayRow:
    """One day as chinese_calendar describes it."""
    if day in chinese_calendar.workdays:
        name = holiday_name(chinese_calendar.workdays[day])
        return DayRow(day, True, DayKind.MAKEUP_WORKDAY.value, name, f"{name}调休上班")
    if day in chinese_calendar.holidays:
        name = holiday_name(chinese_calendar.holidays[day])
        if day in chinese_calendar.in_lieu_days:
            return DayRow(day, False, DayKind.MAKEUP_REST.value, name, f"{name}调休休息")
        return DayRow(day, False, DayKind.HOLIDAY.value, name)
    return plain_row(day)


def package_rows(year: int) -> list[DayRow]:
    """Every day of a covered year; ValueError for a year the package does not cover."""
    if year not in package_years():
        years = package_years()
        span = f"{years[0]}–{years[-1]}" if years else "无"
        raise ValueError(f"已安装的 {PACKAGE_SOURCE} 不包含 {year} 年的安排（覆盖 {span} 年）")
    return [package_row(d) for d in days_of_year(year)]


def plain_rows(year: int) -> list[DayRow]:
    """Every day of a year with weekends only, the starting point for entering a year by hand."""
    return [plain_row(d) for d in days_of_year(year)]
