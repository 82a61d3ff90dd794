"""A citizen's application in steps over the API: a draft, one upload per request (type sniffed,
size limited, scanned), then the submission; and an answer to an information request with a
file. Bad files are a 422 naming the field and the fix, never a 500, and store nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from onestop.applications.models import AgencyTask, Application, ApplicationEvidence, Draft
from onestop.applications.tests.factories import decision_reasons_make
from onestop.applications.tests.intake_fixtures import (
    PASSPORT_ANSWERS,
    card_holder,
    citizen_make,
    frozen,  # noqa: F401
    officer_make,
    population,  # noqa: F401
)
from onestop.applications.workflow import task_claim, task_information_request, task_review_start

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def citizen(population, frozen, client, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    account = citizen_make(card_holder())
    client.force_login(account.user)
    return account


def post(client, path, body=None, **headers):
    return client.post(
        path, data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


def upload(client, url, content=PNG, name="me.png"):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def draft(client, citizen):
    response = post(
        client, "/api/v1/drafts", {"services": ["passport"], "answers": PASSPORT_ANSWERS}
    )
    assert response.status_code == 201, response.json()
    return response.json()


def evidence_of(body, code):
    return next(item for item in body["evidence"] if item["code"] == code)


def test_a_draft_says_what_to_upload_and_a_submission_without_it_names_it(client, draft):
    photo = evidence_of(draft, "photo")
    assert photo["status"] == "upload" and photo["is_mandatory"] is True
    assert photo["upload_url"] == f"{draft['url']}/evidence/photo"
    assert draft["uploads"]["max_bytes"] == 10 * 1024 * 1024
    assert evidence_of(draft, "identity-card")["status"] == "found"

    refused = post(client, draft["submit_url"], **{"Idempotency-Key": "p-1"})

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "evidence_missing"
    assert refused.json()["error"]["details"]["field"] == "evidence.photo"
    assert Application.objects.count() == 0


def test_upload_then_submit_answers_201_then_200_for_a_retry(client, draft):
    uploaded = upload(client, evidence_of(draft, "photo")["upload_url"])
    assert uploaded.status_code == 200, uploaded.json()
    photo = evidence_of(uploaded.json(), "photo")
    assert photo["status"] == "uploaded" and photo["content_type"] == "image/png"
    assert photo["file_name"] == "me.png" and photo["size"] == len(PNG)

    first = post(client, draft["submit_url"], **{"Idempotency-Key": "p-1"})
    again = post(client, draft["submit_url"], **{"Idempotency-Key": "p-1"})

    assert first.status_code == 201, first.json()
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    application = Application.objects.get()
    stored = ApplicationEvidence.objects.get(application=application, evidence_code="photo")
    assert stored.status == "uploaded" and stored.content_type == "image/png"
    read = client.get(draft["url"]).json()
    assert read["submitted_application"] == f"/api/v1/applications/{application.pk}"


def test_the_draft_is_submitted_once_even_with_another_key(client, draft):
    upload(client, evidence_of(draft, "photo")["upload_url"])
    first = post(client, draft["submit_url"], **{"Idempotency-Key": "p-1"})
    other_key = post(client, draft["submit_url"], **{"Idempotency-Key": "p-2"})

    assert first.status_code == 201
    assert other_key.status_code == 200 and other_key.json()["id"] == first.json()["id"]
    assert Application.objects.count() == 1
    late = upload(client, evidence_of(draft, "photo")["upload_url"])
    assert late.status_code == 422 and late.json()["error"]["code"] == "draft_submitted"


BAD_FILES = [
    (b"", "upload_empty"),
    (b"just some text, not a document", "upload_type"),
    (b"MZ\x90\x00" + b"\x00" * 60, "upload_type"),
]


@pytest.mark.parametrize(("content", "code"), BAD_FILES)
def test_a_bad_file_is_422_naming_the_evidence_and_the_fix_and_stores_nothing(
    client, draft, content, code
):
    response = upload(client, evidence_of(draft, "photo")["upload_url"], content, "x.pdf")

    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["details"]["field"] == "evidence.photo"
    assert "PDF, JPEG or PNG" in error["message"]
    assert "file" not in Draft.objects.get().evidence["photo"]


@override_settings(ONESTOP_UPLOAD_MAX_BYTES=100)
def test_a_file_over_the_limit_is_refused(client, draft):
    response = upload(client, evidence_of(draft, "photo")["upload_url"], PNG + b"\x00" * 200)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "upload_too_large"


def refuse_everything(content, name):
    return False


@override_settings(ONESTOP_UPLOAD_SCANNER="onestop.api.tests.test_drafts_api.refuse_everything")
def test_a_file_the_scanner_refuses_is_422(client, draft):
    response = upload(client, evidence_of(draft, "photo")["upload_url"])

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "upload_infected"


def test_uploading_for_evidence_a_registry_gave_or_none_asked_is_refused(client, draft):
    found = upload(client, evidence_of(draft, "identity-card")["upload_url"])
    unknown = upload(client, f"{draft['url']}/evidence/not-asked")

    assert found.status_code == 422 and found.json()["error"]["code"] == "evidence_found"
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "evidence_not_required"


def test_a_bad_file_message_follows_accept_language(client, draft):
    url = evidence_of(draft, "photo")["upload_url"]
    english = client.post(url, {"file": SimpleUploadedFile("a", b"")}, HTTP_ACCEPT_LANGUAGE="en")
    french = client.post(url, {"file": SimpleUploadedFile("a", b"")}, HTTP_ACCEPT_LANGUAGE="fr")

    assert english.json()["error"]["code"] == french.json()["error"]["code"] == "upload_empty"
    assert english.json()["error"]["message"] != french.json()["error"]["message"]


def test_another_citizens_draft_is_not_found(client, draft):
    other = Client()
    other.force_login(citizen_make(card_holder(1), contact="+33698765432").user)

    assert other.get(draft["url"]).status_code == 404
    refused = upload(other, evidence_of(draft, "photo")["upload_url"])
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "draft_not_found"
    assert "file" not in Draft.objects.get().evidence["photo"]


def test_without_a_session_it_is_401(draft):
    assert Client().get(draft["url"]).status_code == 401


JUNK = [
    ("post", "/api/v1/drafts", "not json"),
    ("post", "/api/v1/drafts", "{}"),
    ("post", "/api/v1/drafts", '{"services": ["no-such-service"]}'),
    ("post", "/api/v1/drafts", '{"services": ["passport"], "channel": "counter"}'),
    ("get", "/api/v1/drafts/not-a-uuid", None),
    ("post", "{url}/evidence/photo", "{}"),
    ("post", "{url}/evidence/bad%20code", "{}"),
    ("post", "{url}/submit", "{}"),
    ("post", "/api/v1/drafts/not-a-uuid/submit", "{}"),
]


@pytest.mark.parametrize(("method", "path", "body"), JUNK)
def test_junk_is_a_4xx(client, draft, method, path, body):
    path = path.format(url=draft["url"])
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, data=body, content_type="application/json")
    assert 400 <= response.status_code < 500, (path, body, response.content)
    assert response.json()["error"]["code"]


def test_an_information_request_is_answered_with_a_file(client, citizen):
    submitted = post(
        client,
        "/api/v1/applications",
        {
            "services": ["criminal-record-certificate"],
            "answers": {
                "criminal_record_purpose": "employment",
                "certificate_language": "en",
                "delivery_method": "collect",
            },
        },
        **{"Idempotency-Key": "crc"},
    ).json()
    application = Application.objects.get(pk=submitted["id"])
    task = AgencyTask.objects.select_related("agency").get(application=application)
    officer = officer_make("officer", task.agency)
    decision_reasons_make()
    task_claim(actor=officer, task_id=task.pk)
    task_review_start(actor=officer, task_id=task.pk)
    task_information_request(actor=officer, task_id=task.pk, text="Send your employer's letter.")
    url = f"{submitted['url']}/information-answers/with-file"

    bad = client.post(url, {"text": "Here", "file": SimpleUploadedFile("l.pdf", b"nope")})
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "file"
    assert not ApplicationEvidence.objects.filter(evidence_code__startswith="answer:").exists()

    response = client.post(url, {"text": "Here it is.", "file": SimpleUploadedFile("l.pdf", PDF)})

    assert response.status_code == 200, response.json()
    assert response.json()["expected"] == []
    kept = ApplicationEvidence.objects.get(evidence_code__startswith="answer:")
    assert kept.content_type == "application/pdf" and kept.source == "applicant"
    again = client.post(url, {"text": "Again", "file": SimpleUploadedFile("l.pdf", PDF)})
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "no_information_requested"
