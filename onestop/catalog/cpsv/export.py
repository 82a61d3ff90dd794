"""The catalog as CPSV-AP 3.2.0: each service's published version and what it refers to.

The graph passes the official SHACL shapes (checked by the tests). Where a shape asks for a
class (`sh:class`), the node is typed here too, because validators do no inference. The
mapping, and what does not survive it, is in docs/cpsv-ap.md.
"""

from __future__ import annotations

import json
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from ..models import (
    Agency,
    Category,
    Channel,
    EvidenceType,
    LegalResource,
    LifeEvent,
    LifeEventKind,
    ServiceVersion,
    VersionStatus,
)
from .hours import hours_add
from .vocabulary import (
    CPSV,
    CURRENCY,
    CV,
    ELI,
    EUROPASS_CHANNEL_SCHEME,
    EUROPASS_CHANNELS,
    LOCN,
    PREFIXES,
    Iris,
    graph_new,
)

FORMATS = {"jsonld": "json-ld", "turtle": "turtle"}


def catalog_export(*, rdf_format: str, base: str | None = None) -> str:
    """The catalog serialised as `jsonld` or `turtle`."""
    graph = catalog_graph(base=base)
    if rdf_format != "jsonld":
        return graph.serialize(format=FORMATS[rdf_format])
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    document = json.loads(graph.serialize(format="json-ld", context=context))
    document["@graph"] = sorted(document.get("@graph", []), key=lambda node: node.get("@id", ""))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def catalog_graph(*, base: str | None = None) -> Graph:
    exporter = _Exporter(Iris(base))
    exporter.reference_data()
    versions = (
        ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("service__agency")
        .prefetch_related(
            "criteria",
            "evidence_requirements__evidence_type",
            "costs__exemptions__beneficiary_category",
            "legal_resources",
            "service__categories",
            "service__life_event_steps__life_event",
        )
        .order_by("service__code")
    )
    for version in versions:
        exporter.service(version)
    for life_event in LifeEvent.objects.prefetch_related("steps__service"):
        exporter.life_event(life_event)
    return exporter.graph


def texts_add(graph: Graph, subject: URIRef, predicate: URIRef, text: dict | None) -> None:
    for language, value in sorted((text or {}).items()):
        if value and str(value).strip():
            graph.add((subject, predicate, Literal(str(value), lang=language)))


class _Exporter:
    def __init__(self, iris: Iris) -> None:
        self.iris = iris
        self.graph = graph_new()
        self.contact_points: dict[str, URIRef] = {}
        self.published: set[str] = set()

    def add(self, subject: URIRef, predicate: URIRef, value: object) -> None:
        node = value if isinstance(value, URIRef | Literal) else Literal(value)
        self.graph.add((subject, predicate, node))

    def concept(self, iri: URIRef, *, label: dict, scheme: URIRef, notation: str = "") -> URIRef:
        self.add(iri, RDF.type, SKOS.Concept)
        texts_add(self.graph, iri, SKOS.prefLabel, label)
        self.add(iri, SKOS.inScheme, scheme)
        if notation:
            self.add(iri, SKOS.notation, notation)
        return iri

    def reference_data(self) -> None:
        for agency in Agency.objects.all():
            self.agency(agency)
        for category in Category.objects.select_related("parent"):
            iri = self.concept(
                self.iris("category", category.code),
                label=category.name,
                scheme=self.iris("category"),
                notation=category.code,
            )
            if category.parent:
                self.add(iri, SKOS.broader, self.iris("category", category.parent.code))
        for legal in LegalResource.objects.all():
            self.legal_resource(legal)
        for evidence_type in EvidenceType.objects.all():
            self.evidence(evidence_type)

    def agency(self, agency: Agency) -> None:
        iri = self.iris("agency", agency.code)
        self.add(iri, RDF.type, CV.PublicOrganisation)
        self.add(iri, DCTERMS.identifier, agency.code)
        texts_add(self.graph, iri, SKOS.prefLabel, agency.name)
        texts_add(self.graph, iri, SKOS.altLabel, agency.acronym)
        texts_add(self.graph, iri, DCTERMS.description, agency.description)
        if agency.website:
            self.add(iri, FOAF.homepage, URIRef(agency.website))
        location = self.iris("location", agency.spatial or "country")
        self.add(iri, DCTERMS.spatial, location)
        self.add(location, RDF.type, DCTERMS.Location)
        if any((agency.address or {}).values()):
            address = self.iris("agency", agency.code, "address")
            self.add(iri, LOCN.address, address)
            self.add(address, RDF.type, LOCN.Address)
            texts_add(self.graph, address, LOCN.fullAddress, agency.address)
        if agency.telephone or agency.email or agency.opening_hours:
            self.contact_points[agency.code] = self.contact_point(agency)
            self.add(iri, CV.contactPoint, self.contact_points[agency.code])

    def contact_point(self, agency: Agency) -> URIRef:
        iri = self.iris("agency", agency.code, "contact-point")
        self.add(iri, RDF.type, CV.ContactPoint)
        if agency.telephone:
            self.add(iri, CV.telephone, agency.telephone)
        if agency.email:
            self.add(iri, CV.email, agency.email)
        hours_add(
            self.graph,
            owner=self.iris("agency", agency.code),
            subject=iri,
            hours=agency.opening_hours or {},
        )
        return iri

    def legal_resource(self, legal: LegalResource) -> None:
        iri = self.iris("legal", legal.code)
        self.add(iri, RDF.type, ELI.LegalResource)
        self.add(iri, DCTERMS.identifier, legal.code)
        texts_add(self.graph, iri, DCTERMS.title, legal.title)
        if legal.citation:
            self.add(iri, DCTERMS.bibliographicCitation, legal.citation)
        if legal.url:
            self.add(iri, FOAF.page, URIRef(legal.url))
            self.add(URIRef(legal.url), RDF.type, FOAF.Document)

    def evidence(self, evidence_type: EvidenceType) -> None:
        iri, kind = (
            self.iris("evidence", evidence_type.code),
            self.iris("evidence-type", evidence_type.code),
        )
        self.add(iri, RDF.type, CV.Evidence)
        self.add(iri, DCTERMS.identifier, evidence_type.code)
        texts_add(self.graph, iri, DCTERMS.title, evidence_type.name)
        texts_add(self.graph, iri, DCTERMS.description, evidence_type.description)
        self.add(iri, DCTERMS.conformsTo, kind)
        self.add(kind, RDF.type, CV.EvidenceType)
        self.add(kind, DCTERMS.identifier, evidence_type.code)
        if evidence_type.registry:
            self.add(iri, DCTERMS.isPartOf, self.registry(evidence_type))

    def registry(self, evidence_type: EvidenceType) -> URIRef:
        """The registry holding an evidence, as the dcat:Dataset the evidence is part of."""
        registry, operation = evidence_type.registry, evidence_type.registry_operation
        keeper = self.iris("registry", registry)
        dataset = self.iris("registry", registry, "dataset", operation or registry)
        identifier = f"{registry}/{operation}" if operation else registry
        self.add(keeper, RDF.type, FOAF.Agent)
        self.add(keeper, DCTERMS.identifier, registry)
        self.add(keeper, DCTERMS.title, Literal(f"{registry} registry", lang="en"))
        self.add(dataset, RDF.type, DCAT.Dataset)
        self.add(dataset, DCTERMS.identifier, identifier)
        self.add(dataset, DCTERMS.title, Literal(identifier, lang="en"))
        self.add(
            dataset,
            DCTERMS.description,
            Literal(
                f"Records of the {registry} registry"
                + (f" read through its {operation} operation" if operation else ""),
                lang="en",
            ),
        )
        self.add(dataset, DCTERMS.publisher, keeper)
        return dataset

    def service(self, version: ServiceVersion) -> None:
        service = version.service
        code = service.code
        self.published.add(code)
        iri = self.iris("service", code)
        self.add(iri, RDF.type, CPSV.PublicService)
        self.add(iri, DCTERMS.identifier, code)
        texts_add(self.graph, iri, DCTERMS.title, version.name)
        texts_add(
            self.graph,
            iri,
            DCTERMS.description,
            version.description or version.summary or version.name,
        )
        for language, words in sorted((version.keywords or {}).items()):
            for word in words:
                self.add(iri, DCAT.keyword, Literal(word, lang=language))
        self.add(iri, CV.hasCompetentAuthority, self.iris("agency", service.agency.code))
        if service.agency.code in self.contact_points:
            self.add(iri, CV.contactPoint, self.contact_points[service.agency.code])
        for category in service.categories.all():
            self.add(iri, CV.thematicArea, self.iris("category", category.code))
        self.add(
            iri, CV.processingTime, Literal(f"P{version.processing_days}D", datatype=XSD.duration)
        )
        self.requirements(iri, version)
        self.costs(iri, version)
        for kind in version.channels:
            self.channel(iri, code, kind)
        if any((version.output_name or {}).values()):
            output = self.iris("service", code, "output")
            self.add(iri, CPSV.produces, output)
            self.add(output, RDF.type, CV.Output)
            self.add(output, DCTERMS.identifier, f"{code}/output")
            texts_add(self.graph, output, DCTERMS.title, version.output_name)
        for legal in version.legal_resources.all():
            self.add(iri, CV.hasLegalResource, self.iris("legal", legal.code))
        for step in service.life_event_steps.all():
            self.add(iri, CV.isGroupedBy, self.iris("life-event", step.life_event.code))

    def requirement(
        self, service: URIRef, *, code: str, path: str, kind: str, title: dict
    ) -> URIRef:
        iri = self.iris("service", code, *path.split("/"))
        self.add(service, CV.holdsRequirement, iri)
        self.add(iri, RDF.type, CV.Requirement)
        self.add(iri, DCTERMS.identifier, f"{code}/{path}")
        texts_add(self.graph, iri, DCTERMS.title, title)
        self.add(
            iri,
            DCTERMS.type,
            self.concept(
                self.iris.requirement_type(kind),
                label={"en": kind.replace("-", " ")},
                scheme=self.iris("concept", "requirement"),
                notation=kind,
            ),
        )
        return iri

    def requirements(self, iri: URIRef, version: ServiceVersion) -> None:
        code = version.service.code
        for criterion in version.criteria.all():
            self.requirement(
                iri,
                code=code,
                path=f"criterion/{criterion.position}",
                kind="criterion",
                title=criterion.text,
            )
        if any((version.eligibility or {}).values()):
            self.requirement(
                iri, code=code, path="eligibility", kind="eligibility", title=version.eligibility
            )
        for item in version.evidence_requirements.all():
            evidence_type = item.evidence_type
            kind = "evidence-mandatory" if item.is_mandatory else "evidence-optional"
            requirement = self.requirement(
                iri,
                code=code,
                path=f"evidence/{item.position}",
                kind=kind,
                title=evidence_type.name,
            )
            texts_add(self.graph, requirement, DCTERMS.description, item.note)
            evidence = self.iris("evidence", evidence_type.code)
            self.add(requirement, CV.hasSupportingEvidence, evidence)
            self.add(iri, CPSV.hasInput, evidence)
            self.add(iri, CV.hasInputType, self.iris("evidence-type", evidence_type.code))

    def costs(self, iri: URIRef, version: ServiceVersion) -> None:
        code = version.service.code
        for cost in version.costs.all():
            path = f"cost/{cost.tier}"
            self.cost(
                iri,
                code=code,
                path=path,
                amount=cost.amount,
                currency=cost.currency,
                description=cost.description,
            )
            for exemption in cost.exemptions.all():
                category = exemption.beneficiary_category
                self.cost(
                    iri,
                    code=code,
                    path=f"{path}/exemption/{category.code}",
                    amount=exemption.amount,
                    currency=cost.currency,
                    description=category.name,
                )

    def cost(
        self,
        service: URIRef,
        *,
        code: str,
        path: str,
        amount: Decimal,
        currency: str,
        description: dict,
    ) -> URIRef:
        iri = self.iris("service", code, *path.split("/"))
        self.add(service, CV.hasCost, iri)
        self.add(iri, RDF.type, CV.Cost)
        self.add(iri, DCTERMS.identifier, f"{code}/{path}")
        self.add(iri, CV.hasValue, Literal(f"{amount:.2f}", datatype=XSD.double))
        if currency:
            self.add(
                iri,
                CV.currency,
                self.concept(
                    CURRENCY[currency.upper()],
                    label={},
                    scheme=URIRef(str(CURRENCY)[:-1]),
                    notation=currency.upper(),
                ),
            )
        texts_add(self.graph, iri, DCTERMS.description, description)
        return iri

    def channel(self, service: URIRef, code: str, kind: str) -> None:
        iri = self.iris("service", code, "channel", kind)
        self.add(service, CV.hasChannel, iri)
        self.add(iri, RDF.type, CV.Channel)
        self.add(iri, DCTERMS.identifier, f"{code}/channel/{kind}")
        concept = self.iris.channel_type(kind)
        self.add(iri, DCTERMS.type, concept)
        if kind in EUROPASS_CHANNELS:
            self.concept(
                concept, label={"en": EUROPASS_CHANNELS[kind][1]}, scheme=EUROPASS_CHANNEL_SCHEME
            )
        else:
            label = str(Channel(kind).label) if kind in Channel.values else kind
            self.concept(
                concept, label={"en": label}, scheme=self.iris("concept", "channel"), notation=kind
            )

    def life_event(self, life_event: LifeEvent) -> None:
        iri = self.iris("life-event", life_event.code)
        kind = CV.BusinessEvent if life_event.kind == LifeEventKind.BUSINESS else CV.LifeEvent
        self.add(iri, RDF.type, kind)
        self.add(iri, RDF.type, CV.Event)
        self.add(iri, DCTERMS.identifier, life_event.code)
        texts_add(self.graph, iri, DCTERMS.title, life_event.name)
        texts_add(self.graph, iri, DCTERMS.description, life_event.description)
        for step in life_event.steps.all():
            if step.service.code in self.published:
                self.add(iri, CV.hasRelatedService, self.iris("service", step.service.code))
