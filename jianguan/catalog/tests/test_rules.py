"""The ratio bounds by kind, in one place (rules.py) [000][003]."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jianguan.catalog.rules import RATIO_BOUNDS, RATIO_FIELD, check_ratio
from jianguan.core.exceptions import ValidationFailed

ratios = st.decimals(min_value=Decimal("-50"), max_value=Decimal("200"), places=2, allow_nan=False,
                     allow_infinity=False)


def _accepted(kind: str, ratio: object) -> bool:
    try:
        check_ratio(kind, ratio)  # type: ignore[arg-type]
    except ValidationFailed as exc:
        assert exc.errors[0].field == RATIO_FIELD
        return False
    return True


@given(ratios)
def test_a_general_item_accepts_exactly_three_to_twenty_percent(ratio: Decimal) -> None:
    assert _accepted("general", ratio) == (Decimal("3") <= ratio <= Decimal("20"))


@given(ratios)
def test_a_key_item_accepts_at_least_twenty_percent_up_to_all(ratio: Decimal) -> None:
    assert _accepted("key", ratio) == (Decimal("20") <= ratio <= Decimal("100"))


@given(ratios)
def test_a_special_area_item_accepts_no_ratio_at_all(ratio: Decimal) -> None:
    assert not _accepted("special", ratio)


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_float_ratios_are_judged_by_their_decimal_value(ratio: float) -> None:
    assert _accepted("general", ratio) == (3 <= Decimal(str(ratio)) <= 20)


def test_special_area_items_take_no_ratio_and_others_need_one() -> None:
    check_ratio("special", None)
    for kind in ("general", "key"):
        with pytest.raises(ValidationFailed) as exc:
            check_ratio(kind, None)
        assert exc.value.errors[0].code == "required"


def test_the_error_names_the_field_and_the_rule_with_its_source() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_ratio("general", Decimal("25"))
    error = exc.value.errors[0]
    assert error.field == "default_ratio_pct"
    assert error.message == "一般检查事项的抽查比例须在 3%–20% 之间 [003]"
    assert error.code == "ratio_out_of_bounds"


def test_the_bounds_are_inclusive_at_both_ends() -> None:
    for kind, bounds in RATIO_BOUNDS.items():
        if bounds.takes_ratio:
            check_ratio(kind, bounds.low)
            check_ratio(kind, bounds.high)


def test_a_ratio_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_ratio("general", "五")
    assert exc.value.errors[0].field == "default_ratio_pct"


def test_an_unknown_kind_is_refused_naming_the_kind() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_ratio("sometimes", Decimal("5"))
    assert exc.value.errors[0].field == "kind"
