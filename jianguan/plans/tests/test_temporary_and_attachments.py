"""Temporary inspections: at least 7 days ahead, with legal basis and upper-level documents [003];
attachments: pdf/doc/docx/jpg/png only, at most 20 MB, content matching the extension."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jianguan.core.exceptions import IllegalTransition, ValidationFailed
from jianguan.plans import services
from jianguan.plans.choices import PlanStatus
from jianguan.plans.models import Plan, PlanAttachment
from jianguan.plans.tests.helpers import Actors, plan_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% test document\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name: str = "省局通知.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def temporary(staff: Any, items: list[Any], start: dt.date, **kw: Any) -> Plan:
    data = plan_data(items, kind="temporary", title="临时性检查", year=start.year, planned_start_on=start,
                     planned_end_on=dt.date(start.year, 12, 31), legal_basis="《中华人民共和国产品质量法》第十五条")
    return services.plan_create(by=staff, data=data | kw)


def test_temporary_plan_submitted_seven_days_ahead_is_accepted(city_staff: Any, lead_items: list[Any]) -> None:
    start = timezone.localdate() + dt.timedelta(days=7)
    plan = temporary(city_staff, lead_items[:1], start, planned_end_on=start)
    services.plan_attachment_add(plan, by=city_staff, upload=pdf())
    assert services.plan_submit(plan, by=city_staff).status == PlanStatus.SUBMITTED


def test_temporary_plan_less_than_seven_days_ahead_is_refused_naming_the_start_date(
    city_staff: Any, lead_items: list[Any],
) -> None:
    start = timezone.localdate() + dt.timedelta(days=6)
    plan = temporary(city_staff, lead_items[:1], start, planned_end_on=start)
    services.plan_attachment_add(plan, by=city_staff, upload=pdf())
    with pytest.raises(ValidationFailed) as exc:
        services.plan_submit(plan, by=city_staff)
    error = exc.value.errors[0]
    assert error.field == "planned_start_on" and error.code == "temporary_notice_too_short"
    assert "7 天" in error.message and start.isoformat() in error.message
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_temporary_plan_needs_its_legal_basis(city_staff: Any, lead_items: list[Any]) -> None:
    start = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(ValidationFailed) as exc:
        temporary(city_staff, lead_items[:1], start, legal_basis="")
    assert exc.value.errors[0].field == "legal_basis"


def test_temporary_plan_needs_an_upper_level_document_before_submission(city_staff: Any,
                                                                       lead_items: list[Any]) -> None:
    plan = temporary(city_staff, lead_items[:1], timezone.localdate() + dt.timedelta(days=30))
    with pytest.raises(ValidationFailed) as exc:
        services.plan_submit(plan, by=city_staff)
    assert [e.field for e in exc.value.errors] == ["attachments"]


def test_attachment_is_stored_with_its_hash_and_size(draft_plan: Plan, city_staff: Any) -> None:
    attachment = services.plan_attachment_add(draft_plan, by=city_staff, upload=pdf())
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (attachment.size_bytes, attachment.original_name, attachment.uploaded_by) == (len(PDF), "省局通知.pdf",
                                                                                          city_staff)
    stored = str(attachment.file.name)
    assert default_storage.exists(stored)
    with default_storage.open(stored, "rb") as fh:
        assert fh.read() == PDF


@pytest.mark.parametrize(("name", "content", "code"), [
    ("通知.exe", b"MZ\x90\x00", "file_type"),
    ("通知.txt", b"hello", "file_type"),
    ("通知.pdf", PNG, "file_content_mismatch"),
    ("照片.png", PDF, "file_content_mismatch"),
    ("空文件.pdf", b"", "file_empty"),
])
def test_attachment_of_a_wrong_kind_is_refused(name: str, content: bytes, code: str, draft_plan: Plan,
                                               city_staff: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.plan_attachment_add(draft_plan, by=city_staff, upload=SimpleUploadedFile(name, content))
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == ("file", code)
    assert not PlanAttachment.objects.exists()


def test_attachment_over_20_mb_is_refused_and_exactly_20_mb_accepted(draft_plan: Plan, city_staff: Any) -> None:
    limit = 20 * 1024 * 1024
    with pytest.raises(ValidationFailed) as exc:
        services.plan_attachment_add(draft_plan, by=city_staff, upload=pdf(content=PDF + b"0" * (limit - len(PDF) + 1)))
    assert exc.value.errors[0].code == "file_too_large" and "20 MB" in exc.value.errors[0].message
    ok = services.plan_attachment_add(draft_plan, by=city_staff, upload=pdf(content=PDF + b"0" * (limit - len(PDF))))
    assert ok.size_bytes == limit


def test_attachments_only_change_on_drafts(draft_plan: Plan, who: Actors) -> None:
    attachment = services.plan_attachment_add(draft_plan, by=who.staff, upload=pdf())
    services.plan_submit(draft_plan, by=who.staff)
    with pytest.raises(IllegalTransition):
        services.plan_attachment_add(draft_plan, by=who.staff, upload=pdf())
    with pytest.raises(IllegalTransition):
        services.plan_attachment_remove(attachment, by=who.staff)


def test_removed_attachment_no_longer_counts(city_staff: Any, lead_items: list[Any]) -> None:
    plan = temporary(city_staff, lead_items[:1], timezone.localdate() + dt.timedelta(days=30))
    attachment = services.plan_attachment_add(plan, by=city_staff, upload=pdf())
    services.plan_attachment_remove(attachment, by=city_staff)
    with pytest.raises(ValidationFailed) as exc:
        services.plan_submit(plan, by=city_staff)
    assert exc.value.errors[0].field == "attachments"
