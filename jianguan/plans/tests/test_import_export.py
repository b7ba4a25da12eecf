"""Import of draft plans and export of any filtered plan list (the same columns, so exports import back)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from jianguan.core import tabular
from jianguan.plans import selectors
from jianguan.plans.choices import PlanStatus
from jianguan.plans.models import Plan
from jianguan.plans.tables import PlanTableSpec
from jianguan.plans.tests.helpers import YEAR, Actors, advance

pytestmark = pytest.mark.django_db
HEADER = "计划名称,年度,计划类型,计划开始日期,计划结束日期,计划内容,检查依据,检查事项编码,参与部门及事项"


def run(user: Any, *rows: str) -> tabular.ImportReport:
    data = "\n".join([HEADER, *rows]).encode("utf-8")
    return tabular.run_import(PlanTableSpec(), io.BytesIO(data), "plans.csv", user=user)


def test_import_creates_draft_plans(city_staff: Any, lead_items: list[Any], env_dept: Any,
                                    env_items: list[Any]) -> None:
    codes = "；".join(i.code for i in lead_items)
    report = run(city_staff,
                 f"年度计划甲,{YEAR},年度计划,{YEAR}-03-01,{YEAR}-11-30,内容,,{codes},",
                 f"联合计划乙,{YEAR},联合,{YEAR}-05-01,{YEAR}-10-31,,,{lead_items[0].code},"
                 f"{env_dept.code}:{env_items[0].code}|{env_items[1].code}")
    assert report.ok, report.errors
    assert report.created == 2
    joint = Plan.objects.get(title="联合计划乙")
    assert (joint.kind, joint.status, joint.department) == ("joint", PlanStatus.DRAFT, city_staff.department)
    assert set(joint.participants.get().items.all()) == set(env_items)


def test_import_with_a_bad_row_writes_nothing_and_names_row_and_column(city_staff: Any,
                                                                       lead_items: list[Any]) -> None:
    report = run(city_staff,
                 f"好计划,{YEAR},年度计划,{YEAR}-03-01,{YEAR}-11-30,,,{lead_items[0].code},",
                 f"坏计划,{YEAR},年度计划,{YEAR}-03-01,{YEAR}-11-30,,,NO-SUCH-ITEM,",
                 f"坏日期,{YEAR},年度计划,{YEAR}-13-01,{YEAR}-11-30,,,,")
    assert not report.ok
    assert not Plan.objects.exists()
    errors = {(e["row"], e["field"]) for e in report.errors}
    assert (3, "检查事项编码") in errors and (4, "计划开始日期") in errors


def test_service_rules_apply_to_imported_rows(city_staff: Any, lead_items: list[Any]) -> None:
    report = run(city_staff, f"临时检查,{YEAR},临时性检查,{YEAR}-03-01,{YEAR}-11-30,,,{lead_items[0].code},")
    assert not report.ok
    assert report.errors[0]["field"] == "检查依据" and report.errors[0]["row"] == 2


def test_import_may_not_change_a_plan_under_review(city_staff: Any, draft_plan: Plan, who: Actors) -> None:
    advance(draft_plan, PlanStatus.SUBMITTED, who)
    report = run(city_staff, f"{draft_plan.title},{YEAR},年度计划,{YEAR}-03-01,{YEAR}-11-30,新内容,,,")
    assert not report.ok and "已提交" in report.errors[0]["message"]


def test_exported_plans_import_back_unchanged(city_staff: Any, draft_plan: Plan, joint_plan: Plan,
                                              who: Actors) -> None:
    advance(draft_plan, PlanStatus.PUBLISHED, who)
    spec = PlanTableSpec()
    data = b"".join(tabular.iter_csv_export(spec, selectors.plan_list(user=city_staff)))
    assert "部门联合抽查计划".encode() in data
    report = tabular.run_import(spec, io.BytesIO(data), "export.csv", user=city_staff)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_import_of_another_departments_plan_is_refused(city_staff: Any, env_dept: Any) -> None:
    header = HEADER + ",部门编码"
    data = "\n".join([header, f"别人的计划,{YEAR},年度计划,{YEAR}-03-01,{YEAR}-11-30,,,,,{env_dept.code}"])
    report = tabular.run_import(PlanTableSpec(), io.BytesIO(data.encode()), "p.csv", user=city_staff)
    assert not report.ok and report.errors[0]["field"] == "部门编码"
