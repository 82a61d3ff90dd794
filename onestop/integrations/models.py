"""Credentials of trusted agency systems that call the platform's API, and the webhooks the
platform calls on theirs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core.ids import new_id


class ApiScope(models.TextChoices):
    NOTIFICATIONS_SEND = "notifications:send", _("Send notifications")
    NOTIFICATIONS_READ = "notifications:read", _("Read notification status")
    TASKS_READ = "tasks:read", _("Read the agency's tasks")
    TASKS_WRITE = "tasks:write", _("Claim, decide and request information on the agency's tasks")
    APPLICATIONS_FILE = (
        "applications:file",
        _("File applications on a citizen's behalf at a partner outlet or kiosk"),
    )


# The scopes a key of a partner outlet or a kiosk may hold; an agency's key holds the others.
CENTER_SCOPES = frozenset({ApiScope.APPLICATIONS_FILE.value})


class ApiKey(models.Model):
    """An API key of one agency's system, or of one partner outlet's or kiosk's system (a
    center: exactly one of the two is set). Only a digest of the secret is stored; the key is
    shown once when issued. Keys are 256-bit random, so a plain SHA-256 digest resists
    guessing without a slow hash (which would cost every API call)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="api_keys",
        null=True,
        blank=True,
        verbose_name=_("agency"),
    )
    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        related_name="api_keys",
        null=True,
        blank=True,
        help_text=_("A partner outlet or kiosk whose system files applications with the key."),
        verbose_name=_("service center"),
    )
    name = models.CharField(
        max_length=100, help_text=_("Which system uses the key."), verbose_name=_("name")
    )
    prefix = models.CharField(max_length=12, unique=True, verbose_name=_("prefix"))
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list, verbose_name=_("scopes"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    created_by = models.CharField(max_length=200, verbose_name=_("created by"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["agency", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False, center__isnull=True)
                | models.Q(agency__isnull=True, center__isnull=False),
                name="api_key_agency_or_center",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def owner_code(self) -> str:
        """The agency's or the center's code, whichever the key belongs to."""
        owner = self.agency or self.center
        return owner.code if owner is not None else ""

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    TASK_CREATED = "task.created", "A new task on the agency's queue"


class WebhookEndpoint(models.Model):
    """An HTTPS address of an agency's case system that is told of the agency's new tasks.
    The secret signs each delivery (HMAC-SHA256); it must be kept to sign, so it is stored as
    given, never shown after it is registered, and never logged."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="webhooks", verbose_name=_("agency")
    )
    url = models.URLField(max_length=500, verbose_name=_("URL"))
    secret = models.CharField(max_length=200)
    events = models.JSONField(default=list, verbose_name=_("events"))
    is_active = models.BooleanField(default=True, verbose_name=_("active"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    created_by = models.CharField(max_length=200, verbose_name=_("created by"))

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["agency", "url"]
        indexes = [models.Index(fields=["agency", "is_active"], name="webhook_agency_active")]

    def __str__(self) -> str:
        return f"{self.agency.code} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    PARKED = "parked", _("Parked after the last attempt")


class WebhookDelivery(models.Model):
    """One event for one endpoint; tried until the endpoint answers 2xx or the attempts run
    out (then parked). At most one per (endpoint, event), so a redelivered event queues
    nothing twice."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("webhook"),
    )
    event_id = models.UUIDField(verbose_name=_("event ID"))
    event_name = models.CharField(max_length=100, verbose_name=_("event"))
    payload = models.JSONField(verbose_name=_("payload"))
    status = models.CharField(
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        verbose_name=_("status"),
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    last_error = models.CharField(max_length=500, blank=True, verbose_name=_("last error"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event_name} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try of a delivery: when, the HTTP status (none when the connection failed), the
    error in a few words, how long it took. The response body is not kept."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    at = models.DateTimeField(verbose_name=_("at"))
    status_code = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("HTTP status"))
    error = models.CharField(max_length=500, blank=True, verbose_name=_("error"))
    duration_ms = models.PositiveIntegerField(default=0, verbose_name=_("duration (ms)"))

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status_code or self.error}"
