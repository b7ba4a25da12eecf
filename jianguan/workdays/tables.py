"""Spreadsheet import and export of calendar days: how a year's schedule is entered by hand in bulk.

Columns: 日期, 类型, 是否工作日, 节日名称, 备注. The natural key is the date; importing a day that
exists updates it (upsert), and a day of a year not yet in the calendar starts that year first
(Mon–Fri working, not complete). An exported file imports back unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jianguan.core.tabular import BatchResult, Column, ImportContext, ImportReport, RowInvalid, TableSpec
from jianguan.workdays import services
from jianguan.workdays.choices import WORKING_KINDS, DayKind
from jianguan.workdays.models import CalendarDay

_KIND_BY_TEXT = {**{k.value: k.value for k in DayKind}, **{str(k.label): k.value for k in DayKind}}
_TRUE, _FALSE = {"是", "true", "1", "y", "yes"}, {"否", "false", "0", "n", "no"}


def parse_day(raw: str) -> dt.date:
    text = raw.strip().replace("/", "-")
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
    except ValueError:
        raise RowInvalid(f"日期「{raw}」无法识别，应写成 2027-10-01", "day", "invalid_date") from None


def parse_kind(raw: str) -> str:
    kind = _KIND_BY_TEXT.get(raw.strip())
    if kind is None:
        raise RowInvalid(f"类型「{raw}」不是 {'、'.join(str(k.label) for k in DayKind)} 之一", "kind", "invalid_choice")
    return kind


def parse_bool(raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RowInvalid(f"「{raw}」应填 是 或 否", "is_working_day", "invalid_bool")


class CalendarDaySpec(TableSpec):
    name = "calendar_days"
    title = "工作日历"
    key = "day"
    columns = (
        Column("day", "日期", parse=parse_day, example="2027-10-01", help="YYYY-MM-DD"),
        Column("kind", "类型", parse=parse_kind, example="法定节假日",
               help="工作日、休息日、法定节假日、调休工作日（周末上班）、调休休息日（周一至周五调休放假）"),
        Column("is_working_day", "是否工作日", required=False, parse=parse_bool, example="否",
               help="是/否；留空时按类型确定"),
        Column("holiday_name", "节日名称", required=False, example="国庆节", help="法定节假日必填"),
        Column("note", "备注", required=False, example=""),
    )

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        day: dt.date = values["day"]
        if not services.MIN_YEAR <= day.year <= services.MAX_YEAR:
            raise RowInvalid(f"年份必须在 {services.MIN_YEAR} 至 {services.MAX_YEAR} 之间", "day", "out_of_range")
        if values.get("is_working_day") is None:
            values["is_working_day"] = values["kind"] in WORKING_KINDS
        values["holiday_name"] = (values.get("holiday_name") or "").strip()
        values["note"] = (values.get("note") or "").strip()
        if len(values["holiday_name"]) > 50:
            raise RowInvalid("节日名称不能超过 50 个字", "holiday_name", "too_long")
        if len(values["note"]) > 200:
            raise RowInvalid("备注不能超过 200 个字", "note", "too_long")
        errors = services.day_errors(day, values)
        if errors:
            raise RowInvalid("；".join(e.message for e in errors), errors[0].field, errors[0].code)
        return values

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext) -> BatchResult:
        result = services.calendar_days_write([values for _, values in rows], by=ctx.user)
        ctx.cache.setdefault("result", services.ImportResult()).merge(result)
        return BatchResult(created=result.created, updated=result.updated, unchanged=result.unchanged)

    def finish(self, ctx: ImportContext, report: ImportReport) -> None:
        # One audit event for the whole file.
        services.calendar_days_import_record(by=ctx.user, result=ctx.cache.get("result", services.ImportResult()),
                                             rows=report.rows, file_sha256=report.file_sha256)

    def export_row(self, obj: CalendarDay) -> list[Any]:
        return [obj.day, obj.get_kind_display(), obj.is_working_day, obj.holiday_name, obj.note]
