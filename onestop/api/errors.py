"""Every API error, in one place, as `{"error": {"code", "message", "details"}}`.

Codes are stable (clients switch on them); messages are for people and follow the request's
language. Domain errors carry their own status; bad input is 422 `invalid_input` naming each
field and its fix; an unexpected failure is logged and answered as 500 `internal_error`
without internals.
"""

from __future__ import annotations

import json
import logging
from functools import partial
from typing import Any

from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from onestop.core.errors import DomainError, NotFound

from .caching import language_choose

logger = logging.getLogger(__name__)

# What django-ninja says (as an HttpError 400) when a body does not parse.
UNPARSEABLE_BODY = "Cannot parse request body"


def _field_fixes() -> dict[str, str]:
    """Fixes for our bounded parameters, whatever pydantic found wrong with them."""
    return {
        "limit": _("limit must be a whole number between 1 and 100."),
        "offset": _("offset must be a whole number between 0 and 1000000000."),
        "number": _("number must be a whole version number, 1 or more."),
        "q": _("q must be at most 200 characters, without control characters."),
        "code": _("code must be a catalog code: letters, digits, hyphens and underscores."),
        "agency": _("agency must be an agency code: letters, digits, hyphens and underscores."),
        "category": _(
            "category must be a category code: letters, digits, hyphens and underscores."
        ),
        "life_event": _(
            "life_event must be a life event code: letters, digits, hyphens and underscores."
        ),
        "lang": _("lang must be a language code such as en or ar."),
        **_application_field_fixes(),
    }


def _application_field_fixes() -> dict[str, str]:
    """The applications and agency tasks endpoints' fields (docs/api.md)."""
    return {
        "expected_version": _(
            "expected_version must be the task's version as you last read it: a whole number, "
            "1 or more."
        ),
        "decision": _("decision must be approve or reject."),
        "reason_code": _("reason_code must be the code of a decision reason, 1 to 60 characters."),
        "reason_text": _("reason_text must be text of at most 2000 characters."),
        "text": _("text must be your message, 1 to 2000 characters."),
        "respond_by": _("respond_by must be a date written as YYYY-MM-DD."),
        "services": _(
            "services must be a list of service codes: letters, digits, hyphens and underscores."
        ),
        "life_event": _(
            "life_event must be a life event code: letters, digits, hyphens and underscores."
        ),
        "answers": _("answers must be an object: each form field's name and its value."),
        "tier": _("tier must be standard or express."),
        "channel": _("channel must be online or kiosk."),
        "page": _("page must be a whole number, 1 or more."),
        "state": _(
            "state must be a task state: queued, assigned, in_review, information_requested, "
            "resubmitted, approved, rejected, output_issued or withdrawn."
        ),
        "overdue": _("overdue must be true or false."),
        "after": _("after must be the next_cursor of the previous page, as it was given."),
        "message": _("message must be the id of an open information request."),
        "task_id": _("The task id must be a UUID, as the list of tasks gives it."),
        "application_id": _("The application id must be a UUID, as the list gives it."),
        "Idempotency-Key": _(
            "Idempotency-Key must be 1 to 100 printable characters of your own, unique per "
            "application."
        ),
        **_outlet_and_upload_field_fixes(),
    }


def _outlet_and_upload_field_fixes() -> dict[str, str]:
    """The outlet filing and the upload endpoints' fields (docs/api.md)."""
    return {
        "identification": _("identification must be id_document_checked, id_card_chip or e_id."),
        "consent_method": _(
            "consent_method must be signed_form, signed_on_screen, verbal_recorded or mandate."
        ),
        "idempotency_key": _(
            "idempotency_key must be 1 to 100 printable characters of your own, unique per "
            "application."
        ),
        "file": _("file must be one document, sent as multipart/form-data in the field file."),
        "draft_id": _("The draft id must be a UUID, as the draft gives it."),
        "evidence_code": _(
            "evidence_code must be the code of one of the draft's evidence: letters, digits, "
            "hyphens and underscores."
        ),
    }


def _type_messages() -> dict[str, str]:
    """What a field of the wrong type or size must be, by pydantic's error type; `%(field)s`
    and the error's context (`max_length`, `ge`…) fill them."""
    must_be_object = _("%(field)s must be an object: names and their values.")
    must_be_number = _("%(field)s must be a whole number.")
    must_be_yes_no = _("%(field)s must be true or false.")
    must_be_uuid = _("%(field)s must be a UUID, as the API gave it.")
    must_be_date = _("%(field)s must be a date written as YYYY-MM-DD.")
    return {
        "list_type": _("%(field)s must be a list, in square brackets."),
        "dict_type": must_be_object,
        "model_type": must_be_object,
        "model_attributes_type": must_be_object,
        "string_type": _("%(field)s must be text, in quotes."),
        "int_type": must_be_number,
        "int_parsing": must_be_number,
        "int_from_float": must_be_number,
        "bool_type": must_be_yes_no,
        "bool_parsing": must_be_yes_no,
        "uuid_type": must_be_uuid,
        "uuid_parsing": must_be_uuid,
        "date_type": must_be_date,
        "date_parsing": must_be_date,
        "date_from_datetime_parsing": must_be_date,
        "string_too_long": _("%(field)s is too long: at most %(max_length)s characters."),
        "string_too_short": _("%(field)s is too short: at least %(min_length)s characters."),
        "too_long": _("%(field)s has too many items: at most %(max_length)s."),
        "too_short": _("%(field)s has too few items: at least %(min_length)s."),
        "greater_than_equal": _("%(field)s must be %(ge)s or more."),
        "less_than_equal": _("%(field)s must be %(le)s or less."),
        "extra_forbidden": _("%(field)s is not a field of this request: leave it out."),
    }


def _by_type(field: str, error: dict[str, Any]) -> str:
    """A message in the request's language naming what the field must be: pydantic's own words
    are English only, so they are never the message."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    values = {"field": field, **{key: str(value) for key, value in context.items()}}
    if kind == "missing":
        return _("%(field)s is required.") % values
    if kind in ("literal_error", "enum"):
        return _("%(field)s must be one of %(expected)s.") % {
            "field": field,
            "expected": context.get("expected", ""),
        }
    template = _type_messages().get(kind)
    if template is not None:
        try:
            return template % values
        except (KeyError, ValueError):
            pass  # a context without the number the message names: say it plainly
    return _("%(field)s is not valid; the API's documentation at %(docs)s says what it takes.") % {
        "field": field,
        "docs": reverse("api:openapi-view"),
    }


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    location, *path = [str(part) for part in error.get("loc", ())] or ["request"]
    if location == "body" and path[:1] == ["body"]:
        path = path[1:]  # a body read as one schema parameter named `body`
    field = ".".join(path) or location
    fixes = _field_fixes()
    fix = fixes.get(field) or fixes.get(field.split(".")[0])  # services.0 → services
    message = fix if fix and error.get("type") != "missing" else _by_type(field, error)
    return {"field": field, "location": location, "message": message}


def error_response(
    api: NinjaAPI, request: HttpRequest, *, status: int, code: str, message: str, **details: Any
) -> HttpResponse:
    # Details come from domain code; anything not JSON-ready is shown as text.
    safe_details = json.loads(json.dumps(details, default=str))
    body = {"error": {"code": code, "message": message, "details": safe_details}}
    return api.create_response(request, body, status=status)


def _request_language(request: HttpRequest) -> str:
    try:
        return language_choose(request, request.GET.get("lang"))
    except DomainError:
        return language_choose(request, None)


def on_domain_error(api: NinjaAPI, request: HttpRequest, error: DomainError) -> HttpResponse:
    return error_response(
        api,
        request,
        status=error.status,
        code=error.code,
        message=error.message,
        **error.details,
    )


def on_validation_error(
    api: NinjaAPI, request: HttpRequest, error: ValidationError
) -> HttpResponse:
    with translation.override(_request_language(request)):
        errors = [_field_error(item) for item in error.errors]
        message = " ".join(dict.fromkeys(item["message"] for item in errors))
    return error_response(
        api, request, status=422, code="invalid_input", message=message, errors=errors
    )


def on_http_404(api: NinjaAPI, request: HttpRequest, error: Http404) -> HttpResponse:
    return on_domain_error(api, request, route_not_found(request))


def on_http_error(api: NinjaAPI, request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 400 and str(error).startswith(UNPARSEABLE_BODY):
        with translation.override(_request_language(request)):
            message = _(
                "The request body is not valid JSON: send one JSON object, with the header "
                "Content-Type: application/json."
            )
        return error_response(
            api, request, status=400, code="invalid_json", message=message, field="body"
        )
    return error_response(
        api, request, status=error.status_code, code="http_error", message=str(error)
    )


def on_unexpected(api: NinjaAPI, request: HttpRequest, error: Exception) -> HttpResponse:
    logger.exception("API request %s %s failed", request.method, request.path, exc_info=error)
    # Error reporting (and the test client) listen for this, as for any Django view.
    got_request_exception.send(sender=None, request=request)
    with translation.override(_request_language(request)):
        message = _("Something went wrong on our side; the error has been logged.")
    return error_response(api, request, status=500, code="internal_error", message=message)


def route_not_found(request: HttpRequest) -> NotFound:
    with translation.override(_request_language(request)):
        message = _("There is no API endpoint at %(path)s; the list is at %(docs)s.") % {
            "path": request.path,
            "docs": reverse("api:openapi-view"),
        }
    return NotFound(message, code="route_not_found", path=request.path)


def errors_install(api: NinjaAPI) -> None:
    handlers: list[tuple[type[Exception], Any]] = [
        (DomainError, on_domain_error),
        (ValidationError, on_validation_error),
        (Http404, on_http_404),
        (HttpError, on_http_error),
        (Exception, on_unexpected),
    ]
    for exception_class, handler in handlers:
        api.add_exception_handler(exception_class, partial(handler, api))
