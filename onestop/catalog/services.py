"""Commands that change the catalog. Each runs in one transaction and records its event.

Each takes `actor`: a staff user needs `catalog.edit` (drafts, reference data) or
`catalog.publish` (anything that publishes or retires a version); a `SystemActor` (the pack
loader, a catalog import run on the server) passes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F, Max
from django.db.models.functions import Now

from onestop.core import clock
from onestop.core.errors import Conflict, NotFound
from onestop.core.events import event_record
from onestop.core.records import upsert_by_code
from onestop.staff.actors import Actor, actor_require

from .models import (
    Agency,
    BeneficiaryCategory,
    CatalogRevision,
    Category,
    EvidenceType,
    LegalResource,
    LifeEvent,
    LifeEventStep,
    Service,
    ServiceVersion,
    VersionStatus,
)
from .terms import version_fill, version_terms

ReferenceModel = TypeVar(
    "ReferenceModel", Agency, Category, BeneficiaryCategory, EvidenceType, LegalResource, LifeEvent
)


def catalog_revision_bump() -> None:
    """Tell caches (search index, ETags) the catalog changed; commits with the change."""
    updated = CatalogRevision.objects.filter(id=1).update(number=F("number") + 1, changed_at=Now())
    if not updated:
        CatalogRevision.objects.get_or_create(id=1, defaults={"number": 1})


def reference_upsert(
    *, actor: Actor, model: type[ReferenceModel], code: str, values: dict[str, Any]
) -> tuple[ReferenceModel, bool]:
    """Create or update a reference row by code; returns (row, changed). Unchanged: no event."""
    label = actor_require(actor=actor, action="catalog.edit")
    with transaction.atomic():
        row, action = upsert_by_code(model, code, values)
        if action is None:
            return row, False
        event_record(
            name=f"catalog.{model._meta.model_name}_{action}",
            actor=label,
            entity_type=f"catalog.{model._meta.model_name}",
            entity_id=str(row.pk),
            payload={"code": code, "fields": sorted(values)},
        )
        catalog_revision_bump()
        return row, True


def service_upsert(
    *,
    actor: Actor,
    code: str,
    agency: Agency,
    annual_volume: int,
    category_codes: list[str],
    center_codes: list[str] | None,
    terms: dict[str, Any],
) -> tuple[Service, bool]:
    """Create or update a service from its full terms (pack loading, catalog import).

    New terms become a new published version and the previous one is retired; identical
    terms change nothing.
    """
    from onestop.centers.models import Center

    label = actor_require(actor=actor, action="catalog.publish")
    with transaction.atomic():
        service, created = Service.objects.select_for_update().get_or_create(
            code=code, defaults={"agency": agency, "annual_volume": annual_volume}
        )
        changed = created
        if (service.agency_id, service.annual_volume) != (agency.pk, annual_volume):
            service.agency, service.annual_volume = agency, annual_volume
            service.save(update_fields=["agency", "annual_volume"])
            changed = True
        changed |= _set_codes(service.categories, Category, category_codes)
        if center_codes is None:
            center_codes = list(Center.objects.values_list("code", flat=True))
        changed |= _set_codes(service.centers, Center, center_codes)
        current = service_current_version(service)
        if current is None or version_terms(current) != terms:
            draft = _version_new(service=service, terms=terms)
            service_version_publish(actor=actor, version=draft)
            changed = True
        elif changed:
            event_record(
                name="catalog.service_updated",
                actor=label,
                entity_type="catalog.service",
                entity_id=str(service.pk),
                payload={"code": code},
            )
            catalog_revision_bump()
        return service, changed


def _set_codes(manager: Any, model: type[models.Model], codes: list[str]) -> bool:
    wanted = set(model._default_manager.filter(code__in=codes).values_list("pk", flat=True))
    current = set(manager.values_list("pk", flat=True))
    if wanted == current:
        return False
    manager.set(wanted)
    return True


def service_current_version(service: Service) -> ServiceVersion | None:
    return service.versions.filter(status=VersionStatus.PUBLISHED).first()


def _version_new(*, service: Service, terms: dict[str, Any]) -> ServiceVersion:
    number = (service.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return version_fill(ServiceVersion(service=service, number=number), terms)


def service_version_draft(*, actor: Actor, service: Service) -> ServiceVersion:
    """Start editing a service: a new draft holding a copy of the current terms.

    Editing never touches a published version in place; applications filed under it keep
    its terms.
    """
    label = actor_require(actor=actor, action="catalog.edit")
    with transaction.atomic():
        Service.objects.select_for_update().get(pk=service.pk)
        if service.versions.filter(status=VersionStatus.DRAFT).exists():
            raise Conflict(
                "This service already has a draft; edit or publish that draft first.",
                code="draft_exists",
            )
        current = service_current_version(service)
        if current is None:
            raise NotFound("This service has no published version to start from.")
        draft = _version_new(service=service, terms=version_terms(current))
        event_record(
            name="catalog.service_version_drafted",
            actor=label,
            entity_type="catalog.serviceversion",
            entity_id=str(draft.pk),
            payload={"code": service.code, "number": draft.number},
        )
        return draft


def service_version_publish(
    *, actor: Actor, version: ServiceVersion, effective_from: date | None = None
) -> ServiceVersion:
    """Publish a draft; the version it replaces is retired the day before."""
    label = actor_require(actor=actor, action="catalog.publish")
    with transaction.atomic():
        version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise Conflict(
                f"Version {version.number} is {version.status}; only a draft can be published.",
                code="not_a_draft",
            )
        start = effective_from or version.effective_from or clock.today()
        previous = service_current_version(version.service)
        if previous is not None:
            previous.status = VersionStatus.RETIRED
            previous.effective_to = max(start - timedelta(days=1), previous.effective_from or start)
            previous.save(update_fields=["status", "effective_to"])
        version.status = VersionStatus.PUBLISHED
        version.effective_from = start
        version.published_at = clock.now()
        version.save(update_fields=["status", "effective_from", "published_at"])
        event_record(
            name="catalog.service_version_published",
            actor=label,
            entity_type="catalog.serviceversion",
            entity_id=str(version.pk),
            payload={
                "code": version.service.code,
                "number": version.number,
                "retired": previous.number if previous else None,
            },
        )
        catalog_revision_bump()
        return version


def service_version_retire(*, actor: Actor, version: ServiceVersion) -> ServiceVersion:
    label = actor_require(actor=actor, action="catalog.publish")
    with transaction.atomic():
        version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != VersionStatus.PUBLISHED:
            raise Conflict("Only a published version can be retired.", code="not_published")
        version.status = VersionStatus.RETIRED
        version.effective_to = clock.today()
        version.save(update_fields=["status", "effective_to"])
        event_record(
            name="catalog.service_version_retired",
            actor=label,
            entity_type="catalog.serviceversion",
            entity_id=str(version.pk),
            payload={"code": version.service.code, "number": version.number},
        )
        catalog_revision_bump()
        return version


def life_event_upsert(
    *, actor: Actor, code: str, values: dict[str, Any], service_codes: list[str]
) -> tuple[LifeEvent, bool]:
    label = actor_require(actor=actor, action="catalog.edit")
    with transaction.atomic():
        life_event, changed = reference_upsert(
            actor=actor, model=LifeEvent, code=code, values=values
        )
        current = list(life_event.steps.values_list("service__code", flat=True))
        if current != service_codes:
            life_event.steps.all().delete()
            services = {s.code: s for s in Service.objects.filter(code__in=service_codes)}
            LifeEventStep.objects.bulk_create(
                LifeEventStep(life_event=life_event, service=services[code], position=position)
                for position, code in enumerate(service_codes, start=1)
            )
            event_record(
                name="catalog.life_event_services_changed",
                actor=label,
                entity_type="catalog.lifeevent",
                entity_id=str(life_event.pk),
                payload={"code": code, "services": service_codes},
            )
            catalog_revision_bump()
            changed = True
        return life_event, changed
