"""The sampling-ratio rules of the random-inspection item list, in one place.

[003] 一般检查事项 3%–20% (inclusive); 重点检查事项 at least 20% [000][003] (capped at 100% because a ratio
is a share of the objects); 特殊重点领域 are covered in full (全覆盖) and are not drawn, so they carry no
ratio at all [000][003]. The draw app imports ``check_ratio`` and ``RATIO_BOUNDS`` from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jianguan.catalog.choices import ItemKind
from jianguan.core.exceptions import ValidationFailed

RATIO_FIELD = "default_ratio_pct"


@dataclass(frozen=True)
class RatioBounds:
    """Inclusive bounds of the sampling ratio (percent) for one item kind; None bounds mean 'no ratio'."""

    low: Decimal | None
    high: Decimal | None
    rule: str

    @property
    def takes_ratio(self) -> bool:
        return self.low is not None


RATIO_BOUNDS: dict[str, RatioBounds] = {
    ItemKind.GENERAL: RatioBounds(Decimal("3"), Decimal("20"), "一般检查事项的抽查比例须在 3%–20% 之间 [003]"),
    ItemKind.KEY: RatioBounds(Decimal("20"), Decimal("100"), "重点检查事项的抽查比例须不低于 20%（最高 100%）[000][003]"),
    ItemKind.SPECIAL: RatioBounds(None, None, "特殊重点领域实行全覆盖检查，不设抽查比例 [000][003]"),
}


def check_ratio(kind: str, ratio_pct: Decimal | int | float | str | None) -> None:
    """Raise ValidationFailed naming ``default_ratio_pct`` unless ``ratio_pct`` fits the bounds of ``kind``.

    ``kind`` is an ``ItemKind`` value ("key", "general", "special"). A ``None`` ratio is required for special
    key areas and rejected for the other kinds. Returns None when the ratio is acceptable.
    """
    bounds = RATIO_BOUNDS.get(kind)
    if bounds is None:
        raise ValidationFailed.for_field("kind", f"未知的事项类别：{kind}", code="unknown_kind")
    if not bounds.takes_ratio:
        if ratio_pct is not None and str(ratio_pct).strip() != "":
            raise ValidationFailed.for_field(RATIO_FIELD, bounds.rule, code="ratio_not_allowed")
        return
    if ratio_pct is None or str(ratio_pct).strip() == "":
        raise ValidationFailed.for_field(RATIO_FIELD, f"请填写抽查比例。{bounds.rule}", code="required")
    try:
        value = Decimal(str(ratio_pct).strip())
    except ArithmeticError:
        raise ValidationFailed.for_field(RATIO_FIELD, f"抽查比例须为数字。{bounds.rule}", code="invalid") from None
    if not value.is_finite():
        raise ValidationFailed.for_field(RATIO_FIELD, f"抽查比例须为数字。{bounds.rule}", code="invalid")
    assert bounds.low is not None and bounds.high is not None
    if value < bounds.low or value > bounds.high:
        raise ValidationFailed.for_field(RATIO_FIELD, bounds.rule, code="ratio_out_of_bounds")
