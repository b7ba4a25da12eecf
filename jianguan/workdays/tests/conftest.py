"""The calendar cache lives in process memory and the test database rolls back after each test:
start and end every test with an empty cache so that no test sees another's edits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jianguan.workdays import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar.clear_cache()
    yield
    calendar.clear_cache()
