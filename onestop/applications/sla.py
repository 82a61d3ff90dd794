"""The SLA watch: a periodic job (every minute, one worker at a time through the job's lease in
core/periodic.py) that warns before a task's deadline and escalates at its breach.

- An open task past `warn_at` gets `warned_at` and a `task.sla_warning` event for its assignee,
  or, while nobody has claimed it, naming the agency's supervisors.
- An open task past `due_at` gets `breached_at` and `escalated_at` and a `task.escalated` event
  naming the agency's supervisors: the console shows it on their escalation list.
Both are in-platform events the console shows; staff_alerts.py subscribes to them and e-mails
the assignee or each supervisor named (warning) and each supervisor named (escalation). The
supervisors are those of the moment the event is recorded: the event says who to write to.

Idempotent: a task is picked only while its mark is empty, and marked under its row lock, so a
second run (or a second worker whose lease expired) does nothing more. Each pass reads LIMITed
batches, oldest first, through partial indexes holding only the open tasks not yet warned
(task_sla_to_warn) or escalated (task_sla_to_escalate), so warned tasks still open cost nothing.

The deadline stands still while the applicant is asked for information: a task waiting for
them is skipped here, and their answer moves its deadline on by the time it waited
(workflow.application_information_answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from onestop.core import clock
from onestop.core.events import event_record
from onestop.core.periodic import periodic
from onestop.staff.models import StaffRole
from onestop.staff.roles import Role

from .models import OPEN_TASK_STATES, AgencyTask, TaskState

ACTOR = "system:applications-sla"
# Open tasks whose deadline runs: not while the question waits for the applicant.
RUNNING_STATES = [state for state in OPEN_TASK_STATES if state != TaskState.INFORMATION_REQUESTED]


def batch_size() -> int:
    return int(settings.ONESTOP_SLA_BATCH)


@dataclass(frozen=True)
class SlaSweep:
    warned: int
    escalated: int


def _due(mark: str, deadline: str, now: datetime, limit: int) -> list[AgencyTask]:
    """Lock the next batch of open tasks past `deadline` whose `mark` is still empty (other
    workers skip the rows this one holds, on PostgreSQL)."""
    return list(
        AgencyTask.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("agency", "assignee")
        .filter(state__in=RUNNING_STATES, **{f"{deadline}__lte": now, f"{mark}__isnull": True})
        .order_by(deadline)[:limit]
    )


def _payload(task: AgencyTask) -> dict[str, Any]:
    return {
        "task": str(task.pk),
        "application": str(task.application_id),
        "agency": task.agency.code,
        "state": task.state,
        "assignee": f"staff:{task.assignee.get_username()}" if task.assignee else "",
        "due_at": task.due_at.isoformat(),
    }


def _warn_batch(now: datetime, limit: int) -> int:
    with transaction.atomic():
        tasks = _due("warned_at", "warn_at", now, limit)
        AgencyTask.objects.filter(pk__in=[task.pk for task in tasks]).update(warned_at=now)
        unclaimed = [task for task in tasks if task.assignee_id is None]
        supervisors = agency_supervisors({task.agency_id for task in unclaimed}, now)
        for task in tasks:
            payload = _payload(task)
            if task.assignee_id is None:
                payload["supervisors"] = supervisors[task.agency_id]
            event_record(
                name="task.sla_warning",
                actor=ACTOR,
                entity_type="applications.agencytask",
                entity_id=str(task.pk),
                payload=payload,
            )
        return len(tasks)


def agency_supervisors(agency_ids: set[Any], now: datetime) -> dict[Any, list[str]]:
    """The supervisors of each agency now, as audit labels (one query for the batch)."""
    roles = (
        StaffRole.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now),
            role=Role.SUPERVISOR,
            agency_id__in=agency_ids,
            valid_from__lte=now,
            user__is_active=True,
        )
        .order_by("user__username")
        .values_list("agency_id", "user__username")
    )
    found: dict[Any, list[str]] = {pk: [] for pk in agency_ids}
    for agency_id, username in roles:
        found[agency_id].append(f"staff:{username}")
    return found


def _escalate_batch(now: datetime, limit: int) -> int:
    with transaction.atomic():
        tasks = _due("breached_at", "due_at", now, limit)
        AgencyTask.objects.filter(pk__in=[task.pk for task in tasks]).update(
            breached_at=now, escalated_at=now
        )
        supervisors = agency_supervisors({task.agency_id for task in tasks}, now)
        for task in tasks:
            event_record(
                name="task.escalated",
                actor=ACTOR,
                entity_type="applications.agencytask",
                entity_id=str(task.pk),
                payload=_payload(task) | {"supervisors": supervisors[task.agency_id]},
            )
        return len(tasks)


def sla_sweep(*, now: datetime | None = None, max_batches: int = 50) -> SlaSweep:
    """Warn and escalate every task due, a batch at a time (at most `max_batches` of each per
    run, so one run stays short; the next minute's run takes the rest)."""
    now = now or clock.now()
    limit = batch_size()
    counts = {"warned": 0, "escalated": 0}
    for name, step in (("warned", _warn_batch), ("escalated", _escalate_batch)):
        for _ in range(max_batches):
            done = step(now, limit)
            counts[name] += done
            if done < limit:
                break
    return SlaSweep(**counts)


@periodic(name="applications.sla", every=timedelta(minutes=1))
def sla_job() -> None:
    sla_sweep()


def sla_breaches_count(*, agency: Any, since: datetime, until: datetime) -> int:
    """Tasks of `agency` whose deadline was breached in [since, until): the SLA breach KPI."""
    return AgencyTask.objects.filter(
        agency=agency, breached_at__gte=since, breached_at__lt=until
    ).count()
