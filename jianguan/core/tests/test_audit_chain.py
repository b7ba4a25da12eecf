from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from jianguan.core import audit
from jianguan.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _three_events() -> list[AuditEvent]:
    return [audit.record(actor=None, action=f"test.{i}", after={"i": i, "名称": "测试"}) for i in range(3)]


def test_events_link_each_to_the_previous_hash() -> None:
    a, b, c = _three_events()
    assert b.prev_hash == a.hash and c.prev_hash == b.hash
    assert audit.verify_chain().ok


def test_verify_audit_command_reports_an_intact_chain(capsys: pytest.CaptureFixture[str]) -> None:
    _three_events()
    call_command("verify_audit")
    assert "3 条事件" in capsys.readouterr().out


def _tamper(sql: str, params: list[str | int]) -> None:
    """Simulate someone with database rights: lift the append-only trigger, then change a row."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        else:
            cur.execute("DROP TRIGGER core_auditevent_append_only")
        cur.execute(sql, params)


def test_verify_audit_names_a_row_altered_directly_in_the_database() -> None:
    _, b, _ = _three_events()
    _tamper("UPDATE core_auditevent SET after = %s WHERE seq = %s", ['{"i": 99}', b.seq])
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == b.seq
    with pytest.raises(CommandError, match=f"#{b.seq}"):
        call_command("verify_audit")


def test_verify_audit_catches_a_deleted_event_in_the_middle() -> None:
    _, b, _ = _three_events()
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [b.seq])
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == b.seq


def test_verify_audit_catches_a_deleted_last_event() -> None:
    *_, c = _three_events()
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [c.seq])
    report = audit.verify_chain()
    assert not report.ok and "末尾" in report.reason


def test_the_database_refuses_to_update_an_audit_row() -> None:
    (a, *_) = _three_events()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=a.pk).update(action="forged")


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_the_chain_verifies_with_either_hash(settings, algorithm: str) -> None:  # type: ignore[no-untyped-def]
    settings.AUDIT_HASH_ALGORITHM = algorithm
    a, *_ = _three_events()
    assert a.algorithm == algorithm and len(a.hash) == 64
    assert audit.verify_chain().ok


def test_the_head_tracks_the_last_event() -> None:
    *_, c = _three_events()
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (c.seq, c.hash)


def test_record_many_links_every_event_as_single_records_would() -> None:
    first = audit.record(actor=None, action="test.before")
    batch = audit.record_many(actor=None, entries=[audit.Entry(f"test.batch.{i}", after={"i": i}) for i in range(5)])
    last = audit.record(actor=None, action="test.after")
    assert [e.seq for e in batch] == list(range(first.seq + 1, first.seq + 6))
    assert batch[0].prev_hash == first.hash and last.prev_hash == batch[-1].hash
    assert audit.verify_chain().ok


def test_a_tampered_batch_event_breaks_the_chain() -> None:
    batch = audit.record_many(actor=None, entries=[audit.Entry("test.batch", after={"i": i}) for i in range(3)])
    _tamper("UPDATE core_auditevent SET after = %s WHERE seq = %s", ['{"i": 99}', batch[1].seq])
    report = audit.verify_chain()
    assert not report.ok and report.first_bad_seq == batch[1].seq
