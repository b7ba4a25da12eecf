from __future__ import annotations

import datetime as dt

import pytest

from jianguan.workdays import loader


def first_uncovered_year() -> int:
    """The year after the last one chinese_calendar covers: the calendar has no data for it."""
    return loader.package_years()[-1] + 1


requires_2026 = pytest.mark.skipif(2026 not in loader.package_years(),
                                   reason="the installed chinese_calendar does not cover 2026")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
