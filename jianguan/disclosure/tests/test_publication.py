"""Publication (一公开): only reviewed results, in the publicity system's shape, on time, once, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jianguan.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.disclosure import services
from jianguan.disclosure.choices import InspectionType, PublicationStatus, WithholdReason
from jianguan.disclosure.factories import reviewed_visit
from jianguan.disclosure.models import Publication, PublishedResult
from jianguan.disclosure.tests.conftest import make_task
from jianguan.entities.factories import EntityFactory
from jianguan.inspections import deadlines

pytestmark = pytest.mark.django_db


def test_publishing_a_reviewed_visit_makes_an_entry_in_the_publicity_systems_shape(published: Any, visit: Any,
                                                                                  task: Any, city_dept: Any) -> None:
    assert published.status == PublicationStatus.PUBLISHED
    assert (published.plan_title, published.task_name) == (task.plan.title, task.name)
    assert published.inspection_type == InspectionType.RANDOM
    assert published.authority == city_dept.name
    assert published.completed_on == visit.completed_on
    lines = list(published.results.order_by("position").values_list("item_code", "result_label", "is_problem"))
    codes = sorted(i.code for i in task.items.all())
    assert lines == [(codes[0], "未发现问题", False), (codes[1], "发现问题已责令改正", True)]


def test_the_team_is_published_with_names_and_certificate_numbers_but_never_phones(published: Any,
                                                                                  team: list[Any]) -> None:
    assert [m["name"] for m in published.team] == ["王建军", "李秀英"]
    assert [m["certificate_no"] for m in published.team] == [i.certificate_no for i in team]
    assert "138" not in str(published.team)


def test_publication_is_audited(published: Any) -> None:
    event = AuditEvent.objects.get(action="publication.published", target_id=str(published.pk))
    assert event.after is not None and event.after["results"][1][1] == "rectified"


def test_publication_without_review_is_refused_naming_the_visit_and_the_record(task: Any, team: list[Any],
                                                                               city_staff: Any) -> None:
    entity = EntityFactory.create(name="湘潭市待审核商贸有限公司")
    visit = reviewed_visit(task, entity, team, approved=False)
    with pytest.raises(ValidationFailed) as err:
        services.publication_publish(visit, by=city_staff)
    assert err.value.code == "not_reviewed"
    messages = [e.message for e in err.value.errors]
    assert any("湘潭市待审核商贸有限公司" in m and "尚未经处室负责人审核" in m for m in messages)
    first_item = min(task.items.all(), key=lambda i: i.code)
    assert any(first_item.code in m and "尚未审核通过" in m for m in messages)
    assert not Publication.objects.exists() and not PublishedResult.objects.exists()


def test_a_visit_is_published_once(published: Any, visit: Any, city_staff: Any) -> None:
    with pytest.raises(Conflict):
        services.publication_publish(visit, by=city_staff)


def test_publishing_a_task_is_all_or_nothing_when_one_visit_is_not_reviewed(task: Any, visit: Any, team: list[Any],
                                                                             city_staff: Any) -> None:
    reviewed_visit(task, EntityFactory.create(name="湘潭市未审核二号店"), team, approved=False)
    with pytest.raises(ValidationFailed) as err:
        services.publish_task_results(task, by=city_staff)
    assert "湘潭市未审核二号店" in err.value.message
    assert Publication.objects.count() == 0


def test_publishing_a_task_publishes_every_reviewed_visit(task: Any, visit: Any, team: list[Any],
                                                         city_staff: Any) -> None:
    reviewed_visit(task, EntityFactory.create(), team)
    done = services.publish_task_results(task, by=city_staff)
    assert len(done) == 2 and Publication.objects.filter(status=PublicationStatus.PUBLISHED).count() == 2
    with pytest.raises(ValidationFailed) as err:
        services.publish_task_results(task, by=city_staff)
    assert err.value.code == "nothing_to_publish"


def test_results_due_seven_working_days_after_the_task_ends_and_the_flag_shows_it(city_dept: Any, items: list[Any],
                                                                                 team: list[Any],
                                                                                 city_staff: Any) -> None:
    long_ago = make_task(city_dept, items, window_end_on=timezone.localdate() - dt.timedelta(days=40))
    late = services.publication_publish(reviewed_visit(long_ago, EntityFactory.create(), team,
                                                       inspected_on=long_ago.window_end_on), by=city_staff)
    expected = deadlines.task_deadlines(long_ago.window_end_on, deadlines.rule_for("430300")).publication_due_on
    assert (late.due_on, late.is_on_time) == (expected, False)


def test_results_published_within_the_deadline_are_on_time(published: Any, task: Any) -> None:
    assert published.is_on_time is True and published.due_on > task.window_end_on


def test_only_the_inspecting_department_publishes(visit: Any, county_staff: Any, outsider: Any, city_legal: Any,
                                                  city_admin: Any) -> None:
    with pytest.raises(NotPermitted):
        services.publication_publish(visit, by=city_legal)  # reads, may not publish
    with pytest.raises(OutOfScope):
        services.publication_publish(visit, by=county_staff)  # a lower level never reads the city's visits
    with pytest.raises(OutOfScope):
        services.publication_publish(visit, by=outsider)
    assert services.publication_publish(visit, by=city_admin).is_published


def test_withholding_needs_a_legal_ground_and_a_basis(visit: Any, city_staff: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.publication_withhold(visit, by=city_staff, reason="inconvenient", basis="")
    assert {e.field for e in err.value.errors} == {"reason", "basis"}
    assert not Publication.objects.exists()


def test_a_withheld_result_is_kept_recorded_and_audited_but_not_public(visit: Any, city_staff: Any) -> None:
    pub = services.publication_withhold(visit, by=city_staff, reason=WithholdReason.TRADE_SECRET,
                                        basis="涉及企业配方工艺，依《政府信息公开条例》第十五条不予公开")
    assert (pub.status, pub.published_at, pub.results.count()) == (PublicationStatus.WITHHELD, None, 2)
    assert not Publication.objects.visible_to(None).exists()
    assert AuditEvent.objects.filter(action="publication.withheld", target_id=str(pub.pk)).exists()


def test_taking_down_and_releasing_a_publication(published: Any, city_staff: Any) -> None:
    down = services.publication_withhold(published, by=city_staff, reason=WithholdReason.PERSONAL_PRIVACY,
                                         basis="检查情况涉及个人隐私")
    assert not Publication.objects.visible_to(None).filter(pk=down.pk).exists()
    up = services.publication_release(down, by=city_staff)
    assert up.is_published and up.objection_deadline_on is not None
    assert Publication.objects.visible_to(None).filter(pk=up.pk).exists()
