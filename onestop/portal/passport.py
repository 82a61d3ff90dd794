"""What a service passport shows, shaped for the template from an already-fetched version.

Nothing here queries the database: `service_version_get` prefetches every relation used, so
the passport costs a fixed number of queries however long it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from onestop.catalog.models import Cost, ServiceVersion
from onestop.core.money import Money
from onestop.core.text import pick

from .labels import CENTER_KINDS, FEE_TIERS, WEEKDAYS, channel_label, registry_label

TIER_ORDER = ("standard", "express")


@dataclass(frozen=True)
class OpeningDay:
    day: str
    hours: list[str]


@dataclass(frozen=True)
class Evidence:
    name: str
    description: str
    note: str
    is_mandatory: bool
    registry: str  # who holds it, or "" when the applicant brings it


@dataclass(frozen=True)
class Fee:
    tier: str
    label: str
    amount: str
    is_free: bool


@dataclass(frozen=True)
class Exemption:
    category: str
    fees: list[Fee]


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    kind: str
    address: str
    telephone: str
    email: str
    opening_days: list[OpeningDay]


@dataclass(frozen=True)
class Passport:
    fees: list[Fee]
    exemptions: list[Exemption]
    evidence: list[Evidence]
    channels: list[str]
    centers: list[Place]
    agency_opening_days: list[OpeningDay]


def opening_days(hours: Mapping[str, Sequence[str]] | None) -> list[OpeningDay]:
    """Every day of the week in order; a day the schedule leaves out is closed (no hours)."""
    hours = hours or {}
    return [OpeningDay(day=str(label), hours=list(hours.get(code, []))) for code, label in WEEKDAYS]


def money_text(amount: Decimal, currency: str, language: str) -> str:
    return Money(amount, currency).format(language)


def _fee(cost: Cost, amount: Decimal, language: str) -> Fee:
    return Fee(
        tier=cost.tier,
        label=str(FEE_TIERS.get(cost.tier, cost.tier)),
        amount=money_text(amount, cost.currency, language),
        is_free=amount == 0,
    )


def _costs(version: ServiceVersion) -> list[Cost]:
    costs = list(version.costs.all())
    return sorted(
        costs, key=lambda c: TIER_ORDER.index(c.tier) if c.tier in TIER_ORDER else len(TIER_ORDER)
    )


def _exemptions(costs: list[Cost], language: str) -> list[Exemption]:
    """One row per beneficiary category, with what it pays in each tier (the full fee where a
    tier grants it no exemption)."""
    rows: dict[str, tuple[str, dict[str, Fee]]] = {}
    for cost in costs:
        for exemption in cost.exemptions.all():
            category = exemption.beneficiary_category
            _, fees = rows.setdefault(category.code, (pick(category.name, language), {}))
            fees[cost.tier] = _fee(cost, exemption.amount, language)
    return [
        Exemption(
            category=name,
            fees=[fees.get(cost.tier) or _fee(cost, cost.amount, language) for cost in costs],
        )
        for name, fees in rows.values()
    ]


def _evidence(version: ServiceVersion, language: str) -> list[Evidence]:
    return [
        Evidence(
            name=pick(item.evidence_type.name, language),
            description=pick(item.evidence_type.description, language),
            note=pick(item.note, language),
            is_mandatory=item.is_mandatory,
            registry=(
                registry_label(item.evidence_type.registry)
                if item.evidence_type.is_held_by_state
                else ""
            ),
        )
        for item in version.evidence_requirements.all()
    ]


def _places(version: ServiceVersion, language: str) -> list[Place]:
    return [
        Place(
            code=center.code,
            name=pick(center.name, language),
            kind=str(CENTER_KINDS.get(center.kind, center.kind)),
            address=pick(center.address, language),
            telephone=center.telephone,
            email=center.email,
            opening_days=opening_days(center.opening_hours),
        )
        for center in version.service.centers.all()
    ]


def passport_build(*, version: ServiceVersion, language: str) -> Passport:
    costs = _costs(version)
    return Passport(
        fees=[_fee(cost, cost.amount, language) for cost in costs],
        exemptions=_exemptions(costs, language),
        evidence=_evidence(version, language),
        channels=[channel_label(code) for code in version.channels],
        centers=_places(version, language),
        agency_opening_days=opening_days(version.service.agency.opening_hours),
    )


def standard_fee(*, version: ServiceVersion, language: str) -> Fee | None:
    """The standard tier's fee (for lists); reads `version.costs`, prefetched or not."""
    costs = _costs(version)
    return _fee(costs[0], costs[0].amount, language) if costs else None
