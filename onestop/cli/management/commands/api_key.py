from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core.errors import DomainError
from onestop.integrations.models import ApiKey, ApiScope
from onestop.integrations.services import api_key_issue, api_key_revoke


class Command(BaseCommand):
    help = "API keys of agency systems: issue (the key is shown once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="issue a key for one agency, outlet or kiosk")
        owner = issue.add_mutually_exclusive_group(required=True)
        owner.add_argument("--agency", help="the agency's code")
        owner.add_argument("--center", help="a partner outlet's or kiosk's code")
        issue.add_argument("--name", required=True, help="the system that will use the key")
        issue.add_argument(
            "--scope", action="append", dest="scopes", required=True, choices=ApiScope.values
        )
        actions.add_parser("list", help="list keys (never their secrets)")
        revoke = actions.add_parser("revoke", help="revoke a key")
        revoke.add_argument("prefix", help="the key's prefix, as `list` shows it")

    def handle(self, *args: object, action: str, **options: object) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _issue(
        self, *, agency: str | None, center: str | None, name: str, scopes: list[str], **_: object
    ) -> None:
        found_agency = Agency.objects.filter(code=agency).first() if agency else None
        found_center = Center.objects.filter(code=center).first() if center else None
        if found_agency is None and found_center is None:
            raise CommandError(f"No agency or center has the code {agency or center!r}.")
        issued = api_key_issue(
            actor="cli:api-key", agency=found_agency, center=found_center, name=name, scopes=scopes
        )
        owner = issued.api_key.owner_code
        self.stdout.write(f"Key for {owner} / {issued.api_key.name} (shown only now):")
        self.stdout.write(issued.token)

    def _list(self, **_: object) -> None:
        for key in ApiKey.objects.select_related("agency", "center"):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            self.stdout.write(
                f"{key.prefix}  {key.owner_code}  {key.name}  {','.join(key.scopes)}  {state}"
            )

    def _revoke(self, *, prefix: str, **_: object) -> None:
        api_key = ApiKey.objects.filter(prefix=prefix).first()
        if api_key is None:
            raise CommandError(f"No key has the prefix {prefix!r}.")
        api_key_revoke(actor="cli:api-key", api_key=api_key)
        self.stdout.write(f"Key {prefix} revoked.")
