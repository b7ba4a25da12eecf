"""HTML pages: lists, visit detail with htmx record entry, review, notices, task page, overdue list."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import reverse

from jianguan.inspections.choices import VisitStatus
from jianguan.inspections.factories import InspectionRecordFactory, VisitFactory
from jianguan.inspections.models import InspectionRecord, Visit
from jianguan.inspections.tests.helpers import deliver

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_visit_list_shows_the_department_visits(visit: Any, city_staff: Any, peer_staff: Any) -> None:
    page = client_for(city_staff).get(reverse("inspections:visit-list"))
    assert page.status_code == 200 and visit.entity.name in page.content.decode()
    assert visit.entity.name not in client_for(peer_staff).get(reverse("inspections:visit-list")).content.decode()


def test_my_visits_show_only_the_inspector_team_visits(visit: Any, task: Any, inspector_b: Any, inspector_c: Any,
                                                       city_inspector: Any, city_dept: Any) -> None:
    from jianguan.entities.factories import EntityFactory

    other = VisitFactory.create(task=task, entity=EntityFactory.create(name="别组检查的商店", department=city_dept),
                         team=[inspector_b, inspector_c])
    html = client_for(city_inspector).get(reverse("inspections:my-visits")).content.decode()
    assert visit.entity.name in html and other.entity.name not in html
    assert client_for(city_inspector).get(reverse("inspections:visit-detail", args=[other.pk])).status_code == 404


def test_the_visit_detail_offers_the_record_form_to_the_team(visit: Any, city_inspector: Any, items: list[Any],
                                                             city_staff: Any) -> None:
    deliver(visit, city_staff)
    html = client_for(city_inspector).get(reverse("inspections:visit-detail", args=[visit.pk])).content.decode()
    assert "检查事项与结果" in html and items[0].name in html and "保存检查结果" in html
    assert "王建军" in html and "湘43030000101" in html


def test_a_record_posted_with_htmx_returns_its_card_and_errors_beside_the_field(
    visit: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_inspector: Any, city_staff: Any,
    today: dt.date,
) -> None:
    deliver(visit, city_staff)
    url = reverse("inspections:record-save", args=[visit.pk, items[0].pk])
    prefix = f"item{items[0].pk}"
    client = client_for(city_inspector)
    bad = client.post(url, {f"{prefix}-result": "no_problem", f"{prefix}-inspected_on": today.isoformat(),
                            f"{prefix}-inspectors": [str(inspector_a.pk)]}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and "至少需要 2 人" in bad.content.decode()
    assert not InspectionRecord.objects.exists()
    ok = client.post(url, {f"{prefix}-result": "no_problem", f"{prefix}-findings": "证照齐全",
                           f"{prefix}-inspected_on": today.isoformat(),
                           f"{prefix}-inspectors": [str(inspector_a.pk), str(inspector_b.pk)]},
                     HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "未发现问题" in ok.content.decode()
    assert InspectionRecord.objects.get().findings == "证照齐全"


def test_the_division_head_reviews_on_the_page(visit: Any, items: list[Any], city_admin: Any) -> None:
    for item in items:
        InspectionRecordFactory.create(visit=visit, item=item)
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.RECORDED)
    client = client_for(city_admin)
    assert "提交审核结论" in client.get(reverse("inspections:visit-detail", args=[visit.pk])).content.decode()
    client.post(reverse("inspections:visit-review", args=[visit.pk]), {"decision": "approve", "comments": "同意"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REVIEWED


def test_notice_is_generated_and_downloaded(visit: Any, city_staff: Any) -> None:
    client = client_for(city_staff)
    client.post(reverse("inspections:notice-generate", args=[visit.pk]))
    response = client.get(reverse("inspections:notice-download", args=[visit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(cast(Any, response).streaming_content).startswith(b"%PDF-")


def test_the_task_page_shows_deadlines_and_law_education(task: Any, visit: Any, city_staff: Any) -> None:
    client = client_for(city_staff)
    html = client.get(reverse("inspections:task", args=[task.pk])).content.decode()
    assert "结果保存并公示截止" in html and "尚未登记" in html and visit.entity.name in html
    client.post(reverse("inspections:task", args=[task.pk]), {"action": "law-education",
                                                              "sent_on": task.window_start_on.isoformat(),
                                                              "method": "form"})
    assert task.law_educations.count() == 1


def test_the_overdue_list_names_late_visits(task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any,
                                            oversight: Any, today: dt.date) -> None:
    late = VisitFactory.create(task=task, team=[inspector_a, inspector_b], scheduled_on=today - dt.timedelta(days=30))
    for user in (city_staff, oversight):
        html = client_for(user).get(reverse("inspections:overdue")).content.decode()
        assert late.entity.name in html and "录入逾期" in html


def test_pages_of_other_departments_are_404(visit: Any, peer_staff: Any) -> None:
    assert client_for(peer_staff).get(reverse("inspections:visit-detail", args=[visit.pk])).status_code == 404


def test_a_joint_visit_is_readable_by_every_department_involved(joint_visit: Any, env_staff: Any) -> None:
    html = client_for(env_staff).get(reverse("inspections:visit-detail", args=[joint_visit.pk])).content.decode()
    assert "部门联合检查" in html and "排污许可执行情况检查" in html


def test_disposal_pages(visit: Any, city_staff: Any) -> None:
    record = InspectionRecordFactory.create(visit=visit, result_id="pending_follow_up")
    client = client_for(city_staff)
    client.post(reverse("inspections:disposal-create", args=[record.pk]), {"kind": "case_lead",
                                                                            "target_name": "湘潭市市场监管综合执法支队"})
    disposal = record.disposals.get()
    assert client.get(reverse("inspections:disposal-list")).status_code == 200
    client.post(reverse("inspections:disposal-action", args=[disposal.pk, "send"]))
    disposal.refresh_from_db()
    assert disposal.status == "awaiting_feedback"
    assert "移交案件线索" in client.get(reverse("inspections:disposal-detail", args=[disposal.pk])).content.decode()


def test_the_filtered_visit_list_exports_to_csv(visit: Any, city_staff: Any) -> None:
    response = client_for(city_staff).get(reverse("inspections:visit-list") + "?status=scheduled&export=csv")
    text = b"".join(cast(Any, response).streaming_content).decode("utf-8-sig")
    assert "核验码" in text and visit.verification_code in text and visit.entity.name in text
    empty = client_for(city_staff).get(reverse("inspections:visit-list") + "?status=reviewed&export=csv")
    assert visit.entity.name not in b"".join(cast(Any, empty).streaming_content).decode("utf-8-sig")
