"""The citizen's applications over the API: a signed-in citizen's session (with CSRF) submits
(idempotently), reads, lists, withdraws and answers; not theirs is not found; junk is a 4xx."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from onestop.applications.models import AgencyTask, Application, TaskState
from onestop.applications.tests.factories import decision_reasons_make
from onestop.applications.tests.intake_fixtures import (
    card_holder,
    citizen_make,
    frozen,  # noqa: F401
    officer_make,
    population,  # noqa: F401
)
from onestop.applications.workflow import (
    task_claim,
    task_information_request,
    task_review_start,
)

pytestmark = pytest.mark.django_db
SERVICE = "criminal-record-certificate"  # every mandatory document comes from a registry
ANSWERS = {
    "criminal_record_purpose": "employment",
    "certificate_language": "en",
    "delivery_method": "collect",
}


@pytest.fixture
def citizen(population, frozen, client):  # noqa: F811
    account = citizen_make(card_holder())
    client.force_login(account.user)
    return account


def submit(client, key="first", **body):
    headers = {"Idempotency-Key": key} if key else {}
    payload = {"services": [SERVICE], "answers": ANSWERS, **body}
    return client.post(
        "/api/v1/applications",
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


def post(client, path, body=None, **headers):
    return client.post(
        path, data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


@pytest.fixture
def submitted(client, citizen):
    response = submit(client)
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_submission_answers_201_and_a_retry_200_with_the_same_application(client, citizen):
    first = submit(client, key="k-1")
    again = submit(client, key="k-1")

    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Application.objects.count() == 1
    body = first.json()
    assert body["status"] == "submitted" and body["channel"] == "online"
    assert len(body["tracking_number"]) == 10
    assert [task["state"] for task in body["tasks"]] == ["queued"]
    assert body["url"] == f"/api/v1/applications/{body['id']}"


def test_another_key_makes_another_application(client, citizen):
    submit(client, key="k-1")
    second = submit(client, key="k-2")
    assert second.status_code == 201
    assert Application.objects.count() == 2


def test_the_idempotency_key_is_required_and_named(client, citizen):
    response = submit(client, key=None)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"]["field"] == "Idempotency-Key"
    assert "Idempotency-Key" in error["message"]
    assert Application.objects.count() == 0


def test_an_invalid_form_names_every_field_and_creates_nothing(client, citizen):
    response = submit(client, answers={"delivery_method": "by pigeon"})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "form_invalid"
    assert {"criminal_record_purpose", "delivery_method"} <= set(error["details"]["errors"])
    assert Application.objects.count() == 0


def test_errors_follow_accept_language(client, citizen):
    english = client.get(
        "/api/v1/applications/01a24e3d-648d-7305-8f8f-d217cb9563b0", HTTP_ACCEPT_LANGUAGE="en"
    )
    french = client.get(
        "/api/v1/applications/01a24e3d-648d-7305-8f8f-d217cb9563b0", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert english.status_code == french.status_code == 404
    assert english.json()["error"]["code"] == french.json()["error"]["code"]
    assert english.json()["error"]["message"] == "There is no such application."
    assert french.json()["error"]["message"] != english.json()["error"]["message"]


def test_mine_are_listed_and_read_and_anothers_are_not_found(client, citizen, submitted):
    mine = client.get("/api/v1/applications").json()
    assert mine["count"] == 1 and mine["items"][0]["id"] == submitted["id"]

    read = client.get(submitted["url"])
    assert read.status_code == 200 and read.json()["id"] == submitted["id"]

    other = Client()
    other.force_login(citizen_make(card_holder(1), contact="+33698765432").user)
    assert other.get(submitted["url"]).status_code == 404
    assert other.get("/api/v1/applications").json()["count"] == 0
    refused = post(other, submitted["url"] + "/withdraw")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "application_not_found"


def test_without_a_citizen_session_it_is_401(client, citizen, submitted):
    anonymous = Client()
    response = anonymous.get("/api/v1/applications")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_missing"
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("clerk", is_staff=True))
    assert staff.get(submitted["url"]).status_code == 401


def test_a_post_without_the_csrf_token_is_refused(citizen):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(citizen.user)
    refused = submit(strict)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert Application.objects.count() == 0

    strict.get("/api/v1/applications")  # any page sets no cookie here: take one explicitly
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    strict.cookies["csrftoken"] = secret
    accepted = strict.post(
        "/api/v1/applications",
        data=json.dumps({"services": [SERVICE], "answers": ANSWERS}),
        content_type="application/json",
        headers={"Idempotency-Key": "csrf", "X-CSRFToken": _mask_cipher_secret(secret)},
    )
    assert accepted.status_code == 201, accepted.json()


def test_withdrawal_stops_every_open_part_once(client, citizen, submitted):
    withdrawn = post(client, submitted["url"] + "/withdraw", {"reason_text": "Not needed."})

    assert withdrawn.status_code == 200, withdrawn.json()
    assert withdrawn.json()["status"] == "withdrawn"
    assert AgencyTask.objects.get().state == TaskState.WITHDRAWN
    again = post(client, submitted["url"] + "/withdraw")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "application_not_open"


def test_an_information_request_is_answered_and_goes_back_to_the_officer(
    client, citizen, submitted
):
    decision_reasons_make()
    task = AgencyTask.objects.select_related("agency").get()
    officer = officer_make("officer-api", task.agency)
    nothing_asked = post(client, submitted["url"] + "/information-answers", {"text": "Hi"})
    assert nothing_asked.status_code == 422
    assert nothing_asked.json()["error"]["code"] == "no_information_requested"

    task_claim(actor=officer, task_id=task.pk)
    task_review_start(actor=officer, task_id=task.pk)
    task_information_request(actor=officer, task_id=task.pk, text="Which employer?")
    asked = client.get(submitted["url"]).json()
    [expected] = asked["expected"]
    assert expected["kind"] == "information_request" and expected["text"] == "Which employer?"

    answered = post(
        client,
        submitted["url"] + "/information-answers",
        {"text": "The city library.", "message": expected["message"]},
    )

    assert answered.status_code == 200, answered.json()
    assert answered.json()["expected"] == []
    task.refresh_from_db()
    assert task.state == TaskState.RESUBMITTED
    wrong = post(
        client,
        submitted["url"] + "/information-answers",
        {"text": "Again", "message": expected["message"]},
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["details"]["field"] == "message"


JUNK_SUBMISSIONS = [
    "not json",
    "[]",
    "null",
    '{"services": "passport"}',
    '{"services": ["<script>"]}',
    '{"services": [1, 2]}',
    '{"services": []}',
    '{"services": ["no-such-service"]}',
    '{"life_event": "no-such-event"}',
    '{"services": ["criminal-record-certificate"], "answers": []}',
    '{"services": ["criminal-record-certificate"], "tier": "platinum"}',
    '{"services": ["criminal-record-certificate"], "tier": "express"}',
    '{"services": ["criminal-record-certificate"], "channel": "counter"}',
    '{"services": ["criminal-record-certificate"], "applicant_national_id": "nope"}',
    '{"services": ["criminal-record-certificate"], "contact_email": "not an address"}',
]


@pytest.mark.parametrize("body", JUNK_SUBMISSIONS)
def test_a_junk_submission_is_a_4xx_naming_a_field(client, citizen, body):
    response = client.post(
        "/api/v1/applications",
        data=body,
        content_type="application/json",
        headers={"Idempotency-Key": f"junk-{hash(body)}"},
    )
    assert 400 <= response.status_code < 500, (body, response.content)
    error = response.json()["error"]
    assert error["code"] and error["message"]
    if response.status_code == 422:
        assert error["details"].get("field") or error["details"].get("errors"), error


JUNK_ELSEWHERE = [
    ("get", "/api/v1/applications?page=0", None),
    ("get", "/api/v1/applications?page=abc", None),
    ("get", "/api/v1/applications/not-a-uuid", None),
    ("get", "/api/v1/applications/%00", None),
    ("post", "/api/v1/applications/not-a-uuid/withdraw", "{}"),
    ("post", "{url}/withdraw", "not json"),
    ("post", "{url}/withdraw", '{"reason_text": 5}'),
    ("post", "{url}/withdraw", json.dumps({"reason_text": "x" * 3000})),
    ("post", "{url}/information-answers", "not json"),
    ("post", "{url}/information-answers", "{}"),
    ("post", "{url}/information-answers", '{"text": ""}'),
    ("post", "{url}/information-answers", '{"text": "a", "message": "zzz"}'),
    ("post", "{url}/information-answers", json.dumps({"text": "x" * 3000})),
]


@pytest.mark.parametrize(("method", "path", "body"), JUNK_ELSEWHERE)
def test_junk_to_every_other_endpoint_is_a_4xx(client, citizen, submitted, method, path, body):
    path = path.format(url=submitted["url"])
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, data=body, content_type="application/json")
    assert 400 <= response.status_code < 500, (path, body, response.content)
    assert response.json()["error"]["code"]
