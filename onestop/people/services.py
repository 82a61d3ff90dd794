"""Commands that change persons, organisations and mandates. Each runs in one transaction and
records its event; payloads carry masked IDs and field names, never personal data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onestop.core import clock
from onestop.core.errors import InvalidInput
from onestop.core.events import event_record

from .identifiers import (
    email_clean,
    identifier_clean,
    identifier_mask,
    language_clean,
    phone_clean,
)
from .models import ORGANISATION_KINDS, PERSON_KINDS, Mandate, MandateKind, Organisation, Person


def person_upsert(
    *,
    actor: str,
    national_id: str,
    given_names: str,
    family_name: str,
    birth_date: date | None = None,
    preferred_language: str = "",
    phone: str = "",
    email: str = "",
    channel: str = "",
) -> tuple[Person, bool]:
    """Create or update the person with this national ID; returns (person, changed).

    Every field is set as given (a blank clears it); identical values change nothing and
    record no event.
    """
    national_id = identifier_clean("national_id", national_id)
    values = {
        "given_names": _required(given_names, "given_names"),
        "family_name": _required(family_name, "family_name"),
        "birth_date": birth_date,
        "preferred_language": language_clean(preferred_language),
        "phone": phone_clean(phone),
        "email": email_clean(email),
    }
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(national_id=national_id).first()
        person, action, fields = _upsert(Person, person, {"national_id": national_id}, values)
        if action:
            event_record(
                name=f"people.person_{action}",
                actor=actor,
                entity_type="people.person",
                entity_id=str(person.pk),
                payload={"national_id": identifier_mask(national_id), "fields": fields},
                channel=channel,
            )
        return person, bool(action)


def organisation_upsert(
    *, actor: str, business_id: str, name: str, legal_form: str = "", channel: str = ""
) -> tuple[Organisation, bool]:
    """Create or update the organisation with this business ID; returns (row, changed).

    Business IDs are public register data, so events carry them whole.
    """
    business_id = identifier_clean("business_id", business_id)
    values = {"name": _required(name, "name"), "legal_form": (legal_form or "").strip()}
    with transaction.atomic():
        row = Organisation.objects.select_for_update().filter(business_id=business_id).first()
        row, action, fields = _upsert(Organisation, row, {"business_id": business_id}, values)
        if action:
            event_record(
                name=f"people.organisation_{action}",
                actor=actor,
                entity_type="people.organisation",
                entity_id=str(row.pk),
                payload={"business_id": business_id, "fields": fields},
                channel=channel,
            )
        return row, bool(action)


def _required(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("This field is required."), field=field)
    return value


def _upsert(
    model: type[Any], row: Any, key: dict[str, str], values: dict[str, Any]
) -> tuple[Any, str | None, list[str]]:
    now = clock.now()
    if row is None:
        row = model.objects.create(**key, **values, created_at=now, updated_at=now)
        return row, "created", sorted(values)
    changed = sorted(field for field, value in values.items() if getattr(row, field) != value)
    if not changed:
        return row, None, []
    for field in changed:
        setattr(row, field, values[field])
    row.updated_at = now
    row.save(update_fields=[*changed, "updated_at"])
    return row, "updated", changed


def mandate_grant(
    *,
    actor: str,
    kind: str,
    holder: Person,
    valid_from: date,
    subject_person: Person | None = None,
    subject_organisation: Organisation | None = None,
    valid_until: date | None = None,
    evidence: str = "",
    channel: str = "",
) -> Mandate:
    """Let `holder` act for one subject from `valid_from` up to, not including, `valid_until`.

    Granting a mandate identical to a live one returns that one and records nothing, so a
    registry sync may replay its grants.
    """
    _mandate_check(kind, holder, subject_person, subject_organisation, valid_from, valid_until)
    terms = {
        "kind": kind,
        "holder": holder,
        "subject_person": subject_person,
        "subject_organisation": subject_organisation,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=holder.pk).first()
        existing = Mandate.objects.filter(**terms, revoked_at__isnull=True).first()
        if existing is not None:
            return existing
        mandate = Mandate.objects.create(
            **terms, evidence=evidence.strip(), granted_by=actor, granted_at=clock.now()
        )
        event_record(
            name="people.mandate_granted",
            actor=actor,
            entity_type="people.mandate",
            entity_id=str(mandate.pk),
            payload={
                **_mandate_summary(mandate),
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat() if valid_until else None,
            },
            channel=channel,
        )
        return mandate


def _mandate_check(
    kind: str,
    holder: Person,
    subject_person: Person | None,
    subject_organisation: Organisation | None,
    valid_from: date,
    valid_until: date | None,
) -> None:
    if kind not in MandateKind.values:
        choices = ", ".join(MandateKind.values)
        raise InvalidInput(_("Choose one of: %(choices)s.") % {"choices": choices}, field="kind")
    if (subject_person is None) == (subject_organisation is None):
        raise InvalidInput(
            _("Name exactly one subject: a person or an organisation."), field="subject"
        )
    allowed = PERSON_KINDS if subject_person is not None else ORGANISATION_KINDS
    if kind not in allowed:
        raise InvalidInput(
            _("A mandate of this kind is for one of: %(kinds)s.")
            % {"kinds": ", ".join(str(choice) for choice in allowed)},
            field="kind",
        )
    if subject_person is not None and subject_person.pk == holder.pk:
        raise InvalidInput(_("A person needs no mandate to act for themselves."), field="subject")
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidInput(
            _("The end date must come after the start date (%(start)s).")
            % {"start": valid_from.isoformat()},
            field="valid_until",
        )


def _mandate_summary(mandate: Mandate) -> dict[str, str]:
    subject = (
        {"subject_national_id": identifier_mask(mandate.subject_person.national_id)}
        if mandate.subject_person is not None
        else {"subject_business_id": mandate.subject_organisation.business_id}  # type: ignore[union-attr]
    )
    return {
        "kind": mandate.kind,
        "holder_national_id": identifier_mask(mandate.holder.national_id),
        **subject,
    }


def mandate_revoke(*, actor: str, mandate: Mandate, reason: str = "", channel: str = "") -> Mandate:
    """Withdraw a mandate: from now on it grants nothing, for any date. Revoking a revoked
    mandate changes nothing. The reason stays on the row, out of the event's payload, because
    it is free text that may name people."""
    with transaction.atomic():
        locked = (
            Mandate.objects.select_for_update(of=("self",))
            .select_related("holder", "subject_person", "subject_organisation")
            .get(pk=mandate.pk)
        )
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = clock.now()
        locked.revoked_by = actor
        locked.revocation_reason = (reason or "").strip()
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        event_record(
            name="people.mandate_revoked",
            actor=actor,
            entity_type="people.mandate",
            entity_id=str(locked.pk),
            payload=_mandate_summary(locked),
            channel=channel,
        )
        return locked
