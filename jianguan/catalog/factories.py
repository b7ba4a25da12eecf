"""Factories for catalog items and inspection items (rows written directly; services are tested separately)."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from jianguan.catalog.choices import ImplementingLevel, ItemKind, PublicationState
from jianguan.catalog.models import CatalogItem, InspectionItem, SupervisionDomain


def domain(code: str) -> SupervisionDomain:
    """A seeded supervision domain by code (the data migration ships them)."""
    return SupervisionDomain.objects.get(code=code)


class CatalogItemFactory(factory.django.DjangoModelFactory[CatalogItem]):
    class Meta:
        model = CatalogItem

    department = factory.SubFactory("jianguan.organizations.factories.DepartmentFactory")
    code = factory.Sequence(lambda n: f"ML-{n:05d}")
    name = factory.Sequence(lambda n: f"对产品质量的监督检查{n}")
    domain = factory.LazyFunction(lambda: domain("industrial_product_quality"))
    supervised_object = "生产、销售产品的企业"
    measures = "现场检查、抽样检验"
    legal_basis = "《中华人民共和国产品质量法》第十五条"
    result_handling = "责令改正；依法给予行政处罚"
    implementing_level = ImplementingLevel.CITY


class InspectionItemFactory(factory.django.DjangoModelFactory[InspectionItem]):
    class Meta:
        model = InspectionItem

    catalog_item = factory.SubFactory(CatalogItemFactory)
    department = factory.SelfAttribute("catalog_item.department")
    domain = factory.SelfAttribute("catalog_item.domain")
    code = factory.Sequence(lambda n: f"CC-{n:05d}")
    name = factory.Sequence(lambda n: f"产品质量监督抽查{n}")
    kind = ItemKind.GENERAL
    default_ratio_pct = Decimal("5.00")
    frequency = "每年1次"
    times_per_year = 1
    methods = "written,onsite"
    object_scope = "辖区内生产企业"
    inspection_basis = "《中华人民共和国产品质量法》"
    min_inspectors = 2
    publication_state = PublicationState.DRAFT

    class Params:
        published = factory.Trait(
            publication_state=PublicationState.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )
