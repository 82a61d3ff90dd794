"""Event → task → notification, end to end: a domain event recorded in a transaction is picked up
by a real `onestop worker` process, whose subscriber queues the messages and whose delivery
tasks send them through the development provider. Runs on SQLite and on PostgreSQL."""

import pytest

from onestop.core.models import CountryProfile, DomainEvent, EventDelivery
from onestop.core.tests.test_background_processes import (  # noqa: F401 - pytest fixtures
    background,
    database_url,
    template_database,
)
from onestop.notifications import services
from onestop.notifications.models import DeliveryLog, DevelopmentMessage, Notification
from onestop.notifications.tests.conftest import ACKNOWLEDGED, templates_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("background-processes")]


def test_an_event_becomes_sent_messages_through_a_real_worker(background):  # noqa: F811
    CountryProfile.objects.create(
        code="FR",
        name={"en": "Testland"},
        languages=["en", "fr"],
        currency="EUR",
        time_zone="Europe/Paris",
        calendar={"working_week": ["mon"], "holidays": {}},
        quiet_hours={},
    )
    templates_for("application_acknowledged")
    services.notification_request_record(
        actor="officer-1",
        kind="application_acknowledged",
        recipient="+33612345678",
        context=ACKNOWLEDGED,
        entity_type="applications.application",
        entity_id="app-1",
        person="person-42",
    )
    event = DomainEvent.objects.get(name="notifications.requested")

    background.worker()
    background.wait_for(
        lambda: (
            Notification.objects.filter(status="sent").count() == 1
            and Notification.objects.filter(channel="inbox").exists()
        ),
        "the SMS sent and the inbox message stored",
        timeout=30,
    )

    sms = Notification.objects.get(channel="sms")
    assert (sms.recipient, sms.language, sms.body_text) == (
        "+33612345678",
        "en",
        "Ref 7K3D-9QX2-M4.",
    )
    assert list(DevelopmentMessage.objects.values_list("recipient", "body_text")) == [
        ("+33612345678", "Ref 7K3D-9QX2-M4.")
    ]
    assert list(
        DeliveryLog.objects.filter(notification=sms).order_by("at").values_list("status", flat=True)
    ) == ["queued", "sent"]
    delivery = EventDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    event.refresh_from_db()
    assert event.handled_at is not None
