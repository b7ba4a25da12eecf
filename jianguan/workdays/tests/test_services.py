"""Edits to days and years: consistency rules name the field, every change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from jianguan.core.exceptions import Conflict, IllegalTransition, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.workdays import loader, services
from jianguan.workdays.choices import DayKind
from jianguan.workdays.models import CalendarDay, CalendarYear
from jianguan.workdays.tests.helpers import d, first_uncovered_year

pytestmark = pytest.mark.django_db


def day(text: str) -> CalendarDay:
    return CalendarDay.objects.get(day=d(text))


def fields_of(exc: ValidationFailed) -> list[str]:
    return [e.field for e in exc.errors]


def test_a_holiday_that_is_a_working_day_is_refused_naming_is_working_day(platform_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_update(day("2026-03-17"), by=platform_admin,
                                     data={"kind": "holiday", "is_working_day": True, "holiday_name": "某节"})
    assert fields_of(caught.value) == ["is_working_day"]
    assert "法定节假日" in caught.value.message
    assert day("2026-03-17").kind == DayKind.WORKDAY


def test_a_holiday_needs_its_name(platform_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_update(day("2026-03-17"), by=platform_admin, data={"kind": "holiday"})
    assert fields_of(caught.value) == ["holiday_name"]


def test_a_working_saturday_must_be_a_make_up_working_day(platform_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_update(day("2026-03-14"), by=platform_admin, data={"kind": "workday"})
    assert fields_of(caught.value) == ["kind"]
    assert "调休工作日" in caught.value.message


def test_a_make_up_working_day_on_a_wednesday_is_refused(platform_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_update(day("2026-03-18"), by=platform_admin, data={"kind": "makeup_workday"})
    assert fields_of(caught.value) == ["kind"]


def test_an_ordinary_workday_does_not_carry_a_holiday_name(platform_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_update(day("2026-03-18"), by=platform_admin, data={"holiday_name": "春节"})
    assert fields_of(caught.value) == ["holiday_name"]


def test_an_unknown_kind_is_refused_naming_kind(platform_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_update(day("2026-03-18"), by=platform_admin, data={"kind": "festival"})
    assert fields_of(caught.value) == ["kind"]


def test_a_new_kind_brings_its_own_is_working_day_and_the_edit_is_audited(platform_admin: Any) -> None:
    saturday = services.calendar_day_update(day("2026-03-14"), by=platform_admin,
                                            data={"kind": "makeup_workday", "note": "调休上班"})
    assert saturday.is_working_day is True
    assert saturday.updated_by == platform_admin
    event = AuditEvent.objects.get(action="calendar_day.updated", target_id="2026-03-14")
    assert event.actor_id == platform_admin.pk
    assert event.before == {"is_working_day": False, "kind": "weekend", "note": ""}
    assert event.after == {"is_working_day": True, "kind": "makeup_workday", "note": "调休上班"}


def test_an_edit_that_changes_nothing_records_nothing(platform_admin: Any) -> None:
    services.calendar_day_update(day("2026-03-18"), by=platform_admin, data={"kind": "workday", "note": ""})
    assert not AuditEvent.objects.filter(action="calendar_day.updated").exists()


def test_the_database_refuses_a_kind_that_contradicts_is_working_day() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.filter(day=d("2026-03-18")).update(kind=DayKind.HOLIDAY)


def test_a_year_started_by_hand_has_plain_weekends_and_is_not_complete(platform_admin: Any) -> None:
    year = first_uncovered_year()
    cy = services.calendar_year_create(year, by=platform_admin)
    assert (cy.source, cy.is_complete, cy.updated_by) == (loader.MANUAL_SOURCE, False, platform_admin)
    days = list(CalendarDay.objects.filter(day__year=year))
    assert len(days) in (365, 366)
    assert all(x.is_working_day == (x.day.weekday() < 5) for x in days)
    assert {x.kind for x in days} == {DayKind.WORKDAY, DayKind.WEEKEND}
    assert AuditEvent.objects.filter(action="calendar_year.created", target_id=str(year)).exists()


def test_a_year_already_in_the_calendar_cannot_be_started_again(platform_admin: Any) -> None:
    with pytest.raises(Conflict) as caught:
        services.calendar_year_create(2025, by=platform_admin)
    assert [e.field for e in caught.value.errors] == ["year"]


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_out_of_range_is_refused_naming_year(platform_admin: Any, year: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_year_create(year, by=platform_admin)
    assert fields_of(caught.value) == ["year"]


def test_a_year_without_any_holiday_cannot_be_marked_complete(platform_admin: Any) -> None:
    cy = services.calendar_year_create(first_uncovered_year(), by=platform_admin)
    with pytest.raises(ValidationFailed, match="还没有任何法定节假日"):
        services.calendar_year_mark_complete(cy, by=platform_admin)


def test_marking_a_year_complete_after_entering_its_holidays(platform_admin: Any) -> None:
    year = first_uncovered_year()
    cy = services.calendar_year_create(year, by=platform_admin)
    new_year = CalendarDay.objects.get(day=dt.date(year, 1, 1))
    services.calendar_day_update(new_year, by=platform_admin, data={"kind": "holiday", "holiday_name": "元旦"})
    services.calendar_year_mark_complete(cy, by=platform_admin)
    assert CalendarYear.objects.get(year=year).is_complete
    assert AuditEvent.objects.filter(action="calendar_year.completed", target_id=str(year)).exists()
    with pytest.raises(IllegalTransition):
        services.calendar_year_mark_complete(cy, by=platform_admin)
