"""A form field as a page asks it — the portal's apply pages and the counter's share this: the
kind of input, the value kept, its messages and where a prefilled value came from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .form_merge import FormField
from .models import Draft


@dataclass(frozen=True)
class Question:
    field: FormField
    kind: str  # choice | yes_no | date | number | multiple | text
    value: Any
    errors: list[str]
    source: str  # where a prefilled value came from, in the reader's language
    fetched_at: datetime | None
    is_editable: bool

    @property
    def values(self) -> list[str]:
        return [str(item) for item in self.value] if isinstance(self.value, list) else []


def _parts(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *(schema.get("allOf") or [])]


def field_kind(schema: dict[str, Any]) -> str:
    """The input a field's JSON Schema asks for."""
    parts = _parts(schema)
    kinds = {part.get("type") for part in parts}
    if any("enum" in part for part in parts):
        return "choice"
    if "boolean" in kinds:
        return "yes_no"
    if "array" in kinds:
        return "multiple"
    if any(part.get("format") == "date" for part in parts):
        return "date"
    return "number" if kinds & {"integer", "number"} else "text"


def field_is_read_only(schema: dict[str, Any]) -> bool:
    """A field whose schema says `readOnly` keeps the registry's value when one was found."""
    return any(part.get("readOnly") for part in _parts(schema))


def posted_answers(
    *, draft: Draft, fields: Iterable[FormField], posted: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """A page's answers from what was posted (`posted`: name → values); a read-only field
    with a registry's value keeps that value, whatever was posted."""
    answers: dict[str, Any] = {}
    for item in fields:
        prefill = draft.prefill.get(item.name)
        values = list(posted.get(item.name) or [])
        if prefill and field_is_read_only(item.schema):
            answers[item.name] = prefill["value"]
        elif field_kind(item.schema) == "multiple":
            answers[item.name] = [value for value in values if value.strip()] or ""
        else:
            answers[item.name] = values[-1] if values else ""
    return answers
