"""Publishing a whole task: set-based (queries independent of the number of visits), and the same entries,
lines, audit events and page invalidation as publishing its visits one by one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jianguan.core.exceptions import ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.disclosure import services
from jianguan.disclosure.factories import reviewed_visit
from jianguan.disclosure.models import Publication, PublishedResult
from jianguan.disclosure.tests.conftest import make_items, make_task
from jianguan.entities.factories import EntityFactory
from jianguan.inspectors.factories import InspectorFactory

pytestmark = pytest.mark.django_db

COMPARED = ("department_id", "inspection_type", "authority", "completed_on", "team",
            "status", "published_by_id", "due_on", "is_on_time", "objection_deadline_on", "withheld_reason",
            "withheld_basis", "withheld_at", "withheld_by_id", "draw_id")
LINE_FIELDS = ("position", "item_id", "item_code", "item_name", "item_department", "result_code", "result_label",
               "is_problem", "is_corrected")


def _task_with_visits(dept: Any, items: list[Any], team: list[Any], n: int) -> Any:
    task = make_task(dept, items)
    for _ in range(n):
        reviewed_visit(task, EntityFactory.create(department=dept), team, results=["no_problem", "rectified"])
    return task


def test_the_cost_of_publishing_a_task_does_not_grow_with_its_visits(city_dept: Any, items: list[Any],
                                                                      team: list[Any], city_staff: Any,
                                                                      django_assert_max_num_queries: Any) -> None:
    small, large = _task_with_visits(city_dept, items, team, 3), _task_with_visits(city_dept, items, team, 6)
    # Warm the per-process caches (statutory calendar, deadline rules) before counting.
    services.publish_task_results(_task_with_visits(city_dept, items, team, 1), by=city_staff)
    with CaptureQueriesContext(connection) as three:
        assert len(services.publish_task_results(small, by=city_staff)) == 3
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert len(services.publish_task_results(large, by=city_staff)) == 6
    assert len(three.captured_queries) <= 25
    assert PublishedResult.objects.filter(publication__task=large).count() == 12


def _picture(p: Publication) -> tuple[Any, ...]:
    lines = tuple(tuple(getattr(r, f) for f in LINE_FIELDS) for r in p.results.order_by("position"))
    return (*(getattr(p, f) for f in COMPARED), p.published_at is not None, lines)


def test_a_task_publishes_exactly_what_one_by_one_publication_would(city_dept: Any, peer_dept: Any,
                                                                    team: list[Any], city_staff: Any) -> None:
    """Two tasks of the same shape: a plain visit, and a joint one with a third inspector and another
    department; the first published at once, the second visit by visit."""
    items = make_items(city_dept, 3)
    third = InspectorFactory.create(department=peer_dept, name="张志强")
    pictures = []
    for at_once in (True, False):
        task = make_task(city_dept, items)
        visits = [
            reviewed_visit(task, EntityFactory.create(department=city_dept), team,
                           results=["no_problem", "rectified", "no_problem"]),
            reviewed_visit(task, EntityFactory.create(department=city_dept), [third, *team],
                           results=["rectified", "no_problem", "pending_follow_up"]),
        ]
        visits[1].departments.add(peer_dept)
        if at_once:
            done = services.publish_task_results(task, by=city_staff)
        else:
            done = [services.publication_publish(v, by=city_staff) for v in visits]
        assert [p.visit_id for p in done] == [v.pk for v in visits]
        assert all((p.plan_title, p.task_name, p.plan_id) == (task.plan.title, task.name, task.plan_id) for p in done)
        pictures.append([_picture(Publication.objects.get(pk=p.pk)) for p in done])
    assert pictures[0] == pictures[1]
    joint = Publication.objects.filter(task__isnull=False).order_by("pk")[1]
    assert joint.authority == f"{city_dept.name}、{peer_dept.name}"
    assert [m["name"] for m in joint.team] == ["张志强", "王建军", "李秀英"]  # the leader first


def test_every_publication_of_a_task_gets_its_own_audit_event(city_dept: Any, items: list[Any], team: list[Any],
                                                              city_staff: Any) -> None:
    task = _task_with_visits(city_dept, items, team, 3)
    done = services.publish_task_results(task, by=city_staff)
    events = list(AuditEvent.objects.filter(action="publication.published").order_by("seq"))
    assert [e.target_id for e in events] == [str(p.pk) for p in done]
    assert all(e.actor_username == city_staff.username for e in events)
    first = events[0].after
    assert first is not None and first["visit_id"] == done[0].visit_id and first["entity"] == done[0].entity.uscc
    assert [code for _, code in first["results"]] == ["no_problem", "rectified"]
    from jianguan.core.audit import verify_chain

    assert verify_chain().ok


def test_a_task_publication_refreshes_every_entitys_cached_page(city_dept: Any, items: list[Any], team: list[Any],
                                                                city_staff: Any,
                                                                django_capture_on_commit_callbacks: Any) -> None:
    task = _task_with_visits(city_dept, items, team, 2)
    web = Client()
    urls = [f"/public/entities/{v.entity.uscc}/" for v in task.visits.select_related("entity")]
    assert all("暂无公示的抽查检查结果" in web.get(u).content.decode() for u in urls)  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_task_results(task, by=city_staff)
    assert all("发现问题已责令改正" in web.get(u).content.decode() for u in urls)


def test_an_unready_task_lists_every_reason_and_writes_nothing(city_dept: Any, items: list[Any], team: list[Any],
                                                              city_staff: Any) -> None:
    task = _task_with_visits(city_dept, items, team, 2)
    reviewed_visit(task, EntityFactory.create(name="湘潭市未审核一号店"), team, approved=False)
    reviewed_visit(task, EntityFactory.create(name="湘潭市未审核二号店"), team, approved=False)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.publish_task_results(task, by=city_staff)
    assert err.value.code == "not_reviewed"
    messages = [e.message for e in err.value.errors]
    # Per unready visit: the visit itself and each of its two records.
    assert len(messages) == 6
    assert sum("湘潭市未审核一号店" in m for m in messages) == 3 and sum("湘潭市未审核二号店" in m for m in messages) == 3
    assert "6 处" in err.value.message and "湘潭市未审核一号店" in err.value.message
    assert not Publication.objects.exists() and AuditEvent.objects.count() == before
