"""Entities used across the app's tests: two in Yuhu (430302), one in Guangdong."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.entities.factories import EntityFactory
from jianguan.entities.models import Entity
from jianguan.organizations.models import Region


@pytest.fixture
def county_entity(county_dept: Any) -> Entity:
    """In Yuhu district, maintained by the Yuhu bureau."""
    return EntityFactory.create(name="湘潭市雨湖区恒信商贸有限公司", department=county_dept,
                         region=Region.objects.get(code="430302"))


@pytest.fixture
def city_entity(city_dept: Any) -> Entity:
    """In Yuhu district, maintained by the city bureau."""
    return EntityFactory.create(name="湘潭市雨湖区莲城餐饮管理有限公司", department=city_dept,
                         region=Region.objects.get(code="430302"))


@pytest.fixture
def outside_entity(other_province_dept: Any) -> Entity:
    """In Guangdong (Luohu district, 440303), maintained by the Guangdong bureau."""
    return EntityFactory.create(name="深圳市罗湖区示例贸易有限公司", department=other_province_dept,
                         region=Region.objects.get(code="440303"))
