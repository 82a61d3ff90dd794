"""Applying on the portal: "About the other people". Where some evidence of the draft's
services is about another person (the deceased for a funeral grant, the child for a school
place), the applicant gives that person's national ID, one optional field per role, before the
documents page; the registries are then asked for that person's records (`draft_subject_set`,
where every rule and permission check is). A field left empty leaves the evidence to upload."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from onestop.applications.drafts import (
    SubjectQuestion,
    draft_form,
    draft_subject_questions,
    draft_subject_set,
)
from onestop.applications.models import Draft
from onestop.catalog.selectors import evidence_names
from onestop.core.errors import InvalidInput

from .apply import (
    PEOPLE_STEP,
    _draft,
    _next_step,
    _previous_url,
    _progress,
    _step_url,
    draft_title,
)


@require_http_methods(["GET", "POST"])
def draft_people(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    found = _draft(request, draft_id)
    if isinstance(found, HttpResponse):
        return found
    account, draft = found
    if draft.submitted_application_id is not None:
        return redirect("portal:application_submitted", draft.submitted_application_id)
    questions = draft_subject_questions(draft=draft)
    if not questions:
        raise Http404(PEOPLE_STEP)
    form = draft_form(draft=draft)
    posted: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        for question in questions:
            posted[question.role] = request.POST.get(f"subject-{question.role}", "")
            try:
                draft = draft_subject_set(
                    actor=account,
                    draft=draft,
                    role=question.role,
                    national_id=posted[question.role],
                )
            except InvalidInput as error:
                errors[question.role] = [error.message]
        if not errors:
            return redirect(_step_url(draft, _next_step(draft, form, PEOPLE_STEP)))
    return render(
        request,
        "portal/apply_people.html",
        {
            "draft": draft,
            "rows": people_rows(draft, posted, errors),
            "has_errors": bool(errors),
            "back_url": _previous_url(draft, form, PEOPLE_STEP),
            "progress": _progress(draft, form, PEOPLE_STEP),
            "title": draft_title(draft),
        },
        status=400 if errors else 200,
    )


def people_rows(
    draft: Draft, posted: dict[str, str], errors: dict[str, list[str]]
) -> list[dict[str, object]]:
    """Each role's question with what was typed (kept when refused) or given before, its
    errors and the names of the documents it fetches."""
    questions: list[SubjectQuestion] = draft_subject_questions(draft=draft)
    names = evidence_names(codes=[code for q in questions for code in q.evidence_codes])
    return [
        {
            "question": question,
            "value": posted.get(question.role, question.national_id),
            "errors": errors.get(question.role, []),
            "documents": [names.get(code, code) for code in question.evidence_codes],
        }
        for question in questions
    ]
