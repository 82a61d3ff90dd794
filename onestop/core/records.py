"""Upserting a row by its code: the building block of idempotent loading."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

Row = TypeVar("Row", bound=models.Model)


def upsert_by_code(model: type[Row], code: str, values: dict[str, Any]) -> tuple[Row, str | None]:
    """Returns the row and "created", "updated" or None when nothing changed.

    Call inside a transaction; the row is locked while compared.
    """
    row = model._default_manager.select_for_update().filter(code=code).first()
    if row is None:
        return model._default_manager.create(code=code, **values), "created"
    changed = {key: value for key, value in values.items() if _value(row, key) != value}
    if not changed:
        return row, None
    for key, value in changed.items():
        setattr(row, key, value)
    row.save(update_fields=[_attname(row, key) for key in changed])
    return row, "updated"


def _attname(row: models.Model, key: str) -> str:
    field = row._meta.get_field(key)
    return field.attname if isinstance(field, models.Field) else key


def _value(row: models.Model, key: str) -> Any:
    return getattr(row, _attname(row, key))
