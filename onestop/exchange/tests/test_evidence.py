"""Once-only evidence against the demo pack's services and a small generated population."""

from datetime import UTC, date, datetime

import pytest
from django.db.models import Count
from django.utils import translation

from conftest import DEMO_PACK, clock_freeze
from onestop.catalog.models import EvidenceRequirement, EvidenceType, ServiceVersion
from onestop.core.errors import InvalidInput, NotFound
from onestop.exchange import services
from onestop.exchange.evidence import (
    FOUND,
    PENDING,
    UPLOAD,
    FieldValue,
    evidence_prefill,
    evidence_resolve,
)
from onestop.exchange.models import AccessRight, ExchangeLogEntry
from onestop.exchange.transports import Answer
from onestop.registries import operations
from onestop.registries.generate import population_generate
from onestop.registries.models import (
    BusinessDirector,
    FamilyLink,
    IdentityDocument,
    Marriage,
    Person,
    PropertyShare,
    Vehicle,
)

pytestmark = pytest.mark.django_db

PORTAL = services.PORTAL
CONSOLE = services.CONSOLE
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
AS_OF = date(2026, 6, 1)


@pytest.fixture(scope="module")
def population(demo_pack_loaded, django_db_blocker):
    """The demo pack and 150 generated people, rolled back with the pack when the module ends."""
    with django_db_blocker.unblock():
        population_generate(people=150, seed=11, as_of=AS_OF, pack_dir=DEMO_PACK)


@pytest.fixture
def frozen(monkeypatch):
    return clock_freeze(monkeypatch, NOW)


@pytest.fixture
def rights(population):
    """The portal may fetch every evidence operation for an application (what the defaults
    grant) and nothing else, written directly so these tests do not depend on how rights are
    granted or which rights the pack lists."""
    AccessRight.objects.all().delete()
    for registry, operation in services.EVIDENCE_OPERATIONS:
        AccessRight.objects.create(
            consumer=PORTAL,
            registry=registry,
            operation=operation,
            purpose="application",
            granted_at=NOW,
            granted_by="test",
        )


def resolve(service_code, applicant, **options):
    options.setdefault("consumer", PORTAL)
    return evidence_resolve(
        service_code=service_code,
        applicant_national_id=applicant,
        acting_user=f"citizen:{applicant}",
        **options,
    )


def statuses(resolution):
    return [(item.code, item.status, item.reason) for item in resolution.items]


def log_rows():
    """One tuple per exchange log row, sorted by registry and operation."""
    return sorted(
        ExchangeLogEntry.objects.values_list(
            "registry", "operation", "subject", "on_behalf_of", "purpose", "status"
        )
    )


def holder_of_both_documents():
    """A living adult with an identity card and a passport."""
    ids = IdentityDocument.objects.filter(kind="passport", holder__death_date=None)
    ids = ids.filter(holder__documents__kind="id_card").values_list("holder_id", flat=True)
    return ids.order_by("holder_id").first()


def test_found_evidence_carries_every_field_with_its_provenance(rights, frozen):
    applicant = holder_of_both_documents()

    resolution = resolve("passport", applicant)

    assert (resolution.service_code, resolution.version_number) == ("passport", 1)
    assert statuses(resolution) == [
        ("identity-card", FOUND, ""),
        ("birth-record", FOUND, ""),
        ("photo", UPLOAD, "no_registry"),
        ("passport-document", FOUND, ""),
    ]
    birth = resolution.item("birth-record")
    log = ExchangeLogEntry.objects.get(operation="birth-record")
    provenance = {
        "source": "/r1/XM/GOV/civil/birth-record",
        "fetched_at": NOW,
        "request_id": str(log.request_id),
    }
    assert birth.fields == {
        name: FieldValue(value=value, **provenance)
        for name, value in operations.birth_record(applicant).items()
    }
    assert (birth.source, birth.fetched_at, birth.request_id) == tuple(provenance.values())
    assert birth.name == "Birth record"
    assert birth.is_mandatory is True
    card = resolution.item("identity-card").fields
    assert card["document_number"].source == "/r1/XM/GOV/documents/identity-card"
    assert card["national_id"].value == applicant
    assert log_rows() == [
        ("civil", "birth-record", applicant, applicant, "application", "ok"),
        ("documents", "identity-card", applicant, applicant, "application", "ok"),
        ("documents", "passport-document", applicant, applicant, "application", "ok"),
    ]


def test_names_are_the_catalogs_text_in_the_active_language(rights):
    applicant = holder_of_both_documents()

    with translation.override("fr"):
        resolution = resolve("passport", applicant)

    assert [item.name for item in resolution.items] == [
        "Carte nationale d'identité",
        "Acte de naissance",
        "Photographie",
        "Passeport",
    ]


def test_evidence_the_exchange_does_not_reach_is_uploaded_and_nobody_is_asked(rights, frozen):
    applicant = holder_of_both_documents()

    school = resolve("school-enrolment", applicant)
    cadastre = resolve("cadastre-extract", applicant)

    assert statuses(school) == [
        ("birth-record", UPLOAD, "subject_not_given"),  # the child's, whose ID was not given
        ("family-composition", FOUND, ""),
        ("residence-record", FOUND, ""),
        ("school-record", UPLOAD, "not_connected"),
        ("medical-fitness-certificate", UPLOAD, "no_registry"),
    ]
    assert statuses(cadastre) == [("cadastral-plan", UPLOAD, "not_connected")]
    assert school.item("school-record").request_id == ""
    assert sorted(row[1] for row in log_rows()) == ["family-composition", "residence-record"]


def test_a_record_the_registry_does_not_hold_is_uploaded(rights, frozen):
    # a living person who never married: no divorce, no death on record
    single = (
        Person.objects.filter(death_date=None, birth_date__lt=date(2000, 1, 1))
        .exclude(national_id__in=_married())
        .order_by("national_id")
        .values_list("national_id", flat=True)
        .first()
    )

    resolution = resolve("marriage-registration", single)

    assert statuses(resolution)[2:4] == [
        ("divorce-record", UPLOAD, "not_in_registry"),
        ("death-record", UPLOAD, "not_in_registry"),
    ]
    assert resolution.item("divorce-record").fields == {}
    statuses_logged = dict((row[1], row[5]) for row in log_rows())
    assert statuses_logged["divorce-record"] == statuses_logged["death-record"] == "not_found"


def _married():
    return [
        *Marriage.objects.values_list("spouse_a_id", flat=True),
        *Marriage.objects.values_list("spouse_b_id", flat=True),
    ]


class FailingTransport:
    """A registry that is down: every call raises, as a connection error would."""

    def fetch(self, **question):
        raise ConnectionError("registry down")


class PendingTransport:
    """A transport that gives up in time (a timeout, an open circuit breaker)."""

    def fetch(self, **question):
        return Answer("pending", {})


@pytest.mark.parametrize("transport", [FailingTransport(), PendingTransport()])
def test_a_registry_that_fails_or_is_slow_makes_its_evidence_pending(
    rights, frozen, monkeypatch, transport
):
    from onestop.exchange import client

    real = client.transport_for
    monkeypatch.setattr(
        client,
        "transport_for",
        lambda registry: transport if registry == "civil" else real(registry),
    )
    applicant = holder_of_both_documents()

    resolution = resolve("passport", applicant)

    assert statuses(resolution) == [
        ("identity-card", FOUND, ""),
        ("birth-record", PENDING, "registry_unavailable"),
        ("photo", UPLOAD, "no_registry"),
        ("passport-document", FOUND, ""),
    ]
    birth = resolution.item("birth-record")
    assert birth.fields == {}
    failed = ExchangeLogEntry.objects.get(operation="birth-record")
    assert (birth.request_id, birth.fetched_at) == (str(failed.request_id), NOW)
    assert failed.status == ("error" if isinstance(transport, FailingTransport) else "pending")


def test_without_a_right_the_evidence_is_refused_uploaded_and_the_refusal_logged(
    rights, frozen, caplog
):
    applicant = holder_of_both_documents()

    resolution = resolve("passport", applicant, consumer=CONSOLE)

    assert statuses(resolution) == [
        ("identity-card", UPLOAD, "refused"),
        ("birth-record", UPLOAD, "refused"),
        ("photo", UPLOAD, "no_registry"),
        ("passport-document", UPLOAD, "refused"),
    ]
    assert log_rows() == [
        ("civil", "birth-record", applicant, applicant, "application", "refused"),
        ("documents", "identity-card", applicant, applicant, "application", "refused"),
        ("documents", "passport-document", applicant, applicant, "application", "refused"),
    ]
    assert applicant not in caplog.text


def test_another_purpose_is_refused_too(rights):
    applicant = holder_of_both_documents()

    resolution = resolve("passport", applicant, purpose="marketing")

    assert {item.reason for item in resolution.with_status(UPLOAD)} == {"refused", "no_registry"}
    assert set(ExchangeLogEntry.objects.values_list("status", flat=True)) == {"refused"}


def test_the_same_question_is_asked_once_for_two_evidences(rights, frozen):
    # given a version that asks for the birth record twice, under two evidence types
    version = ServiceVersion.objects.get(service__code="passport", status="published")
    copy = EvidenceType.objects.create(
        code="birth-record-copy",
        name={"en": "Copy of the birth record"},
        registry="civil",
        registry_operation="birth-record",
    )
    EvidenceRequirement.objects.create(
        version=version, evidence_type=copy, position=99, is_mandatory=False
    )
    applicant = holder_of_both_documents()

    resolution = resolve("passport", applicant)

    first, second = resolution.item("birth-record"), resolution.item("birth-record-copy")
    assert first.status == second.status == FOUND
    assert first.request_id == second.request_id
    assert first.fields == second.fields
    assert ExchangeLogEntry.objects.filter(operation="birth-record").count() == 1
    assert ExchangeLogEntry.objects.count() == 3


def test_subjects_name_another_person_for_one_evidence(rights, frozen):
    # given a widow(er) applying for a funeral grant after their spouse's death
    deceased = (
        Person.objects.exclude(death_date=None)
        .order_by("national_id")
        .values_list("national_id", flat=True)
    ).first()
    marriage = Marriage.objects.filter(spouse_a_id=deceased).first() or Marriage.objects.get(
        spouse_b_id=deceased
    )
    widow = marriage.spouse_b_id if marriage.spouse_a_id == deceased else marriage.spouse_a_id

    resolution = resolve("funeral-grant", widow, subjects={"death-record": deceased})

    death = resolution.item("death-record")
    assert (death.status, death.is_about_applicant) == (FOUND, False)
    assert death.fields["national_id"].value == deceased
    assert (
        death.fields["death_date"].value == Person.objects.get(pk=deceased).death_date.isoformat()
    )
    assert log_rows() == [("civil", "death-record", deceased, widow, "application", "ok")]
    prefill = evidence_prefill(resolution=resolution)
    assert {name: value.value for name, value in prefill.items()} == {
        "deceased_national_id": deceased,
        "date_of_death": death.fields["death_date"].value,
    }
    assert prefill["date_of_death"].request_id == death.request_id
    assert (prefill["date_of_death"].evidence, prefill["date_of_death"].evidence_field) == (
        "death-record",
        "death_date",
    )


def test_prefill_takes_the_registered_address_and_the_childs_birth_record(rights, frozen):
    link = FamilyLink.objects.filter(child__birth_date__gt=date(2021, 1, 1)).order_by("id").first()
    parent, child = link.parent, link.child

    enrolment = resolve(
        "kindergarten-enrolment", parent.national_id, subjects={"birth-record": child.national_id}
    )
    waste = resolve("waste-collection-registration", parent.national_id)

    kindergarten_prefill = evidence_prefill(resolution=enrolment)
    assert {name: value.value for name, value in kindergarten_prefill.items()} == {
        "child_given_names": child.given_name,
        "child_family_name": child.family_name,
        "child_date_of_birth": child.birth_date.isoformat(),
    }
    assert kindergarten_prefill["child_given_names"].source == "/r1/XM/GOV/civil/birth-record"
    address = parent.address
    waste_prefill = evidence_prefill(resolution=waste)
    assert {
        name: value.value for name, value in waste_prefill.items() if name.startswith("address")
    } == {
        "address_line": f"{address.street} {address.house_number}",
        "address_town": address.town,
        "address_region": address.region,
        "address_postcode": address.postcode,
    }
    assert waste_prefill["address_line"].evidence_field == "street"
    assert waste_prefill["address_town"].fetched_at == NOW


def test_evidence_about_a_child_not_named_is_not_looked_up_for_the_applicant(rights):
    link = FamilyLink.objects.order_by("id").first()

    resolution = resolve("kindergarten-enrolment", link.parent_id)

    # The parent's own birth record would look like the evidence and is not: nothing is asked.
    item = resolution.item("birth-record")
    assert (item.status, item.reason, item.request_id) == (UPLOAD, "subject_not_given", "")
    assert evidence_prefill(resolution=resolution) == {}
    assert "household_size" in evidence_prefill(
        resolution=resolution, form_fields=["household_size", "address_town"]
    )


def test_a_national_id_failing_the_scheme_is_refused_naming_the_field(rights):
    with pytest.raises(InvalidInput) as bad_applicant:
        resolve("passport", "85041212343")
    with pytest.raises(InvalidInput) as bad_subject:
        resolve("funeral-grant", holder_of_both_documents(), subjects={"death-record": "123"})
    with pytest.raises(InvalidInput) as unasked:
        resolve(
            "passport",
            holder_of_both_documents(),
            subjects={"death-record": holder_of_both_documents()},
        )

    assert bad_applicant.value.details == {"field": "applicant_national_id"}
    assert bad_applicant.value.code == "national_id_invalid"
    assert "This is not a valid Personal Identification Number" in bad_applicant.value.message
    assert bad_subject.value.details == {"field": "subjects.death-record"}
    assert (unasked.value.code, unasked.value.details) == (
        "evidence_not_required",
        {"field": "subjects.death-record"},
    )
    assert "death-record" in unasked.value.message
    with translation.override("fr"), pytest.raises(InvalidInput) as in_french:
        resolve("passport", holder_of_both_documents(), subjects={"marriage-record": "85041212342"})
    assert (
        in_french.value.message
        == "Ce service ne demande pas la pièce justificative « marriage-record »."
    )
    assert ExchangeLogEntry.objects.count() == 0


def test_a_service_without_a_published_version_is_not_found(rights):
    ServiceVersion.objects.filter(service__code="passport").update(status="retired")

    for code in ["passport", "no-such-service"]:
        with pytest.raises(NotFound) as error:
            resolve(code, holder_of_both_documents())
        assert error.value.code == "service_not_found"
        assert f"'{code}'" in error.value.message
    assert ExchangeLogEntry.objects.count() == 0


def test_the_default_rights_let_the_portal_and_console_fetch_evidence_for_an_application():
    evidence = set(services.EVIDENCE_OPERATIONS)

    assert len(evidence) == 12
    for consumer in (PORTAL, CONSOLE):
        granted = {
            (registry, operation)
            for who, registry, operation, purpose in services.DEFAULT_RIGHTS
            if who == consumer and purpose == "application"
        }
        assert granted == evidence


def test_resolving_costs_three_queries_and_four_per_question(rights, django_assert_num_queries):
    applicant = holder_of_both_documents()

    # the pack's national-ID scheme, the version, its requirements; per question: the right,
    # the person, the card or the parents, the log row
    with django_assert_num_queries(3 + 3 * 4):
        resolve("passport", applicant)


def _owner_of(count):
    """The first living owner of exactly `count` vehicles."""
    owners = (
        Vehicle.objects.filter(owner__death_date=None)
        .values("owner_id")
        .annotate(vehicles=Count("vin"))
        .filter(vehicles=count)
        .order_by("owner_id")
    )
    return owners[0]["owner_id"]


def test_prefill_takes_a_plate_and_vin_only_from_the_one_vehicle_owned(rights):
    one, two = _owner_of(1), _owner_of(2)
    car = Vehicle.objects.get(owner_id=one)

    single = evidence_prefill(resolution=resolve("vehicle-deregistration", one))
    double = evidence_prefill(resolution=resolve("vehicle-deregistration", two))

    assert {name: value.value for name, value in single.items()} == {
        "plate_number": car.plate,
        "vehicle_vin": car.vin,
    }
    assert single["vehicle_vin"].source == "/r1/XM/GOV/vehicles/vehicle-record"
    assert double == {}


def test_prefill_takes_the_spouse_of_a_marriage_not_ended(rights):
    marriage = Marriage.objects.filter(ended_on=None).order_by("id").first()
    widowed = Marriage.objects.exclude(ended_on=None).order_by("id").first()
    survivor = Person.objects.filter(
        national_id__in=[widowed.spouse_a_id, widowed.spouse_b_id], death_date=None
    ).get()

    married = evidence_prefill(resolution=resolve("divorce-registration", marriage.spouse_a_id))
    ended = evidence_prefill(resolution=resolve("divorce-registration", survivor.national_id))

    assert married["spouse_national_id"].value == marriage.spouse_b_id
    assert married["spouse_national_id"].evidence == "marriage-record"
    assert "spouse_national_id" not in ended


def test_prefill_takes_the_business_id_and_parcel_number_when_there_is_one(rights):
    director = (
        BusinessDirector.objects.filter(business__dissolved_on=None).order_by("person_id").first()
    )
    share = PropertyShare.objects.order_by("owner_id").first()
    assert BusinessDirector.objects.filter(person_id=director.person_id).count() == 1
    assert PropertyShare.objects.filter(owner_id=share.owner_id).count() == 1

    extract = evidence_prefill(resolution=resolve("business-register-extract", director.person_id))
    certificate = evidence_prefill(
        resolution=resolve("property-encumbrance-certificate", share.owner_id)
    )

    assert {name: value.value for name, value in extract.items()} == {
        "business_id": director.business_id
    }
    assert {name: value.value for name, value in certificate.items()} == {
        "parcel_number": share.title_id
    }
