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
transaction as the application (which keeps the consent method and time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onestop.centers.models import Center, CenterKind
from onestop.core.errors import InvalidInput, NotFound
from onestop.core.events import event_record
from onestop.core.ids import is_uuid
from onestop.people.identifiers import identifier_mask
from onestop.staff.actors import OutletSystemActor, actor_require

from .drafts import CHECK_STEP, draft_save_step, draft_start
from .intake import ApplicationInputs, Consent, application_submit_created
from .models import Application, ConsentMethod

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
    center = _own_center(actor, "application.file_on_behalf")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise InvalidInput(
            _("Send an idempotency key of 1 to 100 characters with the submission."),
            field="idempotency_key",
        )
    earlier = Application.objects.filter(submitted_by=str(actor), idempotency_key=key).first()
    if earlier is not None:
        return earlier, False
    consent = _consent(center.kind, filing)
    draft = draft_start(
        actor=actor,  # type: ignore[arg-type]
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
    with transaction.atomic():
        application, created = application_submit_created(
            actor=actor,  # type: ignore[arg-type]
            idempotency_key=key,
            draft=draft,
            channel=center.kind,
            center=center,
            consent=consent,
            contact_phone=contact_phone,
            contact_email=contact_email,
        )
        if created:
            _filing_record(actor, application, center, filing, consent)
    return application, created


def outlet_application_get(*, actor: Any, application_id: Any) -> Application:
    """An application filed by the actor's center's systems; NotFound for missing, another
    center's, or filed another way (the same answer)."""
    if isinstance(actor, OutletSystemActor):
        _own_center(actor, "application.read_filed")
        application = (
            Application.objects.filter(
                pk=application_id,
                center_id=actor.center_id,
                filed_by__isnull=True,
                submitted_by__startswith=f"outlet:{actor.center_code}:",
            ).first()
            if is_uuid(application_id)
            else None
        )
        if application is not None:
            return application
    raise NotFound(_("There is no such application."), code="application_not_found")


def _own_center(actor: OutletSystemActor, action: str) -> Center:
    """The actor's center, once the domain allowed `action` there (deny by default)."""
    actor_require(actor=actor, action=action, center=actor.center_id)
    return Center.objects.get(pk=actor.center_id)


def _consent(kind: str, filing: OutletFiling) -> Consent:
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
