"""Tasks: only under an approved plan (计划外无检查 [000]); ratios per grade bounded by the item kinds' rules;
special key areas full coverage; filters inside the jurisdiction; each department draws its own items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jianguan.core.exceptions import IllegalTransition, NotPermitted, ValidationFailed
from jianguan.plans import services
from jianguan.plans.choices import PlanStatus, TaskStatus
from jianguan.plans.models import Plan, Task
from jianguan.plans.tests.helpers import Actors, advance

pytestmark = pytest.mark.django_db
D = Decimal


def task_data(plan: Plan, items: list[Any], **kw: Any) -> dict[str, Any]:
    return {"plan": plan, "name": "随机抽查任务", "items": items, "window_start_on": plan.planned_start_on,
            "window_end_on": plan.planned_end_on} | kw


@pytest.fixture
def approved(draft_plan: Plan, who: Actors) -> Plan:
    return advance(draft_plan, PlanStatus.APPROVED, who)


def ratios(task: Task) -> list[Decimal | None]:
    return [task.ratio_a_pct, task.ratio_b_pct, task.ratio_c_pct, task.ratio_d_pct, task.ratio_u_pct]


@pytest.mark.parametrize("state", [PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.LEGAL_CHECKED,
                                   PlanStatus.RETURNED, PlanStatus.CLOSED])
def test_no_task_under_a_plan_that_is_not_approved(state: str, draft_plan: Plan, who: Actors,
                                                   lead_items: list[Any]) -> None:
    plan = advance(draft_plan, state, who)
    with pytest.raises(IllegalTransition) as exc:
        services.task_create(by=who.staff, data=task_data(plan, lead_items[:1]))
    assert f"「{PlanStatus(state).label}」" in exc.value.message and "计划外无检查" in exc.value.message
    assert not Task.objects.exists()


@pytest.mark.parametrize("state", [PlanStatus.APPROVED, PlanStatus.PUBLISHED, PlanStatus.IN_PROGRESS])
def test_tasks_are_created_under_plans_in_force(state: str, draft_plan: Plan, who: Actors,
                                                lead_items: list[Any]) -> None:
    plan = advance(draft_plan, state, who)
    task = services.task_create(by=who.staff, data=task_data(plan, lead_items[:1]))
    assert (task.status, task.department, task.plan) == (TaskStatus.DRAFT, plan.department, plan)


def test_general_items_get_the_configured_general_defaults(approved: Plan, who: Actors,
                                                           lead_items: list[Any]) -> None:
    task = services.task_create(by=who.staff, data=task_data(approved, lead_items[:2]))
    assert ratios(task) == [D("3"), D("5"), D("10"), D("20"), D("5")]
    assert task.entity_statuses == ["operating"] and task.region_prefixes == ["4303"]


def test_key_items_get_the_configured_key_defaults(approved: Plan, who: Actors, lead_items: list[Any]) -> None:
    task = services.task_create(by=who.staff, data=task_data(approved, lead_items[2:]))
    assert ratios(task) == [D("20"), D("25"), D("35"), D("50"), D("25")]


def test_mixed_kinds_take_the_strictest_bounds(approved: Plan, who: Actors, lead_items: list[Any]) -> None:
    # general 3–20 and key ≥ 20 leave exactly 20.
    task = services.task_create(by=who.staff, data=task_data(approved, lead_items))
    assert ratios(task) == [D("20")] * 5
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(approved, lead_items, ratio_d_pct="25"))
    assert exc.value.errors[0].field == "ratio_d_pct" and "3%–20%" in exc.value.errors[0].message


@pytest.mark.parametrize(("items", "field", "value", "rule"), [
    ("general", "ratio_b_pct", "25", "3%–20%"),
    ("general", "ratio_a_pct", "2.99", "3%–20%"),
    ("key", "ratio_a_pct", "10", "不低于 20%"),
    ("key", "ratio_u_pct", "100.01", "不低于 20%"),
])
def test_ratio_outside_the_kind_bounds_names_the_grade_and_the_rule(items: str, field: str, value: str, rule: str,
                                                                    approved: Plan, who: Actors,
                                                                    lead_items: list[Any]) -> None:
    chosen = lead_items[:2] if items == "general" else lead_items[2:]
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(approved, chosen, **{field: value}))
    error = exc.value.errors[0]
    grade = field.split("_")[1].upper()
    assert error.field == field and rule in error.message
    assert (f"{grade} 类" if grade != "U" else "未评级") in error.message
    assert not Task.objects.exists()


def test_ratios_at_the_bounds_are_accepted(approved: Plan, who: Actors, lead_items: list[Any]) -> None:
    task = services.task_create(by=who.staff, data=task_data(
        approved, lead_items[:2], ratio_a_pct="3", ratio_b_pct="20", ratio_c_pct="12.5", ratio_d_pct="20",
        ratio_u_pct="3"))
    assert ratios(task) == [D("3"), D("20"), D("12.5"), D("20"), D("3")]


def test_special_key_areas_are_full_coverage_without_ratios(city_staff: Any, who: Actors, lead_items: list[Any],
                                                            special_item: Any) -> None:
    from jianguan.plans.tests.helpers import plan_data

    plan = services.plan_create(by=city_staff, data=plan_data([*lead_items, special_item]))
    advance(plan, PlanStatus.APPROVED, who)
    task = services.task_create(by=who.staff, data=task_data(plan, [special_item]))
    assert task.is_full_coverage and ratios(task) == [None] * 5
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(plan, [special_item], ratio_a_pct="5"))
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == ("ratio_a_pct", "ratio_not_allowed")
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(plan, [special_item, lead_items[0]]))
    assert exc.value.errors[0].code == "mixed_full_coverage"


@pytest.mark.parametrize("prefix", ["4301", "43", "440300", "4304"])
def test_region_filter_outside_the_jurisdiction_is_refused(prefix: str, approved: Plan, who: Actors,
                                                           lead_items: list[Any]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(approved, lead_items[:1], region_prefixes=[prefix]))
    assert exc.value.errors[0].field == "region_prefixes" and prefix in exc.value.errors[0].message


def test_region_filter_inside_the_jurisdiction_is_kept(approved: Plan, who: Actors, lead_items: list[Any]) -> None:
    task = services.task_create(by=who.staff, data=task_data(approved, lead_items[:1],
                                                             region_prefixes="430302, 430304"))
    assert task.region_prefixes == ["430302", "430304"]


def test_unknown_filter_values_are_named(approved: Plan, who: Actors, lead_items: list[Any]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(
            approved, lead_items[:1], industry_codes=["ZZ"], entity_kinds=["company"], entity_statuses=["alive"],
            tag_codes=["no-such-tag"]))
    assert {e.field for e in exc.value.errors} == {"industry_codes", "entity_kinds", "entity_statuses", "tag_codes"}


def test_items_must_belong_to_the_plan(approved: Plan, who: Actors, city_dept: Any) -> None:
    from jianguan.plans.tests.helpers import item

    outside = item(city_dept)
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(approved, [outside]))
    assert exc.value.errors[0].code == "item_not_in_plan"


def test_window_must_lie_inside_the_plan_period(approved: Plan, who: Actors, lead_items: list[Any]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(
            approved, lead_items[:1], window_start_on=approved.planned_start_on - dt.timedelta(days=1)))
    assert exc.value.errors[0].field == "window_start_on"


def test_at_least_two_inspectors_per_team(approved: Plan, who: Actors, lead_items: list[Any]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(approved, lead_items[:1], min_team_size=1))
    assert exc.value.errors[0].field == "min_team_size"
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=who.staff, data=task_data(approved, lead_items[:1], max_visits_per_inspector=0))
    assert exc.value.errors[0].field == "max_visits_per_inspector"


def test_only_draft_tasks_are_edited_and_the_plan_must_still_be_in_force(approved: Plan, who: Actors,
                                                                         lead_items: list[Any]) -> None:
    task = services.task_create(by=who.staff, data=task_data(approved, lead_items[:1]))
    task = services.task_update(task, by=who.staff, data={"name": "改名", "ratio_a_pct": "4"})
    assert (task.name, task.ratio_a_pct) == ("改名", D("4"))
    services.task_mark_ready(task, by=who.staff)
    with pytest.raises(IllegalTransition):
        services.task_update(task, by=who.staff, data={"name": "再改"})


def test_drawing_needs_a_published_plan(approved: Plan, who: Actors, lead_items: list[Any]) -> None:
    task = services.task_create(by=who.staff, data=task_data(approved, lead_items[:1]))
    services.task_mark_ready(task, by=who.staff)
    with pytest.raises(IllegalTransition) as exc:
        services.task_mark_drawn(task, by=who.staff)
    assert exc.value.code == "plan_not_published"


def test_task_of_a_joint_plan_uses_the_participants_own_items(joint_plan: Plan, who: Actors, env_staff: Any,
                                                             env_items: list[Any], lead_items: list[Any],
                                                             env_dept: Any) -> None:
    plan = advance(joint_plan, PlanStatus.APPROVED, who)
    task = services.task_create(by=env_staff, data=task_data(plan, env_items[:1]))
    assert task.department == env_dept
    # [001][003] each department draws for its own items.
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=env_staff, data=task_data(plan, lead_items[:1]))
    assert exc.value.errors[0].code == "item_not_in_plan"
    # A participant may not create the lead's tasks; the lead may prepare the participants'.
    with pytest.raises(NotPermitted):
        services.task_create(by=env_staff, data=task_data(plan, lead_items[:1], department=who.staff.department))
    prepared = services.task_create(by=who.staff, data=task_data(plan, env_items[1:], department=env_dept))
    assert prepared.department == env_dept
    assert services.task_update(prepared, by=env_staff, data={"name": "生态环境局任务"}).name == "生态环境局任务"


def test_department_outside_the_plan_cannot_have_tasks(approved: Plan, commerce_staff: Any,
                                                       lead_items: list[Any]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.task_create(by=commerce_staff, data=task_data(approved, lead_items[:1]))
    assert exc.value.errors[0].field == "department"
