"""Pages of the working-day calendar: the month grid, day and year pages, and the platform admin's edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jianguan.core.exceptions import DomainError
from jianguan.core.scoping import ADD, CHANGE, VIEW, ensure_can, ensure_can_edit
from jianguan.core.views import Col, FormPage, ImportPage, ListPage, ScopedPage
from jianguan.workdays import selectors, services
from jianguan.workdays.forms import DayFilter, DayForm, YearForm
from jianguan.workdays.models import CalendarDay, CalendarYear
from jianguan.workdays.tables import CalendarDaySpec


def _month_url(year: int, month: int) -> str:
    return reverse("workdays:month-of", args=[year, month])


class MonthPage(ScopedPage):
    """The month grid: every day coloured by kind, with holiday names; /calendar/ opens this month."""

    def get(self, request: HttpRequest, year: int | None = None, month: int | None = None) -> HttpResponse:
        ensure_can(request.user, VIEW, CalendarDay)
        if year is None or month is None:
            today = timezone.localdate()
            try:
                year = int(request.GET.get("year") or today.year)
                month = int(request.GET.get("month") or today.month)
            except ValueError:
                raise Http404("年份或月份无效") from None
        if not (services.MIN_YEAR <= year <= services.MAX_YEAR and 1 <= month <= 12):
            raise Http404("年份或月份无效")
        view = selectors.month_view(user=request.user, year=year, month=month)
        can_edit = selectors.can_edit(request.user)
        return render(request, "workdays/month.html", {
            "title": f"工作日历 · {year} 年 {month} 月", "view": view, "can_edit": can_edit,
            "weekdays": services.WEEKDAY_NAMES, "months": range(1, 13),
            "previous_url": _month_url(*view.previous), "next_url": _month_url(*view.next),
            "today_url": reverse("workdays:month"),
        })


class DayDetail(ScopedPage):
    def get(self, request: HttpRequest, day: dt.date) -> HttpResponse:
        d = selectors.day_get(user=request.user, day=day)
        fields = [
            ("日期", f"{d.day.isoformat()} {services.WEEKDAY_NAMES[d.day.weekday()]}"),
            ("类型", d.get_kind_display()), ("是否工作日", "是" if d.is_working_day else "否"),
            ("节日名称", d.holiday_name), ("备注", d.note), ("更新时间", timezone.localtime(d.updated_at)),
            ("更新人", d.updated_by or "—"),
        ]
        return render(request, "core/detail.html", {
            "title": f"{d.day.isoformat()} {d.holiday_name or d.get_kind_display()}", "fields": fields,
            "edit_url": reverse("workdays:day-edit", args=[d.day]) if selectors.can_edit(request.user) else None,
            "history": selectors.history(CalendarDay._meta.label_lower, str(d.pk)),
        })


class DayEdit(FormPage):
    title = "编辑日历日"
    form_class = DayForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        if not isinstance(pk, dt.date):
            raise Http404("日期无效")
        d = selectors.day_get(user=request.user, day=pk)
        ensure_can_edit(d, request.user, CHANGE)
        return d

    def initial(self, obj: CalendarDay) -> dict[str, Any]:
        return {"kind": obj.kind, "is_working_day": "", "holiday_name": obj.holiday_name, "note": obj.note}

    def save(self, request: HttpRequest, obj: CalendarDay, data: dict[str, Any]) -> CalendarDay:
        if data.get("is_working_day") is None:
            data = {k: v for k, v in data.items() if k != "is_working_day"}
        return services.calendar_day_update(obj, by=request.user, data=data)

    def success_url(self, obj: CalendarDay) -> str:
        return _month_url(obj.day.year, obj.day.month)


class DayList(ListPage):
    title = "日历日"
    model = CalendarDay
    filter_form = DayFilter
    table_spec = CalendarDaySpec
    detail_url = "workdays:day-detail"
    import_url = "workdays:day-import"
    columns = (
        Col("日期", lambda d: d.day.isoformat(), link=True),
        Col("星期", lambda d: services.WEEKDAY_NAMES[d.day.weekday()]),
        Col("类型", lambda d: d.get_kind_display()),
        Col("是否工作日", lambda d: d.is_working_day),
        Col("节日名称", lambda d: d.holiday_name),
        Col("备注", lambda d: d.note),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.day_list(user=request.user, filters=filters)


class DayImport(ImportPage):
    title = "导入工作日历"
    spec_name = "calendar_days"
    model = CalendarDay
    back_url = "workdays:day-list"


class YearList(ListPage):
    title = "日历年份"
    model = CalendarYear
    detail_url = "workdays:year-detail"
    create_url = "workdays:year-create"
    columns = (
        Col("年份", lambda y: y.year, link=True),
        Col("数据来源", lambda y: y.source),
        Col("已完整录入", lambda y: y.is_complete),
        Col("载入时间", lambda y: y.loaded_at),
        Col("更新时间", lambda y: y.updated_at),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        ensure_can(request.user, VIEW, CalendarDay)
        return selectors.year_list(user=request.user).order_by("-year")


class YearDetail(ScopedPage):
    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        cy = selectors.year_get(user=request.user, year=year)
        fields = [("年份", cy.year), ("数据来源", cy.source), ("已完整录入", "是" if cy.is_complete else "否"),
                  ("载入时间", timezone.localtime(cy.loaded_at)), ("更新时间", timezone.localtime(cy.updated_at)),
                  ("更新人", cy.updated_by or "—")]
        return render(request, "workdays/year_detail.html", {
            "title": f"{cy.year} 年工作日历", "fields": fields, "calendar_year": cy,
            "can_edit": selectors.can_edit(request.user),
            "months": [(m, _month_url(cy.year, m)) for m in range(1, 13)],
            "history": selectors.history(CalendarYear._meta.label_lower, str(cy.pk)),
        })


class YearCreate(FormPage):
    title = "新建日历年份"
    form_class = YearForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        ensure_can(request.user, ADD, CalendarYear)
        return None

    def save(self, request: HttpRequest, obj: None, data: dict[str, Any]) -> CalendarYear:
        return services.calendar_year_create(data["year"], by=request.user)

    def success_url(self, obj: CalendarYear) -> str:
        return reverse("workdays:year-detail", args=[obj.year])


class YearComplete(ScopedPage):
    """POST only: mark a year complete; a refusal is shown on the year page."""

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        cy = selectors.year_get(user=request.user, year=year)
        ensure_can_edit(cy, request.user, CHANGE)
        try:
            services.calendar_year_mark_complete(cy, by=request.user)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            return render(request, "core/error.html", {"title": exc.title, "message": exc.message}, status=exc.status)
        return redirect("workdays:year-detail", year=cy.year)
