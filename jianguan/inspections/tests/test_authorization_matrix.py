"""Every visits / records / disposals endpoint × every persona × in and out of scope, outcomes written out.

"city" objects belong to the Xiangtan city market regulation bureau (city_dept): a visit whose team is
王建军 (the city_inspector account) and 李秀英. "other" objects belong to the Guangdong bureau (the
outsider's department). ``other_inspector`` is an inspector account of the city bureau who is NOT in the
city visit's team: inspectors reach only their own team's visits. Upper levels read lower levels, never
the reverse; oversight roles read the whole city; nobody reads another province. Reviewing records is the
division head's act (department_admin of the visit's own department): a platform admin account, which
belongs to no department, cannot stand in for it (as with plan reviews).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.inspections.choices import VisitStatus
from jianguan.inspections.factories import InspectionRecordFactory, VisitFactory
from jianguan.inspections.models import Visit
from jianguan.inspections.tests.helpers import deliver
from jianguan.inspectors.factories import InspectorFactory
from jianguan.plans.factories import PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "city_admin", "city_staff", "city_legal", "city_inspector", "other_inspector",
            "county_staff", "peer_staff", "justice_reviewer", "oversight", "outsider", "anonymous"]

# persona: (visits listed [of city, other], retrieve city, retrieve other, schedule city, schedule other)
VISIT_EXPECTED = {
    "platform_admin":   (2, 200, 200, 200, 200),
    "city_admin":       (1, 200, 404, 200, 404),
    "city_staff":       (1, 200, 404, 200, 404),
    "city_legal":       (1, 200, 404, 403, 404),
    "city_inspector":   (1, 200, 404, 200, 404),
    "other_inspector":  (0, 404, 404, 404, 404),
    "county_staff":     (0, 404, 404, 404, 404),
    "peer_staff":       (0, 404, 404, 404, 404),
    "justice_reviewer": (1, 200, 404, 403, 404),
    "oversight":        (1, 200, 404, 403, 404),
    "outsider":         (1, 404, 200, 404, 200),
    "anonymous":        (401, 401, 401, 401, 401),
}

# persona: (create a record on the city visit, update the city record, retrieve it, review the city visit,
#           create a record on the other visit)
RECORD_EXPECTED = {
    "platform_admin":   (201, 200, 200, 403, 201),
    "city_admin":       (201, 200, 200, 200, 404),
    "city_staff":       (201, 200, 200, 403, 404),
    "city_legal":       (403, 403, 200, 403, 404),
    "city_inspector":   (201, 200, 200, 403, 404),
    "other_inspector":  (404, 404, 404, 404, 404),
    "county_staff":     (404, 404, 404, 404, 404),
    "peer_staff":       (404, 404, 404, 404, 404),
    "justice_reviewer": (403, 403, 200, 403, 404),
    "oversight":        (403, 403, 200, 403, 404),
    "outsider":         (404, 404, 404, 404, 201),
    "anonymous":        (401, 401, 401, 401, 401),
}

# persona: (disposals listed [of city, other], create a disposal on the city record, retrieve the city disposal)
DISPOSAL_EXPECTED = {
    "platform_admin":   (2, 201, 200),
    "city_admin":       (1, 201, 200),
    "city_staff":       (1, 201, 200),
    "city_legal":       (1, 403, 200),
    "city_inspector":   (1, 403, 200),
    "other_inspector":  (0, 404, 404),
    "county_staff":     (0, 404, 404),
    "peer_staff":       (0, 404, 404),
    "justice_reviewer": (1, 403, 200),
    "oversight":        (1, 403, 200),
    "outsider":         (1, 404, 404),
    "anonymous":        (401, 401, 401),
}


@pytest.fixture
def other_visit(other_province_dept: Any, today: dt.date) -> Visit:
    from jianguan.catalog.factories import InspectionItemFactory
    from jianguan.entities.factories import EntityFactory
    from jianguan.organizations.models import Region

    item = InspectionItemFactory.create(catalog_item__department=other_province_dept)
    plan = PlanFactory.create(department=other_province_dept, year=today.year, planned_start_on=today - dt.timedelta(days=60),
                       planned_end_on=today + dt.timedelta(days=60))
    task = TaskFactory.create(plan=plan, items=[item])
    team = [InspectorFactory.create(department=other_province_dept, certificate_no=f"粤4400000{n}") for n in (1, 2)]
    entity = EntityFactory.create(name="广州市某某贸易有限公司", department=other_province_dept,
                           region=Region.objects.get(code="440000"))
    return VisitFactory.create(task=task, entity=entity, team=team, scheduled_on=today)


@pytest.fixture
def other_inspector(other_inspector_user: Any) -> Any:
    return other_inspector_user


def _as(api: Any, request: Any, persona: str) -> Any:
    if persona == "anonymous":
        return api
    return api.as_user(request.getfixturevalue(persona))


def _count(response: Any) -> int:
    if response.status_code != 200:
        return response.status_code  # type: ignore[no-any-return]
    return len(response.json()["results"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_visit_endpoints(request: Any, api: Any, persona: str, visit: Any, other_visit: Any, other_inspector_user: Any,
                         today: dt.date) -> None:
    client = _as(api, request, persona)
    outcome = (
        _count(client.get("/api/v1/visits/")),
        client.get(f"/api/v1/visits/{visit.pk}/").status_code,
        client.get(f"/api/v1/visits/{other_visit.pk}/").status_code,
        client.post(f"/api/v1/visits/{visit.pk}/schedule/", {"scheduled_on": today.isoformat()}, format="json")
        .status_code,
        client.post(f"/api/v1/visits/{other_visit.pk}/schedule/", {"scheduled_on": today.isoformat()},
                    format="json").status_code,
    )
    assert outcome == VISIT_EXPECTED[persona]


def _record_payload(visit: Any, today: dt.date) -> dict[str, Any]:
    team = list(visit.team_members.values_list("inspector_id", flat=True))
    return {"visit": visit.pk, "item": visit.items.first().pk, "result": "no_problem", "findings": "证照齐全",
            "inspected_on": today.isoformat(), "inspectors": team[:2]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_record_endpoints(request: Any, api: Any, persona: str, visit: Any, items: list[Any], other_visit: Any,
                          other_inspector_user: Any, city_staff: Any, outsider: Any, today: dt.date) -> None:
    deliver(visit, city_staff)
    deliver(other_visit, outsider)
    client = _as(api, request, persona)
    created = client.post("/api/v1/inspection-records/", {**_record_payload(visit, today), "item": items[0].pk},
                          format="json").status_code
    record = InspectionRecordFactory.create(visit=visit, item=items[1])
    updated = client.patch(f"/api/v1/inspection-records/{record.pk}/", {"findings": "补充：台账完整"},
                           format="json").status_code
    retrieved = client.get(f"/api/v1/inspection-records/{record.pk}/").status_code
    if not visit.records.filter(item=items[0]).exists():
        InspectionRecordFactory.create(visit=visit, item=items[0])
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.RECORDED)
    reviewed = client.post("/api/v1/inspection-records/review/", {"visit": visit.pk, "approve": True},
                           format="json").status_code
    other = client.post("/api/v1/inspection-records/", _record_payload(other_visit, today), format="json").status_code
    assert (created, updated, retrieved, reviewed, other) == RECORD_EXPECTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_disposal_endpoints(request: Any, api: Any, persona: str, visit: Any, other_visit: Any,
                            other_inspector_user: Any) -> None:
    from jianguan.inspections.factories import DisposalFactory

    record = InspectionRecordFactory.create(visit=visit, result_id="pending_follow_up")
    existing = DisposalFactory.create(record=record)
    DisposalFactory.create(record=InspectionRecordFactory.create(visit=other_visit, result_id="pending_follow_up"))
    client = _as(api, request, persona)
    outcome = (
        _count(client.get("/api/v1/disposals/")),
        client.post("/api/v1/disposals/", {"record": record.pk, "kind": "none"}, format="json").status_code,
        client.get(f"/api/v1/disposals/{existing.pk}/").status_code,
    )
    assert outcome == DISPOSAL_EXPECTED[persona]
