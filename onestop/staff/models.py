"""Staff roles and the record of failed staff sign-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.core.ids import new_id

from .roles import Role


class StaffRole(models.Model):
    """One role a staff member holds, within an agency and/or a center, for a period.

    Whether a scope is needed depends on the action asked for (onestop/staff/permissions.py):
    a role without the agency an agency-scoped action names grants nothing for it.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("user"),
    )
    role = models.CharField(
        max_length=30,
        choices=Role.choices,
        verbose_name=_("role"),
    )
    agency = models.ForeignKey(
        "catalog.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    center = models.ForeignKey(
        "centers.Center",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service center"),
    )
    valid_from = models.DateTimeField(verbose_name=_("valid from"))
    valid_until = models.DateTimeField(null=True, blank=True, verbose_name=_("valid until"))

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["user_id", "role"]
        indexes = [models.Index(fields=["user", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gt=models.F("valid_from")),
                name="staff_role_valid_until_after_from",
            )
        ]

    def __str__(self) -> str:
        scope = " ".join(str(s) for s in (self.agency, self.center) if s is not None)
        return f"{self.user} · {self.get_role_display()}{f' · {scope}' if scope else ''}"


class SignInFailure(models.Model):
    """A failed staff sign-in, kept per username so a lockout holds across processes."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    username = models.CharField(max_length=150, db_index=True)
    failed_at = models.DateTimeField()

    class Meta:
        ordering = ["-failed_at"]
        indexes = [models.Index(fields=["username", "failed_at"])]

    def __str__(self) -> str:
        return f"{self.username} at {self.failed_at:%Y-%m-%d %H:%M}"
