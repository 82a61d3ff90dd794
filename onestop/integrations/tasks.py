"""Background tasks of integrations; each only calls its service."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from onestop.core.periodic import periodic


@task(queue_name="default")
def webhook_deliver_task(delivery_id: str) -> str:
    from .webhooks import webhook_deliver

    delivery = webhook_deliver(delivery_id=delivery_id)
    return str(delivery.status) if delivery is not None else "missing"


@periodic(name="integrations.webhooks_redeliver_stuck", every=timedelta(minutes=5))
def webhooks_redeliver_stuck() -> None:
    """A safety net: a pending delivery 15 minutes past its time (its task was lost) is
    enqueued again."""
    from .webhooks import webhook_deliveries_redeliver_stuck

    webhook_deliveries_redeliver_stuck(older_than=timedelta(minutes=15))
