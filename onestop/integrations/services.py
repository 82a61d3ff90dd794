"""Issuing, revoking and checking API keys of agency systems and of partner outlets' and
kiosks' systems."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core import clock
from onestop.core.errors import Conflict, InvalidInput, PermissionDenied
from onestop.core.events import event_record
from onestop.staff.actors import OUTLET_KINDS, AgencySystemActor, OutletSystemActor

from .models import CENTER_SCOPES, ApiKey, ApiScope

KEY_PREFIX = "osk"
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    token: str  # shown once; never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_issue(
    *,
    actor: str,
    agency: Agency | None = None,
    name: str,
    scopes: list[str],
    center: Center | None = None,
) -> IssuedKey:
    """A new key for an agency's system, or for a partner outlet's or kiosk's system (`center`,
    which may hold only `CENTER_SCOPES`); exactly one of `agency` and `center`."""
    api_key_terms_check(agency=agency, center=center, name=name, scopes=scopes)
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            agency=agency,
            center=center,
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
            payload={
                "agency": agency.code if agency else "",
                "center": center.code if center else "",
                "name": api_key.name,
                "scopes": api_key.scopes,
            },
        )
    return IssuedKey(api_key, f"{KEY_PREFIX}_{prefix}_{secret}")


def api_key_terms_check(
    *, agency: Agency | None, center: Center | None, name: str, scopes: list[str]
) -> None:
    """InvalidInput naming the field when a key with these terms may not be issued."""
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown or not scopes:
        raise InvalidInput(
            _("Unknown or missing scopes %(unknown)s; choose among %(scopes)s.")
            % {"unknown": unknown, "scopes": sorted(ApiScope.values)},
            field="scopes",
        )
    if not name.strip():
        raise InvalidInput(_("Name the system that will use the key."), field="name")
    if (agency is None) == (center is None):
        raise InvalidInput(
            _("Issue the key to one agency or to one center, not both."), field="agency"
        )
    if center is None:
        if set(scopes) & CENTER_SCOPES:
            raise InvalidInput(
                _(
                    "An agency's key cannot hold %(scopes)s; issue it to a partner outlet or a "
                    "kiosk."
                )
                % {"scopes": sorted(CENTER_SCOPES)},
                field="scopes",
            )
        return
    if center.kind not in OUTLET_KINDS:
        raise InvalidInput(
            _(
                "Only a partner outlet or a kiosk files through the API; a service center's "
                "operators use the console."
            ),
            field="center",
        )
    if set(scopes) - CENTER_SCOPES:
        raise InvalidInput(
            _("A center's key may hold only %(scopes)s.") % {"scopes": sorted(CENTER_SCOPES)},
            field="scopes",
        )


def api_key_revoke(*, actor: str, api_key: ApiKey) -> ApiKey:
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if api_key.revoked_at is not None:
            raise Conflict(_("This key is already revoked."), code="api_key_revoked")
        api_key.revoked_at = clock.now()
        api_key.save(update_fields=["revoked_at"])
        event_record(
            name="integrations.api_key_revoked",
            actor=actor,
            entity_type="integrations.apikey",
            entity_id=str(api_key.pk),
            payload={
                "agency": api_key.agency.code if api_key.agency else "",
                "center": api_key.center.code if api_key.center else "",
                "prefix": api_key.prefix,
            },
        )
    return api_key


def api_key_authenticate(*, token: str) -> ApiKey | None:
    """The active key the token belongs to, or None. Comparison is constant-time, and the
    answer is the same for an unknown, malformed or revoked key."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    api_key = (
        ApiKey.objects.select_related("agency", "center")
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
    if api_key.agency is None:
        raise PermissionDenied(
            _("Only an agency's key works the agency's tasks."), code="not_an_agency_key"
        )
    return AgencySystemActor(
        agency_id=api_key.agency_id, agency_code=api_key.agency.code, key_prefix=api_key.prefix
    )


def api_key_outlet_actor(*, api_key: ApiKey) -> OutletSystemActor:
    """The actor a key of a partner outlet's or kiosk's system is in the domain: that center's
    system, allowed only to file on a citizen's behalf there
    (onestop.staff.actors.OUTLET_SYSTEM_ACTIONS). A key of an agency is refused."""
    center = api_key.center
    if center is None or center.kind not in OUTLET_KINDS:
        raise PermissionDenied(
            _("Only a partner outlet's or a kiosk's key files applications for citizens."),
            code="not_an_outlet_key",
        )
    return OutletSystemActor(
        center_id=center.pk,
        center_code=center.code,
        center_kind=center.kind,
        key_prefix=api_key.prefix,
    )
