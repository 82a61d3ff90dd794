from datetime import timedelta

import pytest

from onestop.core import clock
from onestop.core.errors import InvalidInput, PermissionDenied
from onestop.core.models import AuditRecord
from onestop.staff.actors import SystemActor
from onestop.staff.models import StaffRole
from onestop.staff.permissions import staff_may
from onestop.staff.roles import CATALOG_EDITOR_GROUP, Role
from onestop.staff.services import staff_role_end, staff_role_grant

from .factories import agency_make, center_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    user = user_make("admin")
    StaffRole.objects.create(
        user=user, role=Role.ADMINISTRATOR, valid_from=clock.now() - timedelta(days=1)
    )
    return user


def test_granting_a_role_allows_its_actions_and_is_audited(admin):
    agency, user = agency_make("tax"), user_make("officer")

    granted = staff_role_grant(actor=admin, user=user, role=Role.SUPERVISOR, agency=agency)

    assert staff_may(user=user, action="task.assign", agency=agency) is True
    record = AuditRecord.objects.order_by("-id").first()
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
def test_a_scoped_role_without_its_scope_is_refused_and_nothing_is_granted(role, field, admin):
    user = user_make("someone")
    before, roles = AuditRecord.objects.count(), StaffRole.objects.count()

    with pytest.raises(InvalidInput) as refused:
        staff_role_grant(actor=admin, user=user, role=role)

    assert refused.value.details == {"field": field}
    assert StaffRole.objects.count() == roles
    assert AuditRecord.objects.count() == before


def test_a_role_ending_before_it_starts_is_refused(admin):
    user, center = user_make("someone"), center_make("north")

    with pytest.raises(InvalidInput):
        staff_role_grant(
            actor=admin,
            user=user,
            role=Role.CENTER_MANAGER,
            center=center,
            valid_until=clock.now() - timedelta(days=1),
        )

    assert StaffRole.objects.filter(user=user).count() == 0


def test_a_catalog_editor_joins_the_admin_group_and_leaves_it_when_the_role_ends(admin):
    user = user_make("editor")

    granted = staff_role_grant(actor=admin, user=user, role=Role.CATALOG_EDITOR)
    joined = list(user.groups.values_list("name", flat=True))
    staff_role_end(actor=admin, staff_role=granted)

    assert joined == [CATALOG_EDITOR_GROUP]
    assert list(user.groups.values_list("name", flat=True)) == []
    assert staff_may(user=user, action="catalog.edit") is False
    assert AuditRecord.objects.order_by("-id").first().action == "staff.role_ended"


def test_ending_one_of_two_editor_roles_keeps_the_group(admin):
    user = user_make("editor")
    first = staff_role_grant(actor=admin, user=user, role=Role.CATALOG_EDITOR)
    staff_role_grant(actor=admin, user=user, role=Role.CATALOG_EDITOR)

    staff_role_end(actor=admin, staff_role=first)

    assert list(user.groups.values_list("name", flat=True)) == [CATALOG_EDITOR_GROUP]
    assert staff_may(user=user, action="catalog.publish") is True


@pytest.mark.parametrize("role", [None, Role.AUDITOR, Role.CATALOG_EDITOR])
def test_only_an_administrator_grants_or_ends_roles(role, admin):
    # given a staff member without staff.manage, and a role someone holds
    asker = user_make("asker", is_superuser=True)
    if role:
        StaffRole.objects.create(user=asker, role=role, valid_from=clock.now() - timedelta(days=1))
    held = staff_role_grant(actor=admin, user=user_make("holder"), role=Role.AUDITOR)
    before, roles = AuditRecord.objects.count(), StaffRole.objects.count()

    # when / then
    with pytest.raises(PermissionDenied) as refused:
        staff_role_grant(actor=asker, user=asker, role=Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        staff_role_end(actor=asker, staff_role=held)

    assert refused.value.details == {"action": "staff.manage"}
    assert (AuditRecord.objects.count(), StaffRole.objects.count()) == (before, roles)
    held.refresh_from_db()
    assert held.valid_until is None


def test_a_system_actor_grants_and_is_recorded_by_its_name():
    user = user_make("auditor", is_staff=False)

    staff_role_grant(actor=SystemActor("cli:staff-role"), user=user, role=Role.AUDITOR)

    user.refresh_from_db()
    assert user.is_staff is True
    record = AuditRecord.objects.order_by("-id").first()
    assert (record.action, record.actor) == ("staff.role_granted", "cli:staff-role")


def test_a_bare_string_is_not_an_actor():
    with pytest.raises(TypeError):
        staff_role_grant(actor="cli:staff-role", user=user_make("x"), role=Role.AUDITOR)

    assert StaffRole.objects.count() == 0


@pytest.mark.parametrize("name", ["", "staff:admin", "Admin", "has space", "cli:"])
def test_a_system_actor_name_that_could_pass_for_a_person_is_refused(name):
    with pytest.raises(ValueError):
        SystemActor(name)
