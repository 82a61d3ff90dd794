"""Background tasks of notifications; each only calls its service."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="notifications")
def notification_deliver_task(notification_id: str) -> str:
    from .services import notification_deliver

    return notification_deliver(notification_id=notification_id).status
