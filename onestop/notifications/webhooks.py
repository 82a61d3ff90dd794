"""The SMS operator's signed callbacks: delivery reports (POST /webhooks/sms/status) and
messages people send to our number (POST /webhooks/sms/inbound, see `inbound`).

A report's body: {"id": "<notification id>", "status": "delivered" | "failed", "reason": "…"},
signed like our requests to the operator (X-Onestop-Signature: sha256=<HMAC-SHA256 of the raw body>).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onestop.core.errors import DomainError

from . import inbound, services
from .providers.http_sms import SIGNATURE_HEADER, signature_is_valid


def _secret() -> str:
    return getattr(settings, "ONESTOP_SMS_CALLBACK_SECRET", "") or getattr(
        settings, "ONESTOP_SMS_GATEWAY_SECRET", ""
    )


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest) -> JsonResponse:
    if not signature_is_valid(_secret(), request.body, request.headers.get(SIGNATURE_HEADER, "")):
        return _error(403, "bad_signature", "The signature does not match the body.")
    try:
        report = json.loads(request.body)
        notification_id, status = str(report["id"]), str(report["status"])
    except (ValueError, KeyError, TypeError):
        return _error(400, "bad_request", 'Send JSON with "id" and "status".')
    try:
        notification, changed = services.notification_status_record(
            notification_id=notification_id,
            status=status,
            reason=str(report.get("reason", ""))[:1000],
            actor="provider:http_sms",
        )
    except DomainError as error:
        return _error(error.status, error.code, error.message)
    return JsonResponse(
        {"id": str(notification.pk), "status": notification.status, "changed": changed}
    )


def _error(status: int, code: str, message: str, *, field: str | None = None) -> JsonResponse:
    body = {"code": code, "message": message}
    if field:
        body["field"] = field
    return JsonResponse(body, status=status)


INBOUND_FIELDS = ("id", "from", "text")
MESSAGE_ID_MAX = 200


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> JsonResponse:
    """An SMS someone sent to our number: POST /webhooks/sms/inbound with
    {"id": "<operator's message id>", "from": "+…", "text": "…"}, signed like delivery reports.
    Answered once per message id, by an SMS reply queued through the notifications service."""
    if not signature_is_valid(_secret(), request.body, request.headers.get(SIGNATURE_HEADER, "")):
        return _error(403, "bad_signature", "The signature does not match the body.")
    try:
        message = json.loads(request.body)
    except ValueError:
        message = None
    if not isinstance(message, dict):
        return _error(400, "bad_request", 'Send a JSON object with "id", "from" and "text".')
    for field in INBOUND_FIELDS:
        value = message.get(field)
        if not isinstance(value, str) or (field != "text" and not value.strip()):
            return _error(400, "bad_request", f'"{field}" must be a text.', field=field)
    if len(message["id"]) > MESSAGE_ID_MAX:
        return _error(
            400, "bad_request", f'"id" must be at most {MESSAGE_ID_MAX} characters.', field="id"
        )
    try:
        result = inbound.sms_inbound_receive(
            message_id=message["id"], sender=message["from"], text=message["text"]
        )
    except DomainError as error:
        status = 400 if error.status == 422 else error.status
        return _error(status, error.code, error.message, field=error.details.get("field"))
    reply = result.reply
    return JsonResponse(
        {
            "in_reply_to": message["id"],
            "reply": {
                "id": str(reply.pk),
                "language": reply.language,
                "text": reply.body_text,
                "status": reply.status,
            },
            "repeated": not result.is_new,
        }
    )
