"""Background tasks of notifications; each only calls its service."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from onestop.core.periodic import periodic


@task(queue_name="notifications")
def notification_deliver_task(notification_id: str) -> str:
    from .services import notification_deliver

    return notification_deliver(notification_id=notification_id).status


@task(queue_name="notifications")
def notifications_drain_task() -> int:
    """Send one batch of due messages; returns how many were sent."""
    from .batches import notifications_deliver_due

    return notifications_deliver_due().sent


@periodic(name="notifications.drain_overdue", every=timedelta(minutes=1))
def notifications_drain_overdue() -> None:
    from .batches import notifications_drain_overdue

    notifications_drain_overdue(older_than=timedelta(minutes=2))
