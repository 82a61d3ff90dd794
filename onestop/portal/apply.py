"""Applying on the portal: start a draft from a service or a life event, fill the merged form
page by page and give the evidence no registry holds; then `apply_finish` (the processing,
check your answers, submit) and, where some evidence is about another person, `apply_people`.
Thin views over `onestop.applications` (drafts, attachments, intake, portal_support): every
rule and every permission check is there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from onestop.accounts.models import CitizenAccount
from onestop.accounts.oidc import oidc_config
from onestop.accounts.selectors import citizen_account_get
from onestop.applications.attachments import attachments_upload, upload_max_bytes
from onestop.applications.drafts import (
    CHECK_STEP,
    draft_form,
    draft_get_for,
    draft_save_step,
    draft_start,
    draft_subject_roles,
    published_versions,
)
from onestop.applications.form_merge import FormField, MergedForm
from onestop.applications.models import Draft
from onestop.applications.portal_support import draft_offers_express
from onestop.applications.questions import (
    Question,
    field_is_read_only,
    field_kind,
    posted_answers,
)
from onestop.catalog.models import ServiceVersion
from onestop.catalog.selectors import evidence_names, life_event_get
from onestop.catalog.subjects import subject_label
from onestop.core.errors import InvalidInput, NotFound
from onestop.core.text import active_language, pick

from .labels import registry_label
from .sign_in import _sign_in_redirect

EVIDENCE_STEP = "evidence"
PEOPLE_STEP = "people"  # the national IDs of the other people some evidence is about
PROCESSING_STEP = "processing"
RESUME_STEP = "resume"  # where the draft was left


# --- Who applies -------------------------------------------------------------------------------


def _applicant(request: HttpRequest) -> CitizenAccount | HttpResponse:
    """The signed-in citizen's account, or the page to show instead: sign in first, or how to
    link the account to a national ID (the same guidance as "your data")."""
    if not request.user.is_authenticated:
        return _sign_in_redirect(request)
    account = citizen_account_get(user=request.user)
    if account is None or not account.person_reference:
        return render(
            request,
            "portal/apply_unlinked.html",
            {"is_eid_offered": oidc_config() is not None, "next": request.get_full_path()},
        )
    return account


def _draft(request: HttpRequest, draft_id: UUID) -> tuple[CitizenAccount, Draft] | HttpResponse:
    account = _applicant(request)
    if isinstance(account, HttpResponse):
        return account
    try:
        return account, draft_get_for(actor=account, draft_id=draft_id)
    except NotFound as error:
        raise Http404(str(draft_id)) from error


# --- Starting ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply_service(request: HttpRequest, code: str) -> HttpResponse:
    return _start(request, service_codes=[code], life_event_code="")


@require_http_methods(["GET", "POST"])
def apply_life_event(request: HttpRequest, code: str) -> HttpResponse:
    return _start(request, service_codes=[], life_event_code=code)


def _start(request: HttpRequest, *, service_codes: list[str], life_event_code: str) -> HttpResponse:
    account = _applicant(request)
    if isinstance(account, HttpResponse):
        return account
    if request.method == "GET":
        versions = _versions_or_404(service_codes, life_event_code)
        return render(
            request,
            "portal/apply_start.html",
            {"versions": versions, "life_event_code": life_event_code},
        )
    try:
        draft = draft_start(
            actor=account,
            service_codes=service_codes,
            life_event_code=life_event_code,
            language=active_language(),
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except InvalidInput as error:
        return render(request, "portal/apply_refused.html", {"message": error.message}, status=400)
    return redirect(_step_url(draft, _first_step(draft_form(draft=draft))))


def _versions_or_404(service_codes: list[str], life_event_code: str) -> list[ServiceVersion]:
    try:
        if life_event_code:
            _event, steps = life_event_get(code=life_event_code)
            return [version for _step, version in steps]
        return published_versions(service_codes=service_codes)
    except NotFound as error:
        raise Http404(error.message) from error


# --- The steps ---------------------------------------------------------------------------------


def _first_step(form: MergedForm) -> str:
    return form.pages[0].key if form.pages else EVIDENCE_STEP


def _step_url(draft: Draft, step: str) -> str:
    names = {
        EVIDENCE_STEP: "draft_evidence",
        PROCESSING_STEP: "draft_processing",
        PEOPLE_STEP: "draft_people",
    }
    if step == CHECK_STEP:
        return reverse("portal:draft_check", args=[draft.pk])
    if step in names:
        return reverse(f"portal:{names[step]}", args=[draft.pk])
    return reverse("portal:draft_step", args=[draft.pk, step])


def steps_of(draft: Draft, form: MergedForm) -> list[str]:
    """Every step of the draft in order: the form's pages, the other people where some evidence
    is about someone else, the evidence, the processing where express is offered, then
    check-your-answers."""
    people = [PEOPLE_STEP] if draft_subject_roles(draft=draft) else []
    steps = [page.key for page in form.pages] + people + [EVIDENCE_STEP]
    if draft_offers_express(draft=draft):
        steps.append(PROCESSING_STEP)
    return [*steps, CHECK_STEP]


def _next_step(draft: Draft, form: MergedForm, step: str) -> str:
    steps = steps_of(draft, form)
    return steps[min(steps.index(step) + 1, len(steps) - 1)]


def _previous_url(draft: Draft, form: MergedForm, step: str) -> str:
    steps = steps_of(draft, form)
    index = steps.index(step)
    return _step_url(draft, steps[index - 1]) if index > 0 else ""


def _question(draft: Draft, item: FormField) -> Question:
    prefill = draft.prefill.get(item.name) or {}
    evidence = draft.evidence.get(str(prefill.get("evidence", ""))) or {}
    fetched = prefill.get("fetched_at")
    return Question(
        field=item,
        kind=field_kind(item.schema),
        value=draft.data.get(item.name, ""),
        errors=list(draft.errors.get(item.name, [])),
        source=registry_label(str(evidence.get("registry", ""))) if prefill else "",
        fetched_at=datetime.fromisoformat(fetched) if fetched else None,
        is_editable=not (prefill and field_is_read_only(item.schema)),
    )


def _answers(request: HttpRequest, draft: Draft, fields: tuple[FormField, ...]) -> dict[str, Any]:
    """The posted answers of a page."""
    posted = {item.name: request.POST.getlist(item.name) for item in fields}
    return posted_answers(draft=draft, fields=fields, posted=posted)


@require_http_methods(["GET", "POST"])
def draft_step(request: HttpRequest, draft_id: UUID, step: str) -> HttpResponse:
    found = _draft(request, draft_id)
    if isinstance(found, HttpResponse):
        return found
    _account, draft = found
    if draft.submitted_application_id is not None:
        return redirect("portal:application_submitted", draft.submitted_application_id)
    form = draft_form(draft=draft)
    if step == RESUME_STEP:
        steps = steps_of(draft, form)
        return redirect(_step_url(draft, draft.step if draft.step in steps else steps[0]))
    page = form.page(step)
    if page is None:
        raise Http404(step)
    status = 200
    if request.method == "POST":
        result = draft_save_step(
            draft=draft, step=step, answers=_answers(request, draft, page.fields)
        )
        if result.is_valid:
            return redirect(_step_url(draft, _next_step(draft, form, step)))
        draft, status = result.draft, 400
    questions = [_question(draft, item) for item in page.fields]
    return render(
        request,
        "portal/apply_step.html",
        {
            "draft": draft,
            "page": page,
            "questions": questions,
            "has_errors": any(question.errors for question in questions),
            "back_url": _previous_url(draft, form, step),
            "progress": _progress(draft, form, step),
            "title": draft_title(draft),
        },
        status=status,
    )


def _progress(draft: Draft, form: MergedForm, step: str) -> dict[str, int]:
    steps = steps_of(draft, form)
    return {"number": steps.index(step) + 1, "total": len(steps)}


def draft_title(draft: Draft) -> str:
    return draft_titles([draft])[0]


def draft_titles(drafts: list[Draft]) -> list[str]:
    """Each draft's life event, or its services' names (one query for all the drafts); a
    service no longer published is named by its code."""
    codes = list(dict.fromkeys(code for draft in drafts for code in draft.service_codes))
    try:
        names = {
            version.service.code: pick(version.name)
            for version in (published_versions(service_codes=codes) if codes else [])
        }
    except NotFound:
        names = {}
    return [
        pick(draft.life_event.name)
        if draft.life_event is not None
        else ", ".join(names.get(code, code) for code in draft.service_codes)
        for draft in drafts
    ]


# --- Evidence ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    code: str
    name: str
    status: str  # found | pending | upload
    is_mandatory: bool
    source: str
    fetched_at: datetime | None
    file_name: str
    errors: list[str]
    about: str = ""  # whom it is about, when not the applicant ("The deceased person")


def evidence_items(draft: Draft, errors: dict[str, list[str]] | None = None) -> list[EvidenceItem]:
    names = evidence_names(codes=draft.evidence)
    errors = errors or {}
    roles = draft_subject_roles(draft=draft) if draft.subjects else {}
    about = {code: subject_label(role) for role, codes in roles.items() for code in codes}
    return [
        EvidenceItem(
            code=code,
            name=names[code],
            status=entry["status"],
            is_mandatory=bool(entry.get("is_mandatory")),
            source=registry_label(entry["registry"]) if entry.get("registry") else "",
            fetched_at=(
                datetime.fromisoformat(entry["fetched_at"]) if entry.get("fetched_at") else None
            ),
            file_name=(entry.get("file") or {}).get("name", ""),
            errors=errors.get(code, []),
            about=about.get(code, "") if draft.subjects.get(code) else "",
        )
        for code, entry in draft.evidence.items()
    ]


@require_http_methods(["GET", "POST"])
def draft_evidence(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    found = _draft(request, draft_id)
    if isinstance(found, HttpResponse):
        return found
    _account, draft = found
    if draft.submitted_application_id is not None:
        return redirect("portal:application_submitted", draft.submitted_application_id)
    form = draft_form(draft=draft)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        files = {
            code: (upload.name or "", upload.read(upload_max_bytes() + 1))
            for code in draft.evidence
            if (upload := request.FILES.get(f"evidence-{code}")) is not None
        }
        draft, errors = attachments_upload(draft=draft, files=files)
        if not errors:
            return redirect(_step_url(draft, _next_step(draft, form, EVIDENCE_STEP)))
    return render(
        request,
        "portal/apply_evidence.html",
        {
            "draft": draft,
            "items": evidence_items(draft, errors),
            "has_errors": bool(errors),
            "back_url": _previous_url(draft, form, EVIDENCE_STEP),
            "progress": _progress(draft, form, EVIDENCE_STEP),
            "title": draft_title(draft),
            "max_megabytes": upload_max_bytes() // (1024 * 1024),
        },
        status=400 if errors else 200,
    )
