"""Real HTTP servers for tests: waitress in a thread, on a port of its own."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connections
from django.test import override_settings
from waitress import create_server, wasyncore

from onestop.core import clock
from onestop.exchange.keyring import private_keys_forget
from onestop.exchange.keys import member_key_generate
from onestop.exchange.models import AccessRight, MemberKey
from onestop.registries.models import Address, Person

ANNA = "85041212342"
PORTAL = "XM/GOV/onestop/portal"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ClosingConnections:
    """Closes the worker thread's database connections after each request, so the test
    database can be flushed or dropped while the server still runs."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        try:
            return list(self.application(environ, start_response))
        finally:
            connections.close_all()


class ThreadServer:
    """`with ThreadServer(app) as server:` serves `app` on http://127.0.0.1:<port> in a thread.
    Waitress's own `run()` only stops on a signal, so the thread polls until told to stop, then
    closes every connection and the worker threads itself."""

    def __init__(self, application: Callable[..., Any], *, port: int = 0) -> None:
        self.server = create_server(
            ClosingConnections(application), host="127.0.0.1", port=port, threads=4
        )
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            wasyncore.loop(timeout=0.05, map=self.server._map, count=1)
        wasyncore.close_all(self.server._map, ignore_all=True)
        self.server.task_dispatcher.shutdown(timeout=2)

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)


def anna_create() -> None:
    home = Address.objects.create(
        id=1,
        street="Mill Lane",
        house_number="5",
        postcode="10042",
        town="Harbourtown",
        region="capital",
        latitude=Decimal("44.512340"),
        longitude=Decimal("4.601280"),
    )
    Person.objects.create(
        national_id=ANNA,
        given_name="Anna",
        family_name="Marsh",
        sex="F",
        birth_date=date(1985, 4, 12),
        birth_region="capital",
        birth_town="Harbourtown",
        address=home,
        language="en",
    )


@contextmanager
def registry_rows_committed(*, var_dir: Path) -> Iterator[None]:
    """What a server thread reads, committed (its connections see nothing else): Anna, the
    portal's and the civil registry's keys (in `var_dir`, this module's own: others share the
    default one), the portal's right to civil/person for prefill. All removed at the end, so
    later modules start from an empty database. Needs the database unblocked."""
    with override_settings(VAR_DIR=var_dir):
        private_keys_forget()
        member_key_generate(member="XM/GOV/onestop")
        member_key_generate(member="XM/GOV/civil")
        anna_create()
        AccessRight.objects.create(
            consumer=PORTAL,
            registry="civil",
            operation="person",
            purpose="prefill",
            granted_at=clock.now(),
            granted_by="test",
        )
        try:
            yield
        finally:
            AccessRight.objects.all().delete()
            MemberKey.objects.all().delete()
            Person.objects.all().delete()
            Address.objects.all().delete()
            private_keys_forget()
