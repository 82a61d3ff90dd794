"""Shared test plumbing. ONESTOP_STRICT=1 (set by .ci/run) turns every environment skip into a
failure, so CI cannot pass while silently leaving out browser or database tests."""

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

STRICT = os.environ.get("ONESTOP_STRICT") == "1"
ROOT = Path(__file__).resolve().parent
DEMO_PACK = ROOT / "packs" / "demo"


def skip_unless(condition: bool, reason: str) -> None:
    """Skip (or in strict CI, fail) a test whose environment is missing."""
    if condition:
        return
    if STRICT:
        pytest.fail(f"strict mode: {reason}")
    pytest.skip(reason)


class FrozenClock:
    """What `onestop.core.clock.now` answers while frozen; tests move it with `advance`."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def clock_freeze(monkeypatch: pytest.MonkeyPatch, start: datetime) -> FrozenClock:
    clock = FrozenClock(start)
    monkeypatch.setattr("onestop.core.clock.now", clock.now)
    return clock


def postgresql_only(connection) -> None:
    """For behaviour that exists only on PostgreSQL (row locks with SKIP LOCKED): the SQLite run
    skips it even in strict mode, because CI's PostgreSQL run of the same suite executes it."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only behaviour, run by the PostgreSQL pass of the suite")


def chromium_path() -> str | None:
    return (
        os.environ.get("ONESTOP_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


@pytest.fixture(scope="module")
def demo_pack_loaded(django_db_setup, django_db_blocker):
    """The demo pack, loaded once per test module inside a transaction that is rolled back when
    the module ends, so other modules still start from an empty database. Tests using it take
    the `db` fixture as usual; their own transactions nest as savepoints."""
    from django.db import transaction

    from onestop.packs.loader import pack_load
    from onestop.staff.actors import SystemActor

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            pack_load(path=DEMO_PACK, actor=SystemActor("test"))
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. Django's locale middleware activates a
    request's language in the thread and leaves it there, so without this a test calling the
    domain directly would speak whatever language the last test's request in this worker had."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """Each test sees a search index built from its own catalog, never one a rolled-back test
    left in this process."""
    from onestop.catalog.search import search_index_clear

    search_index_clear()
    yield
    search_index_clear()
