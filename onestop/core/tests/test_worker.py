from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onestop.core import tasks
from onestop.core.models import WorkerHeartbeat
from onestop.core.worker import (
    heartbeat_beat,
    heartbeats_prune,
    task_results_prune,
    tasks_recover_abandoned,
    tasks_release,
)

pytestmark = pytest.mark.django_db


def _heartbeat(worker_id: str, seconds_ago: float) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="node-1",
        pid=1,
        started_at=now - timedelta(hours=1),
        last_seen=now - timedelta(seconds=seconds_ago),
    )


def _running_on(*worker_ids: str) -> DBTaskResult:
    result = tasks.deliver_event.enqueue(delivery_id="00000000-0000-0000-0000-000000000000")
    row = DBTaskResult.objects.get(id=result.id)
    for worker_id in worker_ids:
        row.claim(worker_id)
    return row


def test_a_task_running_on_a_silent_worker_goes_back_to_ready():
    _heartbeat("dead", seconds_ago=60)
    task = _running_on("dead")

    recovered = tasks_recover_abandoned(silent_for=timedelta(seconds=15))

    task.refresh_from_db()
    assert recovered == 1
    assert (task.status, task.started_at, task.worker_ids) == ("READY", None, ["dead"])


def test_tasks_of_live_unknown_or_own_workers_are_left_running():
    _heartbeat("alive", seconds_ago=1)
    _heartbeat("me", seconds_ago=60)
    on_live, on_unknown, on_me = _running_on("alive"), _running_on("never-seen"), _running_on("me")

    recovered = tasks_recover_abandoned(silent_for=timedelta(seconds=15), except_worker="me")

    assert recovered == 0
    statuses = DBTaskResult.objects.filter(id__in=[on_live.id, on_unknown.id, on_me.id])
    assert set(statuses.values_list("status", flat=True)) == {"RUNNING"}


def test_only_the_last_worker_that_claimed_a_task_counts():
    _heartbeat("dead", seconds_ago=60)
    _heartbeat("alive", seconds_ago=1)
    task = _running_on("dead", "alive")

    assert tasks_recover_abandoned(silent_for=timedelta(seconds=15)) == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_heartbeat_creates_then_refreshes_one_row():
    heartbeat_beat(worker_id="w1", queues=["default", "events"])
    first = WorkerHeartbeat.objects.get(worker_id="w1")

    heartbeat_beat(worker_id="w1", queues=["default", "events"])

    again = WorkerHeartbeat.objects.get(worker_id="w1")
    assert WorkerHeartbeat.objects.count() == 1
    assert again.queues == "default,events"
    assert (again.started_at, again.pid) == (first.started_at, first.pid)
    assert again.last_seen >= first.last_seen


def test_workers_silent_for_a_day_are_forgotten():
    _heartbeat("old", seconds_ago=2 * 86400)
    _heartbeat("recent", seconds_ago=60)

    assert heartbeats_prune(older_than=timedelta(days=1)) == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["recent"]


def test_finished_task_results_are_pruned_after_their_keep_period():
    old, recent, running = _running_on("w"), _running_on("w"), _running_on("w")
    old.set_successful("succeeded")
    recent.set_failed(RuntimeError("boom"))
    DBTaskResult.objects.filter(id=old.id).update(finished_at=timezone.now() - timedelta(days=8))

    deleted = task_results_prune(older_than=timedelta(days=7))

    assert deleted == 1
    remaining = DBTaskResult.objects.values_list("id", "status")
    assert sorted(remaining) == sorted([(recent.id, "FAILED"), (running.id, "RUNNING")])


def test_a_stopping_worker_releases_the_task_it_claimed_but_did_not_run():
    mine, theirs = _running_on("me"), _running_on("other")

    released = tasks_release(worker_id="me")

    assert released == 1
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses == {mine.id: "READY", theirs.id: "RUNNING"}
