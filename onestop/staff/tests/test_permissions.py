from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from onestop.core import clock
from onestop.core.errors import PermissionDenied
from onestop.staff.models import StaffRole
from onestop.staff.permissions import ACTIONS, staff_may, staff_require
from onestop.staff.roles import CATALOG_EDITOR_GROUP, Role

from .factories import agency_make, center_make, user_make

pytestmark = pytest.mark.django_db

ROLES = [
    Role.FRONT_OFFICE_OPERATOR,
    Role.AGENCY_OFFICER,
    Role.SUPERVISOR,
    Role.CENTER_MANAGER,
    Role.CATALOG_EDITOR,
    Role.INSIGHTS_VIEWER,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
]
# One column pair per role, in the order of ROLES: the answer in the role's own agency/center,
# then in another. Y = allowed, . = refused.
#                                 operator officer supervisor manager editor insights auditor admin
MATRIX = {
    "catalog.edit":                 ".. .. .. .. YY .. .. YY",
    "catalog.publish":              ".. .. .. .. YY .. .. YY",
    "notifications.templates.edit": ".. .. .. .. .. .. .. YY",
    "staff.manage":                 ".. .. .. .. .. .. .. YY",
    "audit.read":                   ".. .. .. .. .. .. YY ..",
    "audit.verify":                 ".. .. .. .. .. .. YY YY",
    "insights.read":                ".. .. .. .. .. YY YY ..",
    "exchange.rights.manage":       ".. .. .. .. .. .. .. YY",
    "exchange.log.read":            ".. .. .. .. .. .. YY YY",
    "application.file_on_behalf":   "Y. .. .. .. .. .. .. ..",
    "queue.serve":                  "Y. .. .. Y. .. .. .. ..",
    "center.manage":                ".. .. .. Y. .. .. .. ..",
    "task.read":                    ".. Y. Y. .. .. .. .. ..",
    "task.decide":                  ".. Y. Y. .. .. .. .. ..",
    "task.assign":                  ".. .. Y. .. .. .. .. ..",
}  # fmt: skip
AGENCY_ROLES = {Role.AGENCY_OFFICER, Role.SUPERVISOR}
CENTER_ROLES = {Role.FRONT_OFFICE_OPERATOR, Role.CENTER_MANAGER}


def _cases():
    for action, row in MATRIX.items():
        for role, pair in zip(ROLES, row.split(), strict=True):
            yield pytest.param(role, action, "right", pair[0] == "Y", id=f"{role}-{action}-right")
            yield pytest.param(role, action, "wrong", pair[1] == "Y", id=f"{role}-{action}-wrong")


def test_the_matrix_names_every_action():
    assert set(MATRIX) == set(ACTIONS)


@pytest.mark.parametrize(("role", "action", "scope", "expected"), list(_cases()))
def test_role_matrix(role, action, scope, expected):
    # given a staff member holding one role in its natural scope
    own_agency, other_agency = agency_make("own-agency"), agency_make("other-agency")
    own_center, other_center = center_make("own-center"), center_make("other-center")
    user = user_make("staff")
    StaffRole.objects.create(
        user=user,
        role=role,
        agency=own_agency if role in AGENCY_ROLES else None,
        center=own_center if role in CENTER_ROLES else None,
        valid_from=clock.now() - timedelta(days=1),
    )
    agency, center = (own_agency, own_center) if scope == "right" else (other_agency, other_center)

    # when / then
    assert staff_may(user=user, action=action, agency=agency, center=center) is expected


def _holder(role=Role.AGENCY_OFFICER, **fields):
    agency = agency_make("agency")
    user = user_make("officer")
    defaults = {"valid_from": clock.now() - timedelta(days=1), "agency": agency}
    StaffRole.objects.create(user=user, role=role, **(defaults | fields))
    return user, agency


def test_an_unknown_action_is_refused_even_to_an_administrator():
    user, agency = _holder(Role.ADMINISTRATOR)

    assert staff_may(user=user, action="catalog.destroy", agency=agency) is False


def test_an_expired_role_grants_nothing():
    user, agency = _holder(valid_until=clock.now() - timedelta(seconds=1))

    assert staff_may(user=user, action="task.decide", agency=agency) is False


def test_a_role_not_yet_started_grants_nothing():
    user, agency = _holder(valid_from=clock.now() + timedelta(hours=1))

    assert staff_may(user=user, action="task.decide", agency=agency) is False


def test_a_deactivated_account_holds_no_role():
    user, agency = _holder()
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert staff_may(user=user, action="task.decide", agency=agency) is False


def test_a_scoped_action_without_its_scope_is_refused():
    user, _ = _holder()

    assert staff_may(user=user, action="task.decide") is False


def test_a_scoped_role_held_without_a_scope_grants_nothing_scoped():
    user, agency = _holder(agency=None)

    assert staff_may(user=user, action="task.decide", agency=agency) is False


def test_anonymous_and_roleless_users_may_do_nothing():
    agency, center = agency_make("agency"), center_make("center")
    roleless = user_make("roleless", is_superuser=True)

    answers = {
        (who, action): staff_may(user=user, action=action, agency=agency, center=center)
        for who, user in (("anonymous", AnonymousUser()), ("roleless", roleless), ("none", None))
        for action in ACTIONS
    }

    assert set(answers.values()) == {False}


def test_a_member_of_the_catalog_editor_group_edits_the_catalog_only():
    user = user_make("editor")
    user.groups.add(Group.objects.create(name=CATALOG_EDITOR_GROUP))

    allowed = {action for action in ACTIONS if staff_may(user=user, action=action)}

    assert allowed == {"catalog.edit", "catalog.publish"}


def test_require_raises_a_permission_error_naming_the_action():
    user, agency = _holder()

    staff_require(user=user, action="task.decide", agency=agency)
    with pytest.raises(PermissionDenied) as refused:
        staff_require(user=user, action="task.assign", agency=agency)

    assert (refused.value.code, refused.value.details) == (
        "staff_not_permitted",
        {"action": "task.assign"},
    )
