"""Factories for departments (regions come from the loaded snapshot)."""

from __future__ import annotations

import factory

from jianguan.organizations.choices import DepartmentKind, DepartmentLevel
from jianguan.organizations.models import Department, Region


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试市场监督管理局{n}")
    code = factory.Sequence(lambda n: f"DEPT{n:05d}")
    level = DepartmentLevel.CITY
    kind = DepartmentKind.APPROVING
    region = factory.LazyFunction(lambda: Region.objects.get(code="430300"))
    sector = "市场监管"
