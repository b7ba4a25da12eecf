"""Bad input gets a clear error naming the field or party and the rule, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from jianguan.core.exceptions import IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.models import AuditEvent
from jianguan.draws import engine, services
from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import (
    Draw,
    DrawSelection,
    DrawTeamMember,
    DrawWitness,
    EntityYearCounter,
    JointRound,
)
from jianguan.draws.tests import world
from jianguan.plans.choices import PlanStatus, TaskStatus

pytestmark = pytest.mark.django_db


def written(draw: Draw | None = None) -> tuple[Any, ...]:
    """Everything a draw step could write: rows of every draw table, the draw's state, files on disk."""
    media = Path(settings.MEDIA_ROOT)
    files = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    state = None
    if draw is not None:
        fresh = Draw.objects.get(pk=draw.pk)
        state = (fresh.status, fresh.executed_at, fresh.superseded_at, fresh.record_path, fresh.k_draw)
    counts = tuple(m.objects.count() for m in (Draw, DrawWitness, DrawSelection, DrawTeamMember, EntityYearCounter,
                                               JointRound))
    return counts, state, files, list(EntityYearCounter.objects.values_list("entity_id", "count"))


def test_a_task_under_an_unapproved_plan_cannot_be_drawn(city_dept: Any, city_item: Any, city_staff: Any,
                                                         city_entities: list[Any]) -> None:
    task = world.task(world.plan(city_dept, [city_item], status=PlanStatus.SUBMITTED), [city_item])
    before = written()
    with pytest.raises(IllegalTransition) as caught:
        services.draw_announce(task=task, scheduled_at=world.soon(), by=city_staff)
    assert caught.value.code == "plan_not_approved"
    assert "计划外无检查" in caught.value.message
    assert written() == before


def test_a_plan_withdrawn_from_force_after_announcement_stops_the_freeze(city_task: Any, city_staff: Any) -> None:
    draw = services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff)
    city_task.plan.status = PlanStatus.RETURNED
    city_task.plan.save(update_fields=["status"])
    before = written(draw)
    with pytest.raises(IllegalTransition) as caught:
        services.draw_freeze(draw, by=city_staff)
    assert caught.value.code == "plan_not_approved"
    assert written(draw) == before


def test_a_draft_task_cannot_be_drawn(city_plan: Any, city_item: Any, city_staff: Any) -> None:
    task = world.task(city_plan, [city_item], status=TaskStatus.DRAFT)
    with pytest.raises(IllegalTransition, match="须先确认任务"):
        services.draw_announce(task=task, scheduled_at=world.soon(), by=city_staff)
    assert not Draw.objects.exists()


def test_a_second_draw_of_the_same_task_needs_a_redraw(city_task: Any, city_staff: Any) -> None:
    services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff)
    with pytest.raises(services.Conflict, match="重新抽取须说明理由并经批准"):
        services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff)
    assert Draw.objects.count() == 1


def test_a_reveal_that_does_not_match_its_commitment_names_the_party_and_writes_nothing(
    city_task: Any, city_staff: Any, city_legal: Any
) -> None:
    draw = services.draw_freeze(services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff),
                                by=city_staff)
    world.commit_parties(draw, city_legal)
    services.draw_seal(draw, by=city_staff)
    before = written(draw)
    audit_before = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed) as caught:
        services.witness_reveal(draw, by=city_legal, party="政策法规处 见证人1", value="999999", salt=world.SALTS[0])

    assert caught.value.code == "reveal_mismatch"
    assert "政策法规处 见证人1" in caught.value.message
    assert caught.value.errors[0].field == "value"
    assert written(draw) == before
    assert AuditEvent.objects.count() == audit_before
    assert not DrawWitness.objects.filter(draw=draw, revealed_at__isnull=False).exists()


def test_executing_without_witnesses_is_refused_and_writes_nothing(city_task: Any, city_staff: Any) -> None:
    draw = services.draw_freeze(services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff),
                                by=city_staff)
    services.draw_seal(draw, by=city_staff)
    before = written(draw)

    with pytest.raises(ValidationFailed) as caught:
        services.draw_execute(draw, by=city_staff)

    assert caught.value.code == "witnesses_required"
    assert caught.value.message.startswith("抽取须有见证人")
    assert written(draw) == before
    city_task.refresh_from_db()
    assert city_task.status == TaskStatus.READY


def test_one_revealed_party_is_not_enough(city_task: Any, city_staff: Any) -> None:
    draw = services.draw_freeze(services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff),
                                by=city_staff)
    world.commit_parties(draw, city_staff, values=["738201"])
    services.draw_seal(draw, by=city_staff)
    world.reveal_parties(draw, city_staff, values=["738201"])
    with pytest.raises(ValidationFailed, match="抽取须有见证人"):
        services.draw_execute(draw, by=city_staff)


def test_a_committed_party_that_never_reveals_blocks_the_execution(city_task: Any, city_staff: Any) -> None:
    draw = services.draw_freeze(services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff),
                                by=city_staff)
    world.commit_parties(draw, city_staff, values=["1", "2", "3"])
    services.draw_seal(draw, by=city_staff)
    world.reveal_parties(draw, city_staff, values=["1", "2"])
    with pytest.raises(ValidationFailed) as caught:
        services.draw_execute(draw, by=city_staff)
    assert caught.value.code == "reveal_missing" and "政策法规处 见证人3" in caught.value.message


def test_dice_needs_twenty_digits_and_two_witnesses(city_task: Any, city_staff: Any) -> None:
    draw = services.draw_freeze(services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff),
                                by=city_staff)
    services.draw_seal(draw, by=city_staff)
    with pytest.raises(ValidationFailed) as caught:
        services.witness_dice(draw, by=city_staff, digits="12345", witnesses=["张三"])
    assert {e.field for e in caught.value.errors} == {"digits", "witnesses"}
    assert not Draw.objects.get(pk=draw.pk).dice_digits


def test_a_commitment_needs_a_name_and_a_valid_hash(city_task: Any, city_staff: Any) -> None:
    draw = services.draw_freeze(services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff),
                                by=city_staff)
    with pytest.raises(ValidationFailed) as caught:
        services.witness_commit(draw, by=city_staff, name="", commitment="xyz")
    assert {e.field for e in caught.value.errors} == {"name", "commitment"}
    with pytest.raises(ValidationFailed) as caught:
        services.witness_commit(draw, by=city_staff, name="张三", value="42", salt="short")
    assert caught.value.errors[0].field == "salt"
    assert not DrawWitness.objects.exists()


def test_a_commitment_computed_from_value_and_salt_keeps_only_the_commitment(city_task: Any, city_staff: Any) -> None:
    draw = services.draw_freeze(services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff),
                                by=city_staff)
    witness = services.witness_commit(draw, by=city_staff, name="张三", organisation="政策法规处", value="42",
                                      salt=world.SALTS[0])
    assert witness.commitment == engine.commitment("42", world.SALTS[0])
    assert (witness.value, witness.salt) == ("", "")


def test_team_rules_that_cannot_be_met_name_the_entity_and_the_missing_qualification_and_write_nothing(
    city_dept: Any, city_plan: Any, city_staff: Any, city_entities: list[Any]
) -> None:
    food = world.item(city_dept, domain_code="food_safety")
    city_plan.items.add(food)
    world.inspectors(city_dept, 3)  # qualified for product quality only
    task = world.task(city_plan, [food])
    draw = world.ready_to_execute(task, city_staff)
    before = written(draw)

    with pytest.raises(ValidationFailed) as caught:
        services.draw_execute(draw, by=city_staff)

    message = caught.value.message
    assert caught.value.code == "team_rule_unsatisfiable"
    assert "湘潭市市场监督管理局" in message and "食品安全" in message and "food_safety" in message
    assert any(e.uscc in message and e.name in message for e in city_entities)
    assert written(draw) == before
    assert Draw.objects.get(pk=draw.pk).status == DrawStatus.SEALED
    task.refresh_from_db()
    assert task.status == TaskStatus.READY and not DrawSelection.objects.exists()


def test_too_few_inspectors_for_the_team_size_is_named_too(city_plan: Any, city_item: Any, city_staff: Any,
                                                           city_dept: Any, city_entities: list[Any]) -> None:
    world.inspectors(city_dept, 1)
    task = world.task(city_plan, [city_item])
    draw = world.ready_to_execute(task, city_staff)
    with pytest.raises(ValidationFailed, match="检查组至少需要 2 人"):
        services.draw_execute(draw, by=city_staff)
    assert not DrawSelection.objects.exists()


def test_a_redraw_without_a_reason_is_refused_and_writes_nothing(city_task: Any, city_staff: Any,
                                                                 city_admin: Any) -> None:
    draw = world.published(city_task, city_staff)
    before = written(draw)
    with pytest.raises(ValidationFailed) as caught:
        services.draw_redraw(draw, by=city_staff, reason="  ", approver=city_admin)
    assert caught.value.errors[0].field == "reason" and "理由" in caught.value.message
    assert written(draw) == before


def test_a_redraw_approved_by_someone_without_the_right_is_refused_and_writes_nothing(
    city_task: Any, city_staff: Any, city_legal: Any, outsider: Any
) -> None:
    draw = world.published(city_task, city_staff)
    before = written(draw)
    for approver in (city_staff, city_legal, outsider, None):
        with pytest.raises(ValidationFailed) as caught:
            services.draw_redraw(draw, by=city_staff, reason="抽取现场停电，见证不完整", approver=approver)
        assert caught.value.errors[0].field == "approver"
    assert written(draw) == before


def test_a_role_without_execute_cannot_execute(city_task: Any, city_staff: Any, city_legal: Any) -> None:
    draw = world.ready_to_execute(city_task, city_staff)
    with pytest.raises(NotPermitted):
        services.draw_execute(draw, by=city_legal)
    assert Draw.objects.get(pk=draw.pk).status == DrawStatus.SEALED
