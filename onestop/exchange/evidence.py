"""Once-only evidence: for a service and an applicant, each evidence the service's published
version asks for is fetched from the registry that holds it, through `exchange_query` (so every
question is checked against an access right and logged), or marked for upload. A registry that
fails or is slow makes that evidence `pending`, never an error: the application still goes in.

    resolution = evidence_resolve(service_code="passport", applicant_national_id="85041212342",
                                  consumer=PORTAL, acting_user="citizen:85041212342")
    for item in resolution.items: item.status, item.reason, item.fields
    evidence_prefill(resolution=resolution)   # form field → value with its provenance
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from onestop.catalog.models import EvidenceRequirement, ServiceVersion, SubjectRole, VersionStatus
from onestop.core.errors import InvalidInput, NotFound
from onestop.core.text import pick
from onestop.people.identifiers import identifier_clean

from .catalog import operation_find
from .client import ExchangeResult, exchange_query

FOUND, UPLOAD, PENDING = "found", "upload", "pending"
# Why an evidence is not `found`.
NO_REGISTRY = "no_registry"  # the applicant brings it: no registry holds it
NOT_CONNECTED = "not_connected"  # a registry holds it, but the exchange does not reach it
NOT_IN_REGISTRY = "not_in_registry"  # the registry has no such record for this person
REFUSED = "refused"  # the consumer holds no access right for it and this purpose
REGISTRY_UNAVAILABLE = "registry_unavailable"  # failed, timed out or its circuit is open
# About another person (a deceased, a child) whose national ID was not given: nothing is asked,
# least of all the applicant's own record, which would look like the evidence and is not.
SUBJECT_NOT_GIVEN = "subject_not_given"

# An exchange status → (evidence status, reason).
OUTCOMES: dict[str, tuple[str, str]] = {
    "ok": (FOUND, ""),
    "not_found": (UPLOAD, NOT_IN_REGISTRY),
    "refused": (UPLOAD, REFUSED),
    "pending": (PENDING, REGISTRY_UNAVAILABLE),
    "error": (PENDING, REGISTRY_UNAVAILABLE),
}


@dataclass(frozen=True)
class FieldValue:
    """One field of a registry's answer with its provenance: which service answered, when, and
    the request id of the exchange log row."""

    value: Any
    source: str
    fetched_at: datetime | None
    request_id: str


@dataclass(frozen=True)
class EvidenceItem:
    code: str
    name: str  # the evidence type's name in the active language
    is_mandatory: bool
    status: str  # found | upload | pending
    reason: str = ""  # empty when found
    registry: str = ""
    operation: str = ""
    is_about_applicant: bool = True  # False when `subjects` named another person
    fields: dict[str, FieldValue] = field(default_factory=dict)
    source: str = ""  # the service path asked ("" when nothing was asked)
    fetched_at: datetime | None = None
    request_id: str = ""


@dataclass(frozen=True)
class EvidenceResolution:
    service_code: str
    version_number: int
    form_fields: tuple[str, ...]
    items: list[EvidenceItem]

    def with_status(self, status: str) -> list[EvidenceItem]:
        return [item for item in self.items if item.status == status]

    def item(self, code: str) -> EvidenceItem | None:
        return next((item for item in self.items if item.code == code), None)


def evidence_resolve(
    *,
    service_code: str,
    applicant_national_id: str,
    consumer: str,
    acting_user: str,
    on_behalf_of: str = "",
    purpose: str = "application",
    subjects: Mapping[str, str] | None = None,
    only: Collection[str] | None = None,
) -> EvidenceResolution:
    """Each evidence of the service's published version, in order: `found` with its fields,
    `upload` or `pending` with the reason. `subjects` names another person for an evidence
    (`{"death-record": <the deceased's national ID>}`); the rest is about the applicant.
    `on_behalf_of` defaults to the applicant (whose case it is, for the exchange log).

    Each (registry, operation, person) is asked once, however many evidences need it. Raises
    InvalidInput for a national ID failing the pack's scheme or a subject for an evidence the
    service does not ask for, NotFound for a service without a published version."""
    applicant = _national_id(applicant_national_id, "applicant_national_id")
    version, requirements = _requirements(service_code)
    codes = {requirement.evidence_type.code for requirement in requirements}
    if only is not None:  # asking again about some evidence only (another person named later)
        requirements = [r for r in requirements if r.evidence_type.code in only]
    others = {
        code: _national_id(value, f"subjects.{code}") for code, value in (subjects or {}).items()
    }
    for code in others.keys() - codes:
        raise InvalidInput(
            _("This service does not ask for the evidence '%(code)s'.") % {"code": code},
            code="evidence_not_required",
            field=f"subjects.{code}",
        )
    answers: dict[tuple[str, str, str], ExchangeResult] = {}

    def ask(registry: str, operation: str, subject: str) -> ExchangeResult:
        key = (registry, operation, subject)
        if key not in answers:
            answers[key] = exchange_query(
                consumer=consumer,
                registry=registry,
                operation=operation,
                params={"national_id": subject},
                acting_user=acting_user,
                on_behalf_of=on_behalf_of or applicant,
                purpose=purpose,
            )
        return answers[key]

    items = [
        _resolve_one(requirement, _subject(requirement, others, applicant), applicant, ask)
        for requirement in requirements
    ]
    return EvidenceResolution(
        service_code=service_code,
        version_number=version.number,
        form_fields=tuple((version.form_schema or {}).get("properties", {})),
        items=items,
    )


def _subject(requirement: EvidenceRequirement, others: Mapping[str, str], applicant: str) -> str:
    """Whose record to ask for: the person named for this evidence; else the applicant, when
    the evidence is about the applicant; else nobody ("")."""
    named = others.get(requirement.evidence_type.code)
    if named:
        return named
    return applicant if requirement.subject_role == SubjectRole.APPLICANT else ""


def _national_id(value: str, field_name: str) -> str:
    try:
        return identifier_clean("national_id", value)
    except InvalidInput as error:
        raise InvalidInput(error.message, code=error.code, field=field_name) from None


def _requirements(service_code: str) -> tuple[ServiceVersion, list[EvidenceRequirement]]:
    """The published version and its evidence requirements in order (two queries: this runs on
    every application, so it reads only what it needs rather than a whole service passport)."""
    version = (
        ServiceVersion.objects.filter(service__code=service_code, status=VersionStatus.PUBLISHED)
        .only("id", "number", "form_schema")
        .first()
    )
    if version is None:
        raise NotFound(
            _("No published service has the code '%(code)s'.") % {"code": service_code},
            code="service_not_found",
        )
    requirements = (
        EvidenceRequirement.objects.filter(version=version)
        .select_related("evidence_type")
        .order_by("position")
    )
    return version, list(requirements)


def _resolve_one(
    requirement: EvidenceRequirement,
    subject: str,
    applicant: str,
    ask: Callable[[str, str, str], ExchangeResult],
) -> EvidenceItem:
    evidence_type = requirement.evidence_type
    registry, operation = evidence_type.registry, evidence_type.registry_operation
    item = EvidenceItem(
        code=evidence_type.code,
        name=pick(evidence_type.name),
        is_mandatory=requirement.is_mandatory,
        status=UPLOAD,
        reason=NO_REGISTRY,
        registry=registry,
        operation=operation,
        is_about_applicant=subject == applicant,
    )
    if not registry:
        return item
    if not subject:
        return replace(item, reason=SUBJECT_NOT_GIVEN)
    spec = operation_find(registry=registry, operation=operation)
    # Only evidence operations answer "this person's record"; another operation (a vehicle by
    # VIN, the whole civil record) is not what the evidence asks for.
    if spec is None or not spec.is_evidence:
        return replace(item, reason=NOT_CONNECTED)
    result = ask(registry, operation, subject)
    status, reason = OUTCOMES.get(result.status, (PENDING, REGISTRY_UNAVAILABLE))
    return replace(
        item,
        status=status,
        reason=reason,
        fields=_with_provenance(result) if status == FOUND else {},
        source=result.source,
        fetched_at=result.fetched_at,
        request_id=result.request_id,
    )


def _with_provenance(result: ExchangeResult) -> dict[str, FieldValue]:
    return {
        name: FieldValue(value, result.source, result.fetched_at, result.request_id)
        for name, value in result.data.items()
    }


# --- Prefill -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrefillValue:
    """A form field's proposed value, where it came from (evidence and field) and its
    provenance. The applicant may still change it."""

    value: Any
    evidence: str
    evidence_field: str
    source: str
    fetched_at: datetime | None
    request_id: str


Extract = Callable[[dict[str, FieldValue]], Any]


def _value(name: str) -> Extract:
    return lambda fields: fields[name].value if name in fields else None


def _address_line(fields: dict[str, FieldValue]) -> Any:
    if "street" not in fields:
        return None
    return f"{fields['street'].value} {fields['house_number'].value}".strip()


def _only(collection: str, key: str, *, active: bool = False) -> Extract:
    """The `key` of the one entry of a list (the one active entry with `active`): with two
    cars or two businesses the form cannot know which one the applicant means."""

    def pick_only(fields: dict[str, FieldValue]) -> Any:
        entries = fields[collection].value if collection in fields else []
        if active:
            entries = [entry for entry in entries if entry.get("status") == "active"]
        return entries[0][key] if len(entries) == 1 else None

    return pick_only


def _current_spouse(fields: dict[str, FieldValue]) -> Any:
    if "ended_on" in fields and fields["ended_on"].value is None:
        return fields["spouse_national_id"].value
    return None


def _household_size(fields: dict[str, FieldValue]) -> Any:
    return len(fields["members"].value) if "members" in fields else None


# (form field, evidence, whose record: the applicant's or another person's, the evidence field
# the value comes from, how). Only fields whose names say plainly what they hold: the form's
# address is the registered address, the child's names come from the child's birth record
# (another person's), the spouse is the one of a marriage not ended, and a plate, VIN, parcel
# or business ID only when the applicant has exactly one.
PREFILL_RULES: list[tuple[str, str, bool, str, Extract]] = [
    ("address_line", "residence-record", True, "street", _address_line),
    ("address_town", "residence-record", True, "town", _value("town")),
    ("address_region", "residence-record", True, "region", _value("region")),
    ("address_postcode", "residence-record", True, "postcode", _value("postcode")),
    ("child_given_names", "birth-record", False, "given_name", _value("given_name")),
    ("child_family_name", "birth-record", False, "family_name", _value("family_name")),
    ("child_date_of_birth", "birth-record", False, "birth_date", _value("birth_date")),
    ("deceased_national_id", "death-record", False, "national_id", _value("national_id")),
    ("date_of_death", "death-record", False, "death_date", _value("death_date")),
    ("spouse_national_id", "marriage-record", True, "spouse_national_id", _current_spouse),
    ("household_size", "family-composition", True, "members", _household_size),
    (
        "business_id",
        "business-record",
        True,
        "businesses",
        _only("businesses", "business_id", active=True),
    ),
    ("parcel_number", "property-title", True, "properties", _only("properties", "parcel_number")),
    ("plate_number", "vehicle-record", True, "vehicles", _only("vehicles", "plate")),
    ("vehicle_vin", "vehicle-record", True, "vehicles", _only("vehicles", "vin")),
]


def evidence_prefill(
    *, resolution: EvidenceResolution, form_fields: Iterable[str] | None = None
) -> dict[str, PrefillValue]:
    """Values for the form's fields (the resolved version's, or `form_fields` for a merged
    bundle form) from the evidence found, each with its provenance. A field no rule fills, or
    whose evidence was not found, is left out."""
    wanted = set(resolution.form_fields if form_fields is None else form_fields)
    values: dict[str, PrefillValue] = {}
    for form_field, code, about_applicant, evidence_field, extract in PREFILL_RULES:
        item = resolution.item(code)
        if form_field not in wanted or item is None or item.status != FOUND:
            continue
        if item.is_about_applicant != about_applicant:
            continue
        value = extract(item.fields)
        if value is None:
            continue
        origin = item.fields[evidence_field]
        values[form_field] = PrefillValue(
            value=value,
            evidence=code,
            evidence_field=evidence_field,
            source=origin.source,
            fetched_at=origin.fetched_at,
            request_id=origin.request_id,
        )
    return values
