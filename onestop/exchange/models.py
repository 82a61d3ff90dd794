"""The data exchange's tables: who may ask what (access rights), what was asked (the log), and
the members' public keys (the trust list that verifies signed messages)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.core.ids import new_id

STATUSES = [
    ("ok", _("ok")),
    ("not_found", _("not found")),
    ("refused", _("refused")),
    ("pending", _("pending")),
    ("error", _("error")),
]


class AccessRight(models.Model):
    """A consumer (an X-Road client id such as `XM/GOV/onestop/portal`) may call one registry
    operation for one purpose. Anything without a row is refused."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    consumer = models.CharField(max_length=200, verbose_name=_("consumer"))
    registry = models.CharField(max_length=40, verbose_name=_("registry"))
    operation = models.CharField(max_length=60, verbose_name=_("operation"))
    purpose = models.CharField(max_length=60, verbose_name=_("purpose"))
    # The law or article that allows it, as the country pack states it (shown to auditors).
    legal_basis = models.TextField(blank=True, verbose_name=_("legal basis"))
    granted_at = models.DateTimeField(verbose_name=_("granted at"))
    granted_by = models.CharField(max_length=200, verbose_name=_("granted by"))

    class Meta:
        verbose_name = _("access right")
        verbose_name_plural = _("access rights")
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
    request_id = models.UUIDField(unique=True, verbose_name=_("request ID"))
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))
    consumer = models.CharField(max_length=200, verbose_name=_("consumer"))
    acting_user = models.CharField(max_length=200, verbose_name=_("acting user"))
    on_behalf_of = models.CharField(max_length=200, blank=True, verbose_name=_("on behalf of"))
    subject = models.CharField(max_length=40, blank=True, db_index=True, verbose_name=_("subject"))
    registry = models.CharField(max_length=40, verbose_name=_("registry"))
    operation = models.CharField(max_length=60, verbose_name=_("operation"))
    purpose = models.CharField(max_length=60, verbose_name=_("purpose"))
    status = models.CharField(max_length=12, choices=STATUSES, verbose_name=_("status"))
    duration_ms = models.PositiveIntegerField(verbose_name=_("duration (ms)"))

    class Meta:
        verbose_name = _("exchange log entry")
        verbose_name_plural = _("exchange log entries")
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
