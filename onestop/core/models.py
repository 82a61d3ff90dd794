"""Core tables: the hash-chained audit trail and the domain-event record."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

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
    sequence = models.BigIntegerField(unique=True, null=True, blank=True)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    entity_type = models.CharField(max_length=100)
    entity_id = models.CharField(max_length=100)
    channel = models.CharField(max_length=30, blank=True)
    on_behalf_of = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)
    previous_digest = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
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
    name = models.CharField(max_length=100)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    channel = models.CharField(max_length=30, blank=True)
    on_behalf_of = models.CharField(max_length=200, blank=True)
    entity_type = models.CharField(max_length=100)
    entity_id = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    audit_record = models.OneToOneField(AuditRecord, on_delete=models.PROTECT)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
    PENDING = "pending", "pending"
    SUCCEEDED = "succeeded", "succeeded"
    PARKED = "parked", "parked"


class EventDelivery(models.Model):
    """One subscriber's delivery of one event: at least once, with its attempts and last error.

    The handler's effects commit together with `status=succeeded`, so a redelivery finds the
    row done and does nothing; after too many failures the delivery is parked for a person.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    event = models.ForeignKey(DomainEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "event deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber_name"], name="core_delivery_one_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subscriber_name} ← {self.event_id} ({self.status})"


class JobOutcome(models.TextChoices):
    OK = "ok", "ok"
    FAILED = "failed", "failed"


class PeriodicJob(models.Model):
    """The shared state of one periodic job: whoever wins the conditional update on this row
    runs the period, on whichever machine."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_outcome = models.CharField(max_length=10, choices=JobOutcome.choices, blank=True)
    last_error = models.TextField(blank=True)
    run_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A live worker says so every few seconds; a task running on a silent one is taken back."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    queues = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (pid {self.pid})"
