"""A small, valid country pack written from Python, for tests that need their own catalog."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ["en", "fr", "ru", "ar"]


def t(en: str, fr: str | None = None, ru: str | None = None, ar: str | None = None) -> dict:
    return {"en": en, "fr": fr or f"{en} (fr)", "ru": ru or f"{en} (ru)", "ar": ar or f"{en} (ar)"}


COUNTRY: dict[str, Any] = {
    "code": "XM",
    "name": t("Republic of Testland"),
    "languages": LANGUAGES,
    "currency": "EUR",
    "time_zone": "Europe/Paris",
    "calendar": {
        "working_week": ["mon", "tue", "wed", "thu", "fri"],
        "holidays": {"fixed": [{"month": 1, "day": 1, "name": t("New Year")}]},
    },
    "national_id": {
        "name": t("National ID"),
        "pattern": "^[0-9]{11}$",
        "check_digit": "luhn",
        "example": "12345678903",
    },
    "business_id": {"name": t("Business ID"), "pattern": "^[0-9]{9}$", "check_digit": "mod11"},
    "regions": [{"code": "capital", "name": t("Capital")}],
}


def form(*fields: str) -> dict:
    return {
        "schema": {
            "type": "object",
            "required": list(fields[:1]),
            "properties": {name: {"type": "string", "maxLength": 200} for name in fields},
        },
        "hints": {
            "order": list(fields),
            "fields": {name: {"label": t(name.replace("_", " ").title())} for name in fields},
        },
    }


def service(code: str, name: dict, agency: str = "civil-registry", **extra: Any) -> dict:
    data = {
        "code": code,
        "agency": agency,
        "categories": ["family"],
        "annual_volume": 1000,
        "effective_from": "2026-01-01",
        "name": name,
        "summary": t(f"Summary of {name['en']}."),
        "description": t(f"Description of {name['en']}."),
        "eligibility": t("Residents."),
        "criteria": [t("You live in Testland.")],
        "keywords": {"en": [f"{code} keyword"]},
        "processing_days": 10,
        "output": {"name": t("Certificate"), "validity_months": 6},
        "channels": ["online", "center"],
        "centers": "all",
        "fees": {
            "standard": {"amount": "10.00", "description": t("Fee.")},
            "exemptions": [{"category": "pensioner", "amount": "0"}],
        },
        "evidence": [{"type": "birth-record", "mandatory": True}],
        "legal": ["civil-act"],
        "appeal": t("Appeal to the court within 30 days."),
        "form": form("reason", "contact_phone"),
    }
    data.update(extra)
    return data


SECTIONS: dict[str, Any] = {
    "beneficiaries.yaml": {
        "beneficiaries": [
            {"code": "pensioner", "name": t("Pensioners"), "registry": "social-benefits"}
        ]
    },
    "categories.yaml": {
        "categories": [
            {"code": "family", "name": t("Family")},
            {"code": "travel", "name": t("Travel")},
        ]
    },
    "agencies.yaml": {
        "agencies": [
            {
                "code": "civil-registry",
                "name": t("Civil Registry"),
                "description": t("Civil status."),
                "website": "https://civil.gov.example/",
                "email": "contact@civil.gov.example",
                "telephone": "+999 21 555 0100",
                "address": t("1 Main Street"),
                "opening_hours": {"mon": ["08:30-17:00"]},
            },
            {"code": "migration", "name": t("Migration Service"), "description": t("Passports.")},
        ]
    },
    "legal.yaml": {
        "legal_resources": [
            {
                "code": "civil-act",
                "title": t("Civil Status Act"),
                "citation": "Act No. 1/2000",
                "url": "https://laws.gov.example/civil",
            }
        ]
    },
    "evidence.yaml": {
        "evidence_types": [
            {
                "code": "birth-record",
                "name": t("Birth record"),
                "registry": "civil",
                "registry_operation": "birth-record",
            },
            {"code": "photo", "name": t("Photo")},
        ]
    },
    "centers.yaml": {
        "centers": [
            {
                "code": "central",
                "kind": "center",
                "name": t("Central Office"),
                "region": "capital",
                "latitude": 44.5,
                "longitude": 4.25,
                "opening_hours": {"mon": ["08:00-18:00"]},
            }
        ]
    },
    "services/main.yaml": {
        "services": [
            service(
                "birth-registration",
                t(
                    "Birth registration",
                    "Déclaration de naissance",
                    "Регистрация рождения",
                    "تسجيل المواليد",
                ),
            ),
            service(
                "passport",
                t("Passport", "Passeport", "Паспорт", "جواز السفر"),
                agency="migration",
                categories=["travel"],
                processing_days=15,
                express_processing_days=5,
                fees={
                    "standard": {"amount": "60.00", "description": t("Standard.")},
                    "express": {"amount": "120.00", "description": t("Express.")},
                    "exemptions": [{"category": "pensioner", "amount": "30.00"}],
                },
                evidence=[{"type": "photo", "mandatory": True, "note": t("Recent photo.")}],
            ),
        ]
    },
    "life_events.yaml": {
        "life_events": [
            {
                "code": "having-a-baby",
                "kind": "life",
                "name": t("Having a baby"),
                "description": t("What to do."),
                "services": ["birth-registration", "passport"],
            }
        ]
    },
}


def mini_pack(path: Path, changes: dict[str, Any] | None = None) -> Path:
    """Write the pack into `path`; `changes` replaces whole files (None removes one)."""
    files: dict[str, Any] = {"country.yaml": copy.deepcopy(COUNTRY), **copy.deepcopy(SECTIONS)}
    for name, content in (changes or {}).items():
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    for name, content in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False))
    return path
