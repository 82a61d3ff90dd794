"""Periodic jobs: registered in code, run once per period across every worker on every machine.

    @periodic(name="notifications.reminders", every=timedelta(hours=1))
    def send_reminders() -> None: ...

Periods are aligned to the epoch (an hourly job's periods start on the hour). Each worker's
scheduler tries to claim a due job with one conditional UPDATE of its `PeriodicJob` row; the
database lets exactly one of them win, and the winner enqueues the run on the "periodic" queue
in the same transaction. The lease stops a second run from starting while one is in flight and
expires if its worker dies, so a crash delays a job but never stops it.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F, Q

from . import clock
from .models import JobOutcome, PeriodicJob

Job = Callable[[], None]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    every: timedelta
    lease: timedelta
    function: Job


_registry: dict[str, PeriodicSpec] = {}


def periodic(
    *, name: str, every: timedelta, lease: timedelta | None = None
) -> Callable[[Job], Job]:
    """Register `function()` to run once every `every`. The lease (default: the longer of the
    period and ten minutes) must outlast one run."""
    if every <= timedelta(0):
        raise ValueError(f"periodic job {name!r}: the period must be positive")

    def register(function: Job) -> Job:
        _registry[name] = PeriodicSpec(name, every, lease or max(every, DEFAULT_LEASE), function)
        return function

    return register


def periodic_specs() -> list[PeriodicSpec]:
    return sorted(_registry.values(), key=lambda spec: spec.name)


def periodic_spec_get(name: str) -> PeriodicSpec | None:
    return _registry.get(name)


def periodic_unregister(name: str) -> None:
    """Forget a job (tests register jobs of their own and take them back)."""
    _registry.pop(name, None)


def period_start(moment: datetime, every: timedelta) -> datetime:
    return EPOCH + ((moment - EPOCH) // every) * every


def periodic_rows_ensure() -> None:
    """Create the state row of every registered job (concurrent callers are fine)."""
    PeriodicJob.objects.bulk_create(
        [PeriodicJob(name=spec.name) for spec in periodic_specs()], ignore_conflicts=True
    )


def periodic_claim(*, spec: PeriodicSpec, worker_id: str, now: datetime | None = None) -> bool:
    """Claim the current period of `spec` for `worker_id` and enqueue its run; False when
    another worker has it, it already ran this period, or a run is still in flight."""
    from .tasks import run_periodic_job  # tasks imports this module to register its jobs

    now = now or clock.now()
    with transaction.atomic():
        won = (
            PeriodicJob.objects.filter(name=spec.name)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
            .update(
                lease_until=now + spec.lease,
                leased_by=worker_id,
                next_run_at=period_start(now, spec.every) + spec.every,
            )
        )
        if won:
            run_periodic_job.enqueue(name=spec.name, worker_id=worker_id)
    return bool(won)


def periodic_run(*, name: str, worker_id: str) -> str:
    """Run a claimed job and record its outcome and duration; releases the lease."""
    spec = periodic_spec_get(name)
    started = clock.now()
    PeriodicJob.objects.filter(name=name).update(last_started_at=started)
    began = time.monotonic()
    outcome, error = JobOutcome.OK, ""
    try:
        if spec is None:
            raise LookupError(f"no periodic job is registered as {name!r} in this worker")
        spec.function()
    except Exception as failure:  # noqa: BLE001 - the outcome is recorded for administrators
        outcome, error = JobOutcome.FAILED, "".join(traceback.format_exception(failure))[-4000:]
    PeriodicJob.objects.filter(name=name).update(
        last_finished_at=clock.now(),
        last_duration_ms=int((time.monotonic() - began) * 1000),
        last_outcome=outcome,
        last_error=error,
        run_count=F("run_count") + 1,
    )
    # Release only our own lease: if it expired and another worker claimed, that run holds it.
    PeriodicJob.objects.filter(name=name, leased_by=worker_id).update(
        lease_until=None, leased_by=""
    )
    return str(outcome)


def periodic_due(*, now: datetime | None = None) -> list[PeriodicSpec]:
    """The registered jobs whose state row says they may be claimed now (one query)."""
    moment = now or clock.now()
    due = (
        PeriodicJob.objects.filter(name__in=list(_registry))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=moment))
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=moment))
        .values_list("name", flat=True)
    )
    return [_registry[name] for name in sorted(due)]


def scheduler_tick(*, worker_id: str) -> list[str]:
    """Claim every due job this worker can; returns the names it claimed."""
    return [spec.name for spec in periodic_due() if periodic_claim(spec=spec, worker_id=worker_id)]
