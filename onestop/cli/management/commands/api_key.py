from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.catalog.models import Agency
from onestop.core.errors import DomainError
from onestop.integrations.models import ApiKey, ApiScope
from onestop.integrations.services import api_key_issue, api_key_revoke


class Command(BaseCommand):
    help = "API keys of agency systems: issue (the key is shown once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="issue a key for one agency")
        issue.add_argument("--agency", required=True, help="the agency's code")
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

    def _issue(self, *, agency: str, name: str, scopes: list[str], **_: object) -> None:
        found = Agency.objects.filter(code=agency).first()
        if found is None:
            raise CommandError(f"No agency has the code {agency!r}.")
        issued = api_key_issue(actor="cli:api-key", agency=found, name=name, scopes=scopes)
        self.stdout.write(f"Key for {found.code} / {issued.api_key.name} (shown only now):")
        self.stdout.write(issued.token)

    def _list(self, **_: object) -> None:
        for key in ApiKey.objects.select_related("agency"):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            self.stdout.write(
                f"{key.prefix}  {key.agency.code}  {key.name}  {','.join(key.scopes)}  {state}"
            )

    def _revoke(self, *, prefix: str, **_: object) -> None:
        api_key = ApiKey.objects.filter(prefix=prefix).first()
        if api_key is None:
            raise CommandError(f"No key has the prefix {prefix!r}.")
        api_key_revoke(actor="cli:api-key", api_key=api_key)
        self.stdout.write(f"Key {prefix} revoked.")
