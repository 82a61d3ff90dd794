"""Applying on the portal, the last steps: choose standard or express processing (with each
tier's fee and deadline), check your answers and submit. Thin views over
`onestop.applications` (portal_support, intake): every rule and permission check is there."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from onestop.applications.drafts import CHECK_STEP, draft_form, draft_save_step, published_versions
from onestop.applications.intake import application_submit
from onestop.applications.models import Draft
from onestop.applications.portal_support import draft_offers_express, draft_tier_set
from onestop.core.errors import InvalidInput
from onestop.core.text import active_language, pick

from .apply import (
    EVIDENCE_STEP,
    PROCESSING_STEP,
    _draft,
    _previous_url,
    _progress,
    _question,
    _step_url,
    draft_title,
    evidence_items,
)
from .passport import passport_build

# --- Processing (standard or express) ----------------------------------------------------------


def tier_choices(draft: Draft) -> list[dict[str, Any]]:
    """Each tier with its fee and deadline per service, in the active language."""
    language = active_language()
    versions = published_versions(service_codes=draft.service_codes)
    rows: dict[str, dict[str, Any]] = {}
    for version in versions:
        passport = passport_build(version=version, language=language)
        for fee in passport.fees:
            row = rows.setdefault(fee.tier, {"tier": fee.tier, "label": fee.label, "services": []})
            days = (
                version.express_processing_days
                if fee.tier == "express"
                else version.processing_days
            )
            row["services"].append({"name": pick(version.name), "fee": fee, "days": days})
    return list(rows.values())


@require_http_methods(["GET", "POST"])
def draft_processing(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    found = _draft(request, draft_id)
    if isinstance(found, HttpResponse):
        return found
    _account, draft = found
    if draft.submitted_application_id is not None:
        return redirect("portal:application_submitted", draft.submitted_application_id)
    form = draft_form(draft=draft)
    if not draft_offers_express(draft=draft):
        raise Http404(PROCESSING_STEP)
    error = ""
    if request.method == "POST":
        try:
            draft = draft_tier_set(draft=draft, tier=request.POST.get("tier", ""))
        except InvalidInput as refused:
            error = refused.message
        else:
            return redirect(_step_url(draft, CHECK_STEP))
    return render(
        request,
        "portal/apply_processing.html",
        {
            "draft": draft,
            "tiers": tier_choices(draft),
            "error": error,
            "back_url": _previous_url(draft, form, PROCESSING_STEP),
            "progress": _progress(draft, form, PROCESSING_STEP),
            "title": draft_title(draft),
        },
        status=400 if error else 200,
    )


# --- Check your answers and submit -------------------------------------------------------------


def submission_key(draft: Draft) -> str:
    """The idempotency key of a portal submission: bound to the draft, so a double click, a
    retried POST or a second tab submits it once."""
    return f"portal-draft:{draft.pk}"


@require_http_methods(["GET", "POST"])
def draft_check(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    found = _draft(request, draft_id)
    if isinstance(found, HttpResponse):
        return found
    account, draft = found
    if request.method == "POST":
        try:
            application = application_submit(
                actor=account, draft=draft, idempotency_key=submission_key(draft)
            )
        except InvalidInput as error:
            return _check_page(request, draft, refusal=error.message, status=400)
        return redirect("portal:application_submitted", application.pk)
    if draft.submitted_application_id is not None:
        return redirect("portal:application_submitted", draft.submitted_application_id)
    draft = draft_save_step(draft=draft, step=CHECK_STEP, answers={}).draft
    return _check_page(request, draft)


def _check_page(
    request: HttpRequest, draft: Draft, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    form = draft_form(draft=draft)
    sections = [
        {
            "page": page,
            "url": _step_url(draft, page.key),
            "questions": [_question(draft, item) for item in page.fields],
        }
        for page in form.pages
    ]
    offers_express = draft_offers_express(draft=draft)
    return render(
        request,
        "portal/apply_check.html",
        {
            "draft": draft,
            "sections": sections,
            "items": evidence_items(draft),
            "evidence_url": _step_url(draft, EVIDENCE_STEP),
            "processing_url": _step_url(draft, PROCESSING_STEP) if offers_express else "",
            "tiers": tier_choices(draft),
            "has_errors": bool(draft.errors),
            "refusal": refusal,
            "back_url": _previous_url(draft, form, CHECK_STEP),
            "title": draft_title(draft),
        },
        status=status,
    )
