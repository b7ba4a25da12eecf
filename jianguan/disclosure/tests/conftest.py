"""Fixtures of the disclosure tests, on top of the shared personas (conftest.py at the project root).

The world: the Xiangtan city market regulation bureau (city_dept) ran a task whose window has ended;
its team of two inspectors visited one entity (a supermarket whose legal representative is 欧阳修文) and
the division head approved both records. Nothing is published yet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from jianguan.catalog.choices import ItemKind
from jianguan.catalog.factories import InspectionItemFactory
from jianguan.disclosure.factories import reviewed_visit
from jianguan.entities.factories import EntityFactory
from jianguan.inspectors.factories import InspectorFactory
from jianguan.plans.choices import PlanStatus, TaskStatus
from jianguan.plans.factories import PlanFactory, TaskFactory

LEGAL_REP = "欧阳修文"
ENTITY_NAME = "湘潭市雨湖区示范超市有限公司"


@pytest.fixture(autouse=True)
def _isolation(settings: Any, tmp_path: Any, db: Any) -> Any:
    """Own media folder; a fresh cache (throttle counters); the calendar known for next year too."""
    from jianguan.workdays.factories import CalendarYearFactory
    from jianguan.workdays.models import CalendarYear

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    next_year = timezone.localdate().year + 1
    if not CalendarYear.objects.filter(year=next_year).exists():
        CalendarYearFactory.create(year=next_year)  # plain weekends: deadlines near New Year stay computable
    yield
    cache.clear()


def make_items(dept: Any, n: int = 2) -> list[Any]:
    return [InspectionItemFactory.create(catalog_item__department=dept, department=dept, kind=ItemKind.GENERAL,
                                         default_ratio_pct=Decimal("5"), published=True) for _ in range(n)]


def make_task(dept: Any, items: list[Any], *, window_end_on: dt.date | None = None, **kw: Any) -> Any:
    end = window_end_on or timezone.localdate() - dt.timedelta(days=1)
    plan = PlanFactory.create(department=dept, status=PlanStatus.PUBLISHED, published_at=timezone.now(),
                              planned_start_on=end - dt.timedelta(days=60), planned_end_on=end + dt.timedelta(days=30),
                              items=items)
    return TaskFactory.create(plan=plan, department=dept, status=TaskStatus.IN_PROGRESS, items=items,
                              window_start_on=end - dt.timedelta(days=30), window_end_on=end, **kw)


@pytest.fixture
def items(city_dept: Any) -> list[Any]:
    return make_items(city_dept)


@pytest.fixture
def task(city_dept: Any, items: list[Any]) -> Any:
    return make_task(city_dept, items)


@pytest.fixture
def team(city_dept: Any) -> list[Any]:
    return [InspectorFactory.create(department=city_dept, name="王建军", phone="13800000001"),
            InspectorFactory.create(department=city_dept, name="李秀英", phone="13800000002")]


@pytest.fixture
def entity(city_dept: Any) -> Any:
    return EntityFactory.create(name=ENTITY_NAME, legal_representative=LEGAL_REP, department=city_dept)


@pytest.fixture
def visit(task: Any, entity: Any, team: list[Any]) -> Any:
    """Reviewed: no problem on the first item, a problem ordered corrected on the second."""
    return reviewed_visit(task, entity, team, results=["no_problem", "rectified"])


@pytest.fixture
def published(visit: Any, city_staff: Any) -> Any:
    from jianguan.disclosure import services

    return services.publication_publish(visit, by=city_staff)
