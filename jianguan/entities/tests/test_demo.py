from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from jianguan.entities.demo import seed_entities
from jianguan.entities.models import Entity, EntityVersion, draw_block_for
from jianguan.entities.uscc import validate_uscc

pytestmark = pytest.mark.django_db


def _seed(depts: list[Any], seed: int = 0, count: int = 400) -> list[tuple[str, str]]:
    seed_entities(count=count, region_codes=["430300", "430302", "430304"], departments=depts, seed=seed)
    return list(Entity.objects.order_by("pk").values_list("uscc", "name"))


def test_seeded_entities_are_valid_realistic_and_maintained_locally(city_dept: Any, county_dept: Any, peer_dept: Any) -> None:
    progress: list[int] = []
    created = seed_entities(count=600, region_codes=["430300", "430302", "430304"],
                            departments=[city_dept, county_dept, peer_dept], seed=3, progress=progress.append)
    assert created == 600 and progress[-1] == 600
    entities = list(Entity.objects.all())
    assert len({e.uscc for e in entities}) == 600
    for e in entities[:100]:
        assert validate_uscc(e.uscc).warnings == []
        assert bytes(e.draw_block) == draw_block_for(e.uscc)
        assert e.uscc[2:8] == e.region_id
    by_region = {e.region_id: e.department_id for e in entities}
    assert by_region["430302"] == county_dept.pk and by_region["430304"] == peer_dept.pk
    assert by_region["430300"] == city_dept.pk
    grades = Counter(e.credit_grade for e in entities)
    assert 0.2 < grades["A"] / 600 < 0.4 and 0.4 < grades["B"] / 600 < 0.6 and grades["D"] < grades["C"]
    assert any(e.name.endswith("有限公司") for e in entities) and any(e.kind == "individual_business" for e in entities)
    assert EntityVersion.objects.count() == 600
    assert Entity.competent_departments.through.objects.count() == 600


def test_seeding_is_deterministic_for_a_seed(city_dept: Any, county_dept: Any) -> None:
    first = _seed([city_dept, county_dept], seed=7)
    Entity.objects.all().delete()
    assert _seed([city_dept, county_dept], seed=7) == first


def test_seeding_again_adds_new_codes_instead_of_colliding(city_dept: Any) -> None:
    _seed([city_dept], seed=1, count=100)
    _seed([city_dept], seed=1, count=100)
    assert Entity.objects.values("uscc").distinct().count() == 200
