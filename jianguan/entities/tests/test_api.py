from __future__ import annotations

import random
from typing import Any

import pytest

from jianguan.core.models import AuditEvent
from jianguan.entities.factories import EntityFactory, TagFactory
from jianguan.entities.models import Entity, EntityVersion, Industry
from jianguan.entities.uscc import generate_uscc
from jianguan.organizations.models import Region

pytestmark = pytest.mark.django_db


def test_create_returns_the_entity_with_codes_and_masked_representative(api: Any, county_staff: Any, city_dept: Any) -> None:
    uscc = generate_uscc(random.Random(1), "430302")
    response = api.as_user(county_staff).post("/api/v1/entities/", {
        "uscc": uscc.lower(), "name": "湘潭市雨湖区湘韵餐饮管理有限公司", "industry": "62", "region": "430302",
        "legal_representative": "欧阳娜娜", "credit_grade": "A", "competent_departments": [city_dept.code],
        "tags": ["食品经营"], "licences": [{"kind": "食品经营许可证", "number": "JY1430302000001"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["uscc"] == uscc and body["section"] == "H" and body["industry_name"] == "餐饮业"
    assert body["masked_legal_representative"] == "欧阳**"
    assert body["competent_departments"] == [city_dept.code] and body["tags"] == ["食品经营"]
    assert body["licences"][0]["number"] == "JY1430302000001"
    assert len(body["draw_block"]) == 32


def test_a_bad_code_is_a_422_problem_naming_the_field(api: Any, county_staff: Any) -> None:
    uscc = generate_uscc(random.Random(1), "430302")
    bad = uscc[:17] + ("0" if uscc[17] != "0" else "1")
    response = api.as_user(county_staff).post("/api/v1/entities/", {
        "uscc": bad, "name": "x", "industry": "62", "region": "430302"}, format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "uscc"
    assert f"应为 {uscc[17]}" in response.json()["errors"][0]["message"]


def test_a_duplicate_code_is_a_409(api: Any, county_staff: Any, county_entity: Entity) -> None:
    response = api.as_user(county_staff).post("/api/v1/entities/", {
        "uscc": county_entity.uscc, "name": "x", "industry": "62", "region": "430302"}, format="json")
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "uscc"


def test_list_filters_are_query_parameters(api: Any, city_staff: Any, county_dept: Any, peer_dept: Any) -> None:
    a = EntityFactory.create(department=county_dept, credit_grade="D")
    b = EntityFactory.create(department=peer_dept, region=Region.objects.get(code="430304"),
                      industry=Industry.objects.get(code="62"), credit_grade=None)
    b.tags.add(TagFactory.create(code="FOOD"))
    client = api.as_user(city_staff)

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/entities/?{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {a.pk, b.pk}
    assert ids("credit_grade=D") == {a.pk}
    assert ids("credit_grade=none") == {b.pk}
    assert ids("region=430304") == {b.pk}
    assert ids("industry=H") == {b.pk}
    assert ids("tag=FOOD") == {b.pk}
    assert ids(f"q={a.uscc[:14]}") == {a.pk}
    assert ids("is_active=false") == set()


def test_by_uscc_accepts_lower_case(api: Any, county_staff: Any, county_entity: Entity) -> None:
    response = api.as_user(county_staff).get(f"/api/v1/entities/by-uscc/{county_entity.uscc.lower()}/")
    assert response.status_code == 200 and response.json()["id"] == county_entity.pk


def test_an_out_of_scope_lookup_is_404_and_audited(api: Any, peer_staff: Any, county_entity: Entity) -> None:
    assert api.as_user(peer_staff).get(f"/api/v1/entities/{county_entity.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor_id=peer_staff.pk).exists()


def test_patch_keeps_history(api: Any, county_staff: Any, county_entity: Entity) -> None:
    response = api.as_user(county_staff).patch(f"/api/v1/entities/{county_entity.pk}/",
                                               {"status": "closed"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert EntityVersion.objects.filter(entity=county_entity, action="updated").count() == 1


def test_the_list_runs_a_fixed_number_of_queries(
    api: Any, city_staff: Any, county_dept: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        e = EntityFactory.create(department=county_dept)
        e.tags.add(TagFactory.create(code="T1"))
    client = api.as_user(city_staff)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/entities/")
    assert response.status_code == 200 and response.json()["count"] == 12


def test_the_openapi_schema_documents_the_entity_endpoints(api: Any, platform_admin: Any) -> None:
    response = api.as_user(platform_admin).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"] if response["Content-Type"].startswith("application/json") else None
    if paths is None:
        import yaml  # type: ignore[import-untyped]

        paths = yaml.safe_load(response.content)["paths"]
    assert "/api/v1/entities/" in paths and "/api/v1/entities/by-uscc/{uscc}/" in paths
    assert any(p["name"] == "credit_grade" for p in paths["/api/v1/entities/"]["get"]["parameters"])
