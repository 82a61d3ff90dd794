"""Row locks under real concurrency (PostgreSQL): two officers claiming one task, two SLA
workers sweeping at once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from conftest import postgresql_only
from onestop.applications.models import AgencyTask, TaskTransition
from onestop.applications.sla import sla_sweep
from onestop.applications.workflow import task_claim
from onestop.core import clock
from onestop.core.errors import Conflict
from onestop.core.models import DomainEvent
from onestop.staff.roles import Role

from .factories import agency_get_or_make, application_make, service_version_make, staff_make

pytestmark = pytest.mark.django_db(transaction=True)


def _together(*calls):
    """Run the calls in threads started together; returns what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_officers_claiming_one_task_one_wins():
    postgresql_only(connection)
    agency = agency_get_or_make("civil")
    first = staff_make("first", Role.AGENCY_OFFICER, agency)
    second = staff_make("second", Role.AGENCY_OFFICER, agency)
    application = application_make(versions=[service_version_make(agency=agency)])
    task = AgencyTask.objects.get(application=application)

    results = _together(
        lambda: task_claim(actor=first, task_id=task.pk),
        lambda: task_claim(actor=second, task_id=task.pk),
    )

    task.refresh_from_db()
    assert sorted(type(result).__name__ for result in results) == ["AgencyTask", "Conflict"]
    assert isinstance(next(r for r in results if not isinstance(r, AgencyTask)), Conflict)
    assert task.version == 2 and task.assignee in (first, second)
    assert TaskTransition.objects.filter(task=task).count() == 1


def test_two_sla_sweeps_at_once_warn_each_task_once():
    postgresql_only(connection)
    agency = agency_get_or_make("civil")
    version = service_version_make(agency=agency)
    for _ in range(6):
        application_make(versions=[version], warn_in=timedelta(hours=-1), due_in=timedelta(days=1))

    results = _together(lambda: sla_sweep(now=clock.now()), lambda: sla_sweep(now=clock.now()))

    assert sum(result.warned for result in results) == 6
    assert DomainEvent.objects.filter(name="task.sla_warning").count() == 6
