"""Appending to, sealing and verifying the hash-chained audit trail.

Appending is one INSERT in the caller's transaction, so writers never wait for each other. The
chain is made by sealing: `audit_seal` (a periodic job every ONESTOP_AUDIT_SEAL_SECONDS, 5 s by
default, and the first step of every verification) takes the chain's tip under its row lock,
gives each committed entry not yet sealed, oldest first, the next sequence number and its digest
over the previous digest and its content, and moves the tip. The database lets an entry be
changed once only, from unsealed to sealed with its content unchanged, and never deleted (the
triggers of core's migrations), so an entry is protected from the moment it is written, and its
place in the chain from the moment it is sealed (within seconds).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from . import clock
from .models import AuditHead, AuditRecord

GENESIS = "0" * 64


def _canonical(record: AuditRecord) -> bytes:
    content = {
        "sequence": record.sequence,
        "occurred_at": record.occurred_at.isoformat(),
        "actor": record.actor,
        "action": record.action,
        "entity_type": record.entity_type,
        "entity_id": record.entity_id,
        "channel": record.channel,
        "on_behalf_of": record.on_behalf_of,
        "data": record.data,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder).encode()


def compute_digest(previous_digest: str, record: AuditRecord) -> str:
    return hashlib.sha256(previous_digest.encode() + b"\n" + _canonical(record)).hexdigest()


def audit_append(
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    data: dict[str, Any] | None = None,
    channel: str = "",
    on_behalf_of: str = "",
    occurred_at: datetime | None = None,
) -> AuditRecord:
    """Append one entry, unsealed; runs inside the caller's transaction so it commits with the
    change (one INSERT, no lock: `audit_seal` chains it later)."""
    record = AuditRecord(
        occurred_at=occurred_at or clock.now(),
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        channel=channel,
        on_behalf_of=on_behalf_of,
        data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
    )
    record.save(force_insert=True)
    return record


def audit_seal(*, batch_size: int = 1000) -> int:
    """Chain every committed entry not yet sealed, oldest first; returns how many. One sealer at
    a time: the tip's row lock orders them."""
    sealed = 0
    while True:
        with transaction.atomic():
            head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
            batch = list(
                AuditRecord.objects.filter(sequence__isnull=True).order_by("id")[:batch_size]
            )
            if not batch:
                return sealed
            sequence, previous = head.sequence, head.digest
            for record in batch:
                sequence += 1
                record.sequence, record.previous_digest = sequence, previous
                record.digest = previous = compute_digest(previous, record)
            AuditRecord.objects.bulk_update(batch, ["sequence", "previous_digest", "digest"])
            head.sequence, head.digest = sequence, previous
            head.save(update_fields=["sequence", "digest"])
            sealed += len(batch)


@dataclass(frozen=True)
class AuditProblem:
    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"entry #{self.sequence}: {self.problem}"


def audit_verify(batch_size: int = 5000) -> list[AuditProblem]:
    """Seal what is waiting, then walk the chain from the start; an empty list means the trail
    is intact."""
    audit_seal()
    problems: list[AuditProblem] = []
    expected_sequence, previous = 1, GENESIS
    for sequence, digest, record in _sealed(batch_size):
        if sequence != expected_sequence:
            problems.append(
                AuditProblem(
                    expected_sequence,
                    f"missing: the next entry is #{sequence} (entries deleted)",
                )
            )
        if record.previous_digest != previous:
            problems.append(
                AuditProblem(
                    sequence,
                    "does not link to the entry before it (entry inserted or removed)",
                )
            )
        if compute_digest(record.previous_digest, record) != digest:
            problems.append(AuditProblem(sequence, "content altered after it was written"))
        expected_sequence, previous = sequence + 1, digest
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.sequence != expected_sequence - 1 or head.digest != previous):
        problems.append(
            AuditProblem(
                head.sequence, "the chain ends before its recorded tip (latest entries deleted)"
            )
        )
    return problems


def _sealed(batch_size: int) -> Iterator[tuple[int, str, AuditRecord]]:
    """The sealed entries in chain order, with their sequence and digest."""
    after = 0
    while True:
        batch = list(
            AuditRecord.objects.filter(sequence__gt=after).order_by("sequence")[:batch_size]
        )
        if not batch:
            return
        for record in batch:
            after = record.sequence or after
            yield after, record.digest or "", record
