from argparse import ArgumentTypeError
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core.errors import DomainError
from onestop.staff.actors import SystemActor
from onestop.staff.roles import Role
from onestop.staff.selectors import staff_roles_current, staff_roles_list
from onestop.staff.services import staff_role_end, staff_role_grant

OPERATOR = SystemActor("cli:staff-role")
ROLE_NAMES = ", ".join(role.value for role in Role)


class Command(BaseCommand):
    help = (
        "Staff roles: grant USERNAME ROLE [--agency CODE] [--center CODE] [--until DATE], "
        "end USERNAME ROLE [--agency CODE] [--center CODE], list USERNAME."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        grant = actions.add_parser("grant", help="give a user a role, from now")
        end = actions.add_parser("end", help="end a user's current role(s) matching the scope")
        for sub in (grant, end):
            sub.add_argument("username")
            sub.add_argument("role", help=f"one of: {ROLE_NAMES}")
            sub.add_argument("--agency", help="the agency's code (agency officer, supervisor)")
            sub.add_argument("--center", help="the center's code (operator, center manager)")
        grant.add_argument("--until", type=_day, help="last day of the role (YYYY-MM-DD)")
        listing = actions.add_parser("list", help="show a user's roles, current and ended")
        listing.add_argument("username")

    def handle(self, *args: object, action: str, **options: Any) -> None:
        user = _user(options["username"])
        if action == "list":
            self._list(user)
            return
        role = _role(options["role"])
        agency = _by_code(Agency, "agency", options["agency"])
        center = _by_code(Center, "center", options["center"])
        try:
            if action == "grant":
                granted = staff_role_grant(
                    actor=OPERATOR,
                    user=user,
                    role=role,
                    agency=agency,
                    center=center,
                    valid_until=_end_of(options["until"]),
                )
                self.stdout.write(self.style.SUCCESS(f"Granted: {granted}."))
            else:
                self._end(user, role, agency, center)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _end(self, user: Any, role: Role, agency: Any, center: Any) -> None:
        held = staff_roles_current(user=user).filter(role=role, agency=agency, center=center)
        if not held:
            raise CommandError(
                f"{user.get_username()} holds no current {role.value} role in that scope; "
                f"see `onestop staff-role list {user.get_username()}`."
            )
        for staff_role in held:
            staff_role_end(actor=OPERATOR, staff_role=staff_role)
            self.stdout.write(self.style.SUCCESS(f"Ended: {staff_role}."))

    def _list(self, user: Any) -> None:
        roles = staff_roles_list(user=user)
        if not roles:
            self.stdout.write(f"{user.get_username()} holds no role.")
        for staff_role in roles:
            until = staff_role.valid_until
            period = f"{staff_role.valid_from:%Y-%m-%d} – {f'{until:%Y-%m-%d}' if until else ''}"
            scope = " ".join(
                f"{kind} {scope.code}"
                for kind, scope in (("agency", staff_role.agency), ("center", staff_role.center))
                if scope is not None
            )
            self.stdout.write(f"{staff_role.role}\t{scope or 'platform'}\t{period}")


def _user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user has the username {username!r}.")
    return user


def _role(name: str) -> Role:
    try:
        return Role(name)
    except ValueError:
        raise CommandError(f"{name!r} is not a role; use one of: {ROLE_NAMES}.") from None


def _by_code(model: Any, kind: str, code: str | None) -> Any:
    if code is None:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        known = ", ".join(model.objects.order_by("code").values_list("code", flat=True)[:20])
        raise CommandError(f"No {kind} has the code {code!r}; known: {known or 'none'}.")
    return found


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD.") from None


def _end_of(day: date | None) -> datetime | None:
    """The role lasts through the given day, in the platform's time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.max))
