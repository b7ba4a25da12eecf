"""The inspection notice PDF: valid, Chinese text extractable, every font embedded; batch generation."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest

from jianguan.core.exceptions import NotPermitted, ValidationFailed
from jianguan.core.models import Job, JobStatus
from jianguan.inspections import notices, services
from jianguan.inspections.factories import VisitFactory
from jianguan.inspections.models import Notice

pypdf = pytest.importorskip("pypdf")
pytestmark = pytest.mark.django_db


def fonts_of(reader: Any) -> list[Any]:
    """Every font dictionary used by the pages (descendants of Type0 fonts included)."""
    out = []
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            out.append(font)
            for child in font.get("/DescendantFonts") or []:
                out.append(child.get_object())
    return out


def embedded(font: Any) -> bool:
    if font.get("/Subtype") == "/Type0":
        return True  # judged by its descendant
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def check_pdf(data: bytes, *expected: str) -> str:
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = fonts_of(reader)
    assert fonts, "the PDF uses no fonts"
    assert all(embedded(f) for f in fonts), [f.get("/BaseFont") for f in fonts if not embedded(f)]
    assert any("/FontFile2" in f["/FontDescriptor"].get_object() for f in fonts if "/FontDescriptor" in f)
    text = "".join(page.extract_text() for page in reader.pages)
    compact = text.replace(" ", "").replace("\n", "")
    for phrase in expected:
        assert phrase.replace(" ", "") in compact, phrase
    return text


@pytest.fixture
def scheduled(visit: Any, city_staff: Any, today: dt.date) -> Any:
    return services.visit_schedule(visit, by=city_staff, scheduled_on=today, start_time=dt.time(9, 30))


def test_the_notice_lists_items_team_and_code_with_its_font_embedded(
    scheduled: Any, items: list[Any], inspector_a: Any, city_staff: Any
) -> None:
    notice = services.notice_generate(scheduled, by=city_staff, base_url="https://jg.example.gov.cn")
    with notice.file.open("rb") as fh:
        data = fh.read()
    assert notice.sha256 == hashlib.sha256(data).hexdigest() and notice.size_bytes == len(data)
    check_pdf(
        data, "行政检查告知书", scheduled.entity.name, items[0].name, items[1].name, "《企业信息公示暂行条例》第十四条",
        inspector_a.name, inspector_a.certificate_no, notices.format_code(scheduled.verification_code),
        f"https://jg.example.gov.cn/public/verify/{scheduled.verification_code}/",
    )


def test_regenerating_a_notice_adds_a_version(scheduled: Any, city_staff: Any) -> None:
    services.notice_generate(scheduled, by=city_staff)
    second = services.notice_generate(scheduled, by=city_staff)
    assert second.version == 2 and Notice.objects.filter(visit=scheduled).count() == 2


def test_the_bundled_subset_font_renders_the_notice_too(scheduled: Any) -> None:
    font = notices.register_font(notices.BUNDLED_FONT)
    data = notices.render_notice(services.notice_data(scheduled), font=font)
    check_pdf(data, scheduled.entity.name, "行政检查告知书", f"/public/verify/{scheduled.verification_code}/")


def test_the_bundled_font_is_small_and_covers_gb2312() -> None:
    font = notices.register_font(notices.BUNDLED_FONT)
    assert notices.BUNDLED_FONT.stat().st_size < 3 * 1024 * 1024
    cmap = font.face.charToGlyph
    sample = "湘潭市市场监督管理局行政检查告知书餐饮服务食品安全（）、；：“”《》〔〕０１ＡＢ"
    assert all(ord(ch) in cmap for ch in sample)


def test_a_character_missing_from_the_font_prints_a_box_instead_of_failing(scheduled: Any) -> None:
    scheduled.entity.name = "湘潭𠀀字号餐饮店"  # U+20000 lies outside GB 2312
    font = notices.register_font(notices.BUNDLED_FONT)
    data = notices.render_notice(services.notice_data(scheduled), font=font)
    check_pdf(data, "湘潭□字号餐饮店")


def test_without_a_host_the_qr_code_address_is_the_relative_path(scheduled: Any) -> None:
    data = services.notice_data(scheduled)
    assert data.verify_url == f"/public/verify/{scheduled.verification_code}/"


def test_a_notice_needs_a_scheduled_date(task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any) -> None:
    unscheduled: Any = VisitFactory.create(task=task, team=[inspector_a, inspector_b])
    with pytest.raises(ValidationFailed):
        services.notice_generate(unscheduled, by=city_staff)


def test_staff_of_another_department_may_not_generate_the_notice(scheduled: Any, peer_staff: Any) -> None:
    with pytest.raises(NotPermitted):
        services.notice_generate(scheduled, by=peer_staff)


def test_the_notices_of_a_task_are_generated_as_a_job_with_progress(
    scheduled: Any, task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    VisitFactory.create(task=task, team=[inspector_a, inspector_b])  # not scheduled: left out
    with django_capture_on_commit_callbacks(execute=True):
        job = services.notices_generate_for_task(task, by=city_staff)
    job = Job.objects.get(pk=job.pk)
    assert job.result is not None
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["generated"] == 1 and job.progress_done == 1
    assert Notice.objects.filter(visit=scheduled).count() == 1
