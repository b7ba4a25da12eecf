"""The demo seeding builds visits through the services: scheduled, notices, some results and a disposal."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.entities.factories import EntityFactory
from jianguan.inspections.choices import VisitStatus
from jianguan.inspections.demo import seed_visits
from jianguan.inspections.factories import published_draw_rows
from jianguan.inspections.models import Disposal, InspectionRecord, Notice

pytestmark = pytest.mark.django_db


def test_seed_visits_prepares_the_visits_of_a_draw(task: Any, city_dept: Any, inspector_a: Any, inspector_b: Any,
                                                   city_staff: Any) -> None:
    entities = [EntityFactory.create(department=city_dept) for _ in range(5)]
    draw = published_draw_rows(task, [(e, [inspector_a, inspector_b]) for e in entities])
    visits = seed_visits(draw_or_round=draw, by=city_staff)
    assert len(visits) == 5
    assert all(v.scheduled_on is not None for v in visits)
    assert Notice.objects.count() == 3
    assert [v.status for v in visits[:3]] == [VisitStatus.RECORDED] * 3
    assert InspectionRecord.objects.filter(result_id="rectified").count() == 1
    assert Disposal.objects.count() == 2
    assert seed_visits(draw_or_round=draw, by=city_staff) == visits  # idempotent
