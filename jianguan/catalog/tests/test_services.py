"""Services: validation naming field and rule, version history, workflow, deactivation, quarterly filing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jianguan.catalog import selectors, services, workflow
from jianguan.catalog.choices import PublicationState
from jianguan.catalog.factories import InspectionItemFactory, domain
from jianguan.catalog.models import CatalogItem, InspectionItem, ItemListFiling
from jianguan.catalog.tests.conftest import item_data
from jianguan.core.exceptions import Conflict, IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CATALOG = {
    "code": "430300-ML-100", "name": "对广告发布行为的监督检查", "domain": None, "legal_basis": "《中华人民共和国广告法》第四十九条",
    "supervised_object": "广告主、广告经营者、广告发布者", "measures": "网络监测", "result_handling": "责令改正",
    "implementing_level": "city",
}


def catalog_data(**overrides: Any) -> dict[str, Any]:
    return CATALOG | {"domain": domain("advertising")} | overrides


def fields_of(exc: pytest.ExceptionInfo[Any]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


# ---------------------------------------------------------------- catalog items


def test_staff_create_a_catalog_item_for_their_department_with_version_one_and_an_audit_event(city_staff: Any) -> None:
    item = services.catalog_item_create(by=city_staff, data=catalog_data())
    assert item.department_id == city_staff.department_id and item.version == 1
    assert [v.action for v in selectors.catalog_item_history(item)] == ["created"]
    assert AuditEvent.objects.filter(action="catalog_item.created", target_id=str(item.pk)).exists()


def test_a_catalog_item_needs_a_legal_basis_and_a_unique_code(city_staff: Any, city_catalog_item: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.catalog_item_create(by=city_staff, data=catalog_data(code=city_catalog_item.code, legal_basis=" "))
    errors = fields_of(exc)
    assert "已被使用" in errors["code"]
    assert "设定依据" in errors["legal_basis"]
    assert not CatalogItem.objects.filter(name=CATALOG["name"]).exists()


def test_staff_cannot_create_catalog_items_for_another_department(city_staff: Any, county_dept: Any) -> None:
    with pytest.raises(NotPermitted):
        services.catalog_item_create(by=city_staff, data=catalog_data(department=county_dept))


def test_every_catalog_change_raises_the_version_and_is_kept(city_staff: Any) -> None:
    item = services.catalog_item_create(by=city_staff, data=catalog_data())
    item = services.catalog_item_update(item, by=city_staff, data={"legal_basis": "《广告法》第四十九条、第五十条"})
    item = services.catalog_item_update(item, by=city_staff, data={"legal_basis": "《广告法》第四十九条、第五十条"})
    assert item.version == 2
    history = list(selectors.catalog_item_history(item))
    assert [(v.version, v.action) for v in history] == [(2, "updated"), (1, "created")]
    assert history[0].changes == {"legal_basis": [CATALOG["legal_basis"], "《广告法》第四十九条、第五十条"]}
    assert history[0].changed_by_id == city_staff.pk


def test_the_department_of_a_catalog_item_cannot_be_changed(city_staff: Any, city_catalog_item: Any,
                                                             county_dept: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.catalog_item_update(city_catalog_item, by=city_staff, data={"department": county_dept})
    assert "department" in fields_of(exc)


def test_a_catalog_item_with_active_inspection_items_cannot_be_deactivated(city_staff: Any, draft_item: Any) -> None:
    with pytest.raises(Conflict) as exc:
        services.catalog_item_deactivate(draft_item.catalog_item, by=city_staff)
    assert draft_item.code in exc.value.message
    services.inspection_item_deactivate(draft_item, by=city_staff)
    item = services.catalog_item_deactivate(draft_item.catalog_item, by=city_staff)
    assert not item.is_active and item.version == 2


# ---------------------------------------------------------------- inspection items


def test_an_inspection_item_starts_as_a_draft_of_the_catalog_items_department_and_domain(draft_item: Any,
                                                                                         city_dept: Any) -> None:
    assert draft_item.publication_state == PublicationState.DRAFT
    assert draft_item.department_id == city_dept.pk
    assert draft_item.domain_id == "industrial_product_quality"
    assert draft_item.methods == "onsite,sampling"
    assert draft_item.frequency == "每年1次" and draft_item.min_inspectors == 2
    assert draft_item.default_ratio_pct == Decimal("5.00")


def test_a_general_item_outside_three_to_twenty_percent_names_the_field_and_rule(
    city_staff: Any, city_catalog_item: Any
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspection_item_create(by=city_staff, data=item_data(city_catalog_item, default_ratio_pct=Decimal("2.5")))
    assert fields_of(exc)["default_ratio_pct"] == "一般检查事项的抽查比例须在 3%–20% 之间 [003]"
    assert not InspectionItem.objects.exists()


def test_a_key_item_below_twenty_percent_is_refused(city_staff: Any, city_catalog_item: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspection_item_create(by=city_staff, data=item_data(city_catalog_item, kind="key",
                                                                      default_ratio_pct=Decimal("19.99")))
    assert "20%" in fields_of(exc)["default_ratio_pct"]


def test_a_special_area_item_is_full_coverage_without_a_ratio(city_staff: Any, food_catalog_item: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspection_item_create(by=city_staff, data=item_data(food_catalog_item, kind="special"))
    assert "全覆盖" in fields_of(exc)["default_ratio_pct"]
    item = services.inspection_item_create(by=city_staff, data=item_data(food_catalog_item, kind="special",
                                                                         default_ratio_pct=None))
    assert item.is_full_coverage and item.default_ratio_pct is None


def test_only_special_key_area_domains_may_be_full_coverage_items(city_staff: Any, city_catalog_item: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspection_item_create(by=city_staff, data=item_data(city_catalog_item, kind="special",
                                                                      default_ratio_pct=None))
    assert "不是特殊重点领域" in fields_of(exc)["kind"]


def test_fewer_than_two_inspectors_and_no_method_are_refused(city_staff: Any, city_catalog_item: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspection_item_create(by=city_staff, data=item_data(city_catalog_item, min_inspectors=1,
                                                                      methods=[], times_per_year=0))
    assert set(fields_of(exc)) == {"min_inspectors", "methods", "times_per_year"}


def test_an_item_must_rest_on_a_catalog_item_of_its_own_department(
    city_staff: Any, other_catalog_item: Any, city_dept: Any
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.inspection_item_create(by=city_staff, data=item_data(other_catalog_item, department=city_dept))
    assert "不一致" in fields_of(exc)["catalog_item"]
    with pytest.raises(ValidationFailed) as exc:
        services.inspection_item_create(by=city_staff, data=item_data(None))
    assert "catalog_item" in fields_of(exc)


def test_staff_cannot_list_items_under_another_departments_catalog(county_staff: Any, city_catalog_item: Any) -> None:
    with pytest.raises(NotPermitted):
        services.inspection_item_create(by=county_staff, data=item_data(city_catalog_item))


def test_the_database_refuses_a_ratio_outside_its_kind_even_past_the_services(city_catalog_item: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionItemFactory(catalog_item=city_catalog_item, kind="general", default_ratio_pct=Decimal("25"))
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionItemFactory(catalog_item=city_catalog_item, min_inspectors=1)


def test_updating_an_item_keeps_each_version_with_what_changed(city_staff: Any, draft_item: Any) -> None:
    item = services.inspection_item_update(draft_item, by=city_staff, data={"default_ratio_pct": Decimal("8")})
    item = services.inspection_item_update(item, by=city_staff, data={"kind": "key", "default_ratio_pct": Decimal("30")})
    assert item.version == 3
    history = list(selectors.inspection_item_history(item))
    assert [v.version for v in history] == [3, 2, 1]
    assert history[1].changes == {"default_ratio_pct": ["5.00", "8.00"]}
    assert history[0].changes == {"kind": ["general", "key"], "default_ratio_pct": ["8.00", "30.00"]}
    assert AuditEvent.objects.filter(action="inspection_item.updated", target_id=str(item.pk)).count() == 2


def test_an_update_that_changes_nothing_writes_no_version(city_staff: Any, draft_item: Any) -> None:
    item = services.inspection_item_update(draft_item, by=city_staff, data={"name": draft_item.name})
    assert item.version == 1 and item.versions.count() == 1


def test_an_update_breaking_the_ratio_rule_changes_nothing(city_staff: Any, draft_item: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.inspection_item_update(draft_item, by=city_staff, data={"kind": "key"})
    draft_item.refresh_from_db()
    assert draft_item.kind == "general" and draft_item.version == 1


# ---------------------------------------------------------------- workflow


@pytest.mark.parametrize(("current", "target", "allowed"), [
    ("draft", "published", True),
    ("published", "withdrawn", True),
    ("withdrawn", "published", True),
    ("draft", "withdrawn", False),
    ("published", "published", False),
    ("published", "draft", False),
    ("withdrawn", "draft", False),
    ("withdrawn", "withdrawn", False),
    ("draft", "draft", False),
])
def test_the_publication_workflow_allows_exactly_these_transitions(current: str, target: str, allowed: bool) -> None:
    assert workflow.can_transition(current, target) is allowed
    if not allowed:
        with pytest.raises(IllegalTransition):
            workflow.ensure_transition(current, target)


def test_publish_withdraw_and_publish_again_are_versioned_and_audited(city_legal: Any, draft_item: Any) -> None:
    item = services.inspection_item_publish(draft_item, by=city_legal)
    assert item.publication_state == "published" and item.published_at is not None
    item = services.inspection_item_withdraw(item, by=city_legal)
    assert item.publication_state == "withdrawn" and item.withdrawn_at is not None
    item = services.inspection_item_publish(item, by=city_legal)
    assert [v.action for v in selectors.inspection_item_history(item)] == [
        "published", "withdrawn", "published", "created"]
    assert AuditEvent.objects.filter(action="inspection_item.withdrawn", actor_id=city_legal.pk).exists()


def test_a_draft_cannot_be_withdrawn_nor_a_published_item_published_again(city_staff: Any, draft_item: Any) -> None:
    with pytest.raises(IllegalTransition):
        services.inspection_item_withdraw(draft_item, by=city_staff)
    item = services.inspection_item_publish(draft_item, by=city_staff)
    with pytest.raises(IllegalTransition):
        services.inspection_item_publish(item, by=city_staff)
    item.refresh_from_db()
    assert item.version == 2


def test_publication_makes_an_item_visible_to_the_anonymous_public(city_staff: Any, draft_item: Any) -> None:
    assert not selectors.public_item_list().filter(pk=draft_item.pk).exists()
    assert not InspectionItem.objects.visible_to(None).filter(pk=draft_item.pk).exists()
    services.inspection_item_publish(draft_item, by=city_staff)
    assert selectors.public_item_list().filter(pk=draft_item.pk).exists()
    withdrawn = services.inspection_item_withdraw(draft_item, by=city_staff)
    assert not selectors.public_item_list().filter(pk=withdrawn.pk).exists()


def test_deactivating_a_published_item_withdraws_it_from_the_public_list(city_staff: Any, draft_item: Any) -> None:
    services.inspection_item_publish(draft_item, by=city_staff)
    item = services.inspection_item_deactivate(draft_item, by=city_staff)
    assert not item.is_active and item.publication_state == "withdrawn"
    assert not selectors.public_item_list().exists()
    with pytest.raises(IllegalTransition):
        services.inspection_item_publish(item, by=city_staff)


def test_publishing_rechecks_the_rules(city_staff: Any, draft_item: Any) -> None:
    InspectionItem.objects.filter(pk=draft_item.pk).update(methods="")
    draft_item.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        services.inspection_item_publish(draft_item, by=city_staff)
    assert "methods" in fields_of(exc)


# ---------------------------------------------------------------- quarterly filing


def test_filing_a_quarter_records_count_and_hash_of_the_published_list(
    city_legal: Any, city_dept: Any, draft_item: Any, published_item: Any
) -> None:
    quarter = services.quarter_of(timezone.localdate())
    filing = services.item_list_file_quarter(city_dept, quarter, by=city_legal)
    assert filing.item_count == 1  # drafts are not on the public list
    assert filing.list_sha256 == services.list_sha256(selectors.canonical_item_list(city_dept))
    assert filing.items_snapshot[0]["code"] == published_item.code
    published_item.refresh_from_db()
    draft_item.refresh_from_db()
    assert published_item.last_filed_quarter == quarter and draft_item.last_filed_quarter == ""
    assert AuditEvent.objects.filter(action="item_list.filed", target_id=str(filing.pk)).exists()


def test_the_filing_hash_changes_when_the_list_changes(city_staff: Any, city_dept: Any, published_item: Any) -> None:
    before = services.list_sha256(selectors.canonical_item_list(city_dept))
    services.inspection_item_update(published_item, by=city_staff, data={"default_ratio_pct": Decimal("6")})
    assert services.list_sha256(selectors.canonical_item_list(city_dept)) != before


def test_a_quarter_is_filed_once_and_never_in_the_future(city_legal: Any, city_dept: Any, published_item: Any) -> None:
    quarter = services.quarter_of(timezone.localdate())
    services.item_list_file_quarter(city_dept, quarter, by=city_legal)
    with pytest.raises(Conflict):
        services.item_list_file_quarter(city_dept, quarter, by=city_legal)
    with pytest.raises(ValidationFailed) as exc:
        services.item_list_file_quarter(city_dept, f"{timezone.localdate().year + 1}Q1", by=city_legal)
    assert "quarter" in fields_of(exc)
    with pytest.raises(ValidationFailed):
        services.item_list_file_quarter(city_dept, "2026-4", by=city_legal)
    assert ItemListFiling.objects.count() == 1


def test_an_empty_list_cannot_be_filed_and_nobody_files_for_another_department(
    city_legal: Any, city_dept: Any, county_dept: Any, draft_item: Any
) -> None:
    with pytest.raises(Conflict):
        services.item_list_file_quarter(city_dept, "2025Q4", by=city_legal)
    with pytest.raises(NotPermitted):
        services.item_list_file_quarter(county_dept, "2025Q4", by=city_legal)


def test_the_quarter_label_of_a_date() -> None:
    import datetime as dt

    assert services.quarter_of(dt.date(2026, 1, 1)) == "2026Q1"
    assert services.quarter_of(dt.date(2026, 11, 3)) == "2026Q4"
    assert services.quarter_of(dt.date(2026, 6, 30)) == "2026Q2"
