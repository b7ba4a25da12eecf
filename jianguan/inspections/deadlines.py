"""Deadlines of inspections on the working-day calendar (statutory holidays and make-up days included).

- A record is entered the day of the inspection; a late entry is allowed up to N working days with a
  reason (N = 7 [003]); after that it is refused.
- All results of a task are saved and published at most M working days after the task window ends
  (M = 7 [003]), never more than the national ceiling of 20 working days (《企业信息公示暂行条例》
  第六条、第十条).
- The notice reaches the entity at least 48 hours before the visit starts [003].
- The inspection standards reach the objects at least a month before the window starts [003].

The numbers come from the ``DeadlineRule`` of the department's jurisdiction: the rule with the longest
region prefix that the department's region code starts with wins; the blank prefix is the default.
Counting goes through workdays.calendar, which refuses years it has no data for.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from dataclasses import dataclass

from jianguan.inspections.models import DeadlineRule
from jianguan.workdays.calendar import working_days_after, working_days_between

FALLBACK = DeadlineRule(region_prefix="", entry_grace_working_days=7, publication_working_days=7,
                        ceiling_working_days=20, notice_hours=48, law_education_months=1)


def rule_for(region_code: str) -> DeadlineRule:
    """The most specific rule for a region code (longest matching prefix; blank prefix = default)."""
    prefixes = [region_code[:n] for n in range(len(region_code), -1, -1)]
    rules = {r.region_prefix: r for r in DeadlineRule.objects.filter(region_prefix__in=prefixes)}
    for prefix in prefixes:
        if prefix in rules:
            return rules[prefix]
    return FALLBACK


def rule_for_department(department: object) -> DeadlineRule:
    return rule_for(str(getattr(department, "region_id", "") or ""))


@dataclass(frozen=True)
class EntryCheck:
    """How an entry on ``entered_on`` relates to an inspection on ``inspected_on``."""

    inspected_on: dt.date
    entered_on: dt.date
    grace_due_on: dt.date  # the last working day on which a late entry is still accepted
    working_days_late: int

    @property
    def is_late(self) -> bool:
        return self.entered_on > self.inspected_on

    @property
    def is_refused(self) -> bool:
        return self.entered_on > self.grace_due_on


def entry_check(inspected_on: dt.date, entered_on: dt.date, rule: DeadlineRule) -> EntryCheck:
    grace_due = working_days_after(inspected_on, rule.entry_grace_working_days)
    late = max(0, working_days_between(inspected_on, entered_on)) if entered_on > inspected_on else 0
    return EntryCheck(inspected_on, entered_on, grace_due, late)


@dataclass(frozen=True)
class TaskDeadlines:
    """When a task's results are due: the jurisdiction's deadline and the national ceiling."""

    window_end_on: dt.date
    publication_due_on: dt.date
    ceiling_on: dt.date
    publication_working_days: int
    ceiling_working_days: int


def task_deadlines(window_end_on: dt.date, rule: DeadlineRule) -> TaskDeadlines:
    days = min(rule.publication_working_days, rule.ceiling_working_days)
    return TaskDeadlines(
        window_end_on=window_end_on,
        publication_due_on=working_days_after(window_end_on, days),
        ceiling_on=working_days_after(window_end_on, rule.ceiling_working_days),
        publication_working_days=days,
        ceiling_working_days=rule.ceiling_working_days,
    )


def notice_latest_delivery_at(start_at: dt.datetime, rule: DeadlineRule) -> dt.datetime:
    """The last moment a notice may reach the entity for a visit starting at ``start_at`` [003]."""
    return start_at - dt.timedelta(hours=rule.notice_hours)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when it has no such day)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = _stdlib_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def law_education_due_on(window_start_on: dt.date, rule: DeadlineRule) -> dt.date:
    """The standards must have been sent on or before this day: a month before the window starts [003]."""
    return months_before(window_start_on, rule.law_education_months)
