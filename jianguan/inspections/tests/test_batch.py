"""Batch paths of a task's visits: schedule, receipts, results import (spreadsheet), review.

Each is all-or-nothing with errors naming the visit (检查编号) or the row, refuses out-of-scope users, and
costs a constant number of queries per batch (20 visits and 40 visits compared).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jianguan.core.exceptions import Conflict, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.entities.factories import EntityFactory
from jianguan.inspections import services
from jianguan.inspections.choices import DeliveryMethod, DisposalKind, RecordStatus, VisitStatus
from jianguan.inspections.factories import InspectionRecordFactory, VisitFactory
from jianguan.inspections.models import DeliveryReceipt, Disposal, InspectionRecord, Visit, VisitReview
from jianguan.inspections.tests.helpers import deliver
from jianguan.workdays.calendar import is_working_day

pytestmark = pytest.mark.django_db


def make_visits(task: Any, team: list[Any], n: int, **kwargs: Any) -> list[Visit]:
    return [VisitFactory.create(task=task, entity=EntityFactory.create(department=task.department), team=team,
                                **kwargs) for _ in range(n)]


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def counted(ctx: CaptureQueriesContext) -> int:
    """Queries of a batch, without the working-day calendar's per-process cache loads (which another
    process's calendar edit, or the first use in a test, triggers whatever the batch size)."""
    return sum(1 for q in ctx.captured_queries if "workdays_calendar" not in q["sql"])


def flat(small: int, large: int, ceiling: int) -> bool:
    """Twice the visits, the same queries: only a bulk insert or update may be cut into one more chunk by
    the database's limit on parameters per statement (SQLite: 999 in some builds)."""
    return small <= ceiling and small <= large <= small + 3


def recent_working_day(today: dt.date) -> dt.date:
    day = today
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


# ---------------------------------------------------------------- schedule


def test_a_batch_schedule_appends_each_team_s_visits_after_its_existing_route(
    task: Any, inspector_a: Any, inspector_b: Any, inspector_c: Any, city_staff: Any, today: dt.date,
) -> None:
    day = today + dt.timedelta(days=3)
    existing = make_visits(task, [inspector_a, inspector_b], 1)[0]
    services.visit_schedule(existing, by=city_staff, scheduled_on=day)
    ours = make_visits(task, [inspector_a, inspector_b], 3)
    theirs = make_visits(task, [inspector_c, inspector_b], 1)
    done = services.visits_schedule_batch([(v, day) for v in [*ours, *theirs]], by=city_staff,
                                          start_time=dt.time(14, 0))
    assert [v.route_order for v in done] == [2, 3, 4, 1]
    fresh = Visit.objects.get(pk=ours[0].pk)
    assert fresh.scheduled_on == day and fresh.start_time == dt.time(14, 0) and fresh.route_order == 2
    assert events("visit.scheduled") == 1 + 4  # one event per visit


def test_one_visit_outside_the_window_schedules_nothing_and_names_the_visit(
    task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 3)
    late = task.window_end_on + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        services.visits_schedule_batch([(visits[0], today), (visits[1], late), (visits[2], today)], by=city_staff)
    assert exc.value.errors[0].code == "outside_task_window"
    assert visits[1].verification_code in exc.value.message
    assert not Visit.objects.filter(scheduled_on__isnull=False).exists()
    assert events("visit.scheduled") == 0


def test_a_started_visit_in_the_batch_is_a_conflict(visit: Any, task: Any, inspector_a: Any, inspector_b: Any,
                                                    city_staff: Any, today: dt.date) -> None:
    other = make_visits(task, [inspector_a, inspector_b], 1)[0]
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.IN_PROGRESS)
    with pytest.raises(Conflict) as exc:
        services.visits_schedule_batch([(other, today), (visit, today)], by=city_staff)
    assert exc.value.code == "visit_not_schedulable" and visit.verification_code in exc.value.errors[0].message
    assert Visit.objects.get(pk=other.pk).scheduled_on is None


def test_another_department_cannot_schedule_in_batch_and_the_refusal_is_audited(
    task: Any, inspector_a: Any, inspector_b: Any, peer_staff: Any, today: dt.date,
) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 2)
    with pytest.raises(NotPermitted) as exc:
        services.visits_schedule_batch([(v, today) for v in visits], by=peer_staff)
    assert visits[0].verification_code in exc.value.message
    assert events("permission.denied") == 2
    assert not Visit.objects.filter(scheduled_on__isnull=False).exists()


def test_spreading_over_working_days_uses_only_working_days_of_the_range(
    task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 6)
    end = today + dt.timedelta(days=13)
    pairs = services.spread_over_working_days(visits, today, end)
    assert all(is_working_day(d) and today <= d <= end for _, d in pairs)
    assert len({d for _, d in pairs}) > 1
    with pytest.raises(ValidationFailed):
        services.spread_over_working_days(visits, end, today)


def _schedule_queries(task: Any, team: list[Any], staff: Any, n: int, day: dt.date) -> int:
    visits = make_visits(task, team, n)
    with CaptureQueriesContext(connection) as ctx:
        services.visits_schedule_batch([(v, day) for v in visits], by=staff)
    return counted(ctx)


def test_the_batch_schedule_costs_the_same_queries_for_20_and_40_visits(
    task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    small = _schedule_queries(task, [inspector_a, inspector_b], city_staff, 20, today)
    large = _schedule_queries(task, [inspector_a, inspector_b], city_staff, 40, today + dt.timedelta(days=1))
    assert flat(small, large, 12), (small, large)


# ---------------------------------------------------------------- receipts


def test_receipts_are_recorded_for_every_visit_and_notify_them(
    task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    visits = make_visits(task, [inspector_a, inspector_b], 3, scheduled_on=today + dt.timedelta(days=5))
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    own = at - dt.timedelta(hours=2)
    receipts = services.receipts_record_batch(visits, by=city_staff, data={
        "method": DeliveryMethod.POST, "delivered_at": at, "receiver_name": "企业负责人"},
        overrides={visits[2].pk: {"delivered_at": own}})
    assert [r.pk is not None for r in receipts] == [True] * 3
    assert DeliveryReceipt.objects.get(visit=visits[2]).delivered_at == own
    assert set(Visit.objects.filter(pk__in=[v.pk for v in visits]).values_list("status", flat=True)) == {
        VisitStatus.NOTIFIED}
    assert events("visit.receipt_recorded") == 3


def test_receipts_batch_is_all_or_nothing(visit: Any, task: Any, inspector_a: Any, inspector_b: Any,
                                          city_staff: Any, peer_staff: Any) -> None:
    other = make_visits(task, [inspector_a, inspector_b], 1)[0]
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.CANCELLED)
    data = {"method": DeliveryMethod.ON_SITE, "delivered_at": dt.datetime.now(dt.UTC), "receiver_name": "刘洋"}
    with pytest.raises(Conflict) as exc:
        services.receipts_record_batch([other, visit], by=city_staff, data=data)
    assert visit.verification_code in exc.value.errors[0].message
    with pytest.raises(ValidationFailed) as bad:
        services.receipts_record_batch([other], by=city_staff, data={**data, "receiver_name": " "})
    assert bad.value.errors[0].field == "receiver_name" and other.verification_code in bad.value.errors[0].message
    with pytest.raises(NotPermitted):
        services.receipts_record_batch([other], by=peer_staff, data=data)
    assert not DeliveryReceipt.objects.exists()


def test_the_batch_receipts_cost_the_same_queries_for_20_and_40_visits(
    task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any,
) -> None:
    data = {"method": DeliveryMethod.ON_SITE, "delivered_at": dt.datetime.now(dt.UTC), "receiver_name": "刘洋"}
    counts = []
    for n in (20, 40):
        visits = make_visits(task, [inspector_a, inspector_b], n)
        with CaptureQueriesContext(connection) as ctx:
            services.receipts_record_batch(visits, by=city_staff, data=data)
        counts.append(counted(ctx))
    assert flat(counts[0], counts[1], 12), counts


# ---------------------------------------------------------------- results import


@pytest.fixture
def ready_visits(task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date) -> list[Visit]:
    """Three visits of the team scheduled today with their notices delivered in time."""
    visits = make_visits(task, [inspector_a, inspector_b], 3, scheduled_on=today)
    for v in visits:
        deliver(v, city_staff)
    return list(Visit.objects.filter(pk__in=[v.pk for v in visits]).select_related("entity").order_by("pk"))


def rows_for(visits: list[Visit], items: list[Any], today: dt.date, **extra: Any) -> list[dict[str, Any]]:
    out = []
    for v in visits:
        for item in items:
            out.append({"visit_code": v.verification_code, "uscc": v.entity.uscc, "item_code": item.code,
                        "result": "未发现问题", "inspected_on": today.isoformat(), "findings": "证照齐全", **extra})
    return out


def test_the_results_import_records_every_row_disposes_and_submits(
    task: Any, ready_visits: list[Visit], items: list[Any], city_staff: Any, inspector_a: Any, inspector_b: Any,
    today: dt.date,
) -> None:
    rows = rows_for(ready_visits, items, today)
    rows[0].update(result="经责令已改正", disposal_kind="责令整改", due_on=(today + dt.timedelta(days=15)).isoformat(),
                   disposal_description="限期改正", inspectors="湘43030000101；湘43030000102")
    outcome = services.results_import(task, rows, by=city_staff)
    assert (outcome.created, outcome.disposals, len(outcome.submitted)) == (6, 1, 3)
    first = InspectionRecord.objects.get(visit=ready_visits[0], item=items[0])
    assert first.result_id == "rectified" and set(first.inspectors.all()) == {inspector_a, inspector_b}
    assert set(Visit.objects.filter(task=task).values_list("status", flat=True)) == {VisitStatus.RECORDED}
    assert Visit.objects.get(pk=ready_visits[0].pk).completed_on == today
    disposal = Disposal.objects.get()
    assert disposal.kind == DisposalKind.RECTIFY and disposal.events.count() == 1
    assert events("inspection_record.created") == 6 and events("visit.submitted") == 3
    assert events("disposal.created") == 1
    # The same file again changes nothing (the visits are recorded; the records are unchanged).
    again = services.results_import(task, rows_for(ready_visits, items, today), by=city_staff)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 5)


def test_one_bad_row_writes_nothing_and_every_error_names_row_column_and_rule(
    task: Any, ready_visits: list[Visit], items: list[Any], city_staff: Any, inspector_c: Any, today: dt.date,
) -> None:
    rows = rows_for(ready_visits, items, today)
    for n, row in enumerate(rows, start=2):
        row["row"] = n
    rows[1]["result"] = "差不多"
    rows[3]["inspectors"] = "湘43030000103"  # 张伟 is not in the team
    rows[4]["visit_code"] = "ZZZZZZZZ"
    rows[5]["inspected_on"] = (today + dt.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as exc:
        services.results_import(task, rows, by=city_staff)
    found = {(e.row, e.field, e.code) for e in exc.value.errors}
    assert found == {(3, "检查结果", "result_unknown"), (5, "检查人员", "inspector_not_in_team"),
                     (6, "检查编号", "visit_not_in_task"), (7, "检查日期", "in_future")}
    assert not InspectionRecord.objects.exists() and not AuditEvent.objects.filter(
        action="inspection_record.created").exists()
    assert set(Visit.objects.filter(task=task).values_list("status", flat=True)) == {VisitStatus.NOTIFIED}


def test_the_import_applies_the_48_hour_rule_and_the_late_entry_rules(
    task: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    day = recent_working_day(today - dt.timedelta(days=1))
    undelivered = make_visits(task, [inspector_a, inspector_b], 1, scheduled_on=today)[0]
    late = make_visits(task, [inspector_a, inspector_b], 1, scheduled_on=day)[0]
    deliver(late, city_staff)
    rows = [*rows_for([undelivered], items[:1], today), *rows_for([late], items[:1], day)]
    with pytest.raises(ValidationFailed) as exc:
        services.results_import(task, rows, by=city_staff)
    codes = {(e.row, e.code) for e in exc.value.errors}
    assert codes == {(2, "notice_not_delivered_48h"), (3, "late_reason_required")}
    rows = rows_for([late], items, day, late_reason="外出检查，次日录入")
    outcome = services.results_import(task, rows, by=city_staff)
    assert outcome.submitted == [late.verification_code]
    assert InspectionRecord.objects.filter(visit=late, is_late_entry=True).count() == 2


def test_records_of_a_reviewed_or_other_task_visit_are_refused(
    visit: Any, task: Any, items: list[Any], city_staff: Any, peer_staff: Any, city_inspector: Any,
    other_inspector_user: Any, today: dt.date,
) -> None:
    deliver(visit, city_staff)
    rows = rows_for([visit], items, today)
    with pytest.raises(NotPermitted):
        services.results_import(task, rows, by=peer_staff)
    with pytest.raises(NotPermitted):  # an inspector outside the team
        services.results_import(task, rows, by=other_inspector_user)
    with pytest.raises(NotPermitted) as denied:  # inspectors enter results; disposals are the department's
        services.results_import(task, [{**rows[0], "disposal_kind": "责令整改", "due_on": today.isoformat()}],
                                by=city_inspector)
    assert "后续处置" in denied.value.message
    assert not InspectionRecord.objects.exists()
    outcome = services.results_import(task, rows, by=city_inspector, submit=False)  # the team's own inspector
    assert outcome.created == 2 and outcome.submitted == []
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.REVIEWED)
    with pytest.raises(Conflict) as exc:
        services.results_import(task, rows, by=city_staff)
    assert exc.value.errors[0].code == "visit_not_recordable"


def test_the_template_is_pre_filled_and_imports_back_once_the_results_are_filled(
    task: Any, ready_visits: list[Visit], items: list[Any], city_staff: Any, today: dt.date,
) -> None:
    from openpyxl import load_workbook

    fh = services.results_template(task, by=city_staff)
    wb = load_workbook(fh)
    ws = wb["检查结果"]
    header = [c.value for c in ws[1]]
    assert header[0] == "检查编号*" and ws.max_row == 1 + 3 * 2
    assert ws.cell(2, 8).value == "湘43030000101;湘43030000102"
    # Untouched, the template imports nothing.
    untouched = io.BytesIO()
    wb.save(untouched)
    untouched.seek(0)
    with pytest.raises(ValidationFailed) as exc:
        services.results_import(task, services.results_parse(untouched, "t.xlsx"), by=city_staff)
    assert exc.value.code == "no_rows"
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 6).value = "未发现问题"
    filled = io.BytesIO()
    wb.save(filled)
    filled.seek(0)
    rows = services.results_parse(filled, "results.xlsx")
    assert rows[0]["row"] == 2 and rows[0]["visit_code"] == ready_visits[0].verification_code
    outcome = services.results_import(task, rows, by=city_staff)
    assert outcome.created == 6 and len(outcome.submitted) == 3


def test_a_file_with_a_wrong_header_is_refused_on_row_1() -> None:
    data = "检查编号,事项编码,检查结果,检查日期,颜色\r\nA,B,C,D,E\r\n".encode()
    with pytest.raises(ValidationFailed) as exc:
        services.results_parse(io.BytesIO(data), "r.csv")
    assert {(e.row, e.code) for e in exc.value.errors} == {(1, "unknown_column")}


def _import_queries(task: Any, team: list[Any], staff: Any, items: list[Any], n: int, today: dt.date) -> int:
    visits = make_visits(task, team, n, scheduled_on=today)
    start = visits[0].scheduled_start_at
    assert start is not None
    services.receipts_record_batch(visits, by=staff, data={
        "method": DeliveryMethod.ON_SITE, "delivered_at": start - dt.timedelta(hours=49), "receiver_name": "刘洋"})
    visits = list(Visit.objects.filter(pk__in=[v.pk for v in visits]).select_related("entity"))
    rows = rows_for(visits, items, today)
    rows[0].update(result="rectified", disposal_kind="rectify", due_on=today + dt.timedelta(days=9))
    with CaptureQueriesContext(connection) as ctx:
        outcome = services.results_import(task, rows, by=staff)
    assert len(outcome.submitted) == n
    return counted(ctx)


def test_the_results_import_costs_the_same_queries_for_20_and_40_visits(
    task: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any, today: dt.date,
) -> None:
    small = _import_queries(task, [inspector_a, inspector_b], city_staff, items, 20, today)
    large = _import_queries(task, [inspector_a, inspector_b], city_staff, items, 40, today)
    assert flat(small, large, 30), (small, large)


# ---------------------------------------------------------------- review


def recorded_visits(task: Any, team: list[Any], n: int) -> list[Visit]:
    visits = make_visits(task, team, n, status=VisitStatus.RECORDED)
    for v in visits:
        for item in v.items.all():
            InspectionRecordFactory.create(visit=v, item=item)
    return visits


def test_the_division_head_approves_a_batch_and_locks_every_record(
    task: Any, inspector_a: Any, inspector_b: Any, city_admin: Any,
) -> None:
    visits = recorded_visits(task, [inspector_a, inspector_b], 3)
    reviews = services.visits_review_batch(visits, by=city_admin, approve=True)
    assert len(reviews) == 3 and all(r.pk for r in reviews)
    assert set(Visit.objects.values_list("status", flat=True)) == {VisitStatus.REVIEWED}
    assert set(InspectionRecord.objects.values_list("status", flat=True)) == {RecordStatus.APPROVED}
    assert Visit.objects.filter(reviewed_by=city_admin).count() == 3 and events("visit.reviewed") == 3


def test_a_batch_return_needs_comments_and_one_unrecorded_visit_stops_all(
    visit: Any, task: Any, inspector_a: Any, inspector_b: Any, city_admin: Any,
) -> None:
    visits = recorded_visits(task, [inspector_a, inspector_b], 2)
    with pytest.raises(ValidationFailed):
        services.visits_review_batch(visits, by=city_admin, approve=False)
    with pytest.raises(Conflict) as exc:
        services.visits_review_batch([*visits, visit], by=city_admin, approve=True)
    assert visit.verification_code in exc.value.errors[0].message and len(exc.value.errors) == 1
    assert not VisitReview.objects.exists() and not InspectionRecord.objects.filter(
        status=RecordStatus.APPROVED).exists()
    services.visits_review_batch(visits, by=city_admin, approve=False, comments="请补充现场照片")
    assert set(InspectionRecord.objects.values_list("status", flat=True)) == {RecordStatus.RETURNED}


def test_only_the_lead_department_s_head_reviews_in_batch(
    task: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, platform_admin: Any, env_admin: Any,
) -> None:
    visits = recorded_visits(task, [inspector_a, inspector_b], 2)
    for user in (city_staff, platform_admin, env_admin):
        with pytest.raises(NotPermitted):
            services.visits_review_batch(visits, by=user, approve=True)
    assert not VisitReview.objects.exists() and events("permission.denied") == 6


def test_the_batch_review_costs_the_same_queries_for_20_and_40_visits(
    task: Any, inspector_a: Any, inspector_b: Any, city_admin: Any,
) -> None:
    counts = []
    for n in (20, 40):
        visits = recorded_visits(task, [inspector_a, inspector_b], n)
        with CaptureQueriesContext(connection) as ctx:
            services.visits_review_batch(visits, by=city_admin, approve=True)
        counts.append(counted(ctx))
    assert flat(counts[0], counts[1], 12), counts


# ---------------------------------------------------------------- the whole path, per visit


def test_a_task_s_visits_cost_a_few_queries_each_through_the_batch_paths(
    django_assert_max_num_queries: Any, task: Any, items: list[Any], inspector_a: Any, inspector_b: Any,
    city_staff: Any, city_admin: Any, today: dt.date,
) -> None:
    n = 30
    visits = make_visits(task, [inspector_a, inspector_b], n)
    with django_assert_max_num_queries(n * 3):  # all four stages: under 3 queries per visit (measured 59 for 30)
        visits = services.visits_schedule_batch([(v, today) for v in visits], by=city_staff)
        start = visits[0].scheduled_start_at
        assert start is not None
        services.receipts_record_batch(visits, by=city_staff, data={
            "method": DeliveryMethod.ON_SITE, "delivered_at": start - dt.timedelta(hours=72),
            "receiver_name": "企业负责人"})
        services.results_import(task, rows_for(visits, items, today), by=city_staff)
        services.visits_review_batch(visits, by=city_admin, approve=True)
    assert Visit.objects.filter(task=task, status=VisitStatus.REVIEWED).count() == n


def test_per_visit_queries_of_the_single_path_and_of_the_batch_path(
    task: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any, city_admin: Any,
    today: dt.date,
) -> None:
    """The four stages of 20 visits of two items (one rectification order in ten visits), both ways.

    ``pytest -s -k per_visit_queries`` prints the figures: the single path costs ≈ 94 queries per visit, the
    batch path a constant ≈ 60 per batch (3 per visit at 20 visits, 1.5 at 40)."""
    n = 20
    rows: dict[str, dict[str, int]] = {}
    for mode in ("single", "batch"):
        visits = make_visits(task, [inspector_a, inspector_b], n)
        stage: dict[str, int] = {}
        with CaptureQueriesContext(connection) as ctx:
            if mode == "single":
                visits = [services.visit_schedule(v, by=city_staff, scheduled_on=today) for v in visits]
            else:
                visits = services.visits_schedule_batch([(v, today) for v in visits], by=city_staff)
        stage["schedule"] = len(ctx.captured_queries)
        start = visits[0].scheduled_start_at
        assert start is not None
        data = {"method": DeliveryMethod.ON_SITE, "delivered_at": start - dt.timedelta(hours=72), "receiver_name": "x"}
        with CaptureQueriesContext(connection) as ctx:
            if mode == "single":
                for v in visits:
                    services.receipt_record(v, by=city_staff, data=data)
            else:
                services.receipts_record_batch(visits, by=city_staff, data=data)
        stage["receipts"] = len(ctx.captured_queries)
        visits = list(Visit.objects.filter(pk__in=[v.pk for v in visits]).select_related("entity").order_by("pk"))
        with CaptureQueriesContext(connection) as ctx:
            if mode == "single":
                for k, v in enumerate(visits):
                    for item in items:
                        code = "rectified" if k % 10 == 0 and item == items[0] else "no_problem"
                        rec = services.record_save(v, by=city_staff, data={
                            "item": item, "result": code, "inspected_on": today,
                            "inspectors": [inspector_a.pk, inspector_b.pk], "findings": "f"})
                        if code == "rectified":
                            services.disposal_create(rec, by=city_staff, data={
                                "kind": DisposalKind.RECTIFY, "due_on": today + dt.timedelta(days=15)})
                    services.visit_submit(v, by=city_staff)
            else:
                rws = rows_for(visits, items, today)
                for k in range(0, len(rws), 20):
                    rws[k].update(result="rectified", disposal_kind="rectify",
                                  due_on=(today + dt.timedelta(days=15)).isoformat())
                services.results_import(task, rws, by=city_staff)
        stage["results"] = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            if mode == "single":
                for v in visits:
                    services.visit_review(v, by=city_admin, approve=True)
            else:
                services.visits_review_batch(visits, by=city_admin, approve=True)
        stage["review"] = len(ctx.captured_queries)
        rows[mode] = stage
    for mode, stage in rows.items():
        total = sum(stage.values())
        print(f"\nMEASURE {connection.vendor} {mode} n={n}: " + ", ".join(
            f"{k} {v} ({v / n:.2f}/visit)" for k, v in stage.items()) + f"; total {total} ({total / n:.2f}/visit)")
    single, batch = sum(rows["single"].values()) / n, sum(rows["batch"].values()) / n
    assert batch <= 4 and 20 * batch < single
