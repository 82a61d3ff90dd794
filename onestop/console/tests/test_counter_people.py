"""The counter's "About the other people" page: filing a funeral grant, the operator asks the
citizen for the deceased person's national ID before the documents; the death record is then
fetched and shown with its source; a bad ID is refused on its field and kept; an operator of
another center is refused."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from onestop.applications.models import Draft
from onestop.applications.tests.intake_fixtures import (  # noqa: F401
    frozen,
    operator_make,
    population,
)
from onestop.applications.tests.test_draft_subjects import widow_and_deceased
from onestop.centers.models import Center
from onestop.core.models import DomainEvent

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"console:{name}", args=args)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def grant(population, frozen):  # noqa: F811
    center = Center.objects.filter(kind="center").order_by("code").first()
    client = signed_in(operator_make("people-op", center))
    widow, deceased = widow_and_deceased()
    response = client.post(
        url("counter"),
        {"national_id": widow, "choice": "service:funeral-grant", "channel": "center"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client, Draft.objects.get(), deceased


def test_the_operator_gives_the_deceased_persons_id_and_the_record_is_fetched(grant):
    client, draft, deceased = grant

    page = client.get(url("counter_people", draft.pk))
    response = client.post(url("counter_people", draft.pk), {"subject-deceased": deceased})

    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="subject-deceased">The deceased person&#x27;s national ID number' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert response.status_code == 302
    assert response["Location"] == url("counter_evidence", draft.pk)
    draft.refresh_from_db()
    assert draft.evidence["death-record"]["status"] == "found"
    assert draft.subjects == {"death-record": deceased}
    documents = client.get(response["Location"]).content.decode()
    assert "About: The deceased person" in documents
    assert "Fetched from the registry" in documents
    assert DomainEvent.objects.get(name="application.draft_subject_set").actor == (
        "staff:people-op"
    )


def test_the_people_page_comes_before_the_documents(grant):
    client, draft, _ = grant

    evidence = client.get(url("counter_evidence", draft.pk)).content.decode()

    assert f'href="{url("counter_people", draft.pk)}"' in evidence  # its Back link


def test_a_bad_national_id_is_refused_on_its_field_and_kept(grant):
    client, draft, _ = grant

    response = client.post(url("counter_people", draft.pk), {"subject-deceased": "999"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'href="#subject-deceased"' in html and 'id="subject-deceased-error"' in html
    assert 'value="999"' in html
    assert Draft.objects.get(pk=draft.pk).subjects == {}


def test_the_page_in_arabic_is_translated(grant):
    client, draft, _ = grant

    html = client.get(url("counter_people", draft.pk, language="ar")).content.decode()

    assert "عن الأشخاص الآخرين" in html and 'dir="rtl"' in html


def test_an_operator_of_another_center_is_refused(grant):
    _, draft, deceased = grant
    other = Center.objects.filter(kind="center").order_by("code")[1]
    client = signed_in(operator_make("people-far", other))

    response = client.post(url("counter_people", draft.pk), {"subject-deceased": deceased})

    assert response.status_code in (403, 404)
    assert Draft.objects.get(pk=draft.pk).subjects == {}
