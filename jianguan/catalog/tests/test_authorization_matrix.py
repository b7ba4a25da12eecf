"""Authorization matrix: every API endpoint × every persona × in and out of scope, written out by hand.

In scope: records of Xiangtan city market regulation (city_dept). Out of scope: records of the Guangdong
department (other_province_dept). For inspection items, "pub" is a PUBLISHED item of city_dept: the published
list is public [003], so everybody reads it, yet only its own department changes it.

Legend: list → True if the record appears in the list (an int is the status code of the whole list call);
other cells → HTTP status. Every write cell runs on a fresh record.
"""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.catalog.factories import CatalogItemFactory, InspectionItemFactory
from jianguan.catalog.models import CatalogItem

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "city_admin", "city_staff", "city_legal", "city_inspector", "county_staff",
            "peer_staff", "justice_reviewer", "oversight", "outsider", "anonymous"]

# ---------------------------------------------------------------- catalog items (/api/v1/catalog-items/)
# columns: list_in, list_out, retrieve_in, retrieve_out, create_in, create_out,
#          update_in, update_out, deactivate_in, deactivate_out
CATALOG_MATRIX: dict[str, tuple[Any, ...]] = {
    "platform_admin":   (True,  True,  200, 200, 201, 201, 200, 200, 200, 200),
    "city_admin":       (True,  False, 200, 404, 201, 403, 200, 404, 200, 404),
    "city_staff":       (True,  False, 200, 404, 201, 403, 200, 404, 200, 404),
    "city_legal":       (True,  False, 200, 404, 201, 403, 200, 404, 200, 404),
    "city_inspector":   (True,  False, 200, 404, 403, 403, 403, 404, 403, 404),
    "county_staff":     (False, False, 404, 404, 403, 403, 404, 404, 404, 404),
    "peer_staff":       (False, False, 404, 404, 403, 403, 404, 404, 404, 404),
    "justice_reviewer": (True,  False, 200, 404, 403, 403, 403, 404, 403, 404),
    "oversight":        (True,  False, 200, 404, 403, 403, 403, 404, 403, 404),
    "outsider":         (False, True,  404, 200, 403, 201, 404, 200, 404, 200),
    "anonymous":        (401,   401,   401, 401, 401, 401, 401, 401, 401, 401),
}

# ---------------------------------------------------------------- inspection items (/api/v1/inspection-items/)
# columns: list_in, list_out, list_pub, retrieve_in, retrieve_out, retrieve_pub, create_in, create_out,
#          update_in, update_out, update_pub, deactivate_in, deactivate_out, deactivate_pub,
#          publish_in, publish_out, withdraw_pub
ITEM_MATRIX: dict[str, tuple[Any, ...]] = {
    "platform_admin":   (True,  True,  True, 200, 200, 200, 201, 201, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "city_admin":       (True,  False, True, 200, 404, 200, 201, 403, 200, 404, 200, 200, 404, 200, 200, 404, 200),
    "city_staff":       (True,  False, True, 200, 404, 200, 201, 403, 200, 404, 200, 200, 404, 200, 200, 404, 200),
    "city_legal":       (True,  False, True, 200, 404, 200, 201, 403, 200, 404, 200, 200, 404, 200, 200, 404, 200),
    "city_inspector":   (True,  False, True, 200, 404, 200, 403, 403, 403, 404, 403, 403, 404, 403, 403, 404, 403),
    "county_staff":     (False, False, True, 404, 404, 200, 403, 403, 404, 404, 403, 404, 404, 403, 404, 404, 403),
    "peer_staff":       (False, False, True, 404, 404, 200, 403, 403, 404, 404, 403, 404, 404, 403, 404, 404, 403),
    "justice_reviewer": (True,  False, True, 200, 404, 200, 403, 403, 403, 404, 403, 403, 404, 403, 403, 404, 403),
    "oversight":        (True,  False, True, 200, 404, 200, 403, 403, 403, 404, 403, 403, 404, 403, 403, 404, 403),
    "outsider":         (False, True,  True, 404, 200, 200, 403, 201, 404, 200, 403, 404, 200, 403, 404, 200, 403),
    "anonymous":        (False, False, True, 404, 404, 200, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401),
}


def _client(request: pytest.FixtureRequest, api: Any, persona: str) -> Any:
    if persona == "anonymous":
        return api
    return api.as_user(request.getfixturevalue(persona))


def _listed(client: Any, url: str, code: str) -> Any:
    response = client.get(url, {"q": code})
    if response.status_code != 200:
        return response.status_code
    return code in [row["code"] for row in response.json()["results"]]


@pytest.mark.parametrize("persona", PERSONAS)
def test_catalog_item_endpoints_follow_the_matrix(
    request: pytest.FixtureRequest, api: Any, persona: str, city_dept: Any, other_province_dept: Any
) -> None:
    expected = CATALOG_MATRIX[persona]
    depts = {"in": city_dept, "out": other_province_dept}
    counter = iter(range(1000))

    def fresh(scope: str) -> CatalogItem:
        return CatalogItemFactory.create(department=depts[scope], code=f"M-{scope}-{next(counter)}")

    url = "/api/v1/catalog-items/"
    client = _client(request, api, persona)
    shown = {s: fresh(s) for s in ("in", "out")}
    actual: list[Any] = [_listed(client, url, shown[s].code) for s in ("in", "out")]
    actual += [client.get(f"{url}{shown[s].pk}/").status_code for s in ("in", "out")]
    actual += [client.post(url, {"department": depts[s].pk, "code": f"NEW-{s}", "name": "对广告的监督检查",
                                 "domain": "advertising", "legal_basis": "《广告法》", "implementing_level": "city"},
                           format="json").status_code for s in ("in", "out")]
    actual += [client.patch(f"{url}{fresh(s).pk}/", {"name": "改名"}, format="json").status_code for s in ("in", "out")]
    actual += [client.post(f"{url}{fresh(s).pk}/deactivate/").status_code for s in ("in", "out")]
    assert tuple(actual) == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_inspection_item_endpoints_follow_the_matrix(
    request: pytest.FixtureRequest, api: Any, persona: str, city_dept: Any, other_province_dept: Any
) -> None:
    expected = ITEM_MATRIX[persona]
    catalog = {"in": CatalogItemFactory.create(department=city_dept, code="M-in"),
               "out": CatalogItemFactory.create(department=other_province_dept, code="M-out")}
    counter = iter(range(1000))

    def fresh(scope: str) -> Any:
        published = scope == "pub"
        return InspectionItemFactory(catalog_item=catalog["in" if published else scope], published=published,
                                     code=f"C-{scope}-{next(counter)}")

    url = "/api/v1/inspection-items/"
    client = _client(request, api, persona)
    scopes = ("in", "out", "pub")
    shown = {s: fresh(s) for s in scopes}
    actual: list[Any] = [_listed(client, url, shown[s].code) for s in scopes]
    actual += [client.get(f"{url}{shown[s].pk}/").status_code for s in scopes]
    actual += [client.post(url, {"code": f"NEW-{s}", "name": "产品质量监督抽查", "catalog_item": catalog[s].pk,
                                 "kind": "general", "default_ratio_pct": "5", "methods": ["onsite"]},
                           format="json").status_code for s in ("in", "out")]
    actual += [client.patch(f"{url}{fresh(s).pk}/", {"name": "改名"}, format="json").status_code for s in scopes]
    actual += [client.post(f"{url}{fresh(s).pk}/deactivate/").status_code for s in scopes]
    actual += [client.post(f"{url}{fresh(s).pk}/publish/").status_code for s in ("in", "out")]
    actual += [client.post(f"{url}{fresh('pub').pk}/withdraw/").status_code]
    assert tuple(actual) == expected
