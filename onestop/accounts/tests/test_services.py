import pytest
from django.contrib.auth import get_user_model

from onestop.accounts.models import CitizenAccount, SignInChallenge
from onestop.accounts.services import (
    contact_mask,
    sign_in_code_request,
    sign_in_code_verify,
)
from onestop.core.errors import InvalidInput
from onestop.core.models import AuditRecord, DomainEvent
from onestop.notifications.models import DevelopmentMessage, Notification

from .conftest import code_sent_to

pytestmark = pytest.mark.django_db
PHONE = "+33612345678"


def request_code(contact: str = PHONE) -> str:
    sign_in_code_request(contact=contact, language="en", channel_hint="")
    return code_sent_to(contact.lower())


def test_a_code_is_sent_by_sms_and_signs_the_citizen_in(sign_in_templates, frozen):
    sign_in_code_request(contact="06 12 34 56 78", language="en", channel_hint="sms")
    code = code_sent_to(PHONE)

    user = sign_in_code_verify(contact="+33 6 12 34 56 78", code=code)

    message = DevelopmentMessage.objects.get()
    assert (message.channel, message.recipient, message.body_text) == ("sms", PHONE, f"Ref {code}.")
    account = CitizenAccount.objects.get()
    assert (user.username, user.is_staff, user.has_usable_password()) == (
        f"citizen:{PHONE}",
        False,
        False,
    )
    assert (account.user, account.contact, account.last_sign_in_at) == (user, PHONE, frozen.at)
    assert SignInChallenge.objects.get().used_at == frozen.at


def test_an_email_contact_gets_the_code_by_email_in_lower_case(sign_in_templates, frozen):
    code = request_code("Amina.Diallo@Example.ORG")

    user = sign_in_code_verify(contact="amina.diallo@example.org", code=code)

    message = DevelopmentMessage.objects.get()
    assert (message.channel, message.recipient) == ("email", "amina.diallo@example.org")
    assert user.citizen_account.contact == "amina.diallo@example.org"


def test_the_idempotency_key_of_the_message_is_the_challenge(sign_in_templates, frozen):
    request_code()

    challenge = SignInChallenge.objects.get()
    assert Notification.objects.get().request_key == f"sign-in:{challenge.id}"


def test_a_second_sign_in_reuses_the_account(sign_in_templates, frozen):
    first = sign_in_code_verify(contact=PHONE, code=request_code())
    frozen.advance(minutes=1)

    second = sign_in_code_verify(contact=PHONE, code=request_code())

    assert first == second
    assert CitizenAccount.objects.count() == 1
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    ("contact", "hint"), [("not a number", ""), ("12", ""), ("amina@", ""), (PHONE, "email")]
)
def test_a_bad_contact_is_refused_naming_the_field(sign_in_templates, frozen, contact, hint):
    with pytest.raises(InvalidInput) as error:
        sign_in_code_request(contact=contact, language="en", channel_hint=hint)

    assert error.value.details["field"] == "contact"
    assert SignInChallenge.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_wrong_code_is_refused_and_counted(sign_in_templates, frozen):
    code = request_code()
    wrong = "000000" if code != "000000" else "111111"

    with pytest.raises(InvalidInput) as error:
        sign_in_code_verify(contact=PHONE, code=wrong)

    assert error.value.details["field"] == "code"
    assert SignInChallenge.objects.get().attempts == 1
    assert CitizenAccount.objects.count() == 0


def test_the_fifth_wrong_code_spends_the_challenge(sign_in_templates, frozen):
    code = request_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(InvalidInput):
            sign_in_code_verify(contact=PHONE, code=wrong)

    with pytest.raises(InvalidInput):
        sign_in_code_verify(contact=PHONE, code=code)

    assert SignInChallenge.objects.get().attempts == 5
    assert CitizenAccount.objects.count() == 0


def test_a_code_expires_after_ten_minutes(sign_in_templates, frozen):
    code = request_code()
    frozen.advance(minutes=10)

    with pytest.raises(InvalidInput):
        sign_in_code_verify(contact=PHONE, code=code)

    assert CitizenAccount.objects.count() == 0


def test_a_code_still_works_just_before_it_expires(sign_in_templates, frozen):
    code = request_code()
    frozen.advance(minutes=9, seconds=59)

    assert sign_in_code_verify(contact=PHONE, code=code).citizen_account.contact == PHONE


def test_a_code_is_used_once(sign_in_templates, frozen):
    code = request_code()
    sign_in_code_verify(contact=PHONE, code=code)

    with pytest.raises(InvalidInput):
        sign_in_code_verify(contact=PHONE, code=code)

    assert AuditRecord.objects.filter(action="accounts.signed_in").count() == 1


def test_a_code_sent_to_one_contact_does_not_sign_in_another(sign_in_templates, frozen):
    code = request_code()
    request_code("+33698765432")

    with pytest.raises(InvalidInput):
        sign_in_code_verify(contact="+33698765432", code=code if code != "000000" else "000001")

    assert CitizenAccount.objects.count() == 0


def test_a_fourth_code_in_fifteen_minutes_is_silently_not_sent(sign_in_templates, frozen):
    for _ in range(3):
        request_code()
        frozen.advance(minutes=4)

    answer = sign_in_code_request(contact=PHONE, language="en", channel_hint="")

    assert answer is None
    assert SignInChallenge.objects.count() == 3
    assert Notification.objects.count() == 3
    assert AuditRecord.objects.filter(action="accounts.sign_in_code_refused").count() == 1


def test_codes_may_be_asked_again_once_the_window_has_passed(sign_in_templates, frozen):
    for _ in range(3):
        request_code()
    frozen.advance(minutes=15, seconds=1)

    code = request_code()

    assert SignInChallenge.objects.count() == 4
    assert sign_in_code_verify(contact=PHONE, code=code).citizen_account.contact == PHONE


def test_neither_the_code_nor_the_contact_is_stored_in_clear(sign_in_templates, frozen):
    code = request_code()
    with pytest.raises(InvalidInput):
        sign_in_code_verify(contact=PHONE, code=str((int(code) + 1) % 1_000_000).zfill(6))
    sign_in_code_verify(contact=PHONE, code=code)

    challenge = SignInChallenge.objects.values().get()
    assert all(code not in str(value) for value in challenge.values())
    audit = [str(row) for row in AuditRecord.objects.values_list("data", flat=True)]
    events = [str(row) for row in DomainEvent.objects.values_list("payload", flat=True)]
    assert len(audit) == len(events) >= 5
    assert all(code not in text and PHONE not in text for text in audit + events)
    assert "+33*****678" in " ".join(events)


def test_contacts_are_masked_in_events():
    assert contact_mask("+33612345678") == "+33*****678"
    assert contact_mask("amina@example.org") == "a***@example.org"
