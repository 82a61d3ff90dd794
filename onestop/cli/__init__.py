"""The `onestop` console command: our commands and Django's management commands, one entry.

`onestop load-pack PATH` and `onestop audit verify` read naturally; underneath they are the
management commands `load_pack` and `audit`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings.base")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)
