"""Writes: granting and revoking access rights, and making them match the country pack's list.
Each grant and revocation is a domain event, so the audit trail shows who opened or closed
which door. A staff user needs `exchange.rights.manage`; the pack loader is a SystemActor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from onestop.core import clock
from onestop.core.errors import InvalidInput
from onestop.core.events import event_record
from onestop.staff.actors import Actor, actor_require

from .catalog import OPERATIONS, operation_find
from .models import AccessRight

PORTAL = "XM/GOV/onestop/portal"
CONSOLE = "XM/GOV/onestop/console"
PERSON_OPERATIONS = [key for key, op in OPERATIONS.items() if op.parameter == "national_id"]
EVIDENCE_OPERATIONS = [key for key, op in OPERATIONS.items() if op.is_evidence]
# Which platform client may ask what, for which purpose, before a country pack says otherwise.
DEFAULT_RIGHTS: list[tuple[str, str, str, str]] = [
    *((PORTAL, registry, operation, "my-data") for registry, operation in PERSON_OPERATIONS),
    *((PORTAL, registry, operation, "prefill") for registry, operation in PERSON_OPERATIONS),
    *((CONSOLE, registry, operation, "case-review") for registry, operation in OPERATIONS),
    # Once-only evidence fetched while a citizen applies or an operator files for them.
    *((PORTAL, registry, operation, "application") for registry, operation in EVIDENCE_OPERATIONS),
    *((CONSOLE, registry, operation, "application") for registry, operation in EVIDENCE_OPERATIONS),
]


def access_right_grant(
    *,
    consumer: str,
    registry: str,
    operation: str,
    purpose: str,
    actor: Actor,
    legal_basis: str = "",
) -> AccessRight:
    """Grant one right; granting it again returns the existing row and records nothing."""
    label = actor_require(actor=actor, action="exchange.rights.manage")
    right, _ = _grant(
        RightSpec(consumer, registry, operation, purpose, legal_basis), actor_label=label
    )
    return right


@dataclass(frozen=True)
class RightSpec:
    """One right as a country pack lists it."""

    consumer: str
    registry: str
    operation: str
    purpose: str
    legal_basis: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.consumer, self.registry, self.operation, self.purpose)


def _grant(spec: RightSpec, *, actor_label: str) -> tuple[AccessRight, bool]:
    if operation_find(registry=spec.registry, operation=spec.operation) is None:
        raise InvalidInput(
            _("The exchange offers no operation %(registry)s/%(operation)s.")
            % {"registry": spec.registry, "operation": spec.operation},
            code="unknown_operation",
            registry=spec.registry,
            operation=spec.operation,
        )
    if not spec.consumer.strip() or not spec.purpose.strip():
        raise InvalidInput(_("A right needs a consumer and a purpose."), code="incomplete_right")
    with transaction.atomic():
        right, created = AccessRight.objects.get_or_create(
            consumer=spec.consumer,
            registry=spec.registry,
            operation=spec.operation,
            purpose=spec.purpose,
            defaults={
                "granted_at": clock.now(),
                "granted_by": actor_label,
                "legal_basis": spec.legal_basis,
            },
        )
        if created:
            _record("exchange.access_right_granted", right, actor_label)
    return right, created


def _basis_update(right: AccessRight, legal_basis: str, *, actor_label: str) -> bool:
    if right.legal_basis == legal_basis:
        return False
    right.legal_basis = legal_basis
    right.save(update_fields=["legal_basis"])
    _record("exchange.access_right_basis_changed", right, actor_label)
    return True


def _record(name: str, right: AccessRight, actor_label: str) -> None:
    payload = {
        "consumer": right.consumer,
        "registry": right.registry,
        "operation": right.operation,
        "purpose": right.purpose,
    }
    event_record(
        name=name,
        actor=actor_label,
        entity_type="exchange.accessright",
        entity_id=str(right.id),
        payload=payload | ({"legal_basis": right.legal_basis} if right.legal_basis else {}),
    )


def access_right_revoke(*, actor: Actor, right: AccessRight) -> bool:
    """Revoke a right: the row goes, the event `exchange.access_right_revoked` stays. Revoking
    a right already gone changes nothing and returns False."""
    label = actor_require(actor=actor, action="exchange.rights.manage")
    with transaction.atomic():
        locked = AccessRight.objects.select_for_update().filter(pk=right.pk).first()
        if locked is None:
            return False
        _record("exchange.access_right_revoked", locked, label)
        locked.delete()
    return True


@dataclass(frozen=True)
class RightsSyncReport:
    granted: int
    revoked: int
    basis_changed: int = 0


def access_rights_sync(*, actor: Actor, rights: Sequence[RightSpec]) -> RightsSyncReport:
    """Make the rights exactly `rights` (the country pack's list): grant what is missing,
    revoke what is no longer listed, update a changed legal basis, each an event. Running it
    twice changes nothing."""
    label = actor_require(actor=actor, action="exchange.rights.manage")
    wanted = {spec.key: spec for spec in rights}
    with transaction.atomic():
        granted = basis_changed = revoked = 0
        for spec in wanted.values():
            right, created = _grant(spec, actor_label=label)
            granted += created
            basis_changed += not created and _basis_update(
                right, spec.legal_basis, actor_label=label
            )
        for right in AccessRight.objects.select_for_update().order_by("consumer", "id"):
            if (right.consumer, right.registry, right.operation, right.purpose) not in wanted:
                _record("exchange.access_right_revoked", right, label)
                right.delete()
                revoked += 1
    return RightsSyncReport(granted=granted, revoked=revoked, basis_changed=basis_changed)


def access_rights_grant_defaults(*, actor: Actor) -> int:
    """Grant DEFAULT_RIGHTS (idempotent); returns how many rights now exist from that set.
    A deployment takes its rights from the country pack (access_rights.yaml) instead."""
    label = actor_require(actor=actor, action="exchange.rights.manage")
    with transaction.atomic():
        for consumer, registry, operation, purpose in DEFAULT_RIGHTS:
            _grant(RightSpec(consumer, registry, operation, purpose), actor_label=label)
    return len(DEFAULT_RIGHTS)
