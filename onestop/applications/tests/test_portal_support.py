"""What the portal adds to the domain: the tier of a draft, the drafts a citizen may resume,
an application's correspondence, and the open information request an answer is for."""

from datetime import timedelta

import pytest

from onestop.applications.drafts import draft_start
from onestop.applications.intake import application_submit
from onestop.applications.models import Draft
from onestop.applications.portal_support import (
    application_correspondence,
    draft_tier_set,
    drafts_of,
    information_request_get,
)
from onestop.applications.task_selectors import task_note_add
from onestop.applications.tests.intake_fixtures import card_holder, citizen_make, officer_make
from onestop.applications.tests.test_intake import passport_draft
from onestop.applications.workflow import (
    application_information_answer,
    task_claim,
    task_information_request,
    task_review_start,
)
from onestop.core.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(population, frozen):
    return citizen_make(card_holder())


def test_express_is_chosen_where_the_service_offers_it(account):
    draft = draft_start(actor=account, service_codes=["passport"])

    chosen = draft_tier_set(draft=draft, tier="express")

    assert chosen.tier == "express"
    assert Draft.objects.get(pk=draft.pk).tier == "express"


def test_express_is_refused_where_no_service_offers_it_and_nothing_changes(account):
    draft = draft_start(actor=account, service_codes=["health-insurance-card"])

    with pytest.raises(InvalidInput) as refused:
        draft_tier_set(draft=draft, tier="express")

    assert refused.value.code == "express_not_offered"
    assert refused.value.details["field"] == "tier"
    assert Draft.objects.get(pk=draft.pk).tier == "standard"


def test_an_unknown_tier_is_refused(account):
    draft = draft_start(actor=account, service_codes=["passport"])

    with pytest.raises(InvalidInput):
        draft_tier_set(draft=draft, tier="overnight")


def test_the_tier_of_a_submitted_draft_no_longer_changes(account):
    draft = passport_draft(account)
    application_submit(actor=account, draft=draft, idempotency_key="k")

    with pytest.raises(InvalidInput) as refused:
        draft_tier_set(draft=draft, tier="express")

    assert refused.value.code == "draft_submitted"


def test_drafts_of_lists_only_the_accounts_open_drafts(account, frozen):
    kept = draft_start(actor=account, service_codes=["passport"])
    submitted = passport_draft(account)
    application_submit(actor=account, draft=submitted, idempotency_key="k")
    expired = draft_start(actor=account, service_codes=["health-insurance-card"])
    Draft.objects.filter(pk=expired.pk).update(expires_at=frozen.now() - timedelta(seconds=1))
    other = citizen_make(card_holder(1), contact="+33699999999")
    draft_start(actor=other, service_codes=["passport"])

    assert [draft.pk for draft in drafts_of(account=account)] == [kept.pk]


def requested(account):
    application = application_submit(
        actor=account, draft=passport_draft(account), idempotency_key="k"
    )
    task = application.tasks.get()
    officer = officer_make("officer-p", task.agency)
    task_claim(actor=officer, task_id=task.pk)
    task_review_start(actor=officer, task_id=task.pk)
    task_information_request(actor=officer, task_id=task.pk, text="Your birth town?")
    task_note_add(actor=officer, task_id=task.pk, text="internal: check the birth record")
    return application, task


def test_correspondence_shows_messages_never_internal_notes(account):
    application, _task = requested(account)

    correspondence = application_correspondence(application=application)

    assert [m.text for m in correspondence.messages] == ["Your birth town?"]
    assert correspondence.outputs == []


def test_the_open_information_request_is_found_until_answered(account):
    application, task = requested(account)
    message = application_correspondence(application=application).messages[0]

    found = information_request_get(application=application, message_id=message.pk)
    assert found.task_id == task.pk
    application_information_answer(actor=account, task_id=task.pk, text="Capital", channel="online")

    with pytest.raises(NotFound):
        information_request_get(application=application, message_id=message.pk)


def test_another_applications_request_is_not_found(account):
    application, _task = requested(account)
    message = application_correspondence(application=application).messages[0]
    other_account = citizen_make(card_holder(1), contact="+33699999999")
    other = application_submit(
        actor=other_account, draft=passport_draft(other_account), idempotency_key="o"
    )

    with pytest.raises(NotFound):
        information_request_get(application=other, message_id=message.pk)


def test_an_answer_with_a_refused_file_is_not_sent_and_stores_nothing(account):
    from onestop.applications.models import ApplicationEvidence, ApplicationMessage
    from onestop.applications.portal_support import information_answer_send

    application, task = requested(account)
    message = application_correspondence(application=application).messages[0]

    with pytest.raises(InvalidInput) as refused:
        information_answer_send(
            actor=account, message=message, text="Capital", file_name="a.png", content=b"text"
        )

    assert refused.value.details["field"] == "file"
    task.refresh_from_db()
    assert task.state == "information_requested"
    assert not ApplicationMessage.objects.filter(kind="answer").exists()
    assert not ApplicationEvidence.objects.filter(evidence_code__startswith="answer:").exists()
