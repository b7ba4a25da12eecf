"""Measure (not test) the cost of publishing a task and of an uncached public entity page.

Not collected by the test run (the name does not start with ``test_``); run it explicitly:

    .venv/bin/pytest -q -p no:xdist -s jianguan/disclosure/tests/measure_cost.py
    PROFILE=1 .venv/bin/pytest -q -p no:xdist -s jianguan/disclosure/tests/measure_cost.py  # + cProfile top 25

It prints queries and milliseconds: ``publish_task_results`` for tasks of N visits, and the entity page
on a cold page cache (no token, no page: a first visit) for an entity with several publications.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.base import Template
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from jianguan.disclosure import portal_views, public, search, services
from jianguan.disclosure.factories import reviewed_visit
from jianguan.disclosure.models import Objection
from jianguan.disclosure.tests.conftest import make_items, make_task
from jianguan.entities.factories import EntityFactory

pytestmark = pytest.mark.django_db
PROFILE = bool(os.environ.get("PROFILE"))


def _profile(fn: Any, n: int) -> None:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        fn()
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


@pytest.mark.parametrize("visits", [10, 20, 40])
def test_measure_publish_task(visits: int, city_dept: Any, team: list[Any], city_staff: Any) -> None:
    items = make_items(city_dept, 3)
    task = make_task(city_dept, items)
    for _ in range(visits):
        reviewed_visit(task, EntityFactory.create(department=city_dept), team,
                       results=["no_problem", "rectified", "no_problem"])
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        if PROFILE and visits == 40:
            prof = cProfile.Profile()
            prof.enable()
        done = services.publish_task_results(task, by=city_staff)
        ms = (time.perf_counter() - start) * 1000
        if PROFILE and visits == 40:
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    assert len(done) == visits
    print(f"\npublish_task_results: {visits} visits: {len(ctx)} queries, {ms:.1f} ms "
          f"({ms / visits:.2f} ms per visit)")


def _timed(fn: Callable[[], Any], n: int = 300) -> str:
    """CPU time per call (less disturbed than wall time by the other work on a shared machine)."""
    for _ in range(10):
        fn()
    times = []
    for _ in range(n):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    times.sort()
    return f"mean {statistics.mean(times):.2f} ms, p50 {times[n // 2]:.2f} ms, p95 {times[n * 95 // 100]:.2f} ms"


@pytest.mark.parametrize("publications", [1, 5])
def test_measure_uncached_entity_page(publications: int, city_dept: Any, team: list[Any], city_staff: Any,
                                      city_admin: Any, monkeypatch: Any) -> None:
    entity = EntityFactory.create(department=city_dept, name="湘潭市测量用超市有限公司", legal_representative="欧阳修文")
    items = make_items(city_dept, 3)
    for n in range(publications):
        task = make_task(city_dept, items)
        visit = reviewed_visit(task, entity, team, results=["no_problem", "rectified", "no_problem"])
        pub = services.publication_publish(visit, by=city_staff)
        if n == 0 and publications > 1:  # one line with a reviewed objection and a correction
            line = pub.results.order_by("position").first()
            assert line is not None and pub.published_at is not None and pub.objection_deadline_on is not None
            objection = Objection.objects.create(
                publication=pub, result=line, department=pub.department, statement="我司对该检查结果有异议，理由如下。",
                contact_name="张三", contact_phone="13800000009", filed_at=pub.published_at,
                window_ends_on=pub.objection_deadline_on)
            services.objection_review(objection, by=city_admin, accept=True, reason="经复核，异议成立。",
                                      new_result_code="rectified")
    # As in production: without the test framework's template instrumentation (a signal and a copy of
    # every context per render, for response.context), which costs as much as the rendering itself.
    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))
    translation.activate("zh-hans")
    web = Client()
    url = f"/public/entities/{entity.uscc}/"
    request = RequestFactory().get(url)

    def cold() -> Any:
        cache.clear()  # a first visit: no token, no page
        return web.get(url)

    def view() -> Any:
        cache.clear()
        return portal_views.entity_page(request, entity.uscc)

    def entity_query() -> Any:
        return search.public_entity(entity.uscc)

    found = entity_query()
    assert found is not None and cold().status_code == 200
    dossier = public.entity_dossier(found)
    context = {"title": found.name, "nav": "search", "entity": found, "inspections": dossier}

    with CaptureQueriesContext(connection) as ctx:
        cold()
    queries = [q["sql"] for q in ctx.captured_queries]  # read now: later requests reset the log
    print(f"\nuncached entity page, {publications} publication(s) × 3 lines: {len(queries)} queries")
    print(f"  whole request (test client, middleware): {_timed(cold)}")
    print(f"  the view alone: {_timed(view)}")
    print(f"    entity query: {_timed(entity_query)}")
    print(f"    publications and lines: {_timed(lambda: public.entity_dossier(found))}")
    print(f"    template: {_timed(lambda: render_to_string('disclosure/portal/entity.html', context, request))}")
    for sql in queries:
        print("   ", sql[:100])
    if PROFILE:
        _profile(view, 300)
