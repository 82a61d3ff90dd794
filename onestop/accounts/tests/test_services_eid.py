# ruff: noqa: F811 - fixtures imported from other tests are redefined as arguments
"""`citizen_sign_in_oidc`: which account an e-ID lands in, what it records, what it refuses."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from onestop.accounts.models import CitizenAccount
from onestop.accounts.services import citizen_sign_in_oidc, sign_in_code_verify
from onestop.core.errors import InvalidInput
from onestop.core.models import AuditRecord, DomainEvent
from onestop.people.tests.conftest import NATIONAL_IDS, country  # noqa: F401

from .conftest import START, code_sent_to, frozen, sign_in_templates  # noqa: F401

pytestmark = pytest.mark.django_db
ISSUER = "https://e-id.example"
PHONE = "+33612345678"
AMINA = NATIONAL_IDS[0]


def sign_in(subject: str = "subject-1", national_id: str = AMINA):
    return citizen_sign_in_oidc(issuer=ISSUER, subject=subject, national_id=national_id)


def otp_account_linked_to(national_id: str) -> CitizenAccount:
    from onestop.accounts.services import sign_in_code_request

    sign_in_code_request(contact=PHONE, language="en")
    user = sign_in_code_verify(contact=PHONE, code=code_sent_to(PHONE))
    CitizenAccount.objects.filter(user=user).update(person_reference=national_id)
    return CitizenAccount.objects.get(user=user)


def test_a_first_eid_sign_in_creates_an_account_without_a_contact(country, frozen):
    user = sign_in()

    account = CitizenAccount.objects.get()
    assert account.user == user
    assert (account.contact, account.eid_issuer, account.eid_subject) == (None, ISSUER, "subject-1")
    assert (account.person_reference, account.created_at, account.last_sign_in_at) == (
        AMINA,
        START,
        START,
    )
    assert user.username.startswith("citizen:e-id:") and not user.has_usable_password()
    assert not user.is_staff
    assert list(
        DomainEvent.objects.order_by("occurred_at", "id").values_list("name", "payload")
    ) == [
        (
            "accounts.account_created",
            {"method": "e-id", "national_id": "850******42", "issuer": ISSUER},
        ),
        ("accounts.person_linked", {"method": "e-id", "national_id": "850******42"}),
        ("accounts.signed_in", {"method": "e-id", "national_id": "850******42", "issuer": ISSUER}),
    ]


def test_the_same_eid_signs_in_to_the_same_account(country, frozen):
    first = sign_in()
    frozen.advance(minutes=5)

    second = sign_in(national_id=" 8504 1212 342 ")

    assert first == second
    assert CitizenAccount.objects.get().last_sign_in_at == frozen.at
    assert get_user_model().objects.count() == 1
    assert DomainEvent.objects.filter(name="accounts.person_linked").count() == 1


def test_a_citizen_with_a_code_account_linked_to_the_national_id_lands_in_it(
    country, sign_in_templates, frozen
):
    existing = otp_account_linked_to(AMINA)

    user = sign_in()

    account = CitizenAccount.objects.get()
    assert (account.pk, account.user, account.contact) == (existing.pk, user, PHONE)
    assert (account.eid_issuer, account.eid_subject) == (ISSUER, "subject-1")
    linked = DomainEvent.objects.get(name="accounts.eid_linked")
    assert linked.payload["contact"] == "+33*****678"
    assert not DomainEvent.objects.filter(name="accounts.person_linked").exists()


def test_a_code_account_of_another_person_is_left_alone(country, sign_in_templates, frozen):
    otp_account_linked_to(NATIONAL_IDS[1])

    sign_in()

    assert CitizenAccount.objects.filter(eid_subject="").get().contact == PHONE
    assert CitizenAccount.objects.get(eid_subject="subject-1").contact is None


def test_an_eid_now_vouching_another_national_id_relinks_its_account(country, frozen):
    sign_in()

    sign_in(national_id=NATIONAL_IDS[1])

    assert CitizenAccount.objects.get().person_reference == NATIONAL_IDS[1]
    assert DomainEvent.objects.filter(name="accounts.person_linked").count() == 2


def test_a_national_id_failing_the_scheme_signs_nobody_in(country, frozen):
    with pytest.raises(InvalidInput) as error:
        sign_in(national_id="85041212343")

    assert error.value.details["field"] == "national_id"
    assert error.value.message == (
        "This is not a valid Personal Identification Number; check every digit. "
        "It looks like 85041212342."
    )
    assert CitizenAccount.objects.count() == 0
    assert get_user_model().objects.count() == 0
    refused = DomainEvent.objects.get()
    assert (refused.name, refused.payload) == (
        "accounts.sign_in_refused",
        {"method": "e-id", "issuer": ISSUER, "reason": "national_id_invalid"},
    )


@pytest.mark.parametrize(("issuer", "subject"), [("", "subject-1"), (ISSUER, "")])
def test_an_answer_without_issuer_or_subject_is_refused(country, frozen, issuer, subject):
    with pytest.raises(InvalidInput):
        citizen_sign_in_oidc(issuer=issuer, subject=subject, national_id=AMINA)

    assert CitizenAccount.objects.count() == 0


def test_no_event_or_audit_record_holds_the_national_id_or_the_subject(country, frozen):
    sign_in(subject=AMINA)  # a provider may use the national ID as its subject

    recorded = [str(row) for row in AuditRecord.objects.values_list("data", flat=True)]
    recorded += [str(row) for row in DomainEvent.objects.values_list("payload", flat=True)]
    assert len(recorded) == 6
    assert all(AMINA not in text for text in recorded)


def test_the_database_refuses_an_account_with_no_way_in(country, frozen):
    user = get_user_model().objects.create(username="citizen:nobody")

    with pytest.raises(IntegrityError), transaction.atomic():
        CitizenAccount.objects.create(user=user, contact=None, created_at=START)


def test_the_database_refuses_two_accounts_for_one_eid(country, frozen):
    sign_in()
    user = get_user_model().objects.create(username="citizen:twin")

    with pytest.raises(IntegrityError), transaction.atomic():
        CitizenAccount.objects.create(
            user=user, contact=None, eid_issuer=ISSUER, eid_subject="subject-1", created_at=START
        )


def test_contact_accounts_without_an_eid_may_be_many(country, frozen):
    for index in range(2):
        user = get_user_model().objects.create(username=f"citizen:{index}")
        CitizenAccount.objects.create(user=user, contact=f"+3361234567{index}", created_at=START)

    assert CitizenAccount.objects.filter(eid_subject="").count() == 2


def test_a_citizen_signed_in_by_code_gets_that_account_linked(country, sign_in_templates, frozen):
    current = otp_account_linked_to("")

    user = citizen_sign_in_oidc(
        issuer=ISSUER, subject="subject-1", national_id=AMINA, signed_in_account=current
    )

    account = CitizenAccount.objects.get()
    assert (account.pk, account.user, account.person_reference) == (current.pk, user, AMINA)
    assert account.eid_subject == "subject-1"


def test_a_signed_in_account_with_another_eid_is_not_taken_over(country, frozen):
    other = CitizenAccount.objects.get(
        user=sign_in(subject="subject-0", national_id=NATIONAL_IDS[1])
    )

    sign_in_as_amina = citizen_sign_in_oidc(
        issuer=ISSUER, subject="subject-1", national_id=AMINA, signed_in_account=other
    )

    assert sign_in_as_amina != other.user
    assert CitizenAccount.objects.get(pk=other.pk).eid_subject == "subject-0"
    assert CitizenAccount.objects.count() == 2


def test_a_signed_in_account_linked_to_another_person_is_not_relinked(
    country, sign_in_templates, frozen
):
    current = otp_account_linked_to(NATIONAL_IDS[1])  # a shared phone, linked at a counter

    user = citizen_sign_in_oidc(
        issuer=ISSUER, subject="subject-1", national_id=AMINA, signed_in_account=current
    )

    assert user != current.user
    assert CitizenAccount.objects.get(pk=current.pk).person_reference == NATIONAL_IDS[1]
    assert CitizenAccount.objects.get(user=user).person_reference == AMINA
