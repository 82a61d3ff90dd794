from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model

from conftest import clock_freeze
from onestop.accounts.models import CitizenAccount
from onestop.applications.models import (
    AgencyTask,
    ApplicationMessage,
    ApplicationStatus,
    OutputRecord,
    TaskState,
    TaskTransition,
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
from onestop.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from onestop.core.models import DomainEvent
from onestop.staff.actors import SystemActor
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


START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    return clock_freeze(monkeypatch, START)


@pytest.fixture
def world(clock):
    civil, roads = agency_get_or_make("civil"), agency_get_or_make("roads")
    return {
        "civil": civil,
        "roads": roads,
        "officer": staff_make("officer", Role.AGENCY_OFFICER, civil),
        "colleague": staff_make("colleague", Role.AGENCY_OFFICER, civil),
        "supervisor": staff_make("supervisor", Role.SUPERVISOR, civil),
        "roads_officer": staff_make("roads-officer", Role.AGENCY_OFFICER, roads),
        "birth": service_version_make(agency=civil, code="birth", output_validity_months=13),
        "licence": service_version_make(agency=roads, code="licence"),
    }


def _account(national_id="19800101-0001", contact="+15550100001"):
    user = get_user_model().objects.create_user(f"citizen-{contact}")
    return CitizenAccount.objects.create(
        user=user, contact=contact, person_reference=national_id, created_at=START
    )


def _task(application, agency):
    return AgencyTask.objects.get(application=application, agency=agency)


def _in_review(world, application=None):
    application = application or application_make(versions=[world["birth"]])
    task = _task(application, world["civil"])
    task_claim(actor=world["officer"], task_id=task.pk)
    return task_review_start(actor=world["officer"], task_id=task.pk)


def _events(prefix="task."):
    return list(
        DomainEvent.objects.filter(name__startswith=prefix)
        .order_by("occurred_at", "id")
        .values_list("name", flat=True)
    )


def test_a_standalone_task_goes_from_queue_to_output(world, clock):
    # given
    application = application_make(versions=[world["birth"]])
    task = _task(application, world["civil"])

    # when
    task_claim(actor=world["officer"], task_id=task.pk, expected_version=1)
    task_review_start(actor=world["officer"], task_id=task.pk, expected_version=2)
    clock.advance(hours=2)
    task = task_decide(
        actor=world["officer"],
        task_id=task.pk,
        decision="approve",
        reason_code="requirements_met",
        expected_version=3,
    )

    # then
    task.refresh_from_db()
    application.refresh_from_db()
    output = OutputRecord.objects.get(task=task)
    assert task.state == TaskState.OUTPUT_ISSUED
    assert task.version == 5
    assert task.assignee == world["officer"]
    assert task.first_response_at == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert task.decision_reason == "requirements_met"
    assert output.number == f"CIVIL-{application.tracking_number}-1"
    assert output.name == {"en": "Certificate birth", "fr": "Certificat birth"}
    assert output.valid_until == date(2027, 4, 2)
    assert output.holder_national_id == "19800101-0001"
    assert application.status == ApplicationStatus.COMPLETED
    assert application.closed_at == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert list(TaskTransition.objects.filter(task=task).values_list("to_state", flat=True)) == [
        "assigned",
        "in_review",
        "approved",
        "output_issued",
    ]
    assert _events() == [
        "task.claimed",
        "task.review_started",
        "task.decided",
        "task.output_issued",
    ]
    decided = DomainEvent.objects.get(name="task.decided")
    assert decided.actor == "staff:officer"
    assert decided.payload["reason_code"] == "requirements_met"
    assert decided.payload["is_output_following"] is True


def test_an_illegal_transition_is_refused_naming_state_and_action(world):
    application = application_make(versions=[world["birth"]])
    task = _task(application, world["civil"])

    with pytest.raises(Conflict) as refused:
        task_decide(
            actor=world["supervisor"],
            task_id=task.pk,
            decision="approve",
            reason_code="requirements_met",
        )

    assert refused.value.message == "“Approve” is not possible while the task is queued."
    assert refused.value.details == {"state": "queued", "action": "approve"}
    task.refresh_from_db()
    assert (task.state, task.version) == (TaskState.QUEUED, 1)
    assert not TaskTransition.objects.exists()
    assert _events() == []


def test_a_stale_console_form_gets_a_conflict_and_changes_nothing(world):
    task = _in_review(world)

    with pytest.raises(Conflict) as stale:
        task_decide(
            actor=world["officer"],
            task_id=task.pk,
            decision="reject",
            reason_code="not_eligible",
            reason_text="Too young.",
            expected_version=2,
        )

    assert stale.value.code == "task_stale"
    assert "Reload the task" in stale.value.message
    task.refresh_from_db()
    assert (task.state, task.version) == (TaskState.IN_REVIEW, 3)


def test_an_officer_of_another_agency_cannot_claim(world):
    task = _task(application_make(versions=[world["birth"]]), world["civil"])

    with pytest.raises(PermissionDenied):
        task_claim(actor=world["roads_officer"], task_id=task.pk)

    task.refresh_from_db()
    assert task.state == TaskState.QUEUED and task.assignee is None


def test_a_claimed_task_is_decided_only_by_its_assignee_or_a_supervisor(world):
    task = _in_review(world)

    with pytest.raises(PermissionDenied) as refused:
        task_decide(
            actor=world["colleague"],
            task_id=task.pk,
            decision="approve",
            reason_code="requirements_met",
        )
    assert refused.value.code == "task_not_yours"

    task = task_decide(
        actor=world["supervisor"],
        task_id=task.pk,
        decision="approve",
        reason_code="requirements_met",
    )
    assert task.state == TaskState.OUTPUT_ISSUED


def test_a_supervisor_reassigns_and_an_officer_may_not(world):
    task = _in_review(world)

    with pytest.raises(PermissionDenied):
        task_assign(actor=world["officer"], task_id=task.pk, assignee=world["colleague"])
    with pytest.raises(InvalidInput) as outsider:
        task_assign(actor=world["supervisor"], task_id=task.pk, assignee=world["roads_officer"])
    assert outsider.value.details == {"field": "assignee"}

    task = task_assign(
        actor=world["supervisor"],
        task_id=task.pk,
        assignee=world["colleague"],
        reason_text="Leave",
    )

    assert (task.state, task.assignee) == (TaskState.IN_REVIEW, world["colleague"])
    assert DomainEvent.objects.get(name="task.assigned").payload["assignee"] == "staff:colleague"


def test_an_officer_releases_a_task_back_to_the_queue(world):
    task = _in_review(world)

    task = task_release(actor=world["officer"], task_id=task.pk, reason_text="Conflict of interest")

    assert (task.state, task.assignee) == (TaskState.QUEUED, None)
    assert TaskTransition.objects.filter(task=task).last().reason_text == "Conflict of interest"


def test_a_task_id_that_is_not_an_id_is_not_found(world):
    with pytest.raises(NotFound):
        task_claim(actor=world["officer"], task_id="../etc")


def test_a_system_cannot_claim(world):
    task = _task(application_make(versions=[world["birth"]]), world["civil"])

    with pytest.raises(PermissionDenied):
        task_claim(actor=SystemActor("case-system"), task_id=task.pk)


def test_information_request_and_the_applicants_answer(world, clock):
    account = _account()
    application = application_make(versions=[world["birth"]], account=account)
    task = _in_review(world, application)
    clock.advance(hours=1)

    task = task_information_request(
        actor=world["officer"], task_id=task.pk, text="Send the hospital's certificate."
    )
    application.refresh_from_db()
    assert task.state == TaskState.INFORMATION_REQUESTED
    assert task.first_response_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert application.status == ApplicationStatus.INFORMATION_REQUESTED
    request = ApplicationMessage.objects.get(kind="information_request")
    assert request.respond_by == date(2026, 3, 16)
    assert request.direction == "to_applicant"

    clock.advance(days=1)
    task = application_information_answer(
        actor=account, task_id=task.pk, text="Attached at the counter.", channel="online"
    )

    request.refresh_from_db()
    application.refresh_from_db()
    assert task.state == TaskState.RESUBMITTED
    assert request.answered_at == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert application.status == ApplicationStatus.IN_PROGRESS
    answered = DomainEvent.objects.get(name="task.resubmitted")
    assert (answered.actor, answered.channel) == (f"citizen:{account.pk}", "online")
    assert answered.on_behalf_of == "19800101-0001"
    task = task_review_start(actor=world["officer"], task_id=task.pk)
    assert task.state == TaskState.IN_REVIEW
    assert task.first_response_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_another_citizen_cannot_answer_and_learns_nothing(world):
    application = application_make(versions=[world["birth"]], account=_account())
    task = _in_review(world, application)
    task_information_request(actor=world["officer"], task_id=task.pk, text="Send it.")
    stranger = _account(national_id="19900101-0002", contact="+15550100002")

    with pytest.raises(NotFound):
        application_information_answer(actor=stranger, task_id=task.pk, text="Hi", channel="online")

    task.refresh_from_db()
    assert task.state == TaskState.INFORMATION_REQUESTED
    assert not ApplicationMessage.objects.filter(kind="answer").exists()


def test_an_empty_information_request_names_the_field(world):
    task = _in_review(world)

    with pytest.raises(InvalidInput) as empty:
        task_information_request(actor=world["officer"], task_id=task.pk, text="  ")

    assert empty.value.details == {"field": "request_text"}
    assert not ApplicationMessage.objects.exists()


def test_a_rejection_tells_the_reasons_and_how_to_appeal(world):
    task = _in_review(world)

    with pytest.raises(InvalidInput) as unexplained:
        task_decide(
            actor=world["officer"], task_id=task.pk, decision="reject", reason_code="not_eligible"
        )
    assert unexplained.value.details == {"field": "reason_text"}
    with pytest.raises(InvalidInput) as wrong_kind:
        task_decide(
            actor=world["officer"],
            task_id=task.pk,
            decision="reject",
            reason_code="requirements_met",
            reason_text="x",
        )
    assert wrong_kind.value.details == {
        "field": "reason_code",
        "choices": [
            "not_eligible",
            "evidence_missing",
            "evidence_invalid",
            "information_not_provided",
            "duplicate_application",
            "legal_grounds",
        ],
    }

    task = task_decide(
        actor=world["officer"],
        task_id=task.pk,
        decision="reject",
        reason_code="not_eligible",
        reason_text="The child was born abroad; apply at the consulate.",
    )

    message = ApplicationMessage.objects.get(kind="decision")
    assert task.state == TaskState.REJECTED
    assert message.text == (
        "Rejected: You are not eligible for this service.\n\n"
        "The child was born abroad; apply at the consulate.\n\n"
        "How to appeal: Appeal within 30 days to the agency's appeals board."
    )
    assert not OutputRecord.objects.exists()
    task.application.refresh_from_db()
    assert task.application.status == ApplicationStatus.REJECTED


def test_the_decision_message_is_in_the_applicants_language(world):
    application = application_make(versions=[world["birth"]], language="fr")
    task = _in_review(world, application)

    task_decide(
        actor=world["officer"],
        task_id=task.pk,
        decision="reject",
        reason_code="not_eligible",
        reason_text="Né à l'étranger.",
    )

    text = ApplicationMessage.objects.get(kind="decision").text
    assert text.startswith("Refusée : Vous ne remplissez pas les conditions pour cette démarche.")
    assert "Recours sous 30 jours" in text


def test_a_rejected_part_closes_the_open_parts_of_an_all_or_nothing_bundle(world):
    application = application_make(
        versions=[world["birth"], world["licence"]], is_all_or_nothing=True
    )
    task = _in_review(world, application)

    task_decide(
        actor=world["officer"],
        task_id=task.pk,
        decision="reject",
        reason_code="evidence_missing",
        reason_text="No certificate.",
    )

    other = _task(application, world["roads"])
    application.refresh_from_db()
    assert other.state == TaskState.WITHDRAWN
    assert other.transitions.get().reason_code == "bundle_part_rejected"
    assert application.status == ApplicationStatus.REJECTED
    assert application.closed_at is not None


def test_an_all_or_nothing_bundle_issues_its_outputs_when_its_last_part_is_approved(world):
    application = application_make(
        versions=[world["birth"], world["licence"]], is_all_or_nothing=True
    )
    birth = _in_review(world, application)
    licence = _task(application, world["roads"])

    birth = task_decide(
        actor=world["officer"], task_id=birth.pk, decision="approve", reason_code="requirements_met"
    )
    assert birth.state == TaskState.APPROVED
    with pytest.raises(Conflict) as held:
        task_output_issue(actor=world["officer"], task_id=birth.pk)
    assert held.value.code == "bundle_not_complete"

    task_claim(actor=world["roads_officer"], task_id=licence.pk)
    task_review_start(actor=world["roads_officer"], task_id=licence.pk)
    task_decide(
        actor=world["roads_officer"],
        task_id=licence.pk,
        decision="approve",
        reason_code="requirements_met",
    )

    application.refresh_from_db()
    states = set(application.tasks.values_list("state", flat=True))
    assert states == {TaskState.OUTPUT_ISSUED}
    assert OutputRecord.objects.filter(application=application).count() == 2
    assert application.status == ApplicationStatus.COMPLETED


def test_standalone_parts_give_a_partly_approved_application(world):
    application = application_make(versions=[world["birth"], world["licence"]])
    birth = _in_review(world, application)
    licence = _task(application, world["roads"])
    task_decide(
        actor=world["officer"], task_id=birth.pk, decision="approve", reason_code="requirements_met"
    )
    task_claim(actor=world["roads_officer"], task_id=licence.pk)
    task_review_start(actor=world["roads_officer"], task_id=licence.pk)

    task_decide(
        actor=world["roads_officer"],
        task_id=licence.pk,
        decision="reject",
        reason_code="legal_grounds",
        reason_text="Suspended.",
    )

    application.refresh_from_db()
    assert application.status == ApplicationStatus.PARTLY_APPROVED
    assert application.closed_at is not None


def test_the_applicant_withdraws_every_open_task(world):
    account = _account()
    application = application_make(versions=[world["birth"], world["licence"]], account=account)
    _in_review(world, application)

    application = application_withdraw(
        actor=account, application_id=application.pk, channel="online", reason_text="Moved"
    )

    assert application.status == ApplicationStatus.WITHDRAWN
    assert set(application.tasks.values_list("state", flat=True)) == {TaskState.WITHDRAWN}
    assert _events("application.") == [
        "application.status_changed",
        "application.withdrawn",
        "application.status_changed",
    ]
    with pytest.raises(Conflict):
        application_withdraw(actor=account, application_id=application.pk, channel="online")


def test_an_operator_withdraws_at_a_counter_only_with_the_right_to_file(world):
    from onestop.staff.tests.factories import center_make

    center = center_make("center-1")
    operator = staff_make("operator", Role.FRONT_OFFICE_OPERATOR, center=center)
    application = application_make(versions=[world["birth"]])

    with pytest.raises(PermissionDenied):
        application_withdraw(
            actor=world["officer"], application_id=application.pk, channel="center"
        )

    application = application_withdraw(
        actor=operator, application_id=application.pk, channel="center", center=center
    )
    event = DomainEvent.objects.get(name="application.withdrawn")
    assert (event.actor, event.on_behalf_of) == ("staff:operator", "19800101-0001")
    assert application.status == ApplicationStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("who", "state", "expected"),
    [
        ("officer", "queued", ["claim"]),
        ("supervisor", "queued", ["claim", "assign"]),
        ("roads_officer", "queued", []),
        ("officer", "assigned", ["review_start", "release", "assign"]),
        ("colleague", "assigned", []),
        ("officer", "in_review", ["information_request", "approve", "reject", "release"]),
        (
            "supervisor",
            "in_review",
            ["information_request", "approve", "reject", "release", "assign"],
        ),
        ("officer", "information_requested", []),
        ("supervisor", "information_requested", ["assign"]),
        ("officer", "resubmitted", ["review_start", "release"]),
        ("officer", "output_issued", []),
    ],
)
def test_the_console_shows_only_the_actions_the_user_may_take(world, who, state, expected):
    task = _task(application_make(versions=[world["birth"]]), world["civil"])
    task.state = state
    task.assignee = None if state == "queued" else world["officer"]

    assert task_actions_available(actor=world[who], task=task) == [
        action for action in expected if not (who == "officer" and action == "assign")
    ]


def test_a_transition_costs_a_pinned_number_of_queries(world, django_assert_max_num_queries):
    # Most of them are the event's: its audit entry (hash chain), the event row, savepoints.
    # The claim also starts the audit chain; the decision also issues the output.
    application = application_make(versions=[world["birth"]])
    task = _task(application, world["civil"])

    with django_assert_max_num_queries(28):
        task_claim(actor=world["officer"], task_id=task.pk)
    with django_assert_max_num_queries(16):
        task_review_start(actor=world["officer"], task_id=task.pk)
    with django_assert_max_num_queries(43):
        task_decide(
            actor=world["officer"],
            task_id=task.pk,
            decision="approve",
            reason_code="requirements_met",
        )


def test_an_agency_case_system_acts_through_the_api_channel(world):
    from onestop.staff.actors import AgencySystemActor

    system = AgencySystemActor(
        agency_id=world["civil"].pk, agency_code="civil", key_prefix="abc123"
    )
    application = application_make(
        versions=[world["birth"], world["licence"]], is_all_or_nothing=True
    )
    task = _task(application, world["civil"])
    task_claim(actor=system, task_id=task.pk)
    task_review_start(actor=system, task_id=task.pk)

    task_decide(
        actor=system,
        task_id=task.pk,
        decision="reject",
        reason_code="not_eligible",
        reason_text="Born abroad.",
    )

    channels = dict(
        DomainEvent.objects.filter(name__startswith="task.").values_list("name", "channel")
    )
    assert channels == {
        "task.claimed": "api",
        "task.review_started": "api",
        "task.decided": "api",
        "task.closed": "api",
    }
    assert ApplicationMessage.objects.get(kind="decision").channel == "api"


def test_an_officer_acts_through_the_console_channel(world):
    task = _in_review(world)

    task_information_request(actor=world["officer"], task_id=task.pk, text="Send it.")

    assert DomainEvent.objects.get(name="task.information_requested").channel == "console"
    assert ApplicationMessage.objects.get().channel == "console"
