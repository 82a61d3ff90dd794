from datetime import timedelta

import pytest

from onestop.core import clock
from onestop.core.errors import InvalidInput
from onestop.core.models import AuditRecord
from onestop.staff.models import StaffRole
from onestop.staff.permissions import staff_may
from onestop.staff.roles import CATALOG_EDITOR_GROUP, Role
from onestop.staff.services import staff_role_end, staff_role_grant

from .factories import agency_make, center_make, user_make

pytestmark = pytest.mark.django_db


def test_granting_a_role_allows_its_actions_and_is_audited():
    agency, user = agency_make("tax"), user_make("officer")

    granted = staff_role_grant(actor="staff:admin", user=user, role=Role.SUPERVISOR, agency=agency)

    assert staff_may(user=user, action="task.assign", agency=agency) is True
    record = AuditRecord.objects.order_by("-sequence").first()
    assert (record.action, record.actor, record.entity_id, record.data["role"]) == (
        "staff.role_granted",
        "staff:admin",
        str(granted.pk),
        "supervisor",
    )


@pytest.mark.parametrize(
    ("role", "field"),
    [(Role.AGENCY_OFFICER, "agency"), (Role.FRONT_OFFICE_OPERATOR, "center")],
)
def test_a_scoped_role_without_its_scope_is_refused_and_nothing_is_granted(role, field):
    user = user_make("someone")
    before = AuditRecord.objects.count()

    with pytest.raises(InvalidInput) as refused:
        staff_role_grant(actor="staff:admin", user=user, role=role)

    assert refused.value.details == {"field": field}
    assert StaffRole.objects.count() == 0
    assert AuditRecord.objects.count() == before


def test_a_role_ending_before_it_starts_is_refused():
    user, center = user_make("someone"), center_make("north")

    with pytest.raises(InvalidInput):
        staff_role_grant(
            actor="staff:admin",
            user=user,
            role=Role.CENTER_MANAGER,
            center=center,
            valid_until=clock.now() - timedelta(days=1),
        )

    assert StaffRole.objects.count() == 0


def test_a_catalog_editor_joins_the_admin_group_and_leaves_it_when_the_role_ends():
    user = user_make("editor")

    granted = staff_role_grant(actor="staff:admin", user=user, role=Role.CATALOG_EDITOR)
    joined = list(user.groups.values_list("name", flat=True))
    staff_role_end(actor="staff:admin", staff_role=granted)

    assert joined == [CATALOG_EDITOR_GROUP]
    assert list(user.groups.values_list("name", flat=True)) == []
    assert staff_may(user=user, action="catalog.edit") is False
    assert AuditRecord.objects.order_by("-sequence").first().action == "staff.role_ended"


def test_ending_one_of_two_editor_roles_keeps_the_group():
    user = user_make("editor")
    first = staff_role_grant(actor="staff:admin", user=user, role=Role.CATALOG_EDITOR)
    staff_role_grant(actor="staff:admin", user=user, role=Role.CATALOG_EDITOR)

    staff_role_end(actor="staff:admin", staff_role=first)

    assert list(user.groups.values_list("name", flat=True)) == [CATALOG_EDITOR_GROUP]
    assert staff_may(user=user, action="catalog.publish") is True
