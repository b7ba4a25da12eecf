"""Quarterly filing of the directory with the justice bureau [003]: canonical CSV, SHA-256, status."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from jianguan.core.exceptions import Conflict, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.inspectors import selectors, services
from jianguan.inspectors.factories import InspectorFactory
from jianguan.inspectors.selectors import current_quarter, directory_snapshot, quarter_of

pytestmark = pytest.mark.django_db


def next_quarter(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}"


def test_quarters_are_named_year_q_number() -> None:
    import datetime as dt

    assert quarter_of(dt.date(2026, 1, 1)) == "2026Q1"
    assert quarter_of(dt.date(2026, 9, 30)) == "2026Q3"
    assert quarter_of(dt.date(2026, 12, 31)) == "2026Q4"


def test_the_canonical_csv_lists_active_inspectors_sorted_by_certificate(city_dept: Any, food: Any,
                                                                         equipment: Any) -> None:
    InspectorFactory(department=city_dept, certificate_no="湘4303000002", name="李四", category="qualified_staff",
                     qualifications=[food, equipment])
    InspectorFactory(department=city_dept, certificate_no="湘4303000001", name="张三")
    InspectorFactory(department=city_dept, certificate_no="湘4303000003", is_active=False)
    snap = directory_snapshot(city_dept.pk)
    assert snap.csv_text == (
        "certificate_no,name,category,qualifications\n"
        "湘4303000001,张三,civil_servant,\n"
        "湘4303000002,李四,qualified_staff,food_safety;special_equipment\n"
    )
    assert snap.inspector_count == 2
    assert snap.sha256 == hashlib.sha256(snap.csv_text.encode("utf-8")).hexdigest()


def test_a_department_admin_files_the_current_quarter(city_admin: Any, city_insp: Any) -> None:
    filing = services.directory_file_quarter(by=city_admin)
    assert filing.quarter == current_quarter() and filing.department == city_admin.department
    assert filing.inspector_count == 1 and filing.filed_by_id == city_admin.pk
    assert filing.directory_sha256 == directory_snapshot(city_insp.department_id).sha256
    assert hashlib.sha256(filing.directory_csv.encode()).hexdigest() == filing.directory_sha256
    event: Any = AuditEvent.objects.get(action="directory.filed")
    assert event.after["directory_sha256"] == filing.directory_sha256


@pytest.mark.parametrize("change", ["rename", "add", "deactivate", "qualification", "category"])
def test_the_filing_hash_changes_when_the_directory_changes(
    change: str, city_admin: Any, city_insp: Any, equipment: Any
) -> None:
    first = services.directory_file_quarter(by=city_admin)
    if change == "rename":
        services.inspector_update(city_insp, by=city_admin, data={"name": "王建新"})
    elif change == "add":
        InspectorFactory(department=city_admin.department)
    elif change == "deactivate":
        InspectorFactory(department=city_admin.department)
        services.inspector_deactivate(city_insp, by=city_admin)
    elif change == "qualification":
        services.inspector_update(city_insp, by=city_admin, data={"qualifications": [equipment]})
    else:
        services.inspector_update(city_insp, by=city_admin, data={"category": "daily_supervision"})
    second = services.directory_file_quarter(by=city_admin)
    assert second.directory_sha256 != first.directory_sha256


def test_the_hash_ignores_what_is_not_filed(city_admin: Any, city_insp: Any, county_insp: Any) -> None:
    before = directory_snapshot(city_insp.department_id).sha256
    services.inspector_update(city_insp, by=city_admin, data={"phone": "13900000000"})
    county_insp.name = "另一个部门的人"
    county_insp.save()
    assert directory_snapshot(city_insp.department_id).sha256 == before


def test_filing_an_unchanged_directory_twice_in_a_quarter_is_a_conflict(city_admin: Any, city_insp: Any) -> None:
    services.directory_file_quarter(by=city_admin)
    with pytest.raises(Conflict) as exc:
        services.directory_file_quarter(by=city_admin)
    assert exc.value.code == "already_filed"


@pytest.mark.parametrize("quarter", ["2026-Q1", "2026Q5", "Q1 2026", "26Q1", ""])
def test_a_malformed_quarter_names_the_field_and_format(quarter: str, city_admin: Any, city_insp: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.validate_quarter(quarter)
    assert exc.value.errors[0].field == "quarter" and exc.value.errors[0].code == "invalid_format"


def test_a_future_quarter_cannot_be_filed(city_admin: Any, city_insp: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.directory_file_quarter(by=city_admin, quarter=next_quarter(current_quarter()))
    assert exc.value.errors[0].code == "future_quarter"


def test_a_past_quarter_may_be_filed_late_and_case_does_not_matter(city_admin: Any, city_insp: Any) -> None:
    assert services.directory_file_quarter(by=city_admin, quarter=" 2025q3 ").quarter == "2025Q3"


def test_an_empty_directory_cannot_be_filed(city_admin: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.directory_file_quarter(by=city_admin)
    assert exc.value.errors[0].code == "empty_directory"


def test_only_the_departments_own_admin_files_its_directory(
    city_admin: Any, city_staff: Any, county_insp: Any, city_insp: Any
) -> None:
    with pytest.raises(NotPermitted):
        services.directory_file_quarter(by=city_admin, department=county_insp.department)
    with pytest.raises(NotPermitted):
        services.directory_file_quarter(by=city_staff)


def test_the_status_shows_per_department_whether_the_quarter_is_filed(
    city_admin: Any, justice_reviewer: Any, city_insp: Any, county_insp: Any
) -> None:
    services.directory_file_quarter(by=city_admin)
    statuses = {s.department_name: s for s in selectors.filing_statuses(user=justice_reviewer)}
    city, county = statuses[city_insp.department.name], statuses[county_insp.department.name]
    assert (city.is_filed, city.label) == (True, "本季度已报备")
    assert (county.is_filed, county.label) == (False, "未报备")
    InspectorFactory(department=city_insp.department)
    city = next(s for s in selectors.filing_statuses(user=justice_reviewer) if s.department_id == city_insp.department_id)
    assert city.is_stale and "需重新报备" in city.label


def test_the_status_shows_a_department_admin_their_own_empty_directory(city_admin: Any) -> None:
    statuses = selectors.filing_statuses(user=city_admin)
    assert [(s.department_id, s.active_count, s.is_filed) for s in statuses] == [(city_admin.department_id, 0, False)]


def test_the_justice_bureau_reads_the_filings_of_its_region(
    city_admin: Any, outsider: Any, justice_reviewer: Any, city_insp: Any, gd_insp: Any
) -> None:
    mine = services.directory_file_quarter(by=city_admin)
    services.directory_file_quarter(by=outsider)
    assert list(selectors.filing_list(user=justice_reviewer)) == [mine]
