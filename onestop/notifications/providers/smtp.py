"""E-mail over SMTP: a plain-text part and an HTML part, with a Message-ID derived from the
notification so a receiving system can drop a copy resent after a lost acknowledgement."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from .base import OutgoingMessage, PermanentFailure, SendResult, TemporaryFailure

IDEMPOTENCY_HEADER = "X-Onestop-Idempotency-Key"


class SmtpProvider:
    name = "smtp"

    def send(self, message: OutgoingMessage) -> SendResult:
        message_id = f"<{message.idempotency_key}@{_domain()}>"
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=getattr(settings, "ONESTOP_EMAIL_FROM", "onestop@localhost"),
            to=[message.recipient],
            headers={"Message-ID": message_id, IDEMPOTENCY_HEADER: message.idempotency_key},
            connection=_connection(),
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise _refused(error) from error
        except smtplib.SMTPResponseException as error:
            failure = PermanentFailure if 500 <= error.smtp_code < 600 else TemporaryFailure
            raise failure(f"SMTP {error.smtp_code}: {_text(error.smtp_error)}") from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"SMTP server unreachable: {error}") from error
        return SendResult(provider_message_id=message_id)


def _connection():  # type: ignore[no-untyped-def]
    return get_connection(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=getattr(settings, "ONESTOP_SMTP_HOST", "localhost"),
        port=getattr(settings, "ONESTOP_SMTP_PORT", 25),
        username=getattr(settings, "ONESTOP_SMTP_USER", ""),
        password=getattr(settings, "ONESTOP_SMTP_PASSWORD", ""),
        use_tls=getattr(settings, "ONESTOP_SMTP_STARTTLS", False),
        timeout=getattr(settings, "ONESTOP_SMTP_TIMEOUT", 10),
        fail_silently=False,
    )


def _domain() -> str:
    sender = getattr(settings, "ONESTOP_EMAIL_FROM", "onestop@localhost")
    return sender.rpartition("@")[2].strip(">") or "localhost"


def _refused(error: smtplib.SMTPRecipientsRefused) -> Exception:
    code, text = next(iter(error.recipients.values()))
    failure = PermanentFailure if 500 <= code < 600 else TemporaryFailure
    return failure(f"SMTP {code}: {_text(text)}")


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
