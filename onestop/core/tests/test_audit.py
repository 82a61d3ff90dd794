import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from onestop.core.audit import audit_append, audit_seal, audit_verify
from onestop.core.events import event_record
from onestop.core.models import AuditRecord, DomainEvent

pytestmark = pytest.mark.django_db


def _chain(length: int = 4) -> list[AuditRecord]:
    """`length` entries, sealed."""
    written = [
        audit_append(
            actor="officer:1",
            action="thing.changed",
            entity_type="thing",
            entity_id=str(n),
            data={"n": n},
        )
        for n in range(1, length + 1)
    ]
    assert audit_seal() == length
    return [AuditRecord.objects.get(pk=record.pk) for record in written]


def _without_guard(statement: str, params: list) -> None:
    """Tamper as an attacker with database access would: lift the append-only guard first.
    Both databases undo the DDL when the test's transaction rolls back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_auditrecord DISABLE TRIGGER core_auditrecord_append_only"
            )
            cursor.execute(statement, params)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE core_auditrecord ENABLE TRIGGER core_auditrecord_append_only"
            )
        else:
            cursor.execute("DROP TRIGGER core_auditrecord_no_update")
            cursor.execute(statement, params)


def test_an_intact_chain_verifies():
    _chain()

    assert audit_verify() == []
    call_command("audit", "verify")


def test_the_database_refuses_to_change_entries():
    records = _chain(2)

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=records[0].pk).update(actor="someone-else")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditRecord.objects.filter(pk=records[0].pk).delete()
    assert AuditRecord.objects.get(pk=records[0].pk).actor == "officer:1"


def test_verify_detects_an_altered_entry():
    records = _chain()

    _without_guard(
        "UPDATE core_auditrecord SET data = %s WHERE id = %s",
        ['{"n": 99}', records[1].pk.hex if connection.vendor == "sqlite" else records[1].pk],
    )

    problems = audit_verify()
    assert [(p.sequence, p.problem) for p in problems] == [
        (2, "content altered after it was written")
    ]
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("audit", "verify")


def test_verify_detects_a_deleted_entry():
    records = _chain()

    _without_guard(
        "DELETE FROM core_auditrecord WHERE id = %s",
        [records[2].pk.hex if connection.vendor == "sqlite" else records[2].pk],
    )

    problems = audit_verify()
    assert [(p.sequence, p.problem) for p in problems] == [
        (3, "missing: the next entry is #4 (entries deleted)"),
        (4, "does not link to the entry before it (entry inserted or removed)"),
    ]


def test_verify_detects_the_last_entries_deleted():
    records = _chain()

    _without_guard(
        "DELETE FROM core_auditrecord WHERE id = %s",
        [records[3].pk.hex if connection.vendor == "sqlite" else records[3].pk],
    )

    problems = audit_verify()
    assert [(p.sequence, p.problem) for p in problems] == [
        (4, "the chain ends before its recorded tip (latest entries deleted)")
    ]


def test_verify_detects_an_inserted_entry():
    records = _chain()
    forged = AuditRecord(
        sequence=3,
        occurred_at=records[2].occurred_at,
        actor="intruder",
        action="thing.changed",
        entity_type="thing",
        entity_id="x",
        data={},
        previous_digest=records[1].digest,
    )
    from onestop.core.audit import compute_digest

    forged.digest = compute_digest(records[1].digest, forged)
    # Make room for the forged entry by shifting the real ones up, as an attacker would.
    _without_guard("UPDATE core_auditrecord SET sequence = sequence + 100 WHERE sequence >= 3", [])
    forged.save(force_insert=True)

    problems = audit_verify()
    assert [(p.sequence, p.problem) for p in problems] == [
        (4, "missing: the next entry is #103 (entries deleted)"),
        (103, "does not link to the entry before it (entry inserted or removed)"),
        (103, "content altered after it was written"),
        (104, "content altered after it was written"),
        (4, "the chain ends before its recorded tip (latest entries deleted)"),
    ]


def test_an_event_and_its_audit_entry_commit_or_roll_back_together():
    with pytest.raises(RuntimeError), transaction.atomic():
        event_record(name="thing.created", actor="editor:1", entity_type="thing", entity_id="1")
        raise RuntimeError("the change fails after the event was recorded")

    assert DomainEvent.objects.count() == 0
    assert AuditRecord.objects.count() == 0

    event = event_record(
        name="thing.created",
        actor="editor:1",
        entity_type="thing",
        entity_id="1",
        payload={"code": "x"},
        channel="online",
    )
    assert (event.audit_record.sequence, event.audit_record.action, event.payload) == (
        None,
        "thing.created",
        {"code": "x"},
    )
    assert audit_verify() == []
    assert AuditRecord.objects.get(pk=event.audit_record_id).sequence == 1


def test_entries_are_written_unsealed_and_sealed_in_the_order_they_were_written():
    first = audit_append(actor="a", action="x.made", entity_type="x", entity_id="1")
    second = audit_append(actor="a", action="x.made", entity_type="x", entity_id="2")
    assert (first.sequence, first.digest, second.sequence) == (None, None, None)

    assert audit_seal() == 2
    assert audit_seal() == 0
    third = audit_append(actor="a", action="x.made", entity_type="x", entity_id="3")
    assert audit_seal() == 1

    sealed = {r.pk: r for r in AuditRecord.objects.all()}
    assert [sealed[r.pk].sequence for r in (first, second, third)] == [1, 2, 3]
    assert sealed[second.pk].previous_digest == sealed[first.pk].digest
    assert sealed[third.pk].previous_digest == sealed[second.pk].digest
    assert audit_verify() == []


def test_sealing_in_small_batches_makes_the_same_chain():
    for n in range(5):
        audit_append(actor="a", action="x.made", entity_type="x", entity_id=str(n))

    assert audit_seal(batch_size=2) == 5
    assert list(AuditRecord.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    assert audit_verify() == []


def test_the_database_refuses_to_change_an_unsealed_entry_or_to_seal_it_with_other_content():
    record = audit_append(actor="officer:1", action="x.made", entity_type="x", entity_id="1")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(actor="someone-else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(
            sequence=1, digest="f" * 64, previous_digest="0" * 64, action="x.unmade"
        )
    assert audit_seal() == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(sequence=None, digest=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(digest="f" * 64)
    assert audit_verify() == []
