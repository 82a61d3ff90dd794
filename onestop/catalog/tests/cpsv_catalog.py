"""A small catalog for the CPSV-AP tests, built through the catalog's own commands."""

from __future__ import annotations

from typing import Any

from onestop.catalog import services as catalog
from onestop.catalog.models import (
    Agency,
    BeneficiaryCategory,
    Category,
    Cost,
    EvidenceType,
    LegalResource,
    LifeEvent,
    Service,
    ServiceVersion,
)
from onestop.staff.actors import SystemActor

ACTOR = SystemActor("test")


def text(en: str, fr: str) -> dict[str, str]:
    return {"en": en, "fr": fr}


def catalog_build() -> None:
    _reference_data()
    catalog.service_upsert(
        actor=ACTOR,
        code="birth-certificate",
        agency=Agency.objects.get(code="civil-registry"),
        annual_volume=1000,
        category_codes=["family"],
        center_codes=[],
        terms=birth_certificate_terms(),
    )
    catalog.service_upsert(
        actor=ACTOR,
        code="passport",
        agency=Agency.objects.get(code="migration-service"),
        annual_volume=500,
        category_codes=["passports"],
        center_codes=[],
        terms=passport_terms(),
    )
    catalog.life_event_upsert(
        actor=ACTOR,
        code="having-a-baby",
        service_codes=["birth-certificate", "passport"],
        values={
            "kind": "life",
            "name": text("Having a baby", "Naissance d'un enfant"),
            "description": text("Register and document a newborn.", "Déclarer un enfant."),
        },
    )
    catalog.life_event_upsert(
        actor=ACTOR,
        code="travelling-abroad",
        service_codes=["passport"],
        values={"kind": "business", "name": text("Business travel", "Voyage d'affaires")},
    )


def _reference_data() -> None:
    rows: list[tuple[Any, str, dict[str, Any]]] = [
        (
            BeneficiaryCategory,
            "pensioner",
            {"name": text("Pensioners", "Retraités"), "registry": "social-benefits"},
        ),
        (
            BeneficiaryCategory,
            "disability",
            {"name": text("People with disability", "Personnes handicapées")},
        ),
        (Category, "family", {"name": text("Family", "Famille"), "position": 1}),
        (
            Category,
            "identity-documents",
            {"name": text("Identity documents", "Pièces d'identité"), "position": 2},
        ),
        (
            LegalResource,
            "civil-status-act",
            {
                "title": text("Civil Status Act", "Loi sur l'état civil"),
                "citation": "Act No. 12/2009",
                "url": "https://laws.example/civil-status",
            },
        ),
        (LegalResource, "passport-act", {"title": text("Passport Act", "Loi sur les passeports")}),
        (
            EvidenceType,
            "identity-card",
            {
                "name": text("Identity card", "Carte d'identité"),
                "description": text("A valid national identity card.", "Une carte valide."),
                "registry": "identity",
                "registry_operation": "id-card",
            },
        ),
        (
            EvidenceType,
            "birth-record",
            {"name": text("Birth record", "Acte de naissance"), "registry": "civil"},
        ),
        (
            EvidenceType,
            "photo",
            {
                "name": text("Photograph", "Photographie"),
                "description": text("35x45 mm, recent.", "35x45 mm, récente."),
            },
        ),
        (
            Agency,
            "civil-registry",
            {
                "name": text("Civil Registry", "État civil"),
                "acronym": text("CR", "EC"),
                "description": text("Keeps births, marriages and deaths.", "Tient l'état civil."),
                "website": "https://civil.example",
                "email": "contact@civil.example",
                "telephone": "+000 1234 5678",
                "address": text("1 Main St", "1 rue Principale"),
                "opening_hours": {
                    "mon": ["08:30-12:00", "13:00-17:00"],
                    "tue": ["08:30-17:00"],
                    "wed": ["08:30-17:00"],
                    "thu": ["08:30-17:00"],
                    "fri": ["08:30-15:00"],
                    "sat": ["09:00-13:00"],
                },
                "spatial": "capital",
            },
        ),
        (
            Agency,
            "migration-service",
            {"name": text("Migration Service", "Service des migrations")},
        ),
    ]
    for model, code, values in rows:
        catalog.reference_upsert(actor=ACTOR, model=model, code=code, values=values)
    parent = Category.objects.get(code="identity-documents")
    catalog.reference_upsert(
        actor=ACTOR,
        model=Category,
        code="passports",
        values={"name": text("Passports", "Passeports"), "parent_id": parent.pk},
    )


def birth_certificate_terms() -> dict[str, Any]:
    return {
        "name": text("Birth certificate", "Acte de naissance"),
        "summary": text("A copy of a birth record.", "Une copie d'un acte."),
        "description": text(
            "Get a certified copy of a birth record.",
            "Obtenir une copie certifiée d'un acte de naissance.",
        ),
        "eligibility": text("The person, a parent or a guardian.", "La personne ou un parent."),
        "keywords": {"en": ["birth", "certificate copy"], "fr": ["naissance"]},
        "output_name": text("Birth certificate", "Acte de naissance"),
        "appeal": text("Appeal to the district court.", "Recours au tribunal."),
        "processing_days": 5,
        "express_processing_days": None,
        "output_validity_months": 6,
        "channels": ["online", "center", "post"],
        "form_schema": {
            "type": "object",
            "required": ["copies"],
            "properties": {"copies": {"type": "integer", "minimum": 1}},
        },
        "form_hints": {
            "order": ["copies"],
            "fields": {"copies": {"label": text("Copies", "Copies")}},
        },
        "effective_from": "2026-01-01",
        "criteria": [
            text("The birth was registered in the country.", "Naissance enregistrée."),
            text("The applicant is of age.", "Le demandeur est majeur."),
        ],
        "evidence": [
            {
                "type": "identity-card",
                "mandatory": True,
                "note": text("The original.", "L'original."),
            },
            {"type": "birth-record", "mandatory": False, "note": {}},
        ],
        "costs": {
            "standard": {
                "amount": "10.00",
                "currency": "XDM",
                "description": text("Per copy.", "Par copie."),
                "exemptions": {"pensioner": "0.00"},
            }
        },
        "legal": ["civil-status-act"],
    }


def passport_terms() -> dict[str, Any]:
    exemptions = {"disability": "25.00", "pensioner": "0.00"}
    return {
        "name": text("Passport", "Passeport"),
        "summary": text("Travel document.", "Document de voyage."),
        "description": text("Apply for or renew a passport.", "Demander un passeport."),
        "eligibility": {},
        "keywords": {"en": ["travel document"], "fr": ["document de voyage"]},
        "output_name": text("Passport", "Passeport"),
        "appeal": {},
        "processing_days": 15,
        "express_processing_days": 5,
        "output_validity_months": 120,
        "channels": ["center", "online", "mobile_unit", "kiosk", "call_center", "sms"],
        "form_schema": {"type": "object", "properties": {}},
        "form_hints": {"order": [], "fields": {}},
        "effective_from": None,
        "criteria": [text("The applicant is a citizen.", "Le demandeur est citoyen.")],
        "evidence": [
            {"type": "identity-card", "mandatory": True, "note": {}},
            {"type": "photo", "mandatory": True, "note": text("Two photos.", "Deux photos.")},
        ],
        "costs": {
            "standard": {
                "amount": "50.00",
                "currency": "XDM",
                "description": {},
                "exemptions": exemptions,
            },
            "express": {
                "amount": "120.50",
                "currency": "XDM",
                "description": text("Ready in 5 days.", "Prêt en 5 jours."),
                "exemptions": exemptions,
            },
        },
        "legal": ["passport-act"],
    }


def catalog_clear() -> None:
    """Empty the catalog (in the test's transaction), children before parents."""
    LifeEvent.objects.all().delete()
    Cost.objects.all().delete()
    ServiceVersion.objects.all().delete()
    Service.objects.all().delete()
    for model in (Agency, EvidenceType, LegalResource, BeneficiaryCategory):
        model.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
