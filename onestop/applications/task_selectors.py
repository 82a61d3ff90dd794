"""The officer console's reads: my tasks, the agency's queue, the escalations, the case view;
and the internal note, the one write that is not a transition.

Every read checks `task.read` in the task's agency here, in the domain; a task of another
agency answers the same NotFound as a missing one. Lists page by keyset on (due_at, id), the
order of the (agency, state, due_at) and (assignee, state, due_at) indexes, so page 1,000 costs
what page 1 does. Opening a case is an access to personal data: it is written to the audit
trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from onestop.core import clock
from onestop.core.audit import audit_append
from onestop.core.errors import InvalidInput, NotFound
from onestop.core.events import event_record
from onestop.staff.actors import (
    Actor,
    SystemActor,
    actor_label,
    actor_require,
    agency_system_may,
)
from onestop.staff.models import StaffRole
from onestop.staff.permissions import ACTIONS, staff_may

from .models import (
    OPEN_TASK_STATES,
    AgencyTask,
    ApplicationEvidence,
    ApplicationMessage,
    OutputRecord,
    TaskNote,
    TaskState,
    TaskTransition,
)
from .workflow import task_actions_available, task_id_checked

PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
NOTE_TEXT_MAX = 4000


@dataclass(frozen=True)
class TaskPage:
    tasks: list[AgencyTask]
    next_cursor: str  # empty on the last page


@dataclass(frozen=True)
class CaseView:
    task: AgencyTask
    evidence: list[ApplicationEvidence]
    history: list[TaskTransition]
    notes: list[TaskNote]  # internal: never shown to the applicant
    messages: list[ApplicationMessage]  # what the applicant and the agency said to each other
    output: OutputRecord | None
    actions: list[str]


def cursor_of(task: AgencyTask) -> str:
    return f"{task.due_at.isoformat()}_{task.pk}"


def _cursor_parse(cursor: str) -> tuple[datetime, UUID]:
    try:
        due_at, pk = cursor.rsplit("_", 1)
        return datetime.fromisoformat(due_at), UUID(pk)
    except ValueError:
        raise InvalidInput(
            _("This page link is damaged; go back to the first page of the list."),
            field="after",
        ) from None


def _page(tasks: QuerySet[AgencyTask], after: str, limit: int) -> TaskPage:
    if not 1 <= limit <= PAGE_SIZE_MAX:
        raise InvalidInput(
            _("Show between 1 and %(most)d tasks a page.") % {"most": PAGE_SIZE_MAX},
            field="limit",
        )
    if after:
        due_at, pk = _cursor_parse(after)
        tasks = tasks.filter(Q(due_at__gt=due_at) | Q(due_at=due_at, pk__gt=pk))
    rows = list(
        tasks.select_related("service_version__service", "application", "assignee").order_by(
            "due_at", "pk"
        )[: limit + 1]
    )
    return TaskPage(
        tasks=rows[:limit], next_cursor=cursor_of(rows[limit - 1]) if len(rows) > limit else ""
    )


def task_mine_list(*, actor: Actor, after: str = "", limit: int = PAGE_SIZE) -> TaskPage:
    """The open tasks assigned to `actor`, in agencies where they still hold a role that reads
    tasks, soonest deadline first."""
    if not isinstance(actor, AbstractBaseUser) or not actor.is_authenticated:
        return TaskPage(tasks=[], next_cursor="")
    now = clock.now()
    agencies = StaffRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        user_id=actor.pk,
        role__in=ACTIONS["task.read"].roles,
        valid_from__lte=now,
        agency__isnull=False,
    ).values("agency_id")
    tasks = AgencyTask.objects.filter(
        assignee_id=actor.pk, state__in=OPEN_TASK_STATES, agency_id__in=agencies
    )
    return _page(tasks, after, limit)


def task_queue_list(
    *,
    actor: Actor,
    agency: Any,
    states: list[str] | None = None,
    service_code: str = "",
    is_overdue: bool | None = None,
    after: str = "",
    limit: int = PAGE_SIZE,
) -> TaskPage:
    """The agency's queue: open tasks by default, filtered by state, service or being overdue,
    soonest deadline first."""
    actor_require(actor=actor, action="task.read", agency=agency)
    states = states or list(OPEN_TASK_STATES)
    unknown = sorted(set(states) - set(TaskState.values))
    if unknown:
        raise InvalidInput(
            _("%(state)s is not a task state.") % {"state": unknown[0]}, field="states"
        )
    tasks = AgencyTask.objects.filter(agency=agency, state__in=states)
    if service_code:
        tasks = tasks.filter(service_version__service__code=service_code)
    if is_overdue is not None:
        now = clock.now()
        tasks = tasks.filter(due_at__lt=now) if is_overdue else tasks.filter(due_at__gte=now)
    return _page(tasks, after, limit)


def task_escalated_list(
    *, actor: Actor, agency: Any, after: str = "", limit: int = PAGE_SIZE
) -> TaskPage:
    """A supervisor's escalations: the agency's open tasks past their deadline."""
    actor_require(actor=actor, action="task.assign", agency=agency)
    tasks = AgencyTask.objects.filter(
        agency=agency, state__in=OPEN_TASK_STATES, escalated_at__isnull=False
    )
    return _page(tasks, after, limit)


def _task_readable(actor: Actor, task_id: Any) -> AgencyTask:
    task_id = task_id_checked(task_id)
    task = (
        AgencyTask.objects.select_related(
            "application", "service_version__service", "agency", "assignee", "output"
        )
        .filter(pk=task_id)
        .first()
    )
    readable = task is not None and (
        isinstance(actor, SystemActor)
        or agency_system_may(actor=actor, action="task.read", agency=task.agency_id)
        or staff_may(user=actor, action="task.read", agency=task.agency_id)
    )
    if task is None or not readable:
        raise NotFound(_("There is no such task."), code="task_not_found")
    return task


def _output(task: AgencyTask) -> OutputRecord | None:
    try:
        return task.output
    except OutputRecord.DoesNotExist:
        return None


def task_case_get(*, actor: Actor, task_id: Any) -> CaseView:
    """Everything the case view shows, for staff who may read the task's agency's tasks."""
    task = _task_readable(actor, task_id)
    application = task.application
    audit_append(
        actor=actor_label(actor),
        action="applications.case_viewed",
        entity_type="applications.agencytask",
        entity_id=str(task.pk),
        on_behalf_of="",
        data={"application": str(application.pk)},
    )
    return CaseView(
        task=task,
        evidence=list(application.evidence.order_by("evidence_code", "id")),
        history=list(task.transitions.all()),
        notes=list(task.notes.select_related("author")),
        messages=list(application.messages.filter(Q(task=task) | Q(task__isnull=True))),
        output=_output(task),
        actions=task_actions_available(actor=actor, task=task),
    )


def task_note_add(*, actor: Actor, task_id: Any, text: str) -> TaskNote:
    """An internal note between staff of the agency; never shown to the applicant."""
    text = text.strip()
    if not text:
        raise InvalidInput(_("Write the note before saving it."), field="text")
    if len(text) > NOTE_TEXT_MAX:
        raise InvalidInput(
            _("The note is too long; keep it under %(limit)d characters.")
            % {"limit": NOTE_TEXT_MAX},
            field="text",
        )
    if not isinstance(actor, AbstractBaseUser):
        raise InvalidInput(_("A note is written by a member of staff."), field="actor")
    task = _task_readable(actor, task_id)
    label = actor_require(actor=actor, action="task.decide", agency=task.agency_id)
    with transaction.atomic():
        note = TaskNote.objects.create(
            task=task, author_id=actor.pk, text=text, created_at=clock.now()
        )
        event_record(
            name="task.note_added",
            actor=label,
            entity_type="applications.agencytask",
            entity_id=str(task.pk),
            payload={"task": str(task.pk), "note": str(note.pk)},
        )
    return note
