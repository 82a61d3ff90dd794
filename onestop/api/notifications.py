"""Notifications for trusted agency systems: send a message, read its status. Each key acts
for its own agency only; another agency's message is answered as missing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Body, Field, Header, Router, Schema, Status

from onestop.core.contacts import email_normalise, pack_region, phone_normalise
from onestop.core.errors import InvalidInput
from onestop.integrations.models import ApiKey, ApiScope
from onestop.notifications import selectors, services
from onestop.notifications.kinds import KINDS
from onestop.notifications.models import Notification

from .auth import ApiKeyAuth, api_key_actor
from .schemas import ErrorOut

router = Router(tags=["notifications"])

Kind = Literal[tuple(KINDS)]  # type: ignore[valid-type]
Channel = Literal["sms", "email", "inbox"]
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
KEY_HELP = (
    "Your own text, unique per message, repeated only to retry the same request; the header "
    "Idempotency-Key or the field idempotency_key."
)


class RecipientIn(Schema):
    phone: str | None = Field(None, max_length=40, description="Any common form; stored E.164.")
    email: str | None = Field(None, max_length=254)
    person: str | None = Field(
        None, max_length=100, description="Also into this person's portal inbox."
    )


KIND_BODY = Body(...)
RECIPIENT_BODY = Body(...)
CONTEXT_BODY = Body(default_factory=dict, description="Exactly the variables of the kind.")
CHANNELS_BODY = Body(None, description="Default: the recipient's preferences, else SMS or e-mail.")


class DeliveryLogOut(Schema):
    status: str
    at: datetime
    reason: str


class NotificationOut(Schema):
    id: str
    kind: str
    channel: str
    language: str
    recipient: str
    person: str
    status: str
    status_at: datetime
    created_at: datetime
    not_before: datetime | None
    attempts: int
    segments: int
    url: str
    log: list[DeliveryLogOut]


class NotificationSentOut(Schema):
    idempotency_key: str
    notifications: list[NotificationOut]


def _errors(*codes: int) -> dict[int, Any]:
    return {code: ErrorOut for code in (401, 403, *codes)}


@router.post(
    "/notifications",
    auth=ApiKeyAuth(ApiScope.NOTIFICATIONS_SEND),
    response={200: NotificationSentOut, 201: NotificationSentOut, **_errors(404, 409, 422)},
    url_name="notification_send",
    operation_id="notification_send",
    summary="Send a notification",
    description=(
        "Queues the message on each channel (scope `notifications:send`). A retry with the same "
        "idempotency key answers 200 with the messages first queued and queues nothing more."
    ),
)
def notification_send(
    request: HttpRequest,
    kind: Kind = KIND_BODY,  # type: ignore[valid-type]
    recipient: RecipientIn = RECIPIENT_BODY,
    context: dict[str, str | int] = CONTEXT_BODY,
    channels: list[Channel] | None = CHANNELS_BODY,
    language: str | None = Body(None, max_length=10),
    idempotency_key: str | None = Body(
        None, min_length=1, max_length=100, pattern=PRINTABLE, description=KEY_HELP
    ),
    idempotency_header: str | None = Header(
        None, alias="Idempotency-Key", max_length=100, pattern=PRINTABLE, description=KEY_HELP
    ),
) -> Status[dict[str, Any]]:
    """Separate body parameters (not one schema) so that errors name `kind`, `recipient.phone`…
    rather than a parameter's name."""
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]
    key = _idempotency_key(idempotency_header, idempotency_key)
    field, address = _recipient(recipient)
    chosen_language = _language(language)
    request_key = f"agency:{api_key.owner_code}:{key}"
    is_retry = selectors.notification_list_for_request(request_key=request_key).exists()
    try:
        services.notification_request(
            actor=api_key_actor(api_key),
            kind=kind,
            recipient=address,
            context=context,
            idempotency_key=request_key,
            channels=channels,
            language=chosen_language,
            agency=api_key.owner_code,
            person=recipient.person or "",
        )
    except InvalidInput as error:
        details = {k: v for k, v in error.details.items() if k not in ("field", "errors")}
        raise _invalid(error.details.get("field") or field, error.message, **details) from error
    rows = selectors.notification_list_for_request(request_key=request_key)
    body = {"idempotency_key": key, "notifications": [_out(row) for row in rows]}
    return Status(200 if is_retry else 201, body)


@router.get(
    "/notifications/{notification_id}",
    auth=ApiKeyAuth(ApiScope.NOTIFICATIONS_READ),
    response={200: NotificationOut, **_errors(404, 422)},
    url_name="notification_get",
    operation_id="notification_get",
    summary="Read a notification's status and delivery log",
    description="Scope `notifications:read`; only the key's own agency's messages.",
)
def notification_get(request: HttpRequest, notification_id: uuid.UUID) -> dict[str, Any]:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]
    notification = selectors.notification_get_for_agency(
        notification_id=str(notification_id), agency=api_key.owner_code
    )
    return _out(notification)


def _idempotency_key(header: str | None, field: str | None) -> str:
    if header and field and header != field:
        raise _invalid(
            "Idempotency-Key",
            "The Idempotency-Key header and the idempotency_key field differ; send one of them.",
            location="header",
        )
    key = header or field
    if not key:
        raise _invalid(
            "idempotency_key",
            "Send an Idempotency-Key header (or an idempotency_key field): a text of your own, "
            "unique per message, that you repeat only to retry the same request.",
        )
    return key


def _recipient(recipient: RecipientIn) -> tuple[str, str]:
    """(the field named in errors, the normalised address)."""
    if bool(recipient.phone) == bool(recipient.email):
        raise _invalid(
            "recipient",
            "Give either recipient.phone or recipient.email (one request per address), "
            "optionally with recipient.person.",
        )
    if recipient.phone:
        field = "recipient.phone"
        return field, _checked(phone_normalise, recipient.phone, field, region=pack_region())
    field = "recipient.email"
    return field, _checked(email_normalise, recipient.email or "", field)


def _checked(normalise: Any, value: str, field: str, **options: Any) -> str:
    try:
        return str(normalise(value, field=field, **options))
    except InvalidInput as error:
        raise _invalid(field, error.message) from error


def _language(language: str | None) -> str | None:
    served = [code for code, _name in settings.LANGUAGES]
    if language and language not in served:
        raise _invalid("language", f"language must be one of {', '.join(served)}.")
    return language or None


def _invalid(field: str, message: str, *, location: str = "body", **extra: Any) -> InvalidInput:
    """The shape of the API's other validation errors: one entry per field, with its fix."""
    return InvalidInput(
        message,
        field=field,
        errors=[{"field": field, "location": location, "message": message}],
        **extra,
    )


def _out(notification: Notification) -> dict[str, Any]:
    return {
        "id": str(notification.pk),
        "kind": notification.kind,
        "channel": notification.channel,
        "language": notification.language,
        "recipient": notification.recipient,
        "person": notification.person,
        "status": notification.status,
        "status_at": notification.status_at,
        "created_at": notification.created_at,
        "not_before": notification.not_before,
        "attempts": notification.attempts,
        "segments": notification.segments,
        "url": reverse("api:notification_get", args=[notification.pk]),
        "log": [
            {"status": row.status, "at": row.at, "reason": row.reason}
            for row in notification.log.all()
        ],
    }
