"""Follow-up disposal (后续处置): each kind tracked until closed, with history and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.core.exceptions import IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.inspections import selectors, services
from jianguan.inspections.choices import DisposalKind, DisposalStatus
from jianguan.inspections.factories import InspectionRecordFactory, VisitFactory
from jianguan.inspections.models import Disposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(visit: Any) -> Any:
    return InspectionRecordFactory.create(visit=visit, result_id="pending_follow_up", findings="未公示年度报告")


def test_none_needed_closes_at_once(record: Any, city_staff: Any) -> None:
    disposal = services.disposal_create(record, by=city_staff, data={"kind": DisposalKind.NONE})
    assert disposal.status == DisposalStatus.CLOSED and disposal.closed_at is not None


def test_an_order_to_rectify_closes_after_its_recheck(record: Any, visit: Any, city_staff: Any,
                                                      today: dt.date) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.disposal_create(record, by=city_staff, data={"kind": DisposalKind.RECTIFY})
    assert exc.value.errors[0].field == "due_on"
    disposal = services.disposal_create(record, by=city_staff, data={
        "kind": DisposalKind.RECTIFY, "due_on": today + dt.timedelta(days=15), "description": "限期公示年度报告"})
    with pytest.raises(ValidationFailed):
        services.disposal_close(disposal, by=city_staff)
    other_entity_visit = VisitFactory.create(task=visit.task)
    with pytest.raises(ValidationFailed):
        services.disposal_recheck(disposal, by=city_staff, data={"recheck_on": today,
                                                                 "recheck_visit": other_entity_visit})
    services.disposal_recheck(disposal, by=city_staff, data={"recheck_on": today, "recheck_findings": "已公示",
                                                             "recheck_visit": visit})
    closed = services.disposal_close(disposal, by=city_staff, note="整改完成")
    assert closed.status == DisposalStatus.CLOSED
    assert [e.kind for e in closed.events.all()] == ["created", "rechecked", "closed"]
    assert AuditEvent.objects.filter(target_type="inspections.disposal", target_id=str(closed.pk)).count() == 3


def test_a_referral_is_answered_by_the_receiving_department(record: Any, city_staff: Any, env_dept: Any,
                                                            env_staff: Any, peer_staff: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.disposal_create(record, by=city_staff, data={"kind": DisposalKind.REFER})
    disposal = services.disposal_create(record, by=city_staff, data={
        "kind": DisposalKind.REFER, "target_department": env_dept, "description": "涉嫌无证排污，双告知"})
    services.disposal_send(disposal, by=city_staff)
    assert disposal in selectors.disposal_list(user=env_staff, filters={"received": True})
    with pytest.raises(NotPermitted):
        services.disposal_feedback(disposal, by=peer_staff, feedback="已查处")
    with pytest.raises(NotPermitted):
        services.disposal_feedback(disposal, by=city_staff, feedback="自己反馈")
    answered = services.disposal_feedback(disposal, by=env_staff, feedback="已立案调查")
    assert answered.status == DisposalStatus.FEEDBACK_RECEIVED and answered.feedback_by == env_staff
    assert services.disposal_close(answered, by=city_staff).status == DisposalStatus.CLOSED


@pytest.mark.parametrize("kind", [DisposalKind.CASE_LEAD, DisposalKind.CRIMINAL])
def test_case_leads_and_criminal_referrals_name_their_receiver(record: Any, city_staff: Any, kind: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.disposal_create(record, by=city_staff, data={"kind": kind})
    assert exc.value.errors[0].field == "target_name"
    disposal = services.disposal_create(record, by=city_staff, data={"kind": kind, "target_name": "湘潭市公安局雨湖分局"})
    sent = services.disposal_send(disposal, by=city_staff)
    assert sent.status == DisposalStatus.AWAITING_FEEDBACK and sent.sent_at is not None


def test_a_closed_disposal_may_be_reopened_with_a_reason(record: Any, city_staff: Any) -> None:
    disposal = services.disposal_create(record, by=city_staff, data={"kind": DisposalKind.NONE})
    with pytest.raises(ValidationFailed):
        services.disposal_reopen(disposal, by=city_staff, reason="")
    assert services.disposal_reopen(disposal, by=city_staff, reason="复查发现问题").status == DisposalStatus.OPEN
    with pytest.raises(IllegalTransition):  # "none needed" is never sent anywhere
        services.disposal_send(Disposal.objects.get(pk=disposal.pk), by=city_staff)


@pytest.mark.parametrize("persona", ["city_inspector", "peer_staff", "justice_reviewer", "outsider"])
def test_only_staff_of_an_involved_department_register_disposals(request: Any, record: Any, persona: str) -> None:
    with pytest.raises(NotPermitted):
        services.disposal_create(record, by=request.getfixturevalue(persona), data={"kind": DisposalKind.NONE})
    assert not Disposal.objects.exists()
