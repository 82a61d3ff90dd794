"""A citizen's application over the API in steps, for the evidence no registry holds: start a
draft, upload each document to it (one file per request, checked by `attachments`), submit it.
And an answer to an information request with a file. The portal's functions, addressed by the
API's resources (a draft's id, an application's id)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.utils.translation import gettext as _

from onestop.accounts.models import CitizenAccount
from onestop.catalog.selectors import evidence_names
from onestop.centers.models import Center
from onestop.core.errors import InvalidInput
from onestop.staff.actors import OutletSystemActor

from .access import application_get_for
from .api_support import information_request_open
from .attachments import attachment_upload
from .drafts import CHECK_STEP, draft_get_for, draft_save_step, draft_start
from .intake import ApplicationInputs, application_submit_created
from .models import AgencyTask, Application, Draft
from .portal_support import information_answer_send

# The citizen, or a partner outlet's or kiosk's system filing for one (`outlet_drafts`).
DraftActor: TypeAlias = CitizenAccount | OutletSystemActor


@dataclass(frozen=True)
class DraftEvidence:
    code: str
    name: str
    status: str  # found, pending, upload (still to give) or uploaded
    is_mandatory: bool
    file_name: str
    content_type: str
    size: int


def draft_open(
    *, actor: DraftActor, inputs: ApplicationInputs, channel: str, center: Center | None = None
) -> Draft:
    """A new draft for `inputs`, its evidence resolved once-only and its answers kept (invalid
    ones too; `Draft.errors` names them until submission refuses them). An outlet's system
    files in `center`, its own (`draft_start` checks it)."""
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
    if inputs.answers:
        draft = draft_save_step(draft=draft, step=CHECK_STEP, answers=inputs.answers).draft
    return draft


def draft_evidence(*, draft: Draft, language: str | None = None) -> list[DraftEvidence]:
    """What each evidence of the draft is now, named in `language`."""
    names = evidence_names(codes=draft.evidence, language=language)
    items = []
    for code, entry in draft.evidence.items():
        upload = entry.get("file") or {}
        items.append(
            DraftEvidence(
                code=code,
                name=names[code],
                status="uploaded" if upload else str(entry.get("status", "")),
                is_mandatory=bool(entry.get("is_mandatory")),
                file_name=str(upload.get("name", "")),
                content_type=str(upload.get("content_type", "")),
                size=int(upload.get("size", 0)),
            )
        )
    return items


def draft_evidence_upload(
    *, actor: DraftActor, draft_id: Any, evidence_code: str, file_name: str, content: bytes
) -> Draft:
    """Attach one file to a draft the actor may continue (the citizen's own, an outlet's
    center's); a bad file is InvalidInput naming the evidence and the fix, and nothing is
    stored."""
    draft = draft_get_for(actor=actor, draft_id=draft_id)
    _refuse_if_submitted(draft, field=f"evidence.{evidence_code}")
    return attachment_upload(
        draft=draft, evidence_code=evidence_code, file_name=file_name, content=content
    )


def draft_submit_created(
    *,
    actor: CitizenAccount,
    draft_id: Any,
    idempotency_key: str,
    answers: Mapping[str, Any] | None = None,
    contact_phone: str = "",
    contact_email: str = "",
) -> tuple[Application, bool]:
    """Submit the citizen's own draft (with last `answers`, if any); the application and
    whether this call created it."""
    draft = draft_get_for(actor=actor, draft_id=draft_id)
    if answers and draft.submitted_application_id is None:
        draft = draft_save_step(draft=draft, step=CHECK_STEP, answers=answers).draft
    return application_submit_created(
        actor=actor,
        idempotency_key=idempotency_key,
        draft=draft,
        contact_phone=contact_phone,
        contact_email=contact_email,
    )


def _refuse_if_submitted(draft: Draft, *, field: str) -> None:
    if draft.submitted_application_id is not None:
        raise InvalidInput(
            _("This application was already submitted; follow it with its tracking number."),
            code="draft_submitted",
            field=field,
        )


def information_answer_with_file(
    *,
    actor: CitizenAccount,
    application_id: Any,
    text: str,
    message_id: str = "",
    file_name: str = "",
    content: bytes | None = None,
) -> AgencyTask:
    """Answer the open request `message_id` (or the only one open) of the citizen's own
    application, with a file kept as the application's evidence `answer:<message id>`."""
    application = application_get_for(actor=actor, application_id=application_id)
    message = information_request_open(application=application, message_id=message_id)
    return information_answer_send(
        actor=actor, message=message, text=text, file_name=file_name, content=content
    )
