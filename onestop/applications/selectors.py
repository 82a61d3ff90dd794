"""Reads for the citizen's pages: their applications, and one application's tracking view
(a timeline, what is expected of them, the deadlines). Callers check access first
(access.application_get_for); these functions own their queries so pages cannot cause N+1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.accounts.models import CitizenAccount
from onestop.catalog.models import EvidenceType
from onestop.core.text import pick

from .models import (
    OPEN_TASK_STATES,
    AgencyTask,
    Application,
    ApplicationEvidence,
    ApplicationMessage,
    ApplicationStatus,
    EvidenceStatus,
    MessageDirection,
    TaskState,
    TaskTransition,
)

PAGE_SIZE = 20


@dataclass(frozen=True)
class ApplicationPage:
    count: int
    number: int
    items: list[Application]

    @property
    def has_next(self) -> bool:
        return self.number * PAGE_SIZE < self.count


def applications_of(*, account: CitizenAccount, page: int = 1) -> ApplicationPage:
    """The account's applications (those it submitted and those filed for its person), newest
    first, PAGE_SIZE a page (two queries)."""
    mine = Q(applicant_account=account)
    if account.person_reference:
        mine |= Q(applicant_national_id=account.person_reference)
    rows: QuerySet[Application] = Application.objects.filter(mine).order_by("-submitted_at", "-id")
    number = max(int(page), 1)
    start = (number - 1) * PAGE_SIZE
    items = list(rows.select_related("life_event")[start : start + PAGE_SIZE])
    return ApplicationPage(count=rows.count(), number=number, items=items)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    service: str = ""


@dataclass(frozen=True)
class TaskView:
    service: str
    agency: str
    state: str
    state_label: str
    due_at: datetime
    is_open: bool


@dataclass(frozen=True)
class Expected:
    kind: str  # information_request | evidence
    text: str
    service: str = ""
    message_id: str = ""
    evidence_code: str = ""


@dataclass(frozen=True)
class TrackingView:
    application: Application
    status_label: str
    tasks: list[TaskView]
    timeline: list[TimelineEntry]
    expected: list[Expected]
    next_due_at: datetime | None
    evidence: list[ApplicationEvidence]


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def task_state_label(state: str) -> str:
    return str(TASK_STATE_LABELS.get(state, state))


def application_tracking(*, application: Application) -> TrackingView:
    """What the tracking page shows (four queries, five with missing documents), texts in the active language. Internal
    notes are never read here."""
    tasks = list(
        AgencyTask.objects.filter(application=application)
        .select_related("service_version", "agency")
        .order_by("created_at", "id")
    )
    names = {task.pk: pick(task.service_version.name) for task in tasks}
    transitions = TaskTransition.objects.filter(task__application=application).order_by(
        "occurred_at", "id"
    )
    messages = list(
        ApplicationMessage.objects.filter(application=application).order_by("created_at", "id")
    )
    evidence = list(
        ApplicationEvidence.objects.filter(application=application).order_by("evidence_code")
    )
    timeline = [TimelineEntry(application.submitted_at, _("Application submitted"))]
    timeline += [
        TimelineEntry(row.occurred_at, task_state_label(row.to_state), names.get(row.task_id, ""))
        for row in transitions
        if row.from_state
    ]
    timeline += [
        TimelineEntry(
            message.created_at,
            _("Message from the agency"),
            names.get(message.task_id, "") if message.task_id else "",
        )
        for message in messages
        if message.direction == MessageDirection.TO_APPLICANT
    ]
    timeline.sort(key=lambda entry: entry.at)
    open_tasks = [task for task in tasks if task.state in OPEN_TASK_STATES]
    return TrackingView(
        application=application,
        status_label=status_label(application.status),
        tasks=[_task_view(task, names[task.pk]) for task in tasks],
        timeline=timeline,
        expected=_expected(messages, evidence, names),
        next_due_at=min((task.due_at for task in open_tasks), default=None),
        evidence=evidence,
    )


def _task_view(task: AgencyTask, name: str) -> TaskView:
    return TaskView(
        service=name,
        agency=pick(task.agency.name),
        state=task.state,
        state_label=task_state_label(task.state),
        due_at=task.due_at,
        is_open=task.state in OPEN_TASK_STATES,
    )


def _expected(
    messages: list[ApplicationMessage], evidence: list[ApplicationEvidence], names: dict
) -> list[Expected]:
    expected = [
        Expected(
            kind="information_request",
            text=message.text,
            service=names.get(message.task_id, ""),
            message_id=str(message.pk),
        )
        for message in messages
        if message.kind == "information_request" and message.answered_at is None
    ]
    missing = [
        row.evidence_code
        for row in evidence
        if row.status == EvidenceStatus.MISSING and row.reason != "optional_not_given"
    ]
    if not missing:
        return expected
    names = dict(EvidenceType.objects.filter(code__in=missing).values_list("code", "name"))
    expected += [
        Expected(
            kind="evidence",
            text=_("Bring or upload this document: %(name)s.")
            % {"name": pick(names.get(code)) or code},
            evidence_code=code,
        )
        for code in missing
    ]
    return expected


STATUS_LABELS: dict[str, Any] = {
    ApplicationStatus.SUBMITTED: gettext_lazy("Submitted"),
    ApplicationStatus.IN_PROGRESS: gettext_lazy("In progress"),
    ApplicationStatus.INFORMATION_REQUESTED: gettext_lazy("Information requested"),
    ApplicationStatus.APPROVED: gettext_lazy("Approved"),
    ApplicationStatus.PARTLY_APPROVED: gettext_lazy("Partly approved"),
    ApplicationStatus.REJECTED: gettext_lazy("Rejected"),
    ApplicationStatus.WITHDRAWN: gettext_lazy("Withdrawn"),
    ApplicationStatus.COMPLETED: gettext_lazy("Completed"),
}
TASK_STATE_LABELS: dict[str, Any] = {
    TaskState.QUEUED: gettext_lazy("Waiting for an officer"),
    TaskState.ASSIGNED: gettext_lazy("Taken by an officer"),
    TaskState.IN_REVIEW: gettext_lazy("Being examined"),
    TaskState.INFORMATION_REQUESTED: gettext_lazy("Waiting for your answer"),
    TaskState.RESUBMITTED: gettext_lazy("Your answer is being examined"),
    TaskState.APPROVED: gettext_lazy("Approved"),
    TaskState.REJECTED: gettext_lazy("Rejected"),
    TaskState.OUTPUT_ISSUED: gettext_lazy("Document issued"),
    TaskState.WITHDRAWN: gettext_lazy("Withdrawn"),
}
