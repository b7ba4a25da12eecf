"""Eligibility in the database: the exclusion rules as anti-joins, each counted by reason [001][003]."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.utils import timezone

from jianguan.draws import files, services
from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import Draw, DrawSelection, EntityYearCounter
from jianguan.draws.population import DRAW_MAX_PER_YEAR
from jianguan.draws.tests import world
from jianguan.entities.models import Entity

pytestmark = pytest.mark.django_db
NAME = "产品质量监督检查"
_refs = itertools.count(1)


def done_draw(dept: Any, item: Any, entities: list[Entity], *, status: str = DrawStatus.EXECUTED,
              superseded: bool = False) -> Draw:
    """A draw of another task that selected these entities (rows written directly)."""
    task = world.task(world.plan(dept, [item]), [item], department=dept)
    now = timezone.now()
    draw = Draw.objects.create(task=task, department=dept, year=world.YEAR, reference=f"OTHER-{next(_refs)}",
                               status=status, scheduled_at=now, announced_at=now,
                               superseded_at=now if superseded else None)
    DrawSelection.objects.bulk_create([DrawSelection(draw=draw, entity=e, grade="B", ticket="0" * 32, rank=n)
                                       for n, e in enumerate(entities, start=1)])
    return draw


def frozen(task: Any, by: Any) -> Draw:
    return services.draw_freeze(services.draw_announce(task=task, scheduled_at=world.soon(), by=by), by=by)


def usccs_in(draw: Draw) -> set[str]:
    with files.open_snapshot(draw.snapshot_path) as fh:
        return {line.split(",")[0] for line in fh.read().decode().splitlines()[1:]}


@pytest.fixture
def scene(city_dept: Any, county_dept: Any) -> dict[str, Any]:
    """Ten plain entities of Yuhu district and one for each exclusion reason; one more in Yuetang district."""
    plain = world.entities(city_dept, {"B": 10})
    closed, capped, upper, same, superseded, failed = world.entities(city_dept, {"B": 6})
    Entity.objects.filter(pk=closed.pk).update(status="closed")
    EntityYearCounter.objects.create(entity=closed, year=world.YEAR, count=DRAW_MAX_PER_YEAR, cap=DRAW_MAX_PER_YEAR)
    EntityYearCounter.objects.create(entity=capped, year=world.YEAR, count=DRAW_MAX_PER_YEAR, cap=DRAW_MAX_PER_YEAR)
    elsewhere = world.entities(city_dept, {"B": 1}, region="430304")
    city_item, county_item = world.item(city_dept, name=NAME), world.item(county_dept, name=NAME)
    done_draw(city_dept, world.item(city_dept), [upper])  # an upper level (city) inspected it this year
    done_draw(county_dept, county_item, [same])  # another level (county) checked the same item
    done_draw(city_dept, world.item(city_dept), [superseded], status=DrawStatus.PUBLISHED, superseded=True)
    done_draw(city_dept, world.item(city_dept), [failed], status=DrawStatus.FAILED)
    world.inspectors(city_dept, 2)
    world.inspectors(county_dept, 2)
    return {"plain": plain, "closed": closed, "capped": capped, "upper": upper, "same": same,
            "superseded": superseded, "failed": failed, "elsewhere": elsewhere[0],
            "city_item": city_item, "county_item": county_item}


def test_a_city_draw_counts_not_operating_yearly_cap_and_same_item_of_another_level(
    scene: dict[str, Any], city_dept: Any, city_staff: Any
) -> None:
    task = world.task(world.plan(city_dept, [scene["city_item"]]), [scene["city_item"]])

    draw = frozen(task, city_staff)

    assert draw.exclusions == {"not_operating": 1, "yearly_cap": 1, "upper_level": 0, "same_item_other_level": 1}
    assert draw.candidate_count == 17  # the whole city: 16 in Yuhu district, 1 in Yuetang district
    assert draw.snapshot_rows == 14
    kept = usccs_in(draw)
    assert {scene["upper"].uscc, scene["superseded"].uscc, scene["failed"].uscc, scene["elsewhere"].uscc} <= kept
    assert not {scene[k].uscc for k in ("closed", "capped", "same")} & kept


def test_a_county_draw_excludes_what_an_upper_level_inspected_this_year(
    scene: dict[str, Any], county_dept: Any, county_staff: Any
) -> None:
    task = world.task(world.plan(county_dept, [scene["county_item"]]), [scene["county_item"]], department=county_dept)

    draw = frozen(task, county_staff)

    # The county's own earlier draw of the same item is the same level: not excluded by rule (c).
    assert draw.exclusions == {"not_operating": 1, "yearly_cap": 1, "upper_level": 1, "same_item_other_level": 0}
    assert draw.candidate_count == 16  # Yuhu district only: Yuetang is outside the county's jurisdiction
    assert scene["upper"].uscc not in usccs_in(draw)
    assert scene["same"].uscc in usccs_in(draw)


def test_an_entity_excluded_for_several_reasons_counts_once_under_the_first(
    scene: dict[str, Any], city_dept: Any, city_staff: Any
) -> None:
    task = world.task(world.plan(city_dept, [scene["city_item"]]), [scene["city_item"]])
    draw = frozen(task, city_staff)
    # "closed" is both not operating and at the yearly cap: it counts as not operating only.
    assert sum(draw.exclusions.values()) == draw.candidate_count - draw.snapshot_rows == 3


def test_the_frozen_population_uses_the_task_filters(scene: dict[str, Any], city_dept: Any, city_staff: Any) -> None:
    task = world.task(world.plan(city_dept, [scene["city_item"]]), [scene["city_item"]], region_prefixes=["430304"])
    draw = frozen(task, city_staff)
    assert usccs_in(draw) == {scene["elsewhere"].uscc}
    assert draw.population_filter["region_prefixes"] == ["430304"]


def test_ungraded_entities_form_grade_u(city_dept: Any, city_plan: Any, city_item: Any, city_staff: Any) -> None:
    world.entities(city_dept, {None: 3, "A": 2})
    world.inspectors(city_dept, 2)
    draw = frozen(world.task(city_plan, [city_item]), city_staff)
    assert draw.grade_counts == {"A": 2, "B": 0, "C": 0, "D": 0, "U": 3}
    assert (draw.params or {})["ratios_pct"] == {"A": "3", "B": "5", "C": "10", "D": "20", "U": "5"}
