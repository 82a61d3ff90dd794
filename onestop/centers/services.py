"""Commands that change service centers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from onestop.core.events import event_record
from onestop.core.records import upsert_by_code

from .models import Center


def center_upsert(*, actor: str, code: str, values: dict[str, Any]) -> tuple[Center, bool]:
    with transaction.atomic():
        center, action = upsert_by_code(Center, code, values)
        if action is None:
            return center, False
        event_record(
            name=f"centers.center_{action}",
            actor=actor,
            entity_type="centers.center",
            entity_id=str(center.pk),
            payload={"code": code, "fields": sorted(values)},
        )
        return center, True
