"""The plans API: CRUD, workflow actions, versions, attachments, problem+json errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jianguan.core.models import AuditEvent
from jianguan.plans.choices import PlanStatus
from jianguan.plans.models import Plan, PlanEvent
from jianguan.plans.tests.helpers import END, START, YEAR, Actors, advance

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def payload(items: list[Any], **kw: Any) -> dict[str, Any]:
    return {"kind": "annual", "year": YEAR, "title": "接口创建的计划", "planned_start_on": START.isoformat(),
            "planned_end_on": END.isoformat(), "items": [i.pk for i in items]} | kw


def test_plan_goes_through_review_by_api(api: Any, city_staff: Any, city_legal: Any, justice_reviewer: Any,
                                         lead_items: list[Any]) -> None:
    created = api.as_user(city_staff).post("/api/v1/plans/", payload(lead_items), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and len(created.json()["items"]) == 3
    assert api.as_user(city_staff).patch(f"/api/v1/plans/{pk}/", {"description": "补充说明"},
                                         format="json").json()["description"] == "补充说明"
    assert api.as_user(city_staff).post(f"/api/v1/plans/{pk}/submit/").json()["status"] == "submitted"
    checked = api.as_user(city_legal).post(f"/api/v1/plans/{pk}/legal-check/", {"approve": True}, format="json")
    assert checked.json()["status"] == "legal_checked"
    approved = api.as_user(justice_reviewer).post(f"/api/v1/plans/{pk}/justice-review/",
                                                  {"approve": True, "comments": "同意"}, format="json")
    assert approved.json()["status"] == "approved" and approved.json()["current_version"] == 1
    published = api.as_user(city_staff).post(f"/api/v1/plans/{pk}/publish/")
    assert published.json()["status"] == "published"
    amended = api.as_user(city_staff).post(f"/api/v1/plans/{pk}/amend/",
                                           {"title": "变更后", "reason": "增加事项"}, format="json")
    assert amended.status_code == 201 and amended.json()["number"] == 2
    versions = api.as_user(city_staff).get(f"/api/v1/plans/{pk}/versions/").json()
    assert [(v["number"], v["status"]) for v in versions] == [(2, "submitted"), (1, "approved")]
    detail = api.as_user(city_staff).get(f"/api/v1/plans/{pk}/").json()
    assert detail["title"] == "接口创建的计划" and detail["pending_version"]["number"] == 2


def test_illegal_step_is_a_409_problem_and_writes_nothing(api: Any, draft_plan: Plan, city_staff: Any) -> None:
    events, audits = PlanEvent.objects.count(), AuditEvent.objects.count()
    response = api.as_user(city_staff).post(f"/api/v1/plans/{draft_plan.pk}/publish/")
    assert response.status_code == 409 and response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "计划当前为「草稿」，不能变更为「已公开」"
    assert (PlanEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT


def test_return_without_comments_is_a_422_naming_the_field(api: Any, draft_plan: Plan, who: Actors) -> None:
    advance(draft_plan, PlanStatus.SUBMITTED, who)
    response = api.as_user(who.legal).post(f"/api/v1/plans/{draft_plan.pk}/legal-check/", {"approve": False},
                                           format="json")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "comments"


def test_reviewer_outside_the_remit_gets_403(api: Any, draft_plan: Plan, who: Actors) -> None:
    advance(draft_plan, PlanStatus.SUBMITTED, who)
    response = api.as_user(who.reviewer).post(f"/api/v1/plans/{draft_plan.pk}/legal-check/", {"approve": True},
                                              format="json")
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM


def test_validation_errors_name_the_field(api: Any, city_staff: Any, lead_items: list[Any]) -> None:
    response = api.as_user(city_staff).post("/api/v1/plans/", payload(
        lead_items, planned_start_on=f"{YEAR}-12-01", planned_end_on=f"{YEAR}-01-01"), format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "planned_end_on"


def test_joint_plan_with_participants_by_api(api: Any, city_staff: Any, lead_items: list[Any], env_dept: Any,
                                             env_items: list[Any]) -> None:
    response = api.as_user(city_staff).post("/api/v1/plans/", payload(
        lead_items[:1], kind="joint", participants=[{"department": env_dept.pk, "items": [env_items[0].pk]}]),
        format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["participants"] == [
        {"department": env_dept.pk, "department_name": "湘潭市生态环境局", "items": [env_items[0].pk]}]


def test_attachments_by_api(api: Any, draft_plan: Plan, city_staff: Any) -> None:
    upload = SimpleUploadedFile("文件.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = api.as_user(city_staff).post(f"/api/v1/plans/{draft_plan.pk}/attachments/", {"file": upload},
                                            format="multipart")
    assert response.status_code == 201 and response.json()["original_name"] == "文件.pdf"
    bad = api.as_user(city_staff).post(f"/api/v1/plans/{draft_plan.pk}/attachments/",
                                       {"file": SimpleUploadedFile("a.exe", b"MZ")}, format="multipart")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    listed = api.as_user(city_staff).get(f"/api/v1/plans/{draft_plan.pk}/attachments/").json()
    assert [a["original_name"] for a in listed] == ["文件.pdf"]


def test_tasks_by_api(api: Any, draft_plan: Plan, who: Actors, lead_items: list[Any]) -> None:
    plan = advance(draft_plan, PlanStatus.PUBLISHED, who)
    data = {"plan": plan.pk, "name": "接口任务", "items": [lead_items[0].pk], "window_start_on": START.isoformat(),
            "window_end_on": END.isoformat(), "region_prefixes": ["430302"], "ratio_b_pct": "6"}
    created = api.as_user(who.staff).post("/api/v1/tasks/", data, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["ratio_a_pct"], body["ratio_b_pct"], body["region_prefixes"]) == ("3.00", "6.00", ["430302"])
    pk = body["id"]
    bad = api.as_user(who.staff).patch(f"/api/v1/tasks/{pk}/", {"ratio_c_pct": "30"}, format="json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "ratio_c_pct"
    assert api.as_user(who.staff).post(f"/api/v1/tasks/{pk}/mark-ready/").json()["status"] == "ready"
    assert api.as_user(who.staff).get(f"/api/v1/tasks/?plan={plan.pk}").json()["count"] == 1


def test_task_under_an_unapproved_plan_is_a_409(api: Any, draft_plan: Plan, city_staff: Any,
                                                lead_items: list[Any]) -> None:
    data = {"plan": draft_plan.pk, "name": "任务", "items": [lead_items[0].pk], "window_start_on": START.isoformat(),
            "window_end_on": END.isoformat()}
    response = api.as_user(city_staff).post("/api/v1/tasks/", data, format="json")
    assert response.status_code == 409 and "草稿" in response.json()["detail"]


def test_joint_plan_is_readable_by_participants_but_not_by_unrelated_departments(
    api: Any, joint_plan: Plan, env_staff: Any, commerce_staff: Any,
) -> None:
    assert api.as_user(env_staff).get(f"/api/v1/plans/{joint_plan.pk}/").status_code == 200
    assert api.as_user(commerce_staff).get(f"/api/v1/plans/{joint_plan.pk}/").status_code == 404
    assert [p["id"] for p in api.as_user(env_staff).get("/api/v1/plans/").json()["results"]] == [joint_plan.pk]
    assert api.as_user(commerce_staff).get("/api/v1/plans/").json()["results"] == []
    # Participants read it but do not edit it.
    assert api.as_user(env_staff).patch(f"/api/v1/plans/{joint_plan.pk}/", {"title": "x"},
                                        format="json").status_code == 403


def test_plan_list_filters(api: Any, draft_plan: Plan, city_staff: Any) -> None:
    client = api.as_user(city_staff)
    assert client.get(f"/api/v1/plans/?year={YEAR}&kind=annual&status=draft").json()["count"] == 1
    assert client.get("/api/v1/plans/?kind=joint").json()["count"] == 0
    assert client.get("/api/v1/plans/?q=双随机").json()["count"] == 1


def test_plan_list_runs_a_bounded_number_of_queries(api: Any, city_staff: Any, lead_items: list[Any],
                                                    django_assert_max_num_queries: Any) -> None:
    from jianguan.plans import services
    from jianguan.plans.tests.helpers import plan_data

    for n in range(5):
        services.plan_create(by=city_staff, data=plan_data(lead_items, title=f"计划{n}"))
    client = api.as_user(city_staff)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/plans/").json()["count"] == 5


def test_anonymous_cannot_use_the_plans_api(api: Any, draft_plan: Plan) -> None:
    assert api.get("/api/v1/plans/").status_code in (401, 403)
    assert api.get("/api/v1/tasks/").status_code in (401, 403)
