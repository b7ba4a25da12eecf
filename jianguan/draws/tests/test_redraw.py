"""Redraws: a new record with a reason and an approver; the old record stays as it was [003]."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.core.exceptions import IllegalTransition
from jianguan.core.models import AuditEvent
from jianguan.draws import services
from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import Draw, DrawSelection, EntityYearCounter
from jianguan.draws.tests import world

pytestmark = pytest.mark.django_db
REASON = "抽取现场见证人未到场，经批准重新抽取"


def test_a_redraw_of_a_published_draw_creates_a_new_announced_draw_and_the_old_stays_published(
    city_task: Any, city_staff: Any, city_admin: Any, city_legal: Any
) -> None:
    old = world.published(city_task, city_staff)
    old_selected = set(DrawSelection.objects.filter(draw=old).values_list("entity_id", flat=True))

    new = services.draw_redraw(old, by=city_staff, reason=REASON, approver=city_admin)

    old.refresh_from_db()
    assert (old.status, old.superseded_at is not None) == (DrawStatus.PUBLISHED, True)
    assert set(DrawSelection.objects.filter(draw=old).values_list("entity_id", flat=True)) == old_selected
    assert (new.status, new.number, new.redraw_of, new.redraw_reason, new.redraw_approved_by) == (
        DrawStatus.ANNOUNCED, 2, old, REASON, city_admin)
    assert new.reference == f"{world.YEAR}-T{city_task.pk}-2"
    assert new.legal_notified_to == [{"id": city_legal.pk, "name": city_legal.display_name}]
    event = AuditEvent.objects.get(action="draw.redraw_announced", target_id=str(new.pk))
    assert (event.after or {})["reason"] == REASON


def test_the_superseded_selections_stop_counting_towards_the_yearly_cap(city_task: Any, city_staff: Any,
                                                                        city_admin: Any) -> None:
    old = world.published(city_task, city_staff)
    assert set(EntityYearCounter.objects.values_list("count", flat=True)) == {1}
    services.draw_redraw(old, by=city_staff, reason=REASON, approver=city_admin)
    assert set(EntityYearCounter.objects.values_list("count", flat=True)) == {0}


def test_the_redraw_runs_its_own_ceremony_to_a_new_published_record(city_task: Any, city_staff: Any,
                                                                    city_admin: Any) -> None:
    old = world.published(city_task, city_staff)
    new = services.draw_redraw(old, by=city_staff, reason=REASON, approver=city_admin)
    new = services.draw_freeze(new, by=city_staff)
    world.commit_parties(new, city_staff, values=["11", "22"])
    services.draw_seal(new, by=city_staff)
    world.reveal_parties(new, city_staff, values=["11", "22"])
    done = services.draw_publish(services.draw_execute(Draw.objects.get(pk=new.pk), by=city_staff), by=city_staff)
    assert done.snapshot_hash == old.snapshot_hash  # the same population, frozen again
    assert done.k_draw != old.k_draw
    assert Draw.objects.filter(task=city_task, status=DrawStatus.PUBLISHED).count() == 2


def test_a_draw_abandoned_before_execution_becomes_failed(city_task: Any, city_staff: Any, city_admin: Any) -> None:
    sealed = world.ready_to_execute(city_task, city_staff)
    services.draw_redraw(sealed, by=city_staff, reason=REASON, approver=city_admin)
    sealed.refresh_from_db()
    assert sealed.status == DrawStatus.FAILED and sealed.superseded_at is not None


def test_an_executed_draw_is_published_before_it_can_be_redrawn(city_task: Any, city_staff: Any,
                                                                city_admin: Any) -> None:
    done = world.executed(city_task, city_staff)
    with pytest.raises(IllegalTransition, match="须先公示原抽取结果"):
        services.draw_redraw(done, by=city_staff, reason=REASON, approver=city_admin)
    assert Draw.objects.count() == 1


def test_a_superseded_draw_cannot_be_redrawn_twice(city_task: Any, city_staff: Any, city_admin: Any) -> None:
    old = world.published(city_task, city_staff)
    services.draw_redraw(old, by=city_staff, reason=REASON, approver=city_admin)
    with pytest.raises(services.Conflict, match="已被重新抽取替代"):
        services.draw_redraw(Draw.objects.get(pk=old.pk), by=city_staff, reason=REASON, approver=city_admin)
    assert Draw.objects.count() == 2


def test_nothing_can_be_picked_or_removed_by_hand() -> None:
    """No service adds or removes a selected entity; the only ways to a result are draw_execute and a redraw."""
    names = [n for n in dir(services) if callable(getattr(services, n)) and n.startswith(("draw_", "witness_"))]
    assert sorted(names) == ["draw_announce", "draw_execute", "draw_freeze", "draw_params", "draw_publish",
                             "draw_redraw", "draw_seal", "witness_commit", "witness_dice", "witness_reveal"]
