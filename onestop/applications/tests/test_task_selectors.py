from datetime import UTC, datetime, timedelta

import pytest

from conftest import clock_freeze
from onestop.applications.models import AgencyTask, ApplicationEvidence, TaskState
from onestop.applications.task_selectors import (
    task_case_get,
    task_escalated_list,
    task_mine_list,
    task_note_add,
    task_queue_list,
)
from onestop.applications.workflow import (
    task_claim,
    task_information_request,
    task_review_start,
)
from onestop.core.errors import InvalidInput, NotFound, PermissionDenied
from onestop.core.models import AuditRecord
from onestop.staff.roles import Role

from .factories import agency_get_or_make, application_make, service_version_make, staff_make

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def world(monkeypatch):
    clock = clock_freeze(monkeypatch, START)
    civil, roads = agency_get_or_make("civil"), agency_get_or_make("roads")
    birth = service_version_make(agency=civil, code="birth")
    death = service_version_make(agency=civil, code="death")
    tasks = []
    for days, version in ((5, birth), (3, death), (9, birth), (1, birth), (7, death)):
        application = application_make(versions=[version], due_in=timedelta(days=days))
        tasks.append(AgencyTask.objects.get(application=application))
    return {
        "clock": clock,
        "civil": civil,
        "roads": roads,
        "tasks": tasks,
        "officer": staff_make("officer", Role.AGENCY_OFFICER, civil),
        "supervisor": staff_make("supervisor", Role.SUPERVISOR, civil),
        "roads_officer": staff_make("roads-officer", Role.AGENCY_OFFICER, roads),
        "auditor": staff_make("auditor", Role.AUDITOR),
    }


def _days(page, world):
    return [round((task.due_at - START) / timedelta(days=1)) for task in page.tasks]


def test_the_queue_is_sorted_by_deadline_and_paged_by_keyset(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        first = task_queue_list(actor=world["officer"], agency=world["civil"], limit=2)
    second = task_queue_list(
        actor=world["officer"], agency=world["civil"], limit=2, after=first.next_cursor
    )
    last = task_queue_list(
        actor=world["officer"], agency=world["civil"], limit=2, after=second.next_cursor
    )

    assert (_days(first, world), _days(second, world), _days(last, world)) == (
        [1, 3],
        [5, 7],
        [9],
    )
    assert last.next_cursor == ""


def test_the_queue_filters_by_service_state_and_overdue(world):
    civil, officer = world["civil"], world["officer"]
    task_claim(actor=officer, task_id=world["tasks"][0].pk)
    world["clock"].advance(days=4)

    deaths = task_queue_list(actor=officer, agency=civil, service_code="death")
    queued = task_queue_list(actor=officer, agency=civil, states=["queued"])
    overdue = task_queue_list(actor=officer, agency=civil, is_overdue=True)

    assert _days(deaths, world) == [3, 7]
    assert _days(queued, world) == [1, 3, 7, 9]
    assert _days(overdue, world) == [1, 3]


def test_bad_queue_input_names_the_field(world):
    with pytest.raises(InvalidInput) as state:
        task_queue_list(actor=world["officer"], agency=world["civil"], states=["lost"])
    with pytest.raises(InvalidInput) as cursor:
        task_queue_list(actor=world["officer"], agency=world["civil"], after="nonsense")
    with pytest.raises(InvalidInput) as limit:
        task_queue_list(actor=world["officer"], agency=world["civil"], limit=0)

    assert [e.value.details["field"] for e in (state, cursor, limit)] == [
        "states",
        "after",
        "limit",
    ]


@pytest.mark.parametrize("who", ["roads_officer", "auditor"])
def test_the_queue_is_refused_outside_the_agency(world, who):
    with pytest.raises(PermissionDenied):
        task_queue_list(actor=world[who], agency=world["civil"])


def test_my_tasks_are_the_open_tasks_assigned_to_me(world, django_assert_num_queries):
    officer = world["officer"]
    for task in world["tasks"][:2]:
        task_claim(actor=officer, task_id=task.pk)
    AgencyTask.objects.filter(pk=world["tasks"][0].pk).update(state=TaskState.REJECTED)

    with django_assert_num_queries(1):
        mine = task_mine_list(actor=officer)

    assert [task.pk for task in mine.tasks] == [world["tasks"][1].pk]
    assert task_mine_list(actor=world["supervisor"]).tasks == []


def test_the_case_view_keeps_notes_apart_from_messages(world, django_assert_max_num_queries):
    officer, task = world["officer"], world["tasks"][0]
    task_claim(actor=officer, task_id=task.pk)
    task_review_start(actor=officer, task_id=task.pk)
    task_information_request(actor=officer, task_id=task.pk, text="Send the certificate.")
    task_note_add(actor=officer, task_id=task.pk, text="Called the hospital; it exists.")
    ApplicationEvidence.objects.create(
        application=task.application,
        evidence_code="birth-record",
        status="found",
        source="civil/birth-record",
        fields={"name": {"source": "civil", "request_id": "r1"}},
        created_at=START,
    )

    with django_assert_max_num_queries(13):
        case = task_case_get(actor=world["supervisor"], task_id=task.pk)

    assert [note.text for note in case.notes] == ["Called the hospital; it exists."]
    assert [message.text for message in case.messages] == ["Send the certificate."]
    assert [step.to_state for step in case.history] == [
        "assigned",
        "in_review",
        "information_requested",
    ]
    assert [item.source for item in case.evidence] == ["civil/birth-record"]
    assert case.output is None
    assert case.actions == ["assign"]
    assert AuditRecord.objects.filter(
        action="applications.case_viewed", actor="staff:supervisor"
    ).exists()


@pytest.mark.parametrize("who", ["roads_officer", "auditor"])
def test_the_case_of_another_agency_is_not_found(world, who):
    with pytest.raises(NotFound):
        task_case_get(actor=world[who], task_id=world["tasks"][0].pk)
    assert not AuditRecord.objects.filter(action="applications.case_viewed").exists()


def test_a_note_needs_text_and_a_role_in_the_agency(world):
    task = world["tasks"][0]

    with pytest.raises(InvalidInput) as empty:
        task_note_add(actor=world["officer"], task_id=task.pk, text=" ")
    with pytest.raises(NotFound):
        task_note_add(actor=world["roads_officer"], task_id=task.pk, text="Hello")

    assert empty.value.details == {"field": "text"}
    assert not task.notes.exists()


def test_escalations_are_for_supervisors(world):
    AgencyTask.objects.filter(pk=world["tasks"][3].pk).update(escalated_at=START)

    page = task_escalated_list(actor=world["supervisor"], agency=world["civil"])
    with pytest.raises(PermissionDenied):
        task_escalated_list(actor=world["officer"], agency=world["civil"])

    assert [task.pk for task in page.tasks] == [world["tasks"][3].pk]
