"""Choices of the draws app: the states of a draw, the kinds of ceremony witness, the exclusion reasons."""

from __future__ import annotations

from django.db import models


class DrawStatus(models.TextChoices):
    """Life of a draw; the allowed transitions are data in workflow.py."""

    ANNOUNCED = "announced", "已通知（待冻结名单）"
    FROZEN = "frozen", "名单已冻结（收集承诺）"
    SEALED = "sealed", "承诺已封存（揭示/摇号）"
    EXECUTED = "executed", "已抽取（待公示）"
    PUBLISHED = "published", "已公示"
    FAILED = "failed", "已作废"


class WitnessKind(models.TextChoices):
    """A committing party of the commit-then-reveal ceremony, or a witness of a dice roll."""

    PARTY = "party", "承诺方"
    DICE_WITNESS = "dice_witness", "摇号见证人"


class ExclusionReason(models.TextChoices):
    """Why an entity matching the task's filters is not in the frozen population (counted per reason).

    The order is the order of precedence: an entity excluded for several reasons counts under the first.
    """

    NOT_OPERATING = "not_operating", "登记状态不在抽查范围（非存续在营）"
    YEARLY_CAP = "yearly_cap", "本年度已被抽取达到上限"
    UPPER_LEVEL = "upper_level", "本年度已被上级部门抽中检查"
    SAME_ITEM_OTHER_LEVEL = "same_item_other_level", "本年度同一事项已被其他层级部门作为一般检查抽中"


# One-character codes of the reasons in the bulk population read (population.py); "0" = eligible.
REASON_CODES: dict[str, str] = {
    "d": ExclusionReason.NOT_OPERATING,
    "a": ExclusionReason.YEARLY_CAP,
    "b": ExclusionReason.UPPER_LEVEL,
    "c": ExclusionReason.SAME_ITEM_OTHER_LEVEL,
}
ELIGIBLE_CODE = "0"
