"""`onestop export-openapi`: write the API's OpenAPI document to the committed file.

The test `test_committed_openapi_document_matches_the_code` fails when the two differ; run this
command and commit the result when the API changes on purpose.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.api.openapi import OPENAPI_FILE, openapi_text


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to onestop/api/openapi.json (or --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, default=OPENAPI_FILE)
        parser.add_argument(
            "--check", action="store_true", help="write nothing; fail if the file is stale"
        )

    def handle(self, *args: object, output: Path, check: bool, **options: object) -> None:
        text = openapi_text()
        if check:
            if not output.exists() or output.read_text(encoding="utf-8") != text:
                raise CommandError(f"{output} is stale; run `onestop export-openapi`.")
            self.stdout.write(self.style.SUCCESS(f"{output} is up to date."))
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}."))
