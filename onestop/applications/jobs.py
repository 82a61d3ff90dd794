"""Periodic jobs of intake: delete expired drafts, ask again for pending evidence, forget old
failed lookups. Imported by the app's ready() so every worker registers them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from onestop.catalog.models import EvidenceType
from onestop.core import clock
from onestop.core.events import event_record
from onestop.core.periodic import periodic
from onestop.exchange.client import exchange_query
from onestop.exchange.evidence import FOUND, OUTCOMES, PENDING
from onestop.exchange.services import CONSOLE, PORTAL
from onestop.people.identifiers import identifier_mask

from .drafts import jsonable
from .lookup import lookup_attempts_forget
from .models import ApplicationChannel, ApplicationEvidence, Draft, EvidenceStatus

RETRY_ACTOR = "system:applications-evidence-retry"
BATCH = 200


def retry_max_attempts() -> int:
    return int(getattr(settings, "ONESTOP_EVIDENCE_RETRY_MAX_ATTEMPTS", 8))


def retry_delay(attempts: int) -> timedelta:
    """5 minutes, doubling with each attempt, at most 6 hours."""
    base = float(getattr(settings, "ONESTOP_EVIDENCE_RETRY_BASE_SECONDS", 300))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


@periodic(name="applications.drafts_expire", every=timedelta(hours=1))
def drafts_expired_delete() -> None:
    """Delete drafts past their expiry, with the files uploaded to those never submitted."""
    expired = Draft.objects.filter(expires_at__lte=clock.now())
    for draft in expired.filter(submitted_application__isnull=True).only("id", "evidence")[:1000]:
        for entry in (draft.evidence or {}).values():
            path = (entry.get("file") or {}).get("path")
            if path:
                default_storage.delete(path)
    expired.delete()


@periodic(name="applications.evidence_retry", every=timedelta(minutes=5))
def evidence_pending_retry() -> None:
    """Ask the registries again for pending evidence (BATCH at a time, backing off); record
    what was found. After the last attempt the evidence is marked missing, for the officer to
    ask the applicant."""
    now = clock.now()
    due = list(
        ApplicationEvidence.objects.filter(status=EvidenceStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .select_related("application")
        .order_by("next_attempt_at")[:BATCH]
    )
    types = {
        row.code: row
        for row in EvidenceType.objects.filter(code__in={row.evidence_code for row in due})
    }
    for row in due:
        _retry_one(row, types.get(row.evidence_code))


def _retry_one(row: ApplicationEvidence, evidence_type: EvidenceType | None) -> None:
    application = row.application
    subject = row.subject_national_id or application.applicant_national_id
    if evidence_type is None or not evidence_type.registry:
        return _record(row, EvidenceStatus.MISSING, "not_connected", None)
    result = exchange_query(
        consumer=PORTAL if application.channel == ApplicationChannel.ONLINE else CONSOLE,
        registry=evidence_type.registry,
        operation=evidence_type.registry_operation,
        params={"national_id": subject},
        acting_user=RETRY_ACTOR,
        on_behalf_of=application.applicant_national_id,
        purpose="application",
    )
    status, reason = OUTCOMES.get(result.status, (PENDING, "registry_unavailable"))
    if status == FOUND:
        return _record(row, EvidenceStatus.FOUND, "", result)
    if status == PENDING and row.attempts + 1 < retry_max_attempts():
        return _record(row, EvidenceStatus.PENDING, reason, result)
    return _record(row, EvidenceStatus.MISSING, reason, result)


def _record(row: ApplicationEvidence, status: str, reason: str, result: Any) -> None:
    now = clock.now()
    with transaction.atomic():
        row.attempts += 1
        row.status, row.reason = status, reason
        row.next_attempt_at = now + retry_delay(row.attempts) if status == PENDING else None
        if result is not None:
            row.source, row.fetched_at, row.request_id = (
                result.source,
                result.fetched_at,
                result.request_id,
            )
        if status == EvidenceStatus.FOUND:
            row.fields = jsonable(
                {
                    name: {
                        "value": value,
                        "source": result.source,
                        "fetched_at": result.fetched_at,
                        "request_id": result.request_id,
                    }
                    for name, value in result.data.items()
                }
            )
        row.save(
            update_fields=[
                "attempts",
                "status",
                "reason",
                "next_attempt_at",
                "source",
                "fetched_at",
                "request_id",
                "fields",
            ]
        )
        if status != PENDING:
            event_record(
                name="application.evidence_resolved",
                actor=RETRY_ACTOR,
                entity_type="applications.application",
                entity_id=str(row.application_id),
                payload={
                    "evidence": row.evidence_code,
                    "status": status,
                    "reason": reason,
                    "attempts": row.attempts,
                    "request_id": row.request_id,
                },
                on_behalf_of=identifier_mask(row.application.applicant_national_id),
            )


@periodic(name="applications.lookup_attempts_forget", every=timedelta(hours=1))
def lookup_attempts_cleanup() -> None:
    lookup_attempts_forget()
