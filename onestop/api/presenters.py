"""Catalog rows as plain dictionaries in one language, shaped as `schemas` describes.

Everything here reads only what the selectors already fetched (or, for fees, prefetches once
for a whole page), so presenting a page costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from onestop.catalog.models import (
    Agency,
    Cost,
    FeeTier,
    LifeEvent,
    Service,
    ServiceVersion,
)
from onestop.catalog.terms import amount_text
from onestop.centers.models import Center
from onestop.core.text import pick


def service_url(code: str) -> str:
    return reverse("api:service_get", kwargs={"code": code})


def version_url(code: str, number: int) -> str:
    return reverse("api:service_version_get", kwargs={"code": code, "number": number})


def reference(row: Any, language: str) -> dict[str, str]:
    return {"code": row.code, "name": pick(row.name, language)}


def agency_out(agency: Agency, language: str) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": pick(agency.name, language),
        "acronym": pick(agency.acronym, language),
        "description": pick(agency.description, language),
        "website": agency.website,
        "email": agency.email,
        "telephone": agency.telephone,
        "address": pick(agency.address, language),
        "opening_hours": agency.opening_hours,
    }


def current_version(service: Service) -> ServiceVersion:
    """The published version `service_summaries` attached as `current`."""
    return service.current[0]  # type: ignore[attr-defined]


def _standard_fee(version: ServiceVersion) -> dict[str, str] | None:
    for cost in version.costs.all():
        if cost.tier == FeeTier.STANDARD:
            return {"amount": amount_text(cost.amount), "currency": cost.currency}
    return None


def service_summary_out(service: Service, language: str) -> dict[str, Any]:
    version = current_version(service)
    return {
        "code": service.code,
        "name": pick(version.name, language),
        "summary": pick(version.summary, language),
        "agency": reference(service.agency, language),
        "categories": [reference(c, language) for c in service.categories.all()],
        "processing_days": version.processing_days,
        "fee_standard": _standard_fee(version),
        "url": service_url(service.code),
    }


def version_out(version: ServiceVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "status": version.status,
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
    }


def version_link(version: ServiceVersion, code: str) -> dict[str, Any]:
    return {**version_out(version), "url": version_url(code, version.number)}


def _tier(cost: Cost) -> int:
    """Standard first, then express (the order a person weighs them in)."""
    return list(FeeTier.values).index(cost.tier)


def _cost_out(cost: Cost, language: str) -> dict[str, Any]:
    return {
        "tier": cost.tier,
        "amount": amount_text(cost.amount),
        "currency": cost.currency,
        "description": pick(cost.description, language),
        "exemptions": [
            {
                "category": exemption.beneficiary_category.code,
                "name": pick(exemption.beneficiary_category.name, language),
                "amount": amount_text(exemption.amount),
            }
            for exemption in sorted(
                cost.exemptions.all(), key=lambda e: e.beneficiary_category.code
            )
        ],
    }


def _center_out(center: Center, language: str) -> dict[str, Any]:
    return {
        "code": center.code,
        "name": pick(center.name, language),
        "kind": center.kind,
        "address": pick(center.address, language),
        "region": center.region,
        "opening_hours": center.opening_hours,
    }


def _form_out(version: ServiceVersion, language: str) -> dict[str, Any]:
    hints = version.form_hints or {}
    fields = {
        name: {
            "label": pick(field.get("label"), language),
            "help": pick(field.get("help"), language),
            "options": {
                value: pick(label, language) for value, label in field.get("options", {}).items()
            },
        }
        for name, field in hints.get("fields", {}).items()
    }
    return {
        "schema": version.form_schema,
        "hints": {"order": hints.get("order", []), "fields": fields},
    }


def passport_out(
    version: ServiceVersion, history: Iterable[ServiceVersion], language: str
) -> dict[str, Any]:
    """The passport of `version` (as `service_version_get` fetched it). Agency, categories,
    centers and life events belong to the service, so an older version shows today's."""
    service = version.service
    return {
        "language": language,
        "code": service.code,
        "name": pick(version.name, language),
        "summary": pick(version.summary, language),
        "description": pick(version.description, language),
        "eligibility": pick(version.eligibility, language),
        "criteria": [pick(criterion.text, language) for criterion in version.criteria.all()],
        "evidence": [
            {
                "code": item.evidence_type.code,
                "name": pick(item.evidence_type.name, language),
                "mandatory": item.is_mandatory,
                "note": pick(item.note, language),
                "held_by_registry": item.evidence_type.is_held_by_state,
            }
            for item in version.evidence_requirements.all()
        ],
        "costs": [_cost_out(cost, language) for cost in sorted(version.costs.all(), key=_tier)],
        "processing_days": version.processing_days,
        "express_processing_days": version.express_processing_days,
        "output": {
            "name": pick(version.output_name, language),
            "validity_months": version.output_validity_months,
        },
        "channels": list(version.channels),
        "centers": [_center_out(center, language) for center in service.centers.all()],
        "legal_resources": [
            {
                "code": legal.code,
                "title": pick(legal.title, language),
                "citation": legal.citation,
                "url": legal.url,
            }
            for legal in version.legal_resources.all()
        ],
        "appeal": pick(version.appeal, language),
        "agency": reference(service.agency, language),
        "categories": [reference(c, language) for c in service.categories.all()],
        "life_events": [
            reference(step.life_event, language) for step in service.life_event_steps.all()
        ],
        "form": _form_out(version, language),
        "version": version_out(version),
        "versions": [version_link(v, service.code) for v in history],
        "url": version_url(service.code, version.number),
    }


def life_event_out(
    life_event: LifeEvent, services: list[tuple[Service, ServiceVersion]], language: str
) -> dict[str, Any]:
    return {
        "code": life_event.code,
        "kind": life_event.kind,
        "name": pick(life_event.name, language),
        "description": pick(life_event.description, language),
        "is_all_or_nothing": life_event.is_all_or_nothing,
        "services": [
            {
                "code": service.code,
                "name": pick(version.name, language),
                "agency": reference(service.agency, language),
                "url": service_url(service.code),
            }
            for service, version in services
        ],
    }


def life_event_services(
    life_event: LifeEvent, published: dict[str, Service]
) -> list[tuple[Service, ServiceVersion]]:
    """The event's services in order, each with its published version (from
    `service_summaries`); services without one are left out, as `life_event_get` does."""
    return [
        (step.service, current_version(published[step.service.code]))
        for step in life_event.steps.all()
        if step.service.code in published
    ]
