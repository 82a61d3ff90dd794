from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.catalog.models import Agency
from onestop.core.errors import DomainError
from onestop.core.ids import is_uuid
from onestop.integrations.models import WebhookEndpoint, WebhookEvent
from onestop.integrations.webhooks import webhook_add, webhook_deactivate

ACTOR = "cli:webhook"


class Command(BaseCommand):
    help = (
        "Webhooks of agency systems: add an HTTPS endpoint told of the agency's new tasks "
        "(the secret is shown once), list, switch off."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="register an endpoint for one agency")
        add.add_argument("--agency", required=True, help="the agency's code")
        add.add_argument("--url", required=True, help="the endpoint's https:// address")
        add.add_argument(
            "--secret",
            default="",
            help="the signing secret (24+ characters); leave out to have one made",
        )
        add.add_argument(
            "--event", action="append", dest="events", choices=WebhookEvent.values, default=None
        )
        actions.add_parser("list", help="list endpoints (never their secrets)")
        off = actions.add_parser("off", help="switch an endpoint off")
        off.add_argument("id", help="the endpoint's id, as `list` shows it")

    def handle(self, *args: object, action: str, **options: object) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _add(
        self, *, agency: str, url: str, secret: str, events: list[str] | None, **_: object
    ) -> None:
        found = Agency.objects.filter(code=agency).first()
        if found is None:
            raise CommandError(f"No agency has the code {agency!r}.")
        endpoint, used = webhook_add(
            actor=ACTOR, agency=found, url=url, secret=secret, events=events
        )
        self.stdout.write(f"Webhook {endpoint.pk} for {found.code}: {endpoint.url}")
        if not secret:
            self.stdout.write("Signing secret (shown only now):")
            self.stdout.write(used)

    def _list(self, **_: object) -> None:
        for endpoint in WebhookEndpoint.objects.select_related("agency"):
            state = "active" if endpoint.is_active else "off"
            self.stdout.write(
                f"{endpoint.pk}  {endpoint.agency.code}  {endpoint.url}  "
                f"{','.join(endpoint.events)}  {state}"
            )

    def _off(self, *, id: str, **_: object) -> None:
        endpoint = WebhookEndpoint.objects.filter(pk=id).first() if is_uuid(id) else None
        if endpoint is None:
            raise CommandError(f"No webhook has the id {id!r}.")
        webhook_deactivate(actor=ACTOR, endpoint=endpoint)
        self.stdout.write(f"Webhook {id} switched off.")
