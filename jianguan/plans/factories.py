"""Factories for plans and tasks (rows written directly, in any state; the workflow is tested through services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from jianguan.plans.choices import PlanKind, PlanStatus, TaskStatus
from jianguan.plans.models import Plan, PlanParticipant, Task

YEAR = 2026


class PlanFactory(factory.django.DjangoModelFactory[Plan]):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    department = factory.SubFactory("jianguan.organizations.factories.DepartmentFactory")
    kind = PlanKind.ANNUAL
    year = YEAR
    title = factory.Sequence(lambda n: f"{YEAR}年度双随机抽查计划{n}")
    description = "对辖区内市场主体开展随机抽查"
    legal_basis = ""
    planned_start_on = dt.date(YEAR, 3, 1)
    planned_end_on = dt.date(YEAR, 11, 30)
    status = PlanStatus.DRAFT

    @factory.post_generation
    def items(obj: Plan, create: bool, extracted: list[object] | None, **kwargs: object) -> None:
        if create and extracted:
            obj.items.set(extracted)  # type: ignore[arg-type]


class PlanParticipantFactory(factory.django.DjangoModelFactory[PlanParticipant]):
    class Meta:
        model = PlanParticipant
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory, kind=PlanKind.JOINT)
    department = factory.SubFactory("jianguan.organizations.factories.DepartmentFactory")

    @factory.post_generation
    def items(obj: PlanParticipant, create: bool, extracted: list[object] | None, **kwargs: object) -> None:
        if create and extracted:
            obj.items.set(extracted)  # type: ignore[arg-type]


class TaskFactory(factory.django.DjangoModelFactory[Task]):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory, status=PlanStatus.PUBLISHED)
    department = factory.SelfAttribute("plan.department")
    name = factory.Sequence(lambda n: f"随机抽查任务{n}")
    window_start_on = factory.SelfAttribute("plan.planned_start_on")
    window_end_on = factory.SelfAttribute("plan.planned_end_on")
    ratio_a_pct = Decimal("3.00")
    ratio_b_pct = Decimal("5.00")
    ratio_c_pct = Decimal("10.00")
    ratio_d_pct = Decimal("20.00")
    ratio_u_pct = Decimal("5.00")
    min_team_size = 2
    max_visits_per_inspector = 20
    status = TaskStatus.DRAFT

    @factory.post_generation
    def items(obj: Task, create: bool, extracted: list[object] | None, **kwargs: object) -> None:
        if create and extracted:
            obj.items.set(extracted)  # type: ignore[arg-type]
