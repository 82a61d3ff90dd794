from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from onestop.core import clock
from onestop.core.models import AuditRecord
from onestop.staff.models import StaffRole
from onestop.staff.permissions import staff_may
from onestop.staff.roles import Role
from onestop.staff.tests.factories import agency_make, center_make, user_make

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("staff_role", *args, stdout=out)
    return out.getvalue()


def test_grant_gives_the_role_in_its_scope_until_the_day_given():
    tax, user = agency_make("tax"), user_make("olga", is_staff=False)

    printed = run("grant", "olga", "supervisor", "--agency", "tax", "--until", "2099-12-31")

    role = StaffRole.objects.get()
    user.refresh_from_db()
    assert (role.role, role.agency, user.is_staff) == (Role.SUPERVISOR, tax, True)
    assert role.valid_until.date().isoformat() == "2099-12-31"
    assert staff_may(user=user, action="task.assign", agency=tax) is True
    assert printed.startswith("Granted: olga · supervisor")
    record = AuditRecord.objects.get(action="staff.role_granted")
    assert record.actor == "cli:staff-role"


def test_end_ends_the_matching_current_role_and_list_shows_history():
    north = center_make("north")
    user_make("ivan")
    run("grant", "ivan", "front_office_operator", "--center", "north")
    run("grant", "ivan", "auditor")

    ended = run("end", "ivan", "front_office_operator", "--center", "north")
    listed = run("list", "ivan")

    operator = StaffRole.objects.get(role=Role.FRONT_OFFICE_OPERATOR)
    assert operator.valid_until is not None and operator.valid_until <= clock.now()
    assert ended.startswith("Ended: ivan · front-office operator")
    assert staff_may(user=operator.user, action="queue.serve", center=north) is False
    lines = sorted(line.split("\t")[:2] for line in listed.splitlines())
    assert lines == [["auditor", "platform"], ["front_office_operator", "center north"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("grant", "ghost", "auditor"), "No user has the username 'ghost'."),
        (("grant", "ivan", "boss"), "'boss' is not a role; use one of: front_office_operator"),
        (
            ("grant", "ivan", "agency_officer", "--agency", "nope"),
            "No agency has the code 'nope'; known: tax.",
        ),
        (
            ("grant", "ivan", "center_manager", "--center", "nope"),
            "No center has the code 'nope'; known: none.",
        ),
        (("grant", "ivan", "agency_officer"), "An agency officer acts for an agency: choose one."),
        (("end", "ivan", "auditor"), "ivan holds no current auditor role in that scope"),
        (("list", "ghost"), "No user has the username 'ghost'."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(args, message):
    agency_make("tax")
    user_make("ivan")

    with pytest.raises(CommandError) as refused:
        run(*args)

    assert str(refused.value).startswith(message)
    assert StaffRole.objects.count() == 0
    assert not AuditRecord.objects.filter(action__startswith="staff.role").exists()


def test_a_date_that_is_not_a_date_is_refused():
    user_make("ivan")

    with pytest.raises(CommandError, match="'31/12/2099' is not a date; write it as YYYY-MM-DD"):
        run("grant", "ivan", "auditor", "--until", "31/12/2099")

    assert StaffRole.objects.count() == 0
