"""Agencies that keep their own case system: their queue, one case, and the moves on a task.

Each key belongs to one agency and acts as that agency's system (`AgencySystemActor`): the
domain lets it read and work that agency's tasks only (another agency's task is "not found"),
claim a queued task for the system, and work the tasks no officer holds. Every route parses its
input, calls one domain function and renders; refusals come from the domain.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from ninja import Body, Field, Path, Query, Router, Schema

from onestop.applications import task_selectors, workflow
from onestop.applications.models import AgencyTask, TaskState
from onestop.integrations.models import ApiKey, ApiScope
from onestop.integrations.services import api_key_agency_actor

from .auth import ApiKeyAuth
from .caching import language_choose
from .schemas import error_responses

router = Router(tags=["agency tasks"])

T = TypeVar("T")
State = Literal[tuple(TaskState.values)]  # type: ignore[valid-type]
CURSOR = r"^[0-9T:+.\-]{10,40}_[0-9a-fA-F-]{32,36}$"
SERVICE = r"^[A-Za-z0-9_-]*$"
MAX_VERSION = 2_147_483_647
VERSION_HELP = (
    "The task's `version` as you last read it; when someone changed the task since, the answer "
    "is 409 `task_stale` and nothing changes."
)


def agency_actor(api_key: ApiKey) -> Any:
    return api_key_agency_actor(api_key=api_key)


def in_language(request: HttpRequest, call: Callable[[], T]) -> T:
    """Run a domain call in the request's language, so its refusals read in it."""
    with translation.override(language_choose(request, None)):
        return call()


class TaskOut(Schema):
    id: str
    version: int
    state: str
    agency: str
    service: str
    application: str
    tracking_number: str
    assignee: str | None
    due_at: datetime
    warn_at: datetime
    escalated_at: datetime | None
    first_response_at: datetime | None
    decided_at: datetime | None
    decision_reason: str
    created_at: datetime
    updated_at: datetime
    url: str


class TaskPageOut(Schema):
    items: list[TaskOut]
    next_cursor: str = Field(description="Pass as `after` for the next page; empty at the end.")


class EvidenceItemOut(Schema):
    code: str
    status: str
    source: str
    fetched_at: datetime | None
    file_name: str
    content_type: str
    size: int


class TransitionOut(Schema):
    from_state: str
    to_state: str
    actor: str
    reason_code: str
    reason_text: str
    at: datetime


class MessageOut(Schema):
    direction: str
    kind: str
    text: str
    at: datetime
    respond_by: date | None
    answered_at: datetime | None


class OutputRecordOut(Schema):
    number: str
    issued_at: datetime
    valid_until: date | None


class ApplicantOut(Schema):
    national_id: str
    language: str
    channel: str
    submitted_at: datetime
    form_data: dict[str, Any]


class CaseOut(Schema):
    task: TaskOut
    applicant: ApplicantOut
    evidence: list[EvidenceItemOut]
    history: list[TransitionOut]
    messages: list[MessageOut]
    output: OutputRecordOut | None
    actions: list[str] = Field(description="The moves this key may make next.")


def _task_out(task: AgencyTask) -> dict[str, Any]:
    return {
        "id": str(task.pk),
        "version": task.version,
        "state": task.state,
        "agency": task.agency.code,
        "service": task.service_version.service.code,
        "application": str(task.application_id),
        "tracking_number": task.application.tracking_number,
        "assignee": task.assignee.get_username() if task.assignee is not None else None,
        "due_at": task.due_at,
        "warn_at": task.warn_at,
        "escalated_at": task.escalated_at,
        "first_response_at": task.first_response_at,
        "decided_at": task.decided_at,
        "decision_reason": task.decision_reason,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
        "url": reverse("api:agency_task_get", args=[task.pk]),
    }


def _case_out(case: task_selectors.CaseView) -> dict[str, Any]:
    application = case.task.application
    return {
        "task": _task_out(case.task),
        "applicant": {
            "national_id": application.applicant_national_id,
            "language": application.language,
            "channel": application.channel,
            "submitted_at": application.submitted_at,
            "form_data": application.form_data,
        },
        "evidence": [
            {
                "code": row.evidence_code,
                "status": row.status,
                "source": row.source,
                "fetched_at": row.fetched_at,
                "file_name": row.file_name,
                "content_type": row.content_type,
                "size": row.size,
            }
            for row in case.evidence
        ],
        "history": [
            {
                "from_state": row.from_state,
                "to_state": row.to_state,
                "actor": row.actor,
                "reason_code": row.reason_code,
                "reason_text": row.reason_text,
                "at": row.occurred_at,
            }
            for row in case.history
        ],
        "messages": [
            {
                "direction": row.direction,
                "kind": row.kind,
                "text": row.text,
                "at": row.created_at,
                "respond_by": row.respond_by,
                "answered_at": row.answered_at,
            }
            for row in case.messages
        ],
        "output": (
            {
                "number": case.output.number,
                "issued_at": case.output.issued_at,
                "valid_until": case.output.valid_until,
            }
            if case.output
            else None
        ),
        "actions": case.actions,
    }


def _key(request: HttpRequest) -> ApiKey:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _moved(request: HttpRequest, move: Callable[[Any], AgencyTask]) -> Any:
    actor = agency_actor(_key(request))
    task = in_language(request, lambda: move(actor))
    return _task_out(task)


TASK_ID = Path(..., description="The task's id.")
STATES = Query(None, description="Only tasks in these states.")
RESPOND_BY = Body(None, description="The reply date; default 14 days from today.")


def _version() -> Any:
    return Body(None, ge=1, le=MAX_VERSION, description=VERSION_HELP)


class VersionIn(Schema):
    expected_version: int | None = Field(None, ge=1, le=MAX_VERSION, description=VERSION_HELP)


VERSION_BODY = Body(None)


@router.get(
    "/agency/tasks",
    auth=ApiKeyAuth(ApiScope.TASKS_READ),
    response={200: TaskPageOut, **error_responses()},
    url_name="agency_task_list",
    operation_id="agency_task_list",
    summary="The agency's queue",
    description=(
        "Scope `tasks:read`. Open tasks by default, soonest deadline first; `state` (repeatable), "
        "`service` and `overdue` filter. Pages by keyset: pass `next_cursor` back as `after`."
    ),
)
def agency_task_list(
    request: HttpRequest,
    state: list[State] | None = STATES,  # type: ignore[valid-type]
    service: str = Query("", max_length=80, pattern=SERVICE, description="A service code."),
    overdue: bool | None = Query(None, description="true: past their deadline; false: not."),
    after: str = Query("", max_length=80, description="`next_cursor` of the previous page."),
    limit: int = Query(50, ge=1, le=100, description="Page size, 1 to 100."),
) -> dict[str, Any]:
    api_key = _key(request)
    page = in_language(
        request,
        lambda: task_selectors.task_queue_list(
            actor=agency_actor(api_key),
            agency=api_key.agency,
            states=list(state or []),
            service_code=service,
            is_overdue=overdue,
            after=after,
            limit=limit,
        ),
    )
    items = []
    for task in page.tasks:
        task.agency = api_key.agency  # type: ignore[assignment]  # an agency's key (its scope)
        items.append(_task_out(task))
    return {"items": items, "next_cursor": page.next_cursor}


@router.get(
    "/agency/tasks/{task_id}",
    auth=ApiKeyAuth(ApiScope.TASKS_READ),
    response={200: CaseOut, **error_responses()},
    url_name="agency_task_get",
    operation_id="agency_task_get",
    summary="One case: the task, the application's answers, evidence, history, messages",
    description=(
        "Scope `tasks:read`; the key's own agency's tasks only (another's is 404). Reading a "
        "case is written to the audit trail. Internal notes of officers are not included."
    ),
)
def agency_task_get(request: HttpRequest, task_id: uuid.UUID = TASK_ID) -> dict[str, Any]:
    actor = agency_actor(_key(request))
    case = in_language(request, lambda: task_selectors.task_case_get(actor=actor, task_id=task_id))
    return _case_out(case)


WRITE = ApiKeyAuth(ApiScope.TASKS_WRITE)
MOVED = {200: TaskOut, **error_responses(409)}


@router.post(
    "/agency/tasks/{task_id}/claim",
    auth=WRITE,
    response=MOVED,
    url_name="agency_task_claim",
    operation_id="agency_task_claim",
    summary="Claim a queued task for the agency's system",
    description=(
        "Scope `tasks:write`. The task becomes assigned, to no officer: the system works it. "
        "409 `task_transition_not_allowed` when it is not queued."
    ),
)
def agency_task_claim(
    request: HttpRequest, task_id: uuid.UUID = TASK_ID, body: VersionIn | None = VERSION_BODY
) -> Any:
    expected_version = body.expected_version if body else None
    return _moved(
        request,
        lambda actor: workflow.task_claim(
            actor=actor, task_id=task_id, expected_version=expected_version
        ),
    )


@router.post(
    "/agency/tasks/{task_id}/review-start",
    auth=WRITE,
    response=MOVED,
    url_name="agency_task_review_start",
    operation_id="agency_task_review_start",
    summary="Open the case for review (after a claim, or after the applicant answered)",
    description="Scope `tasks:write`.",
)
def agency_task_review_start(
    request: HttpRequest, task_id: uuid.UUID = TASK_ID, body: VersionIn | None = VERSION_BODY
) -> Any:
    expected_version = body.expected_version if body else None
    return _moved(
        request,
        lambda actor: workflow.task_review_start(
            actor=actor, task_id=task_id, expected_version=expected_version
        ),
    )


@router.post(
    "/agency/tasks/{task_id}/release",
    auth=WRITE,
    response=MOVED,
    url_name="agency_task_release",
    operation_id="agency_task_release",
    summary="Put the task back on the agency's queue",
    description="Scope `tasks:write`.",
)
def agency_task_release(
    request: HttpRequest,
    task_id: uuid.UUID = TASK_ID,
    reason_text: str = Body("", max_length=2000),
    expected_version: int | None = _version(),
) -> Any:
    return _moved(
        request,
        lambda actor: workflow.task_release(
            actor=actor, task_id=task_id, reason_text=reason_text, expected_version=expected_version
        ),
    )


@router.post(
    "/agency/tasks/{task_id}/decision",
    auth=WRITE,
    response=MOVED,
    url_name="agency_task_decide",
    operation_id="agency_task_decide",
    summary="Approve or reject, with a reason code and the agency's own words",
    description=(
        "Scope `tasks:write`. The task must be in review. `reason_code` comes from the list of "
        "decision reasons for that decision; `reason_text` is required for a rejection. An "
        "approval issues the output (for an all-or-nothing bundle, once every part is approved)."
    ),
)
def agency_task_decide(
    request: HttpRequest,
    task_id: uuid.UUID = TASK_ID,
    decision: Literal["approve", "reject"] = Body(...),
    reason_code: str = Body(..., min_length=1, max_length=60),
    reason_text: str = Body("", max_length=2000),
    expected_version: int | None = _version(),
) -> Any:
    return _moved(
        request,
        lambda actor: workflow.task_decide(
            actor=actor,
            task_id=task_id,
            decision=decision,
            reason_code=reason_code,
            reason_text=reason_text,
            expected_version=expected_version,
        ),
    )


@router.post(
    "/agency/tasks/{task_id}/information-requests",
    auth=WRITE,
    response=MOVED,
    url_name="agency_task_information_request",
    operation_id="agency_task_information_request",
    summary="Ask the applicant for something, with a reply date",
    description=(
        "Scope `tasks:write`. The task must be in review. The applicant is told (in their "
        "language) and answers in the portal, at a counter or through the API; the task then "
        "comes back as `resubmitted`. `respond_by` defaults to 14 days from today."
    ),
)
def agency_task_information_request(
    request: HttpRequest,
    task_id: uuid.UUID = TASK_ID,
    text: str = Body(..., min_length=1, max_length=2000),
    respond_by: date | None = RESPOND_BY,
    expected_version: int | None = _version(),
) -> Any:
    return _moved(
        request,
        lambda actor: workflow.task_information_request(
            actor=actor,
            task_id=task_id,
            text=text,
            respond_by=respond_by,
            expected_version=expected_version,
        ),
    )
