"""The data migration loads every year chinese_calendar covers, exactly as the package says."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command

from jianguan.core.models import AuditEvent
from jianguan.workdays import loader
from jianguan.workdays.choices import DayKind
from jianguan.workdays.models import CalendarDay, CalendarYear
from jianguan.workdays.tests.helpers import d, requires_2026

pytestmark = pytest.mark.django_db


def test_the_covered_years_are_found_from_the_package_data() -> None:
    years = loader.package_years()
    assert years[0] == min(chinese_calendar.holidays).year
    assert years[-1] == max(chinese_calendar.holidays).year
    assert years == list(range(years[0], years[-1] + 1))


def test_every_covered_year_is_loaded_complete_with_its_source() -> None:
    rows = list(CalendarYear.objects.values_list("year", "source", "is_complete"))
    assert [r[0] for r in rows] == loader.package_years()
    assert {r[1] for r in rows} == {f"chinese-calendar {chinese_calendar.__version__}"}
    assert all(r[2] for r in rows)


def test_every_loaded_day_agrees_with_chinese_calendar() -> None:
    years = loader.package_years()
    loaded = dict(CalendarDay.objects.values_list("day", "is_working_day"))
    expected_days = (dt.date(years[-1], 12, 31) - dt.date(years[0], 1, 1)).days + 1
    assert len(loaded) == expected_days
    disagreements = [day for day, working in loaded.items() if working != chinese_calendar.is_workday(day)]
    assert disagreements == []


def test_holiday_names_are_chinese_and_official() -> None:
    names = set(CalendarDay.objects.exclude(holiday_name="").values_list("holiday_name", flat=True))
    assert {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"} <= names
    assert all(not n.isascii() for n in names)


def test_make_up_working_days_are_weekends_and_make_up_rest_days_are_weekdays() -> None:
    makeup = CalendarDay.objects.filter(kind=DayKind.MAKEUP_WORKDAY)
    rest = CalendarDay.objects.filter(kind=DayKind.MAKEUP_REST)
    assert makeup.exists() and rest.exists()
    assert all(x.day.weekday() >= 5 and x.is_working_day for x in makeup)
    assert all(x.day.weekday() < 5 and not x.is_working_day for x in rest)


@requires_2026
def test_the_2026_national_day_arrangement_is_loaded_as_published() -> None:
    days = {x.day: x for x in CalendarDay.objects.filter(day__range=(d("2026-09-19"), d("2026-10-11")))}
    assert days[d("2026-09-20")].kind == DayKind.MAKEUP_WORKDAY  # Sunday worked
    assert days[d("2026-10-10")].kind == DayKind.MAKEUP_WORKDAY  # Saturday worked
    assert [days[d(f"2026-10-0{i}")].holiday_name for i in range(1, 8)] == ["国庆节"] * 7
    assert days[d("2026-10-06")].kind == DayKind.MAKEUP_REST
    assert days[d("2026-10-01")].kind == DayKind.HOLIDAY


def test_load_calendar_skips_years_already_loaded(capsys: pytest.CaptureFixture[str]) -> None:
    year = loader.package_years()[-1]
    call_command("load_calendar", "--year", str(year))
    assert "已存在" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(action__startswith="calendar_year.").exists()


def test_load_calendar_replace_restores_a_hand_edited_day_and_is_audited() -> None:
    year = loader.package_years()[-1]
    first_workday = next(x for x in CalendarDay.objects.filter(day__year=year, kind=DayKind.WORKDAY))
    CalendarDay.objects.filter(pk=first_workday.pk).update(kind=DayKind.HOLIDAY, is_working_day=False,
                                                          holiday_name="误录")
    call_command("load_calendar", "--year", str(year), "--replace")
    restored = CalendarDay.objects.get(pk=first_workday.pk)
    assert (restored.kind, restored.is_working_day, restored.holiday_name) == (DayKind.WORKDAY, True, "")
    event = AuditEvent.objects.get(action="calendar_year.reloaded", target_id=str(year))
    assert event.actor_username == "manage.py load_calendar"
    assert event.after is not None and event.after["changed_days"] == [first_workday.day.isoformat()]


def test_load_calendar_loads_a_missing_year_from_the_package() -> None:
    year = loader.package_years()[0]
    CalendarDay.objects.filter(day__year=year).delete()
    CalendarYear.objects.filter(year=year).delete()
    call_command("load_calendar", "--year", str(year))
    assert CalendarYear.objects.get(year=year).is_complete
    assert CalendarDay.objects.filter(day__year=year).count() in (365, 366)
    assert AuditEvent.objects.filter(action="calendar_year.loaded", target_id=str(year)).exists()


def test_load_calendar_refuses_a_year_the_package_does_not_cover() -> None:
    year = loader.package_years()[-1] + 1
    with pytest.raises(CommandError, match=str(year)):
        call_command("load_calendar", "--year", str(year))
