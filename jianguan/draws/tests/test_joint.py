"""Joint rounds (汇总取重): one visit per entity for all departments' items, one team each, visits saved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jianguan.accounts.factories import UserFactory
from jianguan.accounts.roles import Role
from jianguan.core.exceptions import NotPermitted, ValidationFailed
from jianguan.draws import files, services
from jianguan.draws.models import DrawSelection, JointRound, JointVisit
from jianguan.draws.tests import world
from jianguan.organizations.choices import DepartmentKind, DepartmentLevel
from jianguan.organizations.factories import DepartmentFactory
from jianguan.organizations.models import Region
from jianguan.plans.choices import PlanKind
from jianguan.plans.factories import PlanParticipantFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def env_dept(db: Any) -> Any:
    return DepartmentFactory(name="湘潭市生态环境局", region=Region.objects.get(code="430300"),
                             level=DepartmentLevel.CITY, kind=DepartmentKind.INDUSTRY_AUTHORITY)


@pytest.fixture
def env_staff(env_dept: Any) -> Any:
    return UserFactory(username="env_staff", role=Role.DIVISION_STAFF, department=env_dept)


@pytest.fixture
def joint(city_dept: Any, env_dept: Any, city_staff: Any, env_staff: Any) -> dict[str, Any]:
    """A joint plan: the market bureau leads with a key item, the environment bureau joins with its own."""
    market_item = world.item(city_dept, "key")
    env_item = world.item(env_dept, "key", domain_code="ecology_environment")
    plan = world.plan(city_dept, [market_item], kind=PlanKind.JOINT)
    PlanParticipantFactory.create(plan=plan, department=env_dept, items=[env_item])
    world.entities(city_dept, {"A": 10, "B": 20})
    world.inspectors(city_dept, 6)
    world.inspectors(env_dept, 6, domains=["ecology_environment"])
    market = world.published(world.task(plan, [market_item], ratio="50"), city_staff)
    env = world.published(world.task(plan, [env_item], department=env_dept, ratio="50"), env_staff)
    return {"plan": plan, "market": market, "env": env}


def test_the_lead_merges_the_departments_draws_and_reports_the_visits_saved(joint: dict[str, Any],
                                                                           city_staff: Any) -> None:
    market = set(DrawSelection.objects.filter(draw=joint["market"]).values_list("entity_id", flat=True))
    env = set(DrawSelection.objects.filter(draw=joint["env"]).values_list("entity_id", flat=True))

    round_ = services.joint_merge(joint["plan"], by=city_staff, dice_digits=world.DICE, witnesses=["张三", "李四"])

    assert (round_.visits_before, round_.visits_after) == (len(market) + len(env), len(market | env))
    assert round_.visits_saved == len(market & env) > 0
    visits = {v.entity_id: v for v in JointVisit.objects.filter(joint_round=round_)}
    assert set(visits) == market | env
    both = next(iter(market & env))
    assert len(visits[both].department_codes) == 2 and len(visits[both].item_codes) == 2
    assert len(visits[both].inspector_ids) >= 2
    assert set(round_.draws.all()) == {joint["market"], joint["env"]}


def test_the_verifier_confirms_the_joint_record(joint: dict[str, Any], city_staff: Any, tmp_path: Path) -> None:
    round_ = services.joint_merge(joint["plan"], by=city_staff, dice_digits=world.DICE, witnesses=["张三", "李四"])
    path = tmp_path / "joint.json"
    path.write_bytes(files.read(round_.record_path))
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["announcement"]["merge"]["visits_saved"] == round_.visits_saved
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "verify_draw.py"), str(path)],
                            capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stdout


def test_a_department_that_has_not_drawn_yet_stops_the_merge(city_dept: Any, env_dept: Any, city_staff: Any) -> None:
    item = world.item(city_dept, "key")
    plan = world.plan(city_dept, [item], kind=PlanKind.JOINT)
    PlanParticipantFactory.create(plan=plan, department=env_dept, items=[world.item(env_dept, "key")])
    world.entities(city_dept, {"B": 4})
    world.inspectors(city_dept, 3)
    world.published(world.task(plan, [item], ratio="50"), city_staff)
    with pytest.raises(ValidationFailed, match=r"湘潭市生态环境局.*尚未完成"):
        services.joint_merge(plan, by=city_staff, dice_digits=world.DICE, witnesses=["张三", "李四"])
    assert not JointRound.objects.exists()


def test_only_the_lead_department_merges(joint: dict[str, Any], env_staff: Any) -> None:
    with pytest.raises(NotPermitted):
        services.joint_merge(joint["plan"], by=env_staff, dice_digits=world.DICE, witnesses=["张三", "李四"])


def test_the_joint_team_draw_needs_witnessed_dice(joint: dict[str, Any], city_staff: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.joint_merge(joint["plan"], by=city_staff, dice_digits="123", witnesses=["张三"])
    assert {e.field for e in caught.value.errors} == {"dice_digits", "witnesses"}
    assert not JointRound.objects.exists()


def test_a_department_without_the_qualification_for_its_items_fails_the_merge_naming_it(
    joint: dict[str, Any], city_staff: Any, env_dept: Any
) -> None:
    from jianguan.inspectors.models import Inspector

    Inspector.objects.filter(department=env_dept).update(is_active=False)
    with pytest.raises(ValidationFailed, match="湘潭市生态环境局"):
        services.joint_merge(joint["plan"], by=city_staff, dice_digits=world.DICE, witnesses=["张三", "李四"])
    assert not JointRound.objects.exists() and not JointVisit.objects.exists()
