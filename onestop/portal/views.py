"""Portal pages: parse the request, call one catalog selector, render."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from onestop.catalog.models import LifeEventKind
from onestop.catalog.search import life_event_search
from onestop.catalog.selectors import (
    agency_get,
    agency_list,
    category_get,
    category_list,
    life_event_get,
    life_event_list,
    service_list,
    service_most_used,
    service_version_get,
    service_version_history,
)
from onestop.core.errors import NotFound
from onestop.core.text import active_language, pick

from .forms import MAX_PAGE, SearchForm
from .passport import opening_days, passport_build, standard_fee

PAGE_SIZE = 20


@dataclass(frozen=True)
class Paging:
    number: int
    count: int

    @property
    def total_pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))

    @property
    def offset(self) -> int:
        return (self.number - 1) * PAGE_SIZE

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.total_pages else None


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1") or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise BadRequest("page")
    return int(raw)


def home(request: HttpRequest) -> HttpResponse:
    events = list(life_event_list(with_steps=False))
    return render(
        request,
        "portal/home.html",
        {
            "form": SearchForm(),
            "life_events": [e for e in events if e.kind == LifeEventKind.LIFE],
            "business_events": [e for e in events if e.kind == LifeEventKind.BUSINESS],
            "categories": category_list(),
            "most_used": service_most_used(limit=8),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    context = {
        "form": form,
        "agencies": agency_list(),
        "categories": category_list(),
        "life_events": life_event_list(with_steps=False),
    }
    if not form.is_valid():
        return render(request, "portal/search.html", context, status=400)
    data = form.cleaned_data
    if data["q"] or form.has_filters():
        paging = Paging(number=data["page"] or 1, count=0)
        results = service_list(
            query=data["q"],
            language=active_language(),
            agency=data["agency"] or None,
            category=data["category"] or None,
            life_event=data["life_event"] or None,
            limit=PAGE_SIZE,
            offset=paging.offset,
        )
        context |= {"results": results, "paging": Paging(number=paging.number, count=results.count)}
        if data["q"] and paging.number == 1:
            # A situation that bundles services ("having a baby") is offered above them.
            context["life_event_hits"] = life_event_search(
                query=data["q"], language=active_language()
            )
    return render(request, "portal/search.html", context)


def category(request: HttpRequest, code: str) -> HttpResponse:
    page_number = _page_number(request)
    results = service_list(
        language=active_language(),
        category=code,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    try:
        found = category_get(code=code)
    except NotFound as error:
        raise Http404(code) from error
    return render(
        request,
        "portal/category.html",
        {
            "category": found,
            "results": results,
            "paging": Paging(number=page_number, count=results.count),
        },
    )


def agency(request: HttpRequest, code: str) -> HttpResponse:
    page_number = _page_number(request)
    try:
        found = agency_get(code=code)
    except NotFound as error:
        raise Http404(code) from error
    results = service_list(
        language=active_language(),
        agency=code,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "portal/agency.html",
        {
            "agency": found,
            "results": results,
            "paging": Paging(number=page_number, count=results.count),
            "opening_days": opening_days(found.opening_hours),
        },
    )


def service(request: HttpRequest, code: str) -> HttpResponse:
    raw_number = request.GET.get("version")
    if raw_number is not None and not raw_number.isdigit():
        raise BadRequest("version")
    try:
        version = service_version_get(
            code=code, number=int(raw_number) if raw_number is not None else None
        )
    except NotFound as error:
        raise Http404(code) from error
    history = service_version_history(code=code)
    return render(
        request,
        "portal/service.html",
        {
            "version": version,
            "service": version.service,
            "agency": version.service.agency,
            "passport": passport_build(version=version, language=active_language()),
            "history": history,
            "latest": history[0],
            "life_events": [step.life_event for step in version.service.life_event_steps.all()],
        },
    )


def life_event(request: HttpRequest, code: str) -> HttpResponse:
    try:
        event, steps = life_event_get(code=code)
    except NotFound as error:
        raise Http404(code) from error
    language = active_language()
    return render(
        request,
        "portal/life_event.html",
        {
            "event": event,
            "steps": [
                {
                    "step": step,
                    "version": version,
                    "note": pick(step.note, language),
                    "fee": standard_fee(version=version, language=language),
                }
                for step, version in steps
            ],
            "title": pick(event.name, language),
        },
    )
