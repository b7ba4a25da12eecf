from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "jianguan.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from jianguan.core.context_processors import NavItem, register_card, register_nav
        from jianguan.core.jobs import register_table_spec
        from jianguan.workdays.tables import CalendarDaySpec

        register_nav(NavItem("工作日历", "workdays:month", "workdays.calendarday"))
        register_table_spec("calendar_days", CalendarDaySpec)
        register_card(coverage_card)


def coverage_card(request: Any) -> dict[str, Any] | None:
    """Dashboard card: how far the calendar reaches, and a warning when next year is still missing."""
    from django.urls import reverse
    from django.utils import timezone

    from jianguan.workdays import selectors

    if not selectors.can_read(request.user):
        return None
    years = list(selectors.year_list(user=request.user).values_list("year", "is_complete"))
    if not years:
        return {"label": "工作日历", "value": "无数据", "url": reverse("workdays:month"),
                "note": "尚未录入任何年份，工作日期限无法计算"}
    this_year = timezone.localdate().year
    known = dict(years)
    note = ""
    if this_year + 1 not in known:
        note = f"尚未录入 {this_year + 1} 年的法定节假日安排"
    elif not known[this_year + 1]:
        note = f"{this_year + 1} 年的节假日安排尚未完整录入"
    return {"label": "工作日历", "value": f"至 {years[-1][0]} 年", "url": reverse("workdays:month"), "note": note}
