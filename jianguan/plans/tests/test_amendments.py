"""Amendments: a new version goes through review again while the approved version stays in force [003]."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.core.exceptions import IllegalTransition, ValidationFailed
from jianguan.plans import selectors, services
from jianguan.plans.choices import PlanStatus, VersionStatus
from jianguan.plans.models import Plan, PlanVersion
from jianguan.plans.tests.helpers import Actors, advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(draft_plan: Plan, who: Actors) -> Plan:
    return advance(draft_plan, PlanStatus.PUBLISHED, who)


def test_amendment_is_reviewed_again_while_the_old_version_stays_in_force(published: Plan, who: Actors,
                                                                          lead_items: list[Any]) -> None:
    old_title = published.title
    version = services.plan_amend(published, by=who.staff, data={"title": "变更后的计划", "items": lead_items[:1]},
                                  reason="增加检查频次")
    assert (version.number, version.status, version.is_amendment) == (2, VersionStatus.SUBMITTED, True)
    published.refresh_from_db()
    # Still published with the old content; the approved version 1 stays in force.
    assert (published.status, published.title, published.items.count()) == (PlanStatus.PUBLISHED, old_title, 3)
    assert published.current_version is not None and published.current_version.number == 1
    assert published.pending_version == version
    assert list(selectors.legal_inbox(who.legal)) == [published]

    services.plan_legal_check(published, by=who.legal, approve=True)
    published.refresh_from_db()
    assert (published.status, published.title) == (PlanStatus.PUBLISHED, old_title)
    assert list(selectors.justice_inbox(who.reviewer)) == [published]

    services.plan_justice_review(published, by=who.reviewer, approve=True)
    published.refresh_from_db()
    assert (published.status, published.title, published.items.count()) == (PlanStatus.PUBLISHED, "变更后的计划", 1)
    assert list(PlanVersion.objects.filter(plan=published).order_by("number").values_list("number", "status")) == [
        (1, VersionStatus.SUPERSEDED), (2, VersionStatus.APPROVED)]
    assert published.current_version is not None and published.current_version.number == 2
    assert published.pending_version is None
    # Every version is kept with its content.
    assert PlanVersion.objects.get(plan=published, number=1).snapshot["title"] == old_title


def test_returned_amendment_leaves_the_plan_unchanged_and_can_be_filed_again(published: Plan, who: Actors) -> None:
    services.plan_amend(published, by=who.staff, data={"title": "不合法的变更"}, reason="调整")
    services.plan_legal_check(published, by=who.legal, approve=False, comments="变更依据不足")
    published.refresh_from_db()
    assert published.pending_version is None and published.title != "不合法的变更"
    assert PlanVersion.objects.get(plan=published, number=2).status == VersionStatus.RETURNED
    again = services.plan_amend(published, by=who.staff, data={"title": "补正后的变更"}, reason="补正依据")
    assert again.number == 3


def test_amendment_needs_a_reason(published: Plan, who: Actors) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.plan_amend(published, by=who.staff, data={"title": "x"}, reason=" ")
    assert exc.value.errors[0].field == "reason"


def test_amendment_cannot_change_kind_or_year(published: Plan, who: Actors) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.plan_amend(published, by=who.staff, data={"kind": "joint"}, reason="改类型")
    assert exc.value.errors[0].field == "kind"


def test_drafts_are_edited_not_amended(draft_plan: Plan, who: Actors) -> None:
    with pytest.raises(IllegalTransition) as exc:
        services.plan_amend(draft_plan, by=who.staff, data={"title": "x"}, reason="y")
    assert "草稿" in exc.value.message


def test_one_amendment_at_a_time(published: Plan, who: Actors) -> None:
    services.plan_amend(published, by=who.staff, data={"title": "第一次变更"}, reason="一")
    with pytest.raises(IllegalTransition) as exc:
        services.plan_amend(published, by=who.staff, data={"title": "第二次变更"}, reason="二")
    assert "第 2 版" in exc.value.message


def test_amendment_review_steps_keep_their_order(published: Plan, who: Actors) -> None:
    services.plan_amend(published, by=who.staff, data={"title": "变更"}, reason="一")
    with pytest.raises(IllegalTransition) as exc:
        services.plan_justice_review(published, by=who.reviewer, approve=True)
    assert "待法规处审核" in exc.value.message


def test_tasks_can_still_be_created_while_an_amendment_is_under_review(published: Plan, who: Actors,
                                                                       lead_items: list[Any]) -> None:
    services.plan_amend(published, by=who.staff, data={"title": "变更"}, reason="一")
    task = services.task_create(by=who.staff, data={"plan": published, "name": "任务", "items": lead_items[:1],
                                                    "window_start_on": published.planned_start_on,
                                                    "window_end_on": published.planned_end_on})
    assert task.pk
