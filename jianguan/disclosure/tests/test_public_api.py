"""The read-only public API: anonymous, masked, paged without counts, rate-limited (429 problem+json)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from jianguan.disclosure.tests.conftest import ENTITY_NAME, LEGAL_REP
from jianguan.entities.factories import EntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


def test_entity_search_by_name_needs_no_account(anon: APIClient, published: Any) -> None:
    body = anon.get("/api/v1/public/entities/", {"q": "示范超市"}).json()
    assert body["query_mode"] == "name" and body["count"] == 1
    assert body["results"][0]["uscc"] == published.entity.uscc and body["results"][0]["name"] == ENTITY_NAME


def test_entity_search_by_code_prefix(anon: APIClient, entity: Any) -> None:
    body = anon.get("/api/v1/public/entities/", {"q": entity.uscc[:10]}).json()
    assert body["query_mode"] == "prefix" and entity.uscc in [r["uscc"] for r in body["results"]]


def test_the_entity_detail_has_every_published_inspection_and_masks_the_legal_representative(
        anon: APIClient, published: Any) -> None:
    response = anon.get(f"/api/v1/public/entities/{published.entity.uscc}/")
    text = response.content.decode()
    body = response.json()
    assert body["legal_representative"] == "欧阳**" and LEGAL_REP not in text
    [inspection] = body["inspections"]
    assert inspection["authority"] == published.authority and inspection["inspection_type"] == "双随机抽查"
    assert [r["result_label"] for r in inspection["results"]] == ["未发现问题", "发现问题已责令改正"]
    assert "phone" not in text and "138000" not in text


def test_an_unknown_entity_is_a_problem_json_404(anon: APIClient) -> None:
    response = anon.get("/api/v1/public/entities/91430300MA4L000000/")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_published_results_are_listed_newest_first_without_a_count(anon: APIClient, published: Any) -> None:
    body = anon.get("/api/v1/public/results/", {"page_size": 1}).json()
    assert set(body) == {"next", "previous", "results"}
    assert body["results"][0]["uscc"] == published.entity.uscc and body["next"] is not None
    second = anon.get(body["next"]).json()
    assert second["next"] is None and second["previous"] is not None
    assert {body["results"][0]["result"], second["results"][0]["result"]} == {"未发现问题", "发现问题已责令改正"}
    assert anon.get("/api/v1/public/results/", {"uscc": "91430300MA4L000000"}).json()["results"] == []


def test_a_bad_date_filter_is_a_422_naming_the_field(anon: APIClient) -> None:
    response = anon.get("/api/v1/public/results/", {"since": "yesterday"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "since"


def test_published_draws_are_listed_with_their_links(anon: APIClient, task: Any, city_staff: Any) -> None:
    from jianguan.disclosure.tests.helpers import published_draw

    draw = published_draw(task, city_staff)
    body = anon.get("/api/v1/public/draws/").json()
    [row] = body["results"]
    assert (row["reference"], row["snapshot_hash"]) == (draw.reference, draw.snapshot_hash)
    assert row["bundle_url"] == f"/public/draws/{draw.pk}/verify.zip"
    assert anon.get(f"/api/v1/public/draws/{draw.pk}/").json()["record_hash"] == draw.record_hash


def test_the_public_api_ignores_credentials_and_refuses_writes(anon: APIClient, published: Any) -> None:
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert anon.get("/api/v1/public/entities/", {"q": "示范超市"}).status_code == 200
    assert anon.post("/api/v1/public/entities/", {}).status_code == 405


def test_the_public_api_is_rate_limited_with_a_problem_json_429(anon: APIClient, entity: Any, settings: Any) -> None:
    settings.JIANGUAN_PUBLIC_API_RATE = "3/min"
    codes = [anon.get("/api/v1/public/entities/", {"q": "超市"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = anon.get(f"/api/v1/public/entities/{entity.uscc}/")
    assert response.status_code == 429 and response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert (body["status"], body["title"], body["code"]) == (429, "请求过于频繁", "throttled")
    assert int(response["Retry-After"]) > 0


def test_the_rate_limit_is_per_address(entity: Any, settings: Any) -> None:
    settings.JIANGUAN_PUBLIC_API_RATE = "1/min"
    one, two = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    assert [one.get("/api/v1/public/draws/").status_code, one.get("/api/v1/public/draws/").status_code] == [200, 429]
    assert two.get("/api/v1/public/draws/").status_code == 200


def test_search_results_never_exceed_the_cap(anon: APIClient, settings: Any, monkeypatch: Any) -> None:
    from jianguan.disclosure import search

    monkeypatch.setattr(search, "MATCH_CAP", 3)
    for n in range(5):
        EntityFactory.create(name=f"湘潭市上限测试{n}号店")
    body = anon.get("/api/v1/public/entities/", {"q": "上限测试"}).json()
    assert (body["count"], body["capped"], len(body["results"])) == (3, True, 3)
