"""Every staff role × every task action, in the task's own agency and in another: the domain
refuses what the table does not allow (deny by default), whatever face calls it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from conftest import clock_freeze
from onestop.accounts.models import CitizenAccount
from onestop.applications.models import AgencyTask, TaskState
from onestop.applications.task_selectors import task_case_get, task_note_add, task_queue_list
from onestop.applications.workflow import (
    application_information_answer,
    application_withdraw,
    task_assign,
    task_claim,
    task_decide,
    task_information_request,
    task_output_issue,
    task_release,
    task_review_start,
)
from onestop.core import clock
from onestop.core.errors import NotFound, PermissionDenied
from onestop.staff.models import StaffRole
from onestop.staff.roles import Role
from onestop.staff.tests.factories import center_make

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


ROLES = list(Role)
AGENCY_ROLES = {Role.AGENCY_OFFICER, Role.SUPERVISOR}
CENTER_ROLES = {Role.FRONT_OFFICE_OPERATOR, Role.CENTER_MANAGER}
# (state the task is in, is it assigned to the actor?) and the call, per action.
ACTIONS = {
    "queue.read": (TaskState.QUEUED, False),
    "case.read": (TaskState.QUEUED, False),
    "claim": (TaskState.QUEUED, False),
    "assign": (TaskState.QUEUED, False),
    "release": (TaskState.ASSIGNED, True),
    "review_start": (TaskState.ASSIGNED, True),
    "information_request": (TaskState.IN_REVIEW, True),
    "approve": (TaskState.IN_REVIEW, True),
    "reject": (TaskState.IN_REVIEW, True),
    "output_issue": (TaskState.APPROVED, True),
    "note_add": (TaskState.QUEUED, False),
}
# One pair per role, in the order of Role: the answer in the task's own agency, then in another.
#                        operator officer supervisor manager editor insights auditor admin
MATRIX = {
    "queue.read":          ".. Y. Y. .. .. .. .. ..",
    "case.read":           ".. Y. Y. .. .. .. .. ..",
    "claim":               ".. Y. Y. .. .. .. .. ..",
    "assign":              ".. .. Y. .. .. .. .. ..",
    "release":             ".. Y. Y. .. .. .. .. ..",
    "review_start":        ".. Y. Y. .. .. .. .. ..",
    "information_request": ".. Y. Y. .. .. .. .. ..",
    "approve":             ".. Y. Y. .. .. .. .. ..",
    "reject":              ".. Y. Y. .. .. .. .. ..",
    "output_issue":        ".. Y. Y. .. .. .. .. ..",
    "note_add":            ".. Y. Y. .. .. .. .. ..",
}  # fmt: skip


def _call(action, actor, task, agency, assignee):
    calls = {
        "queue.read": lambda: task_queue_list(actor=actor, agency=agency),
        "case.read": lambda: task_case_get(actor=actor, task_id=task.pk),
        "claim": lambda: task_claim(actor=actor, task_id=task.pk),
        "assign": lambda: task_assign(actor=actor, task_id=task.pk, assignee=assignee),
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
    }
    return calls[action]()


def _cases():
    for action, row in MATRIX.items():
        for role, pair in zip(ROLES, row.split(), strict=True):
            for scope, answer in (("own", pair[0]), ("other", pair[1])):
                yield pytest.param(
                    role, action, scope, answer == "Y", id=f"{role}-{action}-{scope}"
                )


def test_the_matrix_covers_every_role_and_action():
    assert set(MATRIX) == set(ACTIONS)
    assert all(len(row.split()) == len(ROLES) for row in MATRIX.values())


@pytest.mark.parametrize(("role", "action", "scope", "expected"), list(_cases()))
def test_task_permission_matrix(monkeypatch, role, action, scope, expected):
    clock_freeze(monkeypatch, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    own, other = agency_get_or_make("own"), agency_get_or_make("other")
    home = own if scope == "own" else other
    actor = staff_make(
        "actor",
        role,
        home if role in AGENCY_ROLES else None,
        center=center_make("center") if role in CENTER_ROLES else None,
    )
    assignee = staff_make("assignee", Role.AGENCY_OFFICER, own)
    application = application_make(versions=[service_version_make(agency=own)])
    state, is_assigned = ACTIONS[action]
    AgencyTask.objects.filter(application=application).update(
        state=state, assignee=actor if is_assigned else None
    )
    task = AgencyTask.objects.get(application=application)

    if expected:
        _call(action, actor, task, own, assignee)
    else:
        with pytest.raises((PermissionDenied, NotFound)):
            _call(action, actor, task, own, assignee)
        task.refresh_from_db()
        assert task.state == state and task.version == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("applicant", True),
        ("other_citizen", False),
        ("operator_here", True),
        ("operator_elsewhere", False),
        ("officer", False),
    ],
)
@pytest.mark.parametrize("action", ["answer", "withdraw"])
def test_applicant_side_permissions(monkeypatch, who, expected, action):
    clock_freeze(monkeypatch, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    agency = agency_get_or_make("own")
    here, elsewhere = center_make("here"), center_make("elsewhere")

    def citizen(national_id, contact):
        user = get_user_model().objects.create_user(contact)
        return CitizenAccount.objects.create(
            user=user, contact=contact, person_reference=national_id, created_at=clock.now()
        )

    actors = {
        "applicant": citizen("19800101-0001", "+15550100001"),
        "other_citizen": citizen("19900101-0002", "+15550100002"),
        "operator_here": staff_make("op1", Role.FRONT_OFFICE_OPERATOR, center=here),
        "operator_elsewhere": staff_make("op2", Role.FRONT_OFFICE_OPERATOR, center=elsewhere),
        "officer": staff_make("officer", Role.AGENCY_OFFICER, agency),
    }
    application = application_make(versions=[service_version_make(agency=agency)])
    AgencyTask.objects.filter(application=application).update(state=TaskState.INFORMATION_REQUESTED)
    task = AgencyTask.objects.get(application=application)

    def call():
        if action == "answer":
            return application_information_answer(
                actor=actors[who], task_id=task.pk, text="Here.", channel="center", center=here
            )
        return application_withdraw(
            actor=actors[who], application_id=application.pk, channel="center", center=here
        )

    if expected:
        call()
    else:
        with pytest.raises((PermissionDenied, NotFound)):
            call()
        task.refresh_from_db()
        assert task.state == TaskState.INFORMATION_REQUESTED


def test_an_ended_role_works_no_task(monkeypatch):
    clock_freeze(monkeypatch, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    agency = agency_get_or_make("own")
    officer = staff_make("officer", Role.AGENCY_OFFICER, agency)
    StaffRole.objects.filter(user=officer).update(valid_until=clock.now() - timedelta(seconds=1))
    task = AgencyTask.objects.get(
        application=application_make(versions=[service_version_make(agency=agency)])
    )

    with pytest.raises(PermissionDenied):
        task_claim(actor=officer, task_id=task.pk)
