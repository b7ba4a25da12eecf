"""The yearly cap holds under concurrent draws: the database refuses the count that would exceed it [001].

Count-then-insert lets 19–20 rows through under 20 concurrent requests (research); the counter table's
CHECK (count <= cap) with INSERT … ON CONFLICT DO UPDATE cannot be raced. PostgreSQL only: SQLite
serialises writers anyway.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import numpy as np
import pytest
from django.db import connection, connections

from jianguan.core.exceptions import Conflict
from jianguan.draws import population, services
from jianguan.draws.models import Draw, DrawSelection, EntityYearCounter
from jianguan.draws.population import DRAW_MAX_PER_YEAR
from jianguan.draws.tests import world

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DRAWS = 12


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent transactions)")


def test_concurrent_draws_of_the_same_entities_never_exceed_the_yearly_cap(city_dept: Any, city_staff: Any) -> None:
    key_item = world.item(city_dept, "key")
    plan = world.plan(city_dept, [key_item])
    entities = world.entities(city_dept, {"B": 5})
    world.inspectors(city_dept, 4)
    draws = [world.ready_to_execute(world.task(plan, [key_item], ratio="100"), city_staff) for _ in range(DRAWS)]
    assert all(d.snapshot_rows == 5 for d in draws)  # every draw selects every entity
    outcomes: list[str] = []
    start = threading.Barrier(DRAWS)

    def execute(draw: Draw) -> None:
        try:
            start.wait()
            services.draw_execute(draw, by=city_staff)
            outcomes.append("executed")
        except Conflict as exc:
            outcomes.append(exc.code)
        except Exception as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=execute, args=(d,)) for d in draws]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert Counter(outcomes) == {"executed": DRAW_MAX_PER_YEAR, "yearly_cap_reached": DRAWS - DRAW_MAX_PER_YEAR}
    counters = dict(EntityYearCounter.objects.filter(year=world.YEAR).values_list("entity_id", "count"))
    assert counters == {e.pk: DRAW_MAX_PER_YEAR for e in entities}
    selections = Counter(DrawSelection.objects.filter(draw__superseded_at__isnull=True)
                         .values_list("entity_id", flat=True))
    assert max(selections.values()) == DRAW_MAX_PER_YEAR
    assert Draw.objects.filter(status="sealed").count() == DRAWS - DRAW_MAX_PER_YEAR  # refused draws wrote nothing


def test_the_parallel_read_sees_the_same_population_as_one_connection(city_dept: Any, city_plan: Any,
                                                                      city_item: Any, monkeypatch: Any) -> None:
    world.entities(city_dept, {"A": 30, "B": 40, None: 10})
    task = world.task(city_plan, [city_item])
    rules = population.EligibilityRules.for_task(task, year=world.YEAR)
    qs = population.candidate_queryset(task, rules)
    monkeypatch.setattr(population, "DRAW_PARALLEL_READ_PAGES", 10**9)
    one = population.build_candidates(population.read_candidates(qs))
    monkeypatch.setattr(population, "DRAW_PARALLEL_READ_PAGES", 0)
    monkeypatch.setattr(population, "DRAW_READ_WORKERS", 3)
    many = population.build_candidates(population.read_candidates(qs))
    assert len(many.population) == 80
    assert many.population.snapshot_csv() == one.population.snapshot_csv()
    assert np.array_equal(many.ids, one.ids)
