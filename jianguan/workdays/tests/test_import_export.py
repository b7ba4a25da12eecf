"""Spreadsheet import and export of calendar days: all-or-nothing, errors name the row and column."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.core import tabular
from jianguan.core.models import AuditEvent
from jianguan.workdays.models import CalendarDay, CalendarYear
from jianguan.workdays.tables import CalendarDaySpec
from jianguan.workdays.tests.helpers import d, first_uncovered_year

pytestmark = pytest.mark.django_db

HEADER = "日期,类型,是否工作日,节日名称,备注\r\n"


def run(text: str, user: Any) -> tabular.ImportReport:
    return tabular.run_import(CalendarDaySpec(), io.BytesIO(text.encode("utf-8")), "days.csv", user=user)


def test_an_exported_month_imports_back_unchanged(client: Any, platform_admin: Any) -> None:
    client.force_login(platform_admin)
    response = client.get("/calendar/days/", {"year": 2026, "month": 2, "export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.decode("utf-8-sig").startswith(HEADER)
    assert "2026-02-17,法定节假日,否,春节," in content.decode("utf-8-sig")
    report = tabular.run_import(CalendarDaySpec(), io.BytesIO(content), "export.csv", user=platform_admin)
    assert report.ok, report.errors
    assert (report.rows, report.unchanged, report.updated) == (28, 28, 0)


def test_a_bad_row_writes_nothing_and_names_its_row_and_column(platform_admin: Any) -> None:
    report = run(HEADER + "2026-03-17,法定节假日,,临时假日,\r\n2026-03-18,法定节假日,,,\r\n", platform_admin)
    assert not report.ok
    assert report.errors == [{"field": "节日名称", "row": 3, "code": "required",
                              "message": "法定节假日必须填写节日名称（如 国庆节）"}]
    assert CalendarDay.objects.get(day=d("2026-03-17")).is_working_day is True


@pytest.mark.parametrize(("row", "column"), [("2026-03-14,工作日,,,", "类型"), ("2026-13-01,工作日,,,", "日期"),
                                             ("2026-03-17,节日,,,", "类型"), ("2026-03-17,工作日,也许,,", "是否工作日"),
                                             ("2026-03-17,法定节假日,是,某节,", "是否工作日")])
def test_each_rule_names_its_column(platform_admin: Any, row: str, column: str) -> None:
    report = run(HEADER + row + "\r\n", platform_admin)
    assert not report.ok
    assert (report.errors[0]["row"], report.errors[0]["field"]) == (2, column)


def test_importing_a_new_year_starts_it_and_applies_the_rows(platform_admin: Any) -> None:
    year = first_uncovered_year()
    report = run(HEADER + f"{year}-01-01,法定节假日,否,元旦,\r\n", platform_admin)
    assert report.ok, report.errors
    cy = CalendarYear.objects.get(year=year)
    assert (cy.source, cy.is_complete) == ("人工录入", False)
    assert CalendarDay.objects.get(day=d(f"{year}-01-01")).holiday_name == "元旦"
    event = AuditEvent.objects.get(action="calendar_day.imported")
    assert event.after is not None and event.after["years_created"] == [year]


def test_only_platform_admins_may_import(client: Any, city_admin: Any, platform_admin: Any) -> None:
    client.force_login(city_admin)
    assert client.get("/calendar/days/import/").status_code == 403
    client.force_login(platform_admin)
    upload = SimpleUploadedFile("days.csv", (HEADER + "2026-03-17,法定节假日,,临时假日,\r\n").encode("utf-8"))
    response = client.post("/calendar/days/import/", {"file": upload})
    assert response.status_code == 200
    assert CalendarDay.objects.get(day=d("2026-03-17")).kind == "holiday"


def test_an_import_is_one_audit_event_with_the_file_digest(platform_admin: Any) -> None:
    report = run(HEADER + "2026-03-17,法定节假日,,临时假日,\r\n2026-03-18,工作日,是,,\r\n", platform_admin)
    assert report.ok
    event = AuditEvent.objects.get(action="calendar_day.imported")
    assert event.after is not None
    assert (event.after["file_sha256"], event.after["rows"]) == (report.file_sha256, 2)
    assert (event.after["updated"], event.after["unchanged"], event.after["changed_days"]) == (1, 1, ["2026-03-17"])
