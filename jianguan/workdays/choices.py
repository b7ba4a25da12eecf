"""Kinds of calendar day, as published in the State Council's annual holiday schedule."""

from __future__ import annotations

from django.db import models


class DayKind(models.TextChoices):
    WORKDAY = "workday", "工作日"
    WEEKEND = "weekend", "休息日"
    HOLIDAY = "holiday", "法定节假日"
    MAKEUP_WORKDAY = "makeup_workday", "调休工作日"
    MAKEUP_REST = "makeup_rest", "调休休息日"


# Whether each kind is a working day; is_working_day must agree with kind.
WORKING_KINDS = frozenset({DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY})
# Kinds tied to a day of the week: an ordinary workday is Mon–Fri, an ordinary rest day and a
# make-up working day (调休上班) fall on Sat/Sun, a make-up rest day (调休休息) on Mon–Fri.
WEEKDAY_ONLY_KINDS = frozenset({DayKind.WORKDAY, DayKind.MAKEUP_REST})
WEEKEND_ONLY_KINDS = frozenset({DayKind.WEEKEND, DayKind.MAKEUP_WORKDAY})
# Kinds that belong to a named holiday, and kinds that must not carry a holiday name.
NAMED_KINDS = frozenset({DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY, DayKind.MAKEUP_REST})
