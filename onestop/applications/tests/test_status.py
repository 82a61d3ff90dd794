from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import clock_freeze
from onestop.applications.models import (
    OPEN_TASK_STATES,
    AgencyTask,
    ApplicationStatus,
    TaskState,
)
from onestop.applications.status import (
    application_is_closed,
    application_status_refresh,
    status_derive,
)
from onestop.core.models import DomainEvent

from .factories import agency_get_or_make, application_make, service_version_make

STATES = st.lists(st.sampled_from(list(TaskState)), min_size=1, max_size=6)
APPROVED = {TaskState.APPROVED, TaskState.OUTPUT_ISSUED}
S = TaskState


@given(states=STATES, is_all_or_nothing=st.booleans())
def test_the_status_is_open_exactly_while_a_counted_part_is_open(states, is_all_or_nothing):
    status = status_derive(states=states, is_all_or_nothing=is_all_or_nothing)
    counted = [state for state in states if state != S.WITHDRAWN]
    is_bundle_failed = is_all_or_nothing and S.REJECTED in counted
    is_open = any(state in OPEN_TASK_STATES for state in counted) and not is_bundle_failed

    assert (
        status
        in (
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.IN_PROGRESS,
            ApplicationStatus.INFORMATION_REQUESTED,
        )
    ) is is_open


@given(states=STATES)
def test_an_all_or_nothing_bundle_with_a_rejected_part_is_rejected(states):
    assert (
        status_derive(states=[*states, S.REJECTED], is_all_or_nothing=True)
        == ApplicationStatus.REJECTED
    )


@given(states=STATES, is_all_or_nothing=st.booleans())
def test_a_part_waiting_for_the_applicant_shows_as_information_requested(states, is_all_or_nothing):
    status = status_derive(
        states=[*states, S.INFORMATION_REQUESTED], is_all_or_nothing=is_all_or_nothing
    )
    expected = (
        ApplicationStatus.REJECTED
        if is_all_or_nothing and S.REJECTED in states
        else ApplicationStatus.INFORMATION_REQUESTED
    )
    assert status == expected


@given(states=STATES, is_all_or_nothing=st.booleans())
def test_withdrawn_parts_do_not_count_unless_all_are_withdrawn(states, is_all_or_nothing):
    with_withdrawn = status_derive(
        states=[*states, S.WITHDRAWN], is_all_or_nothing=is_all_or_nothing
    )
    counted = [state for state in states if state != S.WITHDRAWN]

    if counted:
        assert with_withdrawn == status_derive(states=counted, is_all_or_nothing=is_all_or_nothing)
    else:
        assert with_withdrawn == ApplicationStatus.WITHDRAWN


@given(
    decided=st.lists(st.sampled_from([S.APPROVED, S.OUTPUT_ISSUED, S.REJECTED]), min_size=1),
)
def test_standalone_parts_all_decided(decided):
    status = status_derive(states=decided, is_all_or_nothing=False)
    approved = [state for state in decided if state in APPROVED]

    if not approved:
        assert status == ApplicationStatus.REJECTED
    elif len(approved) < len(decided):
        assert status == ApplicationStatus.PARTLY_APPROVED
    elif S.APPROVED in approved:
        assert status == ApplicationStatus.APPROVED
    else:
        assert status == ApplicationStatus.COMPLETED
    assert application_is_closed(states=decided, status=status) is (S.APPROVED not in decided)


@given(states=STATES, is_all_or_nothing=st.booleans())
def test_in_progress_once_any_part_left_the_queue(states, is_all_or_nothing):
    all_queued = status_derive(states=[S.QUEUED] * len(states), is_all_or_nothing=is_all_or_nothing)
    assert all_queued == ApplicationStatus.SUBMITTED
    moved = status_derive(states=[S.QUEUED, S.ASSIGNED], is_all_or_nothing=is_all_or_nothing)
    assert moved == ApplicationStatus.IN_PROGRESS


@pytest.mark.django_db
def test_refresh_records_a_change_once(monkeypatch):
    clock_freeze(monkeypatch, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    agency = agency_get_or_make("civil")
    application = application_make(versions=[service_version_make(agency=agency)])
    AgencyTask.objects.filter(application=application).update(state=S.ASSIGNED)

    application_status_refresh(application=application, actor="staff:officer")
    application_status_refresh(application=application, actor="staff:officer")

    application.refresh_from_db()
    events = list(DomainEvent.objects.filter(name="application.status_changed"))
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert application.status_changed_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert len(events) == 1
    assert events[0].payload["from"] == "submitted" and events[0].payload["to"] == "in_progress"


@pytest.mark.django_db
def test_refresh_reads_one_query_when_nothing_changed(django_assert_num_queries):
    agency = agency_get_or_make("civil")
    application = application_make(versions=[service_version_make(agency=agency)])

    with django_assert_num_queries(1):
        application_status_refresh(application=application, actor="staff:officer")
