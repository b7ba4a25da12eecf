"""HTML pages: the month grid for everyone, edit forms for platform admins only."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from jianguan.core.models import AuditEvent
from jianguan.workdays import services
from jianguan.workdays.apps import coverage_card
from jianguan.workdays.models import CalendarDay, CalendarYear
from jianguan.workdays.tests.helpers import d, first_uncovered_year, requires_2026

pytestmark = pytest.mark.django_db


@requires_2026
def test_the_month_page_colours_days_by_kind_and_names_holidays(client: Any, city_inspector: Any) -> None:
    client.force_login(city_inspector)
    response = client.get("/calendar/2026/10/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作日历 · 2026 年 10 月" in html
    assert 'data-day="2026-10-01" data-kind="holiday"' in html
    assert 'data-day="2026-10-10" data-kind="makeup_workday"' in html
    assert 'data-day="2026-10-11" data-kind="weekend"' in html
    assert "国庆节" in html and ">班<" in html
    assert 'href="/calendar/2026/9/"' in html and 'href="/calendar/2026/11/"' in html


def test_the_calendar_opens_on_this_month_and_the_form_picks_another(client: Any, city_staff: Any) -> None:
    client.force_login(city_staff)
    today = timezone.localdate()
    assert f"{today.year} 年 {today.month} 月" in client.get("/calendar/").content.decode()
    assert "春节" in client.get("/calendar/", {"year": 2025, "month": 1}).content.decode()


def test_a_month_of_an_unknown_year_says_the_data_is_missing(client: Any, city_staff: Any, platform_admin: Any) -> None:
    year = first_uncovered_year()
    client.force_login(city_staff)
    html = client.get(f"/calendar/{year}/3/").content.decode()
    assert f"工作日历缺少 {year} 年的数据" in html and "新建该年" not in html
    client.force_login(platform_admin)
    assert "新建该年" in client.get(f"/calendar/{year}/3/").content.decode()


@pytest.mark.parametrize("url", ["/calendar/2026/13/", "/calendar/1850/1/", "/calendar/?month=x"])
def test_an_impossible_month_is_a_404(client: Any, city_staff: Any, url: str) -> None:
    client.force_login(city_staff)
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client: Any) -> None:
    assert client.get("/calendar/").status_code == 302


def test_the_navigation_shows_the_calendar(client: Any, city_inspector: Any) -> None:
    client.force_login(city_inspector)
    html = client.get("/calendar/days/").content.decode()
    assert '<a href="/calendar/" class="active">工作日历</a>' in html


def test_the_day_page_offers_editing_to_platform_admins_only(client: Any, city_admin: Any,
                                                             platform_admin: Any) -> None:
    client.force_login(city_admin)
    page = client.get("/calendar/days/2026-10-01/")
    assert page.status_code == 200 and "国庆节" in page.content.decode()
    assert "/calendar/days/2026-10-01/edit/" not in page.content.decode()
    assert client.get("/calendar/days/2026-10-01/edit/").status_code == 403
    assert client.post("/calendar/days/2026-10-01/edit/", {"kind": "workday"}).status_code == 403
    assert CalendarDay.objects.get(day=d("2026-10-01")).kind == "holiday"
    assert AuditEvent.objects.filter(action="permission.denied", actor_id=city_admin.pk).exists()
    client.force_login(platform_admin)
    assert "/calendar/days/2026-10-01/edit/" in client.get("/calendar/days/2026-10-01/").content.decode()


def test_a_platform_admin_edits_a_day_and_the_history_shows_it(client: Any, platform_admin: Any) -> None:
    client.force_login(platform_admin)
    response = client.post("/calendar/days/2026-03-17/edit/",
                           {"kind": "holiday", "is_working_day": "", "holiday_name": "临时假日", "note": ""})
    assert response.status_code == 302 and response["Location"] == "/calendar/2026/3/"
    assert CalendarDay.objects.get(day=d("2026-03-17")).is_working_day is False
    assert "calendar_day.updated" in client.get("/calendar/days/2026-03-17/").content.decode()


def test_an_inconsistent_edit_is_shown_beside_the_field(client: Any, platform_admin: Any) -> None:
    client.force_login(platform_admin)
    response = client.post("/calendar/days/2026-03-17/edit/",
                           {"kind": "holiday", "is_working_day": "true", "holiday_name": "某节", "note": ""})
    assert response.status_code == 422
    assert "不能是工作日" in response.content.decode()
    assert response.context["form"].errors["is_working_day"]


def test_a_platform_admin_starts_a_year_and_marks_it_complete(client: Any, platform_admin: Any) -> None:
    year = first_uncovered_year()
    client.force_login(platform_admin)
    assert client.post("/calendar/years/new/", {"year": year})["Location"] == f"/calendar/years/{year}/"
    refused = client.post(f"/calendar/years/{year}/complete/")
    assert refused.status_code == 422 and "还没有任何法定节假日" in refused.content.decode()
    client.post(f"/calendar/days/{year}-01-01/edit/", {"kind": "holiday", "holiday_name": "元旦"})
    assert client.post(f"/calendar/years/{year}/complete/").status_code == 302
    assert CalendarYear.objects.get(year=year).is_complete
    page = client.get(f"/calendar/years/{year}/").content.decode()
    assert "calendar_year.completed" in page and "人工录入" in page


def test_staff_cannot_start_a_year(client: Any, city_staff: Any) -> None:
    client.force_login(city_staff)
    assert client.get("/calendar/years/new/").status_code == 403
    assert client.post("/calendar/years/new/", {"year": first_uncovered_year()}).status_code == 403
    assert client.post("/calendar/years/2026/complete/").status_code == 403


def test_the_year_and_day_lists_render(client: Any, oversight: Any) -> None:
    client.force_login(oversight)
    years = client.get("/calendar/years/")
    assert years.status_code == 200 and "chinese-calendar" in years.content.decode()
    days = client.get("/calendar/days/", {"year": 2025, "kind": "holiday"})
    assert days.status_code == 200 and "春节" in days.content.decode()


def test_the_dashboard_card_warns_when_next_year_is_missing(rf: Any, city_staff: Any, platform_admin: Any) -> None:
    request = rf.get("/")
    request.user = city_staff
    next_year = timezone.localdate().year + 1
    CalendarDay.objects.filter(day__year=next_year).delete()
    CalendarYear.objects.filter(year=next_year).delete()
    card = coverage_card(request)
    assert card is not None and card["note"] == f"尚未录入 {next_year} 年的法定节假日安排"
    services.calendar_year_create(next_year, by=platform_admin)
    assert coverage_card(request)["note"] == f"{next_year} 年的节假日安排尚未完整录入"  # type: ignore[index]
