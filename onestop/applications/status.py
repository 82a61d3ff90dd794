"""The application's status, derived from the states of its tasks.

`status_derive` is the rule, a pure function over the task states; `application_status_refresh`
applies it to one application and records `application.status_changed` when the answer changes.

The rule, as a citizen reads it:
- every part withdrawn → withdrawn;
- an all-or-nothing bundle (a life event whose parts stand or fall together) → rejected as soon
  as one part is rejected; its other open parts are then closed (workflow.py), since no agency
  should go on working, nor ask the applicant anything, for a bundle that has already failed;
- while parts are open: information requested if any part waits for the applicant, in progress
  once any part has left the queue, otherwise submitted;
- once every part is decided: rejected if none was approved; partly approved when some were
  approved and some rejected (parts standing alone); approved while an approved part still
  waits for its output, completed when every approved part has it.
Withdrawn parts of an application that is not wholly withdrawn do not count.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from onestop.core import clock
from onestop.core.events import event_record

from .models import OPEN_TASK_STATES, Application, ApplicationStatus, TaskState

APPROVED_STATES = {TaskState.APPROVED, TaskState.OUTPUT_ISSUED}
FINAL_STATUSES = {
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.PARTLY_APPROVED,
}


def status_derive(*, states: Iterable[str], is_all_or_nothing: bool) -> ApplicationStatus:
    """The application status for these task states (see the module's docstring)."""
    states = list(states)
    counted = [state for state in states if state != TaskState.WITHDRAWN]
    if not counted:
        return ApplicationStatus.WITHDRAWN if states else ApplicationStatus.SUBMITTED
    if is_all_or_nothing and TaskState.REJECTED in counted:
        return ApplicationStatus.REJECTED
    open_states = [state for state in counted if state in OPEN_TASK_STATES]
    if open_states:
        if TaskState.INFORMATION_REQUESTED in open_states:
            return ApplicationStatus.INFORMATION_REQUESTED
        if any(state != TaskState.QUEUED for state in counted):
            return ApplicationStatus.IN_PROGRESS
        return ApplicationStatus.SUBMITTED
    approved = [state for state in counted if state in APPROVED_STATES]
    if not approved:
        return ApplicationStatus.REJECTED
    if len(approved) < len(counted):
        return ApplicationStatus.PARTLY_APPROVED
    if TaskState.APPROVED in approved:
        return ApplicationStatus.APPROVED
    return ApplicationStatus.COMPLETED


def application_is_closed(*, states: Iterable[str], status: str) -> bool:
    """Nothing more will happen: no open part and no approved part waiting for its output."""
    states = list(states)
    if status in (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN):
        return True
    return not any(state in OPEN_TASK_STATES or state == TaskState.APPROVED for state in states)


def application_status_refresh(*, application: Application, actor: str) -> Application:
    """Derive and store the status; one query when nothing changed, and an
    `application.status_changed` event when it did. Callers hold the application's row lock
    (the workflow locks it before its tasks), so two agencies deciding at once cannot store a
    stale status."""
    states = list(application.tasks.values_list("state", flat=True))
    status = status_derive(states=states, is_all_or_nothing=application.is_all_or_nothing)
    is_closed = application_is_closed(states=states, status=status)
    was_closed = application.closed_at is not None
    if status == application.status and is_closed == was_closed:
        return application
    with transaction.atomic(savepoint=False):
        now = clock.now()
        previous = application.status
        fields = ["closed_at"]
        application.closed_at = (application.closed_at or now) if is_closed else None
        if status != previous:
            application.status = status
            application.status_changed_at = now
            fields += ["status", "status_changed_at"]
        application.save(update_fields=fields)
        if status != previous:
            event_record(
                name="application.status_changed",
                actor=actor,
                entity_type="applications.application",
                entity_id=str(application.pk),
                payload={
                    "from": previous,
                    "to": status,
                    "tracking_number": application.tracking_number,
                },
            )
    return application
