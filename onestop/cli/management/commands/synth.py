import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.errors import DomainError
from onestop.registries.generate import population_generate
from onestop.registries.numbers import SchemeUnsupported


class Command(BaseCommand):
    help = (
        "Fill the reference registries with a synthetic population: families, addresses, "
        "identity documents, vehicles, properties, businesses and benefits (same seed, same data)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="how many persons")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument("--batch", type=int, default=20_000, help="persons per transaction")
        parser.add_argument("--replace", action="store_true", help="delete a previous population")
        parser.add_argument(
            "--as-of", type=date.fromisoformat, default=None, help="the population's today"
        )

    def handle(self, *args: object, **options: Any) -> None:
        started = time.monotonic()
        try:
            report = population_generate(
                people=options["people"],
                seed=options["seed"],
                replace=options["replace"],
                batch=options["batch"],
                as_of=options["as_of"],
                progress=options["verbosity"] > 0,
            )
        except (DomainError, SchemeUnsupported) as error:
            raise CommandError(str(error)) from error
        rows = ", ".join(f"{name} {count:,}" for name, count in report.rows.items())
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"{report.people:,} people in {seconds:.1f} s; rows: {rows}.")
        )
