"""Fixtures of the inspector directory: one inspector in each persona region, domains, entities."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.catalog.models import SupervisionDomain
from jianguan.entities.factories import EntityFactory
from jianguan.inspectors.factories import InspectorFactory
from jianguan.organizations.models import Region


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def food(db: Any) -> SupervisionDomain:
    return SupervisionDomain.objects.get(code="food_safety")


@pytest.fixture
def equipment(db: Any) -> SupervisionDomain:
    return SupervisionDomain.objects.get(code="special_equipment")


@pytest.fixture
def city_insp(city_dept: Any, food: SupervisionDomain) -> Any:
    """An inspector of Xiangtan city market regulation."""
    return InspectorFactory(department=city_dept, name="王建军", certificate_no="湘4303000001",
                            phone="13807320001", qualifications=[food])


@pytest.fixture
def county_insp(county_dept: Any) -> Any:
    """An inspector of the Yuhu district bureau (a lower level inside the city)."""
    return InspectorFactory(department=county_dept, name="李秀英", certificate_no="湘4303020001",
                            region=region("430302"), phone="13807320002")


@pytest.fixture
def gd_insp(other_province_dept: Any) -> Any:
    """An inspector of the Guangdong provincial bureau (another region)."""
    return InspectorFactory(department=other_province_dept, name="陈国华", certificate_no="粤4400000001",
                            region=region("440000"), phone="13907550003")


@pytest.fixture
def city_entity(city_dept: Any) -> Any:
    return EntityFactory(department=city_dept, region=region("430302"), name="湘潭市雨湖区湘江食品有限公司")


@pytest.fixture
def gd_entity(other_province_dept: Any) -> Any:
    return EntityFactory(department=other_province_dept, region=region("440300"), name="深圳市南山测试科技有限公司")
