"""The core's background tasks: delivering an event to one subscriber, running a periodic job,
and the platform's own periodic housekeeping."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django_tasks import task

from . import audit, dispatch, periodic, worker


@task(queue_name="events")
def deliver_event(*, delivery_id: str) -> str:
    return dispatch.delivery_run(delivery_id=uuid.UUID(delivery_id))


@task(queue_name="periodic")
def run_periodic_job(*, name: str, worker_id: str) -> str:
    return periodic.periodic_run(name=name, worker_id=worker_id)


@periodic.periodic(
    name="core.audit_seal",
    every=timedelta(seconds=float(getattr(settings, "ONESTOP_AUDIT_SEAL_SECONDS", 5))),
)
def seal_audit_trail() -> None:
    audit.audit_seal()


@periodic.periodic(name="core.redeliver_stuck_events", every=timedelta(minutes=5))
def redeliver_stuck_events() -> None:
    dispatch.deliveries_redeliver_stuck(older_than=timedelta(minutes=15))


@periodic.periodic(name="core.forget_departed_workers", every=timedelta(hours=1))
def forget_departed_workers() -> None:
    worker.heartbeats_prune(older_than=timedelta(days=1))


@periodic.periodic(name="core.prune_task_results", every=timedelta(hours=1))
def prune_task_results() -> None:
    days = float(getattr(settings, "ONESTOP_TASK_RESULTS_KEEP_DAYS", 7))
    worker.task_results_prune(older_than=timedelta(days=days))
