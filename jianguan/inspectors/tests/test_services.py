"""Inspector services: validation names the field and the rule; every change is kept and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jianguan.accounts.factories import UserFactory
from jianguan.accounts.roles import Role
from jianguan.core.exceptions import NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.inspectors import services
from jianguan.inspectors.choices import InspectorCategory, VersionAction
from jianguan.inspectors.factories import RecusalFactory
from jianguan.inspectors.models import Inspector, mask_phone
from jianguan.inspectors.tests.conftest import region

pytestmark = pytest.mark.django_db


def data(**overrides: Any) -> dict[str, Any]:
    base = {"name": "周建国", "category": InspectorCategory.CIVIL_SERVANT, "certificate_no": "湘4303123456"}
    return base | overrides


def errors_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.code for e in exc.value.errors}


def test_a_department_admin_adds_an_inspector_to_their_own_directory(city_admin: Any, food: Any) -> None:
    inspector = services.inspector_create(by=city_admin, data=data(qualifications=[food], phone="13812345678"))
    assert inspector.department == city_admin.department
    assert inspector.region_id == "430300"  # the department's own region when none is given
    assert list(inspector.qualifications.values_list("code", flat=True)) == ["food_safety"]
    version = inspector.versions.get()
    assert version.action == VersionAction.CREATED and version.changed_by_id == city_admin.pk
    assert version.changes["certificate_no"] == [None, "湘4303123456"]
    assert AuditEvent.objects.filter(action="inspector.created", target_id=str(inspector.pk)).exists()


def test_the_certificate_number_is_trimmed_and_upper_cased(city_admin: Any) -> None:
    inspector = services.inspector_create(by=city_admin, data=data(certificate_no="  湘4303 ab1234 "))
    assert inspector.certificate_no == "湘4303AB1234"


def test_a_duplicate_certificate_number_is_refused_whatever_its_case(city_admin: Any, county_insp: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspector_create(by=city_admin, data=data(certificate_no=county_insp.certificate_no.lower() + " "))
    assert errors_of(exc) == {"certificate_no": "duplicate"}
    assert "不得重复" in exc.value.message


def test_a_duty_region_outside_the_departments_jurisdiction_is_refused(city_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspector_create(by=city_admin, data=data(region=region("430100")))
    assert errors_of(exc) == {"region": "outside_jurisdiction"}
    assert "辖区" in exc.value.errors[0].message


def test_a_duty_region_inside_the_jurisdiction_is_accepted(city_admin: Any) -> None:
    assert services.inspector_create(by=city_admin, data=data(region=region("430304"))).region_id == "430304"


def test_a_login_of_another_department_cannot_be_linked(city_admin: Any, county_staff: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspector_create(by=city_admin, data=data(user=county_staff))
    assert errors_of(exc) == {"user": "other_department"}


def test_a_login_is_linked_to_at_most_one_inspector(city_admin: Any, city_inspector: Any) -> None:
    services.inspector_create(by=city_admin, data=data(user=city_inspector))
    with pytest.raises(ValidationFailed) as exc:
        services.inspector_create(by=city_admin, data=data(certificate_no="湘4303999999", user=city_inspector))
    assert errors_of(exc) == {"user": "duplicate"}


def test_a_department_admin_cannot_add_inspectors_to_another_department(city_admin: Any, county_dept: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspector_create(by=city_admin, data=data(department=county_dept, region=region("430302")))
    assert errors_of(exc) == {"department": "out_of_scope"}


def test_every_broken_rule_is_reported_at_once(city_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspector_create(by=city_admin, data=data(name="", category="boss", certificate_no="x",
                                                            phone="12345"))
    assert errors_of(exc) == {"name": "required", "category": "invalid_choice", "certificate_no": "invalid_format",
                              "phone": "invalid_phone"}


def test_an_inactive_domain_is_not_a_qualification(city_admin: Any, food: Any) -> None:
    food.is_active = False
    food.save()
    with pytest.raises(ValidationFailed) as exc:
        services.inspector_create(by=city_admin, data=data(qualifications=[food]))
    assert errors_of(exc) == {"qualifications": "inactive"}


def test_nothing_is_written_when_validation_fails(city_admin: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.inspector_create(by=city_admin, data=data(region=region("440300")))
    assert not Inspector.objects.exists()
    assert not AuditEvent.objects.filter(action="inspector.created").exists()


def test_an_update_keeps_a_version_with_before_and_after(city_admin: Any, city_insp: Any, equipment: Any) -> None:
    services.inspector_update(city_insp, by=city_admin, data={"name": "王建军二", "qualifications": [equipment],
                                                             "certificate_expires_on": dt.date(2029, 6, 30)})
    version = city_insp.versions.get()
    assert version.action == VersionAction.UPDATED
    assert version.changes == {"name": ["王建军", "王建军二"], "certificate_expires_on": [None, "2029-06-30"],
                               "qualifications": [["food_safety"], ["special_equipment"]]}
    event: Any = AuditEvent.objects.get(action="inspector.updated")
    assert event.before["name"] == "王建军" and event.after["name"] == "王建军二"


def test_an_update_that_changes_nothing_writes_no_version(city_admin: Any, city_insp: Any) -> None:
    services.inspector_update(city_insp, by=city_admin, data={"name": city_insp.name})
    assert not city_insp.versions.exists()
    assert not AuditEvent.objects.filter(action="inspector.updated").exists()


def test_an_update_is_validated_like_a_create(city_admin: Any, city_insp: Any, county_insp: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspector_update(city_insp, by=city_admin, data={"certificate_no": county_insp.certificate_no})
    assert errors_of(exc) == {"certificate_no": "duplicate"}


def test_staff_without_the_directory_role_cannot_update(city_staff: Any, city_insp: Any) -> None:
    with pytest.raises(NotPermitted):
        services.inspector_update(city_insp, by=city_staff, data={"name": "x"})


def test_deactivation_keeps_the_person_and_their_history(city_admin: Any, city_insp: Any) -> None:
    services.inspector_deactivate(city_insp, by=city_admin)
    city_insp.refresh_from_db()
    assert city_insp.is_active is False
    assert city_insp.versions.get().action == VersionAction.DEACTIVATED
    services.inspector_reactivate(city_insp, by=city_admin)
    assert [v.action for v in city_insp.versions.order_by("version")] == ["deactivated", "reactivated"]
    assert AuditEvent.objects.filter(action="inspector.deactivated").count() == 1


def test_moving_an_inspector_to_another_department_moves_their_recusals(
    platform_admin: Any, city_insp: Any, county_dept: Any
) -> None:
    recusal: Any = RecusalFactory(inspector=city_insp)
    services.inspector_update(city_insp, by=platform_admin, data={"department": county_dept, "region": region("430302")})
    recusal.refresh_from_db()
    assert recusal.department == county_dept


def test_a_user_must_belong_to_the_new_department_when_the_inspector_moves(
    platform_admin: Any, city_insp: Any, city_inspector: Any, county_dept: Any
) -> None:
    services.inspector_update(city_insp, by=platform_admin, data={"user": city_inspector})
    with pytest.raises(ValidationFailed) as exc:
        services.inspector_update(city_insp, by=platform_admin,
                                  data={"department": county_dept, "region": region("430302")})
    assert errors_of(exc) == {"user": "other_department"}


def test_phone_numbers_are_masked_keeping_the_first_three_and_last_four_digits() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0731-58212345") == "073******2345"
    assert mask_phone("") == ""


def test_a_platform_admin_adds_inspectors_to_any_department(platform_admin: Any, other_province_dept: Any) -> None:
    inspector = services.inspector_create(by=platform_admin, data=data(department=other_province_dept,
                                                                        certificate_no="粤4400123456"))
    assert inspector.region_id == "440000"


def test_an_inspector_login_belongs_to_the_same_department(city_admin: Any) -> None:
    login: Any = UserFactory(role=Role.INSPECTOR, department=city_admin.department)
    inspector = services.inspector_create(by=city_admin, data=data(user=login))
    assert login.inspector_profile == inspector
