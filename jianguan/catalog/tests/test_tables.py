"""Import (upsert by code, all-or-nothing, row errors naming column and rule) and export round-trip."""

from __future__ import annotations

import codecs
import io
from decimal import Decimal
from typing import Any

import pytest

from jianguan.catalog.models import CatalogItem, InspectionItem
from jianguan.catalog.tables import CatalogItemTableSpec, InspectionItemTableSpec
from jianguan.core import tabular
from jianguan.core.jobs import TABLE_SPECS

pytestmark = pytest.mark.django_db

ITEM_HEADER = ("事项编码,事项名称,目录事项编码,事项类别,监管领域,默认抽查比例(%),检查频次,每年次数,检查方式,检查对象,"
               "检查依据,最少检查人数,人员要求")
CATALOG_HEADER = "目录编码,事项名称,监管领域,监管对象,监管措施,设定依据,处理方式,实施层级"


def csv_file(*lines: str) -> io.BytesIO:
    return io.BytesIO(codecs.BOM_UTF8 + "\r\n".join(lines).encode("utf-8"))


def import_items(user: Any, *rows: str) -> tabular.ImportReport:
    return tabular.run_import(InspectionItemTableSpec(), csv_file(ITEM_HEADER, *rows), "items.csv", user=user)


def test_both_specs_are_registered_under_their_names() -> None:
    assert TABLE_SPECS["inspection_items"] is InspectionItemTableSpec
    assert TABLE_SPECS["catalog_items"] is CatalogItemTableSpec


def test_importing_items_creates_drafts_under_the_named_catalog_items(
    city_staff: Any, city_catalog_item: Any, food_catalog_item: Any
) -> None:
    report = import_items(
        city_staff,
        "C-1,产品质量监督抽查,430300-ML-001,一般,,5%,每年1次,1,抽样检测、实地核查,生产企业,《产品质量法》,2,",
        "C-2,食品生产环节监督检查,430300-ML-FOOD,特殊重点领域,食品安全,,,2,实地核查,食品生产者,《食品安全法》,3,持证",
        "C-3,工业产品生产许可证获证企业检查,430300-ML-001,重点,,20,,,实地核查,,,,",
    )
    assert report.ok, report.errors
    assert report.created == 3
    c1, c2, c3 = InspectionItem.objects.order_by("code")
    assert c1.domain_id == "industrial_product_quality" and c1.methods == "onsite,sampling"
    assert c1.default_ratio_pct == Decimal("5.00") and c1.publication_state == "draft"
    assert c2.kind == "special" and c2.default_ratio_pct is None and c2.frequency == "每年2次" and c2.min_inspectors == 3
    assert c3.kind == "key" and c3.min_inspectors == 2 and c3.times_per_year == 1


def test_a_ratio_outside_its_kind_fails_the_whole_file_naming_row_column_and_rule(
    city_staff: Any, city_catalog_item: Any
) -> None:
    report = import_items(
        city_staff,
        "C-1,产品质量监督抽查,430300-ML-001,一般,,5,,,实地核查,,,,",
        "C-2,价格行为检查,430300-ML-001,一般,,25,,,实地核查,,,,",
        "C-3,重点检查,430300-ML-001,重点,,10,,,实地核查,,,,",
    )
    assert not report.ok
    assert InspectionItem.objects.count() == 0
    errors = {(e["row"], e["field"]): e["message"] for e in report.errors}
    assert errors[(3, "默认抽查比例(%)")] == "一般检查事项的抽查比例须在 3%–20% 之间 [003]"
    assert "20%" in errors[(4, "默认抽查比例(%)")]
    assert report.created == 0


def test_an_unknown_catalog_code_is_a_row_error_and_nothing_is_written(city_staff: Any, city_catalog_item: Any) -> None:
    report = import_items(
        city_staff,
        "C-1,产品质量监督抽查,430300-ML-001,一般,,5,,,实地核查,,,,",
        "C-2,未知目录,NO-SUCH-CODE,一般,,5,,,实地核查,,,,",
    )
    assert not report.ok and InspectionItem.objects.count() == 0
    assert report.errors == [{"field": "目录事项编码", "row": 3, "code": "unknown_catalog_item",
                              "message": "目录事项编码「NO-SUCH-CODE」不存在或不属于本部门"}]


def test_another_departments_catalog_code_is_reported_as_unknown(city_staff: Any, other_catalog_item: Any) -> None:
    report = import_items(city_staff, f"C-1,越权,{other_catalog_item.code},一般,,5,,,实地核查,,,,")
    assert report.errors[0]["code"] == "unknown_catalog_item"


def test_cell_rules_are_row_errors_with_the_column_header(city_staff: Any, city_catalog_item: Any) -> None:
    report = import_items(
        city_staff,
        "C-1,方式未知,430300-ML-001,一般,,5,,,飞行检查,,,,",
        "C-2,类别未知,430300-ML-001,偶尔,,5,,,实地核查,,,,",
        "C-3,比例非数字,430300-ML-001,一般,,五,,,实地核查,,,,",
        "C-4,合格,430300-ML-001,一般,,5,,,实地核查,,,,",
        "C-4,重复编码,430300-ML-001,一般,,5,,,实地核查,,,,",
    )
    fields = {(e["row"], e["field"]) for e in report.errors}
    assert fields == {(2, "检查方式"), (3, "事项类别"), (4, "默认抽查比例(%)"), (6, "事项编码")}
    assert InspectionItem.objects.count() == 0


def test_service_rules_are_row_errors_with_the_column_header(city_staff: Any, city_catalog_item: Any) -> None:
    report = import_items(
        city_staff,
        "C-1,合格,430300-ML-001,一般,,5,,,实地核查,,,,",
        "C-2,人数不足,430300-ML-001,一般,,5,,,实地核查,,,1,",
        "C-3,非特殊领域全覆盖,430300-ML-001,特殊重点领域,,,,,实地核查,,,,",
    )
    assert {(e["row"], e["field"]) for e in report.errors} == {(3, "最少检查人数"), (4, "事项类别")}
    assert InspectionItem.objects.count() == 0


def test_reimporting_updates_by_code_and_counts_unchanged_rows(city_staff: Any, city_catalog_item: Any) -> None:
    row = "C-1,产品质量监督抽查,430300-ML-001,一般,,5,每年1次,1,实地核查,,,2,"
    assert import_items(city_staff, row).created == 1
    again = import_items(city_staff, row, "C-2,计量器具使用单位检查,430300-ML-001,一般,,3,每年1次,1,实地核查,,,2,")
    assert (again.created, again.updated, again.unchanged) == (1, 0, 1)
    changed = import_items(city_staff, row.replace(",5,", ",8,"))
    assert changed.updated == 1
    item = InspectionItem.objects.get(code="C-1")
    assert item.default_ratio_pct == Decimal("8.00") and item.version == 2


def test_an_item_code_of_another_department_cannot_be_overwritten(
    city_staff: Any, city_catalog_item: Any, other_draft_item: Any
) -> None:
    report = import_items(city_staff, f"{other_draft_item.code},覆盖,430300-ML-001,一般,,5,,,实地核查,,,,")
    assert report.errors[0]["field"] == "事项编码" and "其他部门" in report.errors[0]["message"]
    other_draft_item.refresh_from_db()
    assert other_draft_item.name != "覆盖"


def test_exported_items_import_back_unchanged(city_staff: Any, draft_item: Any, published_item: Any) -> None:
    from jianguan.catalog.selectors import inspection_item_list

    spec = InspectionItemTableSpec()
    data = b"".join(tabular.iter_csv_export(spec, inspection_item_list(user=city_staff)))
    assert data.decode("utf-8-sig").splitlines()[0] == ITEM_HEADER
    report = tabular.run_import(spec, io.BytesIO(data), "export.csv", user=city_staff)
    assert report.ok, report.errors
    assert (report.rows, report.unchanged, report.updated, report.created) == (2, 2, 0, 0)


def test_exported_items_as_xlsx_import_back_unchanged(city_staff: Any, draft_item: Any) -> None:
    from jianguan.catalog.selectors import inspection_item_list

    spec = InspectionItemTableSpec()
    fh = tabular.write_xlsx_export(spec, inspection_item_list(user=city_staff))
    report = tabular.run_import(spec, io.BytesIO(fh.read()), "export.xlsx", user=city_staff)
    assert report.ok and report.unchanged == 1, report.errors


# ---------------------------------------------------------------- catalog items


def test_catalog_items_import_upserts_and_round_trips(city_staff: Any, city_catalog_item: Any) -> None:
    spec = CatalogItemTableSpec()
    report = tabular.run_import(spec, csv_file(
        CATALOG_HEADER,
        "430300-ML-002,对广告发布行为的监督检查,广告,广告发布者,网络监测,《广告法》第四十九条,责令改正,市级",
        "430300-ML-001,对产品质量的监督检查（修订）,工业产品质量,企业,抽样检验,《产品质量法》第十五条,责令改正,市级",
    ), "catalog.csv", user=city_staff)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (1, 1)
    city_catalog_item.refresh_from_db()
    assert city_catalog_item.name.endswith("（修订）") and city_catalog_item.version == 2
    exported = b"".join(tabular.iter_csv_export(spec, CatalogItem.objects.order_by("code")))
    again = tabular.run_import(spec, io.BytesIO(exported), "export.csv", user=city_staff)
    assert again.ok and again.unchanged == 2, again.errors


def test_a_catalog_file_with_a_bad_row_writes_nothing(city_staff: Any) -> None:
    report = tabular.run_import(CatalogItemTableSpec(), csv_file(
        CATALOG_HEADER,
        "430300-ML-002,对广告发布行为的监督检查,广告,,,《广告法》第四十九条,,市级",
        "430300-ML-003,没有依据,广告,,,,,市级",
        "430300-ML-004,未知领域,天文,,,《某法》,,市级",
        "430300-ML-005,层级错误,广告,,,《某法》,,乡级",
    ), "catalog.csv", user=city_staff)
    assert not report.ok and CatalogItem.objects.count() == 0
    assert {(e["row"], e["field"]) for e in report.errors} == {(3, "设定依据"), (4, "监管领域"), (5, "实施层级")}


def test_a_platform_admin_names_the_department_when_importing_catalog_items(platform_admin: Any, city_dept: Any) -> None:
    spec = CatalogItemTableSpec()
    missing = tabular.run_import(spec, csv_file(CATALOG_HEADER, "X-1,事项,广告,,,《广告法》,,市级"), "c.csv",
                                 user=platform_admin)
    assert missing.errors[0]["field"] == "部门编码"
    given = tabular.run_import(spec, csv_file(CATALOG_HEADER + ",部门编码", f"X-1,事项,广告,,,《广告法》,,市级,{city_dept.code}"),
                               "c.csv", user=platform_admin)
    assert given.ok and CatalogItem.objects.get(code="X-1").department_id == city_dept.pk


def test_staff_cannot_import_catalog_items_into_another_department(city_staff: Any, county_dept: Any) -> None:
    report = tabular.run_import(CatalogItemTableSpec(), csv_file(
        CATALOG_HEADER + ",部门编码", f"X-1,事项,广告,,,《广告法》,,县级,{county_dept.code}"), "c.csv", user=city_staff)
    assert not report.ok and report.errors[0]["field"] == "部门编码"
