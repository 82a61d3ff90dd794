"""An operator's HTTP SMS gateway: JSON over HTTPS, signed with HMAC-SHA256, carrying the
notification id as the idempotency key so a retried request is accepted once."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
from django.conf import settings

from .base import OutgoingMessage, PermanentFailure, SendResult, TemporaryFailure

SIGNATURE_HEADER = "X-Onestop-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(secret: str, body: bytes, given: str) -> bool:
    return bool(secret) and hmac.compare_digest(signature(secret, body), given)


class HttpSmsProvider:
    name = "http_sms"

    def send(self, message: OutgoingMessage) -> SendResult:
        body = json.dumps(
            {
                "id": message.idempotency_key,
                "to": message.recipient,
                "text": message.body_text,
                "sender": getattr(settings, "ONESTOP_SMS_SENDER", "onestop"),
            },
            ensure_ascii=False,
        ).encode()
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: message.idempotency_key,
            SIGNATURE_HEADER: signature(getattr(settings, "ONESTOP_SMS_GATEWAY_SECRET", ""), body),
        }
        try:
            response = httpx.post(
                getattr(settings, "ONESTOP_SMS_GATEWAY_URL", ""),
                content=body,
                headers=headers,
                timeout=getattr(settings, "ONESTOP_SMS_GATEWAY_TIMEOUT", 10),
            )
        except httpx.HTTPError as error:
            raise TemporaryFailure(f"gateway unreachable: {error}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise TemporaryFailure(f"gateway answered {response.status_code}")
        if response.status_code >= 400:
            raise PermanentFailure(
                f"gateway refused the message ({response.status_code}): {_reason(response)}"
            )
        return SendResult(provider_message_id=_message_id(response, message.idempotency_key))


def _reason(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", response.text))[:500]
    except ValueError:
        return response.text[:500]


def _message_id(response: httpx.Response, fallback: str) -> str:
    try:
        return str(response.json().get("message_id") or fallback)
    except ValueError:
        return fallback
