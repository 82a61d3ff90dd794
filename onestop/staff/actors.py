"""Who is acting: a signed-in staff user, whose role is checked, or a trusted machine path.

Services that staff trigger take `actor: Actor`. A staff user is checked with `staff_require`
and recorded as `staff:<username>`; a `SystemActor` — the pack loader, the demo command, a CLI
the operator runs on the server — passes the check and is recorded by its name. An
`AgencySystemActor` — an agency's own case system calling the API with that agency's key — is
granted only `AGENCY_SYSTEM_ACTIONS`, and only in its own agency. A bare string is refused, so
a view cannot skip the check by naming itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from onestop.core.errors import PermissionDenied

from .permissions import staff_require

SYSTEM_NAME = re.compile(r"^[a-z][a-z0-9-]*(:[a-z0-9-]+)*$")


@dataclass(frozen=True)
class SystemActor:
    """A machine path trusted by how it is reached (a command on the server, a loader), not by
    a role. Its name is what the audit trail records, e.g. `cli:load-pack`."""

    name: str

    def __post_init__(self) -> None:
        if not SYSTEM_NAME.match(self.name) or self.name.startswith("staff:"):
            raise ValueError(
                f"A system actor's name is lowercase words joined by ':' or '-' and does not "
                f"start with 'staff:'; got {self.name!r}."
            )

    def __str__(self) -> str:
        return self.name


AGENCY_SYSTEM_ACTIONS = frozenset({"task.read", "task.decide"})


@dataclass(frozen=True)
class AgencySystemActor:
    """An agency's own case system, trusted through an API key issued to that agency. Unlike a
    `SystemActor` it is not trusted everywhere: it may only read and work its own agency's
    tasks (`AGENCY_SYSTEM_ACTIONS` in that agency); anything else is refused. It is not a
    user, so it holds no role and is nobody's assignee. Recorded as
    `agency:<agency code>:<key prefix>`."""

    agency_id: Any
    agency_code: str
    key_prefix: str

    def __str__(self) -> str:
        return f"agency:{self.agency_code}:{self.key_prefix}"


OUTLET_SYSTEM_ACTIONS = frozenset({"application.file_on_behalf", "application.read_filed"})
OUTLET_KINDS = frozenset({"partner_outlet", "kiosk"})


@dataclass(frozen=True)
class OutletSystemActor:
    """A partner outlet's or a kiosk's system, trusted through an API key issued to that center
    (a center of kind `partner_outlet` or `kiosk`). It may only file applications on a citizen's
    behalf in its own center (`OUTLET_SYSTEM_ACTIONS`), through the channel of its kind; it
    reads back only what it filed. Not a user: it holds no role and files as nobody's operator.
    Recorded as `outlet:<center code>:<key prefix>`."""

    center_id: Any
    center_code: str
    center_kind: str
    key_prefix: str

    def __str__(self) -> str:
        return f"outlet:{self.center_code}:{self.key_prefix}"


Actor: TypeAlias = AbstractBaseUser | AnonymousUser | SystemActor | AgencySystemActor
# Outlet systems file applications only; services that take `Actor` never see one.
AnyActor: TypeAlias = Actor | OutletSystemActor


def actor_label(actor: AnyActor) -> str:
    """What the audit trail records for the actor (no check)."""
    if isinstance(actor, SystemActor):
        return actor.name
    if isinstance(actor, AgencySystemActor | OutletSystemActor):
        return str(actor)
    if isinstance(actor, AbstractBaseUser | AnonymousUser):
        return f"staff:{actor.get_username()}"
    raise TypeError(
        f"actor must be a user or a SystemActor, not {type(actor).__name__}: "
        "wrap a trusted machine path in SystemActor(...)."
    )


def actor_require(*, actor: AnyActor, action: str, agency: Any = None, center: Any = None) -> str:
    """Refuse (PermissionDenied) a user without a role granting `action` in the scope; let a
    system actor through. Returns the label to record."""
    label = actor_label(actor)
    if isinstance(actor, AgencySystemActor):
        if not agency_system_may(actor=actor, action=action, agency=agency):
            raise PermissionDenied(
                _("This agency system may not do that."),
                code="permission_denied",
                action=action,
            )
        return label
    if isinstance(actor, OutletSystemActor):
        if not outlet_system_may(actor=actor, action=action, center=center):
            raise PermissionDenied(
                _("This outlet's system may not do that."),
                code="permission_denied",
                action=action,
            )
        return label
    if not isinstance(actor, SystemActor):
        staff_require(user=actor, action=action, agency=agency, center=center)
    return label


def agency_system_may(*, actor: Any, action: str, agency: Any) -> bool:
    """True when `actor` is an agency system and `action` is one it may take in `agency` (its
    own). False for everything and everyone else: deny by default."""
    if not isinstance(actor, AgencySystemActor) or action not in AGENCY_SYSTEM_ACTIONS:
        return False
    return agency is not None and str(getattr(agency, "pk", agency)) == str(actor.agency_id)


def outlet_system_may(*, actor: Any, action: str, center: Any) -> bool:
    """True when `actor` is an outlet's or kiosk's system and `action` is one it may take in
    `center` (its own, still an outlet or a kiosk). False for everything and everyone else."""
    if not isinstance(actor, OutletSystemActor) or action not in OUTLET_SYSTEM_ACTIONS:
        return False
    if actor.center_kind not in OUTLET_KINDS:
        return False
    return center is not None and str(getattr(center, "pk", center)) == str(actor.center_id)
