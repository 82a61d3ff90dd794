"""The data exchange's tables: who may ask what (access rights), what was asked (the log), and
the members' public keys (the trust list that verifies signed messages)."""

from __future__ import annotations

from django.db import models

from onestop.core.ids import new_id

STATUSES = [
    ("ok", "ok"),
    ("not_found", "not found"),
    ("refused", "refused"),
    ("pending", "pending"),
    ("error", "error"),
]


class AccessRight(models.Model):
    """A consumer (an X-Road client id such as `XM/GOV/onestop/portal`) may call one registry
    operation for one purpose. Anything without a row is refused."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    consumer = models.CharField(max_length=200)
    registry = models.CharField(max_length=40)
    operation = models.CharField(max_length=60)
    purpose = models.CharField(max_length=60)
    # The law or article that allows it, as the country pack states it (shown to auditors).
    legal_basis = models.TextField(blank=True)
    granted_at = models.DateTimeField()
    granted_by = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "registry", "operation", "purpose"],
                name="exchange_accessright_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consumer} → {self.registry}/{self.operation} for {self.purpose}"


class ExchangeLogEntry(models.Model):
    """One query through the exchange, whatever its result. Append-only (a database trigger).

    `subject` is the national ID of the person the query was about: personal data, kept so the
    citizen can see who looked at their data, and never written to application logs."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    request_id = models.UUIDField(unique=True)
    occurred_at = models.DateTimeField()
    consumer = models.CharField(max_length=200)
    acting_user = models.CharField(max_length=200)
    on_behalf_of = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=40, blank=True, db_index=True)
    registry = models.CharField(max_length=40)
    operation = models.CharField(max_length=60)
    purpose = models.CharField(max_length=60)
    status = models.CharField(max_length=12, choices=STATUSES)
    duration_ms = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "exchange log entries"
        indexes = [models.Index(fields=["subject", "occurred_at"], name="exchange_log_subject")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.consumer} {self.registry}/{self.operation} {self.status}"


class MemberKey(models.Model):
    """A member's Ed25519 public key (raw 32 bytes, base64). The private key stays with the
    member: a file under var/exchange-keys/."""

    member = models.CharField(max_length=200, primary_key=True)
    public_key = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.member
