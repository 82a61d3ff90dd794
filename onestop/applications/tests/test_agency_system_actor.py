"""The agency system actor (an agency's own case system, through its API key) in the permission
matrix: every task action, in its own agency and in another; plus what it never may do."""

import pytest

from onestop.applications.models import AgencyTask, TaskState
from onestop.applications.task_selectors import (
    task_case_get,
    task_escalated_list,
    task_note_add,
    task_queue_list,
)
from onestop.applications.workflow import (
    application_information_answer,
    application_withdraw,
    task_actions_available,
    task_assign,
    task_claim,
    task_decide,
    task_information_request,
    task_output_issue,
    task_release,
    task_review_start,
)
from onestop.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from onestop.staff.actors import AgencySystemActor, actor_label, actor_require
from onestop.staff.roles import Role

from .factories import (
    agency_get_or_make,
    application_make,
    decision_reasons_make,
    service_version_make,
    staff_make,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _decision_reasons(db):
    decision_reasons_make()


# (the state the task is put in, and whether an officer holds it)
ACTIONS = {
    "queue.read": TaskState.QUEUED,
    "case.read": TaskState.QUEUED,
    "claim": TaskState.QUEUED,
    "assign": TaskState.QUEUED,
    "release": TaskState.ASSIGNED,
    "review_start": TaskState.ASSIGNED,
    "information_request": TaskState.IN_REVIEW,
    "approve": TaskState.IN_REVIEW,
    "reject": TaskState.IN_REVIEW,
    "output_issue": TaskState.APPROVED,
    "note_add": TaskState.QUEUED,
    "escalations.read": TaskState.QUEUED,
    "withdraw": TaskState.QUEUED,
    "information_answer": TaskState.INFORMATION_REQUESTED,
}
# own agency, another agency: Y allowed, . refused
MATRIX = {
    "queue.read": "Y.",
    "case.read": "Y.",
    "claim": "Y.",
    "assign": "..",
    "release": "Y.",
    "review_start": "Y.",
    "information_request": "Y.",
    "approve": "Y.",
    "reject": "Y.",
    "output_issue": "Y.",
    "note_add": "..",
    "escalations.read": "..",
    "withdraw": "..",
    "information_answer": "..",
}


def _call(action, actor, task, agency, officer):
    calls = {
        "queue.read": lambda: task_queue_list(actor=actor, agency=agency),
        "case.read": lambda: task_case_get(actor=actor, task_id=task.pk),
        "claim": lambda: task_claim(actor=actor, task_id=task.pk),
        "assign": lambda: task_assign(actor=actor, task_id=task.pk, assignee=officer),
        "release": lambda: task_release(actor=actor, task_id=task.pk),
        "review_start": lambda: task_review_start(actor=actor, task_id=task.pk),
        "information_request": lambda: task_information_request(
            actor=actor, task_id=task.pk, text="Send it."
        ),
        "approve": lambda: task_decide(
            actor=actor, task_id=task.pk, decision="approve", reason_code="requirements_met"
        ),
        "reject": lambda: task_decide(
            actor=actor,
            task_id=task.pk,
            decision="reject",
            reason_code="not_eligible",
            reason_text="No.",
        ),
        "output_issue": lambda: task_output_issue(actor=actor, task_id=task.pk),
        "note_add": lambda: task_note_add(actor=actor, task_id=task.pk, text="A note."),
        "escalations.read": lambda: task_escalated_list(actor=actor, agency=agency),
        "withdraw": lambda: application_withdraw(
            actor=actor, application_id=task.application_id, channel="api"
        ),
        "information_answer": lambda: application_information_answer(
            actor=actor, task_id=task.pk, text="Here.", channel="api"
        ),
    }
    return calls[action]()


def test_the_matrix_covers_every_action():
    assert set(MATRIX) == set(ACTIONS)


@pytest.mark.parametrize(
    ("action", "scope", "expected"),
    [
        pytest.param(action, scope, row[index] == "Y", id=f"{action}-{scope}")
        for action, row in MATRIX.items()
        for index, scope in enumerate(("own", "other"))
    ],
)
def test_agency_system_permission_matrix(action, scope, expected):
    own, other = agency_get_or_make("civil"), agency_get_or_make("tax")
    task_agency = own if scope == "own" else other
    application = application_make(versions=[service_version_make(agency=task_agency)])
    task = application.tasks.get()
    AgencyTask.objects.filter(pk=task.pk).update(state=ACTIONS[action])
    task.refresh_from_db()
    officer = staff_make("officer", Role.AGENCY_OFFICER, task_agency)
    actor = AgencySystemActor(agency_id=own.pk, agency_code=own.code, key_prefix="abc123")

    if expected:
        _call(action, actor, task, task_agency, officer)
        return
    with pytest.raises((PermissionDenied, NotFound, InvalidInput)) as refused:
        _call(action, actor, task, task_agency, officer)
    assert isinstance(refused.value, DomainError)
    task.refresh_from_db()
    assert task.state == ACTIONS[action] and task.version == 1


def test_a_system_claim_leaves_no_assignee_and_is_recorded_by_key():
    agency = agency_get_or_make("civil")
    task = application_make(versions=[service_version_make(agency=agency)]).tasks.get()
    actor = AgencySystemActor(agency_id=agency.pk, agency_code="civil", key_prefix="abc123")

    claimed = task_claim(actor=actor, task_id=task.pk)

    assert claimed.state == TaskState.ASSIGNED and claimed.assignee_id is None
    assert claimed.transitions.get().actor == "agency:civil:abc123"
    assert task_actions_available(actor=actor, task=claimed) == ["review_start", "release"]


def test_an_officers_task_is_not_the_systems_but_a_supervisor_may_take_back_the_systems():
    agency = agency_get_or_make("civil")
    system = AgencySystemActor(agency_id=agency.pk, agency_code="civil", key_prefix="abc123")
    officer = staff_make("officer", Role.AGENCY_OFFICER, agency)
    supervisor = staff_make("supervisor", Role.SUPERVISOR, agency)
    versions = [service_version_make(agency=agency), service_version_make(agency=agency)]
    held, by_system = application_make(versions=versions).tasks.order_by("pk")
    task_claim(actor=officer, task_id=held.pk)
    task_claim(actor=system, task_id=by_system.pk)

    with pytest.raises(PermissionDenied):
        task_review_start(actor=system, task_id=held.pk)
    with pytest.raises(PermissionDenied):
        task_review_start(actor=officer, task_id=by_system.pk)  # not the officer's
    released = task_release(actor=supervisor, task_id=by_system.pk)
    assert released.state == TaskState.QUEUED


def test_the_actor_is_labelled_and_refused_outside_its_actions():
    agency = agency_get_or_make("civil")
    actor = AgencySystemActor(agency_id=agency.pk, agency_code="civil", key_prefix="abc123")

    assert actor_label(actor) == "agency:civil:abc123"
    assert actor_require(actor=actor, action="task.read", agency=agency) == actor_label(actor)
    for action in ("task.assign", "catalog.edit", "application.file_on_behalf", "audit.read"):
        with pytest.raises(PermissionDenied):
            actor_require(actor=actor, action=action, agency=agency)
    with pytest.raises(PermissionDenied):
        actor_require(actor=actor, action="task.read")  # no agency: no grant
