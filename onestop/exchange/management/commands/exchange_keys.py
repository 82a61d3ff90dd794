"""`onestop exchange-keys generate MEMBER [--replace]`: a member's Ed25519 key pair."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.errors import DomainError
from onestop.exchange.keys import keys_dir, member_key_generate


class Command(BaseCommand):
    help = "Generate a data-exchange member's signing key (public key into the trust list)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        generate = sub.add_parser("generate", help="generate a member's key pair")
        generate.add_argument("member", help="member id, e.g. XM/GOV/civil")
        generate.add_argument("--replace", action="store_true", help="rotate an existing key")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = member_key_generate(member=options["member"], replace=options["replace"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{key.member}: public key {key.public_key}; private key in {keys_dir()}")
