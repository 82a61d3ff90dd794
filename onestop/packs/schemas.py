"""JSON Schemas of the pack's sections; translated texts require every pack language."""

from __future__ import annotations

from typing import Any

from onestop.notifications.kinds import KINDS

CODE = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$", "maxLength": 60}
CHANNELS = [
    "online",
    "center",
    "mobile_unit",
    "kiosk",
    "partner_outlet",
    "call_center",
    "sms",
    "post",
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
AMOUNT = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"}
HOURS = {
    "type": "object",
    "propertyNames": {"enum": WEEKDAYS},
    "additionalProperties": {
        "type": "array",
        "items": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]$"},
    },
}


def text(languages: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": languages,
        "properties": {code: {"type": "string", "minLength": 1} for code in languages},
        "additionalProperties": False,
    }


def _obj(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }


# An X-Road client id (instance/class/member/subsystem) and a registry operation `civil/person`.
CONSUMER = {
    "type": "string",
    "pattern": "^[A-Za-z0-9-]+/[A-Za-z0-9-]+/[A-Za-z0-9.-]+/[A-Za-z0-9.-]+$",
}
REGISTRY_OPERATION = {"type": "string", "pattern": "^[a-z0-9-]+/[a-z0-9-]+$"}
ACCESS_RIGHT = _obj(
    ["consumer", "purpose", "legal_basis", "operations"],
    {
        "consumer": CONSUMER,
        "purpose": CODE,
        "legal_basis": {"type": "string", "minLength": 1},
        "operations": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": REGISTRY_OPERATION,
        },
    },
)


def country_schema(languages: list[str]) -> dict[str, Any]:
    t = text(languages)
    id_scheme = _obj(
        ["name", "pattern", "check_digit"],
        {
            "name": t,
            "pattern": {"type": "string"},
            "check_digit": {"enum": ["luhn", "mod11", "none"]},
            "example": {"type": "string"},
        },
    )
    holiday_fixed = _obj(
        ["month", "day", "name"],
        {
            "month": {"type": "integer", "minimum": 1, "maximum": 12},
            "day": {"type": "integer", "minimum": 1, "maximum": 31},
            "name": t,
        },
    )
    holiday_dated = _obj(
        ["date", "name"], {"date": {"type": "string", "format": "date"}, "name": t}
    )
    return _obj(
        [
            "code",
            "name",
            "languages",
            "currency",
            "time_zone",
            "calendar",
            "national_id",
            "business_id",
            "regions",
        ],
        {
            "code": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "name": t,
            "languages": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"type": "string", "pattern": "^[a-z]{2}$"},
            },
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "time_zone": {"type": "string"},
            "calendar": _obj(
                ["working_week", "holidays"],
                {
                    "working_week": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"enum": WEEKDAYS},
                    },
                    "holidays": _obj(
                        [],
                        {
                            "library": _obj(
                                ["country"],
                                {
                                    "country": {"type": "string"},
                                    "subdivision": {"type": ["string", "null"]},
                                },
                            ),
                            "fixed": {"type": "array", "items": holiday_fixed},
                            "dated": {"type": "array", "items": holiday_dated},
                        },
                    ),
                },
            ),
            "national_id": id_scheme,
            "business_id": id_scheme,
            "regions": {
                "type": "array",
                "minItems": 1,
                "items": _obj(["code", "name"], {"code": CODE, "name": t}),
            },
            "quiet_hours": _obj(
                ["start", "end"],
                {
                    "start": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
                    "end": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
                },
            ),
        },
    )


def section_schemas(languages: list[str]) -> dict[str, dict[str, Any]]:
    t = text(languages)
    keywords = {
        "type": "object",
        "propertyNames": {"enum": languages},
        "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1}},
    }
    fee = _obj(["amount"], {"amount": AMOUNT, "description": t})
    return {
        "beneficiaries": _obj(
            ["code", "name"], {"code": CODE, "name": t, "registry": {"type": "string"}}
        ),
        "categories": _obj(
            ["code", "name"], {"code": CODE, "name": t, "parent": {"type": ["string", "null"]}}
        ),
        "agencies": _obj(
            ["code", "name", "description"],
            {
                "code": CODE,
                "name": t,
                "acronym": t,
                "description": t,
                "website": {"type": "string", "format": "uri"},
                "email": {"type": "string", "format": "email"},
                "telephone": {"type": "string"},
                "address": t,
                "opening_hours": HOURS,
                "spatial": {"type": "string"},
            },
        ),
        "legal_resources": _obj(
            ["code", "title"],
            {
                "code": CODE,
                "title": t,
                "citation": {"type": "string"},
                "url": {"type": "string", "format": "uri"},
            },
        ),
        "evidence_types": _obj(
            ["code", "name"],
            {
                "code": CODE,
                "name": t,
                "description": t,
                "registry": {"type": "string"},
                "registry_operation": {"type": "string"},
            },
        ),
        "centers": _obj(
            ["code", "kind", "name", "region"],
            {
                "code": CODE,
                "kind": {"enum": ["center", "mobile_unit", "kiosk", "partner_outlet"]},
                "name": t,
                "address": t,
                "region": CODE,
                "latitude": {"type": "number", "minimum": -90, "maximum": 90},
                "longitude": {"type": "number", "minimum": -180, "maximum": 180},
                "telephone": {"type": "string"},
                "email": {"type": "string", "format": "email"},
                "opening_hours": HOURS,
            },
        ),
        "services": _obj(
            [
                "code",
                "agency",
                "name",
                "summary",
                "description",
                "processing_days",
                "channels",
                "fees",
                "form",
            ],
            {
                "code": CODE,
                "agency": CODE,
                "categories": {"type": "array", "items": CODE},
                "annual_volume": {"type": "integer", "minimum": 0},
                "effective_from": {"type": "string", "format": "date"},
                "name": t,
                "summary": t,
                "description": t,
                "eligibility": t,
                "criteria": {"type": "array", "items": t},
                "keywords": keywords,
                "processing_days": {"type": "integer", "minimum": 0, "maximum": 365},
                "express_processing_days": {"type": "integer", "minimum": 0, "maximum": 365},
                "output": _obj(
                    ["name"], {"name": t, "validity_months": {"type": "integer", "minimum": 1}}
                ),
                "channels": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"enum": CHANNELS},
                },
                "centers": {"oneOf": [{"const": "all"}, {"type": "array", "items": CODE}]},
                "fees": _obj(
                    ["standard"],
                    {
                        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                        "standard": fee,
                        "express": fee,
                        "exemptions": {
                            "type": "array",
                            "items": _obj(
                                ["category", "amount"], {"category": CODE, "amount": AMOUNT}
                            ),
                        },
                    },
                ),
                "evidence": {
                    "type": "array",
                    "items": _obj(
                        ["type"],
                        {
                            "type": CODE,
                            "mandatory": {"type": "boolean"},
                            "note": t,
                            "subject": {"type": "string"},
                        },
                    ),
                },
                "legal": {"type": "array", "items": CODE},
                "appeal": t,
                "form": _obj(
                    ["schema", "hints"],
                    {
                        "schema": {"type": "object"},
                        "hints": _obj(
                            ["order", "fields"],
                            {
                                "order": {"type": "array", "items": {"type": "string"}},
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": _obj(
                                        ["label"],
                                        {
                                            "label": t,
                                            "help": t,
                                            "own_page": {"type": "boolean"},
                                            "options": {
                                                "type": "object",
                                                "additionalProperties": t,
                                            },
                                        },
                                    ),
                                },
                            },
                        ),
                    },
                ),
            },
        ),
        "life_events": _obj(
            ["code", "kind", "name", "services"],
            {
                "code": CODE,
                "kind": {"enum": ["life", "business"]},
                "name": t,
                "description": t,
                "is_all_or_nothing": {"type": "boolean"},
                "position": {"type": "integer"},
                "services": {"type": "array", "minItems": 1, "uniqueItems": True, "items": CODE},
            },
        ),
        "notification_templates": notification_template_schema(t),
        "access_rights": ACCESS_RIGHT,
        "decision_reasons": _obj(
            ["code", "decision", "label"],
            {"code": CODE, "decision": {"enum": ["approve", "reject"]}, "label": t},
        ),
    }


NOTIFICATION_TEXTS = (
    "sms",
    "email_subject",
    "email_text",
    "email_html",
    "inbox_subject",
    "inbox_body",
)


def notification_template_schema(t: dict[str, Any]) -> dict[str, Any]:
    """One entry per kind; a channel is present when its texts are (all of them)."""
    schema = _obj(
        ["kind"],
        {
            "kind": {"enum": sorted(KINDS)},
            "is_essential": {"type": "boolean"},
            "is_urgent": {"type": "boolean"},
            "sms_max_segments": {"type": "integer", "minimum": 1, "maximum": 10},
            **{name: t for name in NOTIFICATION_TEXTS},
        },
    )
    schema["dependentRequired"] = {
        "email_subject": ["email_text"],
        "email_text": ["email_subject"],
        "email_html": ["email_subject", "email_text"],
        "inbox_subject": ["inbox_body"],
        "inbox_body": ["inbox_subject"],
        "sms_max_segments": ["sms"],
    }
    return schema
