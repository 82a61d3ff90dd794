from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from onestop.catalog.cpsv.export import FORMATS, catalog_export


class Command(BaseCommand):
    help = "Write the catalog's published services as CPSV-AP 3.2.0 (JSON-LD or Turtle)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format", dest="rdf_format", choices=sorted(FORMATS), default="jsonld"
        )
        parser.add_argument("--output", type=Path, required=True, help="the file to write")
        parser.add_argument(
            "--base",
            default=None,
            help="base IRI of the exported resources (default: the setting "
            "ONESTOP_CPSV_BASE_IRI, else https://onestop.example/id/)",
        )

    def handle(
        self, *args: object, rdf_format: str, output: Path, base: str | None, **options: object
    ) -> None:
        document = catalog_export(rdf_format=rdf_format, base=base)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document, encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(f"Wrote the catalog as CPSV-AP {rdf_format} to {output}.")
        )
