"""Citizens' sign-in: an account per contact (phone or e-mail) and the one-time codes sent to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from onestop.core.ids import new_id


class CitizenAccount(models.Model):
    """A citizen known by a contact they proved they hold. `person_reference` links the account
    to a person of the registries once their national ID is checked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_account"
    )
    contact = models.CharField(
        max_length=254, unique=True, help_text="E.164 phone or lower-case e-mail address."
    )
    person_reference = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField()
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.contact


class SignInChallenge(models.Model):
    """One code sent to a contact. Only an HMAC of the code is kept: the table alone does not
    let anyone sign in."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    contact = models.CharField(max_length=254)
    code_digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    requester_ip_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contact", "created_at"])]

    def __str__(self) -> str:
        return f"{self.id}"
