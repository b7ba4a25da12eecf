"""Factories for publications (rows written directly, in any state) and a reviewed visit ready to publish.

The publication workflow itself is tested through the services; ``reviewed_visit`` writes what the
inspections app leaves behind once the division head has approved a visit's records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import factory
from django.utils import timezone

from jianguan.disclosure.choices import InspectionType, PublicationStatus
from jianguan.disclosure.models import Publication, PublishedResult, TypicalCase
from jianguan.inspections.choices import RecordStatus, VisitStatus
from jianguan.inspections.factories import InspectionRecordFactory, VisitFactory
from jianguan.inspections.models import Visit


class PublicationFactory(factory.django.DjangoModelFactory[Publication]):
    class Meta:
        model = Publication

    department = factory.SubFactory("jianguan.organizations.factories.DepartmentFactory")
    entity = factory.SubFactory("jianguan.entities.factories.EntityFactory")
    plan_title = "2026年度双随机抽查计划"
    task_name = "食品经营者随机抽查"
    inspection_type = InspectionType.RANDOM
    authority = factory.LazyAttribute(lambda p: p.department.name)
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    team = factory.LazyFunction(lambda: [{"name": "王建军", "certificate_no": "湘4303000001", "department": ""},
                                         {"name": "李秀英", "certificate_no": "湘4303000002", "department": ""}])
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=5))
    is_on_time = True
    objection_deadline_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=21))


class PublishedResultFactory(factory.django.DjangoModelFactory[PublishedResult]):
    class Meta:
        model = PublishedResult

    publication = factory.SubFactory(PublicationFactory)
    position = factory.Sequence(lambda n: n + 1)
    item_code = factory.Sequence(lambda n: f"SC-ITEM-{n:03d}")
    item_name = "食品经营许可情况的检查"
    result_code = "no_problem"
    result_label = "未发现问题"


class TypicalCaseFactory(factory.django.DjangoModelFactory[TypicalCase]):
    class Meta:
        model = TypicalCase

    publication = factory.SubFactory(PublicationFactory)
    department = factory.SelfAttribute("publication.department")
    title = "某超市销售过期食品被责令改正"
    summary = "检查中发现该超市货架上有过期食品，已当场责令下架并改正。"
    published_at = factory.LazyFunction(timezone.now)


def reviewed_visit(task: Any, entity: Any, team: Sequence[Any], *, results: Sequence[str] | None = None,
                   items: Sequence[Any] | None = None, draw: Any = None, approved: bool = True,
                   inspected_on: dt.date | None = None) -> Visit:
    """A visit of ``task`` to ``entity`` with one record per item, approved by the division head.

    results: the result category code of each item, in item-code order (default: no_problem for all).
    approved=False leaves the records entered and the visit waiting for review.
    """
    items = list(items if items is not None else task.items.order_by("code"))
    day = inspected_on or timezone.localdate() - dt.timedelta(days=2)
    visit = VisitFactory.create(
        task=task, entity=entity, items=items, team=list(team), draw=draw, scheduled_on=day,
        status=VisitStatus.REVIEWED if approved else VisitStatus.RECORDED, completed_on=day,
        reviewed_at=timezone.now() if approved else None,
    )
    codes = list(results or ["no_problem"] * len(items))
    for item, code in zip(sorted(items, key=lambda i: i.code), codes, strict=True):
        InspectionRecordFactory.create(
            visit=visit, item=item, result_id=code, inspected_on=day,
            status=RecordStatus.APPROVED if approved else RecordStatus.ENTERED, inspectors=list(team)[:2],
            approved_at=timezone.now() if approved else None,
        )
    return visit
