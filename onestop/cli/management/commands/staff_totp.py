from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.errors import DomainError
from onestop.staff.otp import staff_totp_enrol


class Command(BaseCommand):
    help = "TOTP second factor of staff: enrol prints the provisioning URI for an authenticator."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        enrol = actions.add_parser("enrol", help="give a staff member a TOTP device")
        enrol.add_argument("username")
        enrol.add_argument(
            "--replace", action="store_true", help="replace the device the user already has"
        )

    def handle(self, *args: object, action: str, **options: object) -> None:
        username = str(options["username"])
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user has the username {username!r}.")
        if not user.is_staff:
            raise CommandError(f"{username} is not staff; only staff sign in with a TOTP code.")
        try:
            device = staff_totp_enrol(
                actor="cli:staff-totp", user=user, replace=bool(options["replace"])
            )
        except DomainError as error:
            raise CommandError(f"{error.message} (--replace)") from error
        self.stdout.write(f"TOTP device for {username}; add it to an authenticator app:")
        self.stdout.write(device.config_url)
