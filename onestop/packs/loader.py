"""Loading a validated pack: idempotent upserts in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from onestop.applications.decisions import ReasonSpec, decision_reasons_sync
from onestop.catalog import services as catalog
from onestop.catalog.models import (
    Agency,
    BeneficiaryCategory,
    Category,
    EvidenceType,
    LegalResource,
)
from onestop.catalog.terms import amount_text
from onestop.centers.services import center_upsert
from onestop.core.errors import InvalidInput
from onestop.core.events import event_record
from onestop.core.models import CountryProfile
from onestop.exchange.services import RightSpec, access_rights_sync
from onestop.notifications import services as notifications
from onestop.staff.actors import Actor, SystemActor, actor_label

from .reading import PackContent, PackError
from .validation import pack_validate


class PackInvalid(InvalidInput):
    code = "pack_invalid"

    def __init__(self, errors: list[PackError]) -> None:
        super().__init__(f"The pack has {len(errors)} error(s).", errors=errors)
        self.errors = errors


@dataclass
class LoadReport:
    changed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.changed.values())

    def count(self, section: str, changed: bool) -> None:
        self.changed.setdefault(section, 0)
        self.changed[section] += int(changed)


PACK_LOADER = SystemActor("pack-loader")


def pack_load(*, path: Path, actor: Actor = PACK_LOADER) -> LoadReport:
    """Load or update everything the pack lists. A staff user as `actor` needs every action the
    pack touches (catalog, templates, access rights); the command line is a SystemActor."""
    content, errors = pack_validate(path)
    if errors:
        raise PackInvalid(errors)
    report = LoadReport()
    with transaction.atomic():
        report.count("country", _country_load(content, actor))
        simple: list[tuple[str, Any, tuple[str, ...]]] = [
            ("beneficiaries", BeneficiaryCategory, ("name", "registry")),
            ("legal_resources", LegalResource, ("title", "citation", "url")),
            (
                "evidence_types",
                EvidenceType,
                ("name", "description", "registry", "registry_operation"),
            ),
            (
                "agencies",
                Agency,
                (
                    "name",
                    "acronym",
                    "description",
                    "website",
                    "email",
                    "telephone",
                    "address",
                    "opening_hours",
                    "spatial",
                ),
            ),
        ]
        for section, model, fields in simple:
            for item in content.items[section]:
                values = _values(item.data, fields, model)
                _, changed = catalog.reference_upsert(
                    actor=actor, model=model, code=item.data["code"], values=values
                )
                report.count(section, changed)
        _categories_load(content, actor, report)
        for item in content.items["centers"]:
            _, changed = center_upsert(
                actor=actor_label(actor), code=item.data["code"], values=_center_values(item.data)
            )
            report.count("centers", changed)
        for item in content.items["services"]:
            report.count("services", _service_load(content, item.data, actor))
        for position, item in enumerate(content.items["life_events"], start=1):
            data = item.data
            _, changed = catalog.life_event_upsert(
                actor=actor,
                code=data["code"],
                service_codes=data["services"],
                values={
                    "kind": data["kind"],
                    "name": data["name"],
                    "description": data.get("description", {}),
                    "is_all_or_nothing": data.get("is_all_or_nothing", False),
                    "position": data.get("position", position),
                },
            )
            report.count("life_events", changed)
        for item in content.items["notification_templates"]:
            _notification_templates_load(content.languages, item.data, actor, report)
        if "access_rights" in content.present:
            _access_rights_load(content, actor, report)
        if "decision_reasons" in content.present:
            _decision_reasons_load(content, actor, report)
    return report


def _decision_reasons_load(content: PackContent, actor: Actor, report: LoadReport) -> None:
    """The pack is the source of the reasons officers decide with: what it lists is active, in
    its order; anything else is retired."""
    reasons = [
        ReasonSpec(code=data["code"], decision=data["decision"], label=data["label"])
        for data in (item.data for item in content.items["decision_reasons"])
    ]
    synced = decision_reasons_sync(actor=actor, reasons=reasons)
    report.changed["decision_reasons"] = synced.changed + synced.retired


def _access_rights_load(content: PackContent, actor: Actor, report: LoadReport) -> None:
    """The pack is the source of rights: what it lists is granted, anything else revoked."""
    rights = [
        RightSpec(
            consumer=data["consumer"],
            registry=name.split("/", 1)[0],
            operation=name.split("/", 1)[1],
            purpose=data["purpose"],
            legal_basis=data["legal_basis"],
        )
        for data in (item.data for item in content.items["access_rights"])
        for name in data["operations"]
    ]
    synced = access_rights_sync(actor=actor, rights=rights)
    report.changed["access_rights"] = synced.granted + synced.revoked + synced.basis_changed


def _values(data: dict, fields: tuple[str, ...], model: Any) -> dict[str, Any]:
    values = {}
    for name in fields:
        default = "" if model._meta.get_field(name).get_internal_type() != "JSONField" else {}
        values[name] = data.get(name, default)
    return values


def _country_load(content: PackContent, actor: Actor) -> bool:
    data = content.country
    values = {
        "code": data["code"],
        "name": data["name"],
        "languages": data["languages"],
        "currency": data["currency"],
        "time_zone": data["time_zone"],
        "calendar": data["calendar"],
        "national_id": data["national_id"],
        "business_id": data["business_id"],
        "regions": data["regions"],
        "quiet_hours": data.get("quiet_hours", {}),
    }
    profile = CountryProfile.objects.filter(id=1).first()
    if profile and all(getattr(profile, k) == v for k, v in values.items()):
        return False
    CountryProfile.objects.update_or_create(id=1, defaults=values)
    event_record(
        name="packs.country_loaded",
        actor=actor_label(actor),
        entity_type="core.countryprofile",
        entity_id="1",
        payload={"code": data["code"]},
    )
    return True


def _categories_load(content: PackContent, actor: Actor, report: LoadReport) -> None:
    items = content.items["categories"]
    for position, item in enumerate(items, start=1):
        _, changed = catalog.reference_upsert(
            actor=actor,
            model=Category,
            code=item.data["code"],
            values={"name": item.data["name"], "position": position},
        )
        report.count("categories", changed)
    parents = {c.code: c.pk for c in Category.objects.all()}
    for item in items:
        parent = item.data.get("parent")
        _, changed = catalog.reference_upsert(
            actor=actor,
            model=Category,
            code=item.data["code"],
            values={"parent_id": parents.get(parent) if parent else None},
        )
        report.count("categories", changed)


def _center_values(data: dict) -> dict[str, Any]:
    def coordinate(key: str) -> Decimal | None:
        return Decimal(str(data[key])).quantize(Decimal("0.000001")) if key in data else None

    return {
        "kind": data["kind"],
        "name": data["name"],
        "address": data.get("address", {}),
        "region": data["region"],
        "latitude": coordinate("latitude"),
        "longitude": coordinate("longitude"),
        "telephone": data.get("telephone", ""),
        "email": data.get("email", ""),
        "opening_hours": data.get("opening_hours", {}),
    }


def _service_load(content: PackContent, data: dict, actor: Actor) -> bool:
    agency = Agency.objects.get(code=data["agency"])
    centers = data.get("centers", "all")
    _, changed = catalog.service_upsert(
        actor=actor,
        code=data["code"],
        agency=agency,
        annual_volume=data.get("annual_volume", 0),
        category_codes=data.get("categories", []),
        center_codes=None if centers == "all" else centers,
        terms=service_terms(content.country.get("currency", ""), data),
    )
    return changed


def service_terms(country_currency: str, data: dict) -> dict[str, Any]:
    """A pack service entry in the shape `catalog.terms.version_terms` returns."""
    fees = data["fees"]
    currency = fees.get("currency", country_currency)
    exemptions = {e["category"]: amount_text(e["amount"]) for e in fees.get("exemptions", [])}
    output = data.get("output") or {}
    effective_from = data.get("effective_from")
    return {
        "name": data["name"],
        "summary": data.get("summary", {}),
        "description": data.get("description", {}),
        "eligibility": data.get("eligibility", {}),
        "keywords": data.get("keywords", {}),
        "output_name": output.get("name", {}),
        "appeal": data.get("appeal", {}),
        "processing_days": data["processing_days"],
        "express_processing_days": data.get("express_processing_days"),
        "output_validity_months": output.get("validity_months"),
        "channels": data["channels"],
        "form_schema": data["form"]["schema"],
        "form_hints": data["form"]["hints"],
        "effective_from": str(effective_from) if effective_from else None,
        "criteria": data.get("criteria", []),
        "evidence": [_evidence_terms(e) for e in data.get("evidence", [])],
        "costs": {
            tier: {
                "amount": amount_text(fees[tier]["amount"]),
                "currency": currency,
                "description": fees[tier].get("description", {}),
                "exemptions": exemptions,
            }
            for tier in ("standard", "express")
            if tier in fees
        },
        "legal": sorted(data.get("legal", [])),
    }


def _evidence_terms(entry: dict) -> dict[str, Any]:
    """A pack evidence entry as `catalog.terms` describes it: `subject` only when the evidence
    is about another person than the applicant."""
    terms = {
        "type": entry["type"],
        "mandatory": entry.get("mandatory", True),
        "note": entry.get("note", {}),
    }
    if entry.get("subject", "applicant") != "applicant":
        terms["subject"] = entry["subject"]
    return terms


NOTIFICATION_CHANNEL_TEXTS = {
    # channel: (subject, plain text, HTML) keys of a pack entry
    "sms": (None, "sms", None),
    "email": ("email_subject", "email_text", "email_html"),
    "inbox": ("inbox_subject", "inbox_body", None),
}


def _notification_templates_load(
    languages: list[str], data: dict, actor: Actor, report: LoadReport
) -> None:
    for channel, (subject, body_text, body_html) in NOTIFICATION_CHANNEL_TEXTS.items():
        if body_text not in data:
            continue
        for language in languages:
            _, changed = notifications.notification_template_upsert(
                actor=actor,
                kind=data["kind"],
                channel=channel,
                language=language,
                values={
                    "subject": data[subject][language] if subject else "",
                    "body_text": data[body_text][language],
                    "body_html": data[body_html][language] if body_html in data else "",
                    "max_segments": data.get("sms_max_segments", 1),
                    "is_urgent": data.get("is_urgent", False),
                    "is_essential": data.get("is_essential", True),
                },
            )
            report.count("notification_templates", changed)
