"""The public catalog: agencies, services and their passports, life events. Read-only and
anonymous; every route answers conditional GETs (see `caching`)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from onestop.catalog import selectors
from onestop.core.errors import NotFound

from . import presenters
from .caching import catalog_read
from .schemas import (
    AgencyPage,
    ErrorOut,
    LifeEventDetail,
    LifeEventPage,
    PassportOut,
    ServicePage,
    VersionList,
)

router = Router(tags=["catalog"])

CODE = r"^[A-Za-z0-9_-]+$"
CODE_OR_EMPTY = r"^[A-Za-z0-9_-]*$"  # an empty filter is no filter
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
MAX_OFFSET = 1_000_000_000
MAX_VERSION = 2_147_483_647
LANG_HELP = (
    "Language of the texts (en, fr, ru, ar…). Without it, the Accept-Language header decides, "
    "then the site's default language."
)


def _lang() -> Any:
    return Query(None, max_length=35, description=LANG_HELP)


def _code(description: str) -> Any:
    return Path(..., max_length=80, pattern=CODE, description=description)


def _filter(description: str) -> Any:
    return Query(None, max_length=80, pattern=CODE_OR_EMPTY, description=description)


def _responses(page: Any, *, not_found: bool = False) -> dict[int, Any]:
    responses: dict[int, Any] = {200: page, 304: None, 422: ErrorOut}
    if not_found:
        responses[404] = ErrorOut
    return responses


@router.get(
    "/agencies",
    response=_responses(AgencyPage),
    url_name="agency_list",
    operation_id="agency_list",
    summary="List the agencies",
)
def agency_list(request: HttpRequest, response: HttpResponse, lang: str | None = _lang()) -> Any:
    def build(language: str) -> dict[str, Any]:
        agencies = list(selectors.agency_list())
        items = [presenters.agency_out(agency, language) for agency in agencies]
        return {"language": language, "count": len(items), "items": items}

    return catalog_read(request, response, lang, build)


@router.get(
    "/services",
    response=_responses(ServicePage),
    url_name="service_list",
    operation_id="service_list",
    summary="Find services",
    description="Published services; with `q`, ranked by relevance, else ordered by code.",
)
def service_list(
    request: HttpRequest,
    response: HttpResponse,
    q: str = Query("", max_length=200, pattern=PRINTABLE, description="Words to search for."),
    agency: str | None = _filter("Only this agency's services (an agency code)."),
    life_event: str | None = _filter("Only the services of this life event (its code)."),
    category: str | None = _filter("Only services in this category (its code)."),
    limit: int = Query(20, ge=1, le=100, description="Page size, 1 to 100."),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Services to skip."),
    lang: str | None = _lang(),
) -> Any:
    def build(language: str) -> dict[str, Any]:
        page = selectors.service_list(
            query=q,
            language=language,
            agency=agency,
            life_event=life_event,
            category=category,
            limit=limit,
            offset=offset,
        )
        items = [presenters.service_summary_out(service, language) for service in page.services]
        return {
            "language": language,
            "count": page.count,
            "limit": limit,
            "offset": offset,
            "items": items,
        }

    return catalog_read(request, response, lang, build)


@router.get(
    "/services/{code}",
    response=_responses(PassportOut, not_found=True),
    by_alias=True,
    url_name="service_get",
    operation_id="service_get",
    summary="A service's passport",
)
def service_get(
    request: HttpRequest,
    response: HttpResponse,
    code: str = _code("The service's code."),
    lang: str | None = _lang(),
) -> Any:
    def build(language: str) -> dict[str, Any]:
        version = selectors.service_version_get(code=code)
        history = selectors.service_version_history(code=code)
        return presenters.passport_out(version, history, language)

    return catalog_read(request, response, lang, build)


@router.get(
    "/services/{code}/versions",
    response=_responses(VersionList, not_found=True),
    url_name="service_version_list",
    operation_id="service_version_list",
    summary="A service's published and retired versions, newest first",
)
def service_version_list(
    request: HttpRequest,
    response: HttpResponse,
    code: str = _code("The service's code."),
    lang: str | None = _lang(),
) -> Any:
    def build(language: str) -> dict[str, Any]:
        history = selectors.service_version_history(code=code)
        if not history:
            raise NotFound(
                _("No published service has the code %(code)s.") % {"code": code},
                code="service_not_found",
                service=code,
            )
        items = [presenters.version_link(version, code) for version in history]
        return {"language": language, "service": code, "count": len(items), "items": items}

    return catalog_read(request, response, lang, build)


@router.get(
    "/services/{code}/versions/{number}",
    response=_responses(PassportOut, not_found=True),
    by_alias=True,
    url_name="service_version_get",
    operation_id="service_version_get",
    summary="The passport of one version, current or retired (never a draft)",
)
def service_version_get(
    request: HttpRequest,
    response: HttpResponse,
    code: str = _code("The service's code."),
    number: int = Path(..., ge=1, le=MAX_VERSION, description="The version number."),
    lang: str | None = _lang(),
) -> Any:
    def build(language: str) -> dict[str, Any]:
        try:
            version = selectors.service_version_get(code=code, number=number)
        except NotFound as missing:
            raise NotFound(
                _("Service %(code)s has no public version %(number)d.")
                % {"code": code, "number": number},
                code="service_version_not_found",
                service=code,
                number=number,
            ) from missing
        history = selectors.service_version_history(code=code)
        return presenters.passport_out(version, history, language)

    return catalog_read(request, response, lang, build)


@router.get(
    "/life-events",
    response=_responses(LifeEventPage),
    url_name="life_event_list",
    operation_id="life_event_list",
    summary="List life and business events",
)
def life_event_list(
    request: HttpRequest,
    response: HttpResponse,
    kind: Literal["life", "business"] | None = Query(None, description="life or business"),
    lang: str | None = _lang(),
) -> Any:
    def build(language: str) -> dict[str, Any]:
        events = list(selectors.life_event_list(kind=kind))
        codes = {step.service.code for event in events for step in event.steps.all()}
        published = {s.code: s for s in selectors.service_summaries().filter(code__in=codes)}
        items = [
            presenters.life_event_out(
                event, presenters.life_event_services(event, published), language
            )
            for event in events
        ]
        return {"language": language, "count": len(items), "items": items}

    return catalog_read(request, response, lang, build)


@router.get(
    "/life-events/{code}",
    response=_responses(LifeEventDetail, not_found=True),
    url_name="life_event_get",
    operation_id="life_event_get",
    summary="One life event",
)
def life_event_get(
    request: HttpRequest,
    response: HttpResponse,
    code: str = _code("The life event's code."),
    lang: str | None = _lang(),
) -> Any:
    def build(language: str) -> dict[str, Any]:
        life_event, steps = selectors.life_event_get(code=code)
        services = [(step.service, version) for step, version in steps]
        return {"language": language, **presenters.life_event_out(life_event, services, language)}

    return catalog_read(request, response, lang, build)
