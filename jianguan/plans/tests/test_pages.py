"""The HTML pages: a joint plan goes from draft through review to a published plan with a task, in Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.plans.choices import PlanStatus
from jianguan.plans.models import Plan, Task
from jianguan.plans.tests.helpers import END, START, YEAR

pytestmark = pytest.mark.django_db


def test_joint_plan_goes_through_the_ui_from_draft_to_a_published_plan_with_tasks(
    client: Any, city_staff: Any, city_legal: Any, justice_reviewer: Any, env_staff: Any, lead_items: list[Any],
    env_dept: Any, env_items: list[Any],
) -> None:
    client.force_login(city_staff)
    form = client.get("/plans/new/")
    assert form.status_code == 200 and "参与部门" in form.content.decode()
    options = client.get(f"/plans/participant-items/?participants={env_dept.pk}")
    assert env_items[0].code in options.content.decode()
    response = client.post("/plans/new/", {
        "kind": "joint", "year": YEAR, "title": "界面联合计划", "planned_start_on": START.isoformat(),
        "planned_end_on": END.isoformat(), "items": [lead_items[0].pk], "participants": [env_dept.pk],
        "participant_items": [i.pk for i in env_items],
    })
    assert response.status_code == 302, response.content.decode()
    plan = Plan.objects.get(title="界面联合计划")
    detail = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/submit/" in detail and "湘潭市生态环境局" in detail
    client.post(f"/plans/{plan.pk}/submit/")

    client.force_login(city_legal)
    inbox = client.get("/plans/review/").content.decode()
    assert "界面联合计划" in inbox
    client.post(f"/plans/{plan.pk}/review/legal/", {"decision": "return", "comments": ""})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED  # returning needs comments
    client.post(f"/plans/{plan.pk}/review/legal/", {"decision": "approve", "next": "inbox"})

    client.force_login(justice_reviewer)
    assert "界面联合计划" in client.get("/plans/review/").content.decode()
    client.post(f"/plans/{plan.pk}/review/justice/", {"decision": "approve", "comments": "同意"})

    client.force_login(city_staff)
    client.post(f"/plans/{plan.pk}/publish/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED

    client.force_login(env_staff)
    assert client.get(f"/plans/{plan.pk}/tasks/new/").status_code == 200
    response = client.post(f"/plans/{plan.pk}/tasks/new/", {
        "department": env_dept.pk, "name": "生态环境抽查任务", "items": [env_items[0].pk],
        "window_start_on": START.isoformat(), "window_end_on": END.isoformat(), "min_team_size": 2,
        "max_visits_per_inspector": 20, "entity_statuses": ["operating"],
    })
    assert response.status_code == 302, response.content.decode()
    task = Task.objects.get(name="生态环境抽查任务")
    page = client.get(f"/plans/tasks/{task.pk}/").content.decode()
    assert "确认任务，待抽取" in page and "5.00%" in page


def test_buttons_show_only_for_those_allowed(client: Any, draft_plan: Plan, city_legal: Any) -> None:
    client.force_login(city_legal)
    page = client.get(f"/plans/{draft_plan.pk}/").content.decode()
    assert f"/plans/{draft_plan.pk}/submit/" not in page and f"/plans/{draft_plan.pk}/edit/" not in page
    assert client.post(f"/plans/{draft_plan.pk}/submit/").status_code == 403


def test_task_form_shows_ratio_errors_beside_the_field(client: Any, city_staff: Any, draft_plan: Plan,
                                                       city_legal: Any, justice_reviewer: Any,
                                                       lead_items: list[Any]) -> None:
    from jianguan.plans.tests.helpers import Actors, advance

    advance(draft_plan, PlanStatus.APPROVED, Actors(city_staff, city_legal, justice_reviewer))
    client.force_login(city_staff)
    response = client.post(f"/plans/{draft_plan.pk}/tasks/new/", {
        "department": city_staff.department_id, "name": "任务", "items": [lead_items[0].pk],
        "window_start_on": START.isoformat(), "window_end_on": END.isoformat(), "min_team_size": 2,
        "max_visits_per_inspector": 20, "ratio_b_pct": "30",
    })
    assert response.status_code == 422 and "3%–20%" in response.content.decode()


def test_task_form_under_a_draft_plan_explains_the_plan_rule(client: Any, city_staff: Any, draft_plan: Plan) -> None:
    client.force_login(city_staff)
    response = client.get(f"/plans/{draft_plan.pk}/tasks/new/", follow=True)
    assert "计划外无检查" in response.content.decode()


def test_navigation_and_review_inbox(client: Any, city_legal: Any, city_inspector: Any, outsider: Any) -> None:
    client.force_login(city_legal)
    page = client.get("/plans/").content.decode()
    assert "抽查计划" in page and "计划审查" in page
    client.force_login(city_inspector)
    assert "没有审查任务" in client.get("/plans/review/").content.decode()


def test_plan_list_exports(client: Any, city_staff: Any, draft_plan: Plan) -> None:
    client.force_login(city_staff)
    response = client.get("/plans/?export=csv")
    assert response.status_code == 200
    assert draft_plan.title in b"".join(response.streaming_content).decode("utf-8-sig")
    assert client.get("/plans/import/").status_code == 200


def test_out_of_scope_plan_page_is_404(client: Any, draft_plan: Plan, outsider: Any) -> None:
    client.force_login(outsider)
    assert client.get(f"/plans/{draft_plan.pk}/").status_code == 404


def test_version_and_attachment_pages(client: Any, draft_plan: Plan, city_staff: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city_staff)
    client.post(f"/plans/{draft_plan.pk}/attachments/", {"file": SimpleUploadedFile("依据.pdf", b"%PDF-1.4 x")})
    attachment = draft_plan.attachments.get()
    download = client.get(f"/plans/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 x"
    client.post(f"/plans/{draft_plan.pk}/submit/")
    page = client.get(f"/plans/{draft_plan.pk}/versions/1/").content.decode()
    assert draft_plan.title in page and "依据.pdf" in page


def test_amendment_through_the_pages(client: Any, draft_plan: Plan, city_staff: Any, city_legal: Any,
                                     justice_reviewer: Any, lead_items: list[Any]) -> None:
    from jianguan.plans.tests.helpers import Actors, advance

    advance(draft_plan, PlanStatus.PUBLISHED, Actors(city_staff, city_legal, justice_reviewer))
    client.force_login(city_staff)
    assert client.get(f"/plans/{draft_plan.pk}/amend/").status_code == 200
    response = client.post(f"/plans/{draft_plan.pk}/amend/", {
        "title": "变更后的计划", "planned_start_on": START.isoformat(), "planned_end_on": END.isoformat(),
        "items": [i.pk for i in lead_items], "reason": "",
    })
    assert response.status_code == 422  # the reason is required
    response = client.post(f"/plans/{draft_plan.pk}/amend/", {
        "title": "变更后的计划", "planned_start_on": START.isoformat(), "planned_end_on": END.isoformat(),
        "items": [i.pk for i in lead_items], "reason": "调整检查时间",
    })
    assert response.status_code == 302
    client.force_login(city_legal)
    inbox = client.get("/plans/review/").content.decode()
    assert "计划变更（第 2 版）" in inbox
    detail = client.get(f"/plans/{draft_plan.pk}/").content.decode()
    assert "调整检查时间" in detail and f"/plans/{draft_plan.pk}/review/legal/" in detail
