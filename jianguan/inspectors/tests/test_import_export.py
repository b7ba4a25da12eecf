"""Import (upsert by 执法证号, all-or-nothing, row errors naming the rule) and export round-trip."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from jianguan.core import tabular
from jianguan.core.models import AuditEvent
from jianguan.inspectors.choices import VersionAction
from jianguan.inspectors.factories import InspectorFactory
from jianguan.inspectors.models import Inspector
from jianguan.inspectors.spec import InspectorTableSpec

pytestmark = pytest.mark.django_db

HEADER = ["执法证号", "姓名", "所属部门编码", "人员类别", "执法资格领域", "执法区域代码", "证件有效期至", "联系电话"]


def csv_file(rows: list[list[str]], header: list[str] = HEADER) -> io.BytesIO:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(buf.getvalue().encode("utf-8"))


def run(rows: list[list[str]], user: Any) -> tabular.ImportReport:
    return tabular.run_import(InspectorTableSpec(), csv_file(rows), "inspectors.csv", user=user)


def test_an_import_adds_inspectors_with_names_or_codes_of_domains(city_admin: Any, city_dept: Any) -> None:
    report = run([
        ["湘4303100001", "刘德明", city_dept.code, "行政执法类公务员", "食品安全;special_equipment", "430302",
         "2028-12-31", "13812345678"],
        ["湘4303100002", "谭丽", city_dept.code, "qualified_staff", "", "", "2029/1/5", ""],
    ], city_admin)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (2, 0)
    first = Inspector.objects.get(certificate_no="湘4303100001")
    assert sorted(first.qualifications.values_list("code", flat=True)) == ["food_safety", "special_equipment"]
    assert first.region_id == "430302" and str(first.certificate_expires_on) == "2028-12-31"
    second = Inspector.objects.get(certificate_no="湘4303100002")
    assert second.region_id == city_dept.region_id and str(second.certificate_expires_on) == "2029-01-05"
    assert first.versions.get().action == VersionAction.IMPORTED
    event: Any = AuditEvent.objects.get(action="inspectors.imported")
    assert event.after["created"] == 2


def test_an_import_updates_by_certificate_number_in_any_case(city_admin: Any, city_dept: Any) -> None:
    InspectorFactory(department=city_dept, certificate_no="HN4303ABC1", name="旧名字")
    report = run([["hn4303 abc1", "新名字", city_dept.code, "从事日常监管的工作人员", "", "", "", ""]], city_admin)
    assert report.ok and (report.created, report.updated) == (0, 1)
    assert Inspector.objects.get(certificate_no="HN4303ABC1").name == "新名字"


ROW_ERRORS = [
    ("所属部门编码", "out_of_scope", lambda d: ["湘4303200001", "甲", d["county"], "行政执法类公务员", "", "", "", ""]),
    ("所属部门编码", "unknown_department", lambda d: ["湘4303200001", "甲", "NO-SUCH", "行政执法类公务员", "", "", "", ""]),
    ("执法资格领域", "unknown_domain", lambda d: ["湘4303200001", "甲", d["city"], "行政执法类公务员", "食品安全;飞行", "", "", ""]),
    ("执法区域代码", "unknown_region", lambda d: ["湘4303200001", "甲", d["city"], "行政执法类公务员", "", "439999", "", ""]),
    ("执法区域代码", "outside_jurisdiction", lambda d: ["湘4303200001", "甲", d["city"], "行政执法类公务员", "", "430100", "", ""]),
    ("人员类别", "invalid_choice", lambda d: ["湘4303200001", "甲", d["city"], "临时工", "", "", "", ""]),
    ("联系电话", "invalid_phone", lambda d: ["湘4303200001", "甲", d["city"], "行政执法类公务员", "", "", "", "12345"]),
    ("证件有效期至", "invalid_date", lambda d: ["湘4303200001", "甲", d["city"], "行政执法类公务员", "", "", "明年", ""]),
    ("执法证号", "duplicate", lambda d: [d["other"], "甲", d["city"], "行政执法类公务员", "", "", "", ""]),
]


@pytest.mark.parametrize(("column", "code", "make"), ROW_ERRORS, ids=[e[1] for e in ROW_ERRORS])
def test_a_bad_row_names_its_row_column_and_rule_and_nothing_is_written(
    column: str, code: str, make: Any, city_admin: Any, city_dept: Any, county_dept: Any, gd_insp: Any
) -> None:
    depts = {"city": city_dept.code, "county": county_dept.code, "other": gd_insp.certificate_no}
    good = ["湘4303200009", "好人", city_dept.code, "行政执法类公务员", "食品安全", "", "", ""]
    report = run([good, make(depts)], city_admin)
    assert not report.ok
    assert [(e["row"], e["field"], e["code"]) for e in report.errors] == [(3, column, code)]
    assert "未写入任何数据" in report.message
    assert not Inspector.objects.filter(certificate_no="湘4303200009").exists()
    assert not AuditEvent.objects.filter(action__in=["inspector.created", "inspectors.imported"]).exists()


def test_a_certificate_repeated_in_the_file_is_an_error_on_the_later_row(city_admin: Any, city_dept: Any) -> None:
    row = ["湘4303300001", "甲", city_dept.code, "行政执法类公务员", "", "", "", ""]
    report = run([row, [" 湘4303300001", "乙", city_dept.code, "行政执法类公务员", "", "", "", ""]], city_admin)
    assert [(e["row"], e["code"]) for e in report.errors] == [(3, "duplicate_key")]
    assert not Inspector.objects.exists()


def test_an_update_failing_late_rolls_back_the_rows_written_before(city_admin: Any, city_dept: Any) -> None:
    kept: Any = InspectorFactory(department=city_dept, certificate_no="湘4303400001", name="原名")
    report = run([
        ["湘4303400001", "改名", city_dept.code, "行政执法类公务员", "", "", "", ""],
        ["湘4303400002", "新人", city_dept.code, "行政执法类公务员", "", "430100", "", ""],
    ], city_admin)
    assert not report.ok
    kept.refresh_from_db()
    assert kept.name == "原名" and not kept.versions.exists()


def test_a_missing_required_column_rejects_the_file(city_admin: Any) -> None:
    report = tabular.run_import(InspectorTableSpec(), csv_file([], header=HEADER[:2]), "x.csv", user=city_admin)
    assert not report.ok and {e["field"] for e in report.errors} == {"所属部门编码", "人员类别"}


def test_the_exported_csv_imports_back_unchanged(client: Any, city_admin: Any, city_dept: Any, food: Any,
                                                 equipment: Any) -> None:
    import datetime as dt

    InspectorFactory(department=city_dept, qualifications=[food, equipment], certificate_expires_on=dt.date(2027, 3, 1))
    InspectorFactory(department=city_dept, phone="", category="daily_supervision")
    client.force_login(city_admin)
    response = client.get("/inspectors/?export=csv")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADER and len(rows) == 3
    assert "食品安全;特种设备" in rows[1]
    report = tabular.run_import(InspectorTableSpec(), io.BytesIO(data), "export.csv", user=city_admin)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 2), report.errors


def test_the_export_masks_phones_for_readers_who_cannot_edit(client: Any, justice_reviewer: Any,
                                                             city_insp: Any) -> None:
    client.force_login(justice_reviewer)
    data = b"".join(client.get("/inspectors/?export=csv").streaming_content).decode("utf-8-sig")
    assert "138****0001" in data and city_insp.phone not in data


def test_a_masked_phone_imports_back_as_the_number_it_hides(city_admin: Any, city_insp: Any) -> None:
    report = run([[city_insp.certificate_no, city_insp.name, city_insp.department.code, "行政执法类公务员", "食品安全",
                   city_insp.region_id, "", "138****0001"]], city_admin)
    assert report.ok and report.unchanged == 1
    city_insp.refresh_from_db()
    assert city_insp.phone == "13807320001"


def test_a_masked_phone_for_a_new_inspector_is_an_error(city_admin: Any, city_dept: Any) -> None:
    report = run([["湘4303500001", "甲", city_dept.code, "行政执法类公务员", "", "", "", "138****0001"]], city_admin)
    assert [(e["field"], e["code"]) for e in report.errors] == [("联系电话", "masked_phone")]


def test_the_filtered_export_holds_only_the_filtered_rows_in_xlsx(client: Any, city_admin: Any, city_dept: Any,
                                                                   city_insp: Any) -> None:
    InspectorFactory(department=city_dept, name="别人")
    client.force_login(city_admin)
    response = client.get("/inspectors/", {"q": "王建军", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER and len(values) == 2 and values[1][1] == "王建军"


def test_the_import_page_shows_the_report_with_row_errors(client: Any, city_admin: Any, city_dept: Any) -> None:
    client.force_login(city_admin)
    upload = csv_file([["湘4303600001", "甲", city_dept.code, "行政执法类公务员", "飞行", "", "", ""]])
    upload.name = "inspectors.csv"
    response = client.post("/inspectors/import/", {"file": upload})
    assert response.status_code == 422
    assert "执法资格领域「飞行」不存在" in response.content.decode()


def test_staff_without_the_directory_role_cannot_open_the_import_page(client: Any, city_staff: Any) -> None:
    client.force_login(city_staff)
    assert client.get("/inspectors/import/").status_code == 403
