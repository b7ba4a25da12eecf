"""The draw ceremony (抽取), one typed service per step: validate → write → audit, all-or-nothing.

    draw_announce → draw_freeze → witness_commit … → draw_seal → witness_reveal … / witness_dice
                  → draw_execute → draw_publish;            draw_redraw (reason + approver);   joint_merge

The population and the parameters are frozen and published before any seed value exists; the seed comes
from two or more committed parties or a witnessed dice roll; the result is a pure function of those
(engine.py, JG-DRAW-1). Nothing can be picked or removed by hand: there is no service for it [003].
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, Final

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from jianguan.accounts.roles import Role
from jianguan.core import audit
from jianguan.core.exceptions import Conflict, FieldError, IllegalTransition, NotPermitted, ValidationFailed
from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit, scope_of
from jianguan.draws import engine, files, merge, population, workflow
from jianguan.draws.choices import DrawStatus, WitnessKind
from jianguan.draws.models import (
    Draw,
    DrawSelection,
    DrawTeamMember,
    DrawWitness,
    EntityYearCounter,
    JointRound,
    JointVisit,
)
from jianguan.draws.pool import FrozenPool, build_pool
from jianguan.entities.models import Entity
from jianguan.organizations.models import Department
from jianguan.plans import selectors as plan_selectors
from jianguan.plans import services as plan_services
from jianguan.plans.choices import GRADE_RATIO_FIELDS, PlanKind, PlanStatus, TaskStatus
from jianguan.plans.models import Plan, Task
from jianguan.plans.workflow import ensure_plan_carries_tasks

EXECUTE: Final = "execute"
WITNESS: Final = "witness"
APPROVE_REDRAW: Final = "approve_redraw"
# [003] the legal affairs office is notified at least three days before a draw; a shorter notice is flagged.
NOTICE_DAYS: Final = 3
MIN_WITNESSES: Final = 2
SNAPSHOT_HASH_ALGORITHM: Final[str] = str(getattr(settings, "DRAW_SNAPSHOT_HASH", "sha256"))
WITNESSES_REQUIRED = (
    "抽取须有见证人：须有至少两方的承诺揭示值，或由至少两名见证人见证并录入姓名的摇号数字 [003]"
)
_HEX64 = re.compile(r"[0-9a-f]{64}")

Progress = Callable[[int, int], None]


# ---------------------------------------------------------------- helpers


def _now() -> dt.datetime:
    return timezone.now()


def _user(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def _lock(draw: Draw) -> Draw:
    return Draw.objects.select_for_update().select_related("task", "department").get(pk=draw.pk)


def _step(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _fields(draw: Draw, names: Iterable[str]) -> dict[str, Any]:
    return audit.snapshot(draw, list(names))


def _engine_error(exc: engine.DrawError, field: str = "draw") -> ValidationFailed:
    return ValidationFailed.for_field(field, str(exc), code=exc.code)


def _task_of(draw: Draw) -> Task:
    return Task.objects.select_related("plan", "department").prefetch_related("items").get(pk=draw.task_id)


def _ensure_plan_in_force(task: Task) -> Plan:
    """[000] 计划外无检查: re-checked at every step, the plan may have changed since the task was made."""
    plan = Plan.objects.get(pk=task.plan_id)
    ensure_plan_carries_tasks(plan.status)
    return plan


def _deny(by: Any, target: Draw, action: str, message: str) -> NotPermitted:
    audit.record(actor=by, action="permission.denied", target=target, after={"action": f"draws.draw:{action}"})
    return NotPermitted(message)


def _ensure_witness_recorder(draw: Draw, by: Any) -> None:
    """Commitments and reveals are entered by the legal affairs office (witness) or the department's staff."""
    qs = Draw.objects.filter(pk=draw.pk)
    if qs.editable_by(by, WITNESS).exists() or qs.editable_by(by, CHANGE).exists():
        return
    raise _deny(by, draw, WITNESS, "只有本部门业务人员或政策法规处见证人员可以录入承诺、揭示值和摇号数字")


def ratio_string(value: Decimal) -> str:
    """A task ratio (Decimal percent) as the canonical decimal string of the spec: 3.00 → "3", 12.50 → "12.5"."""
    text = format(value.normalize(), "f")
    return text


def legal_officers(department: Department) -> list[dict[str, Any]]:
    """The legal affairs office (政策法规处) accounts of a department: who is notified of its draws [003]."""
    from jianguan.accounts.models import User

    users = User.objects.filter(department=department, role=Role.LEGAL_OFFICER, is_active=True).order_by("pk")
    return [{"id": u.pk, "name": u.display_name or u.username} for u in users]


def _create_draw(task: Task, *, number: int, scheduled_at: dt.datetime, by: Any, **extra: Any) -> Draw:
    now = _now()
    year = task.plan.year
    return Draw.objects.create(
        task=task, department=task.department, year=year, number=number,
        reference=f"{year}-T{task.pk}-{number}", status=DrawStatus.ANNOUNCED,
        scheduled_at=scheduled_at, announced_at=now, announced_by=_user(by),
        legal_notified_at=now, legal_notified_to=legal_officers(task.department),
        is_short_notice=scheduled_at - now < dt.timedelta(days=NOTICE_DAYS), **extra,
    )


def _check_schedule(scheduled_at: Any) -> dt.datetime:
    if not isinstance(scheduled_at, dt.datetime):
        raise ValidationFailed.for_field("scheduled_at", "请填写计划抽取时间", "required")
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    if scheduled_at < _now() - dt.timedelta(minutes=5):
        raise ValidationFailed.for_field("scheduled_at", "计划抽取时间不能早于现在", "scheduled_in_past")
    return scheduled_at


# ---------------------------------------------------------------- announce


def draw_announce(*, task: Task, scheduled_at: Any, by: Any) -> Draw:
    """Announce the draw of a ready task and notify the department's legal affairs office [003]."""
    ensure_can(by, ADD, Draw)
    scope = scope_of(by)
    if not scope.unrestricted and scope.department_id != task.department_id:
        audit.record(actor=by, action="permission.denied", target=task, after={"action": "draws.draw:add"})
        raise NotPermitted("只有任务的实施部门可以发起抽取")
    with transaction.atomic():
        locked = Task.objects.select_for_update(of=("self",)).select_related("plan", "department").get(pk=task.pk)
        _ensure_plan_in_force(locked)
        if locked.status != TaskStatus.READY:
            raise IllegalTransition(
                f"任务当前为「{TaskStatus(locked.status).label}」，须先确认任务（待抽取）才能发起抽取",
                code="task_not_ready",
            )
        existing = Draw.objects.filter(task=locked).order_by("-number").first()
        if existing is not None:
            raise Conflict(
                f"该任务已有抽取 {existing.reference}（{existing.get_status_display()}）；"
                "重新抽取须说明理由并经批准，不能另行发起 [003]",
                code="draw_exists",
            )
        when = _check_schedule(scheduled_at)
        draw = _create_draw(locked, number=1, scheduled_at=when, by=by)
        audit.record(actor=by, action="draw.announced", target=draw, after=_fields(
            draw, ["task_id", "reference", "scheduled_at", "legal_notified_to", "is_short_notice"]))
    return draw


# ---------------------------------------------------------------- freeze


def _ratios(task: Task) -> dict[str, str]:
    out = {}
    for grade in GRADE_RATIO_FIELDS:
        value = task.ratio_for(grade)
        if value is not None:
            out[str(grade)] = ratio_string(value)
    return out


def _requirements(task: Task) -> dict[str, list[str]]:
    """The domains the task's items need, for the task's department (docs/draw-spec.md §7.1)."""
    return {task.department.code: sorted({i.domain_id for i in task.items.all()})}


def _team_day(task: Task) -> dt.date:
    """Certificates must be valid on the first inspection day (or today, if the window has begun)."""
    return max(timezone.localdate(), task.window_start_on)


def draw_params(task: Task, pool: FrozenPool) -> engine.DrawParams:
    """The parameters published at freeze: ratios per grade (or full coverage) and the team rules."""
    team = engine.TeamParams.for_pool(
        pool.pool, _requirements(task), min_team=task.min_team_size, workload_cap=task.max_visits_per_inspector,
    )
    return engine.DrawParams(
        {} if task.is_full_coverage else _ratios(task), full_coverage=task.is_full_coverage,
        snapshot_hash_algorithm=SNAPSHOT_HASH_ALGORITHM, team=team,
    )


def params_from_json(data: Mapping[str, Any]) -> engine.DrawParams:
    """Rebuild the published parameters (their hash is checked against the stored one by the caller)."""
    team = data.get("team")
    return engine.DrawParams(
        dict(data["ratios_pct"]), algorithm=data["algorithm"], full_coverage=data["full_coverage"],
        snapshot_hash_algorithm=data["snapshot_hash_algorithm"],
        team=None if team is None else engine.TeamParams(
            {d: frozenset(v) for d, v in team["requirements"].items()}, team["inspectors_hash"],
            team["recusals_hash"], team["min_team"], team["workload_cap"],
        ),
    )


def draw_freeze(draw: Draw, /, *, by: Any, progress: Progress | None = None) -> Draw:
    """Freeze the eligible population and the parameters; publish their hashes BEFORE any seed exists."""
    ensure_can_edit(draw, by, CHANGE)
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(draw)
            workflow.ensure_transition(locked.status, DrawStatus.FROZEN)
            task = _task_of(locked)
            _ensure_plan_in_force(task)
            _step(progress, 0, 4)
            rules = population.EligibilityRules.for_task(task, year=locked.year)
            candidates = population.eligible_population(task, rules)
            pop = candidates.population
            _step(progress, 1, 4)
            pool = build_pool([task.department], on=_team_day(task))
            csv_bytes = pop.snapshot_csv()
            base = files.folder(locked.year, locked.reference)
            with ThreadPoolExecutor(max_workers=3) as threads:  # hash and compress at once (both release the GIL)
                # Through the population, which keeps the digest: the draw checks it without hashing again.
                digest = threads.submit(pop.snapshot_hash, SNAPSHOT_HASH_ALGORITHM)
                written.append(files.save_snapshot(f"{base}/snapshot.csv.gz", csv_bytes, threads))
                written.append(files.save(f"{base}/population.idx", population.index_bytes(candidates)))
                snapshot_digest = digest.result()
            _step(progress, 2, 4)
            try:
                params = draw_params(task, pool)
                # Also checks that every grade of the population has a ratio (docs/draw-spec.md §4).
                announcement = engine.announcement_json(
                    locked.reference, params, snapshot_digest, len(pop), pop.counts(), [])
            except engine.DrawError as exc:
                raise _engine_error(exc, "params") from exc
            _step(progress, 3, 4)
            snap = announcement["snapshot"]
            locked.status, locked.frozen_at, locked.frozen_by = DrawStatus.FROZEN, _now(), _user(by)
            locked.algorithm, locked.params, locked.params_hash = params.algorithm, params.to_json(), params.hash()
            locked.population_filter = plan_selectors.task_population_filter(task)
            locked.candidate_count = candidates.candidate_count
            locked.exclusions = candidates.exclusions
            locked.snapshot_path, locked.snapshot_index_path = written
            locked.snapshot_hash, locked.snapshot_rows = snap["hash"], snap["rows"]
            locked.grade_counts, locked.quotas = snap["counts"], announcement["quotas"]
            locked.pool = pool.to_json()
            locked.recusals = pool.pool.recusals_json()
            locked.save()
            audit.record(actor=by, action="draw.frozen", target=locked, after=_fields(locked, [
                "params_hash", "snapshot_hash", "snapshot_rows", "grade_counts", "quotas", "candidate_count",
                "exclusions"]))
            _step(progress, 4, 4)
    except BaseException:
        files.discard(written)
        raise
    return locked


# ---------------------------------------------------------------- ceremony


def _party_name(name: str, organisation: str) -> str:
    return f"{organisation} {name}".strip() if organisation else name


def witness_commit(
    draw: Draw, /, *, by: Any, name: str, organisation: str = "", role: str = "",
    commitment: str = "", value: str = "", salt: str = "",
) -> DrawWitness:
    """Record one party's commitment: SHA-256(value || salt) computed by the party, or from the value and
    salt entered here (then only the commitment is kept; the party enters both again to reveal)."""
    _ensure_witness_recorder(draw, by)
    name, organisation, role = (name or "").strip(), (organisation or "").strip(), (role or "").strip()
    commitment, value, salt = (commitment or "").strip().lower(), value or "", (salt or "").strip().lower()
    errors: list[FieldError] = []
    if not name:
        errors.append(FieldError("name", "请填写承诺方姓名", "required"))
    if commitment:
        if not _HEX64.fullmatch(commitment):
            errors.append(FieldError("commitment", "承诺值须为 64 位十六进制（SHA-256）", "invalid"))
    elif not value:
        errors.append(FieldError("value", "请填写承诺值，或填写随机值和盐值由系统计算承诺值", "required"))
    else:
        try:
            commitment = engine.commitment(value, salt)
        except engine.SeedInvalid as exc:
            errors.append(FieldError("salt", str(exc), exc.code))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    with transaction.atomic():
        locked = _lock(draw)
        if locked.status != DrawStatus.FROZEN:
            raise IllegalTransition(
                f"抽取当前为「{locked.get_status_display()}」：只能在名单冻结后、承诺封存前录入承诺",
                code="commit_not_open",
            )
        party = _party_name(name, organisation)
        if DrawWitness.objects.filter(draw=locked, kind=WitnessKind.PARTY, party=party).exists():
            raise Conflict(f"承诺方「{party}」已录入承诺", code="party_exists",
                           errors=[FieldError("name", f"承诺方「{party}」已录入承诺", "party_exists")])
        witness = DrawWitness.objects.create(
            draw=locked, kind=WitnessKind.PARTY, name=name, organisation=organisation, role=role, party=party,
            commitment=commitment, committed_at=_now(), recorded_by=_user(by),
        )
        audit.record(actor=by, action="draw.committed", target=locked,
                     after={"party": party, "role": role, "commitment": commitment})
    return witness


def draw_seal(draw: Draw, /, *, by: Any) -> Draw:
    """Close the commitments: from now on values may be revealed and dice rolled, and no party may join."""
    _ensure_witness_recorder(draw, by)
    with transaction.atomic():
        locked = _lock(draw)
        workflow.ensure_transition(locked.status, DrawStatus.SEALED)
        locked.status = DrawStatus.SEALED
        locked.save(update_fields=["status", "updated_at"])
        parties = list(locked.witnesses.filter(kind=WitnessKind.PARTY).values_list("party", "commitment"))
        audit.record(actor=by, action="draw.sealed", target=locked,
                     after={"commitments": [{"party": p, "commitment": c} for p, c in parties]})
    return locked


def witness_reveal(draw: Draw, /, *, by: Any, party: str, value: str, salt: str) -> DrawWitness:
    """A party reveals its value and salt; one that does not open its commitment is refused, naming the party."""
    _ensure_witness_recorder(draw, by)
    party, salt = (party or "").strip(), (salt or "").strip().lower()
    if not value:
        raise ValidationFailed.for_field("value", "请填写揭示值", "required")
    with transaction.atomic():
        locked = _lock(draw)
        if locked.status != DrawStatus.SEALED:
            raise IllegalTransition(
                f"抽取当前为「{locked.get_status_display()}」：须先封存承诺，才能揭示", code="reveal_not_open"
            )
        witness = DrawWitness.objects.filter(draw=locked, kind=WitnessKind.PARTY, party=party).first()
        if witness is None:
            raise ValidationFailed.for_field("party", f"没有名为「{party}」的承诺方", "unknown_party")
        if witness.is_revealed:
            raise Conflict(f"承诺方「{party}」已揭示", code="already_revealed")
        try:
            engine.check_reveal(witness.party, value, salt, witness.commitment)
        except engine.RevealMismatch as exc:
            raise ValidationFailed.for_field("value", str(exc), exc.code) from exc
        except engine.SeedInvalid as exc:
            raise ValidationFailed.for_field("salt", str(exc), exc.code) from exc
        witness.value, witness.salt, witness.revealed_at = value, salt, _now()
        witness.save(update_fields=["value", "salt", "revealed_at"])
        audit.record(actor=by, action="draw.revealed", target=locked,
                     after={"party": witness.party, "value": value, "salt": salt})
    return witness


def witness_dice(draw: Draw, /, *, by: Any, digits: str, witnesses: Sequence[str]) -> Draw:
    """Record dice digits rolled in public, with the names of at least two witnesses present."""
    _ensure_witness_recorder(draw, by)
    digits = re.sub(r"\s+", "", digits or "")
    names = [w.strip() for w in witnesses if w and w.strip()]
    errors: list[FieldError] = []
    if not re.fullmatch(r"[0-9]+", digits) or len(digits) < engine.MIN_DICE_DIGITS:
        errors.append(FieldError("digits", f"摇号数字须为至少 {engine.MIN_DICE_DIGITS} 位十进制数字", "dice_digits"))
    if len(set(names)) < MIN_WITNESSES:
        errors.append(FieldError("witnesses", f"摇号须至少 {MIN_WITNESSES} 名见证人，并录入其姓名", "dice_witnesses"))
    elif len(set(names)) != len(names):
        errors.append(FieldError("witnesses", "见证人姓名重复", "duplicate"))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    with transaction.atomic():
        locked = _lock(draw)
        if locked.status != DrawStatus.SEALED:
            raise IllegalTransition(
                f"抽取当前为「{locked.get_status_display()}」：须先封存承诺，才能录入摇号数字", code="dice_not_open"
            )
        if locked.dice_digits:
            raise Conflict("本次抽取已录入摇号数字", code="dice_exists")
        locked.dice_digits, locked.dice_recorded_at = digits, _now()
        locked.save(update_fields=["dice_digits", "dice_recorded_at", "updated_at"])
        DrawWitness.objects.bulk_create([
            DrawWitness(draw=locked, kind=WitnessKind.DICE_WITNESS, name=n, party=n, role="摇号见证人",
                        recorded_by=_user(by)) for n in names
        ])
        audit.record(actor=by, action="draw.dice_recorded", target=locked, after={"digits": digits, "witnesses": names})
    return locked


# ---------------------------------------------------------------- execute


def seed_material(draw: Draw) -> engine.SeedMaterial:
    """The seed of a sealed draw from its revealed parties and dice; ValidationFailed when witnesses are missing."""
    witnesses = list(draw.witnesses.all())
    parties = [w for w in witnesses if w.kind == WitnessKind.PARTY]
    unrevealed = [w.party for w in parties if not w.is_revealed]
    if unrevealed:
        raise ValidationFailed.for_field(
            "reveals", f"承诺方「{'、'.join(unrevealed)}」尚未揭示：已承诺的各方都须揭示后才能抽取", "reveal_missing"
        )
    dice_names = sorted(w.name for w in witnesses if w.kind == WitnessKind.DICE_WITNESS)
    has_dice = bool(draw.dice_digits) and len(dice_names) >= MIN_WITNESSES
    if len(parties) < MIN_WITNESSES and not has_dice:
        raise ValidationFailed(WITNESSES_REQUIRED, code="witnesses_required",
                               errors=[FieldError("witnesses", WITNESSES_REQUIRED, "witnesses_required")])
    try:
        return engine.SeedMaterial(
            draw.algorithm, draw.reference, draw.params_hash, draw.snapshot_hash,
            reveals=tuple(engine.Reveal(w.party, w.value, w.salt, w.commitment) for w in parties),
            dice=engine.DiceRoll(draw.dice_digits, tuple(dice_names)) if has_dice else None,
        )
    except engine.DrawError as exc:
        raise _engine_error(exc, "witnesses") from exc


def _team_failure(exc: engine.TeamRuleUnsatisfiable, pool: FrozenPool) -> ValidationFailed:
    """The engine's message with the entity's name and the department's and domains' names."""
    from jianguan.catalog.models import SupervisionDomain

    entity = Entity.objects.filter(uscc=exc.uscc).values_list("name", flat=True).first() or ""
    message = str(exc).split("：", 1)[-1]
    for code, name in pool.department_names.items():
        message = message.replace(f"部门 {code}", f"部门{code}").replace(code, f"「{name}」（{code}）")
    domains = dict(SupervisionDomain.objects.filter(code__in=exc.missing_domains).values_list("code", "name"))
    for code, name in domains.items():
        message = message.replace(code, f"{name}（{code}）")
    text = (f"检查对象「{entity}」（{exc.uscc}）无法组成检查组：{message}。"
            "抽取未执行，未写入任何结果；请补充检查人员或资质，或调整任务的组队规则后经批准重新抽取")
    return ValidationFailed(text, code=exc.code, errors=[FieldError("team", text, exc.code)])


def _selected_index(pop: engine.Population, selected: Sequence[engine.Selection]) -> np.ndarray:
    """Row numbers (canonical order) of the selected entities; the selected list is grouped by grade."""
    out = np.empty(len(selected), dtype=np.intp)
    slices = {s.grade: s for s in pop.slices}
    start = 0
    while start < len(selected):
        grade = selected[start].grade
        stop = start
        while stop < len(selected) and selected[stop].grade == grade:
            stop += 1
        s = slices[grade]
        wanted = np.array([x.uscc for x in selected[start:stop]], dtype="S18")
        found = np.searchsorted(pop.usccs[s.start : s.stop], wanted) + s.start
        if not np.array_equal(pop.usccs[found], wanted):
            raise engine.PopulationInvalid("抽中对象不在冻结的总体中")
        out[start:stop] = found
        start = stop
    return out


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(rows: Iterable[Sequence[Any]], *, plain: bool) -> str:
    """Rows in COPY text format. ``plain``: the caller guarantees ints and codes without tab, newline or
    backslash (tickets, grades, ids), so no cell needs escaping — the fast path for bulk draw rows."""
    if plain:
        return "".join(["\t".join(map(str, row)) + "\n" for row in rows])
    return "".join(["\t".join("\\N" if v is None else str(v).translate(_COPY_ESCAPES) for v in row) + "\n"
                    for row in rows])


def bulk_insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, plain: bool = False) -> None:
    """Insert many rows fast: one COPY on PostgreSQL, executemany elsewhere (never model instances)."""
    quote = connection.ops.quote_name
    table, cols = quote(table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                cp.write(_copy_text(rows, plain=plain))
            return
        marks = ", ".join(["%s"] * len(columns))
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608 - names from metadata


_PG_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
_PG_BINARY_TRAILER = (-1).to_bytes(2, "big", signed=True)


def _binary_copy(columns: Sequence[tuple[str, np.ndarray]]) -> bytes:
    """Rows of fixed-width columns in PostgreSQL's binary COPY format, built by numpy in one pass.

    int16/int32/int64 arrays become smallint/integer/bigint; an ``S<k>`` array becomes a text value of
    exactly k bytes (every value must be k bytes long: the caller checks)."""
    n = len(columns[0][1])
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for k, (_, values) in enumerate(columns):
        if len(values) != n:
            raise ValueError("columns of different lengths")
        fields += [(f"len{k}", ">i4"), (f"v{k}", values.dtype.str if values.dtype.kind == "S" else f">i{values.dtype.itemsize}")]
    rows = np.empty(n, dtype=np.dtype(fields))
    rows["count"] = len(columns)
    for k, (_, values) in enumerate(columns):
        rows[f"len{k}"] = values.dtype.itemsize
        rows[f"v{k}"] = values
    return b"".join([_PG_BINARY_HEADER, rows.tobytes(), _PG_BINARY_TRAILER])


def bulk_insert_columns(table: str, columns: Sequence[tuple[str, np.ndarray]]) -> None:
    """Insert rows given as numpy columns: one binary COPY on PostgreSQL (no Python work per row),
    executemany elsewhere. Integer columns and fixed-width byte strings (``S<k>``, stored as text)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name, _ in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN (FORMAT BINARY)") as cp:
                cp.write(_binary_copy(columns))
            return
        lists = [v.astype(str).tolist() if v.dtype.kind == "S" else v.tolist() for _, v in columns]
        marks = ", ".join(["%s"] * len(columns))
        cur.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608 - names from metadata
                        list(zip(*lists, strict=True)))


def count_existing(model: type[Any], ids: Sequence[int]) -> int:
    """How many of these primary keys exist, in one query (an array on PostgreSQL, chunks elsewhere)."""
    unique = list(set(ids))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
                        "WHERE id = ANY(%s)", [unique])
            return int(cur.fetchone()[0])
    return sum(model.objects.filter(pk__in=unique[i : i + 5000]).count() for i in range(0, len(unique), 5000))


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """The record as canonical JSON (docs/draw-spec.md §2). Same bytes as engine.canonical_json, without its
    float scan: the record is built by the engine from integers and strings only, and the scan of a large
    record (10⁵ selections and teams) costs about half a second."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _count_selections(draw: Draw, cap: int) -> None:
    """[001] +1 on each selected entity's yearly counter, IN THE DATABASE: the CHECK (count <= cap) refuses
    the draw if a concurrent draw took an entity to the cap since the population was frozen."""
    table = EntityYearCounter._meta.db_table
    selections = DrawSelection._meta.db_table
    sql = (
        f"INSERT INTO {table} (entity_id, year, count, cap) "  # noqa: S608 - table names from model metadata
        f"SELECT s.entity_id, %s, 1, %s FROM {selections} s WHERE s.draw_id = %s ORDER BY s.entity_id "
        f"ON CONFLICT (entity_id, year) DO UPDATE SET count = {table}.count + 1, cap = excluded.cap"
    )
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [draw.year, cap, draw.pk])
    except IntegrityError:
        full = list(
            EntityYearCounter.objects.filter(
                year=draw.year, count__gte=cap,
                entity_id__in=DrawSelection.objects.filter(draw=draw).values("entity_id"),
            ).values_list("entity__name", "entity__uscc")[:5]
        )
        names = "、".join(f"「{n}」（{u}）" for n, u in full) or "部分检查对象"
        raise Conflict(
            f"{names}在 {draw.year} 年已达到年度抽取上限 {cap} 次（其他抽取在名单冻结后已将其抽中），"
            "本次抽取未执行，请重新冻结名单（经批准重新抽取）[001]",
            code="yearly_cap_reached",
        ) from None


def draw_execute(draw: Draw, /, *, by: Any, progress: Progress | None = None) -> Draw:
    """Run JG-DRAW-1 on the frozen population with the revealed seed; persist selections, teams, the record."""
    ensure_can_edit(draw, by, EXECUTE)
    written: list[str] = []
    timings: dict[str, float] = {}
    try:
        with transaction.atomic():
            locked = _lock(draw)
            workflow.ensure_transition(locked.status, DrawStatus.EXECUTED)
            task = _task_of(locked)
            plan = _ensure_plan_in_force(task)
            if plan.status not in (PlanStatus.PUBLISHED, PlanStatus.IN_PROGRESS):
                raise IllegalTransition(
                    f"计划当前为「{plan.get_status_display()}」，须先公开计划才能抽取（一公开 [003]）",
                    code="plan_not_published",
                )
            seed = seed_material(locked)
            _step(progress, 0, 4)
            t0 = time.perf_counter()
            params = params_from_json(locked.params or {})
            csv_bytes = files.read_snapshot(locked.snapshot_path)
            if params.hash() != locked.params_hash or \
                    engine.snapshot_hash(csv_bytes, params.snapshot_hash_algorithm) != locked.snapshot_hash:
                raise Conflict("冻结的名单或参数与公布的哈希不一致，不能抽取", code="frozen_inputs_changed")
            pop, ids = population.population_from_files(csv_bytes, files.read(locked.snapshot_index_path))
            pool = FrozenPool.from_json(locked.pool or {}, locked.recusals)
            timings["load"] = time.perf_counter() - t0
            _step(progress, 1, 4)
            t0 = time.perf_counter()
            try:
                result = engine.draw(pop, params, seed, pool.pool)
            except engine.TeamRuleUnsatisfiable as exc:
                raise _team_failure(exc, pool) from exc
            except engine.DrawError as exc:
                raise _engine_error(exc) from exc
            timings["draw"] = time.perf_counter() - t0
            _step(progress, 2, 4)
            t0 = time.perf_counter()
            record_json = record_bytes(result.to_record(confidential_recusals=bool(pool.pool.recusals_salt)))
            written.append(files.save(f"{files.folder(locked.year, locked.reference)}/record.json", record_json))
            timings["record"] = time.perf_counter() - t0
            persist_result(locked, result, pop, ids, pool, timings)
            t0 = time.perf_counter()
            if not params.full_coverage:  # [000][003] full coverage is no random draw: it does not count
                _count_selections(locked, population.DRAW_MAX_PER_YEAR)
            timings["counters"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            now = _now()
            locked.status, locked.executed_at, locked.executed_by = DrawStatus.EXECUTED, now, _user(by)
            locked.is_short_notice = now - locked.announced_at < dt.timedelta(days=NOTICE_DAYS)
            locked.k_draw, locked.k_assign = result.k_draw.hex(), result.k_assign.hex()
            locked.grades = [g.to_json() for g in result.grades]
            locked.selected_count = len(result.selected)
            locked.record_path, locked.record_hash = written[-1], engine.sha256_hex(record_json)
            locked.save()
            if task.status == TaskStatus.READY:
                plan_services.task_mark_drawn(task, by=by)
            audit.record(actor=by, action="draw.executed", target=locked, after=_fields(locked, [
                "k_draw", "k_assign", "grades", "selected_count", "record_hash", "is_short_notice"]))
            timings["state"] = time.perf_counter() - t0
            _step(progress, 4, 4)
    except BaseException:
        files.discard(written)
        raise
    locked.timings = timings  # type: ignore[attr-defined]  # read by bench/draw.py
    return locked


def persist_result(draw: Draw, result: engine.DrawResult, pop: engine.Population, ids: np.ndarray,
                   pool: FrozenPool, timings: dict[str, float] | None = None) -> None:
    """Selections and team members, bulk inserted (one COPY each on PostgreSQL).

    The entity ids come from the population frozen in this draw's own index and entities are never
    hard-deleted (registries deactivate), so they are not looked up again: the tables carry no per-row
    foreign-key checks (models.py). The few inspector ids are checked, the directory may have changed.
    """
    clock = timings if timings is not None else {}
    t0 = time.perf_counter()
    selected = result.selected
    idx = _selected_index(pop, selected)
    entity_ids = ids[idx].astype(np.int64)
    n = len(selected)
    pk = draw.pk
    grades = [s.grade for s in selected]
    tickets = np.frombuffer("".join([f"{s.ticket:032x}" for s in selected]).encode("ascii"), dtype="S32")
    width = max(map(len, set(grades)), default=1)
    grade_col = np.array(grades, dtype=f"S{width}")
    if any(len(g) != width for g in set(grades)):  # grades of different lengths: not one fixed-width column
        grade_col = np.array(grades, dtype=object)
    # Rows in entity order: the unique (draw, entity) index then grows at its right edge.
    by_entity = np.argsort(entity_ids, kind="stable")
    columns = [("draw_id", np.full(n, pk, dtype=np.int64)), ("entity_id", entity_ids[by_entity]),
               ("ticket", tickets[by_entity]), ("rank", (by_entity + 1).astype(np.int32))]
    if grade_col.dtype == object:
        bulk_insert(DrawSelection._meta.db_table, ("draw_id", "entity_id", "grade", "ticket", "rank"),
                    sorted([(pk, e, s.grade, f"{s.ticket:032x}", r)
                            for r, (e, s) in enumerate(zip(entity_ids.tolist(), selected, strict=True), 1)]),
                    plain=True)
    else:
        bulk_insert_columns(DrawSelection._meta.db_table, [*columns[:2], ("grade", grade_col[by_entity]), *columns[2:]])
    clock["selections"] = time.perf_counter() - t0
    if result.teams:
        t0 = time.perf_counter()
        teams = result.teams
        if len(teams) != n or any(t.uscc != s.uscc for t, s in zip(teams, selected, strict=True)):
            raise engine.DrawError("检查组与抽中对象的顺序不一致")
        pks = pool.inspector_pks
        from jianguan.inspectors.models import Inspector

        if count_existing(Inspector, list(pks.values())) != len(set(pks.values())):
            raise Conflict("冻结的检查人员名单中有人员已不在名录库中，请重新冻结名单（经批准重新抽取）",
                           code="frozen_inspectors_missing")
        sizes = np.fromiter(map(len, [t.inspectors for t in teams]), dtype=np.int64, count=n)
        members = np.array([pks[i] for t in teams for i in t.inspectors], dtype=np.int64)
        member_entity = np.repeat(entity_ids, sizes)
        starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
        order = (np.arange(len(members), dtype=np.int64) - starts + 1).astype(np.int16)
        rows = np.lexsort((members, member_entity))  # in index order (draw, entity, inspector)
        bulk_insert_columns(DrawTeamMember._meta.db_table, [
            ("draw_id", np.full(len(members), pk, dtype=np.int64)), ("entity_id", member_entity[rows]),
            ("inspector_id", members[rows]), ("order", order[rows])])
        clock["teams"] = time.perf_counter() - t0


# ---------------------------------------------------------------- publish and redraw


def draw_publish(draw: Draw, /, *, by: Any) -> Draw:
    """Publish the executed draw's record (一公开 [003]); published draws are readable by anyone."""
    ensure_can_edit(draw, by, CHANGE)
    with transaction.atomic():
        locked = _lock(draw)
        workflow.ensure_transition(locked.status, DrawStatus.PUBLISHED)
        locked.status, locked.published_at, locked.published_by = DrawStatus.PUBLISHED, _now(), _user(by)
        locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        audit.record(actor=by, action="draw.published", target=locked,
                     after={"record_hash": locked.record_hash, "published_at": locked.published_at})
    return locked


def _release_counters(draw: Draw) -> None:
    """The selections of a superseded draw no longer count towards the yearly cap."""
    if not draw.selected_count or (draw.params or {}).get("full_coverage"):
        return
    EntityYearCounter.objects.filter(
        year=draw.year, entity_id__in=DrawSelection.objects.filter(draw=draw).values("entity_id"), count__gt=0,
    ).update(count=F("count") - 1)


def draw_redraw(draw: Draw, /, *, by: Any, reason: str, approver: Any, scheduled_at: Any = None) -> Draw:
    """A new draw replacing this one, with a reason and an approver who holds approve_redraw [003].

    The old record stays as it was (a published one stays published); a draw abandoned before execution
    becomes failed. The old draw's selections stop counting towards the yearly cap.
    """
    ensure_can_edit(draw, by, ADD)
    reason = (reason or "").strip()
    errors: list[FieldError] = []
    if not reason:
        errors.append(FieldError("reason", "重新抽取须说明理由 [003]", "required"))
    if approver is None or not getattr(approver, "is_active", False):
        errors.append(FieldError("approver", "重新抽取须经批准，请指定批准人", "required"))
    elif not Draw.objects.filter(pk=draw.pk).editable_by(approver, APPROVE_REDRAW).exists():
        name = getattr(approver, "display_name", "") or getattr(approver, "username", "")
        errors.append(FieldError(
            "approver", f"「{name}」无权批准重新抽取：须由本部门负责人（部门管理员）批准", "approver_not_permitted"
        ))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    with transaction.atomic():
        locked = _lock(draw)
        if locked.superseded_at is not None:
            raise Conflict(f"抽取 {locked.reference} 已被重新抽取替代", code="already_superseded")
        workflow.ensure_redrawable(locked.status)
        task = Task.objects.select_for_update(of=("self",)).select_related("plan", "department").get(pk=locked.task_id)
        _ensure_plan_in_force(task)
        when = _check_schedule(scheduled_at or _now() + dt.timedelta(days=NOTICE_DAYS))
        before = locked.status
        if locked.status in (DrawStatus.ANNOUNCED, DrawStatus.FROZEN, DrawStatus.SEALED):
            locked.status = DrawStatus.FAILED
        elif locked.status == DrawStatus.PUBLISHED:
            _release_counters(locked)
        locked.superseded_at = _now()
        locked.save(update_fields=["status", "superseded_at", "updated_at"])
        number = (Draw.objects.filter(task=task).aggregate(n=Max("number"))["n"] or 0) + 1
        new = _create_draw(task, number=number, scheduled_at=when, by=by, redraw_of=locked,
                           redraw_reason=reason, redraw_approved_by=approver)
        audit.record(actor=by, action="draw.superseded", target=locked,
                     before={"status": before}, after={"status": locked.status, "redraw": new.reference})
        audit.record(actor=by, action="draw.redraw_announced", target=new, after={
            "redraw_of": locked.reference, "reason": reason, "approved_by": approver.pk,
            "scheduled_at": new.scheduled_at, "legal_notified_to": new.legal_notified_to})
    return new


# ---------------------------------------------------------------- joint rounds


def joint_merge(plan: Plan, /, *, by: Any, dice_digits: str, witnesses: Sequence[str]) -> JointRound:
    """汇总取重 [000][001][004]: one visit per entity drawn by the plan's departments, one team per visit.

    The team draw's seed is a dice roll witnessed by at least two named people, entered with the merge;
    the merge (and so every department's record hash) and the parameters are bound into that seed.
    """
    scope = scope_of(by)
    if not scope.can_label(EXECUTE, "draws.draw") or not (
        scope.unrestricted or scope.department_id == plan.department_id
    ):
        audit.record(actor=by, action="permission.denied", target=plan, after={"action": "draws.draw:execute"})
        raise NotPermitted("只有联合抽查计划的发起部门可以汇总取重")
    if plan.kind != PlanKind.JOINT:
        raise ValidationFailed.for_field("plan", "只有部门联合抽查计划需要汇总取重", "not_joint")
    digits = re.sub(r"\s+", "", dice_digits or "")
    names = sorted({w.strip() for w in witnesses if w and w.strip()})
    errors: list[FieldError] = []
    if not re.fullmatch(r"[0-9]+", digits) or len(digits) < engine.MIN_DICE_DIGITS:
        errors.append(FieldError("dice_digits", f"摇号数字须为至少 {engine.MIN_DICE_DIGITS} 位十进制数字", "dice_digits"))
    if len(names) < MIN_WITNESSES:
        errors.append(FieldError("witnesses", WITNESSES_REQUIRED, "witnesses_required"))
    if errors:
        raise ValidationFailed(errors[0].message, errors=errors)
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = Plan.objects.select_for_update().select_related("department").get(pk=plan.pk)
            ensure_plan_carries_tasks(locked.status)
            departments = plan_selectors.plan_departments(locked)
            draws = list(
                Draw.objects.filter(task__plan=locked, status__in=list(workflow.DONE), superseded_at__isnull=True)
                .select_related("department", "task").prefetch_related("task__items").order_by("department_id", "pk")
            )
            selections: list[merge.DepartmentSelection] = []
            item_domains: dict[str, set[str]] = {}
            tasks: list[Task] = []
            for dept in departments:
                mine = [d for d in draws if d.department_id == dept.pk]
                if not mine:
                    raise ValidationFailed.for_field(
                        "plan", f"部门「{dept.name}」尚未完成本计划的抽取，不能汇总取重", "department_not_drawn"
                    )
                items: set[str] = set()
                for d in mine:
                    tasks.append(d.task)
                    for item in d.task.items.all():
                        items.add(item.code)
                        item_domains.setdefault(item.code, set()).add(item.domain_id)
                usccs = set(DrawSelection.objects.filter(draw__in=mine).values_list("entity__uscc", flat=True))
                selections.append(merge.DepartmentSelection(
                    dept.code, tuple(items), tuple(usccs), mine[0].record_hash if len(mine) == 1 else None))
            merged = merge.merge_selections(locked.department.code, selections)
            pool = build_pool(departments, on=max(timezone.localdate(), min(t.window_start_on for t in tasks)))
            params = merge.JointParams.for_pool(
                pool.pool, item_domains, min_team=max(t.min_team_size for t in tasks),
                workload_cap=min(t.max_visits_per_inspector for t in tasks),
            )
            number = JointRound.objects.filter(plan=locked).count() + 1
            reference = f"{locked.year}-J{locked.pk}-{number}"
            try:
                seed = engine.SeedMaterial(params.algorithm, reference, params.hash(), merged.hash(),
                                           dice=engine.DiceRoll(digits, tuple(names)))
                result = merge.joint_teams(merged, params, seed, pool.pool)
            except engine.TeamRuleUnsatisfiable as exc:
                raise _team_failure(exc, pool) from exc
            except engine.DrawError as exc:
                raise _engine_error(exc, "plan") from exc
            record_json = record_bytes(result.to_record(confidential_recusals=bool(pool.pool.recusals_salt)))
            written.append(files.save(f"{files.folder(locked.year, reference)}/joint_record.json", record_json))
            now = _now()
            joint = JointRound.objects.create(
                plan=locked, department=locked.department, reference=reference,
                visits_before=merged.visits_before, visits_after=merged.visits_after,
                visits_saved=merged.visits_saved, params=params.to_json(), params_hash=params.hash(),
                merge_hash=merged.hash(), dice_digits=digits, dice_witnesses=names, k_assign=result.k_assign.hex(),
                record_path=written[0], record_hash=engine.sha256_hex(record_json), merged_at=now,
                merged_by=_user(by),
            )
            joint.draws.set(draws)
            entity_of = dict(
                DrawSelection.objects.filter(draw__in=draws).values_list("entity__uscc", "entity_id").distinct()
            )
            visits = {v.uscc: v for v in merged.visits}
            JointVisit.objects.bulk_create([
                JointVisit(joint_round=joint, entity_id=entity_of[team.uscc], order=n,
                           order_ticket=engine.ticket_hex(ticket), item_codes=list(visits[team.uscc].items),
                           department_codes=list(visits[team.uscc].departments),
                           inspector_ids=[pool.inspector_pks[i] for i in team.inspectors])
                for n, ((_, ticket), team) in enumerate(zip(result.order, result.teams, strict=True), start=1)
            ], batch_size=2000)
            audit.record(actor=by, action="draw.joint_merged", target=joint, after={
                "plan": locked.pk, "draws": [d.reference for d in draws], "visits_before": merged.visits_before,
                "visits_after": merged.visits_after, "visits_saved": merged.visits_saved,
                "merge_hash": joint.merge_hash, "record_hash": joint.record_hash})
    except BaseException:
        files.discard(written)
        raise
    return joint
