"""Permission-checked reads of the exchange log for staff: the whole log is for auditors and
administrators (`exchange.log.read`), and seeing one person's entries is itself an access to
personal data, recorded in the audit trail (`exchange.log_subject_viewed`, the national ID as
the entity, as in the log itself, so it can be shown to that person)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from onestop.core.audit import audit_append
from onestop.staff.actors import Actor, actor_require

from .models import ExchangeLogEntry

SUBJECT_LENGTH = ExchangeLogEntry._meta.get_field("subject").max_length or 40


def exchange_log_for_staff(*, actor: Actor) -> QuerySet[ExchangeLogEntry]:
    """Every entry, newest first; refused without `exchange.log.read`."""
    actor_require(actor=actor, action="exchange.log.read")
    return ExchangeLogEntry.objects.order_by("-occurred_at", "-id")


def exchange_log_search(
    *, actor: Actor, term: str, entries: QuerySet[ExchangeLogEntry] | None = None
) -> QuerySet[ExchangeLogEntry]:
    """Entries whose request id is `term` (a UUID), or whose subject is exactly `term`: never a
    partial match, so the log cannot be trawled for IDs that start or end alike."""
    label = actor_require(actor=actor, action="exchange.log.read")
    entries = entries if entries is not None else exchange_log_for_staff(actor=actor)
    term = term.strip()
    try:
        return entries.filter(request_id=uuid.UUID(term))
    except ValueError:
        pass
    if not term or len(term) > SUBJECT_LENGTH:
        return entries.none()
    found = entries.filter(subject=term)
    _subject_viewed(actor_label=label, subject=term, entries=found.count())
    return found


def exchange_log_entry_get(*, actor: Actor, entry_id: uuid.UUID) -> ExchangeLogEntry | None:
    """One entry; showing its subject is recorded like a search for that subject."""
    label = actor_require(actor=actor, action="exchange.log.read")
    entry = ExchangeLogEntry.objects.filter(pk=entry_id).first()
    if entry is not None and entry.subject:
        _subject_viewed(actor_label=label, subject=entry.subject, entries=1)
    return entry


def _subject_viewed(*, actor_label: str, subject: str, entries: int) -> None:
    audit_append(
        actor=actor_label,
        action="exchange.log_subject_viewed",
        entity_type="exchange.subject",
        entity_id=subject,
        data={"entries": entries},
    )
