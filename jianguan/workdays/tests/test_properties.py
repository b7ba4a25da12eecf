"""Property: working_days_after and working_days_between are inverses over every covered day."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianguan.workdays import loader
from jianguan.workdays.calendar import is_working_day, working_days_after, working_days_between

pytestmark = pytest.mark.django_db

YEARS = loader.package_years()
# The last covered year stops in early November so that 30 working days never run past its end.
DAYS = st.dates(min_value=dt.date(YEARS[0], 1, 1), max_value=dt.date(YEARS[-1], 11, 1))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=DAYS, n=st.integers(min_value=0, max_value=30))
def test_the_nth_working_day_after_is_n_working_days_away_and_is_a_working_day(day: dt.date, n: int) -> None:
    result = working_days_after(day, n)
    assert working_days_between(day, result) == n
    assert result >= day
    if n > 0:
        assert is_working_day(result)
        # It is the first such day: the day before it is still n-1 working days away.
        assert working_days_between(day, result - dt.timedelta(days=1)) == n - 1
    else:
        assert result == day
