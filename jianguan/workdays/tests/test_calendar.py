"""Working-day arithmetic against facts of the State Council schedule (as chinese_calendar records them)."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.core.exceptions import DomainError
from jianguan.workdays import calendar, services
from jianguan.workdays.calendar import (
    CalendarYearUnknown,
    add_working_days,
    is_working_day,
    working_days_after,
    working_days_between,
)
from jianguan.workdays.models import CalendarDay
from jianguan.workdays.tests.helpers import d, first_uncovered_year, requires_2026

pytestmark = pytest.mark.django_db


@requires_2026
@pytest.mark.parametrize("day", [f"2026-10-0{i}" for i in range(1, 8)])
def test_national_day_holidays_are_not_working_days(day: str) -> None:
    assert not is_working_day(d(day))


@requires_2026
@pytest.mark.parametrize("day", [f"2026-02-{i}" for i in range(15, 24)])
def test_spring_festival_holidays_are_not_working_days(day: str) -> None:
    assert not is_working_day(d(day))


@requires_2026
@pytest.mark.parametrize("day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
def test_make_up_working_saturdays_and_sundays_are_working_days(day: str) -> None:
    assert d(day).weekday() >= 5
    assert is_working_day(d(day))


def test_an_ordinary_weekend_is_not_a_working_day_and_an_ordinary_weekday_is() -> None:
    assert not is_working_day(d("2026-03-14")) and not is_working_day(d("2026-03-15"))
    assert is_working_day(d("2026-03-13"))


@requires_2026
def test_seven_working_days_after_the_eve_of_national_day_cross_the_whole_holiday() -> None:
    # 10-01..07 off; 10-08 Thu (1), 10-09 Fri (2), 10-10 make-up Sat (3), 10-11 Sun off,
    # 10-12 Mon (4), 10-13 (5), 10-14 (6), 10-15 Thu (7).
    assert working_days_after(d("2026-09-30"), 7) == d("2026-10-15")


@requires_2026
def test_the_spring_festival_break_is_skipped_and_its_make_up_saturday_counted() -> None:
    # 02-13 Fri; 02-14 make-up Sat (1); 02-15..23 off; 02-24 Tue (2) … 02-27 Fri (5); 02-28 make-up Sat (6).
    assert working_days_after(d("2026-02-13"), 1) == d("2026-02-14")
    assert working_days_after(d("2026-02-13"), 2) == d("2026-02-24")
    assert working_days_after(d("2026-02-13"), 6) == d("2026-02-28")


def test_counting_starts_the_day_after() -> None:
    assert working_days_after(d("2026-03-13"), 1) == d("2026-03-16")  # Friday -> Monday
    assert working_days_after(d("2026-03-16"), 1) == d("2026-03-17")  # never the day itself


@requires_2026
def test_a_make_up_saturday_is_the_next_working_day_after_friday() -> None:
    assert working_days_after(d("2026-10-09"), 1) == d("2026-10-10")


@requires_2026
def test_n_zero_returns_the_day_itself_even_on_a_holiday() -> None:
    assert working_days_after(d("2026-10-01"), 0) == d("2026-10-01")
    assert working_days_after(d("2026-03-13"), 0) == d("2026-03-13")


def test_add_working_days_is_working_days_after() -> None:
    assert add_working_days is working_days_after


@requires_2026
def test_working_days_between_counts_the_end_but_not_the_start() -> None:
    assert working_days_between(d("2026-09-30"), d("2026-10-15")) == 7
    assert working_days_between(d("2026-10-15"), d("2026-09-30")) == -7
    assert working_days_between(d("2026-03-13"), d("2026-03-13")) == 0
    assert working_days_between(d("2026-03-13"), d("2026-03-16")) == 1


def test_an_unknown_year_raises_and_names_the_year() -> None:
    year = first_uncovered_year()
    with pytest.raises(CalendarYearUnknown) as caught:
        is_working_day(dt.date(year, 1, 5))
    assert caught.value.message == f"工作日历缺少 {year} 年的数据，请平台管理员先录入该年的法定节假日安排"
    assert isinstance(caught.value, DomainError)
    assert (caught.value.status, caught.value.code, caught.value.year) == (422, "calendar_year_unknown", year)


def test_counting_into_an_unknown_year_raises_rather_than_guessing() -> None:
    year = first_uncovered_year()
    with pytest.raises(CalendarYearUnknown, match=str(year)):
        working_days_after(dt.date(year - 1, 12, 30), 5)
    with pytest.raises(CalendarYearUnknown, match=str(year)):
        working_days_between(dt.date(year - 1, 12, 1), dt.date(year, 1, 4))
    with pytest.raises(CalendarYearUnknown, match=str(year)):
        working_days_after(dt.date(year, 6, 1), 0)


def test_a_year_with_missing_days_is_refused_with_the_count() -> None:
    CalendarDay.objects.filter(day=d("2025-06-03")).delete()
    with pytest.raises(CalendarYearUnknown, match="2025 年的数据不完整（缺少 1 天）"):
        is_working_day(d("2025-06-04"))


def test_a_year_started_by_hand_becomes_known(platform_admin: object) -> None:
    year = first_uncovered_year()
    with pytest.raises(CalendarYearUnknown):
        is_working_day(dt.date(year, 1, 4))
    services.calendar_year_create(year, by=platform_admin)
    first_saturday = next(dt.date(year, 1, i) for i in range(1, 8) if dt.date(year, 1, i).weekday() == 5)
    assert not is_working_day(first_saturday)
    assert working_days_after(first_saturday, 1) == first_saturday + dt.timedelta(days=2)


def test_editing_a_day_invalidates_the_cache(platform_admin: object) -> None:
    tuesday = d("2026-03-17")
    assert is_working_day(tuesday)  # the year is now cached
    assert working_days_after(d("2026-03-16"), 1) == tuesday
    services.calendar_day_update(CalendarDay.objects.get(day=tuesday), by=platform_admin,
                                 data={"kind": "holiday", "holiday_name": "临时假日"})
    assert not is_working_day(tuesday)
    assert working_days_after(d("2026-03-16"), 1) == d("2026-03-18")


def test_an_edit_outside_the_service_is_not_seen_until_the_cache_is_cleared() -> None:
    # Documents why every write goes through the services: the cache is only cleared there.
    tuesday = d("2026-03-17")
    assert is_working_day(tuesday)
    CalendarDay.objects.filter(day=tuesday).update(kind="holiday", is_working_day=False, holiday_name="x")
    assert is_working_day(tuesday)
    calendar.clear_cache()
    assert not is_working_day(tuesday)


def test_a_datetime_or_a_negative_count_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2026, 3, 17, 9, 0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n must be 0 or more"):
        working_days_after(d("2026-03-17"), -1)
