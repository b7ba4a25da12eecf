"""The inspections API end to end: visits from a draw, schedule, notice, receipt, records, review, disposal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from jianguan.inspections.factories import published_draw_rows
from jianguan.inspections.models import ResultCategory
from jianguan.inspections.tests.helpers import JPEG, upload

pytestmark = pytest.mark.django_db


def test_a_visit_goes_from_draw_to_review_through_the_api(
    api: Any, task: Any, entity: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any,
    city_inspector: Any, city_admin: Any, today: dt.date,
) -> None:
    draw = published_draw_rows(task, [(entity, [inspector_a, inspector_b])])
    staff = api.as_user(city_staff)
    created = staff.post("/api/v1/visits/from-draw/", {"draw": draw.pk}, format="json")
    assert created.status_code == 201, created.json()
    visit = created.json()[0]
    assert visit["entity"]["name"] == entity.name and len(visit["items"]) == 2 and len(visit["team"]) == 2
    assert visit["verify_path"] == f"/public/verify/{visit['verification_code']}/"
    pk = visit["id"]
    assert staff.post(f"/api/v1/visits/{pk}/schedule/", {"scheduled_on": today.isoformat(), "start_time": "15:00"},
                      format="json").json()["start_time"] == "15:00:00"
    assert staff.post(f"/api/v1/visits/{pk}/generate-notice/").status_code == 201
    pdf = staff.get(f"/api/v1/visits/{pk}/notice/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    start = dt.datetime.combine(today, dt.time(15, 0)) - dt.timedelta(hours=50)
    receipt = staff.post(f"/api/v1/visits/{pk}/receipts/", {
        "method": "on_site", "delivered_at": start.isoformat() + "+08:00", "receiver_name": "刘洋"}, format="json")
    assert receipt.status_code == 201, receipt.json()
    assert len(staff.get(f"/api/v1/visits/{pk}/receipts/").json()) == 1

    inspector = api.as_user(city_inspector)
    mine = inspector.get("/api/v1/visits/?mine=true").json()
    assert [v["id"] for v in mine["results"]] == [pk]
    record_ids = []
    for item, result in zip(items, ["no_problem", "经责令已改正"], strict=True):
        response = inspector.post("/api/v1/inspection-records/", {
            "visit": pk, "item": item.pk, "result": result, "findings": "现场检查", "inspected_on": today.isoformat(),
            "inspectors": [inspector_a.pk, inspector_b.pk]}, format="json")
        assert response.status_code == 201, response.json()
        record_ids.append(response.json()["id"])
    assert inspector.get(f"/api/v1/inspection-records/{record_ids[1]}/").json()["result"]["code"] == "rectified"
    evidence = inspector.post(f"/api/v1/inspection-records/{record_ids[0]}/evidence/",
                              {"file": upload("现场照片.jpg", JPEG)}, format="multipart")
    assert evidence.status_code == 201 and evidence.json()["kind"] == "photo"
    assert inspector.post(f"/api/v1/visits/{pk}/submit/").json()["status"] == "recorded"

    review = api.as_user(city_admin).post("/api/v1/inspection-records/review/", {"visit": pk, "approve": True},
                                          format="json")
    assert review.status_code == 200 and review.json()["decision"] == "approve"
    locked = inspector.patch(f"/api/v1/inspection-records/{record_ids[0]}/", {"findings": "改"}, format="json")
    assert locked.status_code == 409
    assert locked["Content-Type"].startswith("application/problem+json")

    disposal = staff.post("/api/v1/disposals/", {"record": record_ids[1], "kind": "rectify",
                                                  "due_on": (today + dt.timedelta(days=10)).isoformat()}, format="json")
    assert disposal.status_code == 201 and disposal.json()["status"] == "open"


def test_bad_record_input_is_a_problem_naming_the_field(api: Any, visit: Any, env_item: Any, inspector_a: Any,
                                                        inspector_b: Any, city_inspector: Any, today: dt.date) -> None:
    response = api.as_user(city_inspector).post("/api/v1/inspection-records/", {
        "visit": visit.pk, "item": env_item.pk, "result": "no_problem", "inspected_on": today.isoformat(),
        "inspectors": [inspector_a.pk]}, format="json")
    assert response.status_code == 422
    fields = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert fields == {"item": "item_not_in_visit", "inspectors": "too_few_inspectors"}
    assert not visit.records.exists()


def test_result_categories_are_public_reference_data(api: Any) -> None:
    data = api.get("/api/v1/result-categories/").json()
    codes = [c["code"] for c in data]
    assert codes[0] == "no_problem" and "rectified" in codes
    rectified = api.get("/api/v1/result-categories/rectified/").json()
    assert rectified["label"] == "发现问题已责令改正" and "经责令已改正" in rectified["aliases"]


def test_every_wording_names_exactly_one_category() -> None:
    from jianguan.inspections.rules import normalise_wording

    seen: dict[str, str] = {}
    for category in ResultCategory.objects.all():
        for wording in [category.label, *category.aliases]:
            key = normalise_wording(wording)
            assert seen.setdefault(key, category.code) == category.code, wording
    assert seen[normalise_wording("不予配合")] == "non_cooperation"
    assert seen[normalise_wording("不予配合情节严重")] == "non_cooperation_serious"
    assert seen[normalise_wording("通过登记的住所(经营场所)无法联系")] == "unreachable"


def test_the_openapi_schema_of_these_endpoints_has_no_warnings(tmp_path: Any) -> None:
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--validate")
    warnings = list(GENERATOR_STATS._warn_cache)
    ours = [w for w in warnings if "inspections" in w or "Visit" in w or "Disposal" in w or "InspectionRecord" in w]
    assert ours == []
