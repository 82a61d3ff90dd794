"""Real worker processes on a real database file (SQLite) or a dedicated PostgreSQL database:
SIGKILL in the middle of a task, retries and parking, re-running, duplicate delivery, periodic
jobs across processes, and the embedded worker inside `onestop serve`.

The test process talks to the same database by swapping its default connection for the test's
duration; the workers run the test app `bgapp` (subscribers steered by flag files).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dj_database_url
import pytest
from django.db import connections
from django.db.utils import load_backend
from django_tasks_db.models import DBTaskResult

from onestop.core import dispatch, tasks
from onestop.core.events import event_record
from onestop.core.models import (
    AuditRecord,
    DomainEvent,
    EventDelivery,
    PeriodicJob,
    WorkerHeartbeat,
)
from onestop.core.periodic import (
    periodic,
    periodic_claim,
    periodic_rows_ensure,
    periodic_run,
    periodic_spec_get,
)
from onestop.core.tests.bgapp import subscribers  # noqa: F401 - registers bgtest.* here too

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("background-processes")]

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = "onestop.core.tests.bgapp.settings"


def _postgres_url() -> str | None:
    url = os.environ.get("ONESTOP_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@contextmanager
def _postgres_admin(url: str) -> Iterator[object]:
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=int(config["PORT"] or 5432),
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        yield admin


def _with_database_name(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def _base_env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ONESTOP_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        ONESTOP_DATABASE_URL=database_url,
        ONESTOP_VAR_DIR=str(tmp / "var"),
        ONESTOP_TEST_FLAGS=str(tmp / "flags"),
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture(scope="module")
def template_database(tmp_path_factory) -> Iterator[str]:
    """A migrated database that each test copies (a file) or clones (PostgreSQL template)."""
    tmp = tmp_path_factory.mktemp("bg-template")
    postgres = _postgres_url()
    if postgres:
        name = f"onestop_bgtpl_{uuid.uuid4().hex[:10]}"
        with _postgres_admin(postgres) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = _with_database_name(postgres, name)
    else:
        url = f"sqlite:///{tmp / 'template.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "onestop.cli", "migrate", "-v0"],
        env=_base_env(tmp, url),
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    yield url
    if postgres:
        with _postgres_admin(postgres) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    postgres = _postgres_url()
    if postgres:
        name = f"onestop_bg_{uuid.uuid4().hex[:10]}"
        template = template_database.rsplit("/", 1)[1]
        with _postgres_admin(postgres) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        yield _with_database_name(postgres, name)
        with _postgres_admin(postgres) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "onestop.sqlite3"
        shutil.copy(template_database.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"


@contextmanager
def _connected(database_url: str) -> Iterator[None]:
    """Point this thread's default connection at the test database."""
    config = dj_database_url.parse(database_url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA busy_timeout=5000;",
        }
    config = connections.configure_settings({"default": config})["default"]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, "default")
    previous = connections["default"]
    connections["default"] = wrapper
    try:
        yield
    finally:
        wrapper.close()
        connections["default"] = previous


@pytest.fixture
def background(database_url: str, tmp_path: Path, django_db_blocker) -> Iterator[Background]:
    """This process's ORM pointed at the test database, and a way to start workers on it."""
    (tmp_path / "flags").mkdir()
    runner = Background(tmp_path, database_url)
    try:
        with django_db_blocker.unblock(), _connected(database_url):
            yield runner
    finally:
        runner.stop_all()


class Background:
    def __init__(self, tmp: Path, database_url: str) -> None:
        self.tmp, self.database_url = tmp, database_url
        self.flags = tmp / "flags"
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        env = _base_env(self.tmp, self.database_url) | (extra_env or {})
        log = open(self.tmp / f"process-{len(self.processes)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "onestop.cli", *args],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def worker(self, *args: str, **kwargs: object) -> subprocess.Popen[bytes]:
        return self.start("worker", "--interval=0.1", "-v2", *args, **kwargs)  # type: ignore[arg-type]

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.tmp.glob("process-*.log"))
        )

    def wait_for(self, condition: Callable[[], object], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}\n{self.logs()}")

    def stop(self, process: subprocess.Popen[bytes]) -> int:
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)


def _delivery_tasks():
    return DBTaskResult.objects.filter(task_path="onestop.core.tasks.deliver_event")


def _effects(event: DomainEvent) -> int:
    return AuditRecord.objects.filter(action="bgtest.effect", entity_id=str(event.id)).count()


def _delivery(event: DomainEvent) -> EventDelivery:
    return EventDelivery.objects.get(event=event)


def _record(name: str) -> DomainEvent:
    return event_record(name=name, actor="test", entity_type="thing", entity_id="1")


def test_a_task_killed_mid_way_runs_again_and_its_effect_happens_once(background):
    event = _record("bgtest.blocking")
    first = background.worker()
    background.wait_for(
        lambda: (background.flags / f"started-{first.pid}").exists(), "the handler to start"
    )
    assert _delivery_tasks().get().status == "RUNNING"

    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    (background.flags / "release").touch()
    second = background.worker()
    background.wait_for(lambda: _delivery(event).status == "succeeded", "the delivery to succeed")

    task = _delivery_tasks().get()
    assert task.status == "SUCCESSFUL"
    assert len(task.worker_ids) == 2
    assert (background.flags / f"started-{second.pid}").exists()
    assert _effects(event) == 1
    assert _delivery(event).attempts == 1
    assert DomainEvent.objects.get(id=event.id).handled_at is not None
    assert background.stop(second) == 0
    assert not WorkerHeartbeat.objects.filter(worker_id=task.worker_ids[1]).exists()


def test_a_stopped_worker_finishes_the_task_in_hand_then_says_goodbye(background):
    event = _record("bgtest.blocking")
    worker = background.worker()
    background.wait_for(
        lambda: (background.flags / f"started-{worker.pid}").exists(), "the handler to start"
    )
    [worker_id] = _delivery_tasks().get().worker_ids

    worker.send_signal(signal.SIGTERM)
    time.sleep(1.5)
    still_working = worker.poll() is None
    (background.flags / "release").touch()

    assert still_working, background.logs()
    assert worker.wait(timeout=30) == 0, background.logs()
    assert _delivery(event).status == "succeeded"
    assert _delivery_tasks().get().status == "SUCCESSFUL"
    assert _effects(event) == 1
    assert not WorkerHeartbeat.objects.filter(worker_id=worker_id).exists()


def test_a_failing_subscriber_is_retried_then_parked_and_a_rerun_delivers_it(background):
    event = _record("bgtest.flaky")
    worker = background.worker()
    background.wait_for(lambda: _delivery(event).status == "parked", "the delivery to park")

    parked = _delivery(event)
    assert parked.attempts == 3
    assert "RuntimeError: the test operator is down" in parked.last_error
    assert _effects(event) == 0
    assert DomainEvent.objects.get(id=event.id).handled_at is None
    attempts = _delivery_tasks().order_by("enqueued_at")
    assert [row.return_value for row in attempts] == ["retry", "retry", "parked"]

    (background.flags / "heal").touch()
    dispatch.delivery_rerun(delivery_id=parked.id, actor="staff:ops")
    background.wait_for(lambda: _delivery(event).status == "succeeded", "the re-run to succeed")

    assert _effects(event) == 1
    assert (_delivery(event).attempts, _delivery(event).last_error) == (1, "")
    assert DomainEvent.objects.get(id=event.id).handled_at is not None
    assert background.stop(worker) == 0, background.logs()


def test_a_delivery_enqueued_twice_has_its_effect_once(background):
    event = _record("bgtest.simple")
    tasks.deliver_event.enqueue(delivery_id=str(_delivery(event).id))

    worker = background.worker()
    background.wait_for(
        lambda: _delivery_tasks().filter(status="SUCCESSFUL").count() == 2, "both deliveries"
    )

    assert sorted(_delivery_tasks().values_list("return_value", flat=True)) == [
        "succeeded",
        "succeeded",
    ]
    assert _effects(event) == 1
    assert _delivery(event).attempts == 1
    assert background.stop(worker) == 0, background.logs()


def test_two_worker_processes_run_a_periodic_job_once_per_period(background):
    supervisor = background.worker("--processes=2", extra_env={"ONESTOP_TEST_PERIODIC": "1"})
    background.wait_for(
        lambda: WorkerHeartbeat.objects.count() == 2, "both worker processes", timeout=60
    )
    background.wait_for(
        lambda: PeriodicJob.objects.filter(name="bgtest.tick", run_count__gte=4).exists(),
        "four periods",
    )
    assert background.stop(supervisor) == 0

    periods = list(
        AuditRecord.objects.filter(action="bgtest.tick").values_list("entity_id", flat=True)
    )
    job = PeriodicJob.objects.get(name="bgtest.tick")
    assert len(periods) == job.run_count >= 4
    assert len(set(periods)) == len(periods)
    assert job.last_outcome == "ok"
    assert WorkerHeartbeat.objects.count() == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_embedded_serve_delivers_events_in_its_worker_thread_and_stops_cleanly(background):
    event = _record("bgtest.simple")

    server = background.start("serve", f"--port={_free_port()}")
    background.wait_for(lambda: _delivery(event).status == "succeeded", "the embedded worker")

    assert _effects(event) == 1
    assert background.stop(server) == 0
    assert WorkerHeartbeat.objects.count() == 0


def test_serve_without_worker_leaves_events_pending(background):
    event = _record("bgtest.simple")
    port = _free_port()

    server = background.start("serve", f"--port={port}", "--no-worker")
    background.wait_for(lambda: _port_open(port), "the server to listen")

    assert _delivery(event).status == "pending"
    assert WorkerHeartbeat.objects.count() == 0
    background.stop(server)


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_worker_processes_stop_when_their_supervisor_is_killed(background):
    supervisor = background.worker("--processes=2")
    background.wait_for(lambda: WorkerHeartbeat.objects.count() == 2, "both worker processes")

    os.kill(supervisor.pid, signal.SIGKILL)
    supervisor.wait(10)

    background.wait_for(
        lambda: WorkerHeartbeat.objects.count() == 0, "the orphaned workers to stop cleanly"
    )


def test_concurrent_schedulers_claim_each_period_once(background):
    spec = periodic_spec_get("bgtest.concurrent")
    periodic_rows_ensure()
    wins: list[int] = []
    barrier = threading.Barrier(4, timeout=20)
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def scheduler(worker_id: str) -> None:
        with _connected(background.database_url):
            for period in range(5):
                barrier.wait()
                moment = start + period * spec.every + timedelta(seconds=1)
                if periodic_claim(spec=spec, worker_id=worker_id, now=moment):
                    wins.append(period)
                    periodic_run(name=spec.name, worker_id=worker_id)
                barrier.wait()

    threads = [threading.Thread(target=scheduler, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(wins) == [0, 1, 2, 3, 4]
    assert PeriodicJob.objects.get(name="bgtest.concurrent").run_count == 5


@periodic(name="bgtest.concurrent", every=timedelta(minutes=5))
def _concurrent_job() -> None:
    """Registered in this test process only (workers never import this module)."""
