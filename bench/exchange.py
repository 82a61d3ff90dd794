"""Data-exchange benchmark: once-only evidence resolution over HTTP to local registries.

    .venv/bin/python bench/exchange.py [--quick] [--people N] [--resolutions N] [--service CODE]

Builds a dedicated database (a temporary SQLite file, or the PostgreSQL database
`onestop_bench_exchange` next to the one ONESTOP_DATABASE_URL names, created and dropped here),
loads the demo pack, generates the registries' population with `onestop synth` (1,000,000
people; 20,000 with --quick), starts `onestop registries-serve` on a free port and then, for the
same sample of living adults, times:

- through the exchange: `evidence_resolve` for a five-evidence service with the HTTP transport
  (access rights checked, each query signed, the answer's signature verified, one exchange-log
  row written per query);
- directly: the same signed HTTP requests to the same registry server, one per distinct
  registry operation of the service, each answer's signature verified, and nothing else.

`ratio` is the exchange's resolutions per second divided by the direct ones. The last line is
`key=value` pairs for scripts.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdb import bench_cleanup, bench_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "onestop_bench_exchange"
PACK = ROOT / "packs" / "demo"
CONSUMER = "XM/GOV/onestop/portal"
SERVICE = "marriage-registration"
SEED = 7


def main() -> None:
    options = _arguments()
    people = 20_000 if options.quick else options.people
    resolutions = 200 if options.quick else options.resolutions
    workdir = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    database_url, engine, admin_url = bench_database(workdir, BENCH_DATABASE)
    port = _free_port()
    os.environ.update(
        {
            "ONESTOP_DATABASE_URL": database_url,
            "ONESTOP_VAR_DIR": str(workdir / "var"),
            "DJANGO_SETTINGS_MODULE": "onestop.settings.base",
            "ONESTOP_PROFILE": "embedded",
            "ONESTOP_LOG_LEVEL": "WARNING",
            "ONESTOP_EXCHANGE_TRANSPORT": "http",
            "ONESTOP_EXCHANGE_REGISTRY_URLS": f"http://127.0.0.1:{port}",
        }
    )
    try:
        figures = _run(people, resolutions, options.service, port, options.threads)
    finally:
        bench_cleanup(workdir, admin_url, BENCH_DATABASE)
    figures |= {"db": engine}
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 people, 200 resolutions")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--resolutions", type=int, default=1000, help="timed per path")
    parser.add_argument("--service", default=SERVICE, help="the service whose evidence to resolve")
    parser.add_argument("--threads", type=int, default=4, help="registry server threads")
    return parser.parse_args()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(people: int, resolutions: int, service: str, port: int, threads: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_pack", str(PACK), verbosity=0)
    started = time.monotonic()
    call_command("synth", people=people, seed=SEED, verbosity=0)
    synth_s = time.monotonic() - started
    from onestop.exchange.keys import member_key_generate

    member_key_generate(member="XM/GOV/onestop")
    server = _registries_serve(port, threads)
    try:
        return _measure(people, resolutions, service, port, synth_s)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _registries_serve(port: int, threads: int) -> subprocess.Popen:
    """The registry server's own log (one line per answer) goes to a file in the work dir."""
    log = open(Path(os.environ["ONESTOP_VAR_DIR"]) / "registries.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "onestop.cli", "registries-serve", "--port", str(port)]
        + ["--threads", str(threads)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"registries-serve exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("registries-serve did not start within 60 s")


def _applicants(count: int) -> list[str]:
    """Living adults, picked at random (seeded), the same sample for both paths."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT national_id FROM registries_person"
            " WHERE death_date IS NULL AND birth_date <= %s ORDER BY national_id",
            ["2006-01-01"],
        )
        everyone = [row[0] for row in cursor.fetchall()]
    return random.Random(SEED).sample(everyone, min(count, len(everyone)))


def _measure(people: int, resolutions: int, service: str, port: int, synth_s: float) -> dict:
    from onestop.exchange.evidence import evidence_resolve

    applicants = _applicants(resolutions + 20)
    warm, sample = applicants[:20], applicants[20:]
    first = evidence_resolve(
        service_code=service,
        applicant_national_id=warm[0],
        consumer=CONSUMER,
        acting_user="bench",
    )
    queries = sorted(
        {(item.registry, item.operation) for item in first.items if item.source},
    )
    if len(first.items) < 5 or len(queries) < 5:
        raise SystemExit(
            f"{service} asks {len(first.items)} evidences, {len(queries)} from registries: "
            "pick a service with five registry-held evidences (--service)"
        )

    def through_exchange(national_id: str) -> None:
        resolution = evidence_resolve(
            service_code=service,
            applicant_national_id=national_id,
            consumer=CONSUMER,
            acting_user=f"citizen:{national_id}",
            on_behalf_of=national_id,
        )
        pending = resolution.with_status("pending")
        if pending:
            raise SystemExit(f"a registry did not answer: {[item.code for item in pending]}")

    direct = _DirectClient(port)
    for national_id in warm:
        through_exchange(national_id)
        direct.resolve(national_id, queries)
    exchange_ms, exchange_s = _timed(through_exchange, sample)
    direct_ms, direct_s = _timed(lambda nid: direct.resolve(nid, queries), sample)
    exchange_rate = len(sample) / exchange_s
    direct_rate = len(sample) / direct_s
    return {
        "people": people,
        "synth_s": round(synth_s, 1),
        "service": service,
        "evidences": len(first.items),
        "queries": len(queries),
        "resolutions": len(sample),
        "exchange_p50_ms": _percentile(exchange_ms, 50),
        "exchange_p95_ms": _percentile(exchange_ms, 95),
        "exchange_per_s": round(exchange_rate, 1),
        "direct_p50_ms": _percentile(direct_ms, 50),
        "direct_p95_ms": _percentile(direct_ms, 95),
        "direct_per_s": round(direct_rate, 1),
        "ratio": round(exchange_rate / direct_rate, 2),
    }


def _timed(work, sample: list[str]) -> tuple[list[float], float]:
    durations = []
    started = time.perf_counter()
    for national_id in sample:
        begin = time.perf_counter()
        work(national_id)
        durations.append((time.perf_counter() - begin) * 1000)
    return durations, time.perf_counter() - started


def _percentile(values: list[float], percent: int) -> float:
    return round(statistics.quantiles(values, n=100)[percent - 1], 2)


class _DirectClient:
    """The same signed requests, straight to the registry server: no access-right check, no
    exchange log, no evidence mapping."""

    def __init__(self, port: int) -> None:
        import httpx

        from onestop.exchange import keys, protocol

        self._protocol = protocol
        self._keys = keys
        self._private = keys.member_private_key(member="XM/GOV/onestop")
        self._public: dict[str, object] = {}
        self._client = httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False)

    def resolve(self, national_id: str, queries: list[tuple[str, str]]) -> None:
        for registry, operation in queries:
            self._ask(registry, operation, national_id)

    def _ask(self, registry: str, operation: str, national_id: str) -> None:
        protocol = self._protocol
        request = protocol.request_sign(
            protocol.request_build(
                client=CONSUMER,
                registry=registry,
                operation=operation,
                query={"national_id": national_id},
                user_id=f"citizen:{national_id}",
                represented_party=national_id,
                purpose="application",
            ),
            private_key=self._private,
        )
        response = self._client.get(
            request.path,
            params=request.query,
            headers={**request.headers, protocol.SIGNATURE_HEADER: request.signature},
        )
        if response.status_code not in (200, 404):
            raise SystemExit(f"{registry}/{operation} answered {response.status_code}")
        if registry not in self._public:
            self._public[registry] = self._keys.member_public_key(member=f"XM/GOV/{registry}")
        protocol.response_verify(
            request=request,
            body=response.content,
            signature=response.headers.get(protocol.SIGNATURE_HEADER, ""),
            public_key=self._public[registry],
        )


if __name__ == "__main__":
    main()
