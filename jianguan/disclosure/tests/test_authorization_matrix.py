"""Every staff endpoint of the disclosure app × every persona × in and out of scope, outcomes written out.

"city" rows belong to the Xiangtan city market regulation bureau (city_dept); "other" rows to the
Guangdong bureau (the outsider's department). Publishing and withholding are for staff and admins of the
inspecting department ("who inspects, publishes" [003]); reviewing an objection is the division head's
(department_admin). Upper levels and oversight roles read; lower levels and other regions see nothing (404).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from jianguan.disclosure import services
from jianguan.disclosure.factories import reviewed_visit
from jianguan.disclosure.tests.conftest import make_items, make_task
from jianguan.entities.factories import EntityFactory
from jianguan.inspectors.factories import InspectorFactory
from jianguan.organizations.models import Region

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "city_admin", "city_staff", "city_legal", "city_inspector", "county_staff",
            "peer_staff", "justice_reviewer", "oversight", "outsider", "anonymous"]

# persona: (list, retrieve city, retrieve other, publish a city visit, withhold a city publication)
PUBLICATION_EXPECTED = {
    "platform_admin":   (200, 200, 200, 201, 200),
    "city_admin":       (200, 200, 404, 201, 200),
    "city_staff":       (200, 200, 404, 201, 200),
    "city_legal":       (200, 200, 404, 403, 403),
    "city_inspector":   (200, 200, 404, 403, 403),
    "county_staff":     (200, 404, 404, 404, 404),
    "peer_staff":       (200, 404, 404, 404, 404),
    "justice_reviewer": (200, 200, 404, 403, 403),
    "oversight":        (200, 200, 404, 403, 403),
    "outsider":         (200, 404, 200, 404, 404),
    "anonymous":        (401, 401, 401, 401, 401),
}

# persona: (list, retrieve city, retrieve other, review city, review other)
OBJECTION_EXPECTED = {
    "platform_admin":   (200, 200, 200, 200, 200),
    "city_admin":       (200, 200, 404, 200, 404),
    "city_staff":       (200, 200, 404, 403, 404),
    "city_legal":       (200, 200, 404, 403, 404),
    "city_inspector":   (200, 200, 404, 403, 404),
    "county_staff":     (200, 404, 404, 404, 404),
    "peer_staff":       (200, 404, 404, 404, 404),
    "justice_reviewer": (200, 200, 404, 403, 404),
    "oversight":        (200, 200, 404, 403, 404),
    "outsider":         (200, 404, 200, 404, 200),
    "anonymous":        (401, 401, 401, 401, 401),
}

# persona: staff pages (结果公示 index, the city task's page, publication list, the city publication, objection inbox)
PAGES_EXPECTED = {
    "platform_admin":   (200, 200, 200, 200, 200),
    "city_admin":       (200, 200, 200, 200, 200),
    "city_staff":       (200, 200, 200, 200, 200),
    "city_legal":       (200, 200, 200, 200, 200),
    "city_inspector":   (200, 200, 200, 200, 200),
    "county_staff":     (200, 404, 200, 404, 200),
    "peer_staff":       (200, 404, 200, 404, 200),
    "justice_reviewer": (200, 200, 200, 200, 200),
    "oversight":        (200, 200, 200, 200, 200),
    "outsider":         (200, 404, 200, 404, 200),
    "anonymous":        (302, 302, 302, 302, 302),
}


class World:
    """A published result with an objection in each of the two regions, and a reviewed city visit."""

    def __init__(self, city_dept: Any, city_staff: Any, other_dept: Any, other_staff: Any) -> None:
        self.city_task = make_task(city_dept, make_items(city_dept))
        team = [InspectorFactory.create(department=city_dept) for _ in range(2)]
        self.city_pub = services.publication_publish(
            reviewed_visit(self.city_task, EntityFactory.create(department=city_dept), team), by=city_staff)
        self.city_visit = reviewed_visit(self.city_task, EntityFactory.create(department=city_dept), team)
        other_task = make_task(other_dept, make_items(other_dept))
        other_team = [InspectorFactory.create(department=other_dept) for _ in range(2)]
        guangzhou = Region.objects.get(code="440100")
        self.other_pub = services.publication_publish(
            reviewed_visit(other_task, EntityFactory.create(department=other_dept, region=guangzhou), other_team),
            by=other_staff)
        self.city_obj = self._object(self.city_pub)
        self.other_obj = self._object(self.other_pub)

    @staticmethod
    def _object(pub: Any) -> Any:
        return services.objection_file(
            uscc=pub.entity.uscc, verification_code=pub.visit.verification_code, result_id=pub.results.first().pk,
            statement="检查结果与事实不符，请求复核。", contact_name="联系人", contact_phone="13900000000")


@pytest.fixture
def world(city_dept: Any, city_staff: Any, other_province_dept: Any) -> World:
    from jianguan.accounts.factories import UserFactory
    from jianguan.accounts.roles import Role

    other_staff = UserFactory(username="gd_staff", role=Role.DIVISION_STAFF, department=other_province_dept)
    return World(city_dept, city_staff, other_province_dept, other_staff)


def _client(request: Any, persona: str) -> APIClient:
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(user=request.getfixturevalue(persona))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_publication_endpoints(request: Any, persona: str, world: World) -> None:
    api = _client(request, persona)
    withhold = {"reason": "trade_secret", "basis": "涉及商业秘密"}
    got = (
        api.get("/api/v1/publications/").status_code,
        api.get(f"/api/v1/publications/{world.city_pub.pk}/").status_code,
        api.get(f"/api/v1/publications/{world.other_pub.pk}/").status_code,
        api.post("/api/v1/publications/publish/", {"visit": world.city_visit.pk}, format="json").status_code,
        api.post(f"/api/v1/publications/{world.city_pub.pk}/withhold/", withhold, format="json").status_code,
    )
    assert got == PUBLICATION_EXPECTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_objection_endpoints(request: Any, persona: str, world: World) -> None:
    api = _client(request, persona)
    reject = {"accept": False, "reason": "现场记录显示问题确实存在"}
    got = (
        api.get("/api/v1/objections/").status_code,
        api.get(f"/api/v1/objections/{world.city_obj.pk}/").status_code,
        api.get(f"/api/v1/objections/{world.other_obj.pk}/").status_code,
        api.post(f"/api/v1/objections/{world.city_obj.pk}/review/", reject, format="json").status_code,
        api.post(f"/api/v1/objections/{world.other_obj.pk}/review/", reject, format="json").status_code,
    )
    assert got == OBJECTION_EXPECTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_pages(request: Any, persona: str, world: World) -> None:
    web = Client()
    if persona != "anonymous":
        web.force_login(request.getfixturevalue(persona))
    got = (
        web.get("/public/manage/").status_code,
        web.get(f"/public/manage/tasks/{world.city_task.pk}/").status_code,
        web.get("/public/manage/publications/").status_code,
        web.get(f"/public/manage/publications/{world.city_pub.pk}/").status_code,
        web.get("/public/manage/objections/").status_code,
    )
    assert got == PAGES_EXPECTED[persona]


def test_lists_show_only_what_is_in_scope(world: World, county_staff: Any, city_admin: Any) -> None:
    county = APIClient()
    county.force_authenticate(user=county_staff)
    assert county.get("/api/v1/publications/").json()["results"] == []
    city = APIClient()
    city.force_authenticate(user=city_admin)
    assert [p["id"] for p in city.get("/api/v1/publications/").json()["results"]] == [world.city_pub.pk]
    assert [o["id"] for o in city.get("/api/v1/objections/").json()["results"]] == [world.city_obj.pk]
