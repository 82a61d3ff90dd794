"""Notification tables: templates, messages with their delivery log, recipients' preferences,
and the development provider's outbox."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onestop.core.ids import new_id

from .kinds import KINDS


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    INBOX = "inbox", _("Portal inbox")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", pgettext_lazy("notification status", "Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


# Each kind as the admin lists it, in the reader's language (a kind without a label here is
# a test failure, not an English fallback).
KIND_LABELS = {
    "application_acknowledged": _("Application acknowledged"),
    "information_requested": _("Information requested"),
    "decision_made": _("Decision made"),
    "document_ready": _("Document ready"),
    "payment_due": _("Payment due"),
    "reminder": _("Reminder"),
    "feedback_requested": _("Feedback requested"),
    "sign_in_code": _("Sign-in code"),
    "task_sla_warning": _("Deadline approaching (to the assignee)"),
    "task_unclaimed_warning": _(
        "Deadline approaching, nobody has claimed the task (to supervisors)"
    ),
    "task_escalated": _("Deadline passed, task escalated (to supervisors)"),
}
KIND_CHOICES = [(kind, KIND_LABELS.get(kind, kind)) for kind in KINDS]


class NotificationTemplate(models.Model):
    """One text per kind × channel × language. `subject` is unused by SMS; `body_html` is the
    HTML fragment of an e-mail, wrapped in the platform's layout when sent."""

    kind = models.CharField(max_length=40, choices=KIND_CHOICES, verbose_name=_("kind"))
    channel = models.CharField(max_length=10, choices=Channel.choices, verbose_name=_("channel"))
    language = models.CharField(max_length=10, verbose_name=_("language"))
    subject = models.CharField(max_length=200, blank=True, verbose_name=_("subject line"))
    body_text = models.TextField(verbose_name=_("text body"))
    body_html = models.TextField(blank=True, verbose_name=_("HTML body"))
    max_segments = models.PositiveSmallIntegerField(
        default=1,
        help_text=_("SMS only: the most segments the longest plausible message may take."),
        verbose_name=_("maximum SMS segments"),
    )
    is_urgent = models.BooleanField(
        default=False, help_text=_("Sent even in quiet hours."), verbose_name=_("urgent")
    )
    is_essential = models.BooleanField(
        default=True,
        help_text=_("Sent even to people who opted out of non-essential messages."),
        verbose_name=_("essential"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
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
    request_key = models.CharField(max_length=200, db_index=True, verbose_name=_("request key"))
    idempotency_key = models.CharField(
        max_length=220, unique=True, verbose_name=_("idempotency key")
    )
    kind = models.CharField(max_length=40, choices=KIND_CHOICES, verbose_name=_("kind"))
    channel = models.CharField(max_length=10, choices=Channel.choices, verbose_name=_("channel"))
    language = models.CharField(max_length=10, verbose_name=_("language"))
    recipient = models.CharField(
        max_length=254, help_text=_("E.164 phone or e-mail address."), verbose_name=_("recipient")
    )
    person = models.CharField(max_length=100, blank=True, db_index=True, verbose_name=_("person"))
    agency = models.CharField(max_length=60, blank=True, verbose_name=_("agency"))
    context = models.JSONField(default=dict, verbose_name=_("context"))
    subject = models.CharField(max_length=300, blank=True, verbose_name=_("subject line"))
    body_text = models.TextField(verbose_name=_("text body"))
    body_html = models.TextField(blank=True, verbose_name=_("HTML body"))
    segments = models.PositiveSmallIntegerField(default=0, verbose_name=_("SMS segments"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    provider = models.CharField(max_length=30, blank=True, verbose_name=_("provider"))
    provider_message_id = models.CharField(
        max_length=200, blank=True, verbose_name=_("provider message ID")
    )
    is_urgent = models.BooleanField(default=False, verbose_name=_("urgent"))
    not_before = models.DateTimeField(null=True, blank=True, verbose_name=_("not before"))
    claimed_until = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed until"))
    is_read = models.BooleanField(default=False, verbose_name=_("read"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    status_at = models.DateTimeField(verbose_name=_("status changed at"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
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

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="log", verbose_name=_("notification")
    )
    status = models.CharField(max_length=10, choices=Status.choices, verbose_name=_("status"))
    at = models.DateTimeField(verbose_name=_("at"))
    reason = models.TextField(blank=True, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("delivery log entry")
        verbose_name_plural = _("delivery log")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.status} at {self.at:%Y-%m-%d %H:%M:%S}"


class RecipientPreference(models.Model):
    contact = models.CharField(
        max_length=254,
        unique=True,
        help_text=_("E.164 phone or e-mail."),
        verbose_name=_("contact"),
    )
    channels = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Preferred channels, in order."),
        verbose_name=_("channels"),
    )
    language = models.CharField(max_length=10, blank=True, verbose_name=_("language"))
    is_non_essential_opted_out = models.BooleanField(
        default=False, verbose_name=_("opted out of non-essential messages")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("recipient preference")
        verbose_name_plural = _("recipient preferences")

    def __str__(self) -> str:
        return self.contact


class DevelopmentMessage(models.Model):
    """What the development provider "sent": the embedded default, listed to staff."""

    idempotency_key = models.CharField(
        max_length=100, unique=True, verbose_name=_("idempotency key")
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, verbose_name=_("channel"))
    recipient = models.CharField(max_length=254, verbose_name=_("recipient"))
    subject = models.CharField(max_length=300, blank=True, verbose_name=_("subject line"))
    body_text = models.TextField(verbose_name=_("text body"))
    body_html = models.TextField(blank=True, verbose_name=_("HTML body"))
    sent_at = models.DateTimeField(verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("development message")
        verbose_name_plural = _("development messages")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}"
