"""Text messages people send to the platform's number, answered by SMS.

`STATUS <tracking number>` (or its translation: each language's catalog translates the keyword
in the context "SMS command") asks where an application stands. The answer comes from the
tracking-number resolvers registered here; until applications exist none is, so every number
is "not found". Anything else gets a short help text naming the keyword.

The reply is in the keyword's language, else the sender's preferred one, else the country's
default. The operator's message id is the reply's idempotency key: a webhook delivered twice
answers once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onestop.core import clock
from onestop.core.contacts import pack_region, phone_normalise
from onestop.core.events import event_record

from .models import Channel, DeliveryLog, Notification, RecipientPreference, Status
from .services import default_language
from .sms import sms_count
from .tasks import notification_deliver_task

REPLY_KIND = "sms_reply"
CROCKFORD = frozenset("0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U")  # with the check symbols
LONGEST_NUMBER = 20
EXAMPLE_NUMBER = "7K3D9QX21E"  # a valid number: its last symbol is the check symbol


class TrackingResolver(Protocol):
    """Answers `STATUS <number>` for the applications of one domain: the reply text in the
    active language, or None when the number is unknown or not the sender's (the same answer,
    so a stranger learns nothing). `phone` is the sender's E.164 number: the second factor."""

    def __call__(self, *, tracking_number: str, phone: str) -> str | None: ...


_resolvers: list[TrackingResolver] = []


def tracking_resolver_register(resolver: TrackingResolver) -> TrackingResolver:
    """Register a resolver (usable as a decorator); registering it again changes nothing."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)
    return resolver


def tracking_resolver_unregister(resolver: TrackingResolver) -> None:
    if resolver in _resolvers:
        _resolvers.remove(resolver)


def tracking_number_normalise(value: str) -> str:
    """Crockford base32 as people type it: any case, hyphens and spaces, I or L for 1, O for 0,
    and digits of any script (Arabic-Indic included)."""
    characters = [
        str(unicodedata.decimal(c)) if c.isdecimal() else c
        for c in unicodedata.normalize("NFKC", value)
        if not c.isspace() and c not in "-‐‑–—"
    ]
    return "".join(characters).upper().translate(str.maketrans("ILO", "110"))


def status_keywords() -> dict[str, str | None]:
    """Each served language's STATUS keyword, case-folded, with its language; the English one
    is understood even when English is not served (its language is then unknown)."""
    served = [code for code, _name in settings.LANGUAGES]
    keywords: dict[str, str | None] = {"status": "en" if "en" in served else None}
    for language in served:
        with translation.override(language):
            keywords.setdefault(pgettext("SMS command", "STATUS").casefold(), language)
    return keywords


@dataclass(frozen=True)
class SmsCommand:
    """`name` is "status" or "help"; `language` is the keyword's, when one was recognised."""

    name: str
    language: str | None = None
    tracking_number: str = ""


def sms_command_parse(text: str) -> SmsCommand:
    words = unicodedata.normalize("NFKC", text).split()
    keywords = status_keywords()
    if not words or words[0].casefold() not in keywords:
        return SmsCommand("help")
    language = keywords[words[0].casefold()]
    number = tracking_number_normalise("".join(words[1:]))
    return SmsCommand("status" if number else "help", language, number)


@dataclass(frozen=True)
class InboundResult:
    reply: Notification
    is_new: bool


def sms_inbound_receive(*, message_id: str, sender: str, text: str) -> InboundResult:
    """Answer one incoming SMS once. `sender` is parsed like any phone number (an invalid one
    is `InvalidInput` on the field "from"); a repeated `message_id` returns the first reply."""
    key = f"sms-inbound:{message_id}"
    existing = Notification.objects.filter(request_key=key).first()
    if existing is not None:
        return InboundResult(existing, False)
    phone = phone_normalise(sender, region=pack_region(), field="from")
    command = sms_command_parse(text)
    language = command.language or _preferred_language(phone)
    with translation.override(language):
        body = _reply_text(command, phone)
    return sms_reply_queue(
        actor=f"sms:{phone}",
        recipient=phone,
        text=body,
        language=language,
        request_key=key,
        context={"in_reply_to": message_id, "command": command.name},
    )


def _preferred_language(phone: str) -> str:
    served = {code for code, _name in settings.LANGUAGES}
    preference = RecipientPreference.objects.filter(contact=phone).first()
    if preference and preference.language in served:
        return preference.language
    default = default_language()
    return default if default in served else settings.LANGUAGE_CODE


def _reply_text(command: SmsCommand, phone: str) -> str:
    keyword = pgettext("SMS command", "STATUS")
    if command.name == "help":
        return _(
            "To follow an application, send %(keyword)s and its tracking number, "
            "e.g. %(keyword)s %(example)s."
        ) % {"keyword": keyword, "example": EXAMPLE_NUMBER}
    number = command.tracking_number
    if len(number) <= LONGEST_NUMBER and set(number) <= CROCKFORD:
        for resolver in list(_resolvers):
            answer = resolver(tracking_number=number, phone=phone)
            if answer:
                return answer
    return _(
        "We found no application with the number %(number)s. Check the number and try again."
    ) % {"number": number[:LONGEST_NUMBER]}


def sms_reply_queue(
    *,
    actor: str,
    recipient: str,
    text: str,
    language: str,
    request_key: str,
    context: dict[str, str],
) -> InboundResult:
    """Queue a free-text SMS answering someone who wrote to us. It is urgent (they are waiting)
    and essential (they asked), so neither quiet hours nor an opt-out hold it back."""
    now = clock.now()
    notification = Notification(
        request_key=request_key,
        idempotency_key=f"{request_key}:{Channel.SMS}",
        kind=REPLY_KIND,
        channel=Channel.SMS,
        language=language,
        recipient=recipient,
        context=context,
        body_text=text,
        segments=sms_count(text).segments,
        is_urgent=True,
        created_at=now,
        status_at=now,
    )
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
            DeliveryLog.objects.create(notification=notification, status=Status.QUEUED, at=now)
            _queued_event(notification, actor=actor)
            notification_deliver_task.enqueue(str(notification.pk))
    except IntegrityError:
        return InboundResult(Notification.objects.get(request_key=request_key), False)
    return InboundResult(notification, True)


def _queued_event(notification: Notification, *, actor: str) -> None:
    event_record(
        name="notifications.notification_queued",
        actor=actor,
        entity_type="notifications.notification",
        entity_id=str(notification.pk),
        payload={
            "kind": notification.kind,
            "channel": notification.channel,
            "attempts": 0,
            **notification.context,
        },
    )
