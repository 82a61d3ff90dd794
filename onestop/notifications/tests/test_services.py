from datetime import UTC, datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from onestop.core.errors import Conflict, InvalidInput, NotFound
from onestop.core.models import DomainEvent
from onestop.notifications import selectors, services
from onestop.notifications.models import DeliveryLog, DevelopmentMessage, Notification
from onestop.notifications.tests.conftest import (
    ACKNOWLEDGED,
    NIGHT_IN_PARIS,
    SIGN_IN,
    templates_for,
)

TASK = "onestop.notifications.tasks.notification_deliver_task"
PHONE = "+33612345678"


def _tasks():
    return list(DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at"))


def _run_after(task):
    """The backend stores "no delay" as the largest date."""
    return None if task.run_after.year == 9999 else task.run_after


def _acknowledge(**overrides):
    arguments = {
        "actor": "test",
        "kind": "application_acknowledged",
        "recipient": "+33 6 12 34 56 78",
        "context": ACKNOWLEDGED,
        "idempotency_key": "app-1:ack",
    }
    arguments.update(overrides)
    return services.notification_request(**arguments)


def _snapshot():
    return (
        Notification.objects.count(),
        DeliveryLog.objects.count(),
        DomainEvent.objects.count(),
        len(_tasks()),
    )


def test_request_queues_one_rendered_sms_and_its_delivery_task(acknowledged_templates, at_noon):
    # when
    [notification] = _acknowledge()

    # then
    assert (notification.channel, notification.recipient, notification.language) == (
        "sms",
        PHONE,
        "en",
    )
    assert notification.body_text == "Ref 7K3D-9QX2-M4."
    assert (notification.status, notification.segments, notification.not_before) == (
        "queued",
        1,
        None,
    )
    assert [(row.status, row.at) for row in notification.log.all()] == [("queued", at_noon)]
    [queued_task] = _tasks()
    assert queued_task.args_kwargs == {"args": [str(notification.pk)], "kwargs": {}}
    assert (queued_task.queue_name, _run_after(queued_task)) == ("notifications", None)
    assert DomainEvent.objects.filter(name="notifications.notification_queued").count() == 1


def test_the_same_idempotency_key_returns_the_same_rows_and_queues_nothing(
    acknowledged_templates, at_noon
):
    first = _acknowledge()
    before = _snapshot()

    second = _acknowledge()

    assert [row.pk for row in second] == [row.pk for row in first]
    assert _snapshot() == before


def test_an_idempotency_key_reused_for_another_kind_is_a_conflict(acknowledged_templates, at_noon):
    templates_for("sign_in_code", is_urgent=True)
    _acknowledge()
    before = _snapshot()

    with pytest.raises(Conflict):
        _acknowledge(kind="sign_in_code", context=SIGN_IN)

    assert _snapshot() == before


def test_missing_and_unknown_variables_are_named_and_nothing_is_queued(acknowledged_templates):
    context = {**ACKNOWLEDGED, "colour": "red"}
    del context["track_url"]
    before = _snapshot()

    with pytest.raises(InvalidInput) as raised:
        _acknowledge(context=context)

    assert raised.value.details == {
        "field": "context",
        "missing": ["track_url"],
        "unknown": ["colour"],
    }
    assert _snapshot() == before


def test_a_bad_phone_number_is_rejected_naming_the_field(acknowledged_templates):
    before = _snapshot()

    with pytest.raises(InvalidInput) as raised:
        _acknowledge(recipient="+33 1")

    assert raised.value.details == {"field": "recipient"}
    assert _snapshot() == before


def test_a_non_urgent_message_waits_for_the_end_of_quiet_hours(acknowledged_templates, monkeypatch):
    monkeypatch.setattr("onestop.core.clock.now", lambda: NIGHT_IN_PARIS)
    morning = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 in Paris

    [notification] = _acknowledge()

    assert notification.not_before == morning
    assert [_run_after(task) for task in _tasks()] == [morning]


def test_an_urgent_message_ignores_quiet_hours(sign_in_templates, monkeypatch):
    monkeypatch.setattr("onestop.core.clock.now", lambda: NIGHT_IN_PARIS)

    [notification] = _acknowledge(kind="sign_in_code", context=SIGN_IN)

    assert (notification.is_urgent, notification.not_before) == (True, None)
    assert [_run_after(task) for task in _tasks()] == [None]


def test_preferences_choose_language_and_channels(acknowledged_templates, at_noon):
    services.recipient_preference_set(
        actor="test", contact="amina@example.org", channels=["sms", "email"], language="fr"
    )

    # when: the phone channel cannot reach an e-mail address, so only e-mail is used
    [notification] = _acknowledge(recipient="amina@example.org", language="en")

    # then
    assert (notification.channel, notification.language) == ("email", "fr")
    assert notification.subject == "[fr] About 7K3D-9QX2-M4"
    assert notification.body_text == "[fr] Plain 7K3D-9QX2-M4."
    assert '<html lang="fr" dir="ltr">' in notification.body_html
    assert "<p>[fr] Html 7K3D-9QX2-M4.</p>" in notification.body_html


def test_opted_out_recipients_get_essential_messages_only(country, at_noon):
    templates_for("feedback_requested", is_essential=False)
    templates_for("sign_in_code", is_urgent=True)
    services.recipient_preference_set(actor="test", contact=PHONE, is_non_essential_opted_out=True)
    before = _snapshot()
    feedback = {
        "recipient_name": "Amina",
        "tracking_number": "7K3D",
        "service_name": "Birth certificate",
        "feedback_url": "https://x.example/f",
    }

    skipped = _acknowledge(kind="feedback_requested", context=feedback, idempotency_key="f1")
    assert skipped == []
    assert _snapshot() == before

    [sent] = _acknowledge(kind="sign_in_code", context=SIGN_IN, idempotency_key="s1")
    assert sent.kind == "sign_in_code"


def test_a_person_also_gets_the_message_in_the_portal_inbox(acknowledged_templates, at_noon):
    sms, inbox = sorted(_acknowledge(person="person-42"), key=lambda n: n.channel != "sms")

    services.notification_deliver(notification_id=str(inbox.pk))

    assert (sms.channel, inbox.channel) == ("sms", "inbox")
    assert [n.subject for n in selectors.inbox_list(person="person-42")] == ["Inbox 7K3D-9QX2-M4"]
    assert selectors.inbox_list(person="person-43").count() == 0
    assert selectors.inbox_unread_count(person="person-42") == 1
    services.inbox_message_read(actor="person-42", person="person-42", notification_id=inbox.pk)
    assert selectors.inbox_unread_count(person="person-42") == 0
    with pytest.raises(NotFound):
        services.inbox_message_read(actor="x", person="person-43", notification_id=inbox.pk)


def test_delivery_through_the_development_provider_sends_once(acknowledged_templates, at_noon):
    [notification] = _acknowledge()

    first = services.notification_deliver(notification_id=str(notification.pk))
    second = services.notification_deliver(notification_id=str(notification.pk))

    [stored] = DevelopmentMessage.objects.all()
    assert (stored.recipient, stored.body_text) == (PHONE, "Ref 7K3D-9QX2-M4.")
    assert stored.idempotency_key == str(notification.pk)
    assert (first.status, first.provider, first.attempts) == ("sent", "development", 1)
    assert (second.status, second.attempts) == ("sent", 1)
    assert [row.status for row in notification.log.all()] == ["queued", "sent"]
    assert list(selectors.development_outbox_list()) == [stored]


def test_a_task_that_runs_during_quiet_hours_sends_nothing_and_comes_back(
    acknowledged_templates, monkeypatch
):
    monkeypatch.setattr("onestop.core.clock.now", lambda: NIGHT_IN_PARIS)
    [notification] = _acknowledge()

    result = services.notification_deliver(notification_id=str(notification.pk))

    assert (result.status, result.attempts) == ("queued", 0)
    assert DevelopmentMessage.objects.count() == 0
    assert [_run_after(task) for task in _tasks()] == [notification.not_before] * 2


def test_a_message_held_by_another_worker_is_not_sent_again(acknowledged_templates, at_noon):
    [notification] = _acknowledge()
    Notification.objects.filter(pk=notification.pk).update(
        claimed_until=at_noon + timedelta(seconds=60)
    )

    result = services.notification_deliver(notification_id=str(notification.pk))

    assert (result.status, DevelopmentMessage.objects.count()) == ("queued", 0)
    assert _run_after(_tasks()[-1]) == at_noon + timedelta(seconds=60)


def test_provider_reports_are_recorded_once(acknowledged_templates, at_noon):
    [notification] = _acknowledge()
    services.notification_deliver(notification_id=str(notification.pk))

    delivered, changed = services.notification_status_record(
        notification_id=str(notification.pk), status="delivered"
    )
    events = DomainEvent.objects.count()
    again, changed_again = services.notification_status_record(
        notification_id=str(notification.pk), status="delivered"
    )

    assert (delivered.status, changed, changed_again) == ("delivered", True, False)
    assert DomainEvent.objects.count() == events
    assert [row.status for row in notification.log.all()] == ["queued", "sent", "delivered"]
    with pytest.raises(Conflict):
        services.notification_status_record(
            notification_id=str(notification.pk), status="failed", reason="late"
        )
    assert Notification.objects.get().status == "delivered"


@pytest.mark.parametrize("notification_id", ["0190f5a6-0000-7000-8000-000000000000", "nonsense"])
def test_a_report_for_an_unknown_message_is_not_found(db, notification_id):
    with pytest.raises(NotFound):
        services.notification_status_record(notification_id=notification_id, status="delivered")


def test_an_event_asking_for_a_message_queues_it_once(acknowledged_templates, at_noon):
    services.notification_request_record(
        actor="officer-1",
        kind="application_acknowledged",
        recipient=PHONE,
        context=ACKNOWLEDGED,
        entity_type="applications.application",
        entity_id="app-1",
    )
    event = DomainEvent.objects.get(name="notifications.requested")

    first = services.notification_request_for_event(event=event)
    second = services.notification_request_for_event(event=event)

    assert [n.pk for n in first] == [n.pk for n in second]
    assert first[0].request_key == f"event:{event.pk}"
    assert Notification.objects.count() == 1
