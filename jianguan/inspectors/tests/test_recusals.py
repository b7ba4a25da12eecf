"""Recusals (回避): a reason is required, one active recusal per pair, only for one's own inspectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.core.exceptions import Conflict, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.entities.factories import EntityFactory
from jianguan.inspectors import selectors, services
from jianguan.inspectors.factories import InspectorFactory, RecusalFactory
from jianguan.inspectors.tests.conftest import region

pytestmark = pytest.mark.django_db


def test_a_department_admin_records_a_recusal_for_their_inspector(city_admin: Any, city_insp: Any,
                                                                  city_entity: Any) -> None:
    recusal = services.recusal_create(by=city_admin, data={"inspector": city_insp, "entity": city_entity,
                                                           "reason": "  配偶在该公司任财务负责人 "})
    assert recusal.department == city_insp.department and recusal.is_active
    assert recusal.reason == "配偶在该公司任财务负责人" and recusal.created_by_id == city_admin.pk
    assert AuditEvent.objects.filter(action="recusal.created", target_id=str(recusal.pk)).exists()


def test_a_recusal_without_a_reason_is_refused(city_admin: Any, city_insp: Any, city_entity: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.recusal_create(by=city_admin, data={"inspector": city_insp, "entity": city_entity, "reason": "  "})
    assert [(e.field, e.code) for e in exc.value.errors] == [("reason", "required")]


def test_a_second_active_recusal_of_the_same_pair_is_a_conflict(city_admin: Any, city_insp: Any,
                                                                city_entity: Any) -> None:
    services.recusal_create(by=city_admin, data={"inspector": city_insp, "entity": city_entity, "reason": "亲属"})
    with pytest.raises(Conflict) as exc:
        services.recusal_create(by=city_admin, data={"inspector": city_insp, "entity": city_entity, "reason": "再次"})
    assert exc.value.errors[0].field == "entity"


def test_a_pair_may_be_recused_again_after_the_old_recusal_ended(city_admin: Any, city_insp: Any,
                                                                 city_entity: Any) -> None:
    first = services.recusal_create(by=city_admin, data={"inspector": city_insp, "entity": city_entity, "reason": "亲属"})
    services.recusal_deactivate(first, by=city_admin)
    second = services.recusal_create(by=city_admin, data={"inspector": city_insp, "entity": city_entity,
                                                          "reason": "再次任职"})
    assert second.pk != first.pk
    first.refresh_from_db()
    assert not first.is_active and first.deactivated_by_id == city_admin.pk


def test_a_recusal_of_an_inspector_the_user_may_not_edit_names_the_inspector(
    city_admin: Any, county_insp: Any, city_entity: Any
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.recusal_create(by=city_admin, data={"inspector": county_insp, "entity": city_entity, "reason": "x"})
    assert [(e.field, e.code) for e in exc.value.errors] == [("inspector", "not_editable")]


def test_a_recusal_of_an_entity_the_user_cannot_see_is_refused(city_admin: Any, city_insp: Any,
                                                               gd_entity: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.recusal_create(by=city_admin, data={"inspector": city_insp, "entity": gd_entity, "reason": "x"})
    assert [(e.field, e.code) for e in exc.value.errors] == [("entity", "not_visible")]


def test_an_inspector_out_of_the_directory_needs_no_recusal(city_admin: Any, city_insp: Any,
                                                            city_entity: Any) -> None:
    services.inspector_deactivate(city_insp, by=city_admin)
    with pytest.raises(ValidationFailed) as exc:
        services.recusal_create(by=city_admin, data={"inspector": city_insp, "entity": city_entity, "reason": "x"})
    assert exc.value.errors[0].code == "inactive"


def test_division_staff_cannot_record_recusals(city_staff: Any, city_insp: Any, city_entity: Any) -> None:
    with pytest.raises(NotPermitted):
        services.recusal_create(by=city_staff, data={"inspector": city_insp, "entity": city_entity, "reason": "x"})


def test_only_the_owning_department_ends_a_recusal(city_admin: Any, county_insp: Any) -> None:
    recusal: Any = RecusalFactory(inspector=county_insp)
    with pytest.raises(NotPermitted):
        services.recusal_deactivate(recusal, by=city_admin)


def test_recused_pairs_lists_the_active_recusals_of_the_departments(
    city_insp: Any, county_insp: Any, gd_insp: Any, city_entity: Any
) -> None:
    active: Any = RecusalFactory(inspector=city_insp, entity=city_entity)
    RecusalFactory(inspector=city_insp, is_active=False)
    other: Any = RecusalFactory(inspector=county_insp, entity=city_entity)
    RecusalFactory(inspector=gd_insp)
    pairs = selectors.recused_pairs([city_insp.department_id, county_insp.department_id])
    assert pairs == {(active.inspector_id, active.entity_id), (other.inspector_id, other.entity_id)}


def test_drawable_inspectors_are_active_qualified_and_certified_on_the_day(
    city_dept: Any, food: Any, equipment: Any
) -> None:
    day = dt.date(2026, 5, 1)
    ok: Any = InspectorFactory(department=city_dept, qualifications=[food, equipment])
    InspectorFactory(department=city_dept, qualifications=[food], is_active=False)
    InspectorFactory(department=city_dept, qualifications=[food], certificate_expires_on=dt.date(2026, 4, 30))
    valid_to_the_day: Any = InspectorFactory(department=city_dept, qualifications=[food], certificate_expires_on=day)
    InspectorFactory(department=city_dept, qualifications=[equipment])
    drawn = selectors.drawable_inspectors(department_ids=[city_dept.pk], domain_codes=["food_safety"], on=day)
    assert set(drawn) == {ok, valid_to_the_day}
    both = selectors.drawable_inspectors(department_ids=[city_dept.pk], domain_codes=["food_safety",
                                                                                    "special_equipment"], on=day)
    assert list(both) == [ok]


def test_recusals_follow_the_department_scope(county_staff: Any, peer_staff: Any, county_insp: Any) -> None:
    recusal: Any = RecusalFactory(inspector=county_insp, entity=EntityFactory(region=region("430302")))
    assert list(selectors.recusal_list(user=county_staff)) == [recusal]
    assert list(selectors.recusal_list(user=peer_staff)) == []
