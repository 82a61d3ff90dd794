"""Citizen sign-in by a one-time code sent to a phone or an e-mail address, or by a national
e-ID whose provider vouches for the national ID (`citizen_sign_in_oidc`).

The answer to a code request is the same whether the contact has an account, was refused by the
rate limit or got a code, so the page tells an attacker nothing. Codes are six random digits,
kept only as an HMAC bound to their challenge, tried at most five times and used once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.db import transaction
from django.db.models import F

from onestop.core import clock
from onestop.core.contacts import email_normalise, pack_region, phone_normalise
from onestop.core.errors import InvalidInput, NotFound
from onestop.core.events import event_record
from onestop.core.ids import new_id
from onestop.notifications.models import Notification
from onestop.notifications.services import inbox_message_read, notification_request
from onestop.people.identifiers import identifier_clean, identifier_mask
from onestop.people.selectors import person_get

from .models import CitizenAccount, SignInChallenge
from .selectors import person_keys

CODE_DIGITS = 6
CODE_VALID = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RATE_WINDOW = timedelta(minutes=15)
MAX_CODES_PER_WINDOW = 3
ACTOR = "portal:sign-in"
CHANNELS = {"phone": "sms", "email": "email"}
CONTACT_MAX_LENGTH = 140  # the username "citizen:<contact>" must fit Django's 150 characters


def contact_clean(value: str) -> tuple[str, str]:
    """("phone" | "email", the normalised contact); bad input names the field `contact`."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput("Write a phone number or an e-mail address.", field="contact")
    if len(value) > CONTACT_MAX_LENGTH:
        raise InvalidInput(
            f"Use at most {CONTACT_MAX_LENGTH} characters for the contact.", field="contact"
        )
    if "@" in value:
        return "email", email_normalise(value, field="contact").lower()
    return "phone", phone_normalise(value, region=pack_region(), field="contact")


def contact_mask(contact: str) -> str:
    """What events and logs may show of a contact: +33*****678, a***@example.org."""
    if "@" in contact:
        local, _, domain = contact.rpartition("@")
        return f"{local[:1]}***@{domain}"
    return f"{contact[:3]}*****{contact[-3:]}"


def _digest(challenge_id: str, code: str) -> str:
    message = f"sign-in:{challenge_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _ip_hash(ip: str) -> str:
    if not ip:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"ip:{ip}".encode(), hashlib.sha256).hexdigest()


def sign_in_code_request(
    *, contact: str, language: str, channel_hint: str = "", requester_ip: str = ""
) -> None:
    """Send a sign-in code to `contact` by SMS (a phone) or e-mail (an address).

    `channel_hint`, when given, is the channel the citizen chose and must match the contact.
    Beyond three codes in fifteen minutes for one contact nothing is sent, and the caller gets
    the same silent answer as when a code went out.
    """
    contact_type, address = contact_clean(contact)
    channel = CHANNELS[contact_type]
    if channel_hint and channel_hint != channel:
        wanted = "a phone number" if channel_hint == "sms" else "an e-mail address"
        raise InvalidInput(f"For {channel_hint}, write {wanted}.", field="contact")
    now = clock.now()
    with transaction.atomic():
        recent = SignInChallenge.objects.filter(
            contact=address, created_at__gt=now - RATE_WINDOW
        ).count()
        if recent >= MAX_CODES_PER_WINDOW:
            event_record(
                name="accounts.sign_in_code_refused",
                actor=ACTOR,
                entity_type="accounts.signinchallenge",
                entity_id="",
                payload={"contact": contact_mask(address), "reason": "rate_limited"},
                channel="portal",
            )
            return
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        challenge = SignInChallenge(
            contact=address,
            expires_at=now + CODE_VALID,
            created_at=now,
            requester_ip_hash=_ip_hash(requester_ip),
        )
        challenge.code_digest = _digest(str(challenge.id), code)
        challenge.save(force_insert=True)
        event_record(
            name="accounts.sign_in_code_requested",
            actor=ACTOR,
            entity_type="accounts.signinchallenge",
            entity_id=str(challenge.id),
            payload={"contact": contact_mask(address), "channel": channel},
            channel="portal",
        )
        notification_request(
            actor=ACTOR,
            kind="sign_in_code",
            recipient=address,
            context={"code": code, "minutes_valid": int(CODE_VALID.total_seconds() // 60)},
            idempotency_key=f"sign-in:{challenge.id}",
            channels=[channel],
            language=language,
        )


def sign_in_code_verify(*, contact: str, code: str) -> User:
    """The citizen's user once `code` matches the newest live challenge of `contact`.

    A wrong code counts as an attempt even though the call fails; the fifth spends the
    challenge. Any failure raises InvalidInput on the field `code` with one message, so the
    reason (wrong, expired, spent) is not revealed.
    """
    _, address = contact_clean(contact)
    code = (code or "").strip().replace(" ", "")
    now = clock.now()
    with transaction.atomic():
        challenge = (
            SignInChallenge.objects.select_for_update()
            .filter(contact=address, used_at__isnull=True, expires_at__gt=now)
            .filter(attempts__lt=MAX_ATTEMPTS)
            .order_by("-created_at")
            .first()
        )
        if challenge is not None and hmac.compare_digest(
            challenge.code_digest, _digest(str(challenge.id), code)
        ):
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            return _account_signed_in(address, now, challenge)
        if challenge is not None:
            SignInChallenge.objects.filter(pk=challenge.pk).update(attempts=F("attempts") + 1)
            _failed(challenge, address, attempts=challenge.attempts + 1)
    raise InvalidInput(
        "The code is wrong or no longer valid; check it or ask for a new one.",
        field="code",
        code="sign_in_code_invalid",
    )


def _failed(challenge: SignInChallenge, address: str, *, attempts: int) -> None:
    event_record(
        name="accounts.sign_in_code_rejected",
        actor=ACTOR,
        entity_type="accounts.signinchallenge",
        entity_id=str(challenge.id),
        payload={
            "contact": contact_mask(address),
            "attempts": attempts,
            "is_spent": attempts >= MAX_ATTEMPTS,
        },
        channel="portal",
    )


def citizen_account_ensure(*, actor: str, contact: str, channel: str = "") -> CitizenAccount:
    """The account signing in with this phone or e-mail address would reach, created (as a
    first sign-in creates it) if there is none yet — for a set-up command such as the demo's."""
    _, address = contact_clean(contact)
    with transaction.atomic():
        return _account_for(address, clock.now(), actor=actor, channel=channel)


def _account_for(address: str, now: datetime, *, actor: str, channel: str) -> CitizenAccount:
    account = CitizenAccount.objects.select_related("user").filter(contact=address).first()
    if account is not None:
        return account
    user = get_user_model()(username=f"citizen:{address}", is_staff=False, is_superuser=False)
    user.set_unusable_password()
    user.save()
    account = CitizenAccount.objects.create(user=user, contact=address, created_at=now)
    event_record(
        name="accounts.account_created",
        actor=actor,
        entity_type="accounts.citizenaccount",
        entity_id=str(account.pk),
        payload={"contact": contact_mask(address)},
        channel=channel,
    )
    return account


def _account_signed_in(address: str, now: datetime, challenge: SignInChallenge) -> User:
    account = _account_for(address, now, actor=ACTOR, channel="portal")
    account.last_sign_in_at = now
    account.save(update_fields=["last_sign_in_at"])
    event_record(
        name="accounts.signed_in",
        actor=f"citizen:{account.pk}",
        entity_type="accounts.citizenaccount",
        entity_id=str(account.pk),
        payload={"contact": contact_mask(address), "challenge": str(challenge.id)},
        channel="portal",
    )
    return account.user


def inbox_message_open(*, user: AbstractBaseUser, message_id: str) -> Notification:
    """One message of the signed-in citizen's inbox, marked read; another's is NotFound."""
    for person in person_keys(user=user):
        try:
            return inbox_message_read(
                actor=f"citizen:{user.pk}", person=person, notification_id=message_id
            )
        except NotFound:
            continue
    raise NotFound("There is no such message in your inbox.")


def citizen_account_link_person(
    *, actor: str, account: CitizenAccount, national_id: str, channel: str = ""
) -> CitizenAccount:
    """Link the account to the person with this national ID, so the citizen sees what is
    addressed to that person (their inbox matches `person_reference`).

    The caller has proved the citizen is that person (an e-ID sign-in, an operator who saw the
    ID card); this function only checks the ID and that the person exists. Linking again to
    the same person changes nothing.
    """
    person = person_get(national_id=identifier_clean("national_id", national_id))
    with transaction.atomic():
        account = CitizenAccount.objects.select_for_update().get(pk=account.pk)
        if account.person_reference == person.national_id:
            return account
        account.person_reference = person.national_id
        account.save(update_fields=["person_reference"])
        event_record(
            name="accounts.person_linked",
            actor=actor,
            entity_type="accounts.citizenaccount",
            entity_id=str(account.pk),
            payload={
                "contact": contact_mask(account.contact or ""),
                "national_id": identifier_mask(person.national_id),
            },
            channel=channel,
        )
        return account


def citizen_sign_in_oidc(
    *,
    issuer: str,
    subject: str,
    national_id: str,
    signed_in_account: CitizenAccount | None = None,
    channel: str = "portal",
) -> User:
    """The user of the citizen whom the e-ID provider `issuer` knows as `subject` and vouches
    holds `national_id`.

    The national ID must pass the pack's scheme (else InvalidInput on `national_id`, nobody
    signed in). The account is, in this order: the one already tied to this e-ID; the account
    already signed in in this browser (by code), when it has no e-ID yet and is not linked to
    another person; the oldest account
    without an e-ID already linked to this national ID (a citizen who signed in by code and was
    linked lands in the same account); or a new one without a contact. The e-ID proves the
    national ID, so it becomes the account's `person_reference`. Events hold the national ID
    masked, never the subject (a provider may use the national ID as subject).
    """
    if not (issuer and subject):
        raise InvalidInput("The e-ID answer names no issuer or subject.", field="subject")
    try:
        national_id = identifier_clean("national_id", national_id)
    except InvalidInput:
        event_record(
            name="accounts.sign_in_refused",
            actor=ACTOR,
            entity_type="accounts.citizenaccount",
            entity_id="",
            payload={"method": "e-id", "issuer": issuer, "reason": "national_id_invalid"},
            channel=channel,
        )
        raise
    now = clock.now()
    with transaction.atomic():
        account = _eid_account(issuer, subject, national_id, now, channel, signed_in_account)
        if account.person_reference != national_id:
            account.person_reference = national_id
            account.save(update_fields=["person_reference"])
            _eid_event("accounts.person_linked", account, national_id, channel)
        account.last_sign_in_at = now
        account.save(update_fields=["last_sign_in_at"])
        _eid_event("accounts.signed_in", account, national_id, channel, issuer=issuer)
    return account.user


def _eid_account(
    issuer: str,
    subject: str,
    national_id: str,
    now: datetime,
    channel: str,
    signed_in: CitizenAccount | None,
) -> CitizenAccount:
    accounts = CitizenAccount.objects.select_for_update().select_related("user")
    account = accounts.filter(eid_issuer=issuer, eid_subject=subject).first()
    if account is not None:
        return account
    unlinked = accounts.filter(eid_subject="")
    account = None
    if signed_in is not None:  # not an account an operator already linked to someone else
        account = unlinked.filter(pk=signed_in.pk, person_reference__in=["", national_id]).first()
    if account is None:
        account = unlinked.filter(person_reference=national_id).order_by("created_at").first()
    if account is not None:
        account.eid_issuer, account.eid_subject = issuer, subject
        account.save(update_fields=["eid_issuer", "eid_subject"])
        _eid_event("accounts.eid_linked", account, national_id, channel, issuer=issuer)
        return account
    user = get_user_model()(username=f"citizen:e-id:{new_id()}", is_staff=False)
    user.set_unusable_password()
    user.save()
    account = CitizenAccount.objects.create(
        user=user, contact=None, eid_issuer=issuer, eid_subject=subject, created_at=now
    )
    _eid_event("accounts.account_created", account, national_id, channel, issuer=issuer)
    return account


def _eid_event(
    name: str, account: CitizenAccount, national_id: str, channel: str, *, issuer: str = ""
) -> None:
    payload = {"method": "e-id", "national_id": identifier_mask(national_id)}
    if issuer:
        payload["issuer"] = issuer
    if account.contact:
        payload["contact"] = contact_mask(account.contact)
    event_record(
        name=name,
        actor=ACTOR if name == "accounts.account_created" else f"citizen:{account.pk}",
        entity_type="accounts.citizenaccount",
        entity_id=str(account.pk),
        payload=payload,
        channel=channel,
    )
