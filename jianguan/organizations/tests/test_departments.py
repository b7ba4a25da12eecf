from __future__ import annotations

from typing import Any

import pytest

from jianguan.core.models import AuditEvent
from jianguan.organizations.models import Department, Region

pytestmark = pytest.mark.django_db


def test_regions_are_loaded_with_hierarchy_and_special_codes() -> None:
    yuhu = Region.objects.select_related("parent").get(code="430302")
    assert yuhu.parent is not None
    assert yuhu.parent_id == "430300" and yuhu.parent.parent_id == "430000"
    assert Region.objects.get(code="990000").is_special
    assert Region.objects.get(code="100000").is_special


def test_a_department_jurisdiction_is_its_region_subtree(city_dept: Department, county_dept: Department) -> None:
    assert city_dept.jurisdiction_prefix == "4303"
    assert county_dept.jurisdiction_prefix == "430302"


def test_platform_admin_creates_a_department_and_it_is_audited(api: Any, platform_admin: Any) -> None:
    response = api.as_user(platform_admin).post("/api/v1/departments/", {
        "name": "湘潭市商务局", "code": "430300-SW", "level": 2, "kind": "industry_authority", "region": "430300",
    }, format="json")
    assert response.status_code == 201, response.json()
    assert AuditEvent.objects.filter(action="department.created", target_id=str(response.json()["id"])).exists()


def test_a_county_department_cannot_bind_a_city_region(api: Any, platform_admin: Any) -> None:
    response = api.as_user(platform_admin).post("/api/v1/departments/", {
        "name": "错误部门", "code": "X1", "level": 3, "kind": "approving", "region": "430300",
    }, format="json")
    assert response.status_code == 422
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert body["errors"][0]["field"] == "region"


def test_staff_cannot_create_departments_and_the_denial_is_audited(api: Any, city_staff: Any) -> None:
    response = api.as_user(city_staff).post("/api/v1/departments/", {
        "name": "x", "code": "x", "level": 2, "kind": "approving", "region": "430300"}, format="json")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="permission.denied", actor_id=city_staff.pk).exists()


def test_department_admin_edits_only_their_own_department(api: Any, city_admin: Any, county_dept: Department) -> None:
    own = api.as_user(city_admin).patch(f"/api/v1/departments/{city_admin.department_id}/", {"sector": "市场监管"}, format="json")
    assert own.status_code == 200
    other = api.as_user(city_admin).patch(f"/api/v1/departments/{county_dept.pk}/", {"sector": "x"}, format="json")
    assert other.status_code == 403


def test_unknown_region_code_names_the_field(api: Any, platform_admin: Any) -> None:
    response = api.as_user(platform_admin).post("/api/v1/departments/", {
        "name": "x", "code": "x", "level": 3, "kind": "approving", "region": "439999"}, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "region"


def test_departments_filter_by_region_subtree(api: Any, city_staff: Any, county_dept: Department,
                                             other_province_dept: Department) -> None:
    response = api.as_user(city_staff).get("/api/v1/departments/?region=430300")
    names = {d["name"] for d in response.json()["results"]}
    assert county_dept.name in names and other_province_dept.name not in names
