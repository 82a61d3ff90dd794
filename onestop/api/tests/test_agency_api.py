"""The agency API: an agency's own case system lists its queue, reads a case, claims, reviews,
asks for information and decides — its own agency's tasks only, through the domain's checks."""

import json
from datetime import timedelta
from urllib.parse import quote

import pytest

from onestop.applications.models import AgencyTask, Application, TaskState, TaskTransition
from onestop.applications.tests.factories import (
    agency_get_or_make,
    application_make,
    decision_reasons_make,
    service_version_make,
    staff_make,
)
from onestop.applications.workflow import task_claim
from onestop.core.models import AuditRecord
from onestop.integrations.services import api_key_issue
from onestop.staff.roles import Role

pytestmark = pytest.mark.django_db
READ, WRITE = "tasks:read", "tasks:write"


@pytest.fixture(autouse=True)
def _reasons(db):
    decision_reasons_make()


@pytest.fixture
def world():
    civil, tax = agency_get_or_make("civil"), agency_get_or_make("tax")
    civil_service = service_version_make(agency=civil, code="birth-certificate")
    tax_service = service_version_make(agency=tax, code="tax-id")
    application = application_make(versions=[civil_service, tax_service])
    tasks = {task.agency.code: task for task in application.tasks.select_related("agency")}

    def key(agency, scopes):
        return api_key_issue(actor="test", agency=agency, name="Case system", scopes=scopes)

    civil_key = key(civil, [READ, WRITE])
    return {
        "civil": civil,
        "tax": tax,
        "application": application,
        "task": tasks["civil"],
        "tax_task": tasks["tax"],
        "token": civil_key.token,
        "prefix": civil_key.api_key.prefix,
        "read_only": key(civil, [READ]).token,
        "tax_token": key(tax, [READ, WRITE]).token,
        "notifications_only": key(civil, ["notifications:send"]).token,
    }


def get(client, path, token, **headers):
    return client.get(path, headers={"Authorization": f"Bearer {token}", **headers})


def post(client, path, token, body=None, **headers):
    return client.post(
        path,
        data=json.dumps(body or {}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", **headers},
    )


def task_path(task, action=""):
    return f"/api/v1/agency/tasks/{task.pk}" + (f"/{action}" if action else "")


def test_the_queue_lists_only_the_keys_agency_tasks(client, world):
    response = get(client, "/api/v1/agency/tasks", world["token"])

    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [str(world["task"].pk)]
    item = body["items"][0]
    assert item["agency"] == "civil" and item["service"] == "birth-certificate"
    assert item["state"] == "queued" and item["version"] == 1
    assert item["url"] == task_path(world["task"])
    assert body["next_cursor"] == ""


def test_the_queue_pages_by_keyset_and_filters(client, world):
    civil_service = world["task"].service_version
    for days in (1, 2, 3):
        application_make(versions=[civil_service], due_in=timedelta(days=days))
    seen, after = [], ""
    while True:
        query = f"?limit=2&after={quote(after)}" if after else "?limit=2"
        body = get(client, f"/api/v1/agency/tasks{query}", world["token"]).json()
        seen += [item["id"] for item in body["items"]]
        after = body["next_cursor"]
        if not after:
            break
    civil_open = AgencyTask.objects.filter(agency=world["civil"]).order_by("due_at", "pk")
    assert seen == [str(pk) for pk in civil_open.values_list("pk", flat=True)]

    assigned = get(client, "/api/v1/agency/tasks?state=assigned", world["token"]).json()
    assert assigned["items"] == []
    none_of_it = get(client, "/api/v1/agency/tasks?service=tax-id", world["token"]).json()
    assert none_of_it["items"] == []


def test_a_case_shows_the_application_and_is_audited(client, world):
    response = get(client, task_path(world["task"]), world["token"])

    assert response.status_code == 200
    case = response.json()
    assert case["task"]["id"] == str(world["task"].pk)
    assert case["applicant"]["form_data"] == {"given_name": "Amal", "family_name": "Haddad"}
    assert case["actions"] == ["claim"]
    audit = AuditRecord.objects.filter(action="applications.case_viewed").get()
    assert audit.actor == f"agency:civil:{world['prefix']}"


def test_another_agencys_task_is_not_found_and_nothing_moves(client, world):
    tax_task = world["tax_task"]
    assert get(client, task_path(tax_task), world["token"]).status_code == 404
    for action in ("claim", "review-start", "release"):
        response = post(client, task_path(tax_task, action), world["token"])
        assert response.status_code == 404, action
        assert response.json()["error"]["code"] == "task_not_found"
    tax_task.refresh_from_db()
    assert tax_task.state == TaskState.QUEUED and tax_task.version == 1


def test_a_system_claims_reviews_asks_and_decides(client, world):
    task = world["task"]
    claimed = post(client, task_path(task, "claim"), world["token"], {"expected_version": 1})
    assert claimed.status_code == 200, claimed.json()
    assert claimed.json()["state"] == "assigned" and claimed.json()["assignee"] is None

    review = post(client, task_path(task, "review-start"), world["token"])
    assert review.json()["state"] == "in_review"

    asked = post(
        client,
        task_path(task, "information-requests"),
        world["token"],
        {"text": "Send the hospital's birth notice.", "expected_version": 3},
    )
    assert asked.status_code == 200, asked.json()
    assert asked.json()["state"] == "information_requested"
    assert asked.json()["first_response_at"] is not None

    task.refresh_from_db()
    AgencyTask.objects.filter(pk=task.pk).update(state=TaskState.IN_REVIEW)
    decided = post(
        client,
        task_path(task, "decision"),
        world["token"],
        {"decision": "approve", "reason_code": "requirements_met", "reason_text": "All good."},
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["state"] == "output_issued"
    actors = set(TaskTransition.objects.filter(task=task).values_list("actor", flat=True))
    assert actors == {f"agency:civil:{world['prefix']}"}


def test_a_stale_version_and_an_illegal_move_are_conflicts(client, world):
    task = world["task"]
    stale = post(client, task_path(task, "claim"), world["token"], {"expected_version": 7})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "task_stale"

    early = post(
        client,
        task_path(task, "decision"),
        world["token"],
        {"decision": "approve", "reason_code": "requirements_met"},
    )
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "task_transition_not_allowed"
    task.refresh_from_db()
    assert task.state == TaskState.QUEUED and task.version == 1


def test_a_task_an_officer_holds_stays_the_officers(client, world):
    officer = staff_make("officer-1", Role.AGENCY_OFFICER, world["civil"])
    task_claim(actor=officer, task_id=world["task"].pk)

    response = post(client, task_path(world["task"], "review-start"), world["token"])

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "task_not_yours"


def test_scopes_are_checked_per_operation(client, world):
    task = world["task"]
    assert get(client, "/api/v1/agency/tasks", world["read_only"]).status_code == 200
    refused = post(client, task_path(task, "claim"), world["read_only"])
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "code": "scope_missing",
        "message": "This API key lacks the scope tasks:write; ask the platform's "
        "administrators for a key that has it.",
        "details": {"scope": "tasks:write"},
    }
    assert get(client, "/api/v1/agency/tasks", world["notifications_only"]).status_code == 403
    assert client.get("/api/v1/agency/tasks").status_code == 401


def test_a_rejection_needs_words_and_says_so_in_the_callers_language(client, world):
    task = world["task"]
    post(client, task_path(task, "claim"), world["token"])
    post(client, task_path(task, "review-start"), world["token"])

    response = post(
        client,
        task_path(task, "decision"),
        world["token"],
        {"decision": "reject", "reason_code": "not_eligible"},
        **{"Accept-Language": "fr"},
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"]["field"] == "reason_text"
    english = post(
        client,
        task_path(task, "decision"),
        world["token"],
        {"decision": "reject", "reason_code": "not_eligible"},
    )
    assert english.json()["error"]["message"] != error["message"]  # French, not English
    task.refresh_from_db()
    assert task.state == TaskState.IN_REVIEW


def test_an_unknown_reason_code_names_the_field(client, world):
    task = world["task"]
    post(client, task_path(task, "claim"), world["token"])
    post(client, task_path(task, "review-start"), world["token"])

    response = post(
        client,
        task_path(task, "decision"),
        world["token"],
        {"decision": "approve", "reason_code": "because"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "reason_code"


JUNK_BODIES = [
    "not json",
    "[]",
    "null",
    '{"expected_version": "seven"}',
    '{"expected_version": -1}',
    '{"decision": "maybe", "reason_code": ""}',
    '{"text": ""}',
    '{"text": 5, "respond_by": "tomorrow"}',
    '{"reason_text": ' + json.dumps("x" * 5000) + "}",
]
JUNK_PATHS = [
    "/api/v1/agency/tasks/not-a-uuid",
    "/api/v1/agency/tasks/%00",
    "/api/v1/agency/tasks?limit=0",
    "/api/v1/agency/tasks?limit=abc",
    "/api/v1/agency/tasks?state=nonsense",
    "/api/v1/agency/tasks?overdue=perhaps",
    "/api/v1/agency/tasks?after=garbage",
    "/api/v1/agency/tasks?after=2026-01-01T00:00:00_nope",
    "/api/v1/agency/tasks?service=%3Cscript%3E",
]


@pytest.mark.parametrize("path", JUNK_PATHS)
def test_junk_in_a_read_is_a_4xx_naming_the_field(client, world, path):
    response = get(client, path, world["token"])
    assert 400 <= response.status_code < 500, (path, response.content)
    assert response.json()["error"]["code"]


@pytest.mark.parametrize(
    "action", ["claim", "review-start", "release", "decision", "information-requests"]
)
@pytest.mark.parametrize("body", JUNK_BODIES)
def test_junk_to_every_move_is_a_4xx_never_a_500(client, world, action, body):
    response = client.post(
        task_path(world["task"], action),
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {world['token']}"},
    )
    assert response.status_code < 500, (action, body, response.content)
    if response.status_code < 400:  # a move that takes no input ignores what it does not read
        assert action in ("claim", "release") and body not in ("not json",)
        return
    error = response.json()["error"]
    assert error["code"] and error["message"]
    if response.status_code == 422:
        assert error["details"].get("errors") or error["details"].get("field")


def test_the_system_actor_leaves_the_application_untouched_elsewhere(world):
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "decision must be approve or reject."),
        ("fr", "decision doit valoir approve ou reject."),
        ("ru", "decision должно быть approve или reject."),
        ("ar", "يجب أن تكون قيمة decision إما approve أو reject."),
    ],
)
def test_a_bad_field_is_named_with_its_fix_in_the_callers_language(
    client, world, language, message
):
    response = post(
        client,
        task_path(world["task"], "decision"),
        world["token"],
        {"decision": "maybe", "reason_code": "requirements_met"},
        **{"Accept-Language": language},
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"]["errors"] == [
        {"field": "decision", "location": "body", "message": message}
    ]
