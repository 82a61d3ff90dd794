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
from onestop.staff.models import StaffRole
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
def queued(demo_pack_loaded, monkeypatch):
    """A task in the civil agency's queue, nobody has claimed it yet."""
    clock = clock_freeze(monkeypatch, START)
    agency = agency_get_or_make("civil")
    version = service_version_make(agency=agency, code="birth")
    _with_email(staff_make("chief", Role.SUPERVISOR, agency), "chief@civil.example", "Nadia Chef")
    _with_email(staff_make("deputy", Role.SUPERVISOR, agency), "deputy@Civil.example")
    staff_make("no-mail", Role.SUPERVISOR, agency)
    elsewhere = staff_make("elsewhere", Role.SUPERVISOR, agency_get_or_make("roads"))
    _with_email(elsewhere, "elsewhere@roads.example")
    _with_email(
        staff_make("officer", Role.AGENCY_OFFICER, agency), "officer@civil.example", "Omar Ali"
    )
    services.recipient_preference_set(actor="test", contact="deputy@civil.example", language="fr")
    application = application_make(
        versions=[version], warn_in=timedelta(days=7), due_in=timedelta(days=10)
    )
    return clock, AgencyTask.objects.get(application=application)


@pytest.fixture
def watched(queued):
    clock, task = queued
    task_claim(actor=get_user_model().objects.get(username="officer"), task_id=task.pk)
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


def _alert_logs(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "onestop.applications.staff_alerts"
    ]


def test_an_unclaimed_task_warns_each_supervisor_of_its_agency_by_email(
    queued,
    smtp_server,  # noqa: F811
    caplog,
):
    clock, task = queued
    mailbox = smtp_server()
    number = task.application.tracking_number

    clock.advance(days=7, hours=1)
    with caplog.at_level(logging.INFO, logger="onestop.applications.staff_alerts"):
        sla_sweep()
        _deliver_all()

    payload = DomainEvent.objects.get(name="task.sla_warning").payload
    assert (payload["assignee"], payload["supervisors"]) == (
        "",
        ["staff:chief", "staff:deputy", "staff:no-mail"],
    )
    # the civil agency's supervisors with an address, each in their language; not the officer,
    # not the roads agency's supervisor
    warnings = _inbox(mailbox.messages)
    assert [(to, subject) for to, subject, _ in warnings] == [
        ("chief@civil.example", f"Unclaimed task: {number} is due on 2026-03-12"),
        (
            "deputy@civil.example",
            f"Tâche non prise en charge : {number} doit être traité d'ici le 2026-03-12",
        ),
    ]
    chief_text, deputy_text = warnings[0][2], warnings[1][2]
    assert chief_text.startswith("Hello Nadia Chef,")
    assert "nobody has claimed it yet" in chief_text
    assert "assigned to you" not in chief_text
    assert f"/console/tasks/{task.pk}/" in chief_text
    assert "personne ne l'a encore prise en charge" in deputy_text
    assert set(Notification.objects.values_list("kind", flat=True)) == {"task_unclaimed_warning"}
    no_mail = get_user_model().objects.get(username="no-mail")
    assert _alert_logs(caplog) == [
        f"staff alert task_unclaimed_warning for task {task.pk} skipped: staff user {no_mail.pk} "
        "has no usable e-mail address"
    ]


def test_a_task_claimed_after_its_warning_still_has_the_supervisors_told_once(
    queued,
    smtp_server,  # noqa: F811
):
    clock, task = queued
    mailbox = smtp_server()
    clock.advance(days=7, hours=1)
    sla_sweep()
    task_claim(actor=get_user_model().objects.get(username="officer"), task_id=task.pk)
    _deliver_all()
    told = sorted(recipients[0] for recipients, _message in mailbox.messages)

    sla_sweep()
    sla_warning_alert(DomainEvent.objects.get(name="task.sla_warning"))
    _deliver_all()

    assert told == ["chief@civil.example", "deputy@civil.example"]
    assert len(mailbox.messages) == 2
    assert Notification.objects.filter(kind__startswith="task_").count() == 2
    assert DomainEvent.objects.filter(name="task.sla_warning").count() == 1


def _roles_end(clock):
    StaffRole.objects.filter(role=Role.SUPERVISOR, agency__code="civil").update(
        valid_until=clock.now()
    )


def _accounts_close(clock):
    get_user_model().objects.filter(username__in=["chief", "deputy", "no-mail"]).update(
        is_active=False
    )


@pytest.mark.parametrize(
    ("change", "is_after_the_warning", "supervisors_named"),
    [
        pytest.param(_roles_end, False, [], id="roles ended before the warning"),
        pytest.param(_accounts_close, False, [], id="accounts closed before the warning"),
        pytest.param(
            _accounts_close,
            True,
            ["staff:chief", "staff:deputy", "staff:no-mail"],
            id="accounts closed between the warning and its delivery",
        ),
    ],
)
def test_an_unclaimed_task_of_an_agency_without_active_supervisors_warns_nobody(
    queued,
    smtp_server,  # noqa: F811
    caplog,
    change,
    is_after_the_warning,
    supervisors_named,
):
    clock, task = queued
    mailbox = smtp_server()
    clock.advance(days=7, hours=1)

    with caplog.at_level(logging.INFO, logger="onestop.applications.staff_alerts"):
        if not is_after_the_warning:
            change(clock)
        sla_sweep()
        if is_after_the_warning:
            change(clock)
        _deliver_all()

    payload = DomainEvent.objects.get(name="task.sla_warning").payload
    assert payload["supervisors"] == supervisors_named
    assert mailbox.messages == []
    assert not Notification.objects.exists()
    assert _alert_logs(caplog) == [
        f"staff alert task_unclaimed_warning for task {task.pk} not sent: agency civil has no "
        "active supervisor"
    ]
