"""The rules of plans and tasks that are not state transitions: due dates, the temporary-inspection notice,
attachments, and the per-grade sampling ratios of a task.

Ratio bounds are never re-implemented here: they come from ``jianguan.catalog.rules`` (RATIO_BOUNDS,
check_ratio). A task that mixes item kinds must satisfy the bounds of every kind it contains, i.e. the
strictest bounds apply: general (3%–20%) together with key (≥ 20%) leaves exactly 20%.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jianguan.catalog.choices import ItemKind
from jianguan.catalog.rules import RATIO_BOUNDS, check_ratio
from jianguan.core.exceptions import ValidationFailed
from jianguan.plans.choices import GRADE_RATIO_FIELDS, Grade

# [003] a temporary inspection is applied for at least one week before the planned inspection date.
TEMPORARY_NOTICE_DAYS = 7
# [law] at least two inspectors per on-site inspection.
MIN_TEAM_SIZE = 2
CENT = Decimal("0.01")

# Upper-level documents attached to a plan: what may be uploaded.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# extension -> (leading bytes the file must start with, content type)
ATTACHMENT_TYPES: dict[str, tuple[bytes, str]] = {
    ".pdf": (b"%PDF", "application/pdf"),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),
    ".docx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
}


def due_date(region_code: str, kind: str, year: int) -> dt.date | None:
    """The due date of a plan of ``kind`` for ``year`` in the region; the longest matching prefix wins.

    None when no rule applies (e.g. temporary inspections, which follow the 7-day notice instead).
    """
    from jianguan.plans.models import PlanDeadlineRule

    prefixes = {region_code[:n] for n in range(0, len(region_code) + 1)}
    rule = (
        PlanDeadlineRule.objects.filter(kind=kind, region_prefix__in=prefixes)
        .order_by("-region_prefix")  # longer prefixes sort after their own prefixes
        .first()
    )
    if rule is None:
        return None
    # 29 February in a common year becomes 28 February.
    day = min(rule.day, _days_in_month(year, rule.month))
    return dt.date(year, rule.month, day)


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def check_temporary_notice(planned_start_on: dt.date, submitted_on: dt.date) -> None:
    """[003] temporary inspections are applied for at least 7 days before the planned start."""
    days = (planned_start_on - submitted_on).days
    if days < TEMPORARY_NOTICE_DAYS:
        raise ValidationFailed.for_field(
            "planned_start_on",
            f"临时性检查须在拟检查日期前至少 {TEMPORARY_NOTICE_DAYS} 天提出申请 [003]：计划开始日期 "
            f"{planned_start_on.isoformat()} 距提交日 {submitted_on.isoformat()} 只有 {days} 天",
            code="temporary_notice_too_short",
        )


@dataclass(frozen=True)
class TaskRatioBounds:
    """The bounds a task's ratios must meet: the intersection of the bounds of its item kinds."""

    kinds: tuple[str, ...]
    low: Decimal
    high: Decimal


def ratio_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """The item kinds that take a ratio (special key areas do not), in a stable order."""
    return tuple(k for k in (ItemKind.GENERAL, ItemKind.KEY) if k in set(kinds))


def task_ratio_bounds(kinds: Iterable[str]) -> TaskRatioBounds | None:
    """Strictest bounds over the given item kinds; None when no kind takes a ratio."""
    taking = ratio_kinds(kinds)
    if not taking:
        return None
    lows = [RATIO_BOUNDS[k].low for k in taking]
    highs = [RATIO_BOUNDS[k].high for k in taking]
    return TaskRatioBounds(
        kinds=taking,
        low=max(v for v in lows if v is not None),
        high=min(v for v in highs if v is not None),
    )


def check_task_ratio(kinds: Iterable[str], grade: str, value: Decimal | None) -> Decimal:
    """The ratio of one grade, checked against the bounds of every item kind of the task (catalog.rules).

    Raises ValidationFailed naming the grade's field (e.g. ``ratio_b_pct``), the grade and the rule.
    """
    field = GRADE_RATIO_FIELDS[grade]
    label = Grade(grade).label
    if value is None or str(value).strip() == "":
        raise ValidationFailed.for_field(field, f"请填写{label}的抽查比例", code="required")
    for kind in ratio_kinds(kinds):
        try:
            check_ratio(kind, value)
        except ValidationFailed as exc:
            rule = RATIO_BOUNDS[kind].rule
            raise ValidationFailed.for_field(
                field, f"{label}的抽查比例 {value}% 不符合规则：{rule}", code=exc.code
            ) from None
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def default_task_ratios(kinds: Iterable[str], defaults: dict[tuple[str, str], Decimal]) -> dict[str, Decimal]:
    """Default ratio per grade for a task: the highest default among its kinds, clamped into the strictest bounds.

    ``defaults`` maps (item kind, grade) to a ratio (the GradeRatioDefault table).
    """
    bounds = task_ratio_bounds(kinds)
    if bounds is None:
        return {}
    out: dict[str, Decimal] = {}
    for grade in GRADE_RATIO_FIELDS:
        candidates = [defaults[(k, grade)] for k in bounds.kinds if (k, grade) in defaults]
        value = max(candidates) if candidates else bounds.low
        out[grade] = min(max(value, bounds.low), bounds.high).quantize(CENT, ROUND_HALF_UP)
    return out
