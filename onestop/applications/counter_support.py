"""What the officer console's counter needs to file an application on a citizen's behalf: the
centers where the operator may file and the channels their kind offers, the published catalog
to choose from, starting or resuming a draft (drafts.py), the questions and evidence of a step
with the registry each prefilled value came from, and the submission with the citizen's
consent (intake.application_submit).

Every permission is checked here or in the functions called: `application.file_on_behalf` in
the center, through `actor_require` and `draft_get_for`. The console only parses and renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils.translation import gettext as _

from onestop.catalog.models import Cost, LifeEvent, ServiceVersion, VersionStatus
from onestop.catalog.selectors import evidence_names
from onestop.catalog.subjects import subject_label
from onestop.centers.models import Center, CenterKind
from onestop.core import clock
from onestop.core.errors import InvalidInput, NotFound
from onestop.core.money import Money
from onestop.core.text import pick
from onestop.people.identifiers import identifier_clean
from onestop.staff.actors import actor_require
from onestop.staff.models import StaffRole
from onestop.staff.permissions import ACTIONS

from .deadlines import working_days_for
from .drafts import (
    CHECK_STEP,
    draft_evidence_checked,
    draft_evidence_checked_set,
    draft_get_for,
    draft_save_step,
    draft_start,
    draft_subject_questions,
    draft_subject_roles,
    draft_subject_set,
    published_versions,
)
from .form_merge import FormPage, MergedForm
from .intake import Consent, application_submit
from .models import Application, ApplicationChannel, ConsentMethod, Draft, Tier
from .portal_support import draft_offers_express, draft_tier_set
from .questions import Question, field_is_read_only, field_kind, posted_answers
from .tracking import EXAMPLE, tracking_number_parse

EVIDENCE_STEP = "evidence"
PEOPLE_STEP = "people"  # the national IDs of the other people some evidence is about
FILE_ON_BEHALF = "application.file_on_behalf"
# The channels an operator serves through, by the kind of place they work in: a service center
# also answers the telephone; a kiosk is the citizen's own channel and is offered nothing here.
CHANNELS_BY_KIND: dict[str, tuple[str, ...]] = {
    CenterKind.CENTER: (ApplicationChannel.CENTER, ApplicationChannel.CALL_CENTER),
    CenterKind.MOBILE_UNIT: (ApplicationChannel.MOBILE_UNIT, ApplicationChannel.CALL_CENTER),
    CenterKind.PARTNER_OUTLET: (ApplicationChannel.PARTNER_OUTLET,),
    CenterKind.KIOSK: (),
}
# Where the operator can hold the original document: not over the telephone.
CHANNELS_IN_PERSON = {
    ApplicationChannel.CENTER,
    ApplicationChannel.MOBILE_UNIT,
    ApplicationChannel.PARTNER_OUTLET,
}


def counter_centers(*, user: Any) -> list[Center]:
    """The centers where `user` may file on a citizen's behalf now, by code (one query); empty
    for anyone else."""
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated or not user.is_active:
        return []
    now = clock.now()
    held = StaffRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        user_id=user.pk,
        role__in=list(ACTIONS[FILE_ON_BEHALF].roles),
        valid_from__lte=now,
        center__isnull=False,
    ).values("center_id")
    return list(Center.objects.filter(pk__in=held).order_by("code"))


def counter_channels(*, center: Center) -> tuple[str, ...]:
    return CHANNELS_BY_KIND.get(center.kind, ())


# --- The catalog to choose from ----------------------------------------------------------------


@dataclass(frozen=True)
class CatalogChoice:
    value: str  # `service:<code>` or `life_event:<code>`
    name: str


@dataclass(frozen=True)
class CounterCatalog:
    services: list[CatalogChoice]
    life_events: list[CatalogChoice]


def counter_catalog(*, language: str | None = None) -> CounterCatalog:
    """The published services and the life events, each named in `language`, by name (two
    queries)."""
    versions = ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED).values_list(
        "service__code", "name"
    )
    services = [
        CatalogChoice(value=f"service:{code}", name=pick(name, language) or code)
        for code, name in versions
    ]
    events = [
        CatalogChoice(value=f"life_event:{code}", name=pick(name, language) or code)
        for code, name in LifeEvent.objects.values_list("code", "name")
    ]
    return CounterCatalog(
        services=sorted(services, key=lambda item: item.name.casefold()),
        life_events=sorted(events, key=lambda item: item.name.casefold()),
    )


def _chosen(choice: str) -> tuple[list[str], str]:
    kind, _sep, code = (choice or "").partition(":")
    if kind == "service" and code:
        return [code], ""
    if kind == "life_event" and code:
        return [], code
    raise InvalidInput(
        _("Choose the service or the life event the citizen applies for."),
        code="required",
        field="choice",
    )


def _channel_checked(center: Center, channel: str) -> str:
    if channel not in counter_channels(center=center):
        raise InvalidInput(
            _("Choose how you serve the citizen: one of the channels listed."),
            code="channel_required",
            field="channel",
        )
    return channel


def _national_id_checked(value: str) -> str:
    if not (value or "").strip():
        raise InvalidInput(
            _("Enter the citizen's national ID, as written on their identity card."),
            code="required",
            field="national_id",
        )
    return identifier_clean("national_id", value)


# --- Starting and resuming ---------------------------------------------------------------------


def counter_draft_start(
    *, actor: Any, center: Center, national_id: str, choice: str, channel: str, language: str
) -> Draft:
    """A draft the operator fills for the citizen `national_id`. Every field is checked before
    any registry is asked, so one refusal names everything wrong at once (`errors`)."""
    actor_require(actor=actor, action=FILE_ON_BEHALF, center=center)
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Any] = {}
    for name, check in (
        ("national_id", lambda: _national_id_checked(national_id)),
        ("choice", lambda: _chosen(choice)),
        ("channel", lambda: _channel_checked(center, channel)),
    ):
        try:
            parsed[name] = check()
        except InvalidInput as error:
            errors[name] = [error.message]
    if errors:
        first = next(iter(errors))
        raise InvalidInput(errors[first][0], field=first, errors=errors)
    service_codes, life_event_code = parsed["choice"]
    try:
        return draft_start(
            actor=actor,
            service_codes=service_codes,
            life_event_code=life_event_code,
            channel=parsed["channel"],
            center=center,
            applicant_national_id=parsed["national_id"],
            language=language,
        )
    except NotFound as missing:
        raise InvalidInput(missing.message, field="choice") from missing


@dataclass(frozen=True)
class Resumed:
    """What the console keeps of a draft resumed by its code, to reopen it on the next page
    through the same check (`draft_get_for`)."""

    draft: Draft
    resume_code: str
    national_id: str
    channel: str


def counter_draft_resume(
    *, actor: Any, center: Center, resume_code: str, national_id: str, channel: str
) -> Resumed:
    """A draft the citizen started (online or at another counter), found by its resume code and
    the citizen's national ID; the same message for a wrong code, a wrong ID and an expired
    draft, so the pair cannot be probed one half at a time."""
    actor_require(actor=actor, action=FILE_ON_BEHALF, center=center)
    errors: dict[str, list[str]] = {}
    code = tracking_number_parse(resume_code)
    if code is None:
        errors["resume_code"] = [
            _("The resume code has 10 letters and digits, such as %(example)s.")
            % {"example": EXAMPLE}
        ]
    cleaned = ""
    try:
        cleaned = _national_id_checked(national_id)
    except InvalidInput as error:
        errors["resume_national_id"] = [error.message]
    try:
        _channel_checked(center, channel)
    except InvalidInput as error:
        errors["resume_channel"] = [error.message]
    if not errors:
        try:
            draft = draft_get_for(
                actor=actor, resume_code=str(code), applicant_national_id=cleaned, center=center
            )
        except NotFound:
            errors["resume_code"] = [
                _(
                    "No draft matches this resume code and national ID, or it has expired. "
                    "Check both with the citizen, or start a new application."
                )
            ]
    if errors:
        first = next(iter(errors))
        raise InvalidInput(errors[first][0], field=first, errors=errors)
    return Resumed(draft=draft, resume_code=str(code), national_id=cleaned, channel=channel)


def counter_draft_get(
    *, actor: Any, center: Center, draft_id: Any, resumed: Mapping[str, Any] | None = None
) -> Draft:
    """A draft the operator started, or one they resumed (`resumed`: what `Resumed` kept);
    NotFound for anything else."""
    if resumed:
        draft = draft_get_for(
            actor=actor,
            resume_code=str(resumed.get("resume_code", "")),
            applicant_national_id=str(resumed.get("national_id", "")),
            center=center,
        )
        if str(draft.pk) != str(draft_id):
            raise NotFound(_("There is no such draft application."), code="draft_not_found")
        return draft
    draft = draft_get_for(actor=actor, draft_id=draft_id)
    actor_require(actor=actor, action=FILE_ON_BEHALF, center=center)
    return draft


# --- The steps ---------------------------------------------------------------------------------


def counter_steps(*, form: MergedForm, draft: Draft | None = None) -> list[str]:
    """The form's pages, then the other people where some of the `draft`'s evidence is about
    someone else, then the evidence, then check-your-answers."""
    people = [PEOPLE_STEP] if draft is not None and draft_subject_roles(draft=draft) else []
    return [page.key for page in form.pages] + people + [EVIDENCE_STEP, CHECK_STEP]


def counter_questions(*, draft: Draft, page: FormPage) -> list[Question]:
    """The page's questions with the kept answers, their errors and their provenance."""
    names = evidence_names(
        codes=[
            str((draft.prefill.get(item.name) or {}).get("evidence", "")) for item in page.fields
        ]
    )
    questions = []
    for item in page.fields:
        prefill = draft.prefill.get(item.name) or {}
        fetched = prefill.get("fetched_at")
        questions.append(
            Question(
                field=item,
                kind=field_kind(item.schema),
                value=draft.data.get(item.name, ""),
                errors=list(draft.errors.get(item.name, [])),
                source=names.get(str(prefill.get("evidence", "")), "") if prefill else "",
                fetched_at=datetime.fromisoformat(fetched) if fetched else None,
                is_editable=not (prefill and field_is_read_only(item.schema)),
            )
        )
    return questions


def counter_answers(
    *, draft: Draft, page: FormPage, posted: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """The posted answers of a page (`posted`: name → values)."""
    return posted_answers(draft=draft, fields=page.fields, posted=posted)


def counter_step_save(
    *, draft: Draft, page: FormPage, posted: Mapping[str, Sequence[str]]
) -> tuple[Draft, bool]:
    """Keep the page's answers (invalid ones too); True when the page is valid."""
    result = draft_save_step(
        draft=draft, step=page.key, answers=counter_answers(draft=draft, page=page, posted=posted)
    )
    return result.draft, result.is_valid


def counter_check_prepare(*, draft: Draft) -> Draft:
    """Validate the whole form for the check-your-answers page, keeping every error."""
    return draft_save_step(draft=draft, step=CHECK_STEP, answers={}).draft


@dataclass(frozen=True)
class EvidenceItem:
    code: str
    name: str
    status: str  # found | pending | upload
    is_mandatory: bool
    source: str
    fetched_at: datetime | None
    file_name: str
    is_checked_at_counter: bool
    checked_by: str = ""  # the operator who saw the original (their username)
    checked_at: datetime | None = None
    about: str = ""  # whom it is about, when not the applicant ("The deceased person")


def counter_evidence(*, draft: Draft) -> list[EvidenceItem]:
    """The draft's evidence as the counter shows it: found (with its source), pending (the
    registry did not answer), or to upload or check at the counter (and who saw the original,
    when)."""
    names = evidence_names(codes=draft.evidence)
    roles = draft_subject_roles(draft=draft) if draft.subjects else {}
    about = {code: subject_label(role) for role, codes in roles.items() for code in codes}
    return [
        EvidenceItem(
            code=code,
            name=names.get(code, code),
            status=entry["status"],
            is_mandatory=bool(entry.get("is_mandatory")),
            source=str(entry.get("source") or ""),
            fetched_at=(
                datetime.fromisoformat(entry["fetched_at"]) if entry.get("fetched_at") else None
            ),
            file_name=(entry.get("file") or {}).get("name", ""),
            is_checked_at_counter=bool(entry.get("checked_at_counter")),
            **_checked_by(entry.get("checked_at_counter") or {}),
            about=about.get(code, "") if draft.subjects.get(code) else "",
        )
        for code, entry in draft.evidence.items()
    ]


@dataclass(frozen=True)
class PersonRow:
    """One other person's question on the counter's "About the other people" page."""

    role: str
    question: str
    value: str  # what was typed (kept when refused) or given before
    errors: list[str]
    documents: list[str]  # the names of the documents their national ID fetches


def counter_people(
    *,
    draft: Draft,
    posted: Mapping[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> list[PersonRow]:
    """The other people some of the draft's evidence is about (empty: nobody else)."""
    questions = draft_subject_questions(draft=draft)
    names = evidence_names(codes=[code for q in questions for code in q.evidence_codes])
    return [
        PersonRow(
            role=q.role,
            question=q.question,
            value=(posted or {}).get(q.role, q.national_id),
            errors=list((errors or {}).get(q.role, [])),
            documents=[names[code] for code in q.evidence_codes],
        )
        for q in questions
    ]


def counter_people_set(
    *, actor: Any, draft: Draft, center: Center, posted: Mapping[str, str]
) -> tuple[Draft, dict[str, list[str]]]:
    """Record each role's national ID the operator typed (empty: none) and fetch that
    person's evidence; the refused ones come back as {role: [message]}, the others are kept."""
    errors: dict[str, list[str]] = {}
    for question in draft_subject_questions(draft=draft):
        try:
            draft = draft_subject_set(
                actor=actor,
                draft=draft,
                role=question.role,
                national_id=posted.get(question.role, ""),
                center=center,
            )
        except InvalidInput as error:
            errors[question.role] = [error.message]
    return draft, errors


def _checked_by(mark: Mapping[str, Any]) -> dict[str, Any]:
    if not mark:
        return {}
    return {
        "checked_by": str(mark.get("by", "")).removeprefix("staff:"),
        "checked_at": datetime.fromisoformat(mark["at"]) if mark.get("at") else None,
    }


def counter_checkable(*, draft: Draft, channel: str) -> set[str]:
    """The evidence an operator may mark as checked at the counter: what no registry gave and
    no upload holds, only where the citizen is in front of them."""
    if channel not in CHANNELS_IN_PERSON:
        return set()
    return {
        code
        for code, entry in draft.evidence.items()
        if entry["status"] not in {"found", "pending"} and not entry.get("file")
    }


def counter_evidence_checked_set(
    *, actor: Any, draft: Draft, center: Center, channel: str, codes: Iterable[str]
) -> Draft:
    """Keep on the draft the evidence the operator ticked as seen at the counter (the others
    unticked); a code the counter does not offer to tick here is ignored, as the page never
    showed it."""
    checkable = counter_checkable(draft=draft, channel=channel)
    return draft_evidence_checked_set(
        actor=actor, draft=draft, codes=[code for code in codes if code in checkable], center=center
    )


# --- Processing: standard or express ------------------------------------------------------------


@dataclass(frozen=True)
class TierTerms:
    """One service's terms in a tier: its fee (in the reader's language) and statutory working
    days."""

    service: str
    fee: str
    is_free: bool
    working_days: int


@dataclass(frozen=True)
class TierOption:
    tier: str
    services: list[TierTerms]


def counter_tiers(*, draft: Draft, language: str) -> list[TierOption]:
    """Standard, and express when a service of the draft offers it (`draft_offers_express`),
    each with every service's fee and working days. In a bundle, express speeds only the
    services offering it (deadlines.task_deadlines): the others show their standard terms
    under express too. Two queries."""
    versions = published_versions(service_codes=draft.service_codes)
    costs = {
        (cost.version_id, cost.tier): cost
        for cost in Cost.objects.filter(version__in=[version.pk for version in versions])
    }
    tiers = [Tier.STANDARD, Tier.EXPRESS] if draft_offers_express(draft=draft) else [Tier.STANDARD]
    return [
        TierOption(
            tier=tier,
            services=[_tier_terms(version, tier, costs, language) for version in versions],
        )
        for tier in tiers
    ]


def _tier_terms(
    version: ServiceVersion, tier: str, costs: Mapping[tuple[Any, str], Cost], language: str
) -> TierTerms:
    offered = tier == Tier.EXPRESS and version.express_processing_days is not None
    own = Tier.EXPRESS if offered else Tier.STANDARD
    cost = costs.get((version.pk, own))
    amount = Money(cost.amount, cost.currency) if cost else None
    return TierTerms(
        service=pick(version.name, language) or version.service.code,
        fee=amount.format(language) if amount else "",
        is_free=amount is None or amount.is_free,
        working_days=working_days_for(version=version, tier=own),
    )


# --- Submitting --------------------------------------------------------------------------------


def counter_submission_key(*, draft: Draft) -> str:
    """Bound to the draft: a double click, a retried POST or a second tab files it once."""
    return f"counter-draft:{draft.pk}"


def counter_submit(
    *,
    actor: Any,
    draft: Draft,
    center: Center,
    channel: str,
    consent_method: str,
    tier: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Application:
    """File the draft for the citizen, with their consent, in the processing tier chosen with
    them (`tier`; empty keeps the draft's); `application_submit` checks the operator's role, the
    channel, the form and the evidence and sends the acknowledgement. The evidence checked at
    the counter is what the draft keeps (`draft_evidence_checked_set`). A refused consent and a
    refused tier are named together (`errors`); a valid tier is kept even so."""
    actor_require(actor=actor, action=FILE_ON_BEHALF, center=center)
    errors: dict[str, list[str]] = {}
    if tier:
        try:
            draft = draft_tier_set(draft=draft, tier=tier)
        except InvalidInput as refused:
            errors["tier"] = [refused.message]
    if consent_method not in ConsentMethod.values:
        errors["consent"] = [
            _(
                "Choose how the citizen consented to you applying on their behalf: signed "
                "form, signed on screen, recorded call or registered mandate."
            )
        ]
    if errors:
        first = next(iter(errors))
        code = "consent_required" if first == "consent" else "tier_refused"
        raise InvalidInput(errors[first][0], code=code, field=first, errors=errors)
    return application_submit(
        actor=actor,
        draft=draft,
        idempotency_key=counter_submission_key(draft=draft),
        channel=_channel_checked(center, channel),
        center=center,
        consent=Consent(method=consent_method),
        evidence_checked_at_counter=[
            code
            for code in draft_evidence_checked(draft=draft)
            if code in counter_checkable(draft=draft, channel=channel)
        ],
        contact_phone=contact_phone,
        contact_email=contact_email,
    )
