"""Deadlines on the statutory working-day calendar, jurisdiction rules, overdue lists, law education."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.core.exceptions import NotPermitted, ValidationFailed
from jianguan.inspections import deadlines, selectors, services
from jianguan.inspections.choices import OverdueKind, VisitStatus
from jianguan.inspections.factories import VisitFactory
from jianguan.inspections.models import DeadlineRule
from jianguan.plans.factories import PlanFactory, TaskFactory
from jianguan.workdays.calendar import CalendarYearUnknown
from jianguan.workdays.factories import CalendarYearFactory

pytestmark = pytest.mark.django_db
D = dt.date


def national() -> DeadlineRule:
    return DeadlineRule.objects.get(region_prefix="")


def test_the_seeded_national_rule_holds_the_documented_numbers() -> None:
    rule = national()
    assert (rule.entry_grace_working_days, rule.publication_working_days, rule.ceiling_working_days,
            rule.notice_hours, rule.law_education_months) == (7, 7, 20, 48, 1)


def test_results_of_a_task_ending_before_national_day_2026_are_due_after_the_holiday() -> None:
    # Window ends Wed 30 Sep 2026. 1–7 Oct is the National Day holiday; Sat 10 Oct is a make-up working
    # day. Working days after: 8, 9, 10 (Sat), 12, 13, 14, 15 Oct -> due Thu 15 Oct (Mon–Fri would say 9 Oct).
    due = deadlines.task_deadlines(D(2026, 9, 30), national())
    assert due.publication_due_on == D(2026, 10, 15)
    assert due.ceiling_on == D(2026, 11, 3)


def test_a_late_entry_over_the_mid_autumn_and_national_day_holidays() -> None:
    # Inspected Thu 24 Sep 2026; 25–27 Sep is the Mid-Autumn holiday and 1–7 Oct National Day. Working days
    # after: 28, 29, 30 Sep, 8, 9, 10 (Sat, make-up), 12 Oct -> the grace ends on Mon 12 Oct.
    check = deadlines.entry_check(D(2026, 9, 24), D(2026, 10, 9), national())
    assert check.grace_due_on == D(2026, 10, 12)
    assert check.is_late and not check.is_refused and check.working_days_late == 5
    assert not deadlines.entry_check(D(2026, 9, 24), D(2026, 10, 12), national()).is_refused
    assert deadlines.entry_check(D(2026, 9, 24), D(2026, 10, 13), national()).is_refused
    assert not deadlines.entry_check(D(2026, 9, 24), D(2026, 9, 24), national()).is_late


def test_the_most_specific_jurisdiction_rule_wins() -> None:
    DeadlineRule.objects.create(region_prefix="43", entry_grace_working_days=5, publication_working_days=10)
    DeadlineRule.objects.create(region_prefix="4303", entry_grace_working_days=3, publication_working_days=5)
    assert deadlines.rule_for("430302").region_prefix == "4303"
    assert deadlines.rule_for("430100").region_prefix == "43"
    assert deadlines.rule_for("440000").region_prefix == ""
    due = deadlines.task_deadlines(D(2026, 9, 30), deadlines.rule_for("430300"))
    assert due.publication_due_on == D(2026, 10, 13)  # 8, 9, 10 (Sat), 12, 13 Oct


def test_a_rule_beyond_the_national_ceiling_is_refused_by_the_database() -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DeadlineRule.objects.create(region_prefix="22", publication_working_days=25, ceiling_working_days=25)


def test_a_year_missing_from_the_calendar_is_a_clear_error() -> None:
    with pytest.raises(CalendarYearUnknown) as exc:
        deadlines.task_deadlines(D(2098, 12, 30), national())
    assert "2098" in exc.value.message


def test_make_up_days_of_a_manually_loaded_year_count() -> None:
    CalendarYearFactory.create(year=2099, days__holidays={D(2099, 10, 1): "国庆节", D(2099, 10, 2): "国庆节"},
                        days__makeup_workdays=[D(2099, 10, 3)])
    # Wed 30 Sep 2099: Thu 1 and Fri 2 Oct off, Sat 3 Oct worked: 3, 5, 6, 7, 8, 9, 12 Oct.
    assert deadlines.task_deadlines(D(2099, 9, 30), national()).publication_due_on == D(2099, 10, 12)


# ---------------------------------------------------------------- overdue lists


@pytest.fixture
def late_visit(task: Any, inspector_a: Any, inspector_b: Any, today: dt.date) -> Any:
    return VisitFactory.create(task=task, team=[inspector_a, inspector_b], scheduled_on=today - dt.timedelta(days=30),
                        status=VisitStatus.NOTIFIED)


@pytest.fixture
def yesterday_visit(task: Any, inspector_a: Any, inspector_b: Any, today: dt.date) -> Any:
    return VisitFactory.create(task=task, team=[inspector_a, inspector_b], scheduled_on=today - dt.timedelta(days=1),
                        status=VisitStatus.IN_PROGRESS)


def test_staff_see_the_late_and_overdue_entries_of_their_department(
    late_visit: Any, yesterday_visit: Any, visit: Any, city_staff: Any, peer_staff: Any, county_staff: Any,
) -> None:
    rows = {r.visit.pk: r.kind for r in selectors.overdue_visits(user=city_staff)}
    assert rows == {late_visit.pk: OverdueKind.ENTRY_OVERDUE, yesterday_visit.pk: OverdueKind.ENTRY_LATE}
    assert selectors.overdue_visits(user=peer_staff) == []
    assert selectors.overdue_visits(user=county_staff) == []  # a lower level does not read the city's visits


def test_the_oversight_office_sees_the_overdue_entries_of_its_region(late_visit: Any, oversight: Any,
                                                                     outsider: Any) -> None:
    assert [r.visit.pk for r in selectors.overdue_visits(user=oversight)] == [late_visit.pk]
    assert selectors.overdue_visits(user=outsider) == []


def test_an_inspector_sees_only_the_overdue_visits_of_their_team(
    late_visit: Any, task: Any, inspector_b: Any, inspector_c: Any, city_inspector: Any, today: dt.date
) -> None:
    VisitFactory.create(task=task, team=[inspector_b, inspector_c], scheduled_on=today - dt.timedelta(days=30),
                 status=VisitStatus.NOTIFIED)
    assert [r.visit.pk for r in selectors.overdue_visits(user=city_inspector)] == [late_visit.pk]


def test_a_task_whose_results_are_not_reviewed_in_time_is_overdue(
    city_dept: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, oversight: Any, peer_staff: Any,
) -> None:
    plan = PlanFactory.create(department=city_dept, year=2026)
    ended = TaskFactory.create(plan=plan, window_start_on=D(2026, 9, 1), window_end_on=D(2026, 9, 30))
    VisitFactory.create(task=ended, team=[inspector_a, inspector_b], scheduled_on=D(2026, 9, 29),
                 status=VisitStatus.RECORDED)
    VisitFactory.create(task=ended, team=[inspector_a, inspector_b], scheduled_on=D(2026, 9, 28),
                 status=VisitStatus.REVIEWED)
    assert selectors.overdue_tasks(user=city_staff, today=D(2026, 10, 15)) == []
    [row] = selectors.overdue_tasks(user=city_staff, today=D(2026, 10, 16))
    assert row.task == ended and row.kind == OverdueKind.RESULTS_OVERDUE
    assert (row.total, row.reviewed, row.pending) == (2, 1, 1)
    assert selectors.overdue_tasks(user=city_staff, today=D(2026, 11, 3))[0].kind == OverdueKind.RESULTS_OVERDUE
    assert selectors.overdue_tasks(user=city_staff, today=D(2026, 11, 4))[0].kind == OverdueKind.CEILING_EXCEEDED
    assert [r.task for r in selectors.overdue_tasks(user=oversight, today=D(2026, 10, 16))] == [ended]
    assert selectors.overdue_tasks(user=peer_staff, today=D(2026, 10, 16)) == []


# ---------------------------------------------------------------- law education [003]


def test_standards_sent_a_month_ahead_are_in_time(task: Any, city_staff: Any) -> None:
    services.law_education_record(task, by=city_staff, data={
        "sent_on": deadlines.months_before(task.window_start_on, 1), "method": "form"})
    status = selectors.law_education_status(task)
    assert status.is_recorded and not status.is_short


def test_standards_sent_less_than_a_month_ahead_are_flagged(task: Any, city_staff: Any) -> None:
    assert selectors.law_education_status(task).is_short  # nothing sent yet
    sent = deadlines.months_before(task.window_start_on, 1) + dt.timedelta(days=1)
    services.law_education_record(task, by=city_staff, data={"sent_on": sent, "method": "training"})
    status = selectors.law_education_status(task)
    assert status.first_sent_on == sent and status.is_short


def test_months_before_keeps_the_day_or_takes_the_month_end() -> None:
    assert deadlines.months_before(D(2026, 3, 31), 1) == D(2026, 2, 28)
    assert deadlines.months_before(D(2026, 1, 15), 1) == D(2025, 12, 15)


def test_law_education_is_recorded_by_the_task_department_only(task: Any, peer_staff: Any, city_staff: Any,
                                                               today: dt.date) -> None:
    with pytest.raises(NotPermitted):
        services.law_education_record(task, by=peer_staff, data={"sent_on": today, "method": "form"})
    with pytest.raises(ValidationFailed):
        services.law_education_record(task, by=city_staff, data={"sent_on": today + dt.timedelta(days=1),
                                                                 "method": "form"})
