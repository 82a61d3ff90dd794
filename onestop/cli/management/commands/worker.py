"""`onestop worker`: run background tasks, periodic jobs and event deliveries.

With `--processes N` (N > 1) this process supervises N worker processes, restarts one that
dies, and passes SIGTERM/SIGINT on to them so each finishes its task in hand.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from types import FrameType

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.worker import PARENT_VARIABLE, BackgroundWorker, configured_queues


class Command(BaseCommand):
    help = "Run background workers (tasks, event deliveries, periodic jobs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--processes", type=int, default=1, help="worker processes (1)")
        parser.add_argument(
            "--queues",
            default=",".join(configured_queues()),
            help="comma-separated queues to take tasks from (default: all configured)",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds to wait when no task is ready"
        )

    def handle(
        self, *args: object, processes: int, queues: str, interval: float, **options: object
    ) -> None:
        names = [name.strip() for name in queues.split(",") if name.strip()]
        unknown = sorted(set(names) - set(configured_queues()))
        if unknown:
            raise CommandError(
                f"Unknown queue(s) {', '.join(unknown)}; the configured queues are "
                f"{', '.join(configured_queues())}."
            )
        if processes < 1:
            raise CommandError("--processes must be at least 1.")
        self._configure_logging(int(options.get("verbosity", 1)))  # type: ignore[call-overload]
        if processes == 1:
            BackgroundWorker(queues=names, interval=interval).run()
            return
        Supervisor(
            [
                sys.executable,
                "-m",
                "onestop.cli",
                "worker",
                f"--queues={','.join(names)}",
                f"--interval={interval}",
                f"--verbosity={options.get('verbosity', 1)}",
            ],
            processes,
        ).run()

    def _configure_logging(self, verbosity: int) -> None:
        level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbosity, 2)]
        for name in ("onestop.worker", "django_tasks_db", "django_tasks"):
            logger = logging.getLogger(name)
            logger.setLevel(level)
            if not logger.hasHandlers():
                logger.addHandler(logging.StreamHandler(sys.stderr))


class Supervisor:
    """Keeps N single-process workers running until told to stop.

    The children run in their own process group, so a Ctrl+C reaches only this process, which
    passes one SIGTERM on (a second signal would make a child abandon its task). A child that
    crashes is restarted, at most once per RESTART_PAUSE seconds.
    """

    RESTART_PAUSE = 5.0

    def __init__(self, command: list[str], count: int) -> None:
        self.command, self.count = command, count
        self.children: list[tuple[subprocess.Popen[bytes], float]] = []
        self.stopping = False

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.children = [self._spawn() for _ in range(self.count)]
        while not self.stopping:
            for index, (child, started) in enumerate(self.children):
                if child.poll() is None or self.stopping:
                    continue
                if time.monotonic() - started >= self.RESTART_PAUSE:
                    print(
                        f"worker pid {child.pid} exited ({child.returncode}); restarting",
                        file=sys.stderr,
                    )
                    self.children[index] = self._spawn()
            time.sleep(0.2)
        for child, _ in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child, _ in self.children:
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()

    def _spawn(self) -> tuple[subprocess.Popen[bytes], float]:
        env = {**os.environ, PARENT_VARIABLE: str(os.getpid())}
        return subprocess.Popen(self.command, env=env, process_group=0), time.monotonic()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
