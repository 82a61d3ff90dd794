"""The SLA watch's staff e-mails, delivered through a real SMTP server (aiosmtpd)."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from conftest import clock_freeze
from onestop.applications.models import AgencyTask
from onestop.applications.sla import sla_sweep
from onestop.applications.staff_alerts import escalation_alert, sla_warning_alert
from onestop.applications.workflow import task_claim
from onestop.core import dispatch
from onestop.core.models import DomainEvent, EventDelivery
from onestop.notifications import services
from onestop.notifications.models import Notification
from onestop.notifications.tests.test_smtp import smtp_server  # noqa: F401 - pytest fixture
from onestop.staff.roles import Role

from .factories import agency_get_or_make, application_make, service_version_make, staff_make

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday; 10:00 in the pack's time zone


def _with_email(user, email, full_name=""):
    user.email = email
    user.first_name, _, user.last_name = full_name.partition(" ")
    user.save()
    return user


@pytest.fixture
def watched(demo_pack_loaded, monkeypatch):
    clock = clock_freeze(monkeypatch, START)
    agency = agency_get_or_make("civil")
    version = service_version_make(agency=agency, code="birth")
    _with_email(staff_make("chief", Role.SUPERVISOR, agency), "chief@civil.example", "Nadia Chef")
    _with_email(staff_make("deputy", Role.SUPERVISOR, agency), "deputy@Civil.example")
    staff_make("no-mail", Role.SUPERVISOR, agency)
    elsewhere = staff_make("elsewhere", Role.SUPERVISOR, agency_get_or_make("roads"))
    _with_email(elsewhere, "elsewhere@roads.example")
    officer = _with_email(
        staff_make("officer", Role.AGENCY_OFFICER, agency), "officer@civil.example", "Omar Ali"
    )
    services.recipient_preference_set(actor="test", contact="deputy@civil.example", language="fr")
    application = application_make(
        versions=[version], warn_in=timedelta(days=7), due_in=timedelta(days=10)
    )
    task = AgencyTask.objects.get(application=application)
    task_claim(actor=officer, task_id=task.pk)
    return clock, task


def _deliver_all() -> None:
    """What the worker does: run the staff-alert deliveries, then send the queued e-mails."""
    for delivery in EventDelivery.objects.filter(
        status="pending", subscriber_name__startswith="applications.staff_alert"
    ):
        assert dispatch.delivery_run(delivery_id=delivery.id) == "succeeded"
    for notification in Notification.objects.filter(status="queued", channel="email"):
        services.notification_deliver(notification_id=str(notification.pk))


def _inbox(messages):
    # Django folds a non-ASCII subject onto a continuation line; the parser keeps its space.
    return sorted(
        (recipients[0], message["Subject"].strip(), message.get_body(("plain",)).get_content())
        for recipients, message in messages
    )


def test_the_officer_is_warned_and_the_supervisors_told_of_the_breach_by_email(
    watched,
    smtp_server,  # noqa: F811
    caplog,
):
    clock, task = watched
    mailbox = smtp_server()
    number = task.application.tracking_number

    # past the warning share: the officer, and only the officer, is written to
    clock.advance(days=7, hours=1)
    sla_sweep()
    _deliver_all()
    [(to, subject, text)] = _inbox(mailbox.messages)
    assert to == "officer@civil.example"
    assert subject == f"Deadline approaching: {number} is due on 2026-03-12"
    assert text.startswith("Hello Omar Ali,")
    assert f"/console/tasks/{task.pk}/" in text

    # past the deadline: each supervisor of the agency with an address, in their language
    clock.advance(days=3)
    with caplog.at_level(logging.WARNING, logger="onestop.applications.staff_alerts"):
        sla_sweep()
        _deliver_all()
    escalations = _inbox(mailbox.messages[1:])
    assert [(to, subject) for to, subject, _ in escalations] == [
        ("chief@civil.example", f"Deadline missed: {number} was due on 2026-03-12"),
        ("deputy@civil.example", f"Échéance dépassée : {number} devait être traité le 2026-03-12"),
    ]
    assert escalations[0][2].startswith("Hello Nadia Chef,")
    no_mail = get_user_model().objects.get(username="no-mail")
    assert [
        record.getMessage()
        for record in caplog.records
        if record.name == "onestop.applications.staff_alerts"
    ] == [
        f"staff alert task_escalated for task {task.pk} skipped: staff user {no_mail.pk} has "
        "no usable e-mail address"
    ]


def test_a_second_run_and_a_redelivered_event_send_nothing_more(
    watched,
    smtp_server,  # noqa: F811
):
    clock, _task = watched
    mailbox = smtp_server()
    clock.advance(days=10, hours=1)
    sla_sweep()
    _deliver_all()
    sent = len(mailbox.messages)

    sla_sweep()
    sla_warning_alert(DomainEvent.objects.get(name="task.sla_warning"))
    escalation_alert(DomainEvent.objects.get(name="task.escalated"))
    _deliver_all()

    assert sent == 3  # the officer's warning, the two supervisors' escalations
    assert len(mailbox.messages) == 3
    assert Notification.objects.filter(kind__startswith="task_").count() == 3


def test_an_unassigned_task_warns_nobody_by_email(watched):
    clock, task = watched
    AgencyTask.objects.filter(pk=task.pk).update(assignee=None)

    clock.advance(days=7, hours=1)
    sla_sweep()
    _deliver_all()

    assert DomainEvent.objects.get(name="task.sla_warning").payload["assignee"] == ""
    assert not Notification.objects.filter(kind="task_sla_warning").exists()
