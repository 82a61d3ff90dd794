"""Core tables: the hash-chained audit trail and the domain-event record."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .ids import new_id


class AuditHead(models.Model):
    """A single row holding the chain's tip; locking it serialises appends across processes."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit tip #{self.sequence}"


class AuditRecord(models.Model):
    """One entry of the append-only audit trail.

    Written unsealed; `audit_seal` then sets `sequence` (no gaps) and `digest`, SHA-256 over
    the previous digest and this entry's canonical content, so `onestop audit verify` finds an
    altered, inserted or deleted row.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    # Empty until sealed (core/audit.py: appends never wait for each other).
    sequence = models.BigIntegerField(
        unique=True, null=True, blank=True, verbose_name=_("sequence number")
    )
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))
    actor = models.CharField(max_length=200, verbose_name=_("actor"))
    action = models.CharField(max_length=100, verbose_name=_("action"))
    entity_type = models.CharField(max_length=100, verbose_name=_("entity type"))
    entity_id = models.CharField(max_length=100, verbose_name=_("entity ID"))
    channel = models.CharField(max_length=30, blank=True, verbose_name=_("channel"))
    on_behalf_of = models.CharField(max_length=200, blank=True, verbose_name=_("on behalf of"))
    data = models.JSONField(default=dict, verbose_name=_("data"))
    previous_digest = models.CharField(max_length=64, blank=True, verbose_name=_("previous digest"))
    digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, verbose_name=_("digest")
    )

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit trail")
        ordering = ["id"]  # UUIDv7: the order entries were written in, sealed or not
        indexes = [
            models.Index(fields=["entity_type", "entity_id"]),
            # The sealer's work list: only the entries waiting, so it stays small.
            models.Index(
                fields=["id"], condition=Q(sequence__isnull=True), name="core_audit_unsealed"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.entity_type}:{self.entity_id}"


class DomainEvent(models.Model):
    """A state change, recorded in the same transaction as the change itself (the outbox).

    Subscribers (notifications, KPIs, proactive rules) read from here; `handled_at` is set by
    the dispatcher, so an event is never lost on a crash.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(max_length=100, verbose_name=_("name"))
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))
    actor = models.CharField(max_length=200, verbose_name=_("actor"))
    channel = models.CharField(max_length=30, blank=True, verbose_name=_("channel"))
    on_behalf_of = models.CharField(max_length=200, blank=True, verbose_name=_("on behalf of"))
    entity_type = models.CharField(max_length=100, verbose_name=_("entity type"))
    entity_id = models.CharField(max_length=100, verbose_name=_("entity ID"))
    payload = models.JSONField(default=dict, verbose_name=_("payload"))
    audit_record = models.OneToOneField(
        AuditRecord, on_delete=models.PROTECT, verbose_name=_("audit record")
    )
    handled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("handled at"))

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        ordering = ["occurred_at"]
        indexes = [
            models.Index(fields=["name", "occurred_at"]),
            models.Index(fields=["entity_type", "entity_id"]),
            models.Index(fields=["handled_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.entity_type}:{self.entity_id}"


class CountryProfile(models.Model):
    """The deployment's country settings, loaded from its country pack (one row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    code = models.CharField(max_length=10)
    name = models.JSONField()
    languages = models.JSONField(help_text="Enabled language codes, the default first.")
    currency = models.CharField(max_length=3)
    time_zone = models.CharField(max_length=60)
    calendar = models.JSONField(help_text="Working week and public holidays.")
    national_id = models.JSONField(default=dict)
    business_id = models.JSONField(default=dict)
    regions = models.JSONField(default=list)
    quiet_hours = models.JSONField(default=dict, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.code


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SUCCEEDED = "succeeded", _("succeeded")
    PARKED = "parked", _("parked")


class EventDelivery(models.Model):
    """One subscriber's delivery of one event: at least once, with its attempts and last error.

    The handler's effects commit together with `status=succeeded`, so a redelivery finds the
    row done and does nothing; after too many failures the delivery is parked for a person.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    event = models.ForeignKey(
        DomainEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    subscriber_name = models.CharField(max_length=200, verbose_name=_("subscriber"))
    status = models.CharField(
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        verbose_name=_("status"),
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber_name"], name="core_delivery_one_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subscriber_name} ← {self.event_id} ({self.status})"


class JobOutcome(models.TextChoices):
    OK = "ok", _("ok")
    FAILED = "failed", _("failed")


class PeriodicJob(models.Model):
    """The shared state of one periodic job: whoever wins the conditional update on this row
    runs the period, on whichever machine."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    next_run_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next run at"))
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name=_("lease until"))
    leased_by = models.CharField(max_length=64, blank=True, verbose_name=_("leased by"))
    last_started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last started at"))
    last_finished_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last finished at")
    )
    last_duration_ms = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("last duration (ms)")
    )
    last_outcome = models.CharField(
        max_length=10, choices=JobOutcome.choices, blank=True, verbose_name=_("last outcome")
    )
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    run_count = models.PositiveIntegerField(default=0, verbose_name=_("run count"))

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A live worker says so every few seconds; a task running on a silent one is taken back."""

    worker_id = models.CharField(max_length=64, primary_key=True, verbose_name=_("worker ID"))
    hostname = models.CharField(max_length=200, verbose_name=_("host name"))
    pid = models.PositiveIntegerField(verbose_name=_("process ID"))
    queues = models.CharField(max_length=200, blank=True, verbose_name=_("queues"))
    started_at = models.DateTimeField(verbose_name=_("started at"))
    last_seen = models.DateTimeField(db_index=True, verbose_name=_("last seen"))

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (pid {self.pid})"
