"""Every draw endpoint × every persona, in and out of scope, with the outcomes written out.

"city" draws belong to the Xiangtan city market regulation bureau (city_dept); the "other" draw to the
Guangdong bureau. Published draws are public (一公开), so a redraw of a published city draw is visible to
everyone and refused with 403 to those who may not act; unpublished ones are 404 outside the scope.
Commitments and reveals may be entered by the legal affairs office (witness) or the department's staff.
"""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.draws import services
from jianguan.draws.models import Draw
from jianguan.draws.tests import world

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "city_admin", "city_staff", "city_legal", "city_inspector", "county_staff",
            "peer_staff", "justice_reviewer", "oversight", "outsider"]

# persona: (list, retrieve city, retrieve other, announce city task, freeze, commit, execute, publish, redraw)
EXPECTED = {
    "platform_admin":   (200, 200, 200, 201, 200, 201, 200, 200, 201),
    "city_admin":       (200, 200, 404, 201, 200, 201, 200, 200, 201),
    "city_staff":       (200, 200, 404, 201, 200, 201, 200, 200, 201),
    "city_legal":       (200, 200, 404, 403, 403, 201, 403, 403, 403),
    "city_inspector":   (200, 200, 404, 403, 403, 403, 403, 403, 403),
    "county_staff":     (200, 404, 404, 404, 404, 404, 404, 404, 403),
    "peer_staff":       (200, 404, 404, 404, 404, 404, 404, 404, 403),
    "justice_reviewer": (200, 200, 404, 403, 403, 403, 403, 403, 403),
    "oversight":        (200, 200, 404, 403, 403, 403, 403, 403, 403),
    "outsider":         (200, 404, 200, 404, 404, 404, 404, 404, 403),
}


def url(draw: Draw, action: str = "") -> str:
    return f"/api/v1/draws/{draw.pk}/{action + '/' if action else ''}"


@pytest.fixture
def draws(city_dept: Any, city_plan: Any, city_item: Any, city_staff: Any, other_province_dept: Any,
          platform_admin: Any) -> dict[str, Any]:
    """City draws in every state (executed ones before the later freezes, so that no entity exceeds its cap)."""
    world.entities(city_dept, {"B": 8})
    world.inspectors(city_dept, 4)

    def task() -> Any:
        return world.task(city_plan, [city_item])

    published = world.published(task(), city_staff)
    executed = world.executed(task(), city_staff)
    sealed = world.ready_to_execute(task(), city_staff)
    frozen = services.draw_freeze(services.draw_announce(task=task(), scheduled_at=world.soon(), by=city_staff),
                                  by=city_staff)
    announced = services.draw_announce(task=task(), scheduled_at=world.soon(), by=city_staff)
    other_item = world.item(other_province_dept)
    other_task = world.task(world.plan(other_province_dept, [other_item]), [other_item])
    other = services.draw_announce(task=other_task, scheduled_at=world.soon(), by=platform_admin)
    return {"announced": announced, "frozen": frozen, "sealed": sealed, "executed": executed,
            "published": published, "other": other, "new_task": task()}


@pytest.mark.parametrize("persona", PERSONAS)
def test_draw_endpoints_follow_the_matrix(persona: str, request: Any, api: Any, draws: dict[str, Any],
                                          city_admin: Any) -> None:
    client = api.as_user(request.getfixturevalue(persona))
    got = (
        client.get("/api/v1/draws/").status_code,
        client.get(url(draws["announced"])).status_code,
        client.get(url(draws["other"])).status_code,
        client.post("/api/v1/draws/", {"task": draws["new_task"].pk, "scheduled_at": world.soon().isoformat()},
                    format="json").status_code,
        client.post(url(draws["announced"], "freeze")).status_code,
        client.post(url(draws["frozen"], "commit"), {"name": "见证人", "commitment": "a" * 64},
                    format="json").status_code,
        client.post(url(draws["sealed"], "execute")).status_code,
        client.post(url(draws["executed"], "publish")).status_code,
        client.post(url(draws["published"], "redraw"), {"reason": "经批准重新抽取", "approver": city_admin.pk},
                    format="json").status_code,
    )
    assert got == EXPECTED[persona]


# persona: (list joint rounds, merge the city's joint plan)
JOINT_EXPECTED = {
    "platform_admin": (200, 201), "city_admin": (200, 201), "city_staff": (200, 201), "city_legal": (200, 403),
    "city_inspector": (200, 403), "county_staff": (200, 404), "peer_staff": (200, 404),
    "justice_reviewer": (200, 403), "oversight": (200, 403), "outsider": (200, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_joint_round_endpoints_follow_the_matrix(persona: str, request: Any, api: Any, city_dept: Any,
                                                 city_staff: Any) -> None:
    item = world.item(city_dept, "key")
    plan = world.plan(city_dept, [item], kind=world.JOINT)
    world.entities(city_dept, {"B": 4})
    world.inspectors(city_dept, 3)
    world.published(world.task(plan, [item], ratio="50"), city_staff)
    client = api.as_user(request.getfixturevalue(persona))
    got = (
        client.get("/api/v1/joint-rounds/").status_code,
        client.post("/api/v1/joint-rounds/", {"plan": plan.pk, "dice_digits": world.DICE,
                                              "witnesses": ["张三", "李四"]}, format="json").status_code,
    )
    assert got == JOINT_EXPECTED[persona]


def test_published_draws_are_listed_for_everyone_unpublished_only_in_scope(api: Any, draws: dict[str, Any],
                                                                           county_staff: Any, outsider: Any) -> None:
    def refs(user: Any) -> set[str]:
        return {d["reference"] for d in api.as_user(user).get("/api/v1/draws/?page_size=100").json()["results"]}

    assert refs(county_staff) == {draws["published"].reference}
    assert refs(outsider) == {draws["published"].reference, draws["other"].reference}
