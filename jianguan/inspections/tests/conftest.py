"""Fixtures of the inspection tests, on top of the shared personas (conftest.py at the project root).

The world: the city market regulation bureau (city_dept) runs a task whose window surrounds today; its
inspectors 王建军 (linked to the city_inspector account) and 李秀英 form the team of ``visit``;
张伟 is an inspector of the same bureau who is not in that team. The environment bureau (env_dept)
takes part in joint visits with its own inspector and item.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jianguan.accounts.factories import UserFactory
from jianguan.accounts.roles import Role
from jianguan.catalog.factories import InspectionItemFactory
from jianguan.inspections.factories import VisitFactory
from jianguan.inspectors.factories import InspectorFactory
from jianguan.organizations.choices import DepartmentKind, DepartmentLevel
from jianguan.organizations.factories import DepartmentFactory
from jianguan.organizations.models import Region
from jianguan.plans.choices import PlanKind, PlanStatus, TaskStatus
from jianguan.plans.factories import PlanFactory, PlanParticipantFactory, TaskFactory
from jianguan.workdays.factories import CalendarYearFactory
from jianguan.workdays.models import CalendarYear


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


@pytest.fixture(autouse=True)
def calendar_around_today(db: Any) -> None:
    """Tests that count from today need this year and its neighbours in the calendar.

    Years that chinese_calendar covers are loaded by migration; a later year (when the suite runs after
    the package's data ends) gets plain weekends so that relative-date tests keep working.
    """
    year = timezone.localdate().year
    for y in (year - 1, year, year + 1):
        if not CalendarYear.objects.filter(year=y).exists():
            CalendarYearFactory.create(year=y)


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def items(city_dept: Any) -> list[Any]:
    return [
        InspectionItemFactory.create(catalog_item__department=city_dept, name="餐饮服务食品安全检查",
                              inspection_basis="《中华人民共和国食品安全法》第一百一十条"),
        InspectionItemFactory.create(catalog_item__department=city_dept, name="企业公示信息检查",
                              inspection_basis="《企业信息公示暂行条例》第十四条"),
    ]


@pytest.fixture
def task(city_dept: Any, items: list[Any], today: dt.date) -> Any:
    plan = PlanFactory.create(department=city_dept, status=PlanStatus.PUBLISHED, year=today.year,
                       planned_start_on=today - dt.timedelta(days=60), planned_end_on=today + dt.timedelta(days=60))
    return TaskFactory.create(plan=plan, items=items, status=TaskStatus.DRAWN, name="餐饮服务单位随机抽查")


@pytest.fixture
def inspector_a(city_dept: Any, city_inspector: Any) -> Any:
    return InspectorFactory.create(department=city_dept, name="王建军", user=city_inspector, certificate_no="湘43030000101")


@pytest.fixture
def inspector_b(city_dept: Any) -> Any:
    return InspectorFactory.create(department=city_dept, name="李秀英", certificate_no="湘43030000102")


@pytest.fixture
def inspector_c(city_dept: Any) -> Any:
    return InspectorFactory.create(department=city_dept, name="张伟", certificate_no="湘43030000103")


@pytest.fixture
def other_inspector_user(city_dept: Any, inspector_c: Any) -> Any:
    """An inspector account of the same bureau whose inspector (张伟) is not in the visit's team."""
    user = UserFactory.create(username="other_inspector", role=Role.INSPECTOR, department=city_dept)
    inspector_c.user = user
    inspector_c.save(update_fields=["user"])
    return user


@pytest.fixture
def entity(city_dept: Any) -> Any:
    from jianguan.entities.factories import EntityFactory

    return EntityFactory.create(name="湘潭市雨湖区好味道餐饮有限公司", department=city_dept)


@pytest.fixture
def visit(task: Any, entity: Any, inspector_a: Any, inspector_b: Any, today: dt.date) -> Any:
    """A visit of the team 王建军 (leader) + 李秀英, scheduled today, not yet notified."""
    return VisitFactory.create(task=task, entity=entity, team=[inspector_a, inspector_b], scheduled_on=today)


@pytest.fixture
def env_dept(db: Any) -> Any:
    return DepartmentFactory.create(name="湘潭市生态环境局", region=Region.objects.get(code="430300"),
                             level=DepartmentLevel.CITY, kind=DepartmentKind.INDUSTRY_AUTHORITY)


@pytest.fixture
def env_staff(env_dept: Any) -> Any:
    return UserFactory.create(username="env_staff", role=Role.DIVISION_STAFF, department=env_dept)


@pytest.fixture
def env_admin(env_dept: Any) -> Any:
    return UserFactory.create(username="env_admin", role=Role.DEPARTMENT_ADMIN, department=env_dept)


@pytest.fixture
def env_item(env_dept: Any) -> Any:
    return InspectionItemFactory.create(catalog_item__department=env_dept, name="排污许可执行情况检查",
                                 inspection_basis="《排污许可管理条例》第三十四条")


@pytest.fixture
def env_inspector(env_dept: Any) -> Any:
    return InspectorFactory.create(department=env_dept, name="陈静", certificate_no="湘43030000201")


@pytest.fixture
def joint_plan(city_dept: Any, env_dept: Any, items: list[Any], env_item: Any, today: dt.date) -> Any:
    plan = PlanFactory.create(department=city_dept, kind=PlanKind.JOINT, status=PlanStatus.PUBLISHED, year=today.year,
                       planned_start_on=today - dt.timedelta(days=60), planned_end_on=today + dt.timedelta(days=60),
                       items=items)
    PlanParticipantFactory.create(plan=plan, department=env_dept, items=[env_item])
    return plan


@pytest.fixture
def joint_visit(joint_plan: Any, city_dept: Any, env_dept: Any, items: list[Any], env_item: Any, entity: Any,
                inspector_a: Any, inspector_b: Any, env_inspector: Any, today: dt.date) -> Any:
    """A merged visit of the joint plan: the city bureau's two items and the environment bureau's one."""
    task = TaskFactory.create(plan=joint_plan, department=city_dept, items=items, status=TaskStatus.DRAWN,
                       name="餐饮企业部门联合抽查")
    return VisitFactory.create(task=task, entity=entity, department=city_dept, departments=[city_dept, env_dept],
                        items=[*items, env_item], team=[inspector_a, inspector_b, env_inspector], scheduled_on=today)
