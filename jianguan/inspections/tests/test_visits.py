"""Visits from draws and joint rounds, scheduling and route order, the 48-hour rule, review."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.core.exceptions import Conflict, IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.draws.choices import DrawStatus
from jianguan.entities.factories import EntityFactory
from jianguan.inspections import services
from jianguan.inspections.choices import RecordStatus, TeamRole, VisitStatus
from jianguan.inspections.factories import VisitFactory, joint_round_rows, published_draw_rows
from jianguan.inspections.models import CODE_ALPHABET, CODE_LENGTH, Visit
from jianguan.inspections.tests.helpers import deliver, record_data
from jianguan.plans.choices import TaskStatus
from jianguan.plans.factories import TaskFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- from a draw


@pytest.fixture
def two_entities(city_dept: Any) -> list[Any]:
    return [EntityFactory.create(name="湘潭市雨湖区甲餐饮店", department=city_dept),
            EntityFactory.create(name="湘潭市雨湖区乙餐饮店", department=city_dept)]


def test_a_published_draw_creates_one_visit_per_selected_entity(
    task: Any, two_entities: list[Any], items: list[Any], inspector_a: Any, inspector_b: Any, inspector_c: Any,
    city_staff: Any,
) -> None:
    draw = published_draw_rows(task, [(two_entities[0], [inspector_b, inspector_a]),
                                      (two_entities[1], [inspector_c, inspector_a])])
    visits = services.visits_create_from_draw(draw, by=city_staff)
    assert [v.entity for v in visits] == two_entities
    first = visits[0]
    assert set(first.items.all()) == set(items)
    assert first.draw == draw and first.task == task and first.department == task.department
    assert list(first.departments.all()) == [task.department]
    members = {m.inspector: m.role for m in first.team_members.all()}
    assert members == {inspector_b: TeamRole.LEADER, inspector_a: TeamRole.MEMBER}
    assert first.status == VisitStatus.SCHEDULED
    assert len(first.verification_code) == CODE_LENGTH
    assert set(first.verification_code) <= set(CODE_ALPHABET)
    assert visits[0].verification_code != visits[1].verification_code
    assert AuditEvent.objects.filter(action="visit.created_from_draw", target_id=str(draw.pk)).count() == 1


def test_creating_visits_twice_creates_nothing_more(
    task: Any, two_entities: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any
) -> None:
    draw = published_draw_rows(task, [(e, [inspector_a, inspector_b]) for e in two_entities])
    first = services.visits_create_from_draw(draw, by=city_staff)
    again = services.visits_create_from_draw(draw, by=city_staff)
    assert [v.pk for v in again] == [v.pk for v in first]
    assert Visit.objects.count() == 2


@pytest.mark.parametrize("status", [DrawStatus.ANNOUNCED, DrawStatus.EXECUTED, DrawStatus.FAILED])
def test_a_draw_that_is_not_published_creates_no_visits(
    task: Any, entity: Any, inspector_a: Any, inspector_b: Any, city_staff: Any, status: str
) -> None:
    draw = published_draw_rows(task, [(entity, [inspector_a, inspector_b])], status=status)
    with pytest.raises(IllegalTransition):
        services.visits_create_from_draw(draw, by=city_staff)
    assert not Visit.objects.exists()


def test_another_department_may_not_create_the_visits_of_a_draw(
    task: Any, entity: Any, inspector_a: Any, inspector_b: Any, peer_staff: Any, city_inspector: Any
) -> None:
    draw = published_draw_rows(task, [(entity, [inspector_a, inspector_b])])
    for user in (peer_staff, city_inspector):
        with pytest.raises(NotPermitted):
            services.visits_create_from_draw(draw, by=user)
    assert not Visit.objects.exists()


def test_a_drawn_team_of_one_is_refused(task: Any, entity: Any, inspector_a: Any, city_staff: Any) -> None:
    draw = published_draw_rows(task, [(entity, [inspector_a])])
    with pytest.raises(ValidationFailed) as exc:
        services.visits_create_from_draw(draw, by=city_staff)
    assert exc.value.errors[0].code == "team_too_small"
    assert not Visit.objects.exists()


def test_a_joint_round_creates_one_visit_per_merged_entity_with_all_items(
    joint_plan: Any, city_dept: Any, env_dept: Any, items: list[Any], env_item: Any, two_entities: list[Any],
    inspector_a: Any, inspector_b: Any, env_inspector: Any, city_staff: Any, env_staff: Any, today: dt.date,
) -> None:
    city_task = TaskFactory.create(plan=joint_plan, department=city_dept, items=items, status=TaskStatus.DRAWN)
    env_task = TaskFactory.create(plan=joint_plan, department=env_dept, items=[env_item], status=TaskStatus.DRAWN)
    city_draw = published_draw_rows(city_task, [(two_entities[0], [inspector_a, inspector_b])])
    env_draw = published_draw_rows(env_task, [(two_entities[0], [env_inspector, inspector_a]),
                                              (two_entities[1], [env_inspector, inspector_b])])
    joint = joint_round_rows(joint_plan, city_dept, [city_draw, env_draw], [
        (two_entities[0], [city_dept, env_dept], [*items, env_item], [inspector_a, env_inspector, inspector_b]),
        (two_entities[1], [env_dept], [env_item], [env_inspector, inspector_b]),
    ])
    with pytest.raises(NotPermitted):
        services.visits_create_from_draw(joint, by=env_staff)  # the lead department merges and creates
    with pytest.raises(Conflict):
        services.visits_create_from_draw(city_draw, by=city_staff)  # never per department in a joint round
    visits = services.visits_create_from_draw(joint, by=city_staff)
    assert len(visits) == 2
    merged = visits[0]
    assert merged.joint_round == joint and merged.is_joint
    assert set(merged.items.all()) == {*items, env_item}
    assert set(merged.departments.all()) == {city_dept, env_dept}
    assert merged.department == city_dept and merged.task == city_task
    assert [m.inspector for m in merged.team_members.order_by("pk")] == [inspector_a, env_inspector, inspector_b]
    # An entity only the environment bureau drew is that bureau's visit, under its own task.
    assert visits[1].department == env_dept and visits[1].task == env_task
    assert services.visits_create_from_draw(joint, by=city_staff) == visits


# ---------------------------------------------------------------- scheduling


def test_a_visit_is_scheduled_inside_the_task_window(visit: Any, task: Any, city_staff: Any) -> None:
    day = task.window_start_on + dt.timedelta(days=3)
    scheduled = services.visit_schedule(visit, by=city_staff, scheduled_on=day, start_time=dt.time(14, 30))
    assert scheduled.scheduled_on == day
    assert scheduled.start_time == dt.time(14, 30)
    assert scheduled.route_order == 1
    assert AuditEvent.objects.filter(action="visit.scheduled", target_id=str(visit.pk)).exists()


@pytest.mark.parametrize("offset", [-1, 1])
def test_a_date_outside_the_task_window_is_refused(visit: Any, task: Any, city_staff: Any, offset: int) -> None:
    day = task.window_start_on - dt.timedelta(days=1) if offset < 0 else task.window_end_on + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        services.visit_schedule(visit, by=city_staff, scheduled_on=day)
    assert exc.value.errors[0].field == "scheduled_on"
    assert exc.value.errors[0].code == "outside_task_window"


def test_the_same_team_gets_the_next_stop_of_its_route_that_day(
    visit: Any, task: Any, city_dept: Any, inspector_a: Any, inspector_b: Any, inspector_c: Any, city_staff: Any,
    today: dt.date,
) -> None:
    second: Any = VisitFactory.create(task=task, team=[inspector_a, inspector_b])
    other_team: Any = VisitFactory.create(task=task, team=[inspector_a, inspector_c])
    services.visit_schedule(visit, by=city_staff, scheduled_on=today)
    assert services.visit_schedule(second, by=city_staff, scheduled_on=today).route_order == 2
    assert services.visit_schedule(other_team, by=city_staff, scheduled_on=today).route_order == 1
    with pytest.raises(Conflict):  # the first stop of this team's route is taken
        services.visit_schedule(second, by=city_staff, scheduled_on=today, route_order=1)
    ordered = services.visits_order_route([Visit.objects.get(pk=second.pk), Visit.objects.get(pk=visit.pk)],
                                          by=city_staff)
    assert [(v.pk, v.route_order) for v in ordered] == [(second.pk, 1), (visit.pk, 2)]
    with pytest.raises(ValidationFailed):
        services.visits_order_route([Visit.objects.get(pk=visit.pk), Visit.objects.get(pk=other_team.pk)],
                                    by=city_staff)


def test_scheduling_reads_the_teams_of_that_day_in_one_query(
    task: Any, inspector_a: Any, inspector_b: Any, inspector_c: Any, city_staff: Any, today: dt.date,
    django_assert_max_num_queries: Any,
) -> None:
    """A busy leader's visits of the day are compared by team without one query per visit (bench/year.py)."""
    same = [VisitFactory.create(task=task, team=[inspector_a, inspector_b]) for _ in range(6)]
    for v in [VisitFactory.create(task=task, team=[inspector_a, inspector_c]) for _ in range(6)]:
        services.visit_schedule(v, by=city_staff, scheduled_on=today)
    for v in same[:5]:
        services.visit_schedule(v, by=city_staff, scheduled_on=today)
    with django_assert_max_num_queries(14):  # with one query per candidate it was 11 more
        assert services.visit_schedule(same[5], by=city_staff, scheduled_on=today).route_order == 6


def test_staff_of_another_department_may_not_schedule(visit: Any, peer_staff: Any, today: dt.date) -> None:
    with pytest.raises(NotPermitted):
        services.visit_schedule(visit, by=peer_staff, scheduled_on=today)


def test_a_cancelled_visit_keeps_its_reason(visit: Any, city_staff: Any, city_inspector: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.visit_cancel(visit, by=city_staff, reason="")
    with pytest.raises(NotPermitted):
        services.visit_cancel(visit, by=city_inspector, reason="企业已注销")
    cancelled = services.visit_cancel(visit, by=city_staff, reason="企业已注销")
    assert cancelled.status == VisitStatus.CANCELLED and cancelled.cancel_reason == "企业已注销"


# ---------------------------------------------------------------- the 48-hour rule [003]


def test_a_visit_cannot_start_without_a_delivered_notice(visit: Any, city_inspector: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.visit_start(visit, by=city_inspector)
    assert exc.value.code == "notice_not_delivered_48h"
    assert "48 小时" in exc.value.message
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SCHEDULED


def test_a_notice_delivered_less_than_48_hours_ahead_blocks_the_visit(
    visit: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any, city_inspector: Any,
    today: dt.date,
) -> None:
    deliver(visit, city_staff, hours_before=47.5)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.NOTIFIED
    with pytest.raises(ValidationFailed) as exc:
        services.visit_start(visit, by=city_inspector)
    assert "不足 48 小时" in exc.value.message
    with pytest.raises(ValidationFailed):  # entering results would start the visit: the same rule applies
        services.record_save(visit, by=city_inspector,
                             data=record_data(items[0], [inspector_a, inspector_b], inspected_on=today))
    assert not visit.records.exists()


def test_a_notice_delivered_48_hours_ahead_lets_the_visit_start(visit: Any, city_staff: Any,
                                                                  city_inspector: Any) -> None:
    deliver(visit, city_staff, hours_before=48)
    started = services.visit_start(visit, by=city_inspector)
    assert started.status == VisitStatus.IN_PROGRESS and started.started_at is not None


def test_a_recorded_exception_approved_by_the_division_head_lets_the_visit_start(
    visit: Any, city_staff: Any, city_admin: Any, city_inspector: Any, peer_staff: Any
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.notice_exception_record(visit, by=city_staff, reason="群众举报，需立即核查", approved_by=city_staff)
    assert exc.value.errors[0].field == "approved_by"
    with pytest.raises(ValidationFailed):
        services.notice_exception_record(visit, by=city_staff, reason="", approved_by=city_admin)
    services.notice_exception_record(visit, by=city_staff, reason="群众举报，需立即核查", approved_by=city_admin)
    started = services.visit_start(visit, by=city_inspector)
    assert started.status == VisitStatus.IN_PROGRESS


def test_a_receipt_needs_time_and_receiver(visit: Any, city_staff: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.receipt_record(visit, by=city_staff, data={"method": "on_site"})
    assert {e.field for e in exc.value.errors} == {"delivered_at", "receiver_name"}
    assert not visit.receipts.exists()


# ---------------------------------------------------------------- submission and review


@pytest.fixture
def recorded(visit: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any,
             city_inspector: Any, today: dt.date) -> Any:
    deliver(visit, city_staff)
    for item in items:
        services.record_save(visit, by=city_inspector,
                             data=record_data(item, [inspector_a, inspector_b], inspected_on=today))
    return services.visit_submit(visit, by=city_inspector)


def test_a_visit_is_submitted_only_when_every_item_has_a_result(
    visit: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_staff: Any, city_inspector: Any,
    today: dt.date,
) -> None:
    deliver(visit, city_staff)
    services.record_save(visit, by=city_inspector,
                         data=record_data(items[0], [inspector_a, inspector_b], inspected_on=today))
    with pytest.raises(ValidationFailed) as exc:
        services.visit_submit(visit, by=city_inspector)
    assert items[1].name in exc.value.message


def test_the_division_head_approves_and_the_records_are_locked(recorded: Any, city_admin: Any,
                                                               today: dt.date) -> None:
    assert recorded.status == VisitStatus.RECORDED and recorded.completed_on == today
    review = services.visit_review(recorded, by=city_admin, approve=True, comments="同意")
    recorded.refresh_from_db()
    assert review.decision == "approve"
    assert recorded.status == VisitStatus.REVIEWED and recorded.reviewed_by == city_admin
    assert set(recorded.records.values_list("status", flat=True)) == {RecordStatus.APPROVED}


def test_records_returned_with_comments_are_corrected_and_submitted_again(
    recorded: Any, items: list[Any], inspector_a: Any, inspector_b: Any, city_admin: Any, city_inspector: Any,
    today: dt.date,
) -> None:
    with pytest.raises(ValidationFailed):
        services.visit_review(recorded, by=city_admin, approve=False, comments="")
    services.visit_review(recorded, by=city_admin, approve=False, comments="检查情况描述不完整")
    recorded.refresh_from_db()
    assert recorded.status == VisitStatus.RETURNED
    record = services.record_save(recorded, by=city_inspector, data=record_data(
        items[0], [inspector_a, inspector_b], result="rectified", inspected_on=today))
    assert record.status == RecordStatus.ENTERED and record.version == 2
    assert services.visit_submit(recorded, by=city_inspector).status == VisitStatus.RECORDED


@pytest.mark.parametrize("persona", ["city_staff", "city_inspector", "county_staff", "justice_reviewer", "outsider",
                                     "platform_admin"])
def test_only_the_division_head_of_the_lead_department_reviews(request: Any, recorded: Any, persona: str) -> None:
    with pytest.raises(NotPermitted):
        services.visit_review(recorded, by=request.getfixturevalue(persona), approve=True)
    recorded.refresh_from_db()
    assert recorded.status == VisitStatus.RECORDED


def test_the_division_head_of_a_participating_department_does_not_review_a_joint_visit(
    joint_visit: Any, env_admin: Any
) -> None:
    Visit.objects.filter(pk=joint_visit.pk).update(status=VisitStatus.RECORDED)
    joint_visit.refresh_from_db()
    with pytest.raises(NotPermitted):
        services.visit_review(joint_visit, by=env_admin, approve=True)


def test_reviewing_twice_is_refused(recorded: Any, city_admin: Any) -> None:
    services.visit_review(recorded, by=city_admin, approve=True)
    with pytest.raises(IllegalTransition):
        services.visit_review(recorded, by=city_admin, approve=True)


def test_creating_the_visits_of_a_draw_costs_the_same_queries_for_more_entities(
    task: Any, city_dept: Any, inspector_a: Any, inspector_b: Any, city_staff: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts: list[int] = []
    for n in (3, 12):
        entities = [EntityFactory.create(department=city_dept) for _ in range(n)]
        draw = published_draw_rows(TaskFactory.create(plan=task.plan, department=task.department, items=list(
            task.items.all())) if counts else task, [(e, [inspector_a, inspector_b]) for e in entities])
        with CaptureQueriesContext(connection) as ctx:
            visits = services.visits_create_from_draw(draw, by=city_staff)
        assert len(visits) == n and all(v.team_members.count() == 2 for v in visits)
        counts.append(len(ctx.captured_queries))
    assert counts[1] <= counts[0] + 2  # bulk inserts: the number of entities does not add queries
