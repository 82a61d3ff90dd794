"""E-mail through a real SMTP server (aiosmtpd) that the test starts on a free port."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from onestop.notifications import services
from onestop.notifications.tests.conftest import ACKNOWLEDGED


class Mailbox:
    def __init__(self, refuse: str | None = None):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    def start(refuse=None):
        mailbox = Mailbox(refuse)
        port = _free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        settings.ONESTOP_EMAIL_PROVIDER = "smtp"
        settings.ONESTOP_SMTP_HOST = "127.0.0.1"
        settings.ONESTOP_SMTP_PORT = port
        settings.ONESTOP_EMAIL_FROM = "no-reply@onestop.example"
        return mailbox

    started: list[Controller] = []
    yield start
    for controller in started:
        controller.stop()


def _email_notification():
    [notification] = services.notification_request(
        actor="test",
        kind="application_acknowledged",
        recipient="amina@example.org",
        context={**ACKNOWLEDGED, "recipient_name": "Amina <Diallo>"},
        idempotency_key="app-1:ack",
    )
    return notification


def test_email_arrives_with_plain_text_and_html_parts(acknowledged_templates, at_noon, smtp_server):
    mailbox = smtp_server()
    notification = _email_notification()

    sent = services.notification_deliver(notification_id=str(notification.pk))

    [(recipients, message)] = mailbox.messages
    assert recipients == ["amina@example.org"]
    assert message["From"] == "no-reply@onestop.example"
    assert message["To"] == "amina@example.org"
    assert message["Subject"] == "About 7K3D-9QX2-M4"
    assert message["Message-ID"] == f"<{notification.pk}@onestop.example>"
    assert message["X-Onestop-Idempotency-Key"] == str(notification.pk)
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain.get_content() == "Plain 7K3D-9QX2-M4."
    assert "<p>Html 7K3D-9QX2-M4.</p>" in html.get_content()
    assert (sent.status, sent.provider, sent.provider_message_id) == (
        "sent",
        "smtp",
        f"<{notification.pk}@onestop.example>",
    )
    assert [row.status for row in sent.log.all()] == ["queued", "sent"]


def test_a_refused_recipient_fails_the_message_with_the_servers_reason(
    acknowledged_templates, at_noon, smtp_server
):
    mailbox = smtp_server(refuse="550 5.1.1 No such mailbox")
    notification = _email_notification()

    failed = services.notification_deliver(notification_id=str(notification.pk))

    assert mailbox.messages == []
    assert failed.status == "failed"
    assert failed.log.last().reason == "SMTP 550: 5.1.1 No such mailbox"


def test_an_unreachable_server_means_a_retry_later(acknowledged_templates, at_noon, settings):
    settings.ONESTOP_EMAIL_PROVIDER = "smtp"
    settings.ONESTOP_SMTP_HOST = "127.0.0.1"
    settings.ONESTOP_SMTP_PORT = _free_port()
    notification = _email_notification()

    queued = services.notification_deliver(notification_id=str(notification.pk))

    assert (queued.status, queued.attempts) == ("queued", 1)
    assert queued.log.last().reason.startswith("attempt 1 failed: SMTP server unreachable")
