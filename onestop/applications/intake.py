"""Submitting an application: everything checked, then the application, its evidence and one
agency task per service created in one transaction, with their domain events.

Idempotent: the same (submitter, idempotency key) returns the application it first created,
also when two submits race (the unique constraint decides; the loser returns the winner). A
registry that did not answer leaves its evidence `pending`: the application still goes in and
a periodic job (jobs.py) asks again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onestop.accounts.models import CitizenAccount
from onestop.catalog.models import EvidenceType, ServiceVersion
from onestop.centers.models import Center
from onestop.core import clock
from onestop.core.errors import InvalidInput
from onestop.core.events import event_record
from onestop.core.text import pick
from onestop.people.identifiers import email_clean, identifier_mask, phone_clean
from onestop.people.models import Person
from onestop.staff.actors import actor_require

from .deadlines import pack_calendar, task_deadlines
from .drafts import (
    CHECK_STEP,
    COUNTER_CHANNELS,
    Applicant,
    actor_name,
    draft_save_step,
    draft_start,
    published_versions,
)
from .form_merge import form_errors, form_merge
from .models import (
    AgencyTask,
    Application,
    ApplicationChannel,
    ApplicationEvidence,
    ApplicationStatus,
    ConsentMethod,
    Draft,
    EvidenceStatus,
    ScanStatus,
    TaskState,
    Tier,
)
from .tracking import tracking_number_new

TRACKING_ATTEMPTS = 5
# An optional evidence the applicant did not give: nothing is expected of them for it.
OPTIONAL_NOT_GIVEN = "optional_not_given"
DRAFT_STATUS = {"found": EvidenceStatus.FOUND, "pending": EvidenceStatus.PENDING}


@dataclass(frozen=True)
class Consent:
    """How an operator recorded the citizen's consent to file on their behalf."""

    method: str


@dataclass(frozen=True)
class ApplicationInputs:
    """Everything a draft would hold, for a caller that submits in one call (the API)."""

    service_codes: Sequence[str] = ()
    life_event_code: str = ""
    answers: Mapping[str, Any] = field(default_factory=dict)
    applicant_national_id: str = ""
    subjects: Mapping[str, str] = field(default_factory=dict)
    tier: str = Tier.STANDARD
    language: str = ""


def application_submit(
    *,
    actor: Applicant,
    idempotency_key: str,
    draft: Draft | None = None,
    inputs: ApplicationInputs | None = None,
    channel: str = "",
    center: Center | None = None,
    consent: Consent | None = None,
    evidence_checked_at_counter: Sequence[str] = (),
    contact_phone: str = "",
    contact_email: str = "",
) -> Application:
    """Submit `draft` (got through `draft_get_for`) or `inputs`; returns the application with
    its tracking number. An operator (`application.file_on_behalf` in `center`) must record the
    citizen's consent and may mark mandatory evidence as checked at the counter."""
    application, _created = application_submit_created(
        actor=actor,
        idempotency_key=idempotency_key,
        draft=draft,
        inputs=inputs,
        channel=channel,
        center=center,
        consent=consent,
        evidence_checked_at_counter=evidence_checked_at_counter,
        contact_phone=contact_phone,
        contact_email=contact_email,
    )
    return application


def application_submit_created(
    *,
    actor: Applicant,
    idempotency_key: str,
    draft: Draft | None = None,
    inputs: ApplicationInputs | None = None,
    channel: str = "",
    center: Center | None = None,
    consent: Consent | None = None,
    evidence_checked_at_counter: Sequence[str] = (),
    contact_phone: str = "",
    contact_email: str = "",
) -> tuple[Application, bool]:
    """`application_submit`, also telling whether this call created the application (True) or
    found the one a retry, or a racing submission with the same key, made first (False): the
    API answers 201 only to the submission that created."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise InvalidInput(
            _("Send an idempotency key of 1 to 100 characters with the submission."),
            field="idempotency_key",
        )
    submitted_by = actor_name(actor)
    existing = Application.objects.filter(submitted_by=submitted_by, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    if (draft is None) == (inputs is None):
        raise InvalidInput(_("Submit a draft or the application's inputs."), field="draft")
    if draft is None:
        draft = _draft_from_inputs(actor, inputs, channel, center)  # type: ignore[arg-type]
    plan = _plan(actor, draft, channel, center, consent, evidence_checked_at_counter)
    plan.contact_phone, plan.contact_email = _contacts(actor, draft, contact_phone, contact_email)
    try:
        return _create_once(plan, submitted_by=submitted_by, key=key)
    except IntegrityError:
        winner = Application.objects.filter(submitted_by=submitted_by, idempotency_key=key).first()
        if winner is None:
            raise
        return winner, False


def _create_once(plan: _Plan, *, submitted_by: str, key: str) -> tuple[Application, bool]:
    """`_create` with the draft locked first, so a draft another call submitted meanwhile (a
    double click on the same draft) is told apart from one this call creates."""
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=plan.draft.pk)
        if locked.submitted_application_id is not None:
            return Application.objects.get(pk=locked.submitted_application_id), False
        return _create(plan, locked, submitted_by=submitted_by, key=key), True


def _draft_from_inputs(
    actor: Applicant, inputs: ApplicationInputs, channel: str, center: Center | None
) -> Draft:
    draft = draft_start(
        actor=actor,
        service_codes=inputs.service_codes,
        life_event_code=inputs.life_event_code,
        channel=channel,
        center=center,
        applicant_national_id=inputs.applicant_national_id,
        subjects=inputs.subjects,
        tier=inputs.tier,
        language=inputs.language,
    )
    return draft_save_step(draft=draft, step=CHECK_STEP, answers=inputs.answers).draft


# --- Checking ----------------------------------------------------------------------------------


@dataclass
class _Plan:
    draft: Draft
    versions: list[ServiceVersion]
    channel: str
    center: Center | None
    filed_by: Any
    consent_method: str
    actor_label: str
    evidence: list[ApplicationEvidence]
    birth_date: date | None = None
    contact_phone: str = ""
    contact_email: str = ""


def _plan(
    actor: Applicant,
    draft: Draft,
    channel: str,
    center: Center | None,
    consent: Consent | None,
    checked: Sequence[str],
) -> _Plan:
    versions = published_versions(service_codes=draft.service_codes)
    if isinstance(actor, CitizenAccount):
        label, filed_by, method = actor_name(actor), None, ""
        channel, center = draft.channel, draft.center
    else:
        center = center or draft.center
        channel = channel or draft.channel
        label = actor_require(actor=actor, action="application.file_on_behalf", center=center)
        if channel not in COUNTER_CHANNELS:
            raise InvalidInput(
                _("Name the channel you serve the citizen through."), field="channel"
            )
        method = _consent_method(consent)
        filed_by = actor if isinstance(actor, AbstractBaseUser) else None  # not a machine
    errors = form_errors(form=form_merge(versions=versions), answers=draft.data)
    if errors:
        first = next(iter(errors))
        raise InvalidInput(errors[first][0], code="form_invalid", field=first, errors=errors)
    evidence = _evidence_rows(draft, channel, set(checked))
    plan = _Plan(draft, versions, channel, center, filed_by, method, label, evidence)
    plan.birth_date = _birth_date(draft)
    return plan


def _consent_method(consent: Consent | None) -> str:
    if consent is None or consent.method not in ConsentMethod.values:
        raise InvalidInput(
            _(
                "Record how the citizen consented to you applying on their behalf: signed "
                "form, signed on screen, recorded call or registered mandate."
            ),
            code="consent_required",
            field="consent",
        )
    return consent.method


def _evidence_rows(draft: Draft, channel: str, checked: set[str]) -> list[ApplicationEvidence]:
    rows, missing = [], []
    at_counter = channel in COUNTER_CHANNELS and channel != ApplicationChannel.KIOSK
    for code, entry in draft.evidence.items():
        upload = entry.get("file") or {}
        if upload:
            status = EvidenceStatus.UPLOADED
        elif entry["status"] in DRAFT_STATUS:
            status = DRAFT_STATUS[entry["status"]]
        elif at_counter and code in checked:
            status = EvidenceStatus.CHECKED_AT_COUNTER
        elif entry["is_mandatory"]:
            missing.append(code)
            continue
        else:
            status = EvidenceStatus.MISSING
        row = _evidence_row(code, entry, status, upload)
        if status == EvidenceStatus.MISSING:
            row.reason = OPTIONAL_NOT_GIVEN
        rows.append(row)
    if missing:
        _missing_evidence(missing, at_counter)
    return rows


def _evidence_row(
    code: str, entry: dict[str, Any], status: str, upload: dict[str, Any]
) -> ApplicationEvidence:
    return ApplicationEvidence(
        evidence_code=code,
        status=status,
        reason=entry.get("reason", "") if status != EvidenceStatus.FOUND else "",
        source=entry.get("source", ""),
        fetched_at=entry.get("fetched_at"),
        request_id=entry.get("request_id", ""),
        subject_national_id=entry.get("subject", ""),
        fields=entry.get("fields", {}),
        file=upload.get("path", ""),
        file_name=upload.get("name", ""),
        content_type=upload.get("content_type", ""),
        size=upload.get("size", 0),
        sha256=upload.get("sha256", ""),
        scan_status=upload.get("scan_status", ScanStatus.NOT_APPLICABLE),
    )


def _missing_evidence(codes: list[str], at_counter: bool) -> None:
    names = dict(EvidenceType.objects.filter(code__in=codes).values_list("code", "name"))
    listed = ", ".join(pick(names.get(code)) or code for code in codes)
    if at_counter:
        message = _("Check these documents at the counter or upload them: %(names)s.")
    else:
        message = _("Upload these documents (a PDF, JPEG or PNG under 10 MB each): %(names)s.")
    raise InvalidInput(
        message % {"names": listed},
        code="evidence_missing",
        field=f"evidence.{codes[0]}",
        missing=codes,
    )


def _birth_date(draft: Draft) -> date | None:
    """The applicant's birth date for the public lookup: from a record found about them, else
    from the people table."""
    for entry in draft.evidence.values():
        if entry.get("subject") == draft.applicant_national_id:
            value = (entry.get("fields") or {}).get("birth_date", {}).get("value")
            if value:
                return date.fromisoformat(str(value)[:10])
    person = Person.objects.filter(national_id=draft.applicant_national_id).first()
    return person.birth_date if person else None


def _contacts(actor: Applicant, draft: Draft, phone: str, email: str) -> tuple[str, str]:
    data = draft.data
    phone = phone or str(data.get("contact_phone") or data.get("phone") or "")
    email = email or str(data.get("contact_email") or data.get("email") or "")
    if isinstance(actor, CitizenAccount) and actor.contact:
        if "@" in actor.contact:
            email = email or actor.contact
        else:
            phone = phone or actor.contact
    return phone_clean(phone), email_clean(email)


# --- Creating ----------------------------------------------------------------------------------


def _create(plan: _Plan, locked: Draft, *, submitted_by: str, key: str) -> Application:
    """The application, its evidence, tasks and events; inside `_create_once`'s transaction,
    which holds the draft's row lock (`locked`)."""
    draft = plan.draft
    now = clock.now()
    with transaction.atomic(savepoint=False):
        application = Application(
            applicant_national_id=draft.applicant_national_id,
            applicant_birth_date=plan.birth_date,
            applicant_account_id=draft.owner_account_id,
            submitted_by=submitted_by,
            idempotency_key=key,
            filed_by=plan.filed_by,
            consent_method=plan.consent_method,
            consent_recorded_at=now if plan.consent_method else None,
            channel=plan.channel,
            center=plan.center,
            life_event=draft.life_event,
            is_all_or_nothing=bool(draft.life_event and draft.life_event.is_all_or_nothing),
            tier=draft.tier,
            language=draft.language,
            contact_phone=plan.contact_phone,
            contact_email=plan.contact_email,
            form_data=draft.data,
            prefill=draft.prefill,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now,
            status_changed_at=now,
        )
        _insert_with_tracking_number(application)
        for row in plan.evidence:
            row.application, row.created_at = application, now
            if row.status == EvidenceStatus.PENDING:
                row.next_attempt_at = now
        ApplicationEvidence.objects.bulk_create(plan.evidence)
        tasks = _tasks(application, plan.versions, now)
        locked.submitted_application = application
        locked.save(update_fields=["submitted_application"])
        _events(application, plan, tasks)
    return application


def _insert_with_tracking_number(application: Application) -> None:
    """Insert with a fresh random number, again on the rare collision. An idempotency-key
    collision is re-raised for the caller to return the winner."""
    for attempt in range(TRACKING_ATTEMPTS):
        application.tracking_number = tracking_number_new()
        try:
            with transaction.atomic():
                application.save(force_insert=True)
            return
        except IntegrityError:
            taken = Application.objects.filter(
                submitted_by=application.submitted_by,
                idempotency_key=application.idempotency_key,
            ).exists()
            if taken or attempt == TRACKING_ATTEMPTS - 1:
                raise


def _tasks(application: Application, versions: list[ServiceVersion], now: Any) -> list[AgencyTask]:
    calendar = pack_calendar()
    tasks = []
    for version in versions:
        tier = application.tier
        if tier == Tier.EXPRESS and version.express_processing_days is None and len(versions) > 1:
            tier = Tier.STANDARD  # a bundle's express option speeds the services that offer it
        deadlines = task_deadlines(version=version, tier=tier, start=now, calendar=calendar)
        tasks.append(
            AgencyTask(
                application=application,
                service_version=version,
                agency=version.service.agency,
                state=TaskState.QUEUED,
                sla_working_days=deadlines.working_days,
                due_at=deadlines.due_at,
                warn_at=deadlines.warn_at,
                created_at=now,
                updated_at=now,
            )
        )
    return AgencyTask.objects.bulk_create(tasks)


def _events(application: Application, plan: _Plan, tasks: list[AgencyTask]) -> None:
    common = {
        "actor": plan.actor_label,
        "channel": application.channel,
        "on_behalf_of": identifier_mask(application.applicant_national_id),
    }
    event_record(
        name="application.submitted",
        entity_type="applications.application",
        entity_id=str(application.pk),
        payload={
            "tracking_number": application.tracking_number,
            "services": list(plan.draft.service_codes),
            "life_event": plan.draft.life_event.code if plan.draft.life_event else "",
            "evidence": {row.evidence_code: row.status for row in plan.evidence},
            "consent_method": application.consent_method,
            "center": plan.center.code if plan.center else "",
        },
        **common,
    )
    for task, version in zip(tasks, plan.versions, strict=True):
        event_record(
            name="task.created",
            entity_type="applications.agencytask",
            entity_id=str(task.pk),
            payload={
                "task": str(task.pk),
                "application": str(application.pk),
                "agency": version.service.agency.code,
                "service": version.service.code,
                "due_at": task.due_at.isoformat(),
            },
            **common,
        )
