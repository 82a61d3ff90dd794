from datetime import UTC, datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from onestop.core.models import PeriodicJob
from onestop.core.periodic import (
    period_start,
    periodic,
    periodic_claim,
    periodic_due,
    periodic_rows_ensure,
    periodic_run,
    periodic_spec_get,
    periodic_unregister,
)

RUNS: list[str] = []
T0 = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)


@pytest.fixture
def job():
    RUNS.clear()

    @periodic(name="test.job", every=timedelta(minutes=5), lease=timedelta(minutes=2))
    def run() -> None:
        RUNS.append("ran")

    periodic_rows_ensure()
    yield periodic_spec_get("test.job")
    periodic_unregister("test.job")
    periodic_unregister("test.failing")


def _run_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="onestop.core.tasks.run_periodic_job"))


def test_periods_are_aligned_to_the_epoch():
    assert period_start(T0 + timedelta(minutes=7, seconds=3), timedelta(minutes=5)) == (
        T0 + timedelta(minutes=5)
    )


@pytest.mark.django_db
def test_the_first_claim_of_a_period_wins_and_enqueues_one_run(job):
    first = periodic_claim(spec=job, worker_id="w1", now=T0 + timedelta(minutes=1))
    second = periodic_claim(spec=job, worker_id="w2", now=T0 + timedelta(minutes=1, seconds=1))

    assert (first, second) == (True, False)
    row = PeriodicJob.objects.get(name="test.job")
    assert (row.leased_by, row.next_run_at) == ("w1", T0 + timedelta(minutes=5))
    assert row.lease_until == T0 + timedelta(minutes=3)
    (task,) = _run_tasks()
    assert (task.queue_name, task.args_kwargs["kwargs"]) == (
        "periodic",
        {"name": "test.job", "worker_id": "w1"},
    )


@pytest.mark.django_db
def test_a_period_that_already_ran_is_not_claimed_again(job):
    periodic_claim(spec=job, worker_id="w1", now=T0)
    periodic_run(name="test.job", worker_id="w1")

    again = periodic_claim(spec=job, worker_id="w2", now=T0 + timedelta(minutes=4))
    next_period = periodic_claim(spec=job, worker_id="w2", now=T0 + timedelta(minutes=5))

    assert (again, next_period) == (False, True)
    assert len(_run_tasks()) == 2


@pytest.mark.django_db
def test_a_run_in_flight_blocks_the_next_period_until_its_lease_expires(job):
    periodic_claim(spec=job, worker_id="w1", now=T0)

    while_leased = periodic_claim(
        spec=job, worker_id="w2", now=T0 + timedelta(minutes=1, seconds=59)
    )
    expired = periodic_claim(spec=job, worker_id="w2", now=T0 + timedelta(minutes=6))

    assert (while_leased, expired) == (False, True)
    assert PeriodicJob.objects.get(name="test.job").leased_by == "w2"


@pytest.mark.django_db
def test_a_run_records_its_outcome_duration_and_releases_the_lease(job):
    periodic_claim(spec=job, worker_id="w1", now=T0)

    outcome = periodic_run(name="test.job", worker_id="w1")

    row = PeriodicJob.objects.get(name="test.job")
    assert outcome == "ok"
    assert RUNS == ["ran"]
    assert (row.last_outcome, row.last_error, row.run_count) == ("ok", "", 1)
    assert (row.lease_until, row.leased_by) == (None, "")
    assert row.last_duration_ms is not None and row.last_duration_ms >= 0
    assert row.last_finished_at >= row.last_started_at


@pytest.mark.django_db
def test_a_failing_job_records_its_error_and_keeps_its_schedule(job):
    @periodic(name="test.failing", every=timedelta(hours=1))
    def failing() -> None:
        raise ValueError("registry unreachable")

    periodic_rows_ensure()
    periodic_claim(spec=periodic_spec_get("test.failing"), worker_id="w1", now=T0)

    outcome = periodic_run(name="test.failing", worker_id="w1")

    row = PeriodicJob.objects.get(name="test.failing")
    assert outcome == "failed"
    assert row.last_outcome == "failed"
    assert "ValueError: registry unreachable" in row.last_error
    assert (row.run_count, row.next_run_at, row.lease_until) == (1, T0 + timedelta(hours=1), None)


@pytest.mark.django_db
def test_finishing_after_the_lease_passed_to_another_worker_keeps_their_lease(job):
    periodic_claim(spec=job, worker_id="w1", now=T0)
    periodic_claim(spec=job, worker_id="w2", now=T0 + timedelta(minutes=6))

    periodic_run(name="test.job", worker_id="w1")

    assert PeriodicJob.objects.get(name="test.job").leased_by == "w2"


@pytest.mark.django_db
def test_due_lists_only_jobs_free_to_claim(job):
    periodic_claim(spec=job, worker_id="w1", now=T0)

    assert "test.job" not in [spec.name for spec in periodic_due(now=T0 + timedelta(minutes=1))]
    assert "test.job" in [spec.name for spec in periodic_due(now=T0 + timedelta(minutes=10))]


def test_a_period_must_be_positive():
    with pytest.raises(ValueError, match="must be positive"):
        periodic(name="test.never", every=timedelta(0))
