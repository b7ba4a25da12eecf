"""Read-only admin: edits go through the calendar pages so that they are audited and the cache is cleared."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jianguan.workdays.models import CalendarDay, CalendarYear


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(_ReadOnly, admin.ModelAdmin[CalendarYear]):
    list_display = ("year", "source", "is_complete", "loaded_at", "updated_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(_ReadOnly, admin.ModelAdmin[CalendarDay]):
    list_display = ("day", "kind", "is_working_day", "holiday_name", "note")
    list_filter = ("kind", "is_working_day")
    search_fields = ("holiday_name", "note")
    date_hierarchy = "day"
