"""Validating a whole pack before anything is loaded; every error names file, key and fix."""

from __future__ import annotations

import zoneinfo
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel.numbers import list_currencies
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError

from onestop.catalog.models import SubjectRole
from onestop.core.id_schemes import id_is_valid
from onestop.exchange.catalog import OPERATIONS
from onestop.notifications.kinds import KINDS
from onestop.notifications.templating import text_problems
from onestop.notifications.validation import sms_length_problem

from .reading import PackContent, PackError, pack_read
from .schemas import NOTIFICATION_TEXTS, country_schema, section_schemas

REFERENCES = {
    # section: [(field, target section, is_list)]
    "services": [
        ("agency", "agencies", False),
        ("categories", "categories", True),
        ("legal", "legal_resources", True),
    ],
    "categories": [("parent", "categories", False)],
    "centers": [],
    "life_events": [("services", "services", True)],
}


def pack_validate(root: Path) -> tuple[PackContent, list[PackError]]:
    content = pack_read(root)
    errors = list(content.errors)
    if content.country:
        errors += _schema_errors(
            "country.yaml", "", content.country, country_schema(content.languages or ["en"])
        )
        errors += _country_errors(content.country)
    languages = content.languages or ["en"]
    for section, schema in section_schemas(languages).items():
        for item in content.items[section]:
            errors += _schema_errors(item.file, item.key, item.data, schema)
        errors += _duplicate_errors(content, section)
    errors += _reference_errors(content)
    for item in content.items["services"]:
        errors += _service_errors(content, item.file, item.key, item.data)
    errors += _shared_field_errors(content)
    for item in content.items["notification_templates"]:
        errors += _notification_template_errors(content.languages, item.file, item.key, item.data)
    errors += _access_right_errors(content)
    return content, errors


def _schema_errors(file: str, prefix: str, data: Any, schema: dict) -> list[PackError]:
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    return [
        PackError(file, _path(prefix, error), _problem(error), _fix(error))
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]


def _path(prefix: str, error: ValidationError) -> str:
    key = prefix
    for part in error.absolute_path:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "-"


def _problem(error: ValidationError) -> str:
    if error.validator == "required":
        return f"{error.message.split(' is a required')[0]} is missing."
    if error.validator == "additionalProperties":
        return f"has keys the pack format does not know ({error.message})."
    return f"{error.message}."


def _fix(error: ValidationError) -> str:
    fixes = {
        "required": "add the missing key (for a text, write it in every pack language).",
        "additionalProperties": "remove or rename the key; see docs/country-packs.md.",
        "enum": f"use one of {error.validator_value}.",
        "const": f"use {error.validator_value!r}.",
        "pattern": f"write a value matching {error.validator_value}.",
        "type": f"write a value of type {error.validator_value}.",
        "format": f"write a valid {error.validator_value}.",
        "minLength": "write a non-empty text.",
        "minItems": "give at least one entry.",
        "uniqueItems": "remove the repeated entry.",
        "dependentRequired": "give every text of a channel, or none of them.",
    }
    return fixes.get(str(error.validator), "see docs/country-packs.md for this key.")


def _country_errors(country: dict) -> list[PackError]:
    errors = []
    if country.get("currency") and country["currency"] not in list_currencies():
        errors.append(
            PackError(
                "country.yaml",
                "currency",
                "is not an ISO 4217 code.",
                "use a code such as EUR, XOF or USD.",
            )
        )
    try:
        zoneinfo.ZoneInfo(str(country.get("time_zone", "")))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors.append(
            PackError(
                "country.yaml",
                "time_zone",
                "is not a known time zone.",
                "use an IANA name such as Europe/Paris.",
            )
        )
    for scheme_key in ("national_id", "business_id"):
        scheme = country.get(scheme_key) or {}
        example = scheme.get("example")
        if isinstance(example, str) and "pattern" in scheme and not id_is_valid(scheme, example):
            errors.append(
                PackError(
                    "country.yaml",
                    f"{scheme_key}.example",
                    "does not pass the scheme's pattern and check digit.",
                    "give an example number that the scheme accepts.",
                )
            )
    return errors


def _duplicate_errors(content: PackContent, section: str) -> list[PackError]:
    name = "kind" if section == "notification_templates" else "code"
    counts = Counter(
        item.data.get(name) for item in content.items[section] if isinstance(item.data, dict)
    )
    return [
        PackError(
            item.file,
            f"{item.key}.{name}",
            f"{item.data[name]!r} is defined twice.",
            f"give each entry its own {name}, or remove the copy.",
        )
        for item in content.items[section]
        if isinstance(item.data, dict) and name in item.data and counts[item.data.get(name)] > 1
    ]


def _reference_errors(content: PackContent) -> list[PackError]:
    errors = []
    for section, references in REFERENCES.items():
        for item in content.items[section]:
            if not isinstance(item.data, dict):
                continue
            for field, target, is_list in references:
                value = item.data.get(field)
                errors += _missing(
                    content,
                    item.file,
                    f"{item.key}.{field}",
                    target,
                    (value or []) if is_list else ([value] if value else []),
                )
    regions = {
        str(r.get("code")) for r in content.country.get("regions", []) if isinstance(r, dict)
    }
    for item in content.items["centers"]:
        if isinstance(item.data, dict) and item.data.get("region") not in regions:
            errors.append(
                PackError(
                    item.file,
                    f"{item.key}.region",
                    "names no region of the pack.",
                    f"use one of {sorted(regions)} from country.yaml.",
                )
            )
    return errors


def _missing(
    content: PackContent, file: str, key: str, target: str, values: Iterable[Any]
) -> list[PackError]:
    known = content.codes(target)
    return [
        PackError(
            file,
            key,
            f"{value!r} is not defined in the pack's {target}.",
            f"define {value!r} under {target}: or correct the code.",
        )
        for value in values or []
        if isinstance(value, str) and value not in known
    ]


def _service_errors(content: PackContent, file: str, key: str, service: Any) -> list[PackError]:
    if not isinstance(service, dict):
        return []
    errors = []
    fees = service.get("fees") or {}
    if ("express_processing_days" in service) != ("express" in fees):
        errors.append(
            PackError(
                file,
                f"{key}.express_processing_days",
                "an express tier needs both an express deadline and an express fee.",
                "give both express_processing_days and fees.express, or neither.",
            )
        )
    for index, exemption in enumerate(fees.get("exemptions") or []):
        if isinstance(exemption, dict):
            errors += _missing(
                content,
                file,
                f"{key}.fees.exemptions[{index}].category",
                "beneficiaries",
                [exemption.get("category")],
            )
    for index, evidence in enumerate(service.get("evidence") or []):
        if isinstance(evidence, dict):
            errors += _missing(
                content,
                file,
                f"{key}.evidence[{index}].type",
                "evidence_types",
                [evidence.get("type")],
            )
            errors += _subject_errors(file, f"{key}.evidence[{index}].subject", evidence)
    centers = service.get("centers", "all")
    if isinstance(centers, list):
        errors += _missing(content, file, f"{key}.centers", "centers", centers)
    form = service.get("form")
    if isinstance(form, dict):
        errors += _form_errors(content.languages, file, f"{key}.form", form)
    return errors


def _subject_errors(file: str, key: str, evidence: dict) -> list[PackError]:
    """Whom the evidence is about must be one of the platform's roles (its pages ask for that
    person's national ID in words it knows)."""
    role = evidence.get("subject", SubjectRole.APPLICANT)
    if role in SubjectRole.values:
        return []
    return [
        PackError(
            file,
            key,
            f"{role!r} is not a role the platform knows.",
            f"use one of {', '.join(SubjectRole.values)} (applicant when left out).",
        )
    ]


def _form_errors(languages: list[str], file: str, key: str, form: dict) -> list[PackError]:
    schema, hints = form.get("schema"), form.get("hints")
    if not isinstance(schema, dict) or not isinstance(hints, dict):
        return []
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        return [
            PackError(
                file,
                f"{key}.schema",
                f"is not a valid JSON Schema: {error.message}.",
                "correct the schema (JSON Schema 2020-12).",
            )
        ]
    properties = list((schema.get("properties") or {}).keys())
    order = hints.get("order") or []
    fields = hints.get("fields") or {}
    errors = []
    if sorted(order) != sorted(properties) or len(set(order)) != len(order):
        errors.append(
            PackError(
                file,
                f"{key}.hints.order",
                f"lists {order} but the schema has {properties}.",
                "list every schema property exactly once.",
            )
        )
    for name in properties:
        if name not in fields:
            errors.append(
                PackError(
                    file,
                    f"{key}.hints.fields.{name}",
                    "has no label.",
                    "add a label (and help) in every pack language.",
                )
            )
            continue
        definition = schema["properties"][name] or {}
        enum = definition.get("enum") or (definition.get("items") or {}).get("enum") or []
        options = fields[name].get("options") or {}
        for value in enum:
            if str(value) not in options:
                errors.append(
                    PackError(
                        file,
                        f"{key}.hints.fields.{name}.options.{value}",
                        "has no label.",
                        "label every enum value.",
                    )
                )
    return errors


def _shared_field_errors(content: PackContent) -> list[PackError]:
    """A form field name means one thing across the pack: a life-event bundle merges its
    services' forms and asks a field they share once, so its schema must be the same."""
    first_seen: dict[str, tuple[str, Any]] = {}
    errors = []
    for item in content.items["services"]:
        data: dict = item.data if isinstance(item.data, dict) else {}
        form: dict = data["form"] if isinstance(data.get("form"), dict) else {}
        schema: dict = form["schema"] if isinstance(form.get("schema"), dict) else {}
        for name, definition in (schema.get("properties") or {}).items():
            code = str(data.get("code"))
            if name not in first_seen:
                first_seen[name] = (code, definition)
            elif first_seen[name][1] != definition:
                errors.append(
                    PackError(
                        item.file,
                        f"{item.key}.form.schema.properties.{name}",
                        f"differs from the field {name!r} of service {first_seen[name][0]!r}.",
                        "give the field the same schema in every service, or another name if it "
                        "means something else.",
                    )
                )
    return errors


def _notification_template_errors(
    languages: list[str], file: str, key: str, entry: Any
) -> list[PackError]:
    """Each text uses only its kind's variables, and each SMS fits its segment limit in every
    language with the variables at their longest plausible values."""
    if not isinstance(entry, dict) or entry.get("kind") not in KINDS:
        return []
    kind = entry["kind"]
    if not any(name in entry for name in ("sms", "email_subject", "inbox_subject")):
        return [
            PackError(
                file,
                key,
                f"gives {kind} no channel.",
                "write the sms text, the email_subject and email_text, or the inbox texts.",
            )
        ]
    errors = []
    for name in NOTIFICATION_TEXTS:
        texts = entry.get(name)
        if not isinstance(texts, dict):
            continue
        for language in languages:
            text = texts.get(language)
            if not isinstance(text, str):
                continue
            problems = text_problems(kind, text)
            if not problems and name == "sms":
                limit = entry.get("sms_max_segments", 1)
                problem = sms_length_problem(kind, text, limit if isinstance(limit, int) else 1)
                problems = [problem] if problem else []
            errors += [
                PackError(
                    file,
                    f"{key}.{name}.{language}",
                    problem,
                    "use only {{ variable }} with the variables of docs/notifications.md.",
                )
                for problem in problems
            ]
    return errors


def _access_right_errors(content: PackContent) -> list[PackError]:
    """Each operation is one the exchange offers, and each (consumer, operation, purpose) is
    listed once."""
    offered = sorted(f"{registry}/{operation}" for registry, operation in OPERATIONS)
    seen: dict[tuple[str, str, str], str] = {}
    errors = []
    for item in content.items["access_rights"]:
        data: dict = item.data if isinstance(item.data, dict) else {}
        operations = data.get("operations")
        for index, name in enumerate(operations if isinstance(operations, list) else []):
            key = f"{item.key}.operations[{index}]"
            if not isinstance(name, str):
                continue
            if name not in offered:
                errors.append(
                    PackError(
                        item.file,
                        key,
                        f"{name!r} is not an operation the data exchange offers.",
                        f"use one of {', '.join(offered)}.",
                    )
                )
                continue
            right = (str(data.get("consumer")), name, str(data.get("purpose")))
            if right in seen:
                errors.append(
                    PackError(
                        item.file,
                        key,
                        f"{name!r} for {right[0]} and purpose {right[2]!r} is already granted "
                        f"at {seen[right]}.",
                        "list each right once.",
                    )
                )
            seen.setdefault(right, key)
    return errors
