"""The HTTP transport against the real `onestop registries-serve` command in its own process.

The registry runs as a separate system would, on a database of its own: a SQLite file in a
throw-away var dir that this module prepares with the project's own code (migrate, one person,
the platform's key, the access rights) before starting the command. It cannot share the test
database: on SQLite that is an in-memory database no other process can open, and on PostgreSQL
the test's rows live in a transaction that is rolled back and that no other connection sees.
The two sides then share what two members of an exchange share: the trust list (the public
keys, copied into the test database) and, here for convenience, the var dir holding the
platform's private key."""

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT
from onestop.core import clock
from onestop.exchange.client import exchange_query
from onestop.exchange.http_transport import http_transport
from onestop.exchange.keyring import private_keys_forget
from onestop.exchange.models import AccessRight, ExchangeLogEntry, MemberKey

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("registries-serve")]

PORTAL = "XM/GOV/onestop/portal"
ANNA = "85041212342"
NOBODY = "99999999999"
TIMEOUT = 2.0
SETUP = f"""
import datetime, decimal
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from onestop.core import clock
from onestop.exchange.keys import member_key_generate
from onestop.exchange.models import AccessRight
from onestop.registries.models import Address, Person
home = Address.objects.create(id=1, street="Mill Lane", house_number="5", postcode="10042",
    town="Harbourtown", region="capital", latitude=decimal.Decimal("44.5"),
    longitude=decimal.Decimal("4.6"))
Person.objects.create(national_id="{ANNA}", given_name="Anna", family_name="Marsh", sex="F",
    birth_date=datetime.date(1985, 4, 12), birth_region="capital", birth_town="Harbourtown",
    address=home, language="en")
member_key_generate(member="XM/GOV/onestop")
for operation in ("person", "address"):
    AccessRight.objects.create(consumer="{PORTAL}", registry="civil", operation=operation,
        purpose="prefill", granted_at=clock.now(), granted_by="test")
"""


def registry_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONESTOP_")}
    return env | {
        "ONESTOP_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "onestop.settings.base",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }


class Served:
    """The running command: its URL, its stdout lines as they come (read by a thread, since a
    buffered pipe and select() do not mix), its log file."""

    def __init__(self, process: subprocess.Popen, var_dir: Path) -> None:
        self.process, self.var_dir, self.url = process, var_dir, ""
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")  # the end of the output

    def read_until(self, marker: str, seconds: float = 30) -> str:
        """The first line holding `marker`; fails if the output ends or takes too long."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if not line:
                raise RuntimeError(f"registries-serve ended its output ({self.process.poll()})")
            if marker in line:
                return line
        raise RuntimeError(f"registries-serve printed no {marker!r} within {seconds} s")

    @property
    def log(self) -> str:
        return (self.var_dir / "server.log").read_text()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("registries-serve-var")
    env = registry_env(var_dir)
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    with (var_dir / "server.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "onestop.cli", "registries-serve", "--registry", "civil"]
            + ["--port", "0", "--threads", "2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        served = Served(process, var_dir)
        line = served.read_until("serving on")
        served.url = line.split("serving on ", 1)[1].split("/r1/", 1)[0]
        yield served
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def http(served, settings):
    """The test process as the platform: HTTP to the served registry, the registry's public
    key from its trust list, the platform's private key from the shared var dir."""
    settings.VAR_DIR = served.var_dir
    settings.ONESTOP_EXCHANGE_TRANSPORT = "civil=http"
    settings.ONESTOP_EXCHANGE_REGISTRY_URLS = f"civil={served.url}"
    settings.ONESTOP_EXCHANGE_TIMEOUT = TIMEOUT
    with sqlite3.connect(served.var_dir / "onestop.sqlite3") as registry_db:
        rows = registry_db.execute("SELECT member, public_key FROM exchange_memberkey").fetchall()
    for member, public_key in rows:
        MemberKey.objects.create(member=member, public_key=public_key, created_at=clock.now())
    for operation in ("person", "address"):
        AccessRight.objects.create(
            consumer=PORTAL,
            registry="civil",
            operation=operation,
            purpose="prefill",
            granted_at=clock.now(),
            granted_by="test",
        )
    private_keys_forget()
    http_transport.reset()
    yield served
    http_transport.reset()
    private_keys_forget()


def ask(national_id=ANNA, operation="person"):
    return exchange_query(
        consumer=PORTAL,
        registry="civil",
        operation=operation,
        params={"national_id": national_id},
        acting_user="operator-7",
        on_behalf_of=national_id,
        purpose="prefill",
    )


def test_a_signed_query_over_http_returns_the_record_and_both_logs_share_the_request_id(
    http, caplog
):
    result = ask()

    assert result.status == "ok"
    assert (result.data["given_name"], result.data["family_name"]) == ("Anna", "Marsh")
    assert result.data["address"]["town"] == "Harbourtown"
    assert result.source == "/r1/XM/GOV/civil/person"
    entry = ExchangeLogEntry.objects.get()
    assert (str(entry.request_id), entry.status, entry.subject) == (result.request_id, "ok", ANNA)
    assert (
        f"registry civil/person answered 200 ok to {PORTAL} (request {result.request_id})"
        in http.log
    )
    assert ANNA not in http.log
    assert ANNA not in caplog.text


def test_a_missing_person_over_http_is_not_found(http):
    result = ask(national_id=NOBODY)

    assert result.status == "not_found"
    assert result.data == {"code": "record_not_found", "message": "No person has this national ID."}
    assert ExchangeLogEntry.objects.get().status == "not_found"
    assert f"answered 404 record_not_found to {PORTAL} (request {result.request_id})" in http.log


def test_an_answer_not_signed_by_the_registrys_key_is_rejected(http, caplog):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from onestop.exchange.protocol import _b64

    impostor = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    MemberKey.objects.filter(member="XM/GOV/civil").update(public_key=_b64(impostor))

    result = ask()

    assert result.status == "error"
    assert result.data["code"] == "response_rejected"
    assert "given_name" not in result.data
    assert ExchangeLogEntry.objects.get().status == "error"
    assert (
        f"exchange security: the answer of civil/person was rejected: signature_invalid "
        f"(request {result.request_id})" in caplog.text
    )
    assert ANNA not in caplog.text


def test_a_consumer_whose_member_the_registry_does_not_trust_is_refused_by_the_registry(
    http, caplog
):
    from onestop.exchange.keys import member_key_generate

    stranger = "XM/GOV/stranger/app"
    member_key_generate(member="XM/GOV/stranger")  # trusted here, unknown to the registry
    AccessRight.objects.create(
        consumer=stranger,
        registry="civil",
        operation="person",
        purpose="prefill",
        granted_at=clock.now(),
        granted_by="test",
    )

    result = exchange_query(
        consumer=stranger,
        registry="civil",
        operation="person",
        params={"national_id": ANNA},
        acting_user="robot",
        purpose="prefill",
    )

    assert (result.status, result.data) == ("refused", {})
    assert ExchangeLogEntry.objects.get().status == "refused"
    assert (
        f"exchange civil/person refused by the registry: unknown_member "
        f"(request {result.request_id})" in caplog.text
    )
    assert f"answered 403 unknown_member to {stranger} (request {result.request_id})" in http.log


def test_a_stopped_registry_server_gives_pending_within_the_timeout_and_is_logged(http, caplog):
    """Last in the module: it stops the server."""
    http.process.send_signal(signal.SIGTERM)
    assert http.process.wait(timeout=10) == 0
    assert "registries server stopped." in http.read_until("stopped")

    started = time.monotonic()
    result = ask()
    elapsed = time.monotonic() - started

    assert result.status == "pending"
    assert result.data == {}
    assert elapsed < TIMEOUT + 0.5
    assert ExchangeLogEntry.objects.get().status == "pending"
    assert (
        f"exchange civil/person pending: ConnectError after 3 attempt(s) "
        f"(request {result.request_id})" in caplog.text
    )


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("http://127.0.0.1:8100/", {"*": "http://127.0.0.1:8100"}),
        (
            "civil=http://a:8100, vehicles=https://b/x=1",
            {"civil": "http://a:8100", "vehicles": "https://b/x=1"},
        ),
        ("http://all:1,civil=http://c:2", {"*": "http://all:1", "civil": "http://c:2"}),
    ],
)
def test_registry_urls_are_one_for_all_or_per_registry(settings, raw, expected):
    from onestop.exchange.http_transport import registry_urls

    settings.ONESTOP_EXCHANGE_REGISTRY_URLS = raw

    assert registry_urls() == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "no URL for the civil registry"),
        ("vehicles=http://b:1", "no URL for the civil registry"),
        ("civil=ftp://c", r"'ftp://c', which is not an http\(s\) URL"),
    ],
)
def test_a_missing_or_bad_registry_url_is_loud(settings, raw, message):
    from django.core.exceptions import ImproperlyConfigured

    settings.ONESTOP_EXCHANGE_TRANSPORT = "http"
    settings.ONESTOP_EXCHANGE_REGISTRY_URLS = raw
    AccessRight.objects.create(
        consumer=PORTAL,
        registry="civil",
        operation="person",
        purpose="prefill",
        granted_at=clock.now(),
        granted_by="test",
    )

    with pytest.raises(ImproperlyConfigured, match=message):
        ask()
