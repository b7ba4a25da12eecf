"""Fixtures of the draw tests (database), on top of the shared personas of the project's conftest.py."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.draws.tests import world


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


@pytest.fixture
def city_item(city_dept: Any) -> Any:
    return world.item(city_dept)


@pytest.fixture
def city_plan(city_dept: Any, city_item: Any) -> Any:
    return world.plan(city_dept, [city_item])


@pytest.fixture
def city_entities(city_dept: Any) -> list[Any]:
    """40 operating entities of Yuhu district: 12 A, 16 B, 6 C, 2 D, 4 ungraded."""
    return world.entities(city_dept, {"A": 12, "B": 16, "C": 6, "D": 2, None: 4})


@pytest.fixture
def city_inspectors(city_dept: Any) -> list[Any]:
    return world.inspectors(city_dept, 5)


@pytest.fixture
def city_task(city_plan: Any, city_item: Any, city_entities: list[Any], city_inspectors: list[Any]) -> Any:
    """A ready task of the city bureau at the default ratios (A 3 %, B 5 %, C 10 %, D 20 %, U 5 %)."""
    return world.task(city_plan, [city_item])
