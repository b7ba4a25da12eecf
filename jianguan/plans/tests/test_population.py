"""The task's population filter as a Q over entities (what the draw app starts from)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.entities.factories import EntityFactory, LicenceFactory, TagFactory
from jianguan.entities.models import Industry
from jianguan.organizations.models import Region
from jianguan.plans import selectors
from jianguan.plans.factories import PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(city_dept: Any) -> Any:
    plan = PlanFactory(department=city_dept, status="published")
    return TaskFactory(plan=plan)


def names(task: Any) -> set[str]:
    return set(selectors.task_entities(task).values_list("name", flat=True))


def entity(name: str, region: str = "430302", **kw: Any) -> Any:
    return EntityFactory(name=name, region=Region.objects.get(code=region), **kw)


def test_default_filter_takes_operating_entities_in_the_whole_jurisdiction(task: Any) -> None:
    entity("雨湖在营")
    entity("岳塘在营", "430304")
    entity("注销", status="cancelled")
    entity("长沙在营", "430102")
    entity("移出名录", is_active=False)
    assert names(task) == {"雨湖在营", "岳塘在营"}


def test_filters_combine(task: Any) -> None:
    tag = TagFactory(code="food", name="食品经营")
    retail = Industry.objects.get(code="52")
    manufacturing = Industry.objects.filter(section="C", level="division").first()
    a = entity("雨湖零售食品", industry=retail, tags=[tag])
    entity("雨湖零售无标签", industry=retail)
    entity("岳塘零售食品", "430304", industry=retail, tags=[tag])
    entity("雨湖制造食品", industry=manufacturing, tags=[tag])
    entity("雨湖个体零售食品", industry=retail, tags=[tag], kind="individual_business")
    task.region_prefixes, task.industry_codes, task.tag_codes, task.entity_kinds = ["430302"], ["F"], ["food"], [
        "enterprise"]
    assert names(task) == {a.name}
    task.industry_codes = ["52"]
    assert names(task) == {a.name}


def test_licence_filter_takes_holders_of_a_valid_licence(task: Any) -> None:
    holder = entity("有证")
    expired = entity("证已过期")
    entity("无证")
    LicenceFactory(entity=holder, kind="食品经营许可证")
    LicenceFactory(entity=expired, kind="食品经营许可证", expires_on=task.window_start_on - dt.timedelta(days=1))
    task.licence_kinds = ["食品经营许可证"]
    assert names(task) == {"有证"}


def test_population_filter_is_canonical_data(task: Any) -> None:
    task.region_prefixes = ["430304", "430302"]
    data = selectors.task_population_filter(task)
    assert data["region_prefixes"] == ["430302", "430304"]
    assert data["entity_statuses"] == ["operating"]
    assert data["ratios_pct"] == {"A": "3.00", "B": "5.00", "C": "10.00", "D": "20.00", "U": "5.00"}
