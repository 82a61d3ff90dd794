"""What each staff role may do, and the one check every service and selector asks.

Deny by default: an action not in `ACTIONS` is refused, a role not listed for an action grants
nothing, and a role outside its validity window or held by an inactive account grants nothing.
An agency- or center-scoped action is granted only by a role held in that same agency or
center; platform-wide actions ignore the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Q
from django.utils.translation import gettext as _

from onestop.core import clock
from onestop.core.errors import PermissionDenied

from .models import StaffRole
from .roles import CATALOG_EDITOR_GROUP, Role

Scope = Literal["platform", "agency", "center"]


@dataclass(frozen=True)
class Action:
    scope: Scope
    roles: frozenset[Role]


def _action(scope: Scope, *roles: Role) -> Action:
    return Action(scope=scope, roles=frozenset(roles))


ACTIONS: dict[str, Action] = {
    "catalog.edit": _action("platform", Role.CATALOG_EDITOR, Role.ADMINISTRATOR),
    "catalog.publish": _action("platform", Role.CATALOG_EDITOR, Role.ADMINISTRATOR),
    "notifications.templates.edit": _action("platform", Role.ADMINISTRATOR),
    "staff.manage": _action("platform", Role.ADMINISTRATOR),
    "audit.read": _action("platform", Role.AUDITOR),
    "audit.verify": _action("platform", Role.AUDITOR, Role.ADMINISTRATOR),
    "insights.read": _action("platform", Role.INSIGHTS_VIEWER, Role.AUDITOR),
    "exchange.rights.manage": _action("platform", Role.ADMINISTRATOR),
    "exchange.log.read": _action("platform", Role.AUDITOR, Role.ADMINISTRATOR),
    "application.file_on_behalf": _action("center", Role.FRONT_OFFICE_OPERATOR),
    "queue.serve": _action("center", Role.FRONT_OFFICE_OPERATOR, Role.CENTER_MANAGER),
    "center.manage": _action("center", Role.CENTER_MANAGER),
    "task.read": _action("agency", Role.AGENCY_OFFICER, Role.SUPERVISOR),
    "task.decide": _action("agency", Role.AGENCY_OFFICER, Role.SUPERVISOR),
    "task.assign": _action("agency", Role.SUPERVISOR),
}


def _pk(scope: Any) -> Any:
    return getattr(scope, "pk", scope)


def _held_roles(*, user: Any, roles: frozenset[Role]) -> Any:
    now = clock.now()
    return StaffRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        user=user,
        role__in=roles,
        valid_from__lte=now,
    )


def _in_catalog_editor_group(user: Any) -> bool:
    return bool(user.groups.filter(name=CATALOG_EDITOR_GROUP).exists())


def staff_may(*, user: Any, action: str, agency: Any = None, center: Any = None) -> bool:
    """True when `user` holds, now, a role that grants `action` in the given scope."""
    granted = ACTIONS.get(action)
    if granted is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active:
        return False
    held = _held_roles(user=user, roles=granted.roles)
    if granted.scope == "agency":
        if agency is None:
            return False
        held = held.filter(agency_id=_pk(agency))
    elif granted.scope == "center":
        if center is None:
            return False
        held = held.filter(center_id=_pk(center))
    if held.exists():
        return True
    return Role.CATALOG_EDITOR in granted.roles and _in_catalog_editor_group(user)


def staff_require(*, user: Any, action: str, agency: Any = None, center: Any = None) -> None:
    """Raise PermissionDenied unless `staff_may` allows the action."""
    if not staff_may(user=user, action=action, agency=agency, center=center):
        raise PermissionDenied(
            _("You do not have a role that allows this here."),
            code="staff_not_permitted",
            action=action,
        )
