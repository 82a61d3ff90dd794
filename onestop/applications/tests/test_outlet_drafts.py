"""A partner outlet's or kiosk's system files in steps (`outlet_drafts`): the draft belongs to
its center's systems, a partner outlet's clerk may mark documents seen in the original and a
kiosk may not, the submission records the filing as a one-call filing does; the outlet lists
only what its center's keys filed."""

from datetime import timedelta

import pytest

from onestop.applications.drafts import draft_evidence_checked, draft_get_for
from onestop.applications.intake import ApplicationInputs
from onestop.applications.models import Application, ApplicationEvidence, Draft
from onestop.applications.outlet import (
    OutletFiling,
    outlet_application_file,
    outlet_application_list,
)
from onestop.applications.outlet_drafts import (
    outlet_draft_evidence_checked_set,
    outlet_draft_evidence_upload,
    outlet_draft_get,
    outlet_draft_start,
    outlet_draft_submit_created,
)
from onestop.applications.selectors import PAGE_SIZE
from onestop.applications.tests.intake_fixtures import (
    NOW,
    PASSPORT_ANSWERS,
    card_holder,
    citizen_make,
    operator_make,
)
from onestop.centers.models import Center
from onestop.core.errors import InvalidInput, NotFound, PermissionDenied
from onestop.core.models import DomainEvent
from onestop.staff.actors import OutletSystemActor

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CHECKED = "application.draft_evidence_checked"
AT_THE_OUTLET = OutletFiling(identification="id_document_checked", consent_method="signed_form")
AT_THE_KIOSK = OutletFiling(identification="id_card_chip")
CRC = "criminal-record-certificate"
CRC_ANSWERS = {
    "criminal_record_purpose": "employment",
    "certificate_language": "en",
    "delivery_method": "collect",
}


def system_of(center_code: str, key_prefix: str = "till1") -> OutletSystemActor:
    center = Center.objects.get(code=center_code)
    return OutletSystemActor(
        center_id=center.pk, center_code=center.code, center_kind=center.kind, key_prefix=key_prefix
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def outlet(population, frozen, media):
    return system_of("post-office-aldmoor")


@pytest.fixture
def kiosk(population, frozen, media):
    return system_of("kiosk-airport")


def passport_draft(actor: OutletSystemActor) -> Draft:
    inputs = ApplicationInputs(
        service_codes=["passport"], applicant_national_id=card_holder(), answers=PASSPORT_ANSWERS
    )
    return outlet_draft_start(actor=actor, inputs=inputs)


def test_a_draft_an_outlet_starts_belongs_to_its_centers_systems(outlet):
    draft = passport_draft(outlet)

    stored = Draft.objects.get(pk=draft.pk)
    assert stored.owner_system == "outlet:post-office-aldmoor:till1"
    assert stored.owner_account_id is None and stored.owner_staff_id is None
    assert stored.channel == "partner_outlet"
    assert stored.center.code == "post-office-aldmoor"
    another_key = system_of("post-office-aldmoor", key_prefix="till2")
    assert outlet_draft_get(actor=another_key, draft_id=draft.pk).pk == draft.pk


@pytest.mark.parametrize(
    "who", ["another_outlet", "a_kiosk", "the_applicant", "an_operator_of_the_center"]
)
def test_nobody_else_continues_an_outlets_draft(outlet, who):
    draft = passport_draft(outlet)
    center = Center.objects.get(code="post-office-aldmoor")
    actor = {
        "another_outlet": lambda: system_of("post-office-sablemouth"),
        "a_kiosk": lambda: system_of("kiosk-airport"),
        "the_applicant": lambda: citizen_make(draft.applicant_national_id),
        "an_operator_of_the_center": lambda: operator_make("clerk", center),
    }[who]()

    with pytest.raises(NotFound) as refused:
        draft_get_for(actor=actor, draft_id=draft.pk)

    assert refused.value.code == "draft_not_found"
    if isinstance(actor, OutletSystemActor):
        with pytest.raises(NotFound):
            outlet_draft_evidence_upload(
                actor=actor,
                draft_id=draft.pk,
                evidence_code="photo",
                file_name="p.png",
                content=PNG,
            )
    assert "file" not in Draft.objects.get(pk=draft.pk).evidence["photo"]


def test_a_malformed_draft_id_is_a_draft_not_found(outlet):
    with pytest.raises(NotFound) as refused:
        outlet_draft_get(actor=outlet, draft_id="not-a-uuid")

    assert refused.value.code == "draft_not_found"


def test_a_partner_outlets_clerk_marks_a_document_seen_and_the_submission_files_it(outlet):
    draft = passport_draft(outlet)

    marked = outlet_draft_evidence_checked_set(actor=outlet, draft_id=draft.pk, codes=["photo"])
    application, created = outlet_draft_submit_created(
        actor=outlet, draft_id=draft.pk, idempotency_key="k-1", filing=AT_THE_OUTLET
    )

    assert draft_evidence_checked(draft=marked) == ["photo"]
    assert marked.evidence["photo"]["checked_at_counter"] == {
        "by": "outlet:post-office-aldmoor:till1",
        "at": NOW.isoformat(),
    }
    assert DomainEvent.objects.get(name=CHECKED).actor == "outlet:post-office-aldmoor:till1"
    assert created is True
    photo = ApplicationEvidence.objects.get(application=application, evidence_code="photo")
    assert photo.status == "checked_at_counter"
    assert application.channel == "partner_outlet"
    assert application.consent_method == "signed_form"
    assert application.filed_by is None
    assert application.submitted_by == "outlet:post-office-aldmoor:till1"
    filed = DomainEvent.objects.get(name="application.filed_by_outlet")
    assert filed.entity_id == str(application.pk)
    assert filed.payload["identification"] == "id_document_checked"


def test_a_retry_or_a_second_submission_of_the_draft_finds_the_first_application(outlet):
    draft = passport_draft(outlet)
    outlet_draft_evidence_upload(
        actor=outlet, draft_id=draft.pk, evidence_code="photo", file_name="p.png", content=PNG
    )
    first, created = outlet_draft_submit_created(
        actor=outlet, draft_id=draft.pk, idempotency_key="k-1", filing=AT_THE_OUTLET
    )

    retry = outlet_draft_submit_created(
        actor=outlet, draft_id=draft.pk, idempotency_key="k-1", filing=AT_THE_OUTLET
    )
    other_key = outlet_draft_submit_created(
        actor=outlet, draft_id=draft.pk, idempotency_key="k-2", filing=AT_THE_OUTLET
    )

    assert created is True
    assert retry == (first, False) and other_key == (first, False)
    assert Application.objects.count() == 1
    assert DomainEvent.objects.filter(name="application.filed_by_outlet").count() == 1


def test_a_kiosk_cannot_mark_a_document_seen(kiosk):
    draft = passport_draft(kiosk)

    with pytest.raises(PermissionDenied) as refused:
        outlet_draft_evidence_checked_set(actor=kiosk, draft_id=draft.pk, codes=["photo"])

    assert refused.value.code == "evidence_check_not_allowed"
    assert refused.value.details["field"] == "codes"
    assert "codes" in refused.value.message
    assert draft_evidence_checked(draft=Draft.objects.get(pk=draft.pk)) == []
    assert not DomainEvent.objects.filter(name=CHECKED).exists()


def test_a_kiosk_files_a_draft_once_the_document_is_uploaded(kiosk):
    draft = passport_draft(kiosk)
    with pytest.raises(InvalidInput) as missing:
        outlet_draft_submit_created(
            actor=kiosk, draft_id=draft.pk, idempotency_key="k-1", filing=AT_THE_KIOSK
        )
    assert missing.value.code == "evidence_missing"
    assert missing.value.details["field"] == "evidence.photo"
    outlet_draft_evidence_upload(
        actor=kiosk, draft_id=draft.pk, evidence_code="photo", file_name="p.png", content=PNG
    )

    application, created = outlet_draft_submit_created(
        actor=kiosk, draft_id=draft.pk, idempotency_key="k-1", filing=AT_THE_KIOSK
    )

    assert created is True
    assert application.channel == "kiosk"
    assert application.consent_method == "signed_on_screen"
    photo = ApplicationEvidence.objects.get(application=application, evidence_code="photo")
    assert photo.status == "uploaded" and photo.content_type == "image/png"


@pytest.mark.parametrize(
    ("filing", "field"),
    [
        (OutletFiling(identification="id_document_checked"), "consent_method"),
        (OutletFiling(identification="telepathy", consent_method="signed_form"), "identification"),
    ],
)
def test_the_submission_keeps_the_filings_identification_and_consent_rules(outlet, filing, field):
    draft = passport_draft(outlet)
    outlet_draft_evidence_upload(
        actor=outlet, draft_id=draft.pk, evidence_code="photo", file_name="p.png", content=PNG
    )

    with pytest.raises(InvalidInput) as refused:
        outlet_draft_submit_created(
            actor=outlet, draft_id=draft.pk, idempotency_key="k-1", filing=filing
        )

    assert refused.value.details["field"] == field
    assert Application.objects.count() == 0
    assert Draft.objects.get(pk=draft.pk).submitted_application_id is None


def file_crc(actor: OutletSystemActor, key: str, offset: int = 0) -> Application:
    inputs = ApplicationInputs(
        service_codes=[CRC], applicant_national_id=card_holder(offset), answers=CRC_ANSWERS
    )
    filing = AT_THE_KIOSK if actor.center_kind == "kiosk" else AT_THE_OUTLET
    application, _ = outlet_application_file(
        actor=actor, idempotency_key=key, inputs=inputs, filing=filing
    )
    return application


def test_the_list_holds_only_what_the_centers_keys_filed_newest_first(outlet, frozen):
    first = file_crc(outlet, "a")
    frozen.advance(minutes=5)
    second = file_crc(system_of("post-office-aldmoor", key_prefix="till2"), "b", offset=1)
    file_crc(system_of("post-office-sablemouth"), "c")
    file_crc(system_of("kiosk-airport"), "d")

    found = outlet_application_list(actor=outlet, page=1)

    assert [row.pk for row in found.items] == [second.pk, first.pk]
    assert found.count == 2 and found.number == 1 and found.has_next is False
    assert outlet_application_list(actor=outlet, page=2).items == []


def test_the_list_is_paged(outlet, frozen):
    label = "outlet:post-office-aldmoor:till1"
    center = Center.objects.get(code="post-office-aldmoor")
    for serial in range(PAGE_SIZE + 1):
        Application.objects.create(
            tracking_number=f"T{serial:07d}X",
            applicant_national_id=card_holder(),
            submitted_by=label,
            idempotency_key=f"k-{serial}",
            consent_method="signed_form",
            channel="partner_outlet",
            center=center,
            language="en",
            submitted_at=NOW + timedelta(minutes=serial),
            status_changed_at=NOW,
        )

    first = outlet_application_list(actor=outlet, page=1)
    second = outlet_application_list(actor=outlet, page=2)

    assert len(first.items) == PAGE_SIZE and first.has_next is True
    assert first.items[0].tracking_number == f"T{PAGE_SIZE:07d}X"
    assert [row.tracking_number for row in second.items] == ["T0000000X"]
    assert second.has_next is False and second.count == PAGE_SIZE + 1


def test_a_center_no_longer_an_outlet_lists_nothing(outlet):
    demoted = OutletSystemActor(
        center_id=outlet.center_id,
        center_code=outlet.center_code,
        center_kind="center",
        key_prefix="till1",
    )

    with pytest.raises(PermissionDenied):
        outlet_application_list(actor=demoted)
