from datetime import timedelta

import pytest

from onestop.core import clock
from onestop.core.errors import PermissionDenied
from onestop.core.models import AuditRecord, DomainEvent
from onestop.exchange.models import AccessRight
from onestop.exchange.services import (
    RightSpec,
    access_right_grant,
    access_right_revoke,
    access_rights_grant_defaults,
    access_rights_sync,
)
from onestop.staff.actors import SystemActor
from onestop.staff.models import StaffRole
from onestop.staff.roles import Role
from onestop.staff.tests.factories import user_make

pytestmark = pytest.mark.django_db

PORTAL = "XM/GOV/onestop/portal"
SYSTEM = SystemActor("test")


def staff(role=None, username="staff"):
    user = user_make(username, is_superuser=True)
    if role:
        StaffRole.objects.create(user=user, role=role, valid_from=clock.now() - timedelta(days=1))
    return user


def grant(actor, operation="person"):
    return access_right_grant(
        consumer=PORTAL, registry="civil", operation=operation, purpose="my-data", actor=actor
    )


def test_an_administrator_grants_and_revokes_and_both_are_recorded():
    admin = staff(Role.ADMINISTRATOR, "admin")

    right = grant(admin)
    revoked = access_right_revoke(actor=admin, right=right)
    again = access_right_revoke(actor=admin, right=right)

    assert (revoked, again) == (True, False)
    assert AccessRight.objects.count() == 0
    events = list(DomainEvent.objects.order_by("id"))
    assert [(e.name, e.actor, e.entity_id) for e in events] == [
        ("exchange.access_right_granted", "staff:admin", str(right.pk)),
        ("exchange.access_right_revoked", "staff:admin", str(right.pk)),
    ]
    assert events[1].payload == {
        "consumer": PORTAL,
        "registry": "civil",
        "operation": "person",
        "purpose": "my-data",
    }


@pytest.mark.parametrize("role", [None, Role.AUDITOR, Role.CATALOG_EDITOR])
def test_without_the_administrator_role_rights_are_neither_granted_nor_revoked(role):
    right = grant(SYSTEM)
    asker = staff(role)
    before = AuditRecord.objects.count()

    with pytest.raises(PermissionDenied) as refused:
        grant(asker, operation="address")
    with pytest.raises(PermissionDenied):
        access_right_revoke(actor=asker, right=right)
    with pytest.raises(PermissionDenied):
        access_rights_sync(actor=asker, rights=[])
    with pytest.raises(PermissionDenied):
        access_rights_grant_defaults(actor=asker)

    assert refused.value.details == {"action": "exchange.rights.manage"}
    assert list(AccessRight.objects.values_list("operation", flat=True)) == ["person"]
    assert AuditRecord.objects.count() == before


def test_sync_grants_the_missing_and_revokes_the_unlisted():
    grant(SYSTEM, "person")
    grant(SYSTEM, "family")

    report = access_rights_sync(
        actor=SYSTEM,
        rights=[
            RightSpec(PORTAL, "civil", "person", "my-data"),
            RightSpec(PORTAL, "civil", "address", "my-data", legal_basis="Act, art. 1"),
        ],
    )
    again = access_rights_sync(
        actor=SYSTEM,
        rights=[
            RightSpec(PORTAL, "civil", "person", "my-data"),
            RightSpec(PORTAL, "civil", "address", "my-data"),
        ],
    )

    rebased = access_rights_sync(
        actor=SYSTEM,
        rights=[
            RightSpec(PORTAL, "civil", "person", "my-data", legal_basis="Act, art. 2"),
            RightSpec(PORTAL, "civil", "address", "my-data"),
        ],
    )

    assert (report.granted, report.revoked, report.basis_changed) == (1, 1, 0)
    assert (again.granted, again.revoked, again.basis_changed) == (0, 0, 1)
    assert (rebased.granted, rebased.revoked, rebased.basis_changed) == (0, 0, 1)
    assert dict(AccessRight.objects.values_list("operation", "legal_basis")) == {
        "address": "",
        "person": "Act, art. 2",
    }
    changed = DomainEvent.objects.filter(name="exchange.access_right_basis_changed")
    assert [e.payload.get("legal_basis", "") for e in changed.order_by("id")] == [
        "",
        "Act, art. 2",
    ]
    address = AccessRight.objects.get(operation="address")
    granted = DomainEvent.objects.get(name="exchange.access_right_granted", entity_id=address.pk)
    assert granted.payload["legal_basis"] == "Act, art. 1"
