"""The services each reference registry offers, as an agency system would publish them:
(registry, operation) → the function that answers and its one query parameter. The registries'
HTTP server serves exactly this table; the data exchange's catalog names the same operations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from onestop.registries import operations


@dataclass(frozen=True)
class RegistryService:
    registry: str
    operation: str
    function: Callable[[str], dict[str, Any]]
    parameter: str


SERVICES: dict[tuple[str, str], RegistryService] = {
    (service.registry, service.operation): service
    for service in [
        RegistryService("civil", "person", operations.person_get, "national_id"),
        RegistryService("civil", "address", operations.person_address, "national_id"),
        RegistryService("civil", "family", operations.person_family, "national_id"),
        RegistryService(
            "documents", "identity-documents", operations.identity_documents, "national_id"
        ),
        RegistryService("vehicles", "vehicles-of", operations.vehicles_of, "national_id"),
        RegistryService("vehicles", "vehicle", operations.vehicle_get, "vin"),
        RegistryService("property", "properties-of", operations.properties_of, "national_id"),
        RegistryService("business", "business", operations.business_get, "business_id"),
        RegistryService("business", "businesses-of", operations.businesses_of, "national_id"),
        RegistryService("benefits", "benefit-status", operations.benefit_status, "national_id"),
        # One record per evidence type, about one person (docs/exchange.md, evidence).
        *(
            RegistryService(registry, operation, function, "national_id")
            for registry, operation, function in [
                ("civil", "birth-record", operations.birth_record),
                ("civil", "marriage-record", operations.marriage_record),
                ("civil", "divorce-record", operations.divorce_record),
                ("civil", "death-record", operations.death_record),
                ("civil", "residence-record", operations.residence_record),
                ("civil", "family-composition", operations.family_composition),
                ("documents", "identity-card", operations.identity_card),
                ("documents", "passport-document", operations.passport_document),
                ("vehicles", "vehicle-record", operations.vehicle_record),
                ("property", "property-title", operations.property_title),
                ("business", "business-record", operations.business_record),
                ("benefits", "social-benefit-status", operations.social_benefit_status),
            ]
        ),
    ]
}
REGISTRIES: tuple[str, ...] = tuple(dict.fromkeys(registry for registry, _ in SERVICES))


def registry_service_find(*, registry: str, operation: str) -> RegistryService | None:
    return SERVICES.get((registry, operation))
