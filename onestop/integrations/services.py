"""Issuing, revoking and checking API keys of agency systems."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction

from onestop.catalog.models import Agency
from onestop.core import clock
from onestop.core.errors import Conflict, InvalidInput
from onestop.core.events import event_record
from onestop.staff.actors import AgencySystemActor

from .models import ApiKey, ApiScope

KEY_PREFIX = "osk"
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    token: str  # shown once; never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_issue(*, actor: str, agency: Agency, name: str, scopes: list[str]) -> IssuedKey:
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown or not scopes:
        raise InvalidInput(
            f"Unknown or missing scopes {unknown}; choose among {sorted(ApiScope.values)}.",
            field="scopes",
        )
    if not name.strip():
        raise InvalidInput("Name the system that will use the key.", field="name")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            agency=agency,
            name=name.strip(),
            prefix=prefix,
            digest=_digest(secret),
            scopes=sorted(set(scopes)),
            created_at=clock.now(),
            created_by=actor,
        )
        event_record(
            name="integrations.api_key_issued",
            actor=actor,
            entity_type="integrations.apikey",
            entity_id=str(api_key.pk),
            payload={"agency": agency.code, "name": api_key.name, "scopes": api_key.scopes},
        )
    return IssuedKey(api_key, f"{KEY_PREFIX}_{prefix}_{secret}")


def api_key_revoke(*, actor: str, api_key: ApiKey) -> ApiKey:
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if api_key.revoked_at is not None:
            raise Conflict("This key is already revoked.", code="api_key_revoked")
        api_key.revoked_at = clock.now()
        api_key.save(update_fields=["revoked_at"])
        event_record(
            name="integrations.api_key_revoked",
            actor=actor,
            entity_type="integrations.apikey",
            entity_id=str(api_key.pk),
            payload={"agency": api_key.agency.code, "prefix": api_key.prefix},
        )
    return api_key


def api_key_authenticate(*, token: str) -> ApiKey | None:
    """The active key the token belongs to, or None. Comparison is constant-time, and the
    answer is the same for an unknown, malformed or revoked key."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    api_key = (
        ApiKey.objects.select_related("agency")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if api_key is None or not hmac.compare_digest(api_key.digest, _digest(parts[2])):
        return None
    now = clock.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key


def api_key_agency_actor(*, api_key: ApiKey) -> AgencySystemActor:
    """The actor a key of an agency's system is in the domain: that agency's system, allowed
    only that agency's tasks (onestop.staff.actors.AGENCY_SYSTEM_ACTIONS)."""
    return AgencySystemActor(
        agency_id=api_key.agency_id, agency_code=api_key.agency.code, key_prefix=api_key.prefix
    )
