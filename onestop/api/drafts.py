"""A citizen's application in steps, for services that need an uploaded document: start a draft,
upload each document (multipart/form-data, one file per request), submit. And an answer to an
information request with a file. The caller is the signed-in citizen (session and CSRF, as in
`applications`); a draft that is not theirs is the same 404 as a missing one.

Files are checked by the domain (`onestop.applications.attachments`): the type is sniffed from
the content, the size is limited, the scanner is asked; a bad file is a 422 naming the field
and the fix, and nothing is stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Body, Field, File, Form, Header, Path, Router, Schema, Status, UploadedFile

from onestop.applications.access import application_get_for
from onestop.applications.api_drafts import (
    draft_evidence,
    draft_evidence_upload,
    draft_open,
    draft_submit_created,
    information_answer_with_file,
)
from onestop.applications.attachments import upload_max_bytes, upload_types
from onestop.applications.drafts import draft_get_for
from onestop.applications.intake import ApplicationInputs
from onestop.applications.models import Draft

from .agency import in_language
from .applications import (
    ANSWERS,
    APPLICATION_ID,
    KEY_HELP,
    PRINTABLE,
    SERVICES,
    SESSION,
    ApplicationOut,
    ServiceCode,
    application_out,
    idempotency_key_missing,
    request_language,
)
from .citizen_auth import citizen_of
from .schemas import error_responses

router = Router(tags=["application drafts"])
DRAFT_ID = Path(..., description="The draft's id.")
EVIDENCE_CODE = Path(..., max_length=80, pattern=r"^[A-Za-z0-9_-]+$")
UPLOAD = File(..., description="The document: one file, sniffed from its content.")
SUBMIT_BODY = Body(None)
TEXT = Form(..., min_length=1, max_length=2000)
MESSAGE = Form("", max_length=40, pattern=r"^[0-9a-fA-F-]*$")


class DraftEvidenceOut(Schema):
    code: str
    name: str
    status: str = Field(description="found, pending, upload (still to give) or uploaded")
    is_mandatory: bool
    file_name: str
    content_type: str
    size: int
    upload_url: str


class UploadRulesOut(Schema):
    max_bytes: int
    types: list[str]


class DraftOut(Schema):
    id: str
    resume_code: str
    services: list[str]
    life_event: str
    channel: str
    tier: str
    language: str
    expires_at: datetime
    evidence: list[DraftEvidenceOut]
    errors: dict[str, list[str]]
    uploads: UploadRulesOut
    submitted_application: str | None
    url: str
    submit_url: str


class DraftSubmitIn(Schema):
    answers: dict[str, Any] = Field(
        default_factory=dict, description="Last changes to the form's answers, if any."
    )
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)


@dataclass(frozen=True)
class DraftRoutes:
    """The URL names a draft's links point to: the citizen's routes, or an outlet's."""

    draft: str = "api:draft_get"
    submit: str = "api:draft_submit"
    application: str = "api:application_get"


CITIZEN_ROUTES = DraftRoutes()


def draft_out(
    request: HttpRequest, draft: Draft, routes: DraftRoutes = CITIZEN_ROUTES
) -> dict[str, Any]:
    url = reverse(routes.draft, args=[draft.pk])
    submitted = draft.submitted_application_id
    return {
        "id": str(draft.pk),
        "resume_code": draft.resume_code,
        "services": list(draft.service_codes),
        "life_event": draft.life_event.code if draft.life_event else "",
        "channel": draft.channel,
        "tier": draft.tier,
        "language": draft.language,
        "expires_at": draft.expires_at,
        "evidence": [
            {**vars(item), "upload_url": f"{url}/evidence/{item.code}"}
            for item in draft_evidence(draft=draft, language=request_language(request))
        ],
        "errors": dict(draft.errors),
        "uploads": {"max_bytes": upload_max_bytes(), "types": list(upload_types())},
        "submitted_application": (
            reverse(routes.application, args=[submitted]) if submitted else None
        ),
        "url": url,
        "submit_url": reverse(routes.submit, args=[draft.pk]),
    }


@router.post(
    "/drafts",
    auth=SESSION,
    response={201: DraftOut, **error_responses()},
    url_name="draft_start",
    operation_id="draft_start",
    summary="Start an application to complete with uploaded documents",
    description=(
        "`services` (or `life_event`) and, optionally, the form's `answers`. Evidence a registry "
        "holds is fetched once-only; `evidence` then says what is still to upload, each with "
        "its `upload_url`. Invalid answers are kept, and named in `errors`."
    ),
)
def draft_start_route(
    request: HttpRequest,
    services: list[ServiceCode] = SERVICES,
    life_event: str = Body("", max_length=80, description="A life event's code."),
    answers: dict[str, Any] = ANSWERS,
    applicant_national_id: str = Body(
        "", max_length=40, description="Someone you hold a mandate for; default: yourself."
    ),
    tier: Literal["standard", "express"] = Body("standard"),
    channel: Literal["online", "kiosk"] = Body("online"),
) -> Status[dict[str, Any]]:
    account = citizen_of(request)

    def start() -> dict[str, Any]:
        inputs = ApplicationInputs(
            service_codes=list(services),
            life_event_code=life_event,
            answers=answers,
            applicant_national_id=applicant_national_id,
            tier=tier,
            language=request_language(request),
        )
        return draft_out(request, draft_open(actor=account, inputs=inputs, channel=channel))

    return Status(201, in_language(request, start))


@router.get(
    "/drafts/{draft_id}",
    auth=SESSION,
    response={200: DraftOut, **error_responses()},
    url_name="draft_get",
    operation_id="draft_get",
    summary="One of my drafts: its evidence, what is still to upload, its errors",
)
def draft_get_route(request: HttpRequest, draft_id: uuid.UUID = DRAFT_ID) -> dict[str, Any]:
    account = citizen_of(request)
    return in_language(
        request, lambda: draft_out(request, draft_get_for(actor=account, draft_id=draft_id))
    )


@router.post(
    "/drafts/{draft_id}/evidence/{evidence_code}",
    auth=SESSION,
    response={200: DraftOut, **error_responses()},
    url_name="draft_evidence_upload",
    operation_id="draft_evidence_upload",
    summary="Upload one document to my draft (multipart/form-data, field `file`)",
    description=(
        "One file per request, replacing an earlier one for the same evidence. The type is "
        "sniffed from the content (`uploads.types`), at most `uploads.max_bytes`. A bad file "
        "is 422 (`upload_empty`, `upload_too_large`, `upload_type`, `upload_infected`, "
        "`evidence_not_required`, `evidence_found`) and nothing is stored."
    ),
)
def draft_evidence_upload_route(
    request: HttpRequest,
    draft_id: uuid.UUID = DRAFT_ID,
    evidence_code: str = EVIDENCE_CODE,
    file: UploadedFile = UPLOAD,
) -> dict[str, Any]:
    account = citizen_of(request)
    content = file.read(upload_max_bytes() + 1)  # enough to know it is too large

    def upload() -> dict[str, Any]:
        draft = draft_evidence_upload(
            actor=account,
            draft_id=draft_id,
            evidence_code=evidence_code,
            file_name=file.name or "",
            content=content,
        )
        return draft_out(request, draft)

    return in_language(request, upload)


@router.post(
    "/drafts/{draft_id}/submit",
    auth=SESSION,
    response={200: ApplicationOut, 201: ApplicationOut, **error_responses(409)},
    url_name="draft_submit",
    operation_id="draft_submit",
    summary="Submit my draft",
    description=(
        "The `Idempotency-Key` header is required: 201 with the new application, 200 with the "
        "same application for a retry or for the loser of two racing first submissions. A "
        "mandatory document still missing is 422 `evidence_missing` naming it."
    ),
)
def draft_submit_route(
    request: HttpRequest,
    draft_id: uuid.UUID = DRAFT_ID,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=100, pattern=PRINTABLE, description=KEY_HELP
    ),
    body: DraftSubmitIn | None = SUBMIT_BODY,
) -> Status[dict[str, Any]]:
    account = citizen_of(request)
    if not idempotency_key:
        raise idempotency_key_missing(request)
    payload = body or DraftSubmitIn.model_validate({})

    def submit() -> tuple[Any, bool]:
        return draft_submit_created(
            actor=account,
            draft_id=draft_id,
            idempotency_key=idempotency_key,
            answers=payload.answers,
            contact_phone=payload.contact_phone,
            contact_email=payload.contact_email,
        )

    application, created = in_language(request, submit)
    out = in_language(request, lambda: application_out(application))
    return Status(201 if created else 200, out)


@router.post(
    "/applications/{application_id}/information-answers/with-file",
    auth=SESSION,
    response={200: ApplicationOut, **error_responses(409)},
    url_name="application_information_answer_with_file",
    operation_id="application_information_answer_with_file",
    summary="Answer what an agency asked me, with a file (multipart/form-data)",
    description=(
        "Form fields `text` and, optionally, `message` (the request's id from `expected`); the "
        "field `file` is checked like a draft's upload and kept with the application."
    ),
)
def application_information_answer_with_file_route(
    request: HttpRequest,
    application_id: uuid.UUID = APPLICATION_ID,
    text: str = TEXT,
    message: str = MESSAGE,
    file: UploadedFile = UPLOAD,
) -> dict[str, Any]:
    account = citizen_of(request)
    content = file.read(upload_max_bytes() + 1)

    def answer() -> dict[str, Any]:
        information_answer_with_file(
            actor=account,
            application_id=application_id,
            text=text,
            message_id=message,
            file_name=file.name or "",
            content=content,
        )
        return application_out(application_get_for(actor=account, application_id=application_id))

    return in_language(request, answer)
