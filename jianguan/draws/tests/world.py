"""Builders of the draw tests that touch the database: a published plan, a ready task, entities, inspectors,
and the ceremony run through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jianguan.catalog.choices import ItemKind
from jianguan.catalog.factories import InspectionItemFactory, domain
from jianguan.catalog.models import InspectionItem
from jianguan.draws import engine, services
from jianguan.draws.models import Draw
from jianguan.entities.factories import EntityFactory
from jianguan.entities.models import Entity
from jianguan.inspectors.factories import InspectorFactory
from jianguan.inspectors.models import Inspector
from jianguan.organizations.models import Region
from jianguan.plans.choices import PlanKind, PlanStatus, TaskStatus
from jianguan.plans.factories import PlanFactory, TaskFactory
from jianguan.plans.models import Plan, Task

YEAR = 2026
DOMAIN = "industrial_product_quality"
SALTS = ("c541aa463ce5e4ac2525398f0ded61ab", "9f86d081884c7d659a2feaa0c55ad015")
DICE = "31415926535897932384626433"


def item(dept: Any, kind: str = ItemKind.GENERAL, *, name: str | None = None, domain_code: str = DOMAIN) -> InspectionItem:
    """A published inspection item of the department in the given supervision domain."""
    ratios: dict[str, Decimal | None] = {ItemKind.GENERAL: Decimal("5"), ItemKind.KEY: Decimal("20"),
                                         ItemKind.SPECIAL: None}
    ratio = ratios[kind]
    extra: dict[str, Any] = {"catalog_item__domain": domain(domain_code)}
    if name is not None:
        extra["name"] = name
    return InspectionItemFactory.create(catalog_item__department=dept, kind=kind, default_ratio_pct=ratio,
                                        published=True, **extra)


def plan(dept: Any, items: Sequence[InspectionItem], *, status: str = PlanStatus.PUBLISHED, **kw: Any) -> Plan:
    return PlanFactory.create(department=dept, status=status, items=list(items), year=YEAR, **kw)


def task(plan_: Plan, items: Sequence[InspectionItem], *, department: Any = None, status: str = TaskStatus.READY,
         ratio: str | None = None, **kw: Any) -> Task:
    """A ready task; ``ratio`` sets every grade's ratio at once (e.g. "100" for a 100 % key-item draw)."""
    if ratio is not None:
        for field in ("ratio_a_pct", "ratio_b_pct", "ratio_c_pct", "ratio_d_pct", "ratio_u_pct"):
            kw.setdefault(field, Decimal(ratio))
    if department is not None:
        kw["department"] = department
    return TaskFactory.create(plan=plan_, items=list(items), status=status, **kw)


def entities(dept: Any, grades: dict[str | None, int], *, region: str = "430302", **kw: Any) -> list[Entity]:
    """Operating entities per credit grade (None = ungraded) in a region of the city."""
    where = Region.objects.get(code=region)
    out: list[Entity] = []
    for grade, n in grades.items():
        out += EntityFactory.create_batch(n, department=dept, region=where, credit_grade=grade, **kw)
    return out


def inspectors(dept: Any, n: int, *, domains: Sequence[str] = (DOMAIN,)) -> list[Inspector]:
    return [InspectorFactory.create(department=dept, qualifications=[domain(d) for d in domains]) for _ in range(n)]


def soon(days: int = 4) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def commit_parties(draw: Draw, by: Any, values: Sequence[str] = ("738201", "550914")) -> None:
    for n, value in enumerate(values):
        services.witness_commit(draw, by=by, name=f"见证人{n + 1}", organisation="政策法规处",
                                commitment=engine.commitment(value, SALTS[n % 2]))


def reveal_parties(draw: Draw, by: Any, values: Sequence[str] = ("738201", "550914")) -> None:
    for n, value in enumerate(values):
        services.witness_reveal(draw, by=by, party=f"政策法规处 见证人{n + 1}", value=value, salt=SALTS[n % 2])


def ready_to_execute(t: Task, staff: Any, witness: Any | None = None) -> Draw:
    """Announce, freeze, commit two parties, seal and reveal: the draw waits for execution."""
    draw = services.draw_announce(task=t, scheduled_at=soon(), by=staff)
    draw = services.draw_freeze(draw, by=staff)
    commit_parties(draw, witness or staff)
    draw = services.draw_seal(draw, by=staff)
    reveal_parties(draw, witness or staff)
    return Draw.objects.get(pk=draw.pk)


def executed(t: Task, staff: Any, witness: Any | None = None) -> Draw:
    return services.draw_execute(ready_to_execute(t, staff, witness), by=staff)


def published(t: Task, staff: Any, witness: Any | None = None) -> Draw:
    return services.draw_publish(executed(t, staff, witness), by=staff)


JOINT = PlanKind.JOINT
