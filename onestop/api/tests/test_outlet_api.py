"""Partner outlets and kiosks filing for a citizen with their center's key: the channel is the
center's kind, consent (outlet) or electronic identification (kiosk) is recorded, a retry is
200; other keys, other centers, revoked keys and junk are refused, and nothing is created."""

import json

import pytest
from django.test import Client

from onestop.applications.models import Application
from onestop.applications.tests.intake_fixtures import (
    card_holder,
    citizen_make,
    frozen,  # noqa: F401
    population,  # noqa: F401
)
from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core.models import DomainEvent
from onestop.integrations.services import api_key_issue, api_key_revoke

pytestmark = pytest.mark.django_db
SERVICE = "criminal-record-certificate"  # every mandatory document comes from a registry
ANSWERS = {
    "criminal_record_purpose": "employment",
    "certificate_language": "en",
    "delivery_method": "collect",
}
PATH = "/api/v1/outlet/applications"


def key_for(center_code, scopes=("applications:file",)):
    center = Center.objects.get(code=center_code)
    return api_key_issue(actor="test", center=center, name="Till", scopes=list(scopes))


@pytest.fixture
def outlet(population, frozen):  # noqa: F811
    return key_for("post-office-aldmoor")


@pytest.fixture
def kiosk(population, frozen):  # noqa: F811
    return key_for("kiosk-airport")


def file(issued, key="k-1", headers=None, **body):
    payload = {
        "services": [SERVICE],
        "answers": ANSWERS,
        "applicant_national_id": card_holder(),
        "identification": "id_document_checked",
        "consent_method": "signed_form",
        **body,
    }
    sent = {"Authorization": f"Bearer {issued.token}"} if issued else {}
    if key:
        sent["Idempotency-Key"] = key
    return Client().post(
        PATH,
        data=json.dumps(payload),
        content_type="application/json",
        headers=sent | (headers or {}),
    )


def test_an_outlet_files_for_a_citizen_with_consent_and_a_retry_answers_200(outlet):
    first = file(outlet)
    again = file(outlet)

    assert first.status_code == 201, first.json()
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    body = first.json()
    assert body["channel"] == "partner_outlet"
    assert body["url"] == f"{PATH}/{body['id']}"
    application = Application.objects.get()
    assert application.center.code == "post-office-aldmoor"
    assert application.consent_method == "signed_form"
    assert application.consent_recorded_at is not None
    assert application.filed_by is None
    assert application.applicant_national_id == card_holder()
    assert application.submitted_by == f"outlet:post-office-aldmoor:{outlet.api_key.prefix}"
    recorded = DomainEvent.objects.get(name="application.filed_by_outlet")
    assert recorded.payload["identification"] == "id_document_checked"
    assert recorded.payload["consent_method"] == "signed_form"
    assert recorded.channel == "partner_outlet"
    submitted = DomainEvent.objects.get(name="application.submitted")
    assert submitted.actor == application.submitted_by


def test_the_idempotency_key_may_come_in_the_body_and_must_agree_with_the_header(outlet):
    in_body = file(outlet, key=None, idempotency_key="body-1")
    differing = file(outlet, key="head-1", idempotency_key="body-2")
    missing = file(outlet, key=None)

    assert in_body.status_code == 201
    assert differing.status_code == 422
    assert differing.json()["error"]["details"]["field"] == "Idempotency-Key"
    assert missing.status_code == 422
    assert missing.json()["error"]["details"]["field"] == "Idempotency-Key"
    assert Application.objects.count() == 1


def test_an_outlet_must_record_consent(outlet):
    response = file(outlet, consent_method="")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "consent_required"
    assert error["details"]["field"] == "consent_method"
    assert Application.objects.count() == 0
    assert not DomainEvent.objects.filter(name="application.submitted").exists()


def test_a_kiosk_files_with_electronic_identification_and_on_screen_consent(kiosk):
    response = file(kiosk, identification="id_card_chip", consent_method="")

    assert response.status_code == 201, response.json()
    assert response.json()["channel"] == "kiosk"
    application = Application.objects.get()
    assert application.consent_method == "signed_on_screen"
    assert application.center.code == "kiosk-airport"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"identification": "id_document_checked"}, "identification", "identification_required"),
        ({"identification": "e_id", "consent_method": "signed_form"}, "consent_method", None),
    ],
)
def test_a_kiosk_cannot_check_a_document_or_take_another_consent(kiosk, body, field, code):
    response = file(kiosk, **body)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"]["field"] == field
    if code:
        assert error["code"] == code
    assert Application.objects.count() == 0


def test_refusals_are_translated(outlet):
    english = file(outlet, consent_method="", headers={"Accept-Language": "en"})
    french = file(outlet, consent_method="", headers={"Accept-Language": "fr"})

    assert english.json()["error"]["code"] == french.json()["error"]["code"] == "consent_required"
    assert english.json()["error"]["message"] != french.json()["error"]["message"]


def test_an_outlet_reads_back_only_what_its_center_filed(outlet, population):  # noqa: F811
    filed = file(outlet).json()
    other = key_for("post-office-sablemouth")
    own_new_key = key_for("post-office-aldmoor")

    def read(issued):
        return Client().get(filed["url"], headers={"Authorization": f"Bearer {issued.token}"})

    assert read(outlet).status_code == 200 and read(outlet).json()["id"] == filed["id"]
    assert read(own_new_key).status_code == 200  # a new key of the same center
    refused = read(other)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "application_not_found"


def test_an_outlet_cannot_read_an_application_a_citizen_made_online(outlet, client):
    account = citizen_make(card_holder())
    client.force_login(account.user)
    online = client.post(
        "/api/v1/applications",
        data=json.dumps({"services": [SERVICE], "answers": ANSWERS}),
        content_type="application/json",
        headers={"Idempotency-Key": "own"},
    ).json()

    response = Client().get(
        f"{PATH}/{online['id']}", headers={"Authorization": f"Bearer {outlet.token}"}
    )

    assert response.status_code == 404


def test_an_agency_key_cannot_file(population, frozen):  # noqa: F811
    agency = Agency.objects.get(code="civil-registry")
    issued = api_key_issue(
        actor="test", agency=agency, name="Case system", scopes=["tasks:read", "tasks:write"]
    )

    response = file(issued)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "scope_missing"
    assert response.json()["error"]["details"]["scope"] == "applications:file"
    assert Application.objects.count() == 0


def test_a_revoked_key_and_no_key_are_401(outlet):
    api_key_revoke(actor="test", api_key=outlet.api_key)

    revoked = file(outlet)
    missing = file(None)

    assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "api_key_invalid"
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "api_key_missing"
    assert revoked["WWW-Authenticate"].startswith("Bearer")
    assert Application.objects.count() == 0


JUNK = [
    "not json",
    "[]",
    "{}",
    '{"services": ["criminal-record-certificate"]}',
    '{"services": ["x y"], "applicant_national_id": "1", "identification": "e_id"}',
    '{"services": ["no-such-service"], "applicant_national_id": "1", "identification": "e_id",'
    ' "consent_method": "signed_form"}',
    '{"services": ["criminal-record-certificate"], "applicant_national_id": "nope",'
    ' "identification": "e_id", "consent_method": "signed_form"}',
    '{"services": ["criminal-record-certificate"], "applicant_national_id": "1",'
    ' "identification": "telepathy"}',
    '{"services": ["criminal-record-certificate"], "applicant_national_id": "1",'
    ' "identification": "e_id", "consent_method": "a wink"}',
    '{"services": ["criminal-record-certificate"], "applicant_national_id": "1",'
    ' "identification": "e_id", "consent_method": "signed_form", "answers": {"x": 1}}',
]


@pytest.mark.parametrize("body", JUNK)
def test_junk_is_a_4xx_naming_a_field_and_creates_nothing(outlet, body):
    response = Client().post(
        PATH,
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {outlet.token}", "Idempotency-Key": "junk"},
    )

    assert 400 <= response.status_code < 500, (body, response.content)
    error = response.json()["error"]
    assert error["code"] and error["message"]
    if response.status_code == 422:
        assert error["details"].get("field") or error["details"].get("errors"), error
    assert Application.objects.count() == 0


@pytest.mark.parametrize("path", [f"{PATH}/not-a-uuid", f"{PATH}/%00"])
def test_junk_reads_are_4xx(outlet, path):
    response = Client().get(path, headers={"Authorization": f"Bearer {outlet.token}"})
    assert 400 <= response.status_code < 500
