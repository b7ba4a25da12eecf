from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_an_anonymous_api_call_gets_401_problem_json(api: Any) -> None:
    response = api.get("/api/v1/departments/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()


def test_an_unknown_object_is_a_404_problem(api: Any, city_staff: Any) -> None:
    response = api.as_user(city_staff).get("/api/v1/departments/999999/")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_every_response_carries_a_request_id(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and len(response["X-Request-ID"]) >= 8
