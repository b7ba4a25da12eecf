"""Fixtures of the plan tests, on top of the shared personas (conftest.py at the project root)."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.accounts.factories import UserFactory
from jianguan.accounts.roles import Role
from jianguan.catalog.choices import ItemKind
from jianguan.organizations.choices import DepartmentKind, DepartmentLevel
from jianguan.organizations.factories import DepartmentFactory
from jianguan.organizations.models import Region
from jianguan.plans import services
from jianguan.plans.tests.helpers import Actors, item, plan_data


def _dept(name: str, region: str, level: int, kind: str) -> Any:
    return DepartmentFactory(name=name, region=Region.objects.get(code=region), level=level, kind=kind)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


@pytest.fixture
def lead_items(city_dept: Any) -> list[Any]:
    """Published items of the city market regulation bureau: two general, one key."""
    return [item(city_dept), item(city_dept), item(city_dept, ItemKind.KEY)]


@pytest.fixture
def special_item(city_dept: Any) -> Any:
    return item(city_dept, ItemKind.SPECIAL)


@pytest.fixture
def env_dept(db: Any) -> Any:
    return _dept("湘潭市生态环境局", "430300", DepartmentLevel.CITY, DepartmentKind.INDUSTRY_AUTHORITY)


@pytest.fixture
def env_staff(env_dept: Any) -> Any:
    return UserFactory(username="env_staff", role=Role.DIVISION_STAFF, department=env_dept)


@pytest.fixture
def env_items(env_dept: Any) -> list[Any]:
    return [item(env_dept), item(env_dept, ItemKind.KEY)]


@pytest.fixture
def commerce_staff(db: Any) -> Any:
    """Staff of an unrelated city department of the same level (湘潭市商务局)."""
    dept = _dept("湘潭市商务局", "430300", DepartmentLevel.CITY, DepartmentKind.INDUSTRY_AUTHORITY)
    return UserFactory(username="commerce_staff", role=Role.DIVISION_STAFF, department=dept)


@pytest.fixture
def county_justice_reviewer(db: Any) -> Any:
    dept = _dept("湘潭市雨湖区司法局", "430302", DepartmentLevel.COUNTY, DepartmentKind.JUSTICE_BUREAU)
    return UserFactory(username="county_justice", role=Role.JUSTICE_REVIEWER, department=dept)


@pytest.fixture
def county_legal(county_dept: Any) -> Any:
    return UserFactory(username="county_legal", role=Role.LEGAL_OFFICER, department=county_dept)


@pytest.fixture
def who(city_staff: Any, city_legal: Any, justice_reviewer: Any) -> Actors:
    return Actors(city_staff, city_legal, justice_reviewer)


@pytest.fixture
def draft_plan(city_staff: Any, lead_items: list[Any]) -> Any:
    return services.plan_create(by=city_staff, data=plan_data(lead_items))


@pytest.fixture
def joint_plan(city_staff: Any, lead_items: list[Any], env_dept: Any, env_items: list[Any]) -> Any:
    return services.plan_create(by=city_staff, data=plan_data(
        lead_items[:1], kind="joint", title="部门联合抽查计划",
        participants=[{"department": env_dept, "items": env_items}],
    ))
