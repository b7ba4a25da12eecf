"""Inspection records: what a valid entry needs, and every bad input refused with nothing saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.core.exceptions import IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.entities.factories import EntityFactory
from jianguan.inspections import services
from jianguan.inspections.choices import EvidenceKind, RecordStatus, VisitStatus
from jianguan.inspections.factories import published_draw_rows
from jianguan.inspections.models import Evidence, InspectionRecord
from jianguan.inspections.rules import MB
from jianguan.inspections.tests.helpers import (
    JPEG,
    MP4,
    PDF,
    PNG,
    deliver,
    newest_day_past_grace,
    oldest_day_still_in_grace,
    record_data,
    upload,
    working_days_before,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def notified(visit: Any, city_staff: Any) -> Any:
    deliver(visit, city_staff)
    visit.refresh_from_db()
    return visit


def test_inspector_of_the_team_enters_a_result_and_the_visit_starts(
    notified: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any, today: dt.date
) -> None:
    record = services.record_save(notified, by=city_inspector,
                                  data=record_data(items[0], [inspector_a, inspector_b], inspected_on=today))
    assert record.result_id == "no_problem"
    assert set(record.inspectors.all()) == {inspector_a, inspector_b}
    assert record.is_late_entry is False
    notified.refresh_from_db()
    assert notified.status == VisitStatus.IN_PROGRESS
    assert AuditEvent.objects.filter(action="inspection_record.created", target_id=str(record.pk)).exists()


def test_older_wording_is_stored_as_its_canonical_category(
    notified: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any, today: dt.date
) -> None:
    record = services.record_save(notified, by=city_inspector, data=record_data(
        items[0], [inspector_a, inspector_b], result="经责令已改正", inspected_on=today))
    assert record.result_id == "rectified"
    assert record.result.label == "发现问题已责令改正"


def test_staff_of_the_department_may_enter_for_the_team(
    notified: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date
) -> None:
    record = services.record_save(notified, by=city_staff,
                                  data=record_data(items[0], [inspector_a, inspector_b], inspected_on=today))
    assert record.entered_by == city_staff


def _refused(visit: Any, by: Any, data: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.record_save(visit, by=by, data=data)
    assert (field, code) in {(e.field, e.code) for e in exc.value.errors}, exc.value.errors
    assert not InspectionRecord.objects.filter(visit=visit).exists()


def test_a_result_for_an_entity_that_is_not_in_the_draw_is_refused(
    task: Any, entity: Any, city_dept: Any, items: list[Any], inspector_a: Any, inspector_b: Any,
    city_inspector: Any, city_staff: Any, today: dt.date,
) -> None:
    draw = published_draw_rows(task, [(entity, [inspector_a, inspector_b])])
    visit = services.visits_create_from_draw(draw, by=city_staff)[0]
    visit = services.visit_schedule(visit, by=city_staff, scheduled_on=today)
    deliver(visit, city_staff)
    stranger = EntityFactory.create(name="未被抽中的商贸有限公司", department=city_dept)
    data = record_data(items[0], [inspector_a, inspector_b], inspected_on=today, entity=stranger)
    _refused(visit, city_inspector, data, "entity", "entity_not_drawn")


def test_an_item_not_in_the_visit_is_refused(
    notified: Any, env_item: Any, inspector_a: Any, inspector_b: Any, city_inspector: Any, today: dt.date
) -> None:
    _refused(notified, city_inspector, record_data(env_item, [inspector_a, inspector_b], inspected_on=today),
             "item", "item_not_in_visit")


def test_an_inspector_who_is_not_in_the_team_is_refused(
    notified: Any, items: list[Any], inspector_a: Any, inspector_c: Any, city_inspector: Any, today: dt.date
) -> None:
    _refused(notified, city_inspector, record_data(items[0], [inspector_a, inspector_c], inspected_on=today),
             "inspectors", "inspector_not_in_team")


def test_fewer_than_two_inspectors_are_refused(
    notified: Any, items: list[Any], inspector_a: Any, city_inspector: Any, today: dt.date
) -> None:
    _refused(notified, city_inspector, record_data(items[0], [inspector_a], inspected_on=today),
             "inspectors", "too_few_inspectors")


def test_an_unknown_result_wording_is_refused(
    notified: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any, today: dt.date
) -> None:
    _refused(notified, city_inspector, record_data(items[0], [inspector_a, inspector_b], result="基本合格",
                                                   inspected_on=today), "result", "result_unknown")


def test_an_inspection_day_in_the_future_is_refused(
    notified: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any, today: dt.date
) -> None:
    _refused(notified, city_inspector, record_data(items[0], [inspector_a, inspector_b],
                                                   inspected_on=today + dt.timedelta(days=1)),
             "inspected_on", "in_future")


def test_an_inspector_outside_the_team_may_not_enter(
    notified: Any, items: list[Any], inspector_a: Any, inspector_b: Any, other_inspector_user: Any, today: dt.date
) -> None:
    with pytest.raises(NotPermitted):
        services.record_save(notified, by=other_inspector_user,
                             data=record_data(items[0], [inspector_a, inspector_b], inspected_on=today))
    assert not InspectionRecord.objects.exists()
    assert AuditEvent.objects.filter(action="permission.denied", actor_username="other_inspector").exists()


@pytest.mark.parametrize("persona", ["peer_staff", "justice_reviewer", "oversight", "city_legal", "outsider"])
def test_roles_without_entry_rights_may_not_enter(
    request: Any, persona: str, notified: Any, items: list[Any], inspector_a: Any, inspector_b: Any, today: dt.date
) -> None:
    user = request.getfixturevalue(persona)
    with pytest.raises(NotPermitted):
        services.record_save(notified, by=user, data=record_data(items[0], [inspector_a, inspector_b],
                                                                 inspected_on=today))
    assert not InspectionRecord.objects.exists()


# ---------------------------------------------------------------- late entry [003]


def test_an_entry_after_the_inspection_day_needs_a_reason(
    task: Any, entity: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any,
    city_staff: Any, today: dt.date,
) -> None:
    from jianguan.inspections.factories import VisitFactory

    day = working_days_before(today, 3)
    visit: Any = VisitFactory.create(task=task, entity=entity, team=[inspector_a, inspector_b], scheduled_on=day)
    deliver(visit, city_staff)
    _refused(visit, city_inspector, record_data(items[0], [inspector_a, inspector_b], inspected_on=day),
             "late_reason", "late_reason_required")
    record = services.record_save(visit, by=city_inspector, data=record_data(
        items[0], [inspector_a, inspector_b], inspected_on=day, late_reason="检查当日系统故障"))
    assert record.is_late_entry is True
    assert record.late_reason == "检查当日系统故障"


def test_an_entry_after_seven_working_days_is_refused(
    task: Any, entity: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any,
    city_staff: Any, today: dt.date,
) -> None:
    from jianguan.inspections.factories import VisitFactory

    day = newest_day_past_grace(today, 7)
    visit: Any = VisitFactory.create(task=task, entity=entity, team=[inspector_a, inspector_b], scheduled_on=day)
    deliver(visit, city_staff)
    _refused(visit, city_inspector, record_data(items[0], [inspector_a, inspector_b], inspected_on=day,
                                                late_reason="补录"), "inspected_on", "entry_deadline_passed")


def test_an_entry_within_seven_working_days_is_still_accepted(
    task: Any, entity: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any,
    city_staff: Any, today: dt.date,
) -> None:
    from jianguan.inspections.factories import VisitFactory

    day = oldest_day_still_in_grace(today, 7)
    visit: Any = VisitFactory.create(task=task, entity=entity, team=[inspector_a, inspector_b], scheduled_on=day)
    deliver(visit, city_staff)
    record = services.record_save(visit, by=city_inspector, data=record_data(
        items[0], [inspector_a, inspector_b], inspected_on=day, late_reason="外出检查，返回后补录"))
    assert record.is_late_entry


# ---------------------------------------------------------------- evidence


@pytest.fixture
def record(notified: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any,
           today: dt.date) -> Any:
    return services.record_save(notified, by=city_inspector,
                                data=record_data(items[0], [inspector_a, inspector_b], inspected_on=today))


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("现场照片.jpg", JPEG, EvidenceKind.PHOTO), ("台账.png", PNG, EvidenceKind.PHOTO),
    ("执法记录仪.mp4", MP4, EvidenceKind.VIDEO), ("检查表.pdf", PDF, EvidenceKind.DOCUMENT),
])
def test_evidence_is_kept_with_its_sha256(record: Any, city_inspector: Any, name: str, content: bytes,
                                          kind: str) -> None:
    import hashlib

    evidence = services.evidence_add(record, by=city_inspector, upload=upload(name, content))
    assert evidence.kind == kind
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.size_bytes == len(content)
    with evidence.file.open("rb") as fh:
        assert fh.read() == content


@pytest.mark.parametrize(("name", "content", "size", "code"), [
    ("照片.jpg", JPEG, 10 * MB + 1, "file_too_large"),
    ("检查表.pdf", PDF, 20 * MB + 1, "file_too_large"),
    ("宏病毒.docm", PDF, None, "file_type"),
    ("程序.exe", b"MZ\x90\x00", None, "file_type"),
    ("伪装成照片.jpg", b"MZ\x90\x00" + b"\x00" * 32, None, "file_content_mismatch"),
    ("其实是图片.pdf", PNG, None, "file_content_mismatch"),
    ("空文件.png", b"", None, "file_empty"),
])
def test_bad_evidence_is_refused_and_nothing_is_stored(
    record: Any, city_inspector: Any, name: str, content: bytes, size: int | None, code: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.evidence_add(record, by=city_inspector, upload=upload(name, content, size))
    assert exc.value.errors[0].field == "file"
    assert exc.value.errors[0].code == code
    assert name in exc.value.message
    assert not Evidence.objects.exists()


def test_video_may_be_larger_than_a_photo(record: Any, city_inspector: Any) -> None:
    evidence = services.evidence_add(record, by=city_inspector, upload=upload("记录仪.mp4", MP4, 10 * MB + 1))
    assert evidence.size_bytes == 10 * MB + 1


def test_evidence_by_an_inspector_outside_the_team_is_refused(record: Any, other_inspector_user: Any) -> None:
    with pytest.raises(NotPermitted):
        services.evidence_add(record, by=other_inspector_user, upload=upload("照片.jpg", JPEG))
    assert not Evidence.objects.exists()


def test_a_record_that_was_approved_is_locked(
    record: Any, notified: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any,
    city_admin: Any, today: dt.date,
) -> None:
    services.record_save(notified, by=city_inspector,
                         data=record_data(items[1], [inspector_a, inspector_b], inspected_on=today))
    services.visit_submit(notified, by=city_inspector)
    services.visit_review(notified, by=city_admin, approve=True)
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    with pytest.raises(IllegalTransition):
        services.record_save(notified, by=city_inspector, data=record_data(
            items[0], [inspector_a, inspector_b], result="发现问题待后续处理", inspected_on=today))
    with pytest.raises(IllegalTransition):
        services.evidence_add(record, by=city_inspector, upload=upload("照片.jpg", JPEG))
    record.refresh_from_db()
    assert record.result_id == "no_problem"
