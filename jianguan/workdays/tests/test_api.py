"""The calendar API: read the days, compute deadlines, and edit as a platform admin."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.core.models import AuditEvent
from jianguan.workdays.models import CalendarDay
from jianguan.workdays.tests.helpers import d, first_uncovered_year, requires_2026

pytestmark = pytest.mark.django_db

AFTER = "/api/v1/calendar/working-days-after/"


def test_days_are_listed_by_year_and_month(api: Any, city_inspector: Any) -> None:
    response = api.as_user(city_inspector).get("/api/v1/calendar/days/", {"year": 2026, "month": 10, "page_size": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 31
    first = body["results"][0]
    assert first["day"] == "2026-10-01"
    assert (first["is_working_day"], first["kind"], first["kind_label"]) == (False, "holiday", "法定节假日")


def test_an_impossible_month_filter_is_a_422_naming_month(api: Any, city_staff: Any) -> None:
    response = api.as_user(city_staff).get("/api/v1/calendar/days/", {"year": 2026, "month": 13})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "month"


def test_one_day_is_read_by_its_date(api: Any, outsider: Any) -> None:
    response = api.as_user(outsider).get("/api/v1/calendar/days/2026-02-17/")
    assert response.status_code == 200
    assert response.json()["holiday_name"] == "春节"


def test_a_day_outside_the_calendar_is_404(api: Any, city_staff: Any) -> None:
    assert api.as_user(city_staff).get(f"/api/v1/calendar/days/{first_uncovered_year()}-01-05/").status_code == 404
    assert api.as_user(city_staff).get("/api/v1/calendar/days/2026-02-30/").status_code == 404


@requires_2026
def test_working_days_after_returns_the_date(api: Any, city_staff: Any) -> None:
    response = api.as_user(city_staff).get(AFTER, {"day": "2026-09-30", "n": 7})
    assert response.status_code == 200
    assert response.json() == {"day": "2026-09-30", "n": 7, "result": "2026-10-15"}


def test_working_days_after_into_an_unknown_year_is_a_422_problem_naming_the_year(api: Any, city_staff: Any) -> None:
    year = first_uncovered_year()
    response = api.as_user(city_staff).get(AFTER, {"day": f"{year - 1}-12-30", "n": 5})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "calendar_year_unknown"
    assert body["detail"] == f"工作日历缺少 {year} 年的数据，请平台管理员先录入该年的法定节假日安排"


@pytest.mark.parametrize(("params", "field"), [({"n": 3}, "day"), ({"day": "2026-09-30", "n": -1}, "n"),
                                                ({"day": "30/09/2026", "n": 1}, "day")])
def test_bad_query_parameters_are_a_422_naming_the_parameter(api: Any, city_staff: Any, params: dict[str, Any],
                                                             field: str) -> None:
    response = api.as_user(city_staff).get(AFTER, params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


@requires_2026
def test_working_days_between_counts_start_excluded_end_included(api: Any, city_staff: Any) -> None:
    response = api.as_user(city_staff).get("/api/v1/calendar/working-days-between/",
                                           {"start": "2026-09-30", "end": "2026-10-15"})
    assert response.status_code == 200
    assert response.json()["working_days"] == 7


def test_a_platform_admin_patches_a_day_and_it_is_audited(api: Any, platform_admin: Any) -> None:
    response = api.as_user(platform_admin).patch("/api/v1/calendar/days/2026-03-17/",
                                                 {"kind": "holiday", "holiday_name": "临时假日"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["is_working_day"] is False
    assert AuditEvent.objects.filter(action="calendar_day.updated", target_id="2026-03-17").exists()
    after = api.get(AFTER, {"day": "2026-03-16", "n": 1})
    assert after.json()["result"] == "2026-03-18"  # the cache saw the edit


def test_an_inconsistent_patch_is_a_422_naming_the_field(api: Any, platform_admin: Any) -> None:
    response = api.as_user(platform_admin).patch("/api/v1/calendar/days/2026-03-17/",
                                                 {"kind": "weekend", "is_working_day": False}, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


def test_a_department_admin_cannot_edit_the_calendar_and_the_denial_is_audited(api: Any, city_admin: Any) -> None:
    response = api.as_user(city_admin).patch("/api/v1/calendar/days/2026-03-17/", {"note": "x"}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert AuditEvent.objects.filter(action="permission.denied", actor_id=city_admin.pk,
                                     target_type="workdays.calendarday", target_id="2026-03-17").exists()
    assert CalendarDay.objects.get(day=d("2026-03-17")).note == ""


def test_a_platform_admin_starts_a_year_and_marks_it_complete(api: Any, platform_admin: Any) -> None:
    year = first_uncovered_year()
    client = api.as_user(platform_admin)
    created = client.post("/api/v1/calendar/years/", {"year": year}, format="json")
    assert created.status_code == 201
    assert created.json()["is_complete"] is False
    refused = client.post(f"/api/v1/calendar/years/{year}/mark-complete/")
    assert refused.status_code == 422
    client.patch(f"/api/v1/calendar/days/{year}-01-01/", {"kind": "holiday", "holiday_name": "元旦"}, format="json")
    done = client.post(f"/api/v1/calendar/years/{year}/mark-complete/")
    assert done.status_code == 200 and done.json()["is_complete"] is True
    assert client.get(AFTER, {"day": f"{year}-01-01", "n": 0}).status_code == 200


def test_starting_a_year_twice_is_a_409(api: Any, platform_admin: Any) -> None:
    response = api.as_user(platform_admin).post("/api/v1/calendar/years/", {"year": 2025}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "year"
