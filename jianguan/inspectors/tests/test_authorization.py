"""Authorization matrix: every endpoint × every persona × in and out of scope, as explicit tables.

Targets: an inspector (and a recusal, and a filing) of city_dept (Xiangtan city, the personas' own
city department), of county_dept (Yuhu district, a lower level inside the city) and of
other_province_dept (Guangdong). Upper levels and oversight read lower levels; only department
admins write, and only their own department; nobody sees another region.
"""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.inspectors.factories import DirectoryFilingFactory, RecusalFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "city_admin", "city_staff", "city_legal", "city_inspector", "county_staff",
            "peer_staff", "justice_reviewer", "oversight", "outsider", "anonymous"]
ALL, CITY_COUNTY, NONE = {"city", "county", "gd"}, {"city", "county"}, set[str]()

# Inspectors.
# persona           seen in list   GET city/county/gd   PATCH city/county/gd   deactivate c/c/gd   POST into city/gd
INSPECTORS = {
    "platform_admin": (ALL,          (200, 200, 200),     (200, 200, 200),       (200, 200, 200),    (201, 201)),
    "city_admin":     (CITY_COUNTY,  (200, 200, 404),     (200, 403, 404),       (200, 403, 404),    (201, 422)),
    "city_staff":     (CITY_COUNTY,  (200, 200, 404),     (403, 403, 404),       (403, 403, 404),    (403, 403)),
    "city_legal":     (CITY_COUNTY,  (200, 200, 404),     (403, 403, 404),       (403, 403, 404),    (403, 403)),
    "city_inspector": (CITY_COUNTY,  (200, 200, 404),     (403, 403, 404),       (403, 403, 404),    (403, 403)),
    "county_staff":   ({"county"},   (404, 200, 404),     (404, 403, 404),       (404, 403, 404),    (403, 403)),
    "peer_staff":     (NONE,         (404, 404, 404),     (404, 404, 404),       (404, 404, 404),    (403, 403)),
    "justice_reviewer": (CITY_COUNTY, (200, 200, 404),    (403, 403, 404),       (403, 403, 404),    (403, 403)),
    "oversight":      (CITY_COUNTY,  (200, 200, 404),     (403, 403, 404),       (403, 403, 404),    (403, 403)),
    "outsider":       ({"gd"},       (404, 404, 200),     (404, 404, 200),       (404, 404, 200),    (422, 201)),
    "anonymous":      (None,         (401, 401, 401),     (401, 401, 401),       (401, 401, 401),    (401, 401)),
}

# Recusals (the inspector role has no access to recusals at all).
# persona           seen in list   GET city/county/gd   deactivate city/county/gd   POST for city/gd inspector
RECUSALS = {
    "platform_admin": (ALL,          (200, 200, 200),     (200, 200, 200),            (201, 201)),
    "city_admin":     (CITY_COUNTY,  (200, 200, 404),     (200, 403, 404),            (201, 422)),
    "city_staff":     (CITY_COUNTY,  (200, 200, 404),     (403, 403, 404),            (403, 403)),
    "city_legal":     (CITY_COUNTY,  (200, 200, 404),     (403, 403, 404),            (403, 403)),
    "city_inspector": (NONE,         (404, 404, 404),     (404, 404, 404),            (403, 403)),
    "county_staff":   ({"county"},   (404, 200, 404),     (404, 403, 404),            (403, 403)),
    "peer_staff":     (NONE,         (404, 404, 404),     (404, 404, 404),            (403, 403)),
    "justice_reviewer": (CITY_COUNTY, (200, 200, 404),    (403, 403, 404),            (403, 403)),
    "oversight":      (CITY_COUNTY,  (200, 200, 404),     (403, 403, 404),            (403, 403)),
    "outsider":       ({"gd"},       (404, 404, 200),     (404, 404, 200),            (422, 201)),
    "anonymous":      (None,         (401, 401, 401),     (401, 401, 401),            (401, 401)),
}

# Quarterly filings: read like the directory; filed only by the department's own admin.
# persona           seen in list   GET city/county/gd   POST for city_dept
FILINGS = {
    "platform_admin": (ALL,          (200, 200, 200),     201),
    "city_admin":     (CITY_COUNTY,  (200, 200, 404),     201),
    "city_staff":     (CITY_COUNTY,  (200, 200, 404),     403),
    "city_legal":     (CITY_COUNTY,  (200, 200, 404),     403),
    "city_inspector": (CITY_COUNTY,  (200, 200, 404),     403),
    "county_staff":   ({"county"},   (404, 200, 404),     403),
    "peer_staff":     (NONE,         (404, 404, 404),     403),
    "justice_reviewer": (CITY_COUNTY, (200, 200, 404),    403),
    "oversight":      (CITY_COUNTY,  (200, 200, 404),     403),
    "outsider":       ({"gd"},       (404, 404, 200),     403),
    "anonymous":      (None,         (401, 401, 401),     401),
}


def as_persona(api: Any, request: pytest.FixtureRequest, persona: str) -> Any:
    if persona == "anonymous":
        return api
    return api.as_user(request.getfixturevalue(persona))


def seen(client: Any, url: str, targets: dict[str, int]) -> set[str] | None:
    response = client.get(url, {"page_size": 500})
    if response.status_code == 401:
        return None
    ids = {row["id"] for row in response.json()["results"]}
    return {name for name, pk in targets.items() if pk in ids}


@pytest.mark.parametrize("persona", PERSONAS)
def test_inspector_endpoints(persona: str, api: Any, request: pytest.FixtureRequest, city_insp: Any,
                             county_insp: Any, gd_insp: Any, city_dept: Any, other_province_dept: Any) -> None:
    listed, get, patch, deactivate, post = INSPECTORS[persona]
    client = as_persona(api, request, persona)
    targets = {"city": city_insp.pk, "county": county_insp.pk, "gd": gd_insp.pk}
    url = "/api/v1/inspectors/"
    actual = {
        "list": seen(client, url, targets),
        "get": tuple(client.get(f"{url}{pk}/").status_code for pk in targets.values()),
        "patch": tuple(client.patch(f"{url}{pk}/", {"name": "改名"}, format="json").status_code
                       for pk in targets.values()),
        "deactivate": tuple(client.post(f"{url}{pk}/deactivate/").status_code for pk in targets.values()),
        "post": tuple(
            client.post(url, {"department": dept.pk, "name": "新人", "category": "civil_servant",
                              "certificate_no": f"NEW-{dept.pk}-{i}"}, format="json").status_code
            for i, dept in enumerate([city_dept, other_province_dept])
        ),
    }
    assert actual == {"list": listed, "get": get, "patch": patch, "deactivate": deactivate, "post": post}


@pytest.mark.parametrize("persona", PERSONAS)
def test_recusal_endpoints(persona: str, api: Any, request: pytest.FixtureRequest, city_insp: Any,
                           county_insp: Any, gd_insp: Any, city_entity: Any, gd_entity: Any) -> None:
    listed, get, deactivate, post = RECUSALS[persona]
    recusals: dict[str, Any] = {"city": RecusalFactory(inspector=city_insp, entity=city_entity),
                "county": RecusalFactory(inspector=county_insp, entity=city_entity),
                "gd": RecusalFactory(inspector=gd_insp, entity=gd_entity)}
    client = as_persona(api, request, persona)
    url = "/api/v1/recusals/"
    targets = {name: r.pk for name, r in recusals.items()}
    list_seen = seen(client, url, targets)
    gets = tuple(client.get(f"{url}{pk}/").status_code for pk in targets.values())
    ends = tuple(client.post(f"{url}{pk}/deactivate/").status_code for pk in targets.values())
    posts = tuple(
        client.post(url, {"inspector": insp.pk, "entity": entity.pk, "reason": "曾在该单位任职"},
                    format="json").status_code
        for insp, entity in [(city_insp, city_entity), (gd_insp, gd_entity)]
    )
    assert (list_seen, gets, ends, posts) == (listed, get, deactivate, post)


@pytest.mark.parametrize("persona", PERSONAS)
def test_filing_endpoints(persona: str, api: Any, request: pytest.FixtureRequest, city_insp: Any,
                          county_insp: Any, gd_insp: Any) -> None:
    listed, get, post = FILINGS[persona]
    filings: dict[str, Any] = {"city": DirectoryFilingFactory(department=city_insp.department),
               "county": DirectoryFilingFactory(department=county_insp.department),
               "gd": DirectoryFilingFactory(department=gd_insp.department)}
    client = as_persona(api, request, persona)
    url = "/api/v1/directory-filings/"
    targets = {name: f.pk for name, f in filings.items()}
    actual = (
        seen(client, url, targets),
        tuple(client.get(f"{url}{pk}/").status_code for pk in targets.values()),
        client.post(url, {"department": city_insp.department_id}, format="json").status_code,
    )
    assert actual == (listed, get, post)
