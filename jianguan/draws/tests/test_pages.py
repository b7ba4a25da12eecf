"""The pages of the draw ceremony: list, announce, each step by form, the result with its verification data."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jianguan.draws import engine, jobs
from jianguan.draws.models import Draw, JointRound
from jianguan.draws.tests import world

pytestmark = pytest.mark.django_db


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step(client: Client, draw: Draw, action: str, data: dict[str, Any] | None = None) -> str:
    r = client.post(reverse("draws:draw-action", args=[draw.pk, action]), data or {}, follow=True)
    assert r.status_code == 200
    return r.content.decode()


def test_the_ceremony_page_walks_through_every_step(city_task: Any, city_staff: Any, city_legal: Any,
                                                    city_admin: Any) -> None:
    staff, legal = browser(city_staff), browser(city_legal)
    page = staff.get(reverse("draws:draw-list")).content.decode()
    assert "双随机抽取" in page and reverse("draws:draw-announce") in page

    r = staff.post(reverse("draws:draw-announce"), {"task": city_task.pk,
                                                     "scheduled_at": world.soon().strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code == 302
    draw = Draw.objects.get()
    assert "冻结名单和参数" in staff.get(r["Location"]).content.decode()

    page = step(staff, draw, "freeze")
    draw.refresh_from_db()
    assert draw.snapshot_hash in page and draw.params_hash in page and "排除数（按原因）" in page
    assert "本年度已被上级部门抽中检查" in page

    for n, value in enumerate(("738201", "550914")):
        page = step(legal, draw, "commit", {"name": f"见证人{n + 1}", "organisation": "政策法规处", "role": "见证人",
                                            "commitment": engine.commitment(value, world.SALTS[n])})
        assert "承诺已录入" in page
    page = step(staff, draw, "seal")
    assert "承诺已封存" in page
    page = step(legal, draw, "reveal", {"party": "政策法规处 见证人1", "value": "000000", "salt": world.SALTS[0]})
    assert "与其事先公布的承诺不符" in page
    for n, value in enumerate(("738201", "550914")):
        step(legal, draw, "reveal", {"party": f"政策法规处 见证人{n + 1}", "value": value, "salt": world.SALTS[n]})
    page = step(staff, draw, "execute")
    draw.refresh_from_db()
    assert draw.status == "executed"
    assert draw.k_draw in page and "python tools/verify_draw.py record.json snapshot.csv" in page
    assert all(g["cutoff"] in page for g in draw.grades if g["cutoff"])
    first = draw.selections.select_related("entity").order_by("rank").first()
    assert first is not None and first.entity.uscc in page and first.ticket in page
    assert "距通知法规处不足三天" in page

    record = staff.get(reverse("draws:draw-record", args=[draw.pk])).getvalue()
    assert hashlib.sha256(record).hexdigest() == draw.record_hash
    snapshot = staff.get(reverse("draws:draw-snapshot", args=[draw.pk])).getvalue()
    assert hashlib.sha256(snapshot).hexdigest() == draw.snapshot_hash

    page = step(staff, draw, "publish")
    assert "抽取结果已公示" in page
    page = step(staff, draw, "redraw", {"reason": "", "approver": city_admin.pk})
    assert "重新抽取须说明理由" in page
    r = staff.post(reverse("draws:draw-action", args=[draw.pk, "redraw"]),
                   {"reason": "见证人缺席", "approver": city_admin.pk})
    new = Draw.objects.get(redraw_of=draw)
    assert r["Location"] == reverse("draws:draw-detail", args=[new.pk])


def test_a_witness_without_staff_rights_sees_only_the_witness_forms(city_task: Any, city_staff: Any,
                                                                    city_legal: Any) -> None:
    draw = world.ready_to_execute(city_task, city_staff)
    execute = reverse("draws:draw-action", args=[draw.pk, "execute"])
    assert execute not in browser(city_legal).get(reverse("draws:draw-detail", args=[draw.pk])).content.decode()
    assert execute in browser(city_staff).get(reverse("draws:draw-detail", args=[draw.pk])).content.decode()
    assert browser(city_legal).post(reverse("draws:draw-action", args=[draw.pk, "execute"])).status_code == 403


def test_dice_can_replace_the_commitments_on_the_page(city_task: Any, city_staff: Any) -> None:
    client = browser(city_staff)
    draw = world.ready_to_execute(city_task, city_staff)
    draw.witnesses.all().delete()
    page = step(client, draw, "dice", {"digits": world.DICE, "witnesses": "张三\n李四"})
    assert world.DICE in page and "张三" in page
    step(client, draw, "execute")
    assert Draw.objects.get(pk=draw.pk).status == "executed"


def test_the_draw_of_another_department_is_not_found(city_task: Any, city_staff: Any, peer_staff: Any) -> None:
    draw = world.executed(city_task, city_staff)
    assert browser(peer_staff).get(reverse("draws:draw-detail", args=[draw.pk])).status_code == 404
    assert browser(peer_staff).get(reverse("draws:draw-record", args=[draw.pk])).status_code == 404


def test_a_background_freeze_shows_its_progress(city_task: Any, city_staff: Any, monkeypatch: Any,
                                               django_capture_on_commit_callbacks: Any) -> None:
    monkeypatch.setattr(jobs, "DRAW_BACKGROUND_ROWS", 10)
    client = browser(city_staff)
    draw = Draw.objects.create(task=city_task, department=city_task.department, year=world.YEAR,
                               reference="T", scheduled_at=world.soon(), announced_at=world.soon(0))
    with django_capture_on_commit_callbacks(execute=True):
        page = step(client, draw, "freeze")
    assert "已转入后台执行" in page and "后台任务" in page
    partial = client.get(reverse("draws:draw-progress", args=[draw.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and partial["HX-Refresh"] == "true"
    assert "冻结名单已完成" in partial.content.decode()


def test_the_joint_round_pages(city_dept: Any, city_staff: Any) -> None:
    item = world.item(city_dept, "key")
    plan = world.plan(city_dept, [item], kind=world.JOINT)
    world.entities(city_dept, {"B": 6})
    world.inspectors(city_dept, 3)
    world.published(world.task(plan, [item], ratio="50"), city_staff)
    client = browser(city_staff)
    assert plan.title in client.get(reverse("draws:joint-merge")).content.decode()
    r = client.post(reverse("draws:joint-merge"), {"plan": plan.pk, "dice_digits": world.DICE,
                                                   "witnesses": "张三\n李四"})
    joint = JointRound.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("draws:joint-detail", args=[joint.pk])
    page = client.get(r["Location"]).content.decode()
    assert "减少检查 0 户次" in page and joint.merge_hash in page
    assert joint.reference in client.get(reverse("draws:joint-list")).content.decode()
    assert client.get(reverse("draws:joint-record", args=[joint.pk])).status_code == 200


def test_the_navigation_and_the_witness_card(city_task: Any, city_staff: Any, city_legal: Any) -> None:
    from jianguan.draws import services

    services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff)
    page = browser(city_legal).get(reverse("core:dashboard")).content.decode()
    assert "双随机抽取" in page and "待见证的抽取" in page
