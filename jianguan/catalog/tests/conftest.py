"""Catalog fixtures: items of Xiangtan city market regulation (in scope) and of Guangdong (out of scope)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jianguan.catalog import services
from jianguan.catalog.factories import CatalogItemFactory, InspectionItemFactory, domain


@pytest.fixture
def city_catalog_item(city_dept: Any) -> Any:
    return CatalogItemFactory(department=city_dept, code="430300-ML-001", name="对产品质量的监督检查")


@pytest.fixture
def other_catalog_item(other_province_dept: Any) -> Any:
    return CatalogItemFactory(department=other_province_dept, code="440000-ML-001")


@pytest.fixture
def food_catalog_item(city_dept: Any) -> Any:
    return CatalogItemFactory(department=city_dept, code="430300-ML-FOOD", name="对食品生产活动的监督检查",
                              domain=domain("food_safety"), legal_basis="《中华人民共和国食品安全法》第一百一十条")


def item_data(catalog_item: Any, **overrides: Any) -> dict[str, Any]:
    """Valid service input for a general item of the given catalog item."""
    data: dict[str, Any] = {
        "code": "430300-CC-001", "name": "产品质量监督抽查", "catalog_item": catalog_item, "kind": "general",
        "default_ratio_pct": Decimal("5"), "times_per_year": 1, "methods": ["sampling", "onsite"],
        "object_scope": "辖区内产品生产企业", "inspection_basis": "《中华人民共和国产品质量法》第十五条",
    }
    return data | overrides


@pytest.fixture
def draft_item(city_catalog_item: Any, city_staff: Any) -> Any:
    return services.inspection_item_create(by=city_staff, data=item_data(city_catalog_item))


@pytest.fixture
def published_item(city_catalog_item: Any) -> Any:
    return InspectionItemFactory(catalog_item=city_catalog_item, code="430300-CC-PUB", published=True)


@pytest.fixture
def other_draft_item(other_catalog_item: Any) -> Any:
    return InspectionItemFactory(catalog_item=other_catalog_item, code="440000-CC-001")
