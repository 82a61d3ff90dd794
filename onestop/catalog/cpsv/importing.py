"""Importing a CPSV-AP 3.2.0 document into the catalog.

Every write goes through the catalog's commands (`reference_upsert`, `service_upsert`,
`life_event_upsert`), so an import is audited like any other edit and importing the same
document twice changes nothing. The whole import is one transaction. What the document says
that the catalog cannot keep is returned as the report's `unmapped`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS
from rdflib.term import Node

from onestop.core.models import CountryProfile
from onestop.staff.actors import Actor

from .. import services as catalog
from ..models import (
    Agency,
    BeneficiaryCategory,
    Category,
    EvidenceType,
    LegalResource,
    LifeEvent,
    LifeEventKind,
    Service,
)
from ..terms import version_terms
from .hours import hours_read
from .reading import Reader, document_parse
from .service_terms import ServiceReader, new_service_terms
from .vocabulary import CPSV, CV, ELI, LOCN, Iris, local_name


@dataclass
class ImportReport:
    changed: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    unmapped: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.changed.values())

    def count(self, section: str, changed: bool) -> None:
        self.changed[section] = self.changed.get(section, 0) + int(changed)

    def lines(self) -> list[str]:
        summary = ", ".join(f"{section} {count}" for section, count in self.changed.items())
        lines = [f"{self.total} change(s) ({summary or 'nothing read'})."]
        lines += [f"Skipped: {reason}" for reason in self.skipped]
        if self.unmapped:
            lines.append(f"Not mapped ({len(self.unmapped)} subject(s)):")
            lines += [
                f"  {subject}: {', '.join(props)}" for subject, props in self.unmapped.items()
            ]
        return lines


def catalog_import(*, path: Path, actor: Actor, base: str | None = None) -> ImportReport:
    """Import a Turtle or JSON-LD file; see `document_parse` for the formats read."""
    return catalog_import_graph(graph=document_parse(path), actor=actor, base=base)


def catalog_import_graph(*, graph: Graph, actor: Actor, base: str | None = None) -> ImportReport:
    importer = _Importer(Reader(graph), Iris(base), actor)
    with transaction.atomic():
        importer.run()
    importer.report.unmapped = importer.reader.unmapped()
    return importer.report


# Fields a new row cannot do without; an import that does not state them gives them these.
REQUIRED: dict[type[models.Model], dict[str, Any]] = {
    Agency: {"name": {}},
    Category: {"name": {}},
    BeneficiaryCategory: {"name": {}},
    EvidenceType: {"name": {}},
    LegalResource: {"title": {}},
    LifeEvent: {"name": {}, "kind": LifeEventKind.LIFE},
}


class _Importer:
    def __init__(self, reader: Reader, iris: Iris, actor: Actor) -> None:
        self.reader, self.iris, self.actor = reader, iris, actor
        self.report = ImportReport()
        profile = CountryProfile.objects.filter(id=1).first()
        self.untagged = profile.languages[0] if profile else settings.LANGUAGE_CODE.split("-")[0]
        self.currency = profile.currency if profile else ""
        self.codes: dict[Node, str] = {}
        self.evidence_kinds: set[Node] = set()
        self.services: dict[Node, str] = {}

    def run(self) -> None:
        services = self.reader.subjects_of_type(CPSV.PublicService)
        self.categories(services)
        self.legal_resources(services)
        self.evidence(services)
        self.agencies(services)
        for node in services:
            self.service(node)
        self.life_events()

    def code(self, node: Node) -> str:
        return self.reader.string(node, DCTERMS.identifier) or local_name(node)

    def text(self, node: Node, predicate: URIRef) -> dict[str, str]:
        return self.reader.text(node, predicate, untagged=self.untagged)

    def upsert(
        self, section: str, model: type[models.Model], code: str, values: dict[str, Any]
    ) -> Any:
        """What the document does not state (an empty value) is left as it is."""
        values = {key: value for key, value in values.items() if value not in ("", {}, None)}
        if not model._default_manager.filter(code=code).exists():
            values = {**REQUIRED.get(model, {}), **values}
        row, changed = catalog.reference_upsert(
            actor=self.actor,
            model=model,
            code=code,
            values=values,  # type: ignore[type-var]
        )
        self.report.count(section, changed)
        return row

    def linked(self, services: list[Node], predicate: URIRef, cls: URIRef) -> list[Node]:
        nodes = set(self.reader.subjects_of_type(cls))
        nodes.update(o for s in services for o in self.reader.peek_objects(s, predicate))
        return sorted(nodes, key=str)

    def categories(self, services: list[Node]) -> None:
        nodes = {o for s in services for o in self.reader.peek_objects(s, CV.thematicArea)}
        nodes.update(self.reader.graph.subjects(SKOS.inScheme, self.iris("category")))
        pending = list(nodes)
        while pending:
            for broader in self.reader.peek_objects(pending.pop(), SKOS.broader):
                if broader not in nodes:
                    nodes.add(broader)
                    pending.append(broader)
        for node in sorted(nodes, key=str):
            code = self.reader.string(node, SKOS.notation) or local_name(node)
            self.reader.mark_node(node, (RDF.type, SKOS.inScheme))
            self.upsert("categories", Category, code, {"name": self.text(node, SKOS.prefLabel)})
            self.codes[node] = code
        for node in nodes:
            parent = self.reader.peek_value(node, SKOS.broader)
            if parent in self.codes:
                self.reader.mark(node, SKOS.broader, parent)
                parent_id = Category.objects.get(code=self.codes[parent]).pk
                self.upsert("categories", Category, self.codes[node], {"parent_id": parent_id})
        for service in services:
            for node in self.reader.peek_objects(service, CV.thematicArea):
                self.reader.mark(service, CV.thematicArea, node)

    def legal_resources(self, services: list[Node]) -> None:
        for node in self.linked(services, CV.hasLegalResource, ELI.LegalResource):
            code = self.code(node)
            values: dict[str, Any] = {"title": self.text(node, DCTERMS.title)}
            citation = self.reader.string(node, DCTERMS.bibliographicCitation)
            page = self.reader.value(node, FOAF.page)
            if citation:
                values["citation"] = citation
            if page is not None:
                self.reader.mark_node(page, (RDF.type,))
                values["url"] = str(page)
            self.upsert("legal_resources", LegalResource, code, values)
            self.codes[node] = code

    def evidence(self, services: list[Node]) -> None:
        """cv:Evidence nodes become evidence types (the catalog's documents and facts)."""
        nodes = set(self.linked(services, CPSV.hasInput, CV.Evidence))
        for service in services:
            for requirement in self.reader.peek_objects(service, CV.holdsRequirement):
                nodes.update(self.reader.peek_objects(requirement, CV.hasSupportingEvidence))
        for node in sorted(nodes, key=str):
            code = self.code(node)
            self.reader.objects(node, CV.supportsRequirement)
            values = {
                "name": self.text(node, DCTERMS.title),
                "description": self.text(node, DCTERMS.description),
                **self.registry(node),
            }
            self.upsert("evidence_types", EvidenceType, code, values)
            self.codes[node] = code
            for kind in self.reader.peek_objects(node, DCTERMS.conformsTo):
                if str(self.reader.peek_value(kind, DCTERMS.identifier)) == code:
                    self.reader.mark(node, DCTERMS.conformsTo, kind)
                    self.reader.mark_node(kind, (RDF.type, DCTERMS.identifier))
                    self.evidence_kinds.add(kind)

    def registry(self, node: Node) -> dict[str, str]:
        """`registry/operation` from the identifier of the dataset the evidence is part of."""
        dataset = self.reader.value(node, DCTERMS.isPartOf)
        if dataset is None:
            return {"registry": "", "registry_operation": ""}
        self.reader.mark_node(dataset, (RDF.type,))
        if str(dataset).startswith(self.iris.base + "registry/"):
            self.generated_registry_read(dataset)
        registry, _, operation = self.code(dataset).partition("/")
        return {"registry": registry[:60], "registry_operation": operation[:100]}

    def generated_registry_read(self, dataset: Node) -> None:
        """Our own export derives a registry's title, description and keeper from its code;
        reading them back loses nothing, so they are not reported as unmapped."""
        self.reader.mark_node(dataset, (DCTERMS.title, DCTERMS.description))
        for keeper in self.reader.objects(dataset, DCTERMS.publisher):
            self.reader.mark_node(keeper, (RDF.type, DCTERMS.identifier, DCTERMS.title))

    def agencies(self, services: list[Node]) -> None:
        """Contact points come from the organisation or from its services (as in the example)."""
        contacts: dict[Node, set[Node]] = {}
        for service in services:
            authority = self.reader.peek_value(service, CV.hasCompetentAuthority)
            if authority is not None:
                for contact in self.reader.objects(service, CV.contactPoint):
                    contacts.setdefault(authority, set()).add(contact)
        for node in self.linked(services, CV.hasCompetentAuthority, CV.PublicOrganisation):
            code = self.code(node)
            values = self.agency_values(node)
            found = contacts.get(node, set()) | set(self.reader.objects(node, CV.contactPoint))
            for contact in sorted(found, key=str):
                values.update(self.contact_values(contact, has_website=bool(values["website"])))
            self.upsert("agencies", Agency, code, values)
            self.codes[node] = code

    def agency_values(self, node: Node) -> dict[str, Any]:
        spatial = self.reader.value(node, DCTERMS.spatial)
        address = self.reader.value(node, LOCN.address)
        homepage = self.reader.value(node, FOAF.homepage)
        if spatial is not None:
            self.reader.mark_node(spatial, (RDF.type,))
        if address is not None:
            self.reader.mark_node(address, (RDF.type,))
        return {
            "name": self.text(node, SKOS.prefLabel) or self.text(node, DCTERMS.title),
            "acronym": self.text(node, SKOS.altLabel),
            "description": self.text(node, DCTERMS.description),
            "website": str(homepage) if homepage is not None else "",
            "spatial": self.region(spatial),
            "address": self.text(address, LOCN.fullAddress) if address is not None else {},
        }

    def region(self, spatial: Node | None) -> str:
        """A region code; the whole country (how export writes "no region") is none."""
        if spatial is None or spatial == self.iris("location", "country"):
            return ""
        return local_name(spatial)[:100]

    def contact_values(self, contact: Node, *, has_website: bool) -> dict[str, Any]:
        self.reader.mark_node(contact, (RDF.type, DCTERMS.identifier))
        values: dict[str, Any] = {
            "telephone": self.reader.string(contact, CV.telephone)[:40],
            "email": self.reader.string(contact, CV.email).removeprefix("mailto:"),
        }
        page = None if has_website else self.reader.value(contact, CV.contactPage)
        if page is not None:
            self.reader.mark_node(page, (RDF.type,))
            values["website"] = str(page)
        hours = hours_read(self.reader, contact)
        if hours is not None:
            values["opening_hours"] = hours
        return {key: value for key, value in values.items() if value}

    def beneficiary(self, code: str, name: dict[str, str]) -> None:
        self.upsert("beneficiaries", BeneficiaryCategory, code, {"name": name})

    def service(self, node: Node) -> None:
        code = self.code(node)
        authority = self.reader.value(node, CV.hasCompetentAuthority)
        if authority not in self.codes:
            self.report.skipped.append(f"{node}: no competent authority, so no agency to own it.")
            return
        existing = Service.objects.filter(code=code).first()
        current = catalog.service_current_version(existing) if existing else None
        before = version_terms(current) if current else new_service_terms()
        reader = ServiceReader(
            self.reader,
            self.iris,
            codes=self.codes,
            evidence_kinds=self.evidence_kinds,
            untagged=self.untagged,
            currency=self.currency,
            beneficiary=self.beneficiary,
        )
        terms = _order_kept(before, {**before, **reader.terms(node, code)})
        if current is not None and terms != before:
            terms["effective_from"] = None
        categories = [
            self.codes[c] for c in self.reader.objects(node, CV.thematicArea) if c in self.codes
        ]
        _, changed = catalog.service_upsert(
            actor=self.actor,
            code=code,
            agency=Agency.objects.get(code=self.codes[authority]),
            annual_volume=existing.annual_volume if existing else 0,
            category_codes=categories,
            center_codes=list(existing.centers.values_list("code", flat=True)) if existing else [],
            terms=terms,
        )
        self.report.count("services", changed)
        self.services[node] = code

    def life_events(self) -> None:
        grouped: dict[Node, list[Node]] = {}
        for service in self.services:
            for event in self.reader.peek_objects(service, CV.isGroupedBy):
                grouped.setdefault(event, []).append(service)
        nodes = set(self.reader.subjects_of_type(CV.LifeEvent, CV.BusinessEvent)) | set(grouped)
        for node in sorted(nodes, key=str):
            self.life_event(node, grouped.get(node, []))

    def life_event(self, node: Node, grouping: list[Node]) -> None:
        code = self.code(node)
        self.reader.mark(node, RDF.type, CV.Event)
        business = (node, RDF.type, CV.BusinessEvent) in self.reader.graph
        related = [
            s for s in self.reader.peek_objects(node, CV.hasRelatedService) if s in self.services
        ]
        for service in related:
            self.reader.mark(node, CV.hasRelatedService, service)
        for service in grouping:
            self.reader.mark(service, CV.isGroupedBy, node)
        wanted = {self.services[s] for s in related + grouping}
        existing = LifeEvent.objects.filter(code=code).first()
        before = list(existing.steps.values_list("service__code", flat=True)) if existing else []
        values = {
            "kind": LifeEventKind.BUSINESS if business else LifeEventKind.LIFE,
            "name": self.text(node, DCTERMS.title),
            "description": self.text(node, DCTERMS.description),
        }
        values = {key: value for key, value in values.items() if value}
        if existing is None:
            values = {**REQUIRED[LifeEvent], **values}
        _, changed = catalog.life_event_upsert(
            actor=self.actor,
            code=code,
            values=values,
            service_codes=[c for c in before if c in wanted] + sorted(wanted - set(before)),
        )
        self.report.count("life_events", changed)


def _order_kept(before: dict[str, Any], terms: dict[str, Any]) -> dict[str, Any]:
    """RDF has no order: keep the current order of channels and keywords when only order differs."""
    if sorted(before["channels"]) == sorted(terms["channels"]):
        terms["channels"] = before["channels"]
    keywords = dict(terms["keywords"])
    for language, words in keywords.items():
        old = (before.get("keywords") or {}).get(language)
        if old is not None and sorted(old) == sorted(words):
            keywords[language] = old
    terms["keywords"] = keywords
    return terms
