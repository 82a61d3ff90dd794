"""`onestop registries-serve`: the reference registries' own HTTP server (waitress), answering
signed X-Road REST requests as an agency system would (docs/registries.md)."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.errors import NotFound
from onestop.exchange import keys
from onestop.exchange.members import registry_member
from onestop.exchange.models import MemberKey
from onestop.exchange.provider import ExchangeSecurity
from onestop.registries.http import registries_application
from onestop.registries.services_table import REGISTRIES


class Command(BaseCommand):
    help = "Serve the reference registries over HTTP (signed X-Road REST requests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--registry",
            action="append",
            choices=REGISTRIES,
            help="a registry to serve (repeat for several; all by default)",
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100, help="0 picks a free port")
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import create_server

        registries = list(dict.fromkeys(options["registry"] or REGISTRIES))
        for registry in registries:
            self._ensure_key(registry_member(registry))
        application = registries_application(registries=registries, security=ExchangeSecurity())
        server = create_server(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="onestop-registries",
        )
        port = server.effective_port  # type: ignore[union-attr]
        self.stdout.write(
            f"registries {', '.join(registries)} serving on "
            f"http://{options['host']}:{port}/r1/XM/GOV/<registry>/<operation>",
        )
        self.stdout.flush()
        # Both stop it the same way, even where SIGINT came in ignored (a background job).
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
        try:
            server.run()
        except KeyboardInterrupt:
            pass  # a stop request before waitress's loop, which catches it, has started
        finally:
            server.close()
        self.stdout.write("registries server stopped.")

    def _ensure_key(self, member: str) -> None:
        """The registry signs every answer: create its key pair if it has none."""
        try:
            keys.member_private_key(member=member)
        except NotFound:
            if MemberKey.objects.filter(member=member).exists():
                raise CommandError(
                    f"{member} has a public key in the trust list but its private key is not in "
                    f"{keys.keys_dir()}: copy it there, or rotate it with "
                    f"`onestop exchange-keys generate {member} --replace`."
                ) from None
            keys.member_key_generate(member=member)
            self.stdout.write(f"{member}: key pair created (private key in {keys.keys_dir()})")
            return
        try:
            trusted = keys.member_public_key(member=member)
        except NotFound:
            trusted = None
        mine = keys.member_private_key(member=member).public_key()
        if trusted is None or trusted.public_bytes_raw() != mine.public_bytes_raw():
            raise CommandError(
                f"{member}'s private key in {keys.keys_dir()} does not match the trust list: "
                f"rotate it with `onestop exchange-keys generate {member} --replace`."
            )


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
