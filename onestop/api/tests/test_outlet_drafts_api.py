"""Partner outlets and kiosks filing in steps over the API with their center's key: a draft,
uploads, the documents a partner outlet's clerk saw, the submission (201, then 200 for a retry);
and the list of what the center filed. Other centers, agency keys, citizens' sessions and junk
are refused, never with a 500, and change nothing."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from onestop.api.tests.test_outlet_api import ANSWERS, SERVICE, key_for
from onestop.applications.models import Application, ApplicationEvidence, Draft
from onestop.applications.selectors import PAGE_SIZE
from onestop.applications.tests.intake_fixtures import (
    NOW,
    PASSPORT_ANSWERS,
    card_holder,
    citizen_make,
    frozen,  # noqa: F401
    population,  # noqa: F401
)
from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core.models import DomainEvent
from onestop.integrations.services import api_key_issue

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DRAFTS = "/api/v1/outlet/drafts"
LIST = "/api/v1/outlet/applications"
AT_THE_OUTLET = {"identification": "id_document_checked", "consent_method": "signed_form"}
AT_THE_KIOSK = {"identification": "id_card_chip"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def outlet(population, frozen, media):  # noqa: F811
    return key_for("post-office-aldmoor")


@pytest.fixture
def kiosk(population, frozen, media):  # noqa: F811
    return key_for("kiosk-airport")


def auth(issued, **headers):
    return {"Authorization": f"Bearer {issued.token}", **headers}


def send(issued, method, path, body=None, **headers):
    if method == "get":
        return Client().get(path, headers=auth(issued, **headers))
    data = body if isinstance(body, str) else json.dumps(body or {})
    return getattr(Client(), method)(
        path, data=data, content_type="application/json", headers=auth(issued, **headers)
    )


def upload(issued, url, content=PNG, name="photo.png"):
    return Client().post(url, {"file": SimpleUploadedFile(name, content)}, headers=auth(issued))


def start(issued, **body):
    payload = {
        "services": ["passport"],
        "answers": PASSPORT_ANSWERS,
        "applicant_national_id": card_holder(),
        **body,
    }
    response = send(issued, "post", DRAFTS, payload)
    assert response.status_code == 201, response.json()
    return response.json()


def evidence_of(body, code):
    return next(item for item in body["evidence"] if item["code"] == code)


def submit(issued, draft, key="k-1", **body):
    return send(issued, "post", draft["submit_url"], body, **{"Idempotency-Key": key})


def test_an_outlet_starts_uploads_marks_what_its_clerk_saw_and_submits_once(outlet):
    draft = start(outlet)
    assert draft["channel"] == "partner_outlet"
    assert draft["url"] == f"{DRAFTS}/{draft['id']}"
    assert draft["submit_url"] == f"{DRAFTS}/{draft['id']}/submit"
    assert draft["checked_url"] == f"{DRAFTS}/{draft['id']}/checked"
    assert draft["checked"] == []
    photo = evidence_of(draft, "photo")
    assert photo["status"] == "upload" and photo["upload_url"] == f"{draft['url']}/evidence/photo"
    label = f"outlet:post-office-aldmoor:{outlet.api_key.prefix}"
    assert Draft.objects.get(pk=draft["id"]).owner_system == label

    uploaded = upload(outlet, photo["upload_url"])
    assert uploaded.status_code == 200, uploaded.json()
    assert evidence_of(uploaded.json(), "photo")["status"] == "uploaded"
    checked = send(outlet, "put", draft["checked_url"], {"codes": ["passport-document"]})
    assert checked.status_code == 200, checked.json()
    assert checked.json()["checked"] == ["passport-document"]

    first = submit(outlet, draft, **AT_THE_OUTLET)
    retry = submit(outlet, draft, **AT_THE_OUTLET)
    other_key = submit(outlet, draft, key="k-2", **AT_THE_OUTLET)

    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["tracking_number"] and body["channel"] == "partner_outlet"
    assert body["url"] == f"{LIST}/{body['id']}"
    assert retry.status_code == 200 and retry.json()["id"] == body["id"]
    assert other_key.status_code == 200 and other_key.json()["id"] == body["id"]
    application = Application.objects.get()
    assert application.submitted_by == label and application.filed_by is None
    assert application.consent_method == "signed_form"
    statuses = dict(
        ApplicationEvidence.objects.filter(application=application).values_list(
            "evidence_code", "status"
        )
    )
    assert statuses["photo"] == "uploaded"
    assert statuses["passport-document"] == "checked_at_counter"
    filed = DomainEvent.objects.get(name="application.filed_by_outlet")
    assert filed.entity_id == body["id"]
    assert filed.payload["identification"] == "id_document_checked"
    assert filed.payload["tracking_number"] == body["tracking_number"]
    read = send(outlet, "get", draft["url"]).json()
    assert read["submitted_application"] == body["url"]


def test_a_document_the_clerk_saw_replaces_its_upload(outlet):
    draft = start(outlet)
    send(outlet, "put", draft["checked_url"], {"codes": ["photo"]})

    response = submit(outlet, draft, **AT_THE_OUTLET)

    assert response.status_code == 201, response.json()
    photo = ApplicationEvidence.objects.get(evidence_code="photo")
    assert photo.status == "checked_at_counter"


def test_a_kiosk_cannot_mark_documents_checked_and_files_once_it_has_uploaded(kiosk):
    draft = start(kiosk)
    assert draft["channel"] == "kiosk" and draft["checked_url"] is None

    refused = send(kiosk, "put", f"{draft['url']}/checked", {"codes": ["photo"]})
    missing = submit(kiosk, draft, **AT_THE_KIOSK)

    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "evidence_check_not_allowed"
    assert error["details"]["field"] == "codes"
    assert not DomainEvent.objects.filter(name="application.draft_evidence_checked").exists()
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "evidence_missing"
    assert missing.json()["error"]["details"]["field"] == "evidence.photo"
    upload(kiosk, evidence_of(draft, "photo")["upload_url"])
    filed = submit(kiosk, draft, **AT_THE_KIOSK)
    assert filed.status_code == 201, filed.json()
    assert Application.objects.get().consent_method == "signed_on_screen"


def test_the_kiosks_refusal_follows_accept_language(kiosk):
    draft = start(kiosk)
    url = f"{draft['url']}/checked"

    english = send(kiosk, "put", url, {"codes": []}, **{"Accept-Language": "en"})
    french = send(kiosk, "put", url, {"codes": []}, **{"Accept-Language": "fr"})

    assert english.json()["error"]["code"] == french.json()["error"]["code"]
    assert english.json()["error"]["message"] != french.json()["error"]["message"]


def test_the_submission_keeps_the_filings_identification_and_consent_rules(outlet, kiosk):
    at_outlet, at_kiosk = start(outlet), start(kiosk)
    send(outlet, "put", at_outlet["checked_url"], {"codes": ["photo"]})
    upload(kiosk, evidence_of(at_kiosk, "photo")["upload_url"])

    no_consent = submit(outlet, at_outlet, identification="id_document_checked")
    kiosk_looks = submit(kiosk, at_kiosk, identification="id_document_checked")

    assert no_consent.status_code == 422
    assert no_consent.json()["error"]["code"] == "consent_required"
    assert no_consent.json()["error"]["details"]["field"] == "consent_method"
    assert kiosk_looks.status_code == 422
    assert kiosk_looks.json()["error"]["code"] == "identification_required"
    assert Application.objects.count() == 0


def test_another_centers_key_finds_no_draft_and_a_new_key_of_the_center_does(outlet):
    draft = start(outlet)
    photo_url = evidence_of(draft, "photo")["upload_url"]
    other = key_for("post-office-sablemouth")
    colleague = key_for("post-office-aldmoor")

    refusals = [
        send(other, "get", draft["url"]),
        upload(other, photo_url),
        send(other, "put", f"{draft['url']}/checked", {"codes": ["photo"]}),
        submit(other, draft, **AT_THE_OUTLET),
    ]

    for refused in refusals:
        assert refused.status_code == 404, refused.json()
        assert refused.json()["error"]["code"] == "draft_not_found"
    stored = Draft.objects.get(pk=draft["id"])
    assert "file" not in stored.evidence["photo"]
    assert "checked_at_counter" not in stored.evidence["photo"]
    assert Application.objects.count() == 0
    assert send(colleague, "get", draft["url"]).json()["id"] == draft["id"]


def test_an_agency_key_lacks_the_scope(outlet):
    draft = start(outlet)
    agency = Agency.objects.get(code="civil-registry")
    issued = api_key_issue(
        actor="test", agency=agency, name="Case system", scopes=["tasks:read", "tasks:write"]
    )

    responses = [
        send(issued, "post", DRAFTS, {"services": ["passport"], "applicant_national_id": "1"}),
        send(issued, "get", draft["url"]),
        upload(issued, evidence_of(draft, "photo")["upload_url"]),
        send(issued, "put", draft["checked_url"], {"codes": ["photo"]}),
        submit(issued, draft, **AT_THE_OUTLET),
        send(issued, "get", LIST),
    ]

    for response in responses:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "scope_missing"
    assert Draft.objects.count() == 1 and Application.objects.count() == 0


def test_a_citizens_session_reaches_neither_the_routes_nor_the_outlets_draft(outlet):
    draft = start(outlet)
    citizen = Client()
    citizen.force_login(citizen_make(card_holder()).user)  # the applicant themselves

    routes = citizen.get(draft["url"])
    listing = citizen.get(LIST)
    own_routes = citizen.get(f"/api/v1/drafts/{draft['id']}")

    assert routes.status_code == 401 and routes.json()["error"]["code"] == "api_key_missing"
    assert listing.status_code == 401
    assert own_routes.status_code == 404
    assert own_routes.json()["error"]["code"] == "draft_not_found"


@pytest.mark.parametrize(
    ("content", "code"), [(b"", "upload_empty"), (b"plain text, not a document", "upload_type")]
)
def test_a_bad_file_is_422_naming_the_evidence_and_stores_nothing(outlet, content, code):
    draft = start(outlet)

    response = upload(outlet, evidence_of(draft, "photo")["upload_url"], content, "x.png")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    assert error["details"]["field"] == "evidence.photo"
    assert "PDF, JPEG or PNG" in error["message"]
    assert "file" not in Draft.objects.get().evidence["photo"]


JUNK = [
    ("post", DRAFTS, "not json"),
    ("post", DRAFTS, "[]"),
    ("post", DRAFTS, "{}"),
    ("post", DRAFTS, '{"services": "passport", "applicant_national_id": "1"}'),
    ("post", DRAFTS, '{"services": ["passport"], "applicant_national_id": 7, "tier": "gold"}'),
    ("post", DRAFTS, '{"services": ["no-such-service"], "applicant_national_id": "1"}'),
    ("post", DRAFTS, '{"services": ["passport"], "applicant_national_id": "nope"}'),
    ("get", f"{DRAFTS}/not-a-uuid", None),
    ("get", f"{DRAFTS}/%00", None),
    ("post", "{url}/evidence/photo", "{}"),
    ("post", "{url}/evidence/bad%20code", "{}"),
    ("put", "{url}/checked", "not json"),
    ("put", "{url}/checked", "{}"),
    ("put", "{url}/checked", '{"codes": "photo"}'),
    ("put", "{url}/checked", '{"codes": [1]}'),
    ("put", "{url}/checked", '{"codes": ["no such code"]}'),
    ("put", "{url}/checked", '{"codes": ["identity-card"]}'),
    ("put", f"{DRAFTS}/not-a-uuid/checked", '{"codes": []}'),
    ("post", "{url}/submit", "not json"),
    ("post", "{url}/submit", "{}"),
    ("post", "{url}/submit", '{"identification": "telepathy"}'),
    ("post", "{url}/submit", '{"identification": "e_id", "answers": []}'),
    ("post", "{url}/submit", '{"identification": "e_id", "consent_method": "a wink"}'),
    ("post", f"{DRAFTS}/not-a-uuid/submit", '{"identification": "e_id"}'),
    ("get", f"{LIST}?page=0", None),
    ("get", f"{LIST}?page=many", None),
]


@pytest.mark.parametrize(("method", "path", "body"), JUNK)
def test_junk_is_a_4xx_naming_a_field_and_changes_nothing(outlet, method, path, body):
    draft = start(outlet)
    path = path.format(url=draft["url"])

    response = send(outlet, method, path, body, **{"Idempotency-Key": "junk"})

    assert 400 <= response.status_code < 500, (path, body, response.content)
    error = response.json()["error"]
    assert error["code"] and error["message"]
    if response.status_code == 422:
        assert error["details"].get("field") or error["details"].get("errors"), error
    stored = Draft.objects.get(pk=draft["id"])
    assert stored.submitted_application_id is None
    assert all("file" not in entry for entry in stored.evidence.values())
    assert draft_checked(stored) == []
    assert Application.objects.count() == 0


def draft_checked(draft):
    return [code for code, entry in draft.evidence.items() if entry.get("checked_at_counter")]


def test_a_missing_file_is_a_422_naming_the_field(outlet):
    draft = start(outlet)

    response = Client().post(
        evidence_of(draft, "photo")["upload_url"], {"other": "x"}, headers=auth(outlet)
    )

    assert response.status_code == 422
    fields = [item["field"] for item in response.json()["error"]["details"]["errors"]]
    assert fields == ["file"]


def file_crc(issued, key, offset=0):
    body = {
        "services": [SERVICE],
        "answers": ANSWERS,
        "applicant_national_id": card_holder(offset),
        **(AT_THE_KIOSK if "kiosk" in issued.api_key.center.code else AT_THE_OUTLET),
    }
    response = send(issued, "post", "/api/v1/outlet/applications", body, **{"Idempotency-Key": key})
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_list_shows_only_this_centers_filings_newest_first(outlet, frozen):  # noqa: F811
    first = file_crc(outlet, "a")
    frozen.advance(minutes=5)
    second = file_crc(key_for("post-office-aldmoor"), "b", offset=1)  # another key, same center
    frozen.advance(minutes=5)
    file_crc(key_for("post-office-sablemouth"), "c")
    file_crc(key_for("kiosk-airport"), "d")

    response = send(outlet, "get", LIST)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert [item["id"] for item in body["items"]] == [second["id"], first["id"]]
    assert body["count"] == 2 and body["page"] == 1 and body["has_next"] is False
    assert body["items"][0] == {
        "id": second["id"],
        "tracking_number": second["tracking_number"],
        "status": "submitted",
        "status_label": second["status_label"],
        "submitted_at": second["submitted_at"],
        "url": second["url"],
    }


def filed_rows(center_code, label, count):
    center = Center.objects.get(code=center_code)
    Application.objects.bulk_create(
        Application(
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
        for serial in range(count)
    )


def test_the_list_is_paged_and_costs_three_queries_whatever_the_page(
    outlet, django_assert_num_queries
):
    filed_rows("post-office-aldmoor", f"outlet:post-office-aldmoor:{outlet.api_key.prefix}", 22)
    send(outlet, "get", f"{LIST}?page=3")  # the key's first use is recorded once

    with django_assert_num_queries(3):  # the key, the page, the count
        first = send(outlet, "get", LIST).json()
    with django_assert_num_queries(3):
        second = send(outlet, "get", f"{LIST}?page=2").json()

    assert len(first["items"]) == PAGE_SIZE and first["has_next"] is True
    assert first["items"][0]["tracking_number"] == "T0000021X"
    assert [item["tracking_number"] for item in second["items"]] == ["T0000001X", "T0000000X"]
    assert second["count"] == 22 and second["page"] == 2 and second["has_next"] is False
