"""Drafts: an application being filled in, saved at every step even when invalid, resumable on
another device (its owner signed in) or at a counter (an operator with the resume code and the
applicant's national ID).

Starting a draft resolves the services' evidence once-only through the data exchange (consumer
portal online, console at a counter; purpose `application`) and prefills the form from it, each
value with its provenance. A draft lives ONESTOP_DRAFT_DAYS after its last save; a periodic
job (jobs.py) deletes expired ones.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeAlias

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onestop.accounts.models import CitizenAccount
from onestop.catalog.models import (
    EvidenceRequirement,
    LifeEvent,
    ServiceVersion,
    SubjectRole,
    VersionStatus,
)
from onestop.catalog.subjects import subject_label, subject_question
from onestop.centers.models import Center, CenterKind
from onestop.core import clock
from onestop.core.errors import InvalidInput, NotFound, PermissionDenied
from onestop.core.events import event_record
from onestop.core.text import active_language
from onestop.exchange.evidence import (
    EvidenceItem,
    EvidenceResolution,
    evidence_prefill,
    evidence_resolve,
)
from onestop.exchange.services import CONSOLE, PORTAL
from onestop.people.identifiers import identifier_clean, identifier_mask
from onestop.people.models import Person
from onestop.people.selectors import person_may_act_for
from onestop.staff.actors import OutletSystemActor, actor_require

from .form_merge import MergedForm, answers_coerce, form_errors, form_merge
from .models import ApplicationChannel, Draft, Tier
from .tracking import tracking_number_new, tracking_number_parse

Applicant: TypeAlias = CitizenAccount | AbstractBaseUser | OutletSystemActor
CHECK_STEP = "check"  # the check-your-answers page: the whole form is validated
CITIZEN_CHANNELS = {ApplicationChannel.ONLINE, ApplicationChannel.KIOSK}
COUNTER_CHANNELS = {
    ApplicationChannel.CENTER,
    ApplicationChannel.MOBILE_UNIT,
    ApplicationChannel.PARTNER_OUTLET,
    ApplicationChannel.CALL_CENTER,
    ApplicationChannel.KIOSK,
}


def draft_days() -> int:
    return int(getattr(settings, "ONESTOP_DRAFT_DAYS", 30))


def actor_name(actor: Applicant) -> str:
    """What events record for the one who acts: `citizen:<account id>` or `staff:<username>`."""
    if isinstance(actor, CitizenAccount):
        return f"citizen:{actor.pk}"
    if not isinstance(actor, AbstractBaseUser):
        return str(actor)  # a machine actor (an outlet's system): `outlet:<center>:<key>`
    return f"staff:{actor.get_username()}"


def jsonable(value: Any) -> Any:
    """Dates and decimals as JSON text, as a JSONField keeps them."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# --- Services and their versions ---------------------------------------------------------------


def published_versions(*, service_codes: Sequence[str]) -> list[ServiceVersion]:
    """The published version of each service, in the given order (one query); NotFound naming
    the first code without one."""
    versions = {
        version.service.code: version
        for version in ServiceVersion.objects.filter(
            service__code__in=list(service_codes), status=VersionStatus.PUBLISHED
        ).select_related("service__agency")
    }
    for code in service_codes:
        if code not in versions:
            raise NotFound(
                _("No published service has the code '%(code)s'.") % {"code": code},
                code="service_not_found",
            )
    return [versions[code] for code in service_codes]


def _services_of(
    service_codes: Sequence[str], life_event_code: str
) -> tuple[list[str], LifeEvent | None]:
    if bool(service_codes) == bool(life_event_code):
        raise InvalidInput(
            _("Choose one service or one life event to apply for."), field="service_codes"
        )
    if not life_event_code:
        codes = list(dict.fromkeys(service_codes))
        return codes, None
    life_event = LifeEvent.objects.filter(code=life_event_code).first()
    if life_event is None:
        raise NotFound(
            _("No life event has the code '%(code)s'.") % {"code": life_event_code},
            code="life_event_not_found",
        )
    codes = list(life_event.steps.order_by("position").values_list("service__code", flat=True))
    return codes, life_event


def draft_form(*, draft: Draft, language: str | None = None) -> MergedForm:
    """The merged form of the draft's services, labelled in `language` (default: active)."""
    return form_merge(
        versions=published_versions(service_codes=draft.service_codes), language=language
    )


# --- Who applies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Start:
    applicant: str
    channel: str
    center: Center | None
    consumer: str
    label: str


def _citizen_start(account: CitizenAccount, national_id: str, channel: str) -> _Start:
    own = account.person_reference
    if not own:
        raise InvalidInput(
            _("Link your account to your national ID (sign in with the e-ID) before applying."),
            code="account_not_linked",
            field="applicant_national_id",
        )
    applicant = identifier_clean("national_id", national_id) if national_id else own
    if applicant != own:
        _mandate_require(own, applicant)
    channel = channel or ApplicationChannel.ONLINE
    if channel not in CITIZEN_CHANNELS:
        raise InvalidInput(
            _("Apply online or at a kiosk; at a counter an operator files it for you."),
            code="channel_not_allowed",
            field="channel",
        )
    return _Start(applicant, channel, None, PORTAL, actor_name(account))


def _mandate_require(holder: str, subject: str) -> None:
    people = {p.national_id: p for p in Person.objects.filter(national_id__in=[holder, subject])}
    if (
        holder not in people
        or subject not in people
        or not person_may_act_for(
            actor_person=people[holder], subject_person=people[subject], on=clock.today()
        )
    ):
        raise InvalidInput(
            _("You hold no mandate to apply for this person."),
            code="no_mandate",
            field="applicant_national_id",
        )


def _staff_start(
    user: AbstractBaseUser | OutletSystemActor,
    national_id: str,
    channel: str,
    center: Center | None,
) -> _Start:
    label = actor_require(actor=user, action="application.file_on_behalf", center=center)
    if channel not in COUNTER_CHANNELS or channel == ApplicationChannel.ONLINE:
        raise InvalidInput(
            _(
                "Name the channel you serve the citizen through: counter, mobile unit, kiosk, "
                "partner outlet or call center."
            ),
            code="channel_required",
            field="channel",
        )
    if not national_id:
        raise InvalidInput(
            _("Enter the applicant's national ID."), code="required", field="applicant_national_id"
        )
    return _Start(identifier_clean("national_id", national_id), channel, center, CONSOLE, label)


# --- Starting ----------------------------------------------------------------------------------


def draft_start(
    *,
    actor: Applicant,
    service_codes: Sequence[str] = (),
    life_event_code: str = "",
    channel: str = "",
    center: Center | None = None,
    applicant_national_id: str = "",
    subjects: Mapping[str, str] | None = None,
    tier: str = Tier.STANDARD,
    language: str = "",
) -> Draft:
    """A new draft for one service or a life event, its evidence resolved and its form
    prefilled. A citizen applies for themselves (or for a person they hold a mandate for); an
    operator (`application.file_on_behalf` in `center`) names the applicant and the channel."""
    if isinstance(actor, CitizenAccount):
        start = _citizen_start(actor, applicant_national_id, channel)
    else:
        start = _staff_start(actor, applicant_national_id, channel, center)
    if tier not in Tier.values:
        raise InvalidInput(_("Choose standard or express processing."), field="tier")
    codes, life_event = _services_of(service_codes, life_event_code)
    versions = published_versions(service_codes=codes)
    form = form_merge(versions=versions)
    evidence, prefill = _evidence_and_prefill(versions, form, start, dict(subjects or {}))
    now = clock.now()
    draft = Draft(
        owner_account=actor if isinstance(actor, CitizenAccount) else None,
        owner_staff=actor if isinstance(actor, AbstractBaseUser) else None,  # type: ignore[misc]
        owner_system=str(actor) if isinstance(actor, OutletSystemActor) else "",
        applicant_national_id=start.applicant,
        service_codes=codes,
        life_event=life_event,
        channel=start.channel,
        center=start.center,
        tier=tier,
        language=language or active_language(),
        data={name: item["value"] for name, item in prefill.items()},
        prefill=prefill,
        evidence=evidence,
        subjects=dict(subjects or {}),
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=draft_days()),
    )
    with transaction.atomic():
        _insert_with_resume_code(draft)
        event_record(
            name="application.draft_started",
            actor=start.label,
            entity_type="applications.draft",
            entity_id=str(draft.pk),
            payload={
                "services": codes,
                "life_event": life_event_code,
                "applicant": identifier_mask(start.applicant),
                "evidence": {code: item["status"] for code, item in evidence.items()},
            },
            channel=start.channel,
            on_behalf_of=identifier_mask(start.applicant),
        )
    return draft


def _insert_with_resume_code(draft: Draft, attempts: int = 5) -> None:
    for attempt in range(attempts):
        draft.resume_code = tracking_number_new()
        try:
            with transaction.atomic():
                draft.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise


def _evidence_and_prefill(
    versions: Sequence[ServiceVersion], form: MergedForm, start: _Start, subjects: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    evidence: dict[str, Any] = {}
    prefill: dict[str, Any] = {}
    for version in versions:
        resolution = _resolve(version.service.code, start, dict(subjects))
        for item in resolution.items:
            if item.code in evidence:
                evidence[item.code]["is_mandatory"] |= item.is_mandatory
                evidence[item.code]["services"].append(version.service.code)
                continue
            evidence[item.code] = _evidence_entry(
                item, _entry_subject(item, subjects, start.applicant)
            )
            evidence[item.code]["services"] = [version.service.code]
        _prefill_add(prefill, resolution, form.field_names)
    return jsonable(evidence), jsonable(prefill)


def _resolve(service_code: str, start: _Start, subjects: dict[str, str]) -> EvidenceResolution:
    try:
        return evidence_resolve(
            service_code=service_code,
            applicant_national_id=start.applicant,
            consumer=start.consumer,
            acting_user=start.label,
            purpose="application",
            subjects=subjects,
        )
    except InvalidInput as error:
        # A subject named for an evidence another service of the bundle asks for: ask again
        # without it rather than refuse the bundle.
        if error.code != "evidence_not_required" or not subjects:
            raise
        field = str(error.details.get("field", ""))
        remaining = {k: v for k, v in subjects.items() if f"subjects.{k}" != field}
        return _resolve(service_code, start, remaining)


def _evidence_entry(item: Any, subject: str) -> dict[str, Any]:
    return {
        "code": item.code,
        "is_mandatory": item.is_mandatory,
        "status": item.status,
        "reason": item.reason,
        "registry": item.registry,
        "operation": item.operation,
        "subject": subject,
        "source": item.source,
        "fetched_at": item.fetched_at,
        "request_id": item.request_id,
        "fields": {
            name: {
                "value": value.value,
                "source": value.source,
                "fetched_at": value.fetched_at,
                "request_id": value.request_id,
            }
            for name, value in item.fields.items()
        },
    }


# --- Saving and resuming -----------------------------------------------------------------------


@dataclass(frozen=True)
class StepResult:
    draft: Draft
    errors: dict[str, list[str]]  # field → translated messages; empty when the step is valid

    @property
    def is_valid(self) -> bool:
        return not self.errors


def draft_save_step(
    *, draft: Draft, step: str, answers: Mapping[str, Any], language: str | None = None
) -> StepResult:
    """Keep the answers of one page (invalid ones too, with their errors) and move the draft to
    `step`. On the check-your-answers step (`check`) the whole form is validated. The caller
    got `draft` through `draft_get_for`, which checked who may touch it."""
    form = draft_form(draft=draft, language=language)
    page = form.page(step)
    if page is None and step != CHECK_STEP:
        raise InvalidInput(
            _("This form has no page called %(step)s.") % {"step": step}, field="step"
        )
    typed = answers_coerce(form=form, raw=answers)
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.submitted_application_id is not None:
            raise InvalidInput(
                _("This application was already submitted; follow it with its tracking number."),
                code="draft_submitted",
                field="step",
            )
        data = dict(locked.data)
        on_page = [item.name for item in page.fields] if page else []
        for name in on_page:
            data.pop(name, None)
        data.update(jsonable(typed))
        checked = on_page if page else None
        errors = form_errors(form=form, answers=data, only=checked)
        kept = {k: v for k, v in locked.errors.items() if page is not None and k not in on_page}
        locked.data, locked.step, locked.errors = data, step, {**kept, **errors}
        locked.updated_at = clock.now()
        locked.expires_at = locked.updated_at + timedelta(days=draft_days())
        locked.save(update_fields=["data", "step", "errors", "updated_at", "expires_at"])
    return StepResult(locked, errors)


def draft_get_for(
    *,
    actor: Applicant,
    draft_id: Any = None,
    resume_code: str = "",
    applicant_national_id: str = "",
    center: Center | None = None,
) -> Draft:
    """The draft, if `actor` may continue it; NotFound for missing, expired and not yours alike.

    Its owner finds it by id or resume code. An operator resumes a citizen's draft at a counter
    with the resume code AND the applicant's national ID (the citizen shows both), holding
    `application.file_on_behalf` in `center`."""
    rows = Draft.objects.filter(expires_at__gt=clock.now()).select_related("center", "life_event")
    draft = None
    if draft_id:
        draft = rows.filter(pk=draft_id).first()
    elif resume_code:
        code = tracking_number_parse(resume_code)
        draft = rows.filter(resume_code=code).first() if code else None
    if draft is not None and _may_continue(
        actor, draft, bool(resume_code), applicant_national_id, center
    ):
        return draft
    raise NotFound(_("There is no such draft application."), code="draft_not_found")


def _may_continue(
    actor: Applicant, draft: Draft, by_code: bool, national_id: str, center: Center | None
) -> bool:
    if isinstance(actor, CitizenAccount):
        return draft.owner_account_id == actor.pk
    if isinstance(actor, OutletSystemActor):
        return _outlet_may_continue(actor, draft)
    if draft.owner_staff_id is not None and draft.owner_staff_id == actor.pk:
        return True
    if not by_code or not national_id or center is None:
        return False
    actor_require(actor=actor, action="application.file_on_behalf", center=center)
    return "".join(national_id.split()) == draft.applicant_national_id


def _outlet_may_continue(actor: OutletSystemActor, draft: Draft) -> bool:
    """Any key of the center whose system started the draft; no other system, by any means."""
    own_center = draft.center_id is not None and str(draft.center_id) == str(actor.center_id)
    if not own_center or not draft.owner_system.startswith(f"outlet:{actor.center_code}:"):
        return False
    actor_require(actor=actor, action="application.file_on_behalf", center=draft.center_id)
    return True


# --- Evidence seen at a counter ----------------------------------------------------------------

NOTHING_TO_SEE = {"found", "pending"}  # a registry gave it, or is asked for it again


def draft_evidence_checked_set(
    *, actor: Applicant, draft: Draft, codes: Sequence[str], center: Center | None = None
) -> Draft:
    """Mark the evidence `codes` as seen in the original at a counter, and only those (a code
    left out is unmarked): each marked entry of `draft.evidence` keeps `checked_at_counter` =
    {by: the operator's label, at: when first marked}. Kept on the draft, not in a browser's
    session, so the mark holds when the draft is continued on another computer.

    Only staff holding `application.file_on_behalf` in `center` (default: the draft's) may, or
    the system of a partner outlet (its clerk saw the originals) filing there; never a kiosk,
    where nobody looks. The caller got `draft` through `draft_get_for`. Evidence a registry
    gave or is awaited from has no original to see (InvalidInput on `evidence.<code>`); whether
    the channel lets the operator hold the original is the submission's rule
    (intake.application_submit)."""
    label = _counter_operator_require(actor, center or draft.center)
    wanted = list(dict.fromkeys(codes))
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.submitted_application_id is not None:
            raise InvalidInput(
                _("This application was already submitted; follow it with its tracking number."),
                code="draft_submitted",
                field="checked",
            )
        _checkable_require(locked, wanted)
        before = draft_evidence_checked(draft=locked)
        if set(before) == set(wanted):
            return locked
        stamp = {"by": label, "at": clock.now().isoformat()}
        evidence = {code: dict(entry) for code, entry in locked.evidence.items()}
        for code, entry in evidence.items():
            if code not in wanted:
                entry.pop("checked_at_counter", None)
            elif not entry.get("checked_at_counter"):
                entry["checked_at_counter"] = stamp
        locked.evidence = evidence
        locked.updated_at = clock.now()
        locked.expires_at = locked.updated_at + timedelta(days=draft_days())
        locked.save(update_fields=["evidence", "updated_at", "expires_at"])
        event_record(
            name="application.draft_evidence_checked",
            actor=label,
            entity_type="applications.draft",
            entity_id=str(locked.pk),
            payload={"checked": sorted(wanted), "unchecked": sorted(set(before) - set(wanted))},
            channel=locked.channel,
            on_behalf_of=identifier_mask(locked.applicant_national_id),
        )
    return locked


def draft_evidence_checked(*, draft: Draft) -> list[str]:
    """The evidence marked as seen at a counter (`draft_evidence_checked_set`), in the draft's
    order: what `application_submit` takes as `evidence_checked_at_counter`."""
    return [code for code, entry in draft.evidence.items() if entry.get("checked_at_counter")]


def _counter_operator_require(actor: Applicant, center: Center | None) -> str:
    if isinstance(actor, OutletSystemActor):
        return _outlet_clerk_require(actor, center)
    if not isinstance(actor, AbstractBaseUser):  # a citizen, a machine: nobody holds the paper
        raise PermissionDenied(
            _("Only a front-office operator at a counter may mark a document as seen."),
            code="permission_denied",
            action="application.file_on_behalf",
        )
    return actor_require(actor=actor, action="application.file_on_behalf", center=center)


def _outlet_clerk_require(actor: OutletSystemActor, center: Center | None) -> str:
    """A partner outlet's clerk holds the originals; at a kiosk nobody is there to look."""
    if actor.center_kind != CenterKind.PARTNER_OUTLET:
        raise PermissionDenied(
            _(
                "A kiosk cannot mark documents as checked (codes): nobody is there to see the "
                "originals. Upload each document instead."
            ),
            code="evidence_check_not_allowed",
            action="application.file_on_behalf",
            field="codes",
        )
    return actor_require(actor=actor, action="application.file_on_behalf", center=center)


def _checkable_require(draft: Draft, codes: Sequence[str]) -> None:
    for code in codes:
        entry = draft.evidence.get(code)
        if entry is None:
            message = _("This application asks for no document with the code %(code)s.")
        elif entry.get("status") in NOTHING_TO_SEE:
            message = _(
                "This document comes from a registry; there is no original to check at the "
                "counter (%(code)s)."
            )
        else:
            continue
        raise InvalidInput(
            message % {"code": code}, code="evidence_not_checkable", field=f"evidence.{code}"
        )


# --- Another person an evidence is about -------------------------------------------------------


@dataclass(frozen=True)
class SubjectQuestion:
    """A person other than the applicant whom some of the draft's evidence is about (a role of
    `catalog.subjects`), with what was given so far ("" when nothing)."""

    role: str
    label: str
    question: str
    evidence_codes: tuple[str, ...]
    national_id: str


def draft_subject_roles(*, draft: Draft) -> dict[str, list[str]]:
    """Role → the draft's evidence codes about that person, from its services' published
    versions (one query). An evidence two services name with different roles takes the first."""
    rows = (
        EvidenceRequirement.objects.filter(
            version__service__code__in=draft.service_codes,
            version__status=VersionStatus.PUBLISHED,
        )
        .exclude(subject_role=SubjectRole.APPLICANT)
        .order_by("version__service__code", "position")
        .values_list("evidence_type__code", "subject_role")
    )
    role_of: dict[str, str] = {}
    for code, role in rows:
        role_of.setdefault(code, role)
    roles: dict[str, list[str]] = {}
    for role in SubjectRole.values:
        codes = [code for code in draft.evidence if role_of.get(code) == role]
        if codes:
            roles[role] = codes
    return roles


def draft_subject_questions(*, draft: Draft) -> list[SubjectQuestion]:
    """What to ask about the other people of the draft, in the roles' order; empty when every
    evidence is about the applicant."""
    return [
        SubjectQuestion(
            role=role,
            label=subject_label(role),
            question=subject_question(role),
            evidence_codes=tuple(codes),
            national_id=next((draft.subjects[c] for c in codes if draft.subjects.get(c)), ""),
        )
        for role, codes in draft_subject_roles(draft=draft).items()
    ]


def draft_subject_set(
    *,
    actor: Applicant,
    draft: Draft,
    role: str,
    national_id: str,
    center: Center | None = None,
) -> Draft:
    """Record the national ID of the person `role` names (the deceased, a child …) and ask the
    registries again for the evidence about them only, once-only: found, it is no longer to
    upload, and the form's fields it fills are prefilled (a value the applicant changed is
    kept). An empty `national_id` forgets the person: that evidence is asked as at the start.

    The draft's owner (a citizen, their own draft) or staff holding
    `application.file_on_behalf` in `center` (default: the draft's) may. A national ID failing
    the pack's scheme, or the applicant's own, is InvalidInput on `subjects.<role>`."""
    label, consumer = _subject_writer_require(actor, draft, center)
    draft = Draft.objects.get(pk=draft.pk)  # what is stored now, not what the caller read
    field = f"subjects.{role}"
    codes = draft_subject_roles(draft=draft).get(role)
    if not codes:
        raise InvalidInput(
            _("This application asks for no record about this person."),
            code="subject_not_asked",
            field=field,
        )
    subject = _subject_national_id(national_id, field, draft.applicant_national_id)
    if all(draft.subjects.get(code, "") == subject for code in codes):
        return draft
    subjects = {k: v for k, v in draft.subjects.items() if k not in codes}
    subjects.update(dict.fromkeys(codes, subject) if subject else {})
    fresh, prefill = _subject_resolve(draft, codes, subjects, consumer, label)
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.submitted_application_id is not None:
            raise InvalidInput(
                _("This application was already submitted; follow it with its tracking number."),
                code="draft_submitted",
                field=field,
            )
        _subject_apply(locked, codes, subjects, fresh, prefill)
        locked.save(
            update_fields=["subjects", "evidence", "prefill", "data", "updated_at", "expires_at"]
        )
        event_record(
            name="application.draft_subject_set",
            actor=label,
            entity_type="applications.draft",
            entity_id=str(locked.pk),
            payload={
                "role": role,
                "subject": identifier_mask(subject) if subject else "",
                "evidence": {code: locked.evidence[code]["status"] for code in codes},
            },
            channel=locked.channel,
            on_behalf_of=identifier_mask(locked.applicant_national_id),
        )
    return locked


def _entry_subject(item: EvidenceItem, subjects: Mapping[str, str], applicant: str) -> str:
    """Whom an evidence entry is about: the person named for it, the applicant when it is
    about them, else nobody yet (an evidence about another person not named)."""
    return subjects.get(item.code) or (applicant if item.is_about_applicant else "")


def _subject_writer_require(
    actor: Applicant, draft: Draft, center: Center | None
) -> tuple[str, str]:
    """(the label events record, the exchange consumer) of one who may change the draft."""
    if isinstance(actor, CitizenAccount):
        if draft.owner_account_id != actor.pk:
            raise NotFound(_("There is no such draft application."), code="draft_not_found")
        return actor_name(actor), PORTAL
    if not isinstance(actor, AbstractBaseUser):
        raise PermissionDenied(
            _("Only the applicant or an operator at a counter may name this person."),
            code="permission_denied",
            action="application.file_on_behalf",
        )
    label = actor_require(
        actor=actor, action="application.file_on_behalf", center=center or draft.center
    )
    return label, CONSOLE


def _subject_national_id(value: str, field: str, applicant: str) -> str:
    if not (value or "").strip():
        return ""
    try:
        cleaned = identifier_clean("national_id", value)
    except InvalidInput as error:
        raise InvalidInput(error.message, code=error.code, field=field) from None
    if cleaned == applicant:
        raise InvalidInput(
            _("This is the applicant's own national ID; enter the other person's."),
            code="subject_is_applicant",
            field=field,
        )
    return cleaned


def _subject_resolve(
    draft: Draft, codes: Sequence[str], subjects: dict[str, str], consumer: str, label: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fresh evidence entries of `codes` and the prefill they give, asking each service
    that needs them about those codes only."""
    start = _Start(draft.applicant_national_id, draft.channel, draft.center, consumer, label)
    form = draft_form(draft=draft)
    fresh: dict[str, Any] = {}
    prefill: dict[str, Any] = {}
    for service_code in draft.service_codes:
        own = [c for c in codes if service_code in draft.evidence[c].get("services", [])]
        if not own:
            continue
        resolution = evidence_resolve(
            service_code=service_code,
            applicant_national_id=start.applicant,
            consumer=start.consumer,
            acting_user=start.label,
            purpose="application",
            subjects={c: subjects[c] for c in own if c in subjects},
            only=own,
        )
        for item in resolution.items:
            fresh.setdefault(item.code, _evidence_entry(item, subjects.get(item.code, "")))
        _prefill_add(prefill, resolution, form.field_names)
    return jsonable(fresh), jsonable(prefill)


def _prefill_add(
    prefill: dict[str, Any], resolution: EvidenceResolution, field_names: Sequence[str]
) -> None:
    """Add the form values `resolution` proposes, with their provenance; a field another
    service's evidence already filled keeps that value."""
    for name, value in evidence_prefill(resolution=resolution, form_fields=field_names).items():
        prefill.setdefault(
            name,
            {
                "value": value.value,
                "evidence": value.evidence,
                "evidence_field": value.evidence_field,
                "source": value.source,
                "fetched_at": value.fetched_at,
                "request_id": value.request_id,
            },
        )


def _subject_apply(
    draft: Draft,
    codes: Sequence[str],
    subjects: dict[str, str],
    fresh: dict[str, Any],
    prefill: dict[str, Any],
) -> None:
    """Put the fresh entries, the prefill and the subjects on the locked `draft`; an answer the
    applicant changed from its prefilled value stays."""
    evidence = {code: dict(entry) for code, entry in draft.evidence.items()}
    for code in codes:
        old = evidence[code]
        entry = {**old, **fresh.get(code, {})}
        entry["is_mandatory"], entry["services"] = old["is_mandatory"], old["services"]
        entry["subject"] = subjects.get(code, "")  # another person's, or nobody's yet
        if entry["status"] in NOTHING_TO_SEE:
            entry.pop("checked_at_counter", None)
        evidence[code] = entry
    kept = dict(draft.prefill)
    data = dict(draft.data)
    for name, item in draft.prefill.items():
        if item.get("evidence") in codes:
            kept.pop(name)
            if data.get(name) == item.get("value"):
                data.pop(name, None)
    for name, item in prefill.items():
        if item["evidence"] in codes and name not in kept:
            kept[name] = item
            data.setdefault(name, item["value"])
    draft.subjects, draft.evidence, draft.prefill, draft.data = subjects, evidence, kept, data
    draft.updated_at = clock.now()
    draft.expires_at = draft.updated_at + timedelta(days=draft_days())
