"""Granting and ending staff roles; each change is a domain event in the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from onestop.core import clock
from onestop.core.errors import InvalidInput
from onestop.core.events import event_record

from .actors import Actor, actor_require
from .models import StaffRole
from .roles import CATALOG_EDITOR_GROUP, Role

AGENCY_ROLES = {Role.AGENCY_OFFICER, Role.SUPERVISOR}
CENTER_ROLES = {Role.FRONT_OFFICE_OPERATOR, Role.CENTER_MANAGER}


def staff_role_check(
    *, role: Role, agency: Any, center: Any, valid_from: datetime, valid_until: datetime | None
) -> None:
    """Raise InvalidInput (naming the field) for a role that could not be granted as given;
    forms call it to show the error next to the field."""
    _scope_check(role=Role(role), agency=agency, center=center)
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidInput(_("A role must end after it starts."), field="valid_until")


def _scope_messages() -> dict[Role, tuple[str, str]]:
    """The field a role's scope is chosen in, and what to say when it is missing."""
    return {
        Role.AGENCY_OFFICER: ("agency", _("An agency officer acts for an agency: choose one.")),
        Role.SUPERVISOR: ("agency", _("A supervisor acts for an agency: choose one.")),
        Role.FRONT_OFFICE_OPERATOR: (
            "center",
            _("A front-office operator works in a center: choose one."),
        ),
        Role.CENTER_MANAGER: ("center", _("A center manager works in a center: choose one.")),
    }


def _scope_check(*, role: Role, agency: Any, center: Any) -> None:
    if role not in AGENCY_ROLES | CENTER_ROLES:
        return
    field, message = _scope_messages()[role]
    if (agency if field == "agency" else center) is None:
        raise InvalidInput(message, field=field)


def staff_role_grant(
    *,
    actor: Actor,
    user: Any,
    role: Role,
    agency: Any = None,
    center: Any = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> StaffRole:
    """Grant a role; the account becomes staff. A catalog editor also joins the catalog admin's
    group, whose model permissions the admin checks. Needs `staff.manage`."""
    label = actor_require(actor=actor, action="staff.manage")
    role = Role(role)
    starts = valid_from or clock.now()
    staff_role_check(
        role=role, agency=agency, center=center, valid_from=starts, valid_until=valid_until
    )
    with transaction.atomic():
        granted = StaffRole.objects.create(
            user=user,
            role=role,
            agency=agency,
            center=center,
            valid_from=starts,
            valid_until=valid_until,
        )
        if not user.is_staff:  # a role holder signs in to the staff pages
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if role == Role.CATALOG_EDITOR:
            user.groups.add(Group.objects.get_or_create(name=CATALOG_EDITOR_GROUP)[0])
        _record(actor=label, name="staff.role_granted", staff_role=granted)
    return granted


def staff_role_end(*, actor: Actor, staff_role: StaffRole) -> StaffRole:
    """End a role now; the row stays as the record of who could do what, when. Needs
    `staff.manage`."""
    label = actor_require(actor=actor, action="staff.manage")
    with transaction.atomic():
        locked = StaffRole.objects.select_for_update().get(pk=staff_role.pk)
        now = clock.now()
        if locked.valid_until is None or locked.valid_until > now:
            locked.valid_until = max(now, locked.valid_from)
            locked.save(update_fields=["valid_until"])
        if locked.role == Role.CATALOG_EDITOR and not _still_editor(locked):
            locked.user.groups.remove(*Group.objects.filter(name=CATALOG_EDITOR_GROUP))
        _record(actor=label, name="staff.role_ended", staff_role=locked)
    return locked


def _still_editor(ended: StaffRole) -> bool:
    now = clock.now()
    return (
        StaffRole.objects.filter(user=ended.user, role=Role.CATALOG_EDITOR, valid_from__lte=now)
        .exclude(pk=ended.pk)
        .exclude(valid_until__lte=now)
        .exists()
    )


def _record(*, actor: str, name: str, staff_role: StaffRole) -> None:
    event_record(
        name=name,
        actor=actor,
        entity_type="staff.staffrole",
        entity_id=str(staff_role.pk),
        payload={
            "user": staff_role.user.get_username(),
            "role": staff_role.role,
            "agency": str(staff_role.agency_id or ""),
            "center": str(staff_role.center_id or ""),
            "valid_until": staff_role.valid_until.isoformat() if staff_role.valid_until else "",
        },
    )
