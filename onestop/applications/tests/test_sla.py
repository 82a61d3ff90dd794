from datetime import UTC, datetime, timedelta

import pytest

from conftest import clock_freeze
from onestop.applications.models import AgencyTask, TaskState
from onestop.applications.sla import sla_breaches_count, sla_sweep
from onestop.applications.workflow import task_claim
from onestop.core.models import DomainEvent
from onestop.core.periodic import periodic_spec_get
from onestop.staff.roles import Role

from .factories import agency_get_or_make, application_make, service_version_make, staff_make

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def setting(monkeypatch, settings):
    clock = clock_freeze(monkeypatch, START)
    agency = agency_get_or_make("civil")
    version = service_version_make(agency=agency, code="birth")
    staff_make("chief", Role.SUPERVISOR, agency)
    staff_make("deputy", Role.SUPERVISOR, agency)
    staff_make("elsewhere", Role.SUPERVISOR, agency_get_or_make("roads"))
    officer = staff_make("officer", Role.AGENCY_OFFICER, agency)
    application = application_make(
        versions=[version], warn_in=timedelta(days=7), due_in=timedelta(days=10)
    )
    task = AgencyTask.objects.get(application=application)
    task_claim(actor=officer, task_id=task.pk)
    return clock, agency, task


def _events(name):
    return list(DomainEvent.objects.filter(name=name))


def test_the_job_runs_every_minute():
    spec = periodic_spec_get("applications.sla")

    assert spec is not None and spec.every == timedelta(minutes=1)


def test_warning_then_breach_then_escalation_with_a_frozen_clock(setting):
    clock, agency, task = setting

    # before the warning share of the time: nothing
    clock.advance(days=6, hours=23)
    early = sla_sweep()
    assert (early.warned, early.escalated) == (0, 0)
    assert _events("task.sla_warning") == []

    # past warn_at: warned once, however often the job runs
    clock.advance(hours=2)
    first = sla_sweep()
    again = sla_sweep()
    task.refresh_from_db()
    assert (first.warned, first.escalated, again.warned, again.escalated) == (1, 0, 0, 0)
    assert task.warned_at == START + timedelta(days=7, hours=1)
    warning = _events("task.sla_warning")
    assert len(warning) == 1
    assert warning[0].payload["assignee"] == "staff:officer"
    assert "supervisors" not in warning[0].payload
    assert warning[0].actor == "system:applications-sla"

    # past due_at: breached and escalated to the agency's supervisors, once
    clock.advance(days=3)
    first, again = sla_sweep(), sla_sweep()
    task.refresh_from_db()
    assert (first.escalated, again.escalated) == (1, 0)
    assert task.breached_at == task.escalated_at == START + timedelta(days=10, hours=1)
    escalated = _events("task.escalated")
    assert len(escalated) == 1
    assert escalated[0].payload["supervisors"] == ["staff:chief", "staff:deputy"]
    assert sla_breaches_count(agency=agency, since=START, until=clock.now() + timedelta(1)) == 1
    assert sla_breaches_count(agency=agency, since=START, until=task.breached_at) == 0


def test_a_decided_task_is_never_warned(setting):
    clock, _agency, task = setting
    AgencyTask.objects.filter(pk=task.pk).update(state=TaskState.APPROVED)

    clock.advance(days=30)
    sweep = sla_sweep()

    task.refresh_from_db()
    assert (sweep.warned, sweep.escalated) == (0, 0)
    assert task.warned_at is None and task.breached_at is None


def test_a_backlog_is_taken_in_batches(setting, settings):
    clock, agency, _task = setting
    settings.ONESTOP_SLA_BATCH = 2
    version = service_version_make(agency=agency, code="more")
    for _ in range(4):
        application_make(versions=[version], warn_in=timedelta(days=1), due_in=timedelta(days=2))

    clock.advance(days=11)
    limited = sla_sweep(max_batches=1)
    rest = sla_sweep()

    assert (limited.warned, limited.escalated) == (2, 2)
    assert (rest.warned, rest.escalated) == (3, 3)
    assert AgencyTask.objects.filter(breached_at__isnull=True).count() == 0


def test_the_deadline_stands_still_while_the_applicant_is_asked(setting):
    from onestop.applications.workflow import (
        application_information_answer,
        task_information_request,
        task_review_start,
    )
    from onestop.staff.actors import SystemActor

    clock, _agency, task = setting
    task.refresh_from_db()
    task_review_start(actor=task.assignee, task_id=task.pk)
    clock.advance(days=6, hours=23)
    task_information_request(actor=task.assignee, task_id=task.pk, text="Send the certificate.")

    # waiting for the applicant, past what were the warning and the deadline: nothing
    clock.advance(days=9)
    waiting = sla_sweep()
    assert (waiting.warned, waiting.escalated) == (0, 0)

    # the answer moves the deadline on by the nine days it waited
    application_information_answer(
        actor=SystemActor("counter-test"), task_id=task.pk, text="Here.", channel="center"
    )
    task.refresh_from_db()
    assert task.due_at == START + timedelta(days=19)
    assert task.warn_at == START + timedelta(days=16)
    assert (
        DomainEvent.objects.get(name="task.resubmitted").payload["due_at"]
        == (START + timedelta(days=19)).isoformat()
    )
    early = sla_sweep()
    clock.advance(days=1)
    warned = sla_sweep()
    assert (early.warned, warned.warned, warned.escalated) == (0, 1, 0)


def test_a_warning_given_before_the_question_stands_and_the_breach_moves_on(setting):
    from onestop.applications.workflow import (
        application_information_answer,
        task_information_request,
        task_review_start,
    )
    from onestop.staff.actors import SystemActor

    clock, _agency, task = setting
    task.refresh_from_db()
    task_review_start(actor=task.assignee, task_id=task.pk)
    clock.advance(days=8)
    assert sla_sweep().warned == 1
    task_information_request(actor=task.assignee, task_id=task.pk, text="Send it.")
    clock.advance(days=5)

    application_information_answer(
        actor=SystemActor("counter-test"), task_id=task.pk, text="Here.", channel="center"
    )

    task.refresh_from_db()
    assert task.warned_at == START + timedelta(days=8)
    assert task.due_at == START + timedelta(days=15)
    clock.advance(days=1)  # day 14: not yet due
    early = sla_sweep()
    assert (early.warned, early.escalated) == (0, 0)
    assert task.breached_at is None
    clock.advance(days=1, seconds=1)  # day 15 and a second: breached
    assert sla_sweep().escalated == 1
