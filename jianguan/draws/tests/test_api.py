"""The draws API: the ceremony step by step, downloads, errors as problem+json, large draws in the background."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from jianguan.core.models import Job
from jianguan.draws import engine, jobs
from jianguan.draws.models import Draw
from jianguan.draws.tests import world

pytestmark = pytest.mark.django_db


def post(client: Any, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data or {}, format="json")


def test_the_whole_ceremony_through_the_api(api: Any, city_task: Any, city_staff: Any, city_legal: Any) -> None:
    staff, legal = api.as_user(city_staff), None
    r = post(staff, "/api/v1/draws/", {"task": city_task.pk, "scheduled_at": world.soon().isoformat()})
    assert r.status_code == 201, r.json()
    base = f"/api/v1/draws/{r.json()['id']}/"
    assert r.json()["legal_notified_to"][0]["name"] == city_legal.display_name

    frozen = post(staff, base + "freeze/").json()
    assert frozen["status"] == "frozen" and frozen["snapshot_rows"] == 40 and len(frozen["params_hash"]) == 64
    assert frozen["exclusions"] == {"not_operating": 0, "yearly_cap": 0, "upper_level": 0, "same_item_other_level": 0}

    from rest_framework.test import APIClient

    legal = APIClient()
    legal.force_authenticate(city_legal)
    for n, value in enumerate(("738201", "550914")):
        r = post(legal, base + "commit/", {"name": f"见证人{n + 1}", "organisation": "政策法规处",
                                           "commitment": engine.commitment(value, world.SALTS[n])})
        assert r.status_code == 201 and r.json()["party"] == f"政策法规处 见证人{n + 1}"
    assert post(staff, base + "seal/").json()["status"] == "sealed"
    for n, value in enumerate(("738201", "550914")):
        r = post(legal, base + "reveal/", {"party": f"政策法规处 见证人{n + 1}", "value": value, "salt": world.SALTS[n]})
        assert r.status_code == 200 and r.json()["revealed_at"]

    done = post(staff, base + "execute/").json()
    assert done["status"] == "executed" and done["selected_count"] == 5 and len(done["k_draw"]) == 32
    assert post(staff, base + "publish/").json()["status"] == "published"

    record = staff.get(base + "record/")
    body = b"".join(record.streaming_content)
    assert record.status_code == 200 and hashlib.sha256(body).hexdigest() == done["record_hash"]
    assert json.loads(body)["announcement"]["snapshot"]["hash"] == frozen["snapshot_hash"]
    snapshot = b"".join(staff.get(base + "snapshot/").streaming_content)
    assert hashlib.sha256(snapshot).hexdigest() == frozen["snapshot_hash"]
    rows = staff.get(base + "selections/").json()["results"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5] and all(len(r["team"]) == 2 for r in rows)


def test_execute_before_freeze_answers_409_problem_json(api: Any, city_task: Any, city_staff: Any) -> None:
    client = api.as_user(city_staff)
    draw = post(client, "/api/v1/draws/", {"task": city_task.pk, "scheduled_at": world.soon().isoformat()}).json()
    r = post(client, f"/api/v1/draws/{draw['id']}/execute/")
    assert r.status_code == 409
    assert r["Content-Type"].startswith("application/problem+json")
    assert r.json()["code"] == "illegal_transition_announced_to_executed"


def test_a_wrong_reveal_answers_422_naming_the_party(api: Any, city_task: Any, city_staff: Any) -> None:
    client = api.as_user(city_staff)
    draw = world.ready_to_execute(city_task, city_staff)
    draw.witnesses.update(revealed_at=None, value="", salt="")
    r = post(client, f"/api/v1/draws/{draw.pk}/reveal/",
             {"party": "政策法规处 见证人2", "value": "wrong", "salt": world.SALTS[1]})
    assert r.status_code == 422
    assert r.json()["code"] == "reveal_mismatch" and "政策法规处 见证人2" in r.json()["detail"]


def test_a_redraw_without_reason_answers_422_on_the_reason_field(api: Any, city_task: Any, city_staff: Any,
                                                                  city_admin: Any) -> None:
    draw = world.published(city_task, city_staff)
    r = post(api.as_user(city_staff), f"/api/v1/draws/{draw.pk}/redraw/", {"approver": city_admin.pk})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    assert Draw.objects.count() == 1


def test_dice_through_the_api(api: Any, city_task: Any, city_staff: Any) -> None:
    client = api.as_user(city_staff)
    draw = post(client, "/api/v1/draws/", {"task": city_task.pk, "scheduled_at": world.soon().isoformat()}).json()
    base = f"/api/v1/draws/{draw['id']}/"
    post(client, base + "freeze/")
    post(client, base + "seal/")
    r = post(client, base + "dice/", {"digits": world.DICE, "witnesses": ["张三", "李四"]})
    assert r.status_code == 200 and r.json()["dice_digits"] == world.DICE
    assert post(client, base + "execute/").json()["status"] == "executed"


def test_a_large_population_is_frozen_and_executed_in_the_background(
    api: Any, city_task: Any, city_staff: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(jobs, "DRAW_BACKGROUND_ROWS", 10)  # 40 entities count as large here
    client = api.as_user(city_staff)
    draw = post(client, "/api/v1/draws/", {"task": city_task.pk, "scheduled_at": world.soon().isoformat()}).json()
    base = f"/api/v1/draws/{draw['id']}/"

    with django_capture_on_commit_callbacks(execute=True):  # the job is enqueued after commit
        r = post(client, base + "freeze/")

    assert r.status_code == 202 and r.json()["step"] == "freeze"
    job = Job.objects.get(pk=r.json()["job"])
    assert job.status == "succeeded" and (job.result or {})["ok"]  # the immediate backend of the tests ran it
    assert client.get(base).json()["status"] == "frozen"
    world.commit_parties(Draw.objects.get(pk=draw["id"]), city_staff)
    post(client, base + "seal/")
    world.reveal_parties(Draw.objects.get(pk=draw["id"]), city_staff)
    with django_capture_on_commit_callbacks(execute=True):
        r = post(client, base + "execute/")
    assert r.status_code == 202
    assert client.get(base).json()["status"] == "executed"


def test_a_background_step_that_is_refused_ends_as_a_failed_job_with_the_reason(
    api: Any, city_task: Any, city_staff: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(jobs, "DRAW_BACKGROUND_ROWS", 10)
    client = api.as_user(city_staff)
    draw = world.ready_to_execute(city_task, city_staff)
    draw.witnesses.all().delete()  # no witnesses any more: execution is refused
    with django_capture_on_commit_callbacks(execute=True):
        r = post(client, f"/api/v1/draws/{draw.pk}/execute/")
    job = Job.objects.get(pk=r.json()["job"])
    assert job.status == "failed" and "抽取须有见证人" in (job.result or {})["message"]
    assert Draw.objects.get(pk=draw.pk).status == "sealed"


def test_joint_rounds_through_the_api(api: Any, city_dept: Any, city_staff: Any) -> None:
    item = world.item(city_dept, "key")
    plan = world.plan(city_dept, [item], kind=world.JOINT)
    world.entities(city_dept, {"B": 6})
    world.inspectors(city_dept, 3)
    world.published(world.task(plan, [item], ratio="50"), city_staff)
    client = api.as_user(city_staff)
    r = post(client, "/api/v1/joint-rounds/", {"plan": plan.pk, "dice_digits": world.DICE, "witnesses": ["张三", "李四"]})
    assert r.status_code == 201 and r.json()["visits_saved"] == 0 and r.json()["visits_after"] == 3
    visits = client.get(f"/api/v1/joint-rounds/{r.json()['id']}/visits/").json()["results"]
    assert len(visits) == 3 and all(len(v["inspector_ids"]) == 2 for v in visits)
    record = client.get(f"/api/v1/joint-rounds/{r.json()['id']}/record/")
    assert json.loads(b"".join(record.streaming_content))["kind"] == "joint"


def test_the_openapi_schema_of_the_draws_api_has_no_warnings() -> None:
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/v1/", include("jianguan.draws.api.urls"))]).get_schema(public=True)
    assert "/api/v1/draws/{id}/execute/" in schema["paths"]
    assert not GENERATOR_STATS
