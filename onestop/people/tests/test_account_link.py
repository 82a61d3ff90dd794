import pytest
from django.contrib.auth import get_user_model

from onestop.accounts.models import CitizenAccount
from onestop.accounts.selectors import citizen_inbox_list
from onestop.accounts.services import citizen_account_link_person
from onestop.core.errors import InvalidInput, NotFound
from onestop.core.models import DomainEvent
from onestop.notifications.models import Notification

from .conftest import NATIONAL_IDS, NOW, person

pytestmark = pytest.mark.django_db
PHONE = "+33612345678"


@pytest.fixture
def account(country):
    user = get_user_model().objects.create_user(f"citizen:{PHONE}")
    return CitizenAccount.objects.create(user=user, contact=PHONE, created_at=NOW)


def test_linking_sets_the_person_reference_with_a_masked_audited_event(account, frozen):
    person(NATIONAL_IDS[0])

    linked = citizen_account_link_person(
        actor="staff:clerk", account=account, national_id="850 412 12342"
    )

    assert (
        CitizenAccount.objects.get().person_reference == NATIONAL_IDS[0] == linked.person_reference
    )
    event = DomainEvent.objects.get(name="accounts.person_linked")
    assert (event.actor, event.entity_id, event.payload) == (
        "staff:clerk",
        str(account.pk),
        {"contact": "+33*****678", "national_id": "850******42"},
    )
    assert event.audit_record.data == event.payload


def test_linking_again_to_the_same_person_records_nothing(account):
    person(NATIONAL_IDS[0])
    citizen_account_link_person(actor="test", account=account, national_id=NATIONAL_IDS[0])

    citizen_account_link_person(actor="test", account=account, national_id=NATIONAL_IDS[0])

    assert DomainEvent.objects.filter(name="accounts.person_linked").count() == 1


@pytest.mark.parametrize(
    ("national_id", "error"),
    [(NATIONAL_IDS[1], NotFound), ("85041212343", InvalidInput)],
    ids=["nobody has it", "bad check digit"],
)
def test_an_unknown_or_invalid_national_id_leaves_the_account_unlinked(account, national_id, error):
    person(NATIONAL_IDS[0])

    with pytest.raises(error):
        citizen_account_link_person(actor="test", account=account, national_id=national_id)

    assert CitizenAccount.objects.get().person_reference == ""
    assert not DomainEvent.objects.filter(name="accounts.person_linked").exists()


def test_once_linked_the_inbox_shows_messages_addressed_to_the_person(account):
    person(NATIONAL_IDS[0])
    message = Notification.objects.create(
        request_key="r1",
        idempotency_key="r1:inbox",
        kind="sign_in_code",
        channel="inbox",
        language="en",
        recipient=PHONE,
        person=NATIONAL_IDS[0],
        body_text="Your certificate is ready.",
        status="delivered",
        created_at=NOW,
        status_at=NOW,
    )
    assert list(citizen_inbox_list(user=account.user)) == []

    citizen_account_link_person(actor="test", account=account, national_id=NATIONAL_IDS[0])

    assert list(citizen_inbox_list(user=account.user)) == [message]
