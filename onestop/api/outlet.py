"""Partner outlets and kiosks filing applications on a citizen's behalf with their center's API
key (scope `applications:file`), and reading back what they filed (one, or the list). Filing in
steps, with uploads, is in `outlet_drafts`.

The key is an outlet system actor in the domain (`onestop.applications.outlet`): it files only
in its own center, through the channel of its kind; it records how the citizen was identified
and consented. Every route parses, calls one domain function, renders; refusals come from the
domain (another center's application is the same 404 as a missing one).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import StringConstraints

from onestop.applications.intake import ApplicationInputs
from onestop.applications.models import Application, ConsentMethod
from onestop.applications.outlet import (
    IDENTIFICATION_METHODS,
    OutletFiling,
    outlet_application_file,
    outlet_application_get,
    outlet_application_list,
)
from onestop.core.errors import InvalidInput
from onestop.integrations.models import ApiKey, ApiScope
from onestop.integrations.services import api_key_outlet_actor

from .agency import in_language
from .applications import (
    APPLICATION_ID,
    PRINTABLE,
    ApplicationOut,
    ApplicationPageOut,
    application_out,
    application_page_out,
    idempotency_key_missing,
    request_language,
)
from .auth import ApiKeyAuth
from .schemas import error_responses

router = Router(tags=["outlet applications"])
FILE = ApiKeyAuth(ApiScope.APPLICATIONS_FILE)
ServiceCode = Annotated[
    str, StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_-]+$")
]
Identification = Literal[IDENTIFICATION_METHODS]  # type: ignore[valid-type]
ConsentChoice = Literal[("", *ConsentMethod.values)]  # type: ignore[valid-type]
KEY_HELP = (
    "Your own text (1 to 100 characters), unique per application and per key, repeated only to "
    "retry the same filing: a retry answers 200 with the application first made. Header or "
    "`idempotency_key` field (both only if equal)."
)


class OutletApplicantIn(Schema):
    """What is applied for, and for whom: shared by a filing and a draft."""

    services: list[ServiceCode] = Field(
        default_factory=list, max_length=20, description="Service codes (or give life_event)."
    )
    life_event: str = Field("", max_length=80, description="A life event's code.")
    answers: dict[str, Any] = Field(default_factory=dict, description="The form's answers.")
    applicant_national_id: str = Field(
        ..., min_length=1, max_length=40, description="The citizen filed for."
    )
    tier: Literal["standard", "express"] = "standard"

    def inputs(self, request: HttpRequest) -> ApplicationInputs:
        """What the domain is asked to file, in the request's language."""
        return ApplicationInputs(
            service_codes=list(self.services),
            life_event_code=self.life_event,
            answers=self.answers,
            applicant_national_id=self.applicant_national_id,
            tier=self.tier,
            language=request_language(request),
        )


class OutletFilingIn(Schema):
    """How the citizen was identified and consented: shared by a filing and a draft's
    submission."""

    identification: Identification = Field(
        ...,
        description=(
            "How the citizen was identified: `id_document_checked` (a clerk saw the identity "
            "document; partner outlets only), `id_card_chip` (the card's chip with its PIN) or "
            "`e_id` (the national e-ID)."
        ),
    )
    consent_method: ConsentChoice = Field(
        "",
        description=(
            "Required at a partner outlet: how the citizen consented (signed_form, "
            "signed_on_screen, verbal_recorded, mandate). At a kiosk the citizen confirms on "
            "the screen: signed_on_screen, or nothing."
        ),
    )


class OutletApplicationIn(OutletFilingIn, OutletApplicantIn):
    contact_phone: str = Field("", max_length=40)
    contact_email: str = Field("", max_length=254)
    idempotency_key: str = Field("", max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")


def _outlet_url(application: Application) -> str:
    return reverse("api:outlet_application_get", args=[application.pk])


def outlet_application_out(application: Application) -> dict[str, Any]:
    body = application_out(application)
    body["url"] = _outlet_url(application)
    return body


def idempotency_key_of(request: HttpRequest, header: str | None, field: str) -> str:
    if header and field and header != field:

        def build() -> InvalidInput:
            message = _(
                "The Idempotency-Key header and the idempotency_key field differ; send one of "
                "them, or both equal."
            )
            return InvalidInput(
                message,
                field="Idempotency-Key",
                errors=[{"field": "Idempotency-Key", "location": "header", "message": message}],
            )

        raise in_language(request, build)
    key = header or field
    if not key:
        raise idempotency_key_missing(request)
    return key


@router.post(
    "/outlet/applications",
    auth=FILE,
    response={200: ApplicationOut, 201: ApplicationOut, **error_responses(409)},
    url_name="outlet_application_file",
    operation_id="outlet_application_file",
    summary="File an application on a citizen's behalf at a partner outlet or kiosk",
    description=(
        "With a key of a partner outlet or kiosk (scope `applications:file`). The channel is "
        "the center's kind. A partner outlet records the citizen's consent; a kiosk identifies "
        "the citizen electronically. 201 with the new application, 200 for a retry with the "
        "same idempotency key (also for the loser of two racing first filings)."
    ),
)
def outlet_application_file_route(
    request: HttpRequest,
    body: OutletApplicationIn,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", max_length=100, pattern=PRINTABLE, description=KEY_HELP
    ),
) -> Status[dict[str, Any]]:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]
    key = idempotency_key_of(request, idempotency_key, body.idempotency_key)

    def file() -> tuple[Application, bool]:
        actor = api_key_outlet_actor(api_key=api_key)
        return outlet_application_file(
            actor=actor,
            idempotency_key=key,
            inputs=body.inputs(request),
            filing=OutletFiling(
                identification=body.identification, consent_method=body.consent_method
            ),
            contact_phone=body.contact_phone,
            contact_email=body.contact_email,
        )

    application, created = in_language(request, file)
    out = in_language(request, lambda: outlet_application_out(application))
    return Status(201 if created else 200, out)


@router.get(
    "/outlet/applications/{application_id}",
    auth=FILE,
    response={200: ApplicationOut, **error_responses()},
    url_name="outlet_application_get",
    operation_id="outlet_application_get",
    summary="An application this partner outlet or kiosk filed",
    description="Only those its center's keys filed; any other is 404 `application_not_found`.",
)
def outlet_application_get_route(
    request: HttpRequest,
    application_id: uuid.UUID = APPLICATION_ID,
) -> dict[str, Any]:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]

    def build() -> dict[str, Any]:
        actor = api_key_outlet_actor(api_key=api_key)
        return outlet_application_out(
            outlet_application_get(actor=actor, application_id=application_id)
        )

    return in_language(request, build)


@router.get(
    "/outlet/applications",
    auth=FILE,
    response={200: ApplicationPageOut, **error_responses()},
    url_name="outlet_application_list",
    operation_id="outlet_application_list",
    summary="The applications this partner outlet or kiosk filed, newest first",
    description=(
        "Those any key of this center filed (in one call or from a draft), 20 a page; "
        "`has_next` says whether `page=N+1` has more."
    ),
)
def outlet_application_list_route(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=100_000, description="The page, from 1."),
) -> dict[str, Any]:
    api_key: ApiKey = request.auth  # type: ignore[attr-defined]

    def build() -> dict[str, Any]:
        actor = api_key_outlet_actor(api_key=api_key)
        return application_page_out(
            outlet_application_list(actor=actor, page=page), url=_outlet_url
        )

    return in_language(request, build)
