"""Due dates per jurisdiction (the most specific region prefix wins) and the late flag [000][003]."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jianguan.plans import rules, selectors, services
from jianguan.plans.models import PlanDeadlineRule
from jianguan.plans.tests.helpers import plan_data

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


def test_seeded_national_defaults(db: Any) -> None:
    assert rules.due_date("430300", "annual", 2026) == dt.date(2026, 1, 31)  # [000]
    assert rules.due_date("430300", "joint", 2026) == dt.date(2026, 2, 20)  # [003]
    assert rules.due_date("430300", "temporary", 2026) is None  # 7 days ahead instead


def test_changchun_takes_the_rest_of_its_plans_by_20_march(db: Any) -> None:
    assert rules.due_date("220102", "annual", 2026) == dt.date(2026, 3, 20)  # [003] Changchun
    assert rules.due_date("220102", "joint", 2026) == dt.date(2026, 2, 20)


def test_the_most_specific_prefix_wins(db: Any) -> None:
    PlanDeadlineRule.objects.create(region_prefix="43", kind="annual", month=1, day=15)
    PlanDeadlineRule.objects.create(region_prefix="4303", kind="annual", month=2, day=28)
    assert rules.due_date("430302", "annual", 2026) == dt.date(2026, 2, 28)
    assert rules.due_date("430102", "annual", 2026) == dt.date(2026, 1, 15)
    assert rules.due_date("440300", "annual", 2026) == dt.date(2026, 1, 31)


def test_29_february_falls_back_to_28_february_in_a_common_year(db: Any) -> None:
    PlanDeadlineRule.objects.create(region_prefix="4303", kind="joint", month=2, day=29)
    assert rules.due_date("430300", "joint", 2027) == dt.date(2027, 2, 28)
    assert rules.due_date("430300", "joint", 2028) == dt.date(2028, 2, 29)


def test_plan_submitted_after_its_due_date_is_flagged_late(city_staff: Any, lead_items: list[Any]) -> None:
    year = THIS_YEAR - 1  # its 31 January has passed
    plan = services.plan_create(by=city_staff, data=plan_data(
        lead_items, year=year, planned_start_on=dt.date(year, 3, 1), planned_end_on=dt.date(year, 11, 30)))
    assert plan.is_overdue
    plan = services.plan_submit(plan, by=city_staff)
    assert plan.is_late and plan.due_on == dt.date(year, 1, 31)
    assert list(selectors.plan_list(user=city_staff, filters={"is_late": "true"})) == [plan]
    assert list(selectors.plan_list(user=city_staff, filters={"is_late": "false"})) == []


def test_plan_submitted_in_time_is_not_late(draft_plan: Any, city_staff: Any) -> None:
    plan = services.plan_submit(draft_plan, by=city_staff)
    assert not plan.is_late and plan.due_on == dt.date(THIS_YEAR + 1, 1, 31)


def test_a_jurisdiction_can_extend_its_due_date(city_staff: Any, lead_items: list[Any]) -> None:
    PlanDeadlineRule.objects.create(region_prefix="4303", kind="annual", month=12, day=31)
    plan = services.plan_create(by=city_staff, data=plan_data(
        lead_items, year=THIS_YEAR, planned_start_on=dt.date(THIS_YEAR, 12, 1),
        planned_end_on=dt.date(THIS_YEAR, 12, 31)))
    plan = services.plan_submit(plan, by=city_staff)
    assert plan.due_on == dt.date(THIS_YEAR, 12, 31) and not plan.is_late


def test_late_flag_is_shown_on_the_plan_list(client: Any, city_staff: Any, lead_items: list[Any]) -> None:
    year = THIS_YEAR - 1
    plan = services.plan_create(by=city_staff, data=plan_data(
        lead_items, year=year, title="逾期的年度计划", planned_start_on=dt.date(year, 3, 1),
        planned_end_on=dt.date(year, 11, 30)))
    services.plan_submit(plan, by=city_staff)
    client.force_login(city_staff)
    page = client.get("/plans/?is_late=true").content.decode()
    assert "逾期的年度计划" in page and "逾期" in page
