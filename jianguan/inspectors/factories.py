"""Factories for the inspector directory (persona-region departments, valid certificate numbers)."""

from __future__ import annotations

import factory
from django.utils import timezone

from jianguan.entities.factories import EntityFactory
from jianguan.inspectors.choices import InspectorCategory
from jianguan.inspectors.models import DirectoryFiling, Inspector, Recusal
from jianguan.organizations.factories import DepartmentFactory

NAMES = ["王建军", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "黄志强", "赵敏", "周建国", "吴丽华", "彭俊", "谭晓梅"]


class InspectorFactory(factory.django.DjangoModelFactory[Inspector]):
    class Meta:
        model = Inspector
        skip_postgeneration_save = True

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: NAMES[n % len(NAMES)])
    category = InspectorCategory.CIVIL_SERVANT
    certificate_no = factory.Sequence(lambda n: f"湘4303{n:06d}")
    region = factory.LazyAttribute(lambda i: i.department.region)
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    is_active = True

    @factory.post_generation
    def qualifications(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.qualifications.set(extracted)  # type: ignore[attr-defined]


class RecusalFactory(factory.django.DjangoModelFactory[Recusal]):
    class Meta:
        model = Recusal

    inspector = factory.SubFactory(InspectorFactory)
    entity = factory.SubFactory(EntityFactory)
    department = factory.LazyAttribute(lambda r: r.inspector.department)
    reason = "近亲属在该单位担任负责人"


class DirectoryFilingFactory(factory.django.DjangoModelFactory[DirectoryFiling]):
    class Meta:
        model = DirectoryFiling

    department = factory.SubFactory(DepartmentFactory)
    quarter = "2026Q1"
    filed_at = factory.LazyFunction(timezone.now)
    inspector_count = 0
    directory_sha256 = "0" * 64
    directory_csv = "certificate_no,name,category,qualifications\n"
