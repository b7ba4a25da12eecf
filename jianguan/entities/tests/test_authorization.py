"""Who may do what to which entity, written out as tables (not derived from roles.py).

Entities: `county` = in Yuhu 430302, maintained by the Yuhu bureau (county_dept);
`city` = in Yuhu 430302, maintained by the Xiangtan city bureau (city_dept);
`outside` = in Luohu 440303 (Guangdong), maintained by the Guangdong bureau (the outsider's department).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from jianguan.entities.models import Entity
from jianguan.entities.uscc import generate_uscc

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "city_admin", "city_staff", "city_legal", "city_inspector", "county_staff",
            "peer_staff", "justice_reviewer", "oversight", "outsider", "anonymous"]

# persona: which of the three entities the list shows
LIST_VISIBLE = {
    "platform_admin": {"county", "city", "outside"},
    "city_admin": {"county", "city"},
    "city_staff": {"county", "city"},
    "city_legal": {"county", "city"},
    "city_inspector": {"county", "city"},
    "county_staff": {"county", "city"},  # both lie in Yuhu
    "peer_staff": set(),  # Yuetang sees neither
    "justice_reviewer": {"county", "city"},
    "oversight": {"county", "city"},
    "outsider": {"outside"},
    "anonymous": None,  # 401
}

# (persona, entity): status of GET /api/v1/entities/{id}/
RETRIEVE = {
    ("platform_admin", "county"): 200, ("platform_admin", "city"): 200, ("platform_admin", "outside"): 200,
    ("city_admin", "county"): 200, ("city_admin", "city"): 200, ("city_admin", "outside"): 404,
    ("city_staff", "county"): 200, ("city_staff", "city"): 200, ("city_staff", "outside"): 404,
    ("city_legal", "county"): 200, ("city_legal", "city"): 200, ("city_legal", "outside"): 404,
    ("city_inspector", "county"): 200, ("city_inspector", "city"): 200, ("city_inspector", "outside"): 404,
    ("county_staff", "county"): 200, ("county_staff", "city"): 200, ("county_staff", "outside"): 404,
    ("peer_staff", "county"): 404, ("peer_staff", "city"): 404, ("peer_staff", "outside"): 404,
    ("justice_reviewer", "county"): 200, ("justice_reviewer", "city"): 200, ("justice_reviewer", "outside"): 404,
    ("oversight", "county"): 200, ("oversight", "city"): 200, ("oversight", "outside"): 404,
    ("outsider", "county"): 404, ("outsider", "city"): 404, ("outsider", "outside"): 200,
    ("anonymous", "county"): 401, ("anonymous", "city"): 401, ("anonymous", "outside"): 401,
}

# (persona, entity): status of PATCH /api/v1/entities/{id}/ and of POST …/{id}/deactivate/
WRITE = {
    ("platform_admin", "county"): 200, ("platform_admin", "city"): 200, ("platform_admin", "outside"): 200,
    ("city_admin", "county"): 403, ("city_admin", "city"): 200, ("city_admin", "outside"): 404,
    ("city_staff", "county"): 403, ("city_staff", "city"): 200, ("city_staff", "outside"): 404,
    ("city_legal", "county"): 403, ("city_legal", "city"): 403, ("city_legal", "outside"): 404,
    ("city_inspector", "county"): 403, ("city_inspector", "city"): 403, ("city_inspector", "outside"): 404,
    ("county_staff", "county"): 200, ("county_staff", "city"): 403, ("county_staff", "outside"): 404,
    ("peer_staff", "county"): 404, ("peer_staff", "city"): 404, ("peer_staff", "outside"): 404,
    ("justice_reviewer", "county"): 403, ("justice_reviewer", "city"): 403, ("justice_reviewer", "outside"): 404,
    ("oversight", "county"): 403, ("oversight", "city"): 403, ("oversight", "outside"): 404,
    ("outsider", "county"): 404, ("outsider", "city"): 404, ("outsider", "outside"): 200,
    ("anonymous", "county"): 401, ("anonymous", "city"): 401, ("anonymous", "outside"): 401,
}

# persona: status of POST /api/v1/entities/ for a new entity in Yuhu (430302)
CREATE_IN_YUHU = {
    "platform_admin": 201,  # names the maintaining department
    "city_admin": 201, "city_staff": 201,
    "city_legal": 403, "city_inspector": 403,
    "county_staff": 201,
    "peer_staff": 422,  # outside Yuetang's jurisdiction: the region field is named
    "justice_reviewer": 403, "oversight": 403,
    "outsider": 422,
    "anonymous": 401,
}


@pytest.fixture
def world(county_entity: Entity, city_entity: Entity, outside_entity: Entity) -> dict[str, Entity]:
    return {"county": county_entity, "city": city_entity, "outside": outside_entity}


def _client(request: pytest.FixtureRequest, api: Any, persona: str) -> Any:
    if persona == "anonymous":
        return api
    return api.as_user(request.getfixturevalue(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_shows_exactly_the_entities_in_scope(
    request: pytest.FixtureRequest, api: Any, world: dict[str, Entity], persona: str
) -> None:
    response = _client(request, api, persona).get("/api/v1/entities/")
    expected = LIST_VISIBLE[persona]
    if expected is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {world[name].pk for name in expected}


@pytest.mark.parametrize(("persona", "target"), sorted(RETRIEVE))
def test_retrieve(request: pytest.FixtureRequest, api: Any, world: dict[str, Entity], persona: str, target: str) -> None:
    entity = world[target]
    client = _client(request, api, persona)
    assert client.get(f"/api/v1/entities/{entity.pk}/").status_code == RETRIEVE[(persona, target)]
    assert client.get(f"/api/v1/entities/by-uscc/{entity.uscc}/").status_code == RETRIEVE[(persona, target)]


@pytest.mark.parametrize(("persona", "target"), sorted(WRITE))
def test_update(request: pytest.FixtureRequest, api: Any, world: dict[str, Entity], persona: str, target: str) -> None:
    entity = world[target]
    response = _client(request, api, persona).patch(f"/api/v1/entities/{entity.pk}/", {"address": "新址 9 号"},
                                                    format="json")
    assert response.status_code == WRITE[(persona, target)], response.content
    entity.refresh_from_db()
    assert (entity.address == "新址 9 号") == (WRITE[(persona, target)] == 200)


@pytest.mark.parametrize(("persona", "target"), sorted(WRITE))
def test_deactivate(request: pytest.FixtureRequest, api: Any, world: dict[str, Entity], persona: str, target: str) -> None:
    entity = world[target]
    response = _client(request, api, persona).post(f"/api/v1/entities/{entity.pk}/deactivate/")
    assert response.status_code == WRITE[(persona, target)], response.content
    entity.refresh_from_db()
    assert entity.is_active == (WRITE[(persona, target)] != 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_create(request: pytest.FixtureRequest, api: Any, county_dept: Any, persona: str) -> None:
    payload: dict[str, Any] = {"uscc": generate_uscc(random.Random(persona), "430302"), "name": "湘潭市雨湖区新设有限公司",
                               "industry": "52", "region": "430302"}
    if persona == "platform_admin":
        payload["department"] = county_dept.code
    response = _client(request, api, persona).post("/api/v1/entities/", payload, format="json")
    assert response.status_code == CREATE_IN_YUHU[persona], response.content
    assert Entity.objects.filter(uscc=payload["uscc"]).exists() == (CREATE_IN_YUHU[persona] == 201)
    if response.status_code == 422:
        assert response.json()["errors"][0]["field"] == "region"
