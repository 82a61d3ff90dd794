"""Partner outlets and kiosks filing in steps with their center's key (scope
`applications:file`), for services that need a document no registry holds: start a draft for
the citizen, upload each document (multipart/form-data, one file per request), at a partner
outlet mark the documents the clerk saw in the original, submit.

The citizen's draft routes (`drafts`) under the outlet's prefix, with the same shapes; the
rules are the domain's (`onestop.applications.outlet_drafts`): a draft another center's key
started is the same 404 as a missing one, a kiosk cannot mark documents as checked.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Header, Router, Schema, Status, UploadedFile
from pydantic import StringConstraints

from onestop.applications.attachments import upload_max_bytes
from onestop.applications.drafts import draft_evidence_checked
from onestop.applications.models import Application, Draft
from onestop.applications.outlet import OutletFiling
from onestop.applications.outlet_drafts import (
    outlet_draft_evidence_checked_set,
    outlet_draft_evidence_upload,
    outlet_draft_get,
    outlet_draft_start,
    outlet_draft_submit_created,
)
from onestop.centers.models import CenterKind
from onestop.integrations.models import ApiKey
from onestop.integrations.services import api_key_outlet_actor

from .agency import in_language
from .applications import PRINTABLE, ApplicationOut
from .drafts import DRAFT_ID, EVIDENCE_CODE, UPLOAD, DraftOut, DraftRoutes, draft_out
from .outlet import (
    FILE,
    KEY_HELP,
    OutletApplicantIn,
    OutletFilingIn,
    idempotency_key_of,
    outlet_application_out,
)
from .schemas import error_responses

router = Router(tags=["outlet application drafts"])
ROUTES = DraftRoutes(
    draft="api:outlet_draft_get",
    submit="api:outlet_draft_submit",
    application="api:outlet_application_get",
)
# Any text: a code the draft does not ask for is the domain's refusal, naming it.
EvidenceCode = Annotated[str, StringConstraints(min_length=1, max_length=80)]


class OutletDraftOut(DraftOut):
    checked: list[str] = Field(
        description="The evidence the partner outlet's clerk saw in the original."
    )
    checked_url: str | None = Field(
        description="Where to PUT the documents seen in the original; null at a kiosk."
    )


class CheckedIn(Schema):
    codes: list[EvidenceCode] = Field(
        ...,
        max_length=50,
        description=(
            "Every evidence code the clerk saw in the original; a code left out is unmarked."
        ),
    )


class OutletDraftSubmitIn(OutletFilingIn):
    answers: dict[str, Any] = Field(
        default_factory=dict, description="Last changes to the form's answers, if any."
    )
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)
    idempotency_key: str = Field("", max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")


def _outlet_draft_out(request: HttpRequest, center_kind: str, draft: Draft) -> dict[str, Any]:
    at_outlet = center_kind == CenterKind.PARTNER_OUTLET
    return {
        **draft_out(request, draft, ROUTES),
        "checked": draft_evidence_checked(draft=draft),
        "checked_url": (
            reverse("api:outlet_draft_checked_set", args=[draft.pk]) if at_outlet else None
        ),
    }


@router.post(
    "/outlet/drafts",
    auth=FILE,
    response={201: OutletDraftOut, **error_responses()},
    url_name="outlet_draft_start",
    operation_id="outlet_draft_start",
    summary="Start an application for a citizen, to complete with uploaded documents",
    description=(
        "With a key of a partner outlet or kiosk (scope `applications:file`): `services` (or "
        "`life_event`), `applicant_national_id`, optionally the form's `answers`. The channel "
        "is the center's kind. Evidence a registry holds is fetched once-only; `evidence` then "
        "says what is still to upload (or, at a partner outlet, to check in the original)."
    ),
)
def outlet_draft_start_route(
    request: HttpRequest, body: OutletApplicantIn
) -> Status[dict[str, Any]]:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]

    def start() -> dict[str, Any]:
        actor = api_key_outlet_actor(api_key=api_key)
        draft = outlet_draft_start(actor=actor, inputs=body.inputs(request))
        return _outlet_draft_out(request, actor.center_kind, draft)

    return Status(201, in_language(request, start))


@router.get(
    "/outlet/drafts/{draft_id}",
    auth=FILE,
    response={200: OutletDraftOut, **error_responses()},
    url_name="outlet_draft_get",
    operation_id="outlet_draft_get",
    summary="A draft this center started: its evidence, what is still to give, its errors",
    description="Any key of the center that started it; any other draft is 404 `draft_not_found`.",
)
def outlet_draft_get_route(request: HttpRequest, draft_id: uuid.UUID = DRAFT_ID) -> dict[str, Any]:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]

    def build() -> dict[str, Any]:
        actor = api_key_outlet_actor(api_key=api_key)
        draft = outlet_draft_get(actor=actor, draft_id=draft_id)
        return _outlet_draft_out(request, actor.center_kind, draft)

    return in_language(request, build)


@router.post(
    "/outlet/drafts/{draft_id}/evidence/{evidence_code}",
    auth=FILE,
    response={200: OutletDraftOut, **error_responses()},
    url_name="outlet_draft_evidence_upload",
    operation_id="outlet_draft_evidence_upload",
    summary="Upload one document to this center's draft (multipart/form-data, field `file`)",
    description=(
        "As for a citizen's draft: one file per request, replacing an earlier one; the type is "
        "sniffed from the content (`uploads.types`), at most `uploads.max_bytes`. A bad file "
        "is 422 (`upload_empty`, `upload_too_large`, `upload_type`, `upload_infected`, "
        "`evidence_not_required`, `evidence_found`) and nothing is stored."
    ),
)
def outlet_draft_evidence_upload_route(
    request: HttpRequest,
    draft_id: uuid.UUID = DRAFT_ID,
    evidence_code: str = EVIDENCE_CODE,
    file: UploadedFile = UPLOAD,
) -> dict[str, Any]:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]
    content = file.read(upload_max_bytes() + 1)  # enough to know it is too large

    def upload() -> dict[str, Any]:
        actor = api_key_outlet_actor(api_key=api_key)
        draft = outlet_draft_evidence_upload(
            actor=actor,
            draft_id=draft_id,
            evidence_code=evidence_code,
            file_name=file.name or "",
            content=content,
        )
        return _outlet_draft_out(request, actor.center_kind, draft)

    return in_language(request, upload)


@router.put(
    "/outlet/drafts/{draft_id}/checked",
    auth=FILE,
    response={200: OutletDraftOut, **error_responses()},
    url_name="outlet_draft_checked_set",
    operation_id="outlet_draft_checked_set",
    summary="Say which documents the partner outlet's clerk saw in the original",
    description=(
        'Partner outlets only: `{"codes": [...]}` is the whole list (a code left out is '
        "unmarked). A kiosk is 403 `evidence_check_not_allowed`: nobody is there to look. "
        "Evidence a registry gave, or that the draft does not ask for, is 422 "
        "`evidence_not_checkable` naming it."
    ),
)
def outlet_draft_checked_set_route(
    request: HttpRequest, body: CheckedIn, draft_id: uuid.UUID = DRAFT_ID
) -> dict[str, Any]:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]

    def mark() -> dict[str, Any]:
        actor = api_key_outlet_actor(api_key=api_key)
        draft = outlet_draft_evidence_checked_set(
            actor=actor, draft_id=draft_id, codes=list(body.codes)
        )
        return _outlet_draft_out(request, actor.center_kind, draft)

    return in_language(request, mark)


@router.post(
    "/outlet/drafts/{draft_id}/submit",
    auth=FILE,
    response={200: ApplicationOut, 201: ApplicationOut, **error_responses(409)},
    url_name="outlet_draft_submit",
    operation_id="outlet_draft_submit",
    summary="Submit this center's draft on the citizen's behalf",
    description=(
        "`identification` and, at a partner outlet, `consent_method`, as for a filing in one "
        "call. 201 with the new application; 200 with the same application for a retry with "
        "the same idempotency key, a second submission of the draft or the loser of a race. A "
        "mandatory document neither uploaded nor checked is 422 `evidence_missing` naming it."
    ),
)
def outlet_draft_submit_route(
    request: HttpRequest,
    body: OutletDraftSubmitIn,
    draft_id: uuid.UUID = DRAFT_ID,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=100, pattern=PRINTABLE, description=KEY_HELP
    ),
) -> Status[dict[str, Any]]:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]
    key = idempotency_key_of(request, idempotency_key, body.idempotency_key)

    def submit() -> tuple[Application, bool]:
        actor = api_key_outlet_actor(api_key=api_key)
        return outlet_draft_submit_created(
            actor=actor,
            draft_id=draft_id,
            idempotency_key=key,
            filing=OutletFiling(
                identification=body.identification, consent_method=body.consent_method
            ),
            answers=body.answers,
            contact_phone=body.contact_phone,
            contact_email=body.contact_email,
        )

    application, created = in_language(request, submit)
    out = in_language(request, lambda: outlet_application_out(application))
    return Status(201 if created else 200, out)
