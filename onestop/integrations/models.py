"""Credentials of trusted agency systems that call the platform's API."""

from __future__ import annotations

from django.db import models

from onestop.catalog.models import Agency
from onestop.core.ids import new_id


class ApiScope(models.TextChoices):
    NOTIFICATIONS_SEND = "notifications:send", "Send notifications"
    NOTIFICATIONS_READ = "notifications:read", "Read notification status"


class ApiKey(models.Model):
    """An API key scoped to one agency. Only a digest of the secret is stored; the key is
    shown once when issued. Keys are 256-bit random, so a plain SHA-256 digest resists
    guessing without a slow hash (which would cost every API call)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="Which system uses the key.")
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=200)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
