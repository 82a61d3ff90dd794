"""Read queries of the catalog. Each owns its joins, so callers cannot cause N+1 queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from onestop.core.errors import NotFound
from onestop.core.text import pick

from .models import (
    Agency,
    CatalogRevision,
    Category,
    Cost,
    EvidenceRequirement,
    EvidenceType,
    LifeEvent,
    LifeEventStep,
    Service,
    ServiceVersion,
    VersionStatus,
)

# Large texts and the form that lists never show; a passport loads them.
PASSPORT_ONLY_FIELDS = (
    "description",
    "eligibility",
    "form_schema",
    "form_hints",
    "appeal",
    "keywords",
)


def catalog_revision() -> int:
    """Changes with every catalog edit; the API's ETags and the search index key on it."""
    row = CatalogRevision.objects.filter(id=1).values_list("number", flat=True).first()
    return row or 0


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.order_by("code")


def agency_get(*, code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise NotFound(
            _("No agency has the code '%(code)s'.") % {"code": code}, code="agency_not_found"
        )
    return agency


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(parent__isnull=True).order_by("position", "code")


def category_get(*, code: str) -> Category:
    category = Category.objects.select_related("parent").filter(code=code).first()
    if category is None:
        raise NotFound(
            _("No category has the code '%(code)s'.") % {"code": code}, code="category_not_found"
        )
    return category


def _published_versions() -> QuerySet[ServiceVersion]:
    return ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)


def service_summaries() -> QuerySet[Service]:
    """Services with a published version, each carrying `current` (a one-item list)."""
    return (
        Service.objects.filter(versions__status=VersionStatus.PUBLISHED)
        .select_related("agency")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=_published_versions()
                .defer(*PASSPORT_ONLY_FIELDS)
                .prefetch_related("costs"),
                to_attr="current",
            ),
            "categories",
        )
    )


@dataclass(frozen=True)
class ServicePage:
    count: int
    services: list[Service]


def service_list(
    *,
    query: str = "",
    language: str,
    agency: str | None = None,
    life_event: str | None = None,
    category: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> ServicePage:
    """Published services, filtered; with a query, ranked by relevance, else alphabetically
    by code."""
    services = service_summaries()
    if agency:
        services = services.filter(agency__code=agency)
    if life_event:
        services = services.filter(life_event_steps__life_event__code=life_event)
    if category:
        services = services.filter(categories__code=category)
    if not query.strip():
        services = services.order_by("code").distinct()
        return ServicePage(services.count(), list(services[offset : offset + limit]))
    from .search import service_search

    if agency or life_event or category:
        result = service_search(query=query, language=language, limit=100_000)
        ranked = [hit.code for hit in result.hits]
        allowed = set(services.filter(code__in=ranked).values_list("code", flat=True))
        codes = [code for code in ranked if code in allowed]
        count, page_codes = len(codes), codes[offset : offset + limit]
    else:
        result = service_search(query=query, language=language, limit=limit, offset=offset)
        count, page_codes = result.total, [hit.code for hit in result.hits]
    by_code = {s.code: s for s in service_summaries().filter(code__in=page_codes)}
    return ServicePage(count, [by_code[code] for code in page_codes if code in by_code])


def service_most_used(*, limit: int = 8) -> list[Service]:
    return list(service_summaries().order_by("-annual_volume", "code")[:limit])


def service_version_get(*, code: str, number: int | None = None) -> ServiceVersion:
    """The version a passport shows: the published one, or a given number (older versions stay
    readable so applications filed under them keep their terms). Drafts are never public."""
    versions = (
        ServiceVersion.objects.filter(service__code=code)
        .exclude(status=VersionStatus.DRAFT)
        .select_related("service__agency")
        .prefetch_related(
            "criteria",
            Prefetch(
                "evidence_requirements",
                queryset=EvidenceRequirement.objects.select_related("evidence_type"),
            ),
            Prefetch(
                "costs", queryset=Cost.objects.prefetch_related("exemptions__beneficiary_category")
            ),
            "legal_resources",
            "service__categories",
            "service__centers",
            Prefetch(
                "service__life_event_steps",
                queryset=LifeEventStep.objects.select_related("life_event"),
            ),
        )
    )
    version = (
        versions.filter(number=number).first()
        if number is not None
        else versions.filter(status=VersionStatus.PUBLISHED).first()
    )
    if version is None and number is not None and Service.objects.filter(code=code).exists():
        raise NotFound(
            _("Service %(code)s has no published version %(number)s.")
            % {"code": code, "number": number},
            code="service_version_not_found",
        )
    if version is None:
        raise NotFound(
            _("No published service has the code '%(code)s'.") % {"code": code},
            code="service_not_found",
        )
    return version


def service_version_history(*, code: str) -> list[ServiceVersion]:
    return list(
        ServiceVersion.objects.filter(service__code=code)
        .exclude(status=VersionStatus.DRAFT)
        .order_by("-number")
    )


def life_event_list(*, kind: str | None = None, with_steps: bool = True) -> QuerySet[LifeEvent]:
    events = LifeEvent.objects.all()
    if with_steps:
        events = events.prefetch_related(
            Prefetch("steps", queryset=LifeEventStep.objects.select_related("service__agency"))
        )
    return events.filter(kind=kind) if kind else events


def life_event_get(*, code: str) -> tuple[LifeEvent, list[tuple[LifeEventStep, ServiceVersion]]]:
    """The event and its steps in order, each with the service's published version."""
    life_event = LifeEvent.objects.filter(code=code).first()
    if life_event is None:
        raise NotFound(
            _("No life event has the code '%(code)s'.") % {"code": code},
            code="life_event_not_found",
        )
    steps = list(life_event.steps.select_related("service__agency").order_by("position"))
    versions = {
        v.service_id: v
        for v in _published_versions()
        .filter(service__in=[s.service_id for s in steps])
        .prefetch_related("costs")
    }
    return life_event, [
        (step, versions[step.service_id]) for step in steps if step.service_id in versions
    ]


def evidence_names(*, codes: Iterable[str], language: str | None = None) -> dict[str, str]:
    """The evidence types' names in `language`; a code the catalog no longer has keeps its code."""
    codes = list(codes)
    names = {
        row.code: pick(row.name, language) for row in EvidenceType.objects.filter(code__in=codes)
    }
    return {code: names.get(code) or code for code in codes}
