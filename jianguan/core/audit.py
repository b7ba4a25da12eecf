"""The audit chain: every important write, login and denial appends one hash-linked event.

hash_n = H(canonical_json({...fields of event n..., "prev_hash": hash_{n-1}})), with H = SHA-256
or SM3 (settings.AUDIT_HASH_ALGORITHM, stored per row). `verify_chain` recomputes everything and
names the first broken link; the head row catches deletions at the tail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from jianguan.core import context
from jianguan.core.lib.canonical import canonical_json, digest, normalise
from jianguan.core.models import GENESIS_HASH, AuditChainHead, AuditEvent


def _payload(event: AuditEvent) -> dict[str, Any]:
    occurred = event.occurred_at
    if isinstance(occurred, dt.datetime) and occurred.tzinfo is not None:
        occurred = occurred.astimezone(dt.UTC)
    return {
        "seq": event.seq,
        "occurred_at": occurred.isoformat() if isinstance(occurred, dt.datetime) else str(occurred),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "ip": event.ip,
        "algorithm": event.algorithm,
        "prev_hash": event.prev_hash,
    }


def compute_hash(event: AuditEvent) -> str:
    return digest(canonical_json(_payload(event)).encode("utf-8"), event.algorithm)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-ready picture of a model instance's concrete fields (foreign keys by id)."""
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        data[f.attname] = getattr(instance, f.attname)
    return normalise(data)


def _target_fields(target: models.Model | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    return target._meta.label_lower, str(target.pk), str(target)[:300]


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    target_type: str | None = None,
    target_id: str | None = None,
    target_repr: str | None = None,
    actor_username: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction (or its own)."""
    ttype, tid, trepr = _target_fields(target)
    ctx = context.current()
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", False) else None
    username = actor_username if actor_username is not None else (getattr(actor, "username", "") or "")
    with transaction.atomic():
        # The head row is created by a migration; get_or_create keeps a flushed test database working.
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            actor_id=actor_id,
            actor_username=username[:150],
            action=action,
            target_type=target_type if target_type is not None else ttype,
            target_id=(target_id if target_id is not None else tid)[:64],
            target_repr=(target_repr if target_repr is not None else trepr)[:300],
            before=normalise(before) if before is not None else None,
            after=normalise(after) if after is not None else None,
            request_id=ctx.request_id,
            ip=ctx.ip,
            algorithm=settings.AUDIT_HASH_ALGORITHM,
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class Entry:
    """One event of a batch for `record_many` (same meaning as the arguments of `record`)."""

    action: str
    target: models.Model | None = None
    before: Any = None
    after: Any = None


def record_many(*, actor: Any, entries: Sequence[Entry], chunk: int = 2000) -> list[AuditEvent]:
    """Append several events to the chain at once: one head lock, one bulk insert, one head update.

    For batch operations (a whole task's visits scheduled, reviewed or imported): every object still gets
    its own event, linked exactly as `record` would link them one after another.
    """
    if not entries:
        return []
    ctx = context.current()
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", False) else None
    username = (getattr(actor, "username", "") or "")[:150]
    algorithm = settings.AUDIT_HASH_ALGORITHM
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev = head.seq, head.hash
        now = timezone.now()
        events = []
        for entry in entries:
            ttype, tid, trepr = _target_fields(entry.target)
            seq += 1
            event = AuditEvent(
                seq=seq, occurred_at=now, actor_id=actor_id, actor_username=username, action=entry.action,
                target_type=ttype, target_id=tid[:64], target_repr=trepr[:300],
                before=normalise(entry.before) if entry.before is not None else None,
                after=normalise(entry.after) if entry.after is not None else None,
                request_id=ctx.request_id, ip=ctx.ip, algorithm=algorithm, prev_hash=prev,
            )
            event.hash = prev = compute_hash(event)
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=chunk)
        AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return events


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, for compact before/after pairs."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def _iter_events(chunk: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify_chain() -> ChainReport:
    """Recompute every link. Returns the first broken link, if any."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in _iter_events():
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"事件 #{expected_seq} 缺失（下一条是 #{event.seq}）")
        if event.prev_hash != expected_prev:
            return ChainReport(False, checked, event.seq, f"事件 #{event.seq} 的 prev_hash 与上一条的哈希不一致")
        if compute_hash(event) != event.hash:
            return ChainReport(False, checked, event.seq, f"事件 #{event.seq} 的内容与其哈希不一致（记录被改动）")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.get(pk=1)
    if head.seq != checked or head.hash != expected_prev:
        return ChainReport(
            False, checked, checked + 1, f"链头记录 #{head.seq}，但只找到 {checked} 条事件（末尾事件被删除）"
        )
    return ChainReport(True, checked)
