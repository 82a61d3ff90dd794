"""Core tables: the hash-chained audit trail and the domain-event record."""

from __future__ import annotations

from django.db import models

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

    `digest` is SHA-256 over the previous digest and this entry's canonical content, and
    `sequence` has no gaps, so `onestop audit verify` finds an altered, inserted or deleted row.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    entity_type = models.CharField(max_length=100)
    entity_id = models.CharField(max_length=100)
    channel = models.CharField(max_length=30, blank=True)
    on_behalf_of = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["entity_type", "entity_id"])]

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
