"""A service version's terms as one plain dictionary, and back.

The pack loader, the admin's "edit a published service" and CPSV-AP import all describe a
version this way; comparing two such dictionaries is how "loading twice changes nothing" holds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import (
    BeneficiaryCategory,
    Cost,
    CostExemption,
    Criterion,
    EvidenceRequirement,
    EvidenceType,
    LegalResource,
    ServiceVersion,
    SubjectRole,
)

TEXT_FIELDS = ("name", "summary", "description", "eligibility", "keywords", "output_name", "appeal")
PLAIN_FIELDS = (
    "processing_days",
    "express_processing_days",
    "output_validity_months",
    "channels",
    "form_schema",
    "form_hints",
)


def amount_text(amount: Decimal | str | int) -> str:
    return f"{Decimal(str(amount)):.2f}"


def version_terms(version: ServiceVersion) -> dict[str, Any]:
    terms: dict[str, Any] = {field: getattr(version, field) for field in TEXT_FIELDS + PLAIN_FIELDS}
    terms["effective_from"] = version.effective_from.isoformat() if version.effective_from else None
    terms["criteria"] = [criterion.text for criterion in version.criteria.all()]
    terms["evidence"] = [
        _evidence_terms(item)
        for item in version.evidence_requirements.select_related("evidence_type")
    ]
    terms["costs"] = {
        cost.tier: {
            "amount": amount_text(cost.amount),
            "currency": cost.currency,
            "description": cost.description,
            "exemptions": {
                exemption.beneficiary_category.code: amount_text(exemption.amount)
                for exemption in cost.exemptions.select_related("beneficiary_category")
            },
        }
        for cost in version.costs.all()
    }
    terms["legal"] = sorted(version.legal_resources.values_list("code", flat=True))
    return terms


def _evidence_terms(item: EvidenceRequirement) -> dict[str, Any]:
    """An evidence requirement's terms; `subject` only when it is about another person than
    the applicant, so terms written before roles existed still compare equal."""
    terms = {"type": item.evidence_type.code, "mandatory": item.is_mandatory, "note": item.note}
    if item.subject_role != SubjectRole.APPLICANT:
        terms["subject"] = item.subject_role
    return terms


def version_fill(version: ServiceVersion, terms: dict[str, Any]) -> ServiceVersion:
    """Save `version` (unsaved, with service and number set) with `terms` and its child rows."""
    for field in TEXT_FIELDS:
        setattr(version, field, terms.get(field) or {})
    for field in PLAIN_FIELDS:
        default: Any = [] if field == "channels" else ({} if field.startswith("form") else None)
        setattr(version, field, terms.get(field, default))
    version.effective_from = terms.get("effective_from")
    version.save()
    Criterion.objects.bulk_create(
        Criterion(version=version, position=position, text=text)
        for position, text in enumerate(terms.get("criteria", []), start=1)
    )
    evidence_types = {e.code: e for e in EvidenceType.objects.all()}
    EvidenceRequirement.objects.bulk_create(
        EvidenceRequirement(
            version=version,
            evidence_type=evidence_types[item["type"]],
            position=position,
            is_mandatory=item.get("mandatory", True),
            note=item.get("note") or {},
            subject_role=item.get("subject") or SubjectRole.APPLICANT,
        )
        for position, item in enumerate(terms.get("evidence", []), start=1)
    )
    _fill_costs(version, terms.get("costs", {}))
    version.legal_resources.set(LegalResource.objects.filter(code__in=terms.get("legal", [])))
    return version


def _fill_costs(version: ServiceVersion, costs: dict[str, Any]) -> None:
    categories = {c.code: c for c in BeneficiaryCategory.objects.all()}
    for tier, cost_terms in costs.items():
        cost = Cost.objects.create(
            version=version,
            tier=tier,
            amount=Decimal(cost_terms["amount"]),
            currency=cost_terms["currency"],
            description=cost_terms.get("description") or {},
        )
        CostExemption.objects.bulk_create(
            CostExemption(cost=cost, beneficiary_category=categories[code], amount=Decimal(amount))
            for code, amount in cost_terms.get("exemptions", {}).items()
        )
