"""The registry operations the exchange offers, named as X-Road services
(`/r1/XM/GOV/<registry>/<operation>`), each with its one parameter and how to find the person
the query is about (for the exchange log). Evidence operations are named like the evidence type
they answer for (`civil/birth-record`), as the country pack's `registry_operation` names them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from onestop.registries import operations


@dataclass(frozen=True)
class Operation:
    registry: str
    name: str
    function: Callable[[str], dict[str, Any]]
    parameter: str
    # The parameter holds a national ID; otherwise the subject is read from the answer.
    parameter_is_subject: bool = True
    subject_in_answer: str = ""
    # Answers with an evidence type's record about one person (see evidence.py).
    is_evidence: bool = False


OPERATIONS: dict[tuple[str, str], Operation] = {
    (op.registry, op.name): op
    for op in [
        Operation("civil", "person", operations.person_get, "national_id"),
        Operation("civil", "address", operations.person_address, "national_id"),
        Operation("civil", "family", operations.person_family, "national_id"),
        Operation("documents", "identity-documents", operations.identity_documents, "national_id"),
        Operation("vehicles", "vehicles-of", operations.vehicles_of, "national_id"),
        Operation(
            "vehicles",
            "vehicle",
            operations.vehicle_get,
            "vin",
            parameter_is_subject=False,
            subject_in_answer="owner_national_id",
        ),
        Operation("property", "properties-of", operations.properties_of, "national_id"),
        Operation("business", "business", operations.business_get, "business_id", False, ""),
        Operation("business", "businesses-of", operations.businesses_of, "national_id"),
        Operation("benefits", "benefit-status", operations.benefit_status, "national_id"),
        *(
            Operation(registry, name, function, "national_id", is_evidence=True)
            for registry, name, function in [
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


def operation_find(*, registry: str, operation: str) -> Operation | None:
    return OPERATIONS.get((registry, operation))
