"""Reads: the roles a staff member holds."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from onestop.core import clock

from .models import StaffRole


def staff_roles_list(*, user: Any) -> QuerySet[StaffRole]:
    """Every role the user holds, held or ended, newest first."""
    return (
        StaffRole.objects.filter(user=user)
        .select_related("agency", "center")
        .order_by("-valid_from", "role")
    )


def staff_roles_current(*, user: Any) -> QuerySet[StaffRole]:
    """Roles in force now or starting later (not yet ended)."""
    return staff_roles_list(user=user).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=clock.now())
    )
