"""Every plans/tasks endpoint × every persona × in and out of scope, with the outcomes written out.

"city" objects belong to the Xiangtan city market regulation bureau (city_dept); "other" objects to the
Guangdong bureau (the outsider's department). Upper levels read lower levels, never the reverse; oversight
roles (justice bureau, business-environment office) read the whole city; nobody reads another province.
Platform admins may do everything except review: review is the legal act of a legal affairs office or a
justice bureau, so an unrestricted admin account cannot stand in for it.
"""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.plans import services
from jianguan.plans.choices import PlanStatus
from jianguan.plans.factories import PlanFactory, TaskFactory
from jianguan.plans.models import Plan
from jianguan.plans.tests.helpers import END, START, YEAR, Actors, advance, item

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "city_admin", "city_staff", "city_legal", "city_inspector", "county_staff",
            "peer_staff", "justice_reviewer", "oversight", "outsider"]

# persona: (list, retrieve city, retrieve other, create, update city, update other)
PLAN_EXPECTED = {
    "platform_admin":   (200, 200, 200, 201, 200, 200),
    "city_admin":       (200, 200, 404, 201, 200, 404),
    "city_staff":       (200, 200, 404, 201, 200, 404),
    "city_legal":       (200, 200, 404, 403, 403, 404),
    "city_inspector":   (200, 200, 404, 403, 403, 404),
    "county_staff":     (200, 404, 404, 201, 404, 404),
    "peer_staff":       (200, 404, 404, 201, 404, 404),
    "justice_reviewer": (200, 200, 404, 403, 403, 404),
    "oversight":        (200, 200, 404, 403, 403, 404),
    "outsider":         (200, 404, 200, 201, 404, 200),
}

# persona: (list, retrieve city task, retrieve other task, create under the city plan, update city, update other)
TASK_EXPECTED = {
    "platform_admin":   (200, 200, 200, 201, 200, 200),
    "city_admin":       (200, 200, 404, 201, 200, 404),
    "city_staff":       (200, 200, 404, 201, 200, 404),
    "city_legal":       (200, 200, 404, 403, 403, 404),
    "city_inspector":   (200, 200, 404, 403, 403, 404),
    "county_staff":     (200, 404, 404, 404, 404, 404),
    "peer_staff":       (200, 404, 404, 404, 404, 404),
    "justice_reviewer": (200, 200, 404, 403, 403, 404),
    "oversight":        (200, 200, 404, 403, 403, 404),
    "outsider":         (200, 404, 200, 404, 404, 200),
}

# persona: (legal-check of a submitted city plan, justice-review of a legality-checked city plan)
REVIEW_EXPECTED = {
    "platform_admin":   (403, 403),
    "city_admin":       (403, 403),
    "city_staff":       (403, 403),
    "city_legal":       (200, 403),
    "city_inspector":   (403, 403),
    "county_staff":     (404, 404),
    "peer_staff":       (404, 404),
    "justice_reviewer": (403, 200),
    "oversight":        (403, 403),
    "outsider":         (404, 404),
}


@pytest.fixture
def city_plan(city_dept: Any) -> Plan:
    return PlanFactory.create(department=city_dept, title="湘潭市计划")


@pytest.fixture
def other_plan(other_province_dept: Any) -> Plan:
    return PlanFactory.create(department=other_province_dept, title="广东省计划")


def _plan_payload(user: Any, city_dept: Any) -> dict[str, Any]:
    data = {"kind": "annual", "year": YEAR, "title": "新计划", "planned_start_on": START.isoformat(),
            "planned_end_on": END.isoformat()}
    return data | ({"department": city_dept.pk} if user.department is None else {})


@pytest.mark.parametrize("persona", PERSONAS)
def test_plan_endpoints_follow_the_matrix(persona: str, request: Any, api: Any, city_dept: Any, city_plan: Plan,
                                          other_plan: Plan) -> None:
    user = request.getfixturevalue(persona)
    client = api.as_user(user)
    got = (
        client.get("/api/v1/plans/").status_code,
        client.get(f"/api/v1/plans/{city_plan.pk}/").status_code,
        client.get(f"/api/v1/plans/{other_plan.pk}/").status_code,
        client.post("/api/v1/plans/", _plan_payload(user, city_dept), format="json").status_code,
        client.patch(f"/api/v1/plans/{city_plan.pk}/", {"description": "改"}, format="json").status_code,
        client.patch(f"/api/v1/plans/{other_plan.pk}/", {"description": "改"}, format="json").status_code,
    )
    assert got == PLAN_EXPECTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_task_endpoints_follow_the_matrix(persona: str, request: Any, api: Any, city_dept: Any,
                                          other_province_dept: Any) -> None:
    city_item, other_item = item(city_dept), item(other_province_dept)
    city_plan = PlanFactory.create(department=city_dept, status=PlanStatus.PUBLISHED, items=[city_item])
    other_plan = PlanFactory.create(department=other_province_dept, status=PlanStatus.PUBLISHED, items=[other_item])
    city_task = TaskFactory.create(plan=city_plan, items=[city_item])
    other_task = TaskFactory.create(plan=other_plan, items=[other_item])
    user = request.getfixturevalue(persona)
    client = api.as_user(user)
    create = {"plan": city_plan.pk, "name": "新任务", "items": [city_item.pk],
              "window_start_on": city_plan.planned_start_on.isoformat(),
              "window_end_on": city_plan.planned_end_on.isoformat()} | ({"department": city_dept.pk} if user.department is None else {})
    got = (
        client.get("/api/v1/tasks/").status_code,
        client.get(f"/api/v1/tasks/{city_task.pk}/").status_code,
        client.get(f"/api/v1/tasks/{other_task.pk}/").status_code,
        client.post("/api/v1/tasks/", create, format="json").status_code,
        client.patch(f"/api/v1/tasks/{city_task.pk}/", {"name": "改"}, format="json").status_code,
        client.patch(f"/api/v1/tasks/{other_task.pk}/", {"name": "改"}, format="json").status_code,
    )
    assert got == TASK_EXPECTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_review_actions_follow_the_matrix(persona: str, request: Any, api: Any, city_staff: Any, city_legal: Any,
                                          justice_reviewer: Any, lead_items: list[Any]) -> None:
    from jianguan.plans.tests.helpers import plan_data

    who = Actors(city_staff, city_legal, justice_reviewer)
    submitted = advance(services.plan_create(by=city_staff, data=plan_data(lead_items, title="待审查")),
                        PlanStatus.SUBMITTED, who)
    checked = advance(services.plan_create(by=city_staff, data=plan_data(lead_items, title="待审核")),
                      PlanStatus.LEGAL_CHECKED, who)
    client = api.as_user(request.getfixturevalue(persona))
    got = (
        client.post(f"/api/v1/plans/{submitted.pk}/legal-check/", {"approve": True}, format="json").status_code,
        client.post(f"/api/v1/plans/{checked.pk}/justice-review/", {"approve": True}, format="json").status_code,
    )
    assert got == REVIEW_EXPECTED[persona]


def test_list_shows_only_what_each_persona_may_read(api: Any, city_plan: Plan, other_plan: Plan, county_staff: Any,
                                                    oversight: Any, outsider: Any) -> None:
    def titles(user: Any) -> set[str]:
        return {p["title"] for p in api.as_user(user).get("/api/v1/plans/").json()["results"]}

    assert titles(oversight) == {"湘潭市计划"}
    assert titles(outsider) == {"广东省计划"}
    assert titles(county_staff) == set()
