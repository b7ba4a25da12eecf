"""Every department/region endpoint × every role × in and out of scope, with outcomes written out.

"Own" is the persona's own department; "other" is a Guangdong department (another region).
Department names and places are public to signed-in users, so reads succeed everywhere; writes
belong to platform admins, and department admins may change their own department only.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "city_admin", "city_staff", "city_legal", "city_inspector", "justice_reviewer",
            "oversight", "outsider"]

# persona: (list, retrieve own, retrieve other, create, update own, update other, deactivate other)
EXPECTED = {
    "platform_admin":   (200, 200, 200, 201, 200, 200, 200),
    "city_admin":       (200, 200, 200, 403, 200, 403, 403),
    "city_staff":       (200, 200, 200, 403, 403, 403, 403),
    "city_legal":       (200, 200, 200, 403, 403, 403, 403),
    "city_inspector":   (200, 200, 200, 403, 403, 403, 403),
    "justice_reviewer": (200, 200, 200, 403, 403, 403, 403),
    "oversight":        (200, 200, 200, 403, 403, 403, 403),
    "outsider":         (200, 200, 200, 403, 200, 403, 403),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_department_endpoints_follow_the_matrix(persona: str, request: Any, api: Any, city_dept: Any,
                                                other_province_dept: Any) -> None:
    user = request.getfixturevalue(persona)
    own = user.department or city_dept
    other = other_province_dept if own != other_province_dept else city_dept
    client = api.as_user(user)
    got = (
        client.get("/api/v1/departments/").status_code,
        client.get(f"/api/v1/departments/{own.pk}/").status_code,
        client.get(f"/api/v1/departments/{other.pk}/").status_code,
        client.post("/api/v1/departments/", {"name": f"新部门{persona}", "code": f"N-{persona}", "level": 2,
                                             "kind": "industry_authority", "region": "430300"}, format="json").status_code,
        client.patch(f"/api/v1/departments/{own.pk}/", {"sector": "市场监管"}, format="json").status_code,
        client.patch(f"/api/v1/departments/{other.pk}/", {"sector": "市场监管"}, format="json").status_code,
        client.post(f"/api/v1/departments/{other.pk}/deactivate/").status_code,
    )
    assert got == EXPECTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_role_reads_region_codes(persona: str, request: Any, api: Any) -> None:
    client = api.as_user(request.getfixturevalue(persona))
    assert client.get("/api/v1/regions/?q=4303").status_code == 200
    assert client.get("/api/v1/regions/430302/").status_code == 200
    assert client.post("/api/v1/regions/", {"code": "999999", "name": "x", "level": 3}, format="json").status_code == 405


def test_the_public_cannot_use_the_registry_api(api: Any, city_dept: Any) -> None:
    assert api.get("/api/v1/departments/").status_code in (401, 403)
    assert api.get("/api/v1/regions/").status_code in (401, 403)


def test_department_list_pages_render_for_staff(client: Any, city_staff: Any) -> None:
    client.force_login(city_staff)
    response = client.get("/org/departments/?q=湘潭")
    assert response.status_code == 200 and "湘潭市市场监督管理局" in response.content.decode()
    assert client.get("/org/regions/?q=4303").status_code == 200
    assert client.get(f"/org/departments/{city_staff.department_id}/").status_code == 200
    assert client.get(f"/org/departments/{city_staff.department_id}/edit/").status_code == 403
