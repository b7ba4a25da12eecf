"""Factories for the working-day calendar.

Years covered by chinese_calendar are loaded by migration; tests that need another year (say
2099) build it here: Mon–Fri working, weekends rest, plus any holidays and make-up days given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import factory

from jianguan.workdays import calendar, loader
from jianguan.workdays.choices import DayKind
from jianguan.workdays.models import CalendarDay, CalendarYear


class CalendarYearFactory(factory.django.DjangoModelFactory[CalendarYear]):
    """A year with plain weekends; pass holidays={date: name} and makeup_workdays=[date, …]."""

    class Meta:
        model = CalendarYear
        django_get_or_create = ("year",)
        skip_postgeneration_save = True

    year = 2099
    source = loader.MANUAL_SOURCE
    is_complete = True

    @factory.post_generation
    def days(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or CalendarDay.objects.filter(day__year=self.year).exists():
            return
        holidays: Mapping[dt.date, str] = kwargs.get("holidays") or {}
        makeup: Iterable[dt.date] = kwargs.get("makeup_workdays") or ()
        rows = {r.day: r for r in loader.plain_rows(self.year)}
        for day, name in holidays.items():
            rows[day] = loader.DayRow(day, False, DayKind.HOLIDAY.value, name)
        for day in makeup:
            rows[day] = loader.DayRow(day, True, DayKind.MAKEUP_WORKDAY.value, "", "调休上班")
        CalendarDay.objects.bulk_create(
            CalendarDay(day=r.day, is_working_day=r.is_working_day, kind=r.kind, holiday_name=r.holiday_name,
                        note=r.note) for r in rows.values()
        )
        calendar.clear_cache()
