"""The inspector, recusal and filing API: problem+json errors naming the field, masking, audit."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.core.models import AuditEvent
from jianguan.inspectors.factories import InspectorFactory, RecusalFactory
from jianguan.inspectors.models import Inspector

pytestmark = pytest.mark.django_db

URL = "/api/v1/inspectors/"


def payload(**overrides: Any) -> dict[str, Any]:
    return {"name": "彭志强", "category": "civil_servant", "certificate_no": "湘4303777777",
            "qualifications": ["food_safety"], "region": "430304", "phone": "13812340000"} | overrides


def test_a_department_admin_creates_an_inspector_in_their_department(api: Any, city_admin: Any) -> None:
    response = api.as_user(city_admin).post(URL, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["department"] == city_admin.department_id and body["qualifications"] == ["food_safety"]
    assert body["region"] == "430304" and body["phone"] == "13812340000"
    assert AuditEvent.objects.filter(action="inspector.created", target_id=str(body["id"])).exists()


def test_a_region_outside_the_jurisdiction_is_a_422_naming_the_field(api: Any, city_admin: Any) -> None:
    response = api.as_user(city_admin).post(URL, payload(region="440300"), format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "region", "code": "outside_jurisdiction",
                                          "message": response.json()["errors"][0]["message"]}]


def test_a_duplicate_certificate_is_a_422_naming_the_field(api: Any, city_admin: Any, gd_insp: Any) -> None:
    response = api.as_user(city_admin).post(URL, payload(certificate_no=gd_insp.certificate_no), format="json")
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("certificate_no", "duplicate")]


def test_an_unknown_domain_code_is_a_422_naming_the_field(api: Any, city_admin: Any) -> None:
    response = api.as_user(city_admin).post(URL, payload(qualifications=["flying"]), format="json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "qualifications"


def test_a_patch_changes_only_the_given_fields(api: Any, city_admin: Any, city_insp: Any) -> None:
    response = api.as_user(city_admin).patch(f"{URL}{city_insp.pk}/", {"phone": "13900001111"}, format="json")
    assert response.status_code == 200
    city_insp.refresh_from_db()
    assert city_insp.phone == "13900001111" and city_insp.name == "王建军"
    assert list(city_insp.versions.values_list("changes", flat=True)) == [{"phone": ["13807320001", "13900001111"]}]


def test_the_phone_is_masked_for_readers_who_cannot_edit(api: Any, city_staff: Any, city_admin: Any,
                                                         city_insp: Any) -> None:
    assert api.as_user(city_staff).get(f"{URL}{city_insp.pk}/").json()["phone"] == "138****0001"
    assert api.as_user(city_admin).get(f"{URL}{city_insp.pk}/").json()["phone"] == "13807320001"


def test_the_list_filters_by_name_category_qualification_region_and_state(
    api: Any, city_admin: Any, city_dept: Any, food: Any, equipment: Any
) -> None:
    a: Any = InspectorFactory(department=city_dept, name="刘一", certificate_no="湘4303000011", qualifications=[food])
    b: Any = InspectorFactory(department=city_dept, name="刘二", category="qualified_staff", qualifications=[equipment],
                         region_id="430302")
    c: Any = InspectorFactory(department=city_dept, name="张三", is_active=False, certificate_no="XT-0003")
    client = api.as_user(city_admin)

    def ids(**params: Any) -> set[int]:
        return {row["id"] for row in client.get(URL, params).json()["results"]}

    assert ids(q="刘") == {a.pk, b.pk}
    assert ids(q="xt-0003") == {c.pk}
    assert ids(category="qualified_staff") == {b.pk}
    assert ids(qualification="food_safety") == {a.pk}
    assert ids(region="430302") == {b.pk}
    assert ids(region="430300") == {a.pk, b.pk, c.pk}
    assert ids(is_active="false") == {c.pk}
    assert ids(is_active="true", department=city_dept.pk) == {a.pk, b.pk}
    assert ids(department="not-an-id") == set()


def test_the_list_runs_a_fixed_number_of_queries(api: Any, city_admin: Any, city_dept: Any, food: Any,
                                                 django_assert_max_num_queries: Any) -> None:
    for _ in range(15):
        InspectorFactory(department=city_dept, qualifications=[food])
    client = api.as_user(city_admin)
    with django_assert_max_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 15


def test_deactivate_takes_the_inspector_out_and_keeps_the_row(api: Any, city_admin: Any, city_insp: Any) -> None:
    response = api.as_user(city_admin).post(f"{URL}{city_insp.pk}/deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert Inspector.objects.filter(pk=city_insp.pk).exists()


def test_there_is_no_delete(api: Any, platform_admin: Any, city_insp: Any) -> None:
    assert api.as_user(platform_admin).delete(f"{URL}{city_insp.pk}/").status_code == 405


def test_a_recusal_is_recorded_listed_and_ended_through_the_api(api: Any, city_admin: Any, city_insp: Any,
                                                                city_entity: Any) -> None:
    client = api.as_user(city_admin)
    created = client.post("/api/v1/recusals/", {"inspector": city_insp.pk, "entity": city_entity.pk,
                                                "reason": "近亲属任该公司法定代表人"}, format="json")
    assert created.status_code == 201, created.json()
    rid = created.json()["id"]
    assert created.json()["entity_uscc"] == city_entity.uscc
    listed = client.get("/api/v1/recusals/", {"inspector": city_insp.pk, "is_active": "true"}).json()["results"]
    assert [r["id"] for r in listed] == [rid]
    ended = client.post(f"/api/v1/recusals/{rid}/deactivate/")
    assert ended.status_code == 200 and ended.json()["is_active"] is False


def test_a_recusal_without_a_reason_is_a_422_naming_the_reason(api: Any, city_admin: Any, city_insp: Any,
                                                               city_entity: Any) -> None:
    response = api.as_user(city_admin).post("/api/v1/recusals/", {"inspector": city_insp.pk,
                                                                  "entity": city_entity.pk}, format="json")
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("reason", "required")]


def test_a_duplicate_active_recusal_is_a_409(api: Any, city_admin: Any, city_insp: Any, city_entity: Any) -> None:
    RecusalFactory(inspector=city_insp, entity=city_entity)
    response = api.as_user(city_admin).post("/api/v1/recusals/", {"inspector": city_insp.pk, "entity": city_entity.pk,
                                                                  "reason": "x"}, format="json")
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "entity"


def test_recusals_are_not_edited_in_place(api: Any, city_admin: Any, city_insp: Any) -> None:
    recusal: Any = RecusalFactory(inspector=city_insp)
    response = api.as_user(city_admin).patch(f"/api/v1/recusals/{recusal.pk}/", {"reason": "x"}, format="json")
    assert response.status_code == 405


def test_a_department_admin_files_the_quarter_through_the_api(api: Any, city_admin: Any, city_insp: Any) -> None:
    client = api.as_user(city_admin)
    response = client.post("/api/v1/directory-filings/", {}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["inspector_count"] == 1 and len(body["directory_sha256"]) == 64
    detail = client.get(f"/api/v1/directory-filings/{body['id']}/").json()
    assert detail["directory_csv"].splitlines()[1].startswith(city_insp.certificate_no)
    again = client.post("/api/v1/directory-filings/", {}, format="json")
    assert again.status_code == 409


def test_a_malformed_quarter_is_a_422_naming_the_quarter(api: Any, city_admin: Any, city_insp: Any) -> None:
    response = api.as_user(city_admin).post("/api/v1/directory-filings/", {"quarter": "2026-4"}, format="json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "quarter"
