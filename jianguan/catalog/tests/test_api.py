"""API: create/update/publish/withdraw, problem+json errors naming the field, filings, OpenAPI."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from jianguan.catalog import services
from jianguan.catalog.models import ItemListFiling

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/inspection-items/"
CATALOG = "/api/v1/catalog-items/"
FILINGS = "/api/v1/item-list-filings/"


def item_payload(catalog_item: Any, **overrides: Any) -> dict[str, Any]:
    return {"code": "430300-CC-API", "name": "广告发布检查", "catalog_item": catalog_item.pk, "kind": "general",
            "default_ratio_pct": "5.00", "methods": ["online", "written"], "times_per_year": 1} | overrides


def test_staff_create_an_inspection_item_through_the_api(api: Any, city_staff: Any, city_catalog_item: Any) -> None:
    response = api.as_user(city_staff).post(ITEMS, item_payload(city_catalog_item), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["publication_state"] == "draft" and body["version"] == 1
    assert body["methods"] == ["written", "online"] and body["domain"] == "industrial_product_quality"
    assert body["department"] == city_staff.department_id and body["catalog_item_code"] == city_catalog_item.code


def test_a_ratio_out_of_bounds_is_a_422_problem_naming_the_field_and_rule(
    api: Any, city_staff: Any, city_catalog_item: Any
) -> None:
    response = api.as_user(city_staff).post(ITEMS, item_payload(city_catalog_item, default_ratio_pct="30"),
                                            format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    error = response.json()["errors"][0]
    assert error["field"] == "default_ratio_pct" and "3%–20%" in error["message"]


def test_an_unknown_method_is_a_422_naming_the_field(api: Any, city_staff: Any, city_catalog_item: Any) -> None:
    response = api.as_user(city_staff).post(ITEMS, item_payload(city_catalog_item, methods=["flying"]), format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("methods")


def test_publish_and_withdraw_actions_follow_the_workflow(api: Any, city_legal: Any, draft_item: Any) -> None:
    client = api.as_user(city_legal)
    assert client.post(f"{ITEMS}{draft_item.pk}/withdraw/").status_code == 409
    published = client.post(f"{ITEMS}{draft_item.pk}/publish/")
    assert published.status_code == 200 and published.json()["publication_state"] == "published"
    assert client.post(f"{ITEMS}{draft_item.pk}/publish/").json()["code"].startswith("illegal_transition")
    withdrawn = client.post(f"{ITEMS}{draft_item.pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["publication_state"] == "withdrawn"


def test_the_anonymous_public_reads_only_the_published_list(
    api: Any, draft_item: Any, published_item: Any, other_draft_item: Any
) -> None:
    response = api.get(ITEMS)
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [published_item.code]
    assert api.get(f"{ITEMS}{draft_item.pk}/").status_code == 404
    assert api.post(ITEMS, {}, format="json").status_code in (401, 403)


def test_list_filters_by_kind_state_and_text(api: Any, city_staff: Any, draft_item: Any, published_item: Any) -> None:
    client = api.as_user(city_staff)
    by_state = client.get(ITEMS, {"publication_state": "published"}).json()["results"]
    assert [r["code"] for r in by_state] == [published_item.code]
    by_text = client.get(ITEMS, {"q": draft_item.code}).json()["results"]
    assert [r["code"] for r in by_text] == [draft_item.code]
    assert client.get(ITEMS, {"kind": "key"}).json()["results"] == []
    assert len(client.get(ITEMS, {"is_active": "true"}).json()["results"]) == 2


def test_catalog_items_are_created_and_versioned_through_the_api(api: Any, city_staff: Any) -> None:
    client = api.as_user(city_staff)
    response = client.post(CATALOG, {"code": "430300-ML-API", "name": "对价格行为的监督检查", "domain": "pricing",
                                      "legal_basis": "《中华人民共和国价格法》第三十四条", "implementing_level": "city"},
                           format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    patched = client.patch(f"{CATALOG}{pk}/", {"measures": "现场检查"}, format="json")
    assert patched.status_code == 200 and patched.json()["version"] == 2
    missing = client.post(CATALOG, {"code": "X", "name": "无依据", "domain": "pricing", "implementing_level": "city"},
                          format="json")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "legal_basis"


def test_a_legal_officer_files_the_quarter_and_sees_the_filing(
    api: Any, city_legal: Any, published_item: Any, justice_reviewer: Any
) -> None:
    quarter = services.quarter_of(timezone.localdate())
    response = api.as_user(city_legal).post(FILINGS, {"quarter": quarter}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["item_count"] == 1 and len(response.json()["list_sha256"]) == 64
    assert api.as_user(city_legal).post(FILINGS, {"quarter": quarter}, format="json").status_code == 409
    listed = api.as_user(justice_reviewer).get(FILINGS).json()["results"]
    assert [f["quarter"] for f in listed] == [quarter]


def test_readers_cannot_file_and_outsiders_do_not_see_filings(
    api: Any, city_legal: Any, city_inspector: Any, outsider: Any, published_item: Any
) -> None:
    assert api.as_user(city_inspector).post(FILINGS, {"quarter": "2025Q4"}, format="json").status_code == 403
    services.item_list_file_quarter(city_legal.department, "2025Q4", by=city_legal)
    filing = ItemListFiling.objects.get()
    assert api.as_user(outsider).get(FILINGS).json()["results"] == []
    assert api.as_user(outsider).get(f"{FILINGS}{filing.pk}/").status_code == 404


def test_supervision_domains_are_public_reference_data(api: Any) -> None:
    response = api.get("/api/v1/supervision-domains/")
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    names = {r["name"]: r["is_special_key_area"] for r in rows}
    assert names["食品安全"] is True and names["广告"] is False and len(rows) >= 20


def test_the_openapi_schema_describes_the_catalog_endpoints(api: Any, platform_admin: Any) -> None:
    response = api.as_user(platform_admin).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/catalog-items/", "/api/v1/inspection-items/{id}/publish/", "/api/v1/item-list-filings/"):
        assert path in text
