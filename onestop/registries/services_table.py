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
    ]
}
REGISTRIES: tuple[str, ...] = tuple(dict.fromkeys(registry for registry, _ in SERVICES))


def registry_service_find(*, registry: str, operation: str) -> RegistryService | None:
    return SERVICES.get((registry, operation))
