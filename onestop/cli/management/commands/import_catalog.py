from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.catalog.cpsv.importing import catalog_import
from onestop.staff.actors import SystemActor


class Command(BaseCommand):
    help = (
        "Import a CPSV-AP 3.2.0 document (JSON-LD or Turtle) into the catalog and report "
        "what it could not map."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a .jsonld or .ttl file")
        parser.add_argument(
            "--base",
            default=None,
            help="base IRI the document's onestop concepts use, if not default",
        )

    def handle(self, *args: object, path: Path, base: str | None, **options: object) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file. Give the path of a .jsonld or .ttl file.")
        try:
            report = catalog_import(path=path, actor=SystemActor("cli:import-catalog"), base=base)
        except (ValueError, SyntaxError) as error:
            raise CommandError(f"{path}: not a readable CPSV-AP document: {error}") from error
        lines = report.lines()
        self.stdout.write(self.style.SUCCESS(f"{path}: imported; {lines[0]}"))
        for line in lines[1:]:
            self.stdout.write(line)
