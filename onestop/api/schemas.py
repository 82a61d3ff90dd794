"""The API's response shapes. Texts are already in the response's language; amounts are
strings with two decimals, never floats."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Field, Schema


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorBody


class Reference(Schema):
    """Another catalog entry, named in the response's language."""

    code: str
    name: str


class AgencyOut(Schema):
    code: str
    name: str
    acronym: str
    description: str
    website: str
    email: str
    telephone: str
    address: str
    opening_hours: dict[str, list[str]]


class AgencyPage(Schema):
    language: str
    count: int
    items: list[AgencyOut]


class MoneyOut(Schema):
    amount: str
    currency: str


class ServiceSummaryOut(Schema):
    code: str
    name: str
    summary: str
    agency: Reference
    categories: list[Reference]
    processing_days: int
    fee_standard: MoneyOut | None
    url: str


class ServicePage(Schema):
    language: str
    count: int
    limit: int
    offset: int
    items: list[ServiceSummaryOut]


class EvidenceOut(Schema):
    code: str
    name: str
    mandatory: bool
    note: str
    held_by_registry: bool


class ExemptionOut(Schema):
    category: str
    name: str
    amount: str


class CostOut(Schema):
    tier: str
    amount: str
    currency: str
    description: str
    exemptions: list[ExemptionOut]


class OutputOut(Schema):
    name: str
    validity_months: int | None


class CenterOut(Schema):
    code: str
    name: str
    kind: str
    address: str
    region: str
    opening_hours: dict[str, list[str]]


class LegalResourceOut(Schema):
    code: str
    title: str
    citation: str
    url: str


class FormFieldHints(Schema):
    label: str
    help: str
    options: dict[str, str]


class FormHints(Schema):
    order: list[str]
    fields: dict[str, FormFieldHints]


class FormOut(Schema):
    """The application form: a JSON Schema 2020-12 and how to present each field."""

    # `schema` would shadow a pydantic attribute; routes returning it dump by alias.
    form_schema: dict[str, Any] = Field(alias="schema")
    hints: FormHints


class VersionOut(Schema):
    number: int
    status: str
    effective_from: date | None
    effective_to: date | None


class VersionLink(VersionOut):
    url: str


class VersionList(Schema):
    language: str
    service: str
    count: int
    items: list[VersionLink]


class PassportOut(Schema):
    """A service passport: everything a person needs to know before applying."""

    language: str
    code: str
    name: str
    summary: str
    description: str
    eligibility: str
    criteria: list[str]
    evidence: list[EvidenceOut]
    costs: list[CostOut]
    processing_days: int
    express_processing_days: int | None
    output: OutputOut
    channels: list[str]
    centers: list[CenterOut]
    legal_resources: list[LegalResourceOut]
    appeal: str
    agency: Reference
    categories: list[Reference]
    life_events: list[Reference]
    form: FormOut
    version: VersionOut
    versions: list[VersionLink]
    url: str


class LifeEventServiceOut(Schema):
    code: str
    name: str
    agency: Reference
    url: str


class LifeEventOut(Schema):
    code: str
    kind: str
    name: str
    description: str
    is_all_or_nothing: bool
    services: list[LifeEventServiceOut]


class LifeEventPage(Schema):
    language: str
    count: int
    items: list[LifeEventOut]


class LifeEventDetail(Schema):
    language: str
    code: str
    kind: str
    name: str
    description: str
    is_all_or_nothing: bool
    services: list[LifeEventServiceOut]


def error_responses(*codes: int) -> dict[int, Any]:
    """The error statuses an operation documents — 401, 403, 404 and 422, and `codes` — each
    answered with ErrorOut."""
    return {code: ErrorOut for code in (401, 403, 404, 422, *codes)}
