"""The batch paths on the task page, the results import page and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jianguan.inspections.choices import RecordStatus, VisitStatus
from jianguan.inspections.models import DeliveryReceipt, InspectionRecord, Visit
from jianguan.inspections.tests.helpers import deliver
from jianguan.inspections.tests.test_batch import make_visits, recorded_visits
from jianguan.inspections.tests.test_pages import client_for
from jianguan.workdays.calendar import is_working_day

pytestmark = pytest.mark.django_db


def csv_upload(task_visits: list[Visit], items: list[Any], day: dt.date, result: str = "未发现问题") -> Any:
    lines = ["检查编号,事项编码,检查结果,检查日期,检查情况"]
    for v in task_visits:
        for item in items:
            lines.append(f"{v.verification_code},{item.code},{result},{day.isoformat()},证照齐全")
    return SimpleUploadedFile("结果.csv", ("\ufeff" + "\r\n".join(lines) + "\r\n").encode())


def test_the_task_page_schedules_all_unscheduled_visits_over_working_days(
    task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 4)
    client = client_for(city_staff)
    url = reverse("inspections:task", args=[task.pk])
    html = client.get(url).content.decode()
    assert "批量排期" in html and "批量登记送达回证" in html and visits[0].verification_code in html
    end = today + dt.timedelta(days=10)
    response = client.post(url, {"action": "schedule-batch", "date_from": today.isoformat(),
                                 "date_to": end.isoformat(), "start_time": "10:00"})
    assert response.status_code == 302
    days = list(Visit.objects.filter(task=task).values_list("scheduled_on", flat=True))
    assert all(d is not None and is_working_day(d) and today <= d <= end for d in days)
    assert "已为 4 户检查排期" in client.get(url).content.decode()


def test_the_task_page_schedules_only_the_ticked_visits_and_shows_refusals(
    task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 3)
    client = client_for(city_staff)
    url = reverse("inspections:task", args=[task.pk])
    client.post(url, {"action": "schedule-batch", "date_from": today.isoformat(), "visits": [visits[0].pk]})
    assert Visit.objects.filter(scheduled_on__isnull=False).count() == 1
    late = (task.window_end_on + dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"action": "schedule-batch", "date_from": late}, follow=True)
    assert "不在抽查任务的检查时间" in response.content.decode()
    assert Visit.objects.filter(scheduled_on__isnull=False).count() == 1
    bad = client.post(url, {"action": "schedule-batch", "date_from": ""})
    assert bad.status_code == 422


def test_the_task_page_records_receipts_for_the_ticked_visits(
    task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 2, scheduled_on=today + dt.timedelta(days=4))
    client = client_for(city_staff)
    at = (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("inspections:task", args=[task.pk]), {
        "action": "receipts-batch", "method": "post", "delivered_at": at, "receiver_name": "企业负责人",
        "visits": [v.pk for v in visits]})
    assert DeliveryReceipt.objects.count() == 2
    assert set(Visit.objects.values_list("status", flat=True)) == {VisitStatus.NOTIFIED}


def test_the_division_head_approves_every_recorded_visit_from_the_task_page(
    task: Any, inspector_a: Any, inspector_b: Any, city_admin: Any, city_staff: Any,
) -> None:
    recorded_visits(task, [inspector_a, inspector_b], 3)
    url = reverse("inspections:task", args=[task.pk])
    assert "批量审核通过" not in client_for(city_staff).get(url).content.decode()
    client = client_for(city_admin)
    assert "批量审核通过" in client.get(url).content.decode()
    client.post(url, {"action": "review-batch", "comments": "同意"})
    assert set(Visit.objects.values_list("status", flat=True)) == {VisitStatus.REVIEWED}
    assert set(InspectionRecord.objects.values_list("status", flat=True)) == {RecordStatus.APPROVED}


def test_a_ticked_visit_out_of_scope_is_not_found(task: Any, inspector_a: Any, inspector_b: Any,
                                                  peer_staff: Any, city_staff: Any, today: dt.date) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 1)
    response = client_for(city_staff).post(reverse("inspections:task", args=[task.pk]), {
        "action": "schedule-batch", "date_from": today.isoformat(), "visits": [visits[0].pk + 1000]})
    assert response.status_code == 404


def test_the_results_import_page_downloads_the_template_and_lists_row_errors(
    task: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 2, scheduled_on=today)
    for v in visits:
        deliver(v, city_staff)
    client = client_for(city_staff)
    url = reverse("inspections:task-results-import", args=[task.pk])
    assert "下载 Excel 模板" in client.get(url).content.decode()
    template = client.get(reverse("inspections:task-results-template", args=[task.pk]))
    assert template.status_code == 200 and b"".join(cast(Any, template).streaming_content)[:2] == b"PK"
    bad = client.post(url, {"file": csv_upload(visits, items, today, result="大概没问题"), "submit": "on"})
    html = bad.content.decode()
    assert bad.status_code == 422 and "result_unknown" in html and "第 2 行" in html
    assert not InspectionRecord.objects.exists()
    ok = client.post(url, {"file": csv_upload(visits, items, today), "submit": "on"})
    assert ok.status_code == 200 and "导入成功" in ok.content.decode()
    assert set(Visit.objects.values_list("status", flat=True)) == {VisitStatus.RECORDED}


def test_the_api_runs_a_task_through_the_batch_endpoints(
    api: Any, task: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any, city_admin: Any,
    peer_staff: Any, today: dt.date,
) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 3)
    ids = [v.pk for v in visits]
    refused = api.as_user(peer_staff).post("/api/v1/visits/schedule-batch/", {
        "visits": ids, "date_from": today.isoformat()}, format="json")
    assert refused.status_code == 404
    staff = api.as_user(city_staff)
    scheduled = staff.post("/api/v1/visits/schedule-batch/", {
        "assignments": [{"visit": pk, "scheduled_on": today.isoformat()} for pk in ids], "start_time": "15:00"},
        format="json")
    assert scheduled.status_code == 200, scheduled.json()
    assert [v["route_order"] for v in scheduled.json()] == [1, 2, 3]
    start = dt.datetime.combine(today, dt.time(15, 0)) - dt.timedelta(hours=50)
    receipts = staff.post("/api/v1/visits/receipts-batch/", {
        "visits": ids, "method": "on_site", "delivered_at": start.isoformat() + "+08:00", "receiver_name": "刘洋"},
        format="json")
    assert receipts.status_code == 201 and len(receipts.json()) == 3
    template = staff.get(f"/api/v1/visits/results-template/?task={task.pk}")
    assert template.status_code == 200
    fresh = list(Visit.objects.filter(pk__in=ids).order_by("pk"))
    bad = staff.post(f"/api/v1/visits/results-import/?task={task.pk}",
                     {"file": csv_upload(fresh, items, today + dt.timedelta(days=1))}, format="multipart")
    assert bad.status_code == 422 and {e["row"] for e in bad.json()["errors"]} == set(range(2, 8))
    imported = staff.post(f"/api/v1/visits/results-import/?task={task.pk}",
                          {"file": csv_upload(fresh, items, today)}, format="multipart")
    assert imported.status_code == 200, imported.json()
    assert imported.json()["created"] == 6 and len(imported.json()["submitted"]) == 3
    review = api.as_user(city_admin).post("/api/v1/inspection-records/review-batch/", {
        "visits": ids, "approve": True}, format="json")
    assert review.status_code == 200 and len(review.json()) == 3, review.json()
    assert set(Visit.objects.values_list("status", flat=True)) == {VisitStatus.REVIEWED}


def test_the_api_batch_review_refuses_a_staff_member(api: Any, task: Any, inspector_a: Any, inspector_b: Any,
                                                     city_staff: Any) -> None:
    visits = recorded_visits(task, [inspector_a, inspector_b], 2)
    response = api.as_user(city_staff).post("/api/v1/inspection-records/review-batch/", {
        "visits": [v.pk for v in visits], "approve": True}, format="json")
    assert response.status_code == 403
