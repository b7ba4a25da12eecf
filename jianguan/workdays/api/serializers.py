from __future__ import annotations

from rest_framework import serializers

from jianguan.workdays.choices import DayKind
from jianguan.workdays.models import CalendarDay, CalendarYear
from jianguan.workdays.services import MAX_YEAR, MIN_YEAR


class CalendarDaySerializer(serializers.ModelSerializer[CalendarDay]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CalendarDay
        fields = ["day", "is_working_day", "kind", "kind_label", "holiday_name", "note", "updated_at"]


class CalendarDayWriteSerializer(serializers.Serializer[CalendarDay]):
    """The fields a platform admin may change; send only those that change (PATCH)."""

    is_working_day = serializers.BooleanField(required=False, help_text="省略时按类型确定")
    kind = serializers.ChoiceField(choices=DayKind.choices, required=False)
    holiday_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CalendarYearSerializer(serializers.ModelSerializer[CalendarYear]):
    class Meta:
        model = CalendarYear
        fields = ["year", "source", "is_complete", "loaded_at", "updated_at"]


class CalendarYearCreateSerializer(serializers.Serializer[CalendarYear]):
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)


class WorkingDaysAfterQuery(serializers.Serializer[dict[str, object]]):
    day = serializers.DateField(help_text="起算日，如 2026-09-30；从次日开始计数")
    n = serializers.IntegerField(min_value=0, max_value=3660, help_text="工作日数；0 返回起算日本身")


class WorkingDaysAfterResult(serializers.Serializer[dict[str, object]]):
    day = serializers.DateField()
    n = serializers.IntegerField()
    result = serializers.DateField(help_text="第 n 个工作日")


class WorkingDaysBetweenQuery(serializers.Serializer[dict[str, object]]):
    start = serializers.DateField(help_text="不计入")
    end = serializers.DateField(help_text="计入")


class WorkingDaysBetweenResult(serializers.Serializer[dict[str, object]]):
    start = serializers.DateField()
    end = serializers.DateField()
    working_days = serializers.IntegerField(help_text="(start, end] 之间的工作日数；end 早于 start 时为负数")
