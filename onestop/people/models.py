"""Persons keyed by national ID, organisations by business ID, and the mandates that let one
person act for another person or for an organisation."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from onestop.core.ids import new_id


class Person(models.Model):
    """A natural person as the state knows them. `national_id` is valid under the country
    pack's scheme; the services check it, the database keeps it unique."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    national_id = models.CharField(max_length=40, unique=True, verbose_name=_("national ID"))
    given_names = models.CharField(max_length=200, verbose_name=_("given names"))
    family_name = models.CharField(max_length=200, verbose_name=_("family name"))
    birth_date = models.DateField(null=True, blank=True, verbose_name=_("date of birth"))
    preferred_language = models.CharField(
        max_length=10, blank=True, verbose_name=_("preferred language")
    )
    phone = models.CharField(
        max_length=20,
        blank=True,
        help_text=_("E.164, such as +33612345678."),
        verbose_name=_("phone"),
    )
    email = models.EmailField(blank=True, verbose_name=_("email"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family_name", "given_names"]
        indexes = [models.Index(fields=["family_name", "given_names"])]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"


class Organisation(models.Model):
    """A company, association or public body, keyed by its business ID."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    business_id = models.CharField(max_length=40, unique=True, verbose_name=_("business ID"))
    name = models.CharField(max_length=300, verbose_name=_("name"))
    legal_form = models.CharField(max_length=100, blank=True, verbose_name=_("legal form"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class MandateKind(models.TextChoices):
    PARENT_FOR_CHILD = "parent_for_child", _("parent for a child")
    DIRECTOR_FOR_COMPANY = "director_for_company", _("director for a company")
    AUTHORISED_REPRESENTATIVE = "authorised_representative", _("authorised representative")


PERSON_KINDS = [MandateKind.PARENT_FOR_CHILD, MandateKind.AUTHORISED_REPRESENTATIVE]
ORGANISATION_KINDS = [MandateKind.DIRECTOR_FOR_COMPANY, MandateKind.AUTHORISED_REPRESENTATIVE]


class Mandate(models.Model):
    """The right of `holder` to act for one subject — a person or an organisation — from
    `valid_from` up to, not including, `valid_until` (open-ended when empty). A revoked mandate
    grants nothing on any date; the row stays as the record of what was."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    kind = models.CharField(max_length=30, choices=MandateKind.choices, verbose_name=_("kind"))
    holder = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="mandates_held", verbose_name=_("holder")
    )
    subject_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates_over",
        verbose_name=_("person represented"),
    )
    subject_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name=_("organisation represented"),
    )
    valid_from = models.DateField(verbose_name=_("valid from"))
    valid_until = models.DateField(
        null=True,
        blank=True,
        help_text=_("The first day it no longer holds."),
        verbose_name=_("valid until"),
    )
    evidence = models.TextField(
        blank=True,
        help_text=_("What proves it: a birth record, a power of attorney."),
        verbose_name=_("evidence"),
    )
    granted_by = models.CharField(max_length=200, verbose_name=_("granted by"))
    granted_at = models.DateTimeField(verbose_name=_("granted at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    revoked_by = models.CharField(max_length=200, blank=True, verbose_name=_("revoked by"))
    revocation_reason = models.TextField(blank=True, verbose_name=_("reason for revocation"))

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["-valid_from", "-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(subject_person__isnull=False, subject_organisation__isnull=True)
                    | Q(subject_person__isnull=True, subject_organisation__isnull=False)
                ),
                name="people_mandate_exactly_one_subject",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=PERSON_KINDS, subject_person__isnull=False)
                    | Q(kind__in=ORGANISATION_KINDS, subject_organisation__isnull=False)
                ),
                name="people_mandate_subject_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="people_mandate_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(subject_person=F("holder")),
                name="people_mandate_not_over_oneself",
            ),
        ]
        indexes = [
            models.Index(fields=["holder", "valid_from"]),
            models.Index(fields=["holder", "subject_person"]),
            models.Index(fields=["holder", "subject_organisation"]),
        ]

    def __str__(self) -> str:
        subject = self.subject_person or self.subject_organisation
        return f"{self.holder} — {self.get_kind_display()} — {subject}"
