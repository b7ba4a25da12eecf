"""The demo plans are built through the real services, with the reviewers' real roles."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.accounts.factories import UserFactory
from jianguan.accounts.roles import Role
from jianguan.organizations.factories import DepartmentFactory
from jianguan.organizations.models import Region
from jianguan.plans import selectors
from jianguan.plans.choices import PlanKind, PlanStatus
from jianguan.plans.demo import seed_plans

pytestmark = pytest.mark.django_db


def _world() -> tuple[dict[str, Any], dict[str, Any]]:
    """The part of the demo world the plans need (the demo app itself sits above plans)."""
    specs = [("430300-SJ", "湘潭市市场监督管理局", "approving", "市场监管"),
             ("430300-HB", "湘潭市生态环境局", "industry_authority", "生态环境"),
             ("430300-YJ", "湘潭市应急管理局", "industry_authority", "应急管理"),
             ("430300-SF", "湘潭市司法局", "justice_bureau", "司法行政"),
             ("430300-YS", "湘潭市优化营商环境协调事务中心", "business_env_office", "营商环境")]
    city = Region.objects.get(code="430300")
    by_code = {code: DepartmentFactory.create(code=code, name=name, kind=kind, sector=sector, region=city, level=2)
               for code, name, kind, sector in specs}
    users = {
        "sj_staff": UserFactory.create(username="sj_staff", role=Role.DIVISION_STAFF, department=by_code["430300-SJ"]),
        "sj_legal": UserFactory.create(username="sj_legal", role=Role.LEGAL_OFFICER, department=by_code["430300-SJ"]),
        "sf_reviewer": UserFactory.create(username="sf_reviewer", role=Role.JUSTICE_REVIEWER,
                                          department=by_code["430300-SF"]),
    }
    return by_code, users


def test_seed_plans_builds_the_xiangtan_demo(db: Any) -> None:
    from jianguan.catalog.demo import seed_catalog

    by_code, users = _world()
    items = seed_catalog(departments_by_sector={d.sector: d for d in by_code.values()})
    plans = seed_plans(departments_by_code=by_code, items=items, year=2027, by=users["sj_staff"],
                       users_by_username=users)
    annual, joint, temporary = plans
    assert (annual.kind, annual.status, annual.tasks.count()) == (PlanKind.ANNUAL, PlanStatus.PUBLISHED, 1)
    assert (joint.kind, joint.status) == (PlanKind.JOINT, PlanStatus.SUBMITTED)
    assert {p.department.code for p in joint.participants.all()} == {"430300-HB", "430300-YJ"}
    assert (temporary.kind, temporary.status) == (PlanKind.TEMPORARY, PlanStatus.DRAFT)
    assert list(selectors.legal_inbox(users["sj_legal"])) == [joint]
    # Running it again changes nothing.
    again = seed_plans(departments_by_code=by_code, items=items, year=2027, by=users["sj_staff"],
                       users_by_username=users)
    assert [p.pk for p in again] == [p.pk for p in plans]
