"""Integration: a draw run through the real draw ceremony (announce → freeze → commit → seal → reveal →
execute → publish) creates its visits, with the drawn teams and the task's items."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.draws.models import DrawSelection, DrawTeamMember
from jianguan.draws.tests import world
from jianguan.inspections import services

pytestmark = pytest.mark.django_db


def test_a_published_ceremony_draw_creates_its_visits(city_dept: Any, city_staff: Any) -> None:
    item = world.item(city_dept)
    task = world.task(world.plan(city_dept, [item]), [item], ratio="20")
    world.entities(city_dept, {"A": 5, "B": 5})
    world.inspectors(city_dept, 4)
    draw = world.published(task, city_staff)
    visits = services.visits_create_from_draw(draw, by=city_staff)
    selected = list(DrawSelection.objects.filter(draw=draw).order_by("rank").values_list("entity_id", flat=True))
    assert [v.entity_id for v in visits] == selected and selected
    for visit in visits:
        drawn = list(DrawTeamMember.objects.filter(draw=draw, entity_id=visit.entity_id).order_by("order")
                     .values_list("inspector_id", flat=True))
        assert list(visit.team_members.order_by("pk").values_list("inspector_id", flat=True)) == drawn
        assert list(visit.items.all()) == [item]
