"""Partner outlets and kiosks filing in steps, for services that need a document no registry
holds: start a draft for the citizen, upload each document (checked by `attachments`), at a
partner outlet mark the documents the clerk saw in the original, then submit with the
citizen's identification and consent (the rules of `outlet`).

The caller is an `OutletSystemActor`. A draft it starts is owned by its center's systems
(`Draft.owner_system`): any key of that center may continue it, no other system, citizen or
operator may (`drafts.draft_get_for`, the same 404 as a missing draft). Only a partner outlet
may mark documents as checked: at a kiosk nobody is there to look at them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from onestop.core.errors import NotFound
from onestop.core.ids import is_uuid
from onestop.staff.actors import OutletSystemActor, actor_require

from .api_drafts import draft_evidence_upload, draft_open
from .drafts import CHECK_STEP, draft_evidence_checked_set, draft_get_for, draft_save_step
from .intake import ApplicationInputs
from .models import Application, Draft
from .outlet import OutletFiling, outlet_center_require, outlet_consent, outlet_draft_file

FILE = "application.file_on_behalf"


def outlet_draft_start(*, actor: OutletSystemActor, inputs: ApplicationInputs) -> Draft:
    """A new draft for the citizen `inputs.applicant_national_id` in the actor's center,
    through the channel of its kind; its evidence resolved once-only, its answers kept."""
    center = outlet_center_require(actor, FILE)
    return draft_open(actor=actor, inputs=inputs, channel=center.kind, center=center)


def outlet_draft_get(*, actor: OutletSystemActor, draft_id: Any) -> Draft:
    """A draft one of the actor's center's keys started; NotFound for any other."""
    _draft_id_require(actor, draft_id)
    return draft_get_for(actor=actor, draft_id=draft_id)


def outlet_draft_evidence_upload(
    *,
    actor: OutletSystemActor,
    draft_id: Any,
    evidence_code: str,
    file_name: str,
    content: bytes,
) -> Draft:
    """Attach one file to the center's draft, checked as the citizen's uploads are."""
    _draft_id_require(actor, draft_id)
    return draft_evidence_upload(
        actor=actor,
        draft_id=draft_id,
        evidence_code=evidence_code,
        file_name=file_name,
        content=content,
    )


def outlet_draft_evidence_checked_set(
    *, actor: OutletSystemActor, draft_id: Any, codes: Sequence[str]
) -> Draft:
    """Mark `codes` (and only those) as seen in the original by the partner outlet's clerk; a
    kiosk is refused (`evidence_check_not_allowed`)."""
    draft = outlet_draft_get(actor=actor, draft_id=draft_id)
    return draft_evidence_checked_set(actor=actor, draft=draft, codes=codes)


def outlet_draft_submit_created(
    *,
    actor: OutletSystemActor,
    draft_id: Any,
    idempotency_key: str,
    filing: OutletFiling,
    answers: Mapping[str, Any] | None = None,
    contact_phone: str = "",
    contact_email: str = "",
) -> tuple[Application, bool]:
    """Submit the center's draft (with last `answers`, if any) for the citizen identified and
    consenting as `filing` says; the application and whether this call created it (False: a
    retry with the same key, a second submission of the draft, or the winner of a race)."""
    center = outlet_center_require(actor, FILE)
    draft = outlet_draft_get(actor=actor, draft_id=draft_id)
    consent = outlet_consent(center.kind, filing)
    if answers and draft.submitted_application_id is None:
        draft = draft_save_step(draft=draft, step=CHECK_STEP, answers=answers).draft
    return outlet_draft_file(
        actor=actor,
        idempotency_key=idempotency_key,
        draft=draft,
        center=center,
        filing=filing,
        consent=consent,
        contact_phone=contact_phone,
        contact_email=contact_email,
    )


def _draft_id_require(actor: OutletSystemActor, draft_id: Any) -> None:
    """Deny by default: only an outlet's or kiosk's system filing in its own center reaches a
    draft, and only by an id (anything else is a draft that does not exist)."""
    actor_require(actor=actor, action=FILE, center=actor.center_id)
    if not is_uuid(draft_id):
        raise NotFound(_("There is no such draft application."), code="draft_not_found")
