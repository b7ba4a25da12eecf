"""The plan workflow: every legal transition works through its service, every other one is refused (409)."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.core.exceptions import IllegalTransition, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.organizations.choices import DepartmentKind, DepartmentLevel
from jianguan.organizations.factories import DepartmentFactory
from jianguan.organizations.models import Region
from jianguan.plans import services
from jianguan.plans.choices import PlanEventKind, PlanStatus, VersionStatus
from jianguan.plans.models import Plan, PlanDistribution, PlanEvent, PlanVersion
from jianguan.plans.tests.helpers import PATH_TO, Actors, advance, step

pytestmark = pytest.mark.django_db

ACTIONS = ["submit", "legal_approve", "legal_return", "justice_approve", "justice_return", "reopen", "publish",
           "start", "close"]
# state: the actions that succeed in it, and the state each leads to (everything else is a 409).
ALLOWED: dict[str, dict[str, str]] = {
    PlanStatus.DRAFT: {"submit": PlanStatus.SUBMITTED},
    PlanStatus.SUBMITTED: {"legal_approve": PlanStatus.LEGAL_CHECKED, "legal_return": PlanStatus.RETURNED},
    PlanStatus.LEGAL_CHECKED: {"justice_approve": PlanStatus.APPROVED, "justice_return": PlanStatus.RETURNED},
    PlanStatus.RETURNED: {"reopen": PlanStatus.DRAFT},
    PlanStatus.APPROVED: {"publish": PlanStatus.PUBLISHED},
    PlanStatus.PUBLISHED: {"start": PlanStatus.IN_PROGRESS},
    PlanStatus.IN_PROGRESS: {"close": PlanStatus.CLOSED},
    PlanStatus.CLOSED: {},
}


@pytest.mark.parametrize("state", list(PATH_TO))
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_in_each_state_follows_the_workflow(state: str, action: str, draft_plan: Plan,
                                                        who: Actors) -> None:
    plan = advance(draft_plan, state, who)
    target = ALLOWED[state].get(action)
    events, audits = PlanEvent.objects.count(), AuditEvent.objects.count()
    if target is not None:
        assert step(plan, action, who).status == target
        plan.refresh_from_db()
        assert plan.status == target
        assert PlanEvent.objects.count() == events + 1
        last = PlanEvent.objects.order_by("-pk").first()
        assert last is not None and (last.from_status, last.to_status) == (state, target)
    else:
        with pytest.raises(IllegalTransition) as exc:
            step(plan, action, who)
        # The message names the current state in Chinese; nothing is written.
        assert f"「{PlanStatus(state).label}」" in exc.value.message
        plan.refresh_from_db()
        assert plan.status == state
        assert (PlanEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


def test_illegal_step_names_current_and_requested_state(draft_plan: Plan, city_staff: Any) -> None:
    with pytest.raises(IllegalTransition) as exc:
        services.plan_publish(draft_plan, by=city_staff)
    assert exc.value.message == "计划当前为「草稿」，不能变更为「已公开」"
    assert exc.value.status == 409


def test_submission_records_a_version_with_the_content_snapshot(draft_plan: Plan, city_staff: Any) -> None:
    plan = services.plan_submit(draft_plan, by=city_staff)
    version = PlanVersion.objects.get(plan=plan)
    assert (version.number, version.status, version.is_amendment) == (1, VersionStatus.SUBMITTED, False)
    assert version.snapshot["title"] == plan.title
    assert sorted(i["code"] for i in version.snapshot["items"]) == sorted(plan.items.values_list("code", flat=True))
    assert plan.pending_version == version and plan.current_version is None
    assert AuditEvent.objects.filter(action="plan.submitted", target_id=str(plan.pk)).exists()


def test_returning_needs_comments(draft_plan: Plan, who: Actors) -> None:
    plan = advance(draft_plan, PlanStatus.SUBMITTED, who)
    with pytest.raises(ValidationFailed) as exc:
        services.plan_legal_check(plan, by=who.legal, approve=False, comments="  ")
    assert exc.value.errors[0].field == "comments"
    services.plan_legal_check(plan, by=who.legal, approve=True)
    with pytest.raises(ValidationFailed) as exc:
        services.plan_justice_review(plan, by=who.reviewer, approve=False, comments="")
    assert exc.value.errors[0].field == "comments"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.LEGAL_CHECKED


def test_returned_plan_keeps_the_comments_and_goes_back_through_draft(draft_plan: Plan, who: Actors) -> None:
    plan = advance(draft_plan, PlanStatus.SUBMITTED, who)
    services.plan_legal_check(plan, by=who.legal, approve=False, comments="检查依据不完整")
    event = PlanEvent.objects.get(plan=plan, kind=PlanEventKind.LEGAL_RETURNED)
    assert event.comments == "检查依据不完整" and event.actor == who.legal
    plan.refresh_from_db()
    assert plan.pending_version is None
    assert PlanVersion.objects.get(plan=plan).status == VersionStatus.RETURNED
    services.plan_return_to_draft(plan, by=who.staff)
    services.plan_update(plan, by=who.staff, data={"legal_basis": "《中华人民共和国产品质量法》"})
    services.plan_submit(plan, by=who.staff)
    assert list(PlanVersion.objects.filter(plan=plan).order_by("number").values_list("number", "status")) == [
        (1, VersionStatus.RETURNED), (2, VersionStatus.SUBMITTED)]


def test_only_drafts_can_be_edited(draft_plan: Plan, who: Actors) -> None:
    plan = advance(draft_plan, PlanStatus.SUBMITTED, who)
    with pytest.raises(IllegalTransition) as exc:
        services.plan_update(plan, by=who.staff, data={"title": "新名称"})
    assert "已提交" in exc.value.message


def test_approval_sends_the_plan_to_the_joint_meeting_and_business_environment_offices(
    draft_plan: Plan, who: Actors, city_business_env: Any, county_dept: Any,
) -> None:
    joint_office = DepartmentFactory.create(name="湘潭市联席会议办公室", region=Region.objects.get(code="430300"),
                                     level=DepartmentLevel.CITY, kind=DepartmentKind.JOINT_MEETING_OFFICE)
    DepartmentFactory(name="雨湖区优化营商环境办公室", region=Region.objects.get(code="430302"),
                      level=DepartmentLevel.COUNTY, kind=DepartmentKind.BUSINESS_ENV_OFFICE)
    plan = advance(draft_plan, PlanStatus.APPROVED, who)
    sent = set(PlanDistribution.objects.filter(plan=plan).values_list("department_id", flat=True))
    assert sent == {city_business_env.pk, joint_office.pk}
    assert plan.current_version is not None and plan.current_version.status == VersionStatus.APPROVED


def test_closing_needs_every_task_completed(draft_plan: Plan, who: Actors, lead_items: list[Any]) -> None:
    from jianguan.core.exceptions import Conflict

    plan = advance(draft_plan, PlanStatus.PUBLISHED, who)
    task = services.task_create(by=who.staff, data={"plan": plan, "name": "任务", "items": lead_items[:1],
                                                    "window_start_on": plan.planned_start_on,
                                                    "window_end_on": plan.planned_end_on})
    services.task_mark_ready(task, by=who.staff)
    services.task_mark_drawn(task, by=who.staff)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS  # the first drawn task starts the plan
    with pytest.raises(Conflict):
        services.plan_close(plan, by=who.staff)
    services.task_start(task, by=who.staff)
    services.task_complete(task, by=who.staff)
    assert services.plan_close(plan, by=who.staff).status == PlanStatus.CLOSED
