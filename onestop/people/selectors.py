"""Reads of persons, organisations and mandates, and the one check of who may act for whom."""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from onestop.core.errors import InvalidInput, NotFound

from .models import Mandate, Organisation, Person


def person_get(*, national_id: str) -> Person:
    person = Person.objects.filter(national_id=re.sub(r"\s+", "", national_id or "")).first()
    if person is None:
        raise NotFound(_("No person has this national ID."), code="person_not_found")
    return person


def organisation_get(*, business_id: str) -> Organisation:
    row = Organisation.objects.filter(business_id=re.sub(r"\s+", "", business_id or "")).first()
    if row is None:
        raise NotFound(_("No organisation has this business ID."), code="organisation_not_found")
    return row


def _active_on(on: date) -> Q:
    return Q(valid_from__lte=on, revoked_at__isnull=True) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=on)
    )


def mandates_held(*, person: Person, on: date) -> QuerySet[Mandate]:
    """The mandates `person` holds that are in force on `on`: started, not ended, not revoked."""
    return (
        Mandate.objects.filter(_active_on(on), holder=person)
        .select_related("subject_person", "subject_organisation")
        .order_by("kind", "valid_from", "id")
    )


def mandates_over(
    *,
    subject_person: Person | None = None,
    subject_organisation: Organisation | None = None,
    on: date,
) -> QuerySet[Mandate]:
    """The mandates in force on `on` that let someone act for this subject."""
    subject = _subject(subject_person, subject_organisation)
    return (
        Mandate.objects.filter(_active_on(on), **subject)
        .select_related("holder")
        .order_by("kind", "valid_from", "id")
    )


def person_may_act_for(
    *,
    actor_person: Person,
    subject_person: Person | None = None,
    subject_organisation: Organisation | None = None,
    on: date,
) -> bool:
    """Whether `actor_person` may act for the subject on `on`: for themselves, or through a
    mandate in force that day. Anything else is refused (deny by default)."""
    subject = _subject(subject_person, subject_organisation)
    if subject_person is not None and subject_person.pk == actor_person.pk:
        return True
    return Mandate.objects.filter(_active_on(on), holder=actor_person, **subject).exists()


def _subject(person: Person | None, organisation: Organisation | None) -> dict[str, object]:
    if (person is None) == (organisation is None):
        raise InvalidInput(
            _("Name exactly one subject: a person or an organisation."), field="subject"
        )
    return (
        {"subject_person": person} if person is not None else {"subject_organisation": organisation}
    )
