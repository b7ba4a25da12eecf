"""Factories for market entities (valid codes in the persona regions)."""

from __future__ import annotations

import random

import factory

from jianguan.entities.choices import EntityKind, EntityStatus
from jianguan.entities.models import Entity, Industry, Licence, Tag
from jianguan.entities.uscc import generate_uscc
from jianguan.organizations.factories import DepartmentFactory
from jianguan.organizations.models import Region


class TagFactory(factory.django.DjangoModelFactory[Tag]):
    class Meta:
        model = Tag
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TAG{n:04d}")
    name = factory.LazyAttribute(lambda t: f"标签{t.code}")


class EntityFactory(factory.django.DjangoModelFactory[Entity]):
    class Meta:
        model = Entity
        skip_postgeneration_save = True

    region = factory.LazyFunction(lambda: Region.objects.get(code="430302"))
    # Seeded by the sequence number: deterministic, and distinct within a run.
    uscc = factory.LazyAttributeSequence(lambda e, n: generate_uscc(random.Random(f"entity-{n}"), e.region.code))
    name = factory.Sequence(lambda n: f"湘潭市雨湖区测试{n}商贸有限公司")
    kind = EntityKind.ENTERPRISE
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="52"))
    section = factory.LazyAttribute(lambda e: e.industry.section)
    address = "湖南省湘潭市雨湖区建设北路 1 号"
    legal_representative = "张三"
    status = EntityStatus.OPERATING
    credit_grade = "B"
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def competent_departments(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.competent_departments.set(extracted)  # type: ignore[attr-defined]

    @factory.post_generation
    def tags(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.tags.set(extracted)  # type: ignore[attr-defined]


class LicenceFactory(factory.django.DjangoModelFactory[Licence]):
    class Meta:
        model = Licence

    entity = factory.SubFactory(EntityFactory)
    kind = "食品经营许可证"
    number = factory.Sequence(lambda n: f"JY1430302{n:07d}")
