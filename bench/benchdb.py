"""The dedicated database a benchmark runs on: a file in its work folder for SQLite, or a
PostgreSQL database created next to the one ONESTOP_DATABASE_URL names and dropped after."""

from __future__ import annotations

import os
import shutil
import urllib.parse
from pathlib import Path


def bench_database(workdir: Path, name: str) -> tuple[str, str, str | None]:
    """(database URL for the bench, engine name, URL to drop the bench database from)."""
    given = os.environ.get("ONESTOP_DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'bench.sqlite3'}", "sqlite", None
    import psycopg

    parts = urllib.parse.urlsplit(given)
    bench_url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    try:
        psycopg.connect(given).close()
    except psycopg.OperationalError:
        # The named database need not exist: the server's maintenance database will do.
        given = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(given, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return bench_url, "postgresql", given


def bench_cleanup(workdir: Path, admin_url: str | None, name: str) -> None:
    if admin_url is not None:
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(workdir, ignore_errors=True)
