"""Notification tables: templates, messages with their delivery log, recipients' preferences,
and the development provider's outbox."""

from __future__ import annotations

from django.db import models

from onestop.core.ids import new_id

from .kinds import KINDS


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"
    INBOX = "inbox", "Portal inbox"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


KIND_CHOICES = [(kind, kind.replace("_", " ").capitalize()) for kind in KINDS]


class NotificationTemplate(models.Model):
    """One text per kind × channel × language. `subject` is unused by SMS; `body_html` is the
    HTML fragment of an e-mail, wrapped in the platform's layout when sent."""

    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    max_segments = models.PositiveSmallIntegerField(
        default=1, help_text="SMS only: the most segments the longest plausible message may take."
    )
    is_urgent = models.BooleanField(default=False, help_text="Sent even in quiet hours.")
    is_essential = models.BooleanField(
        default=True, help_text="Sent even to people who opted out of non-essential messages."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "language"], name="notification_template_unique"
            )
        ]
        ordering = ["kind", "channel", "language"]

    def __str__(self) -> str:
        return f"{self.kind} / {self.channel} / {self.language}"


class Notification(models.Model):
    """One message on one channel. `idempotency_key` is the request's key and the channel, so a
    repeated request finds its rows; the row's id is the provider's idempotency key."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    request_key = models.CharField(max_length=200, db_index=True)
    idempotency_key = models.CharField(max_length=220, unique=True)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=10)
    recipient = models.CharField(max_length=254, help_text="E.164 phone or e-mail address.")
    person = models.CharField(max_length=100, blank=True, db_index=True)
    agency = models.CharField(max_length=60, blank=True)
    context = models.JSONField(default=dict)
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    segments = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider = models.CharField(max_length=30, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    is_urgent = models.BooleanField(default=False)
    not_before = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    is_read = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    status_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "not_before"]),
            models.Index(fields=["person", "channel", "created_at"]),
            models.Index(fields=["recipient", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} to {self.recipient} ({self.status})"


class DeliveryLog(models.Model):
    """One row per status change or failed attempt of a notification."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="log")
    status = models.CharField(max_length=10, choices=Status.choices)
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.status} at {self.at:%Y-%m-%d %H:%M:%S}"


class RecipientPreference(models.Model):
    contact = models.CharField(max_length=254, unique=True, help_text="E.164 phone or e-mail.")
    channels = models.JSONField(default=list, blank=True, help_text="Preferred channels, in order.")
    language = models.CharField(max_length=10, blank=True)
    is_non_essential_opted_out = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.contact


class DevelopmentMessage(models.Model):
    """What the development provider "sent": the embedded default, listed to staff."""

    idempotency_key = models.CharField(max_length=100, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}"
