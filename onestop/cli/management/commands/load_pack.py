from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.packs.loader import PackInvalid, pack_load
from onestop.packs.validation import pack_validate
from onestop.staff.actors import SystemActor


class Command(BaseCommand):
    help = "Validate a country pack and load or update it (loading twice changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the country pack folder")
        parser.add_argument("--check", action="store_true", help="validate only, load nothing")

    def handle(self, *args: object, path: Path, check: bool, **options: object) -> None:
        if check:
            _, errors = pack_validate(path)
            self._fail_on(errors)
            self.stdout.write(self.style.SUCCESS(f"{path}: the pack is valid."))
            return
        try:
            report = pack_load(path=path, actor=SystemActor("cli:load-pack"))
        except PackInvalid as invalid:
            self._fail_on(invalid.errors)
        summary = ", ".join(f"{section} {count}" for section, count in report.changed.items())
        self.stdout.write(
            self.style.SUCCESS(f"{path}: loaded; {report.total} change(s) ({summary}).")
        )

    def _fail_on(self, errors: list) -> None:
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"The pack has {len(errors)} error(s); nothing was loaded.")
