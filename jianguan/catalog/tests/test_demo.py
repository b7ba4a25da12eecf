from __future__ import annotations

from typing import Any

import pytest

from jianguan.catalog.choices import ItemKind, PublicationState
from jianguan.catalog.demo import ITEMS, seed_catalog
from jianguan.catalog.models import InspectionItem, InspectionItemVersion
from jianguan.catalog.rules import RATIO_BOUNDS

pytestmark = pytest.mark.django_db


def test_seed_catalog_publishes_about_forty_items_within_the_ratio_bounds(city_dept: Any) -> None:
    items = seed_catalog(departments_by_sector={"市场监管": city_dept})
    expected = sum(1 for spec in ITEMS if spec.sector == "市场监管")
    assert len(items) == expected >= 15
    for item in items:
        assert item.publication_state == PublicationState.PUBLISHED
        assert item.catalog_item.department_id == item.department_id == city_dept.pk
        bounds = RATIO_BOUNDS[item.kind]
        if item.kind == ItemKind.SPECIAL:
            assert item.default_ratio_pct is None and item.domain.is_special_key_area
        else:
            assert bounds.low is not None and bounds.high is not None and item.default_ratio_pct is not None
            assert bounds.low <= item.default_ratio_pct <= bounds.high


def test_seed_catalog_skips_missing_sectors_and_is_idempotent(city_dept: Any, county_dept: Any) -> None:
    sectors = {"市场监管": city_dept, "生态环境": county_dept}
    first = seed_catalog(departments_by_sector=sectors)
    second = seed_catalog(departments_by_sector=sectors)
    assert [i.pk for i in first] == [i.pk for i in second]
    assert InspectionItem.objects.count() == len(first)
    assert not InspectionItem.objects.filter(name="消防安全检查").exists()
    # created and published: two versions each
    assert InspectionItemVersion.objects.filter(item=first[0]).count() == 2


def test_the_whole_demo_list_has_about_forty_items_over_every_sector() -> None:
    assert 38 <= len(ITEMS) <= 50
    assert {spec.sector for spec in ITEMS} == {
        "市场监管", "生态环境", "应急管理", "卫生健康", "交通运输", "农业农村", "文化旅游", "消防救援", "商务"}


def test_seeding_every_sector_gives_every_department_its_own_published_list() -> None:
    from jianguan.organizations.factories import DepartmentFactory

    sectors = {spec.sector for spec in ITEMS}
    departments = {sector: DepartmentFactory.create(sector=sector) for sector in sectors}
    items = seed_catalog(departments_by_sector=departments)
    assert len(items) == len(ITEMS)
    assert {i.kind for i in items} == {ItemKind.GENERAL, ItemKind.KEY, ItemKind.SPECIAL}
    for item in items:
        assert item.department.sector == next(s.sector for s in ITEMS if s.name == item.name)
