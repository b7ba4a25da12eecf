"""The whole ceremony in the database, then the standalone verifier on what the platform stored."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from jianguan.core.exceptions import IllegalTransition
from jianguan.core.models import AuditEvent
from jianguan.draws import engine, files, services
from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import Draw, DrawSelection, DrawTeamMember, EntityYearCounter
from jianguan.draws.tests import world
from jianguan.plans.choices import PlanStatus, TaskStatus

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
VERIFIER = ROOT / "tools" / "verify_draw.py"


def verify(*args: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(VERIFIER), *map(str, args)], capture_output=True, text=True,
                          check=False, cwd=ROOT)


def stored(draw: Draw, tmp_path: Path) -> tuple[Path, Path]:
    """The record and the snapshot as the platform stored them, written out for the verifier."""
    record, snapshot = tmp_path / "record.json", tmp_path / "snapshot.csv"
    record.write_bytes(files.read(draw.record_path))
    with files.open_snapshot(draw.snapshot_path) as fh:
        snapshot.write_bytes(fh.read())
    return record, snapshot


def test_announce_freeze_commit_reveal_execute_publish_and_the_verifier_confirms_it(
    city_task: Any, city_staff: Any, city_legal: Any, tmp_path: Path
) -> None:
    draw = services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff)
    assert draw.status == DrawStatus.ANNOUNCED
    assert draw.legal_notified_to == [{"id": city_legal.pk, "name": city_legal.display_name}]

    draw = services.draw_freeze(draw, by=city_staff)
    assert (draw.status, draw.snapshot_rows, draw.grade_counts) == (
        DrawStatus.FROZEN, 40, {"A": 12, "B": 16, "C": 6, "D": 2, "U": 4})
    assert draw.quotas == {"A": 1, "B": 1, "C": 1, "D": 1, "U": 1}  # ceil(3 % of 12) … ceil(5 % of 4)

    world.commit_parties(draw, city_legal)
    services.draw_seal(draw, by=city_staff)
    world.reveal_parties(draw, city_legal)
    draw = services.draw_execute(Draw.objects.get(pk=draw.pk), by=city_staff)
    draw = services.draw_publish(draw, by=city_staff)

    assert draw.status == DrawStatus.PUBLISHED and draw.selected_count == 5
    assert DrawTeamMember.objects.filter(draw=draw).count() == 10
    city_task.refresh_from_db()
    assert city_task.status == TaskStatus.DRAWN
    assert city_task.plan.status == PlanStatus.IN_PROGRESS  # the first drawn task starts the plan
    record, snapshot = stored(draw, tmp_path)
    result = verify(record, snapshot)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("OK")
    assert engine.sha256_hex(record.read_bytes()) == draw.record_hash


def test_the_verifier_rejects_the_stored_record_with_one_selected_entity_altered(
    city_task: Any, city_staff: Any, tmp_path: Path
) -> None:
    draw = world.published(city_task, city_staff)
    record, snapshot = stored(draw, tmp_path)
    data = json.loads(record.read_text(encoding="utf-8"))
    chosen = {s["uscc"] for s in data["selected"]}
    others = [line.split(",")[0] for line in snapshot.read_text().splitlines()[1:] if line.split(",")[0] not in chosen]
    data["selected"][0]["uscc"] = others[0]
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    result = verify(record, snapshot)

    assert result.returncode == 1
    assert result.stdout.startswith("MISMATCH: selected[0]")


def test_execute_before_freeze_is_an_illegal_transition_and_writes_nothing(city_task: Any, city_staff: Any) -> None:
    draw = services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff)
    with pytest.raises(IllegalTransition) as caught:
        services.draw_execute(draw, by=city_staff)
    assert caught.value.status == 409
    assert "须先冻结名单" in caught.value.message
    draw.refresh_from_db()
    assert (draw.status, draw.executed_at, DrawSelection.objects.count()) == (DrawStatus.ANNOUNCED, None, 0)


def test_commitments_open_only_after_freeze_and_reveals_only_after_seal(city_task: Any, city_staff: Any) -> None:
    draw = services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff)
    with pytest.raises(IllegalTransition):
        world.commit_parties(draw, city_staff)
    draw = services.draw_freeze(draw, by=city_staff)
    world.commit_parties(draw, city_staff)
    with pytest.raises(IllegalTransition):
        world.reveal_parties(draw, city_staff)
    services.draw_seal(draw, by=city_staff)
    with pytest.raises(IllegalTransition):  # no party may join once values can be revealed
        services.witness_commit(draw, by=city_staff, name="迟到者", commitment="0" * 64)


def test_the_record_carries_the_hashes_published_at_freeze_before_any_seed_existed(
    city_task: Any, city_staff: Any
) -> None:
    draw = services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff)
    frozen = services.draw_freeze(draw, by=city_staff)
    frozen_event = AuditEvent.objects.get(action="draw.frozen", target_id=str(draw.pk))
    world.commit_parties(frozen, city_staff)
    services.draw_seal(frozen, by=city_staff)
    world.reveal_parties(frozen, city_staff)
    done = services.draw_execute(Draw.objects.get(pk=draw.pk), by=city_staff)
    record = json.loads(files.read(done.record_path))
    first_reveal = AuditEvent.objects.filter(action="draw.revealed", target_id=str(draw.pk)).order_by("seq").first()

    assert record["announcement"]["params_hash"] == frozen.params_hash == (frozen_event.after or {})["params_hash"]
    assert record["announcement"]["snapshot"]["hash"] == frozen.snapshot_hash == (frozen_event.after or {})["snapshot_hash"]
    assert record["seed_material"]["snapshot_hash"] == frozen.snapshot_hash
    assert first_reveal is not None and frozen_event.seq < first_reveal.seq


def test_each_grade_gets_exactly_its_quota(city_dept: Any, city_plan: Any, city_item: Any, city_staff: Any) -> None:
    world.entities(city_dept, {"A": 37, "B": 61, "C": 23, "D": 9, None: 11})
    world.inspectors(city_dept, 6)
    task = world.task(city_plan, [city_item], max_visits_per_inspector=50)

    draw = world.executed(task, city_staff)

    counts = {g: DrawSelection.objects.filter(draw=draw, grade=g).count() for g in draw.quotas}
    assert counts == draw.quotas == {"A": 2, "B": 4, "C": 3, "D": 2, "U": 1}
    assert {g["grade"]: g["quota"] for g in draw.grades} == draw.quotas


def test_executing_counts_each_selected_entity_once_for_the_year(city_task: Any, city_staff: Any) -> None:
    draw = world.executed(city_task, city_staff)
    selected = set(DrawSelection.objects.filter(draw=draw).values_list("entity_id", flat=True))
    counters = dict(EntityYearCounter.objects.filter(year=world.YEAR).values_list("entity_id", "count"))
    assert counters == dict.fromkeys(selected, 1)


def test_a_draw_executed_within_three_days_of_the_notice_is_flagged_not_blocked(
    city_task: Any, city_staff: Any
) -> None:
    draw = world.executed(city_task, city_staff)
    assert draw.status == DrawStatus.EXECUTED and draw.is_short_notice


def test_a_draw_executed_three_days_after_the_notice_is_not_flagged(city_task: Any, city_staff: Any) -> None:
    draw = world.ready_to_execute(city_task, city_staff)
    Draw.objects.filter(pk=draw.pk).update(announced_at=timezone.now() - dt.timedelta(days=3, minutes=1))
    done = services.draw_execute(Draw.objects.get(pk=draw.pk), by=city_staff)
    assert not done.is_short_notice


def test_dice_digits_with_two_witnesses_are_enough_to_execute(city_task: Any, city_staff: Any, tmp_path: Path) -> None:
    draw = services.draw_freeze(services.draw_announce(task=city_task, scheduled_at=world.soon(), by=city_staff),
                                by=city_staff)
    services.draw_seal(draw, by=city_staff)
    services.witness_dice(draw, by=city_staff, digits=world.DICE, witnesses=["张三", "李四"])
    done = services.draw_publish(services.draw_execute(Draw.objects.get(pk=draw.pk), by=city_staff), by=city_staff)
    record = json.loads(files.read(done.record_path))
    assert record["seed_material"]["dice"] == {"digits": world.DICE, "witnesses": ["张三", "李四"]}
    assert verify(*stored(done, tmp_path)).returncode == 0


def test_the_same_frozen_inputs_and_seed_give_the_same_result(city_task: Any, city_staff: Any) -> None:
    draw = world.executed(city_task, city_staff)
    record = json.loads(files.read(draw.record_path))
    pop = engine.Population.from_csv(files.open_snapshot(draw.snapshot_path).read())
    params = services.params_from_json(record["announcement"]["params"])
    again = engine.draw(pop, params, engine.SeedMaterial.from_json(record["seed_material"]),
                        services.FrozenPool.from_json(draw.pool or {}, draw.recusals).pool)
    assert again.to_record(confidential_recusals=True) == record


def test_full_coverage_selects_every_eligible_entity_with_teams_and_does_not_count_for_the_cap(
    city_dept: Any, city_staff: Any, city_entities: list[Any], city_inspectors: list[Any]
) -> None:
    special = world.item(city_dept, "special", domain_code="food_safety")
    plan = world.plan(city_dept, [special])
    world.inspectors(city_dept, 6, domains=["food_safety"])
    task = world.task(plan, [special], is_full_coverage=True, ratio_a_pct=None, ratio_b_pct=None, ratio_c_pct=None,
                      ratio_d_pct=None, ratio_u_pct=None)

    draw = world.executed(task, city_staff)

    params = draw.params or {}
    assert params["full_coverage"] is True and params["ratios_pct"] == {}
    assert draw.selected_count == draw.snapshot_rows == 40
    assert DrawTeamMember.objects.filter(draw=draw).count() == 80
    assert not EntityYearCounter.objects.exists()


def test_an_empty_population_freezes_and_executes_to_an_empty_verifiable_record(
    city_plan: Any, city_item: Any, city_staff: Any, city_inspectors: list[Any], tmp_path: Path
) -> None:
    task = world.task(city_plan, [city_item])  # no entity in the directory
    draw = services.draw_publish(world.executed(task, city_staff), by=city_staff)
    assert (draw.snapshot_rows, draw.selected_count) == (0, 0)
    assert verify(*stored(draw, tmp_path)).returncode == 0
