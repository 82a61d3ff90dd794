"""A citizen's applications over the API: submit, read, list mine, withdraw, answer an
information request. The caller is a signed-in citizen (the portal's session, with CSRF; see
`citizen_auth`); "mine" is what the portal shows them. Every route parses, calls one domain
function, renders; the domain checks access (not yours is the same 404 as missing)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Body, Field, Header, Path, Query, Router, Schema, Status
from pydantic import StringConstraints

from onestop.applications import selectors
from onestop.applications.access import application_get_for
from onestop.applications.api_support import (
    application_information_answer_by_application,
)
from onestop.applications.intake import ApplicationInputs, application_submit_created
from onestop.applications.models import Application, ApplicationChannel
from onestop.applications.workflow import application_withdraw
from onestop.core.errors import InvalidInput

from .agency import in_language
from .citizen_auth import CitizenSessionAuth, citizen_of
from .schemas import error_responses

router = Router(tags=["applications"])
ServiceCode = Annotated[
    str, StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_-]+$")
]
SESSION = CitizenSessionAuth()
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
SERVICES = Body(
    default_factory=list, max_length=20, description="Service codes (or give life_event)."
)
ANSWERS = Body(default_factory=dict, description="The form's answers.")
KEY_HELP = (
    "Your own text (1 to 100 characters), unique per application, repeated only to retry the "
    "same submission: a retry answers 200 with the application first made."
)


class WithdrawIn(Schema):
    reason_text: str = Field("", max_length=2000, description="Why, if you wish to say.")


WITHDRAW_BODY = Body(None)


class ApplicationTaskOut(Schema):
    service: str
    agency: str
    state: str
    state_label: str
    due_at: datetime
    is_open: bool


class TimelineOut(Schema):
    at: datetime
    text: str
    service: str


class ExpectedOut(Schema):
    kind: str = Field(description="information_request or evidence")
    text: str
    service: str
    message: str = Field(description="The request's id, to name it when answering.")
    evidence_code: str


class ApplicationOut(Schema):
    id: str
    tracking_number: str
    status: str
    status_label: str
    channel: str
    language: str
    submitted_at: datetime
    closed_at: datetime | None
    next_due_at: datetime | None
    tasks: list[ApplicationTaskOut]
    timeline: list[TimelineOut]
    expected: list[ExpectedOut]
    url: str


class ApplicationSummaryOut(Schema):
    id: str
    tracking_number: str
    status: str
    status_label: str
    submitted_at: datetime
    url: str


class ApplicationPageOut(Schema):
    count: int
    page: int
    has_next: bool
    items: list[ApplicationSummaryOut]


def _url(application: Application) -> str:
    return reverse("api:application_get", args=[application.pk])


def application_page_out(
    found: selectors.ApplicationPage, *, url: Callable[[Application], str]
) -> dict[str, Any]:
    """A page of applications as `ApplicationPageOut`, each linked by `url` (the caller's own
    address for an application: a citizen's, an outlet's)."""
    return {
        "count": found.count,
        "page": found.number,
        "has_next": found.has_next,
        "items": [
            {
                "id": str(row.pk),
                "tracking_number": row.tracking_number,
                "status": row.status,
                "status_label": selectors.status_label(row.status),
                "submitted_at": row.submitted_at,
                "url": url(row),
            }
            for row in found.items
        ],
    }


def application_out(application: Application) -> dict[str, Any]:
    view = selectors.application_tracking(application=application)
    return {
        "id": str(application.pk),
        "tracking_number": application.tracking_number,
        "status": application.status,
        "status_label": view.status_label,
        "channel": application.channel,
        "language": application.language,
        "submitted_at": application.submitted_at,
        "closed_at": application.closed_at,
        "next_due_at": view.next_due_at,
        "tasks": [vars(task) for task in view.tasks],
        "timeline": [vars(entry) for entry in view.timeline],
        "expected": [
            {
                "kind": item.kind,
                "text": item.text,
                "service": item.service,
                "message": item.message_id,
                "evidence_code": item.evidence_code,
            }
            for item in view.expected
        ],
        "url": _url(application),
    }


@router.post(
    "/applications",
    auth=SESSION,
    response={200: ApplicationOut, 201: ApplicationOut, **error_responses(409)},
    url_name="application_submit",
    operation_id="application_submit",
    summary="Submit an application for one service or a life event",
    description=(
        "The signed-in citizen applies in one call: `services` (or `life_event`) and the form's "
        "`answers`; evidence is fetched from the registries once-only. The `Idempotency-Key` "
        "header is required: 201 with the new application, 200 with the same application for a "
        "retry (also for the loser of two racing first submissions with one key). A form the service "
        "refuses is 422 `form_invalid` with every field's messages."
    ),
)
def application_submit_route(
    request: HttpRequest,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=100, pattern=PRINTABLE, description=KEY_HELP
    ),
    services: list[ServiceCode] = SERVICES,
    life_event: str = Body("", max_length=80, description="A life event's code."),
    answers: dict[str, Any] = ANSWERS,
    applicant_national_id: str = Body(
        "", max_length=40, description="Someone you hold a mandate for; default: yourself."
    ),
    tier: Literal["standard", "express"] = Body("standard"),
    channel: Literal["online", "kiosk"] = Body("online"),
    contact_phone: str = Body("", max_length=40),
    contact_email: str = Body("", max_length=254),
) -> Status[dict[str, Any]]:
    account = citizen_of(request)
    if not idempotency_key:
        raise idempotency_key_missing(request)
    codes = list(services)

    def submit() -> tuple[Application, bool]:
        inputs = ApplicationInputs(
            service_codes=codes,
            life_event_code=life_event,
            answers=answers,
            applicant_national_id=applicant_national_id,
            tier=tier,
            language=request_language(request),
        )
        # A retry finds the earlier application first, before anything is asked of a registry.
        return application_submit_created(
            actor=account,
            idempotency_key=idempotency_key,
            inputs=inputs,
            channel=ApplicationChannel(channel),
            contact_phone=contact_phone,
            contact_email=contact_email,
        )

    application, created = in_language(request, submit)
    body = in_language(request, lambda: application_out(application))
    return Status(201 if created else 200, body)


def request_language(request: HttpRequest) -> str:
    from .caching import language_choose

    return language_choose(request, None)


def idempotency_key_missing(request: HttpRequest) -> InvalidInput:
    from django.utils.translation import gettext as _

    def build() -> InvalidInput:
        message = _(
            "Send an Idempotency-Key header: a text of your own, unique per application, "
            "that you repeat only to retry the same submission."
        )
        return InvalidInput(
            message,
            field="Idempotency-Key",
            errors=[{"field": "Idempotency-Key", "location": "header", "message": message}],
        )

    return in_language(request, build)


@router.get(
    "/applications",
    auth=SESSION,
    response={200: ApplicationPageOut, **error_responses()},
    url_name="application_list",
    operation_id="application_list",
    summary="My applications, newest first",
    description="Those the citizen submitted and those filed for their person; 20 a page.",
)
def application_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=100_000, description="The page, from 1."),
) -> dict[str, Any]:
    account = citizen_of(request)

    def build() -> dict[str, Any]:
        return application_page_out(selectors.applications_of(account=account, page=page), url=_url)

    return in_language(request, build)


APPLICATION_ID = Path(..., description="The application's id.")


@router.get(
    "/applications/{application_id}",
    auth=SESSION,
    response={200: ApplicationOut, **error_responses()},
    url_name="application_get",
    operation_id="application_get",
    summary="One of my applications: its status, parts, timeline and what is expected of me",
)
def application_get(
    request: HttpRequest, application_id: uuid.UUID = APPLICATION_ID
) -> dict[str, Any]:
    account = citizen_of(request)

    def build() -> dict[str, Any]:
        application = application_get_for(actor=account, application_id=application_id)
        return application_out(application)

    return in_language(request, build)


@router.post(
    "/applications/{application_id}/withdraw",
    auth=SESSION,
    response={200: ApplicationOut, **error_responses(409)},
    url_name="application_withdraw",
    operation_id="application_withdraw",
    summary="Withdraw my application",
    description=(
        "Every part still open stops; what was already decided stays. 409 "
        "`application_not_open` when nothing is left to withdraw."
    ),
)
def application_withdraw_route(
    request: HttpRequest,
    application_id: uuid.UUID = APPLICATION_ID,
    body: WithdrawIn | None = WITHDRAW_BODY,
) -> dict[str, Any]:
    account = citizen_of(request)
    reason_text = body.reason_text if body else ""

    def withdraw() -> dict[str, Any]:
        application = application_withdraw(
            actor=account,
            application_id=application_id,
            channel=ApplicationChannel.ONLINE,
            reason_text=reason_text,
        )
        return application_out(application)

    return in_language(request, withdraw)


@router.post(
    "/applications/{application_id}/information-answers",
    auth=SESSION,
    response={200: ApplicationOut, **error_responses(409)},
    url_name="application_information_answer",
    operation_id="application_information_answer",
    summary="Answer what an agency asked me",
    description=(
        "`text` answers the open request named by `message` (its id, from `expected`), or the "
        "only one open. The part goes back to its officer."
    ),
)
def application_information_answer_route(
    request: HttpRequest,
    application_id: uuid.UUID = APPLICATION_ID,
    text: str = Body(..., min_length=1, max_length=2000),
    message: str = Body("", max_length=40, pattern=r"^[0-9a-fA-F-]*$"),
) -> dict[str, Any]:
    account = citizen_of(request)

    def answer() -> dict[str, Any]:
        application_information_answer_by_application(
            actor=account,
            application_id=application_id,
            text=text,
            message_id=message,
            channel=ApplicationChannel.ONLINE,
        )
        application = application_get_for(actor=account, application_id=application_id)
        return application_out(application)

    return in_language(request, answer)
