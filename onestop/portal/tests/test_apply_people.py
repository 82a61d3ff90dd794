"""The portal's "About the other people" page: a funeral grant asks for the deceased person's
national ID before the documents; given, the death record is fetched and shown with its source;
a bad ID is refused on its field and kept; left empty, the record stays to upload; a service
about the applicant alone has no such page."""

import pytest
from django.urls import reverse
from django.utils import translation

from onestop.applications.models import Draft
from onestop.applications.tests.intake_fixtures import (  # noqa: F401
    card_holder,
    citizen_make,
    frozen,
    population,
)
from onestop.applications.tests.test_draft_subjects import widow_and_deceased
from onestop.core.models import DomainEvent

from .test_apply import fill_form

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"portal:{name}", args=args)


@pytest.fixture
def grant(population, frozen, client):  # noqa: F811
    widow, deceased = widow_and_deceased()
    account = citizen_make(widow)
    client.force_login(account.user)
    assert client.post(url("apply_service", "funeral-grant")).status_code == 302
    return Draft.objects.get(), deceased


def test_the_page_comes_after_the_form_and_before_the_documents(client, grant):
    draft, _ = grant

    after_form = fill_form(client, draft)
    page = client.get(after_form)

    assert after_form == url("draft_people", draft.pk)
    html = page.content.decode()
    assert page.status_code == 200
    assert "About the other people" in html
    assert '<label for="subject-deceased">The deceased person&#x27;s national ID number' in html
    assert "We use it to fetch: Death record." in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_national_id_fetches_the_death_record_shown_with_its_source(client, grant):
    draft, deceased = grant

    response = client.post(url("draft_people", draft.pk), {"subject-deceased": deceased})

    assert response.status_code == 302
    assert response["Location"] == url("draft_evidence", draft.pk)
    draft.refresh_from_db()
    assert draft.evidence["death-record"]["status"] == "found"
    documents = client.get(response["Location"]).content.decode()
    assert "About: The deceased person" in documents
    assert "From the civil registry" in documents
    again = client.get(url("draft_people", draft.pk)).content.decode()
    assert f'value="{deceased}"' in again


def test_a_bad_national_id_is_refused_on_its_field_and_kept(client, grant):
    draft, _ = grant

    response = client.post(url("draft_people", draft.pk), {"subject-deceased": "12345"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#subject-deceased"' in html
    assert 'id="subject-deceased-error"' in html and 'aria-invalid="true"' in html
    assert 'value="12345"' in html
    assert Draft.objects.get(pk=draft.pk).subjects == {}
    assert not DomainEvent.objects.filter(name="application.draft_subject_set").exists()


def test_left_empty_the_record_stays_to_upload(client, grant):
    draft, _ = grant

    response = client.post(url("draft_people", draft.pk), {"subject-deceased": ""})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.evidence["death-record"]["status"] == "upload"
    assert 'id="evidence-death-record"' in client.get(response["Location"]).content.decode()


def test_the_page_in_arabic_is_translated(client, grant):
    draft, _ = grant

    html = client.get(url("draft_people", draft.pk, language="ar")).content.decode()

    assert 'dir="rtl"' in html
    assert "About the other people" not in html


def test_a_passport_has_no_such_page(client, population, frozen):  # noqa: F811
    client.force_login(citizen_make(card_holder()).user)
    client.post(url("apply_service", "passport"))
    draft = Draft.objects.get()

    assert client.get(url("draft_people", draft.pk)).status_code == 404
    assert fill_form(client, draft) == url("draft_evidence", draft.pk)
