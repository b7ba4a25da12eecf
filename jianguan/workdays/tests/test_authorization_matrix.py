"""Every calendar endpoint × every persona. The calendar is one national table: every signed-in user
reads it whatever their region (the Guangdong outsider included, so there is no "out of scope" row to
hide), and only platform admins write. Expected statuses are written out, not derived from roles.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.core.models import AuditEvent
from jianguan.workdays.factories import CalendarYearFactory

pytestmark = pytest.mark.django_db

SPARE_YEAR = 2099  # a year with one holiday, not yet complete, so that mark-complete can succeed

ENDPOINTS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "list": ("get", "/api/v1/calendar/days/?year=2026&month=10", None),
    "retrieve": ("get", "/api/v1/calendar/days/2026-10-01/", None),
    "patch": ("patch", "/api/v1/calendar/days/2026-10-08/", {"note": "核对"}),
    "put": ("put", "/api/v1/calendar/days/2026-10-08/", {"note": "核对"}),
    "delete": ("delete", "/api/v1/calendar/days/2026-10-08/", None),
    "after": ("get", "/api/v1/calendar/working-days-after/?day=2026-03-13&n=1", None),
    "between": ("get", "/api/v1/calendar/working-days-between/?start=2026-03-13&end=2026-03-16", None),
    "years": ("get", "/api/v1/calendar/years/", None),
    "year": ("get", "/api/v1/calendar/years/2026/", None),
    "create_year": ("post", "/api/v1/calendar/years/", {"year": 2098}),
    "complete": ("post", f"/api/v1/calendar/years/{SPARE_YEAR}/mark-complete/", None),
}

# Columns follow ENDPOINTS. put/delete: days are edited with PATCH and never deleted.
MATRIX = """
persona           list retrieve patch put delete after between years year create_year complete
platform_admin    200  200      200   405 405    200   200     200   200  201         200
city_admin        200  200      403   405 405    200   200     200   200  403         403
city_staff        200  200      403   405 405    200   200     200   200  403         403
city_legal        200  200      403   405 405    200   200     200   200  403         403
city_inspector    200  200      403   405 405    200   200     200   200  403         403
county_staff      200  200      403   405 405    200   200     200   200  403         403
peer_staff        200  200      403   405 405    200   200     200   200  403         403
justice_reviewer  200  200      403   405 405    200   200     200   200  403         403
oversight         200  200      403   405 405    200   200     200   200  403         403
outsider          200  200      403   405 405    200   200     200   200  403         403
anonymous         401  401      401   401 401    401   401     401   401  401         401
"""


def _cases() -> list[tuple[str, str, int]]:
    header, *rows = [line.split() for line in MATRIX.strip().splitlines()]
    return [(row[0], endpoint, int(code)) for row in rows for endpoint, code in zip(header[1:], row[1:], strict=True)]


@pytest.mark.parametrize(("persona", "endpoint", "expected"), _cases())
def test_authorization_matrix(api: Any, request: pytest.FixtureRequest, persona: str, endpoint: str,
                              expected: int) -> None:
    CalendarYearFactory(year=SPARE_YEAR, is_complete=False, days__holidays={dt.date(SPARE_YEAR, 1, 1): "元旦"})
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = api.as_user(user) if user is not None else api
    method, url, body = ENDPOINTS[endpoint]
    response = getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)
    assert response.status_code == expected, response.content
    if expected == 403:
        assert user is not None
        assert AuditEvent.objects.filter(action="permission.denied", actor_id=user.pk).exists()
