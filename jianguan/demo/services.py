"""Building the demo world through the real services and the apps' bulk seeders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jianguan.accounts.models import User
from jianguan.accounts.services import user_create
from jianguan.catalog.demo import seed_catalog
from jianguan.demo.world import CITY, COUNTIES, DEMO_PASSWORD, LOGINS, departments
from jianguan.entities.demo import seed_entities
from jianguan.inspectors.demo import seed_inspectors
from jianguan.organizations.models import Department, Region
from jianguan.organizations.services import department_create
from jianguan.plans.demo import seed_plans


def demo_exists() -> bool:
    return User.objects.filter(username="admin").exists()


@transaction.atomic
def seed_world(*, by: Any = None) -> dict[str, Department]:
    """Departments and logins (idempotent by code and username)."""
    by_code: dict[str, Department] = {}
    for spec in departments():
        dept = Department.objects.filter(code=spec.code).first()
        if dept is None:
            dept = department_create(by=by, data={
                "code": spec.code, "name": spec.name, "level": spec.level, "kind": spec.kind, "sector": spec.sector,
                "region": Region.objects.get(code=spec.region),
                "parent": by_code.get(spec.parent) if spec.parent else None,
            })
        by_code[spec.code] = dept
    for login in LOGINS:
        if not User.objects.filter(username=login.username).exists():
            user_create(by=by, username=login.username, password=DEMO_PASSWORD, role=login.role,
                        display_name=login.display_name,
                        department=by_code[login.department_code] if login.department_code else None)
    return by_code


def seed_demo(*, entities: int, seed: int = 0, log: Callable[[str], None] = print) -> dict[str, int]:
    """The whole demo: world, catalog, inspectors, entities."""
    by_code = seed_world()
    city_by_sector = {d.sector: d for d in by_code.values() if d.level == 2}
    items = seed_catalog(departments_by_sector=city_by_sector)
    log(f"检查事项：{len(items)} 项")
    supervising = [d for d in by_code.values() if d.kind in ("approving", "industry_authority", "enforcement")]
    inspectors = seed_inspectors(departments=supervising, per_department=max(1, 60 // len(supervising)), seed=seed)
    log(f"执法检查人员：{len(inspectors)} 名")
    market = [d for d in by_code.values() if d.sector == "市场监管" and d.level >= 2]

    def progress(n: int) -> None:
        log(f"  市场主体：已生成 {n}")

    created = seed_entities(count=entities, region_codes=[CITY, *COUNTIES], departments=market, seed=seed,
                            progress=progress if entities >= 50_000 else None)
    log(f"市场主体：{created} 户")
    users = {u.username: u for u in User.objects.filter(username__in=["sj_staff", "sj_legal", "sf_reviewer"])}
    plans = seed_plans(departments_by_code=by_code, items=items, year=timezone.localdate().year,
                       by=users["sj_staff"], users_by_username=users)
    log(f"抽查计划：{len(plans)} 个")
    return {"departments": len(by_code), "items": len(items), "inspectors": len(inspectors), "entities": created,
            "plans": len(plans)}
