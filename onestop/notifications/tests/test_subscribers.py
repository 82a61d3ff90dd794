from onestop.core.models import DomainEvent
from onestop.core.subscriptions import subscription_get
from onestop.notifications import services
from onestop.notifications.models import Notification
from onestop.notifications.tests.conftest import ACKNOWLEDGED


def test_the_request_subscriber_is_registered_and_queues_once_per_event(
    acknowledged_templates, at_noon
):
    from onestop.notifications import subscribers

    subscription = subscription_get("notifications.request")
    services.notification_request_record(
        actor="officer-1",
        kind="application_acknowledged",
        recipient="+33612345678",
        context=ACKNOWLEDGED,
        entity_type="applications.application",
        entity_id="app-1",
        person="person-42",
    )
    event = DomainEvent.objects.get(name=subscribers.NOTIFY_EVENT)

    subscription.handler(event)
    subscription.handler(event)

    assert subscription.event_name == "notifications.requested"
    assert sorted(Notification.objects.values_list("channel", "person")) == [
        ("inbox", "person-42"),
        ("sms", "person-42"),
    ]
