"""The right of reply: an objection within the window (working days), reviewed, shown beside the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jianguan.core.exceptions import Conflict, IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.disclosure import public, services
from jianguan.disclosure.choices import ObjectionStatus
from jianguan.disclosure.models import ObjectionWindowRule, ResultCorrection

pytestmark = pytest.mark.django_db


def file(pub: Any, **kw: Any) -> Any:
    line = pub.results.order_by("position").last()
    data = {"uscc": pub.entity.uscc, "verification_code": pub.visit.verification_code, "result_id": line.pk,
            "statement": "现场检查时已当场整改完毕，不属于发现问题已责令改正的情形。", "contact_name": "张经理",
            "contact_phone": "0731-58888888"} | kw
    return services.objection_file(**data)


def test_the_window_counts_working_days_skipping_holidays_and_honouring_make_up_days() -> None:
    # Published Wed 30 Sep 2026: National Day holiday 1–7 Oct, Sat 10 Oct a make-up working day.
    # Counting Mon–Fri would give 21 Oct; the statutory calendar gives 27 Oct.
    assert services.objection_deadline(dt.date(2026, 9, 30), "430300") == dt.date(2026, 10, 27)


def test_the_window_is_configurable_per_jurisdiction() -> None:
    ObjectionWindowRule.objects.create(region_prefix="4303", working_days=10)
    assert services.objection_window_days("430302") == 10
    assert services.objection_window_days("440300") == 15
    assert services.objection_deadline(dt.date(2026, 9, 30), "430300") == dt.date(2026, 10, 20)


def test_an_objection_inside_the_window_is_received(published: Any) -> None:
    objection = file(published)
    assert objection.status == ObjectionStatus.PENDING and objection.reference.startswith("YY")
    assert objection.window_ends_on == published.objection_deadline_on
    event = AuditEvent.objects.get(action="objection.filed")
    assert event.actor_username == f"企业 {published.entity.uscc}" and "0731" not in str(event.after)


def test_an_objection_after_the_window_is_refused(published: Any) -> None:
    published.published_at = timezone.now() - dt.timedelta(days=60)
    published.save(update_fields=["published_at"])
    with pytest.raises(ValidationFailed) as err:
        file(published)
    assert err.value.code == "objection_window_closed"
    assert "15 个工作日" in err.value.message and "异议期限已过" in err.value.message
    assert not published.objections.exists()


def test_a_wrong_verification_code_reveals_nothing(published: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        file(published, verification_code="ZZZZZZZZ")
    assert err.value.errors[0].field == "verification_code"
    with pytest.raises(ValidationFailed):
        file(published, uscc="91430300MA4L000000")


def test_an_objection_needs_its_reasons_and_a_contact(published: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        file(published, statement="不服", contact_name="", contact_phone="abc")
    assert {e.field for e in err.value.errors} == {"statement", "contact_name", "contact_phone"}


def test_one_pending_objection_per_result(published: Any) -> None:
    first = file(published)
    with pytest.raises(Conflict) as err:
        file(published)
    assert first.reference in err.value.message


def test_accepting_corrects_the_result_through_a_recorded_correction(published: Any, city_admin: Any) -> None:
    objection = services.objection_review(file(published), by=city_admin, accept=True,
                                          reason="经复核录像，问题已当场改正，更正为未发现问题",
                                          new_result_code="no_problem")
    assert objection.status == ObjectionStatus.ACCEPTED
    line = objection.result
    line.refresh_from_db()
    assert (line.result_code, line.result_label, line.is_corrected) == ("no_problem", "未发现问题", True)
    correction = ResultCorrection.objects.get(objection=objection)
    assert (correction.old_label, correction.new_label) == ("发现问题已责令改正", "未发现问题")
    assert AuditEvent.objects.filter(action="objection.accepted").exists()


def test_accepting_needs_a_different_result(published: Any, city_admin: Any) -> None:
    objection = file(published)
    with pytest.raises(ValidationFailed) as err:
        services.objection_review(objection, by=city_admin, accept=True, reason="成立", new_result_code="rectified")
    assert err.value.errors[0].code == "unchanged"


def test_rejecting_needs_reasons_and_is_final(published: Any, city_admin: Any) -> None:
    objection = file(published)
    with pytest.raises(ValidationFailed):
        services.objection_review(objection, by=city_admin, accept=False, reason="  ")
    done = services.objection_review(objection, by=city_admin, accept=False, reason="现场记录显示问题确实存在")
    assert done.status == ObjectionStatus.REJECTED
    with pytest.raises(IllegalTransition):
        services.objection_review(done, by=city_admin, accept=True, reason="再议", new_result_code="no_problem")


def test_only_the_division_head_reviews(published: Any, city_staff: Any) -> None:
    with pytest.raises(NotPermitted):
        services.objection_review(file(published), by=city_staff, accept=False, reason="不成立")


def test_a_reviewed_objection_is_shown_beside_the_result_a_pending_one_is_not(published: Any,
                                                                            city_admin: Any) -> None:
    objection = file(published)
    [inspection] = public.entity_dossier(published.entity)
    assert all(not r.objections for r in inspection.results)
    services.objection_review(objection, by=city_admin, accept=False, reason="现场记录显示问题确实存在")
    [inspection] = public.entity_dossier(published.entity)
    shown = inspection.results[-1].objections
    assert [(o.statement[:6], o.review_reason) for o in shown] == [("现场检查时已", "现场记录显示问题确实存在")]
