"""Partner outlets and kiosks filing on a citizen's behalf through the API.

The caller is an `OutletSystemActor`: the system of one center of kind `partner_outlet` or
`kiosk`, holding an API key issued to that center. It may file only in its own center, through
the channel of its kind, and read back only what its center's systems filed.

How the citizen's presence is recorded (docs/api.md, "Partner outlets and kiosks"):

- a **partner outlet**'s clerk checks the citizen's identity document (or reads the card's
  chip, or the citizen signs in with the e-ID) and records the citizen's consent — a signed
  form, a signature on screen, a registered mandate — as at a counter (`consent_method`);
- at a **kiosk** the citizen serves themselves: the kiosk identifies them electronically (the
  identity card's chip with its PIN, or the e-ID) and they confirm the submission on its screen,
  recorded as the consent `signed_on_screen`. A kiosk cannot "check a document": nobody is there.

The identification method is recorded in the event `application.filed_by_outlet`, in the same
transaction as the application (which keeps the consent method and time). The same rules hold
for an application filed in one call (`outlet_application_file`) and for one filed in steps,
with uploads and documents the clerk saw (`outlet_drafts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from onestop.centers.models import Center, CenterKind
from onestop.core.errors import InvalidInput, NotFound
from onestop.core.events import event_record
from onestop.core.ids import is_uuid
from onestop.people.identifiers import identifier_mask
from onestop.staff.actors import OutletSystemActor, actor_require

from .drafts import CHECK_STEP, draft_evidence_checked, draft_save_step, draft_start
from .intake import ApplicationInputs, Consent, application_submit_created
from .models import Application, ConsentMethod, Draft
from .selectors import PAGE_SIZE, ApplicationPage

IDENTIFIED_BY_PERSON = "id_document_checked"
IDENTIFIED_ELECTRONICALLY = ("id_card_chip", "e_id")
IDENTIFICATION_METHODS = (IDENTIFIED_BY_PERSON, *IDENTIFIED_ELECTRONICALLY)
KIOSK_CONSENT = ConsentMethod.SIGNED_ON_SCREEN.value


@dataclass(frozen=True)
class OutletFiling:
    """How the outlet or kiosk identified the citizen and recorded their consent."""

    identification: str
    consent_method: str = ""


def outlet_application_file(
    *,
    actor: OutletSystemActor,
    idempotency_key: str,
    inputs: ApplicationInputs,
    filing: OutletFiling,
    contact_phone: str = "",
    contact_email: str = "",
) -> tuple[Application, bool]:
    """File `inputs` for the citizen `inputs.applicant_national_id` in the actor's center;
    returns the application and whether this call created it (False: a retry with the same
    key, or the winner of a race). Keys are per API key."""
    center = outlet_center_require(actor, "application.file_on_behalf")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise InvalidInput(
            _("Send an idempotency key of 1 to 100 characters with the submission."),
            field="idempotency_key",
        )
    earlier = Application.objects.filter(submitted_by=str(actor), idempotency_key=key).first()
    if earlier is not None:
        return earlier, False
    consent = outlet_consent(center.kind, filing)
    draft = draft_start(
        actor=actor,
        service_codes=inputs.service_codes,
        life_event_code=inputs.life_event_code,
        channel=center.kind,
        center=center,
        applicant_national_id=inputs.applicant_national_id,
        subjects=inputs.subjects,
        tier=inputs.tier,
        language=inputs.language,
    )
    draft = draft_save_step(draft=draft, step=CHECK_STEP, answers=inputs.answers).draft
    return outlet_draft_file(
        actor=actor,
        idempotency_key=key,
        draft=draft,
        center=center,
        filing=filing,
        consent=consent,
        contact_phone=contact_phone,
        contact_email=contact_email,
    )


def outlet_application_get(*, actor: Any, application_id: Any) -> Application:
    """An application filed by the actor's center's systems; NotFound for missing, another
    center's, or filed another way (the same answer)."""
    if isinstance(actor, OutletSystemActor):
        outlet_center_require(actor, "application.read_filed")
        application = (
            _filed_here(actor).filter(pk=application_id).first()
            if is_uuid(application_id)
            else None
        )
        if application is not None:
            return application
    raise NotFound(_("There is no such application."), code="application_not_found")


def outlet_application_list(*, actor: OutletSystemActor, page: int = 1) -> ApplicationPage:
    """What the actor's center's systems filed, newest first, PAGE_SIZE a page (two queries)."""
    actor_require(actor=actor, action="application.read_filed", center=actor.center_id)
    rows = _filed_here(actor).order_by("-submitted_at", "-id")
    number = max(int(page), 1)
    start = (number - 1) * PAGE_SIZE
    items = list(rows.select_related("life_event")[start : start + PAGE_SIZE])
    return ApplicationPage(count=rows.count(), number=number, items=items)


def _filed_here(actor: OutletSystemActor) -> QuerySet[Application]:
    """The applications any key of the actor's center filed (never a counter's or a citizen's)."""
    return Application.objects.filter(
        center_id=actor.center_id,
        filed_by__isnull=True,
        submitted_by__startswith=f"outlet:{actor.center_code}:",
    )


def outlet_draft_file(
    *,
    actor: OutletSystemActor,
    idempotency_key: str,
    draft: Draft,
    center: Center,
    filing: OutletFiling,
    consent: Consent,
    contact_phone: str = "",
    contact_email: str = "",
) -> tuple[Application, bool]:
    """Submit the draft the actor may continue (`draft_get_for`) for its center, with what the
    clerk checked at the outlet, and record how the citizen was identified in the same
    transaction; the application and whether this call created it."""
    with transaction.atomic():
        application, created = application_submit_created(
            actor=actor,
            idempotency_key=idempotency_key,
            draft=draft,
            channel=center.kind,
            center=center,
            consent=consent,
            evidence_checked_at_counter=draft_evidence_checked(draft=draft),
            contact_phone=contact_phone,
            contact_email=contact_email,
        )
        if created:
            _filing_record(actor, application, center, filing, consent)
    return application, created


def outlet_center_require(actor: OutletSystemActor, action: str) -> Center:
    """The actor's center, once the domain allowed `action` there (deny by default)."""
    actor_require(actor=actor, action=action, center=actor.center_id)
    return Center.objects.get(pk=actor.center_id)


def outlet_consent(kind: str, filing: OutletFiling) -> Consent:
    """The consent to record for a filing at a center of `kind`, once the identification and
    the consent fit it (InvalidInput on `identification` or `consent_method`)."""
    allowed = IDENTIFIED_ELECTRONICALLY if kind == CenterKind.KIOSK else IDENTIFICATION_METHODS
    if filing.identification not in allowed:
        raise InvalidInput(
            _("Say how the citizen was identified: one of %(methods)s.")
            % {"methods": ", ".join(allowed)},
            code="identification_required",
            field="identification",
        )
    if kind == CenterKind.KIOSK:
        if filing.consent_method not in ("", KIOSK_CONSENT):
            raise InvalidInput(
                _(
                    "At a kiosk the citizen confirms on the screen: send signed_on_screen or nothing."
                ),
                code="consent_not_allowed",
                field="consent_method",
            )
        return Consent(method=KIOSK_CONSENT)
    if filing.consent_method not in ConsentMethod.values:
        raise InvalidInput(
            _("Record how the citizen consented to you applying for them: one of %(methods)s.")
            % {"methods": ", ".join(ConsentMethod.values)},
            code="consent_required",
            field="consent_method",
        )
    return Consent(method=filing.consent_method)


def _filing_record(
    actor: OutletSystemActor,
    application: Application,
    center: Center,
    filing: OutletFiling,
    consent: Consent,
) -> None:
    event_record(
        name="application.filed_by_outlet",
        actor=str(actor),
        entity_type="applications.application",
        entity_id=str(application.pk),
        payload={
            "tracking_number": application.tracking_number,
            "center": center.code,
            "identification": filing.identification,
            "consent_method": consent.method,
        },
        channel=center.kind,
        on_behalf_of=identifier_mask(application.applicant_national_id),
    )
