"""Who may review: the legal affairs office of the plan's own department; the justice bureau of the same
level whose jurisdiction contains the plan's department [003]. Everyone else gets 403, audited."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.core.exceptions import NotPermitted
from jianguan.core.models import AuditEvent
from jianguan.plans import selectors, services
from jianguan.plans.choices import PlanStatus
from jianguan.plans.models import Plan, PlanEvent
from jianguan.plans.tests.helpers import Actors, advance, plan_data

pytestmark = pytest.mark.django_db


def test_legal_officer_of_another_department_gets_403_and_the_denial_is_audited(
    draft_plan: Plan, who: Actors, county_legal: Any,
) -> None:
    plan = advance(draft_plan, PlanStatus.SUBMITTED, who)
    with pytest.raises(NotPermitted) as exc:
        services.plan_legal_check(plan, by=county_legal, approve=True)
    assert "湘潭市市场监督管理局" in exc.value.message
    assert AuditEvent.objects.filter(action="permission.denied", actor_id=county_legal.pk,
                                     target_id=str(plan.pk)).exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert not PlanEvent.objects.filter(plan=plan, actor=county_legal).exists()


@pytest.mark.parametrize("persona", ["city_staff", "city_admin", "justice_reviewer", "oversight", "platform_admin"])
def test_only_a_legal_officer_does_the_legality_check(persona: str, request: Any, draft_plan: Plan,
                                                      who: Actors) -> None:
    plan = advance(draft_plan, PlanStatus.SUBMITTED, who)
    with pytest.raises(NotPermitted):
        services.plan_legal_check(plan, by=request.getfixturevalue(persona), approve=True)


def test_county_justice_bureau_cannot_review_a_city_plan(draft_plan: Plan, who: Actors,
                                                         county_justice_reviewer: Any) -> None:
    plan = advance(draft_plan, PlanStatus.LEGAL_CHECKED, who)
    with pytest.raises(NotPermitted) as exc:
        services.plan_justice_review(plan, by=county_justice_reviewer, approve=True)
    assert "同级司法局" in exc.value.message
    assert AuditEvent.objects.filter(action="permission.denied", actor_id=county_justice_reviewer.pk).exists()


def test_county_justice_bureau_reviews_the_plans_of_its_own_county(
    county_staff: Any, county_legal: Any, county_justice_reviewer: Any, justice_reviewer: Any,
) -> None:
    from jianguan.plans.tests.helpers import item

    plan = services.plan_create(by=county_staff, data=plan_data([item(county_staff.department)]))
    county = Actors(county_staff, county_legal, county_justice_reviewer)
    advance(plan, PlanStatus.LEGAL_CHECKED, county)
    # The city justice bureau is of another level: it may not review a county plan.
    with pytest.raises(NotPermitted):
        services.plan_justice_review(plan, by=justice_reviewer, approve=True)
    assert services.plan_justice_review(plan, by=county_justice_reviewer, approve=True).status == PlanStatus.APPROVED


def test_justice_bureau_of_another_county_cannot_review(county_staff: Any, county_legal: Any,
                                                        county_justice_reviewer: Any) -> None:
    from jianguan.accounts.factories import UserFactory
    from jianguan.accounts.roles import Role
    from jianguan.organizations.factories import DepartmentFactory
    from jianguan.organizations.models import Region
    from jianguan.plans.tests.helpers import item

    other = DepartmentFactory(name="湘潭市岳塘区司法局", region=Region.objects.get(code="430304"), level=3,
                              kind="justice_bureau")
    reviewer = UserFactory(role=Role.JUSTICE_REVIEWER, department=other)
    plan = services.plan_create(by=county_staff, data=plan_data([item(county_staff.department)]))
    advance(plan, PlanStatus.LEGAL_CHECKED, Actors(county_staff, county_legal, county_justice_reviewer))
    with pytest.raises(NotPermitted):
        services.plan_justice_review(plan, by=reviewer, approve=True)


def test_inboxes_show_what_awaits_each_reviewer(draft_plan: Plan, who: Actors, county_legal: Any,
                                                county_justice_reviewer: Any, city_staff: Any) -> None:
    plan = advance(draft_plan, PlanStatus.SUBMITTED, who)
    assert list(selectors.legal_inbox(who.legal)) == [plan]
    assert list(selectors.legal_inbox(county_legal)) == []
    assert list(selectors.legal_inbox(city_staff)) == []
    assert list(selectors.justice_inbox(who.reviewer)) == []
    services.plan_legal_check(plan, by=who.legal, approve=True)
    assert list(selectors.legal_inbox(who.legal)) == []
    assert list(selectors.justice_inbox(who.reviewer)) == [plan]
    assert list(selectors.justice_inbox(county_justice_reviewer)) == []
