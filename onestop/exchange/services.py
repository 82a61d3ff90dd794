"""Writes: granting access rights (the country pack will load them; the demo grants a default
set). Each grant is a domain event, so the audit trail shows who opened which door."""

from __future__ import annotations

from django.db import transaction

from onestop.core import clock
from onestop.core.errors import InvalidInput
from onestop.core.events import event_record

from .catalog import OPERATIONS, operation_find
from .models import AccessRight

PORTAL = "XM/GOV/onestop/portal"
CONSOLE = "XM/GOV/onestop/console"
PERSON_OPERATIONS = [key for key, op in OPERATIONS.items() if op.parameter == "national_id"]
# Which platform client may ask what, for which purpose, before a country pack says otherwise.
DEFAULT_RIGHTS: list[tuple[str, str, str, str]] = [
    *((PORTAL, registry, operation, "my-data") for registry, operation in PERSON_OPERATIONS),
    *((PORTAL, registry, operation, "prefill") for registry, operation in PERSON_OPERATIONS),
    *((CONSOLE, registry, operation, "case-review") for registry, operation in OPERATIONS),
]


def access_right_grant(
    *, consumer: str, registry: str, operation: str, purpose: str, actor: str
) -> AccessRight:
    """Grant one right; granting it again returns the existing row and records nothing."""
    if operation_find(registry=registry, operation=operation) is None:
        raise InvalidInput(
            f"The exchange offers no operation {registry}/{operation}.",
            code="unknown_operation",
            registry=registry,
            operation=operation,
        )
    if not consumer.strip() or not purpose.strip():
        raise InvalidInput("A right needs a consumer and a purpose.", code="incomplete_right")
    with transaction.atomic():
        right, created = AccessRight.objects.get_or_create(
            consumer=consumer,
            registry=registry,
            operation=operation,
            purpose=purpose,
            defaults={"granted_at": clock.now(), "granted_by": actor},
        )
        if created:
            event_record(
                name="exchange.access_right_granted",
                actor=actor,
                entity_type="exchange.accessright",
                entity_id=str(right.id),
                payload={
                    "consumer": consumer,
                    "registry": registry,
                    "operation": operation,
                    "purpose": purpose,
                },
            )
    return right


def access_rights_grant_defaults(*, actor: str) -> int:
    """Grant DEFAULT_RIGHTS (idempotent); returns how many rights now exist from that set."""
    with transaction.atomic():
        for consumer, registry, operation, purpose in DEFAULT_RIGHTS:
            access_right_grant(
                consumer=consumer,
                registry=registry,
                operation=operation,
                purpose=purpose,
                actor=actor,
            )
    return len(DEFAULT_RIGHTS)
