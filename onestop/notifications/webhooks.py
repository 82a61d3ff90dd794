"""The SMS operator's signed delivery-status callback: POST /webhooks/sms/status.

Body: {"id": "<notification id>", "status": "delivered" | "failed", "reason": "…"}, signed like
our requests to the operator (X-Onestop-Signature: sha256=<HMAC-SHA256 of the raw body>).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onestop.core.errors import DomainError

from . import services
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


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)
