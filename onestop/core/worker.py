"""A worker: django-tasks-db's task loop plus a companion thread that keeps the heartbeat,
takes back tasks from dead workers and runs the periodic-job scheduler.

`onestop worker` runs one `BackgroundWorker` per process (in the main thread); in the embedded
profile `onestop serve` runs one in a daemon thread beside the web server.

A worker that dies without warning (SIGKILL, power cut) leaves its task RUNNING. Every worker
writes a heartbeat row every few seconds; a RUNNING task whose worker has been silent for longer
than `ONESTOP_WORKER_STALE_SECONDS` goes back to READY and runs again. Tasks must therefore be
idempotent, which event deliveries are by construction.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import sys
import threading
import time
from datetime import datetime, timedelta
from types import FrameType

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import clock
from .models import WorkerHeartbeat
from .periodic import periodic_rows_ensure, scheduler_tick

logger = logging.getLogger("onestop.worker")

# Set by `onestop worker --processes N` for its children: a child whose supervisor is gone
# (killed outright) stops too instead of running on unsupervised.
PARENT_VARIABLE = "ONESTOP_WORKER_SUPERVISOR_PID"
SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT")


def heartbeat_seconds() -> float:
    return float(getattr(settings, "ONESTOP_WORKER_HEARTBEAT_SECONDS", 5.0))


def stale_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "ONESTOP_WORKER_STALE_SECONDS", 15.0)))


def scheduler_seconds() -> float:
    return float(getattr(settings, "ONESTOP_SCHEDULER_TICK_SECONDS", 1.0))


def configured_queues() -> list[str]:
    return list(settings.TASKS["default"].get("QUEUES", ["default"]))


def worker_id_new() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(3)}"


def heartbeat_beat(
    *, worker_id: str, queues: list[str], started_at: datetime | None = None
) -> None:
    now = clock.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": now},
        create_defaults={
            "last_seen": now,
            "started_at": started_at or now,
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
            "queues": ",".join(queues)[:200],
        },
    )


def heartbeats_prune(*, older_than: timedelta) -> int:
    """Forget workers silent for long; their tasks were taken back long before."""
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen__lt=clock.now() - older_than).delete()
    return deleted


def task_results_prune(*, older_than: timedelta) -> int:
    """Delete finished task rows (their outcome lives on in deliveries and job states)."""
    deleted, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=clock.now() - older_than,
    ).delete()
    return deleted


def tasks_recover_abandoned(*, silent_for: timedelta, except_worker: str = "") -> int:
    """Return to READY every RUNNING task whose worker's heartbeat is older than `silent_for`.

    Only workers that keep a heartbeat are judged: a task claimed by a worker never seen here
    (for instance django-tasks-db's own `db_worker`) is left alone.
    """
    silent = set(
        WorkerHeartbeat.objects.filter(last_seen__lt=clock.now() - silent_for)
        .exclude(worker_id=except_worker)
        .values_list("worker_id", flat=True)
    )
    if not silent:
        return 0
    recovered = _tasks_back_to_ready(silent)
    if recovered:
        logger.warning("took back %d task(s) from silent workers %s", recovered, sorted(silent))
    return recovered


def tasks_release(*, worker_id: str) -> int:
    """Return to READY the tasks still marked RUNNING on this (stopped) worker."""
    return _tasks_back_to_ready({worker_id})


def _tasks_back_to_ready(worker_ids: set[str]) -> int:
    with transaction.atomic():
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("worker_ids")
        abandoned = [
            row.id for row in running if row.worker_ids and row.worker_ids[-1] in worker_ids
        ]
        return DBTaskResult.objects.filter(
            id__in=abandoned, status=TaskResultStatus.RUNNING
        ).update(status=TaskResultStatus.READY, started_at=None)


def _supervisor_gone() -> bool:
    supervisor = os.environ.get(PARENT_VARIABLE)
    return bool(supervisor) and str(os.getppid()) != supervisor


class CompanionLoop(threading.Thread):
    """Heartbeat, recovery and scheduling, on the companion thread's own connection."""

    def __init__(self, *, worker_id: str, queues: list[str], stopping: threading.Event) -> None:
        super().__init__(name=f"onestop-companion-{worker_id}", daemon=True)
        self.worker_id, self.queues, self.stopping = worker_id, queues, stopping
        self.started_at = clock.now()
        self._next_beat = 0.0

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.tick()
                self.stopping.wait(scheduler_seconds())
        finally:
            connections.close_all()

    def tick(self) -> None:
        if _supervisor_gone():
            logger.warning("worker %s: its supervisor is gone; stopping", self.worker_id)
            os.kill(os.getpid(), signal.SIGTERM)
            self.stopping.set()
            return
        try:
            close_old_connections()
            if time.monotonic() >= self._next_beat:
                self.beat()
            scheduler_tick(worker_id=self.worker_id)
        except DatabaseError:
            # A busy SQLite file or a restarting PostgreSQL: try again on the next tick.
            logger.warning("worker %s: companion tick failed", self.worker_id, exc_info=True)

    def beat(self) -> None:
        heartbeat_beat(worker_id=self.worker_id, queues=self.queues, started_at=self.started_at)
        tasks_recover_abandoned(silent_for=stale_after(), except_worker=self.worker_id)
        self._next_beat = time.monotonic() + heartbeat_seconds()


class BackgroundWorker:
    """One task loop and its companion thread, sharing a worker id."""

    def __init__(
        self, *, queues: list[str] | None = None, interval: float = 1.0, worker_id: str = ""
    ) -> None:
        self.queues = queues or configured_queues()
        self.worker_id = worker_id or worker_id_new()
        self.stopping = threading.Event()
        self.loop = Worker(
            queue_names=self.queues,
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        self.companion = CompanionLoop(
            worker_id=self.worker_id, queues=self.queues, stopping=self.stopping
        )
        self._thread: threading.Thread | None = None

    def prepare(self) -> None:
        """Say hello, take back what dead workers left, and make sure job rows exist."""
        periodic_rows_ensure()
        self.companion.beat()
        self.companion.start()
        logger.info("worker %s runs queues %s", self.worker_id, ",".join(self.queues))

    def run(self, *, handle_signals: bool = True) -> None:
        """Run in the calling (main) thread until a signal or `stop()`."""
        self.prepare()
        try:
            if handle_signals:
                self._signals_handle()
            self.loop.run()
        finally:
            self.stop()

    def _signals_handle(self) -> None:
        """SIGTERM, SIGINT or SIGQUIT: finish the task in hand, then stop (the task loop notices
        between tasks, within its interval); a second one abandons the task in hand.

        Unlike django-tasks-db's own handler, the first signal never raises inside the loop:
        raised while a database call was waiting, that exit interrupted the query mid-flight
        and the cleanup it forced could end the process with a failure instead of a goodbye."""
        handled = [getattr(signal, name) for name in SIGNALS if hasattr(signal, name)]

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if not self.loop.running:
                logger.warning("worker %s: second signal; abandoning the task", self.worker_id)
                for number in handled:
                    signal.signal(number, signal.SIG_DFL)
                sys.exit(1)
            logger.warning("worker %s: %s; stopping", self.worker_id, signal.strsignal(signum))
            self.loop.running = False
            self.stopping.set()

        for number in handled:
            signal.signal(number, on_signal)

    def start_thread(self) -> None:
        """Run the task loop in a daemon thread (the embedded profile's `onestop serve`)."""
        self.prepare()
        self._thread = threading.Thread(
            target=self._run_in_thread, name=f"onestop-worker-{self.worker_id}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the task in hand, then stop both loops and say goodbye."""
        self.loop.running = False
        self.stopping.set()
        for thread in (self._thread, self.companion):
            if (
                thread is not None
                and thread.is_alive()
                and thread is not threading.current_thread()
            ):
                thread.join(timeout)
        if self._thread is not None and self._thread.is_alive():
            # Still busy after the timeout: keep the heartbeat's verdict to the other workers.
            return
        try:
            # A signal between claiming a task and starting it leaves it RUNNING here.
            tasks_release(worker_id=self.worker_id)
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.warning("worker %s: could not say goodbye", self.worker_id, exc_info=True)

    def _run_in_thread(self) -> None:
        try:
            self.loop.run()
        finally:
            connections.close_all()
