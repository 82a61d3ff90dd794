"""Citizens' sign-in: an account per contact (phone or e-mail) or per national e-ID, and the
one-time codes sent to contacts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.core.ids import new_id


class CitizenAccount(models.Model):
    """A citizen known by a contact they proved they hold, by their national e-ID (the
    provider's issuer and subject), or both. `person_reference` links the account to a person
    of the registries once their national ID is proved."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="citizen_account",
        verbose_name=_("user"),
    )
    contact = models.CharField(
        max_length=254,
        unique=True,
        null=True,
        blank=True,
        help_text=_("E.164 phone or lower-case e-mail address; empty for an e-ID-only account."),
        verbose_name=_("contact"),
    )
    eid_issuer = models.CharField(max_length=255, blank=True, verbose_name=_("e-ID issuer"))
    eid_subject = models.CharField(max_length=255, blank=True, verbose_name=_("e-ID subject"))
    person_reference = models.CharField(
        max_length=100, blank=True, db_index=True, verbose_name=_("person reference")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    last_sign_in_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last sign-in at"))

    class Meta:
        verbose_name = _("citizen account")
        verbose_name_plural = _("citizen accounts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["eid_issuer", "eid_subject"],
                condition=~models.Q(eid_subject=""),
                name="accounts_citizenaccount_one_per_eid",
            ),
            models.CheckConstraint(
                condition=models.Q(contact__isnull=False) | ~models.Q(eid_subject=""),
                name="accounts_citizenaccount_has_a_way_in",
            ),
        ]

    def __str__(self) -> str:
        return self.contact or f"e-ID account {self.pk}"


class SignInChallenge(models.Model):
    """One code sent to a contact. Only an HMAC of the code is kept: the table alone does not
    let anyone sign in."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    contact = models.CharField(max_length=254, verbose_name=_("contact"))
    code_digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    requester_ip_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contact", "created_at"])]

    def __str__(self) -> str:
        return f"{self.id}"
