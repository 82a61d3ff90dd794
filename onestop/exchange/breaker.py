"""A circuit breaker per registry endpoint, per process: after `failures` consecutive failed
calls it opens and the exchange answers `pending` at once instead of making every caller wait
for a registry that is down. After `reset_seconds` it lets one trial call through (half-open):
success closes it, failure opens it again for another `reset_seconds`.

Time is `onestop.core.clock`, so tests can move it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from onestop.core import clock

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    def __init__(self, *, failures: int, reset_seconds: float) -> None:
        if failures < 1 or reset_seconds < 0:
            raise ValueError("A breaker needs failures ≥ 1 and reset_seconds ≥ 0.")
        self.failures = failures
        self.reset = timedelta(seconds=reset_seconds)
        self._lock = threading.Lock()
        self._state = CLOSED
        self._consecutive = 0
        self._opened_at: datetime | None = None

    @property
    def state(self) -> str:
        with self._lock:
            return self._state

    def allow(self) -> bool:
        """Whether a call may go out now. In half-open state only the one trial call may."""
        with self._lock:
            if self._state == CLOSED:
                return True
            opened_at = self._opened_at
            if self._state == OPEN and opened_at and clock.now() - opened_at >= self.reset:
                self._state = HALF_OPEN  # the others wait for this trial's outcome
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._state, self._consecutive = CLOSED, 0
            self._opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            self._consecutive += 1
            if self._state == HALF_OPEN or self._consecutive >= self.failures:
                self._state, self._opened_at = OPEN, clock.now()
