from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from jianguan.core.exceptions import Conflict, IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.entities import selectors, services
from jianguan.entities.factories import EntityFactory, TagFactory
from jianguan.entities.models import Entity, EntityVersion, Industry, draw_block_for, mask_person_name
from jianguan.entities.uscc import generate_uscc
from jianguan.organizations.models import Region

pytestmark = pytest.mark.django_db


def _data(**extra: Any) -> dict[str, Any]:
    return {
        "uscc": generate_uscc(random.Random(42), "430302"), "name": "湘潭市雨湖区博远科技有限公司",
        "industry": "65", "region": "430302", "legal_representative": "欧阳修文",
        "registered_on": dt.date(2019, 3, 1), "credit_grade": "B", "credit_grade_on": dt.date(2024, 1, 10),
        **extra,
    }


def _field_of(exc: pytest.ExceptionInfo[Any]) -> list[str]:
    return [e.field for e in exc.value.errors]


def test_industries_hold_the_20_sections_and_97_divisions_of_gbt_4754_2017() -> None:
    assert Industry.objects.filter(level="section").count() == 20
    assert Industry.objects.filter(level="division").count() == 97
    assert Industry.objects.get(code="52").name == "零售业" and Industry.objects.get(code="52").section == "F"
    assert Industry.objects.get(code="97").section == "T"


def test_staff_create_an_entity_maintained_by_their_department_with_history_and_audit(county_staff: Any) -> None:
    entity = services.entity_create(by=county_staff, data=_data(tags=["高新技术企业"], licences=["增值电信业务经营许可证:湘B2-20190001"]))
    assert entity.department_id == county_staff.department_id
    assert entity.section == "I" and entity.kind == "enterprise" and entity.status == "operating"
    assert bytes(entity.draw_block) == draw_block_for(entity.uscc) and len(bytes(entity.draw_block)) == 16
    version = EntityVersion.objects.get(entity=entity)
    assert version.version == 1 and version.action == "created" and version.changed_by_id == county_staff.pk
    assert version.changes["after"]["tags"] == ["高新技术企业"]
    assert AuditEvent.objects.filter(action="entity.created", target_id=str(entity.pk)).exists()


def test_a_bad_check_character_names_the_uscc_field_and_the_expected_character(county_staff: Any) -> None:
    good = _data()["uscc"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        services.entity_create(by=county_staff, data=_data(uscc=bad))
    assert _field_of(exc) == ["uscc"] and f"应为 {good[17]}" in exc.value.errors[0].message


def test_a_duplicate_uscc_is_a_conflict_on_the_uscc_field(county_staff: Any, county_entity: Entity) -> None:
    with pytest.raises(Conflict) as exc:
        services.entity_create(by=county_staff, data=_data(uscc=county_entity.uscc))
    assert _field_of(exc) == ["uscc"]


def test_a_region_outside_the_users_jurisdiction_names_the_region_field(county_staff: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.entity_create(by=county_staff, data=_data(region="430304"))
    assert _field_of(exc) == ["region"] and "不在您的辖区内" in exc.value.errors[0].message
    assert not Entity.objects.exists()


def test_an_unknown_region_and_an_unknown_industry_are_both_named(county_staff: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.entity_create(by=county_staff, data=_data(region="439999", industry="99"))
    assert set(_field_of(exc)) == {"region", "industry"}
    assert any("未知的行业代码 99" in e.message for e in exc.value.errors)


def test_a_section_letter_is_not_an_industry_division(county_staff: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.entity_create(by=county_staff, data=_data(industry="F"))
    assert _field_of(exc) == ["industry"]


def test_dates_in_the_future_or_out_of_order_are_rejected(county_staff: Any) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ValidationFailed) as exc:
        services.entity_create(by=county_staff, data=_data(registered_on=tomorrow))
    assert "registered_on" in _field_of(exc)
    with pytest.raises(ValidationFailed) as exc:
        services.entity_create(by=county_staff, data=_data(registered_on=dt.date(2020, 1, 1),
                                                           credit_grade_on=dt.date(2019, 1, 1)))
    assert _field_of(exc) == ["credit_grade_on"]


def test_the_platform_admin_must_name_the_maintaining_department(platform_admin: Any, county_dept: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.entity_create(by=platform_admin, data=_data())
    assert _field_of(exc) == ["department"]
    entity = services.entity_create(by=platform_admin, data=_data(department=county_dept.code))
    assert entity.department == county_dept


def test_the_region_must_lie_in_the_maintaining_departments_jurisdiction(platform_admin: Any, county_dept: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.entity_create(by=platform_admin, data=_data(region="430304", department=county_dept))
    assert _field_of(exc) == ["region"] and "录入部门" in exc.value.errors[0].message


def test_an_update_keeps_a_new_version_with_before_and_after(county_staff: Any, county_entity: Entity) -> None:
    services.entity_update(county_entity, by=county_staff, data={"credit_grade": "D", "address": "新地址 8 号"})
    county_entity.refresh_from_db()
    assert county_entity.credit_grade == "D" and county_entity.version == 1
    latest = selectors.entity_history(entity=county_entity).first()
    assert latest is not None and latest.action == "updated"
    assert latest.changes["before"]["credit_grade"] == "B" and latest.changes["after"]["credit_grade"] == "D"
    event = AuditEvent.objects.get(action="entity.updated", target_id=str(county_entity.pk))
    assert event.after == {"credit_grade": "D", "address": "新地址 8 号"}


def test_an_update_that_changes_nothing_writes_no_version(county_staff: Any, county_entity: Entity) -> None:
    services.entity_update(county_entity, by=county_staff, data={"name": county_entity.name})
    assert not EntityVersion.objects.filter(entity=county_entity).exists()


def test_changing_the_uscc_recomputes_the_draw_block(county_staff: Any, county_entity: Entity) -> None:
    new = generate_uscc(random.Random(99), "430302")
    services.entity_update(county_entity, by=county_staff, data={"uscc": new})
    county_entity.refresh_from_db()
    assert bytes(county_entity.draw_block) == draw_block_for(new)


def test_a_competent_department_may_edit_an_entity_it_does_not_maintain(county_entity: Entity) -> None:
    from jianguan.accounts.factories import UserFactory
    from jianguan.organizations.factories import DepartmentFactory

    commerce = DepartmentFactory.create(name="湘潭市商务局", kind="industry_authority", sector="商务")
    commerce_staff = UserFactory.create(role="division_staff", department=commerce)
    with pytest.raises(NotPermitted):
        services.entity_update(county_entity, by=commerce_staff, data={"address": "x"})
    county_entity.competent_departments.add(commerce)
    services.entity_update(county_entity, by=commerce_staff, data={"legal_representative": "李四"})
    county_entity.refresh_from_db()
    assert county_entity.legal_representative == "李四"


def test_staff_cannot_move_an_entity_out_of_their_jurisdiction(county_staff: Any, county_entity: Entity) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.entity_update(county_entity, by=county_staff, data={"region": "430304"})
    assert _field_of(exc) == ["region"]


def test_deactivate_keeps_the_row_and_records_it(county_staff: Any, county_entity: Entity) -> None:
    services.entity_deactivate(county_entity, by=county_staff)
    county_entity.refresh_from_db()
    assert not county_entity.is_active
    assert EntityVersion.objects.filter(entity=county_entity, action="deactivated").exists()
    assert AuditEvent.objects.filter(action="entity.deactivated", target_id=str(county_entity.pk)).exists()
    with pytest.raises(IllegalTransition):
        services.entity_deactivate(county_entity, by=county_staff)


def test_tags_and_licences_are_replaced_as_a_set(county_staff: Any, county_entity: Entity) -> None:
    tag = TagFactory.create(code="FOOD", name="食品经营")
    services.entity_update(county_entity, by=county_staff, data={
        "tags": ["FOOD"], "licences": [{"kind": "食品经营许可证", "number": "JY1", "expires_on": dt.date(2027, 1, 1)}]})
    services.entity_update(county_entity, by=county_staff, data={"licences": ["食品经营许可证:JY1", "烟草专卖零售许可证:Y2"]})
    assert list(county_entity.tags.all()) == [tag]
    lic = {(x.kind, x.number): x for x in county_entity.licences.all()}
    assert set(lic) == {("食品经营许可证", "JY1"), ("烟草专卖零售许可证", "Y2")}
    assert lic[("食品经营许可证", "JY1")].expires_on == dt.date(2027, 1, 1)  # kept, not recreated


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("欧阳修文", "欧阳**"), ("欧阳", "欧*"),
                                             ("李", "李"), ("", ""), ("司马相如", "司马**")])
def test_legal_representatives_are_masked_for_publication(name: str, masked: str) -> None:
    assert mask_person_name(name) == masked


def test_the_list_filters_combine(county_staff: Any, county_entity: Entity, city_entity: Entity, peer_dept: Any) -> None:
    other = EntityFactory.create(department=peer_dept, region=Region.objects.get(code="430304"), credit_grade=None,
                          industry=Industry.objects.get(code="62"), kind="individual_business")
    other.tags.add(TagFactory.create(code="FOOD"))
    city_user = county_staff  # reads 430302 only
    assert set(selectors.entity_list(user=city_user)) == {county_entity, city_entity}
    from jianguan.accounts.factories import UserFactory

    city_reader = UserFactory.create(role="division_staff", department=city_entity.department)
    everything = selectors.entity_list(user=city_reader)
    assert set(everything) == {county_entity, city_entity, other}
    assert list(selectors.entity_list(user=city_reader, filters={"region": "430304"})) == [other]
    assert list(selectors.entity_list(user=city_reader, filters={"credit_grade": "none"})) == [other]
    assert list(selectors.entity_list(user=city_reader, filters={"industry": "H"})) == [other]
    assert list(selectors.entity_list(user=city_reader, filters={"industry": "62"})) == [other]
    assert list(selectors.entity_list(user=city_reader, filters={"tag": "FOOD"})) == [other]
    assert list(selectors.entity_list(user=city_reader, filters={"kind": "individual_business"})) == [other]
    assert list(selectors.entity_list(user=city_reader, filters={"q": county_entity.uscc[:12]})) in (
        [county_entity], sorted([county_entity, city_entity], key=lambda e: e.uscc))
    assert list(selectors.entity_list(user=city_reader, filters={"q": "莲城"})) == [city_entity]
    county_entity.competent_departments.add(peer_dept)
    assert list(selectors.entity_list(user=city_reader, filters={"competent_department": peer_dept.code})) == [county_entity]
