from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pyshacl import validate
from rdflib import Graph, Literal, URIRef, namespace
from rdflib.namespace import DCTERMS, RDF, TIME

from onestop.catalog.cpsv.export import catalog_export, catalog_graph
from onestop.catalog.cpsv.importing import catalog_import
from onestop.catalog.cpsv.reading import document_parse
from onestop.catalog.cpsv.vocabulary import CPSV, CURRENCY, CV, SHAPES_FILE, STANDARD
from onestop.catalog.models import (
    Agency,
    BeneficiaryCategory,
    Category,
    EvidenceType,
    LegalResource,
    LifeEvent,
    Service,
    ServiceVersion,
    VersionStatus,
)
from onestop.catalog.terms import version_terms
from onestop.core.models import DomainEvent
from onestop.staff.actors import SystemActor

from .cpsv_catalog import catalog_build, catalog_clear, passport_terms

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "standards" / "cpsv-ap-3.2.0"
ID = "https://onestop.example/id/"
EX = "http://example.com/"
VENDORED = [
    "cpsv-ap-SHACL.ttl",
    "cpsv-ap-context.jsonld",
    "example-public-service.jsonld",
    "example-public-service.ttl",
]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE)


@pytest.fixture
def small_catalog() -> None:
    catalog_clear()
    catalog_build()


def conformance(data: Graph, shapes: Graph) -> tuple[bool, str]:
    conforms, _, text = validate(data, shacl_graph=shapes, inference="none")
    return conforms, text


def published_terms() -> dict[str, dict]:
    versions = ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
    return {version.service.code: version_terms(version) for version in versions}


def import_events() -> list[str]:
    return sorted(DomainEvent.objects.filter(actor="importer").values_list("name", flat=True))


def test_vendored_standard_files_are_identical_to_the_shared_originals():
    if not SHARED.is_dir():
        pytest.skip("../shared is absent: the vendored copies are the only ones here")
    for name in [*VENDORED, "NOTICE.md"]:
        assert (STANDARD / name).exists(), name
    for name in VENDORED:
        assert (STANDARD / name).read_bytes() == (SHARED / name).read_bytes(), name


@pytest.mark.parametrize("rdf_format", ["turtle", "jsonld"])
def test_export_of_a_small_catalog_conforms_to_the_official_shapes(
    small_catalog, shapes, rdf_format, tmp_path
):
    path = tmp_path / f"catalog.{'ttl' if rdf_format == 'turtle' else 'jsonld'}"
    path.write_text(catalog_export(rdf_format=rdf_format), encoding="utf-8")

    conforms, text = conformance(document_parse(path), shapes)

    assert conforms is True, text


def test_the_shapes_reject_an_export_without_a_mandatory_description(small_catalog, shapes):
    graph = catalog_graph()
    graph.remove((URIRef(ID + "service/passport"), DCTERMS.description, None))

    conforms, text = conformance(graph, shapes)

    assert conforms is False
    assert "MinCountConstraintComponent" in text
    assert f"<{ID}service/passport>->dc1:description" in text


def test_export_writes_each_published_service_with_its_terms(small_catalog):
    graph = catalog_graph()
    service = URIRef(ID + "service/passport")
    cost = URIRef(ID + "service/passport/cost/express")
    exemption = URIRef(ID + "service/passport/cost/express/exemption/disability")

    assert (service, RDF.type, CPSV.PublicService) in graph
    assert graph.value(service, DCTERMS.identifier) == Literal("passport")
    assert set(graph.objects(service, DCTERMS.title)) == {
        Literal("Passport", lang="en"),
        Literal("Passeport", lang="fr"),
    }
    assert set(graph.objects(service, namespace.DCAT.keyword)) == {
        Literal("travel document", lang="en"),
        Literal("document de voyage", lang="fr"),
    }
    assert graph.value(service, CV.processingTime) == Literal(
        "P15D", datatype=namespace.XSD.duration
    )
    assert graph.value(service, CV.hasCompetentAuthority) == URIRef(ID + "agency/migration-service")
    assert set(graph.objects(service, CV.thematicArea)) == {URIRef(ID + "category/passports")}
    assert Decimal(str(graph.value(cost, CV.hasValue))) == Decimal("120.50")
    assert graph.value(cost, CV.currency) == CURRENCY.XDM
    assert Decimal(str(graph.value(exemption, CV.hasValue))) == Decimal("25.00")
    assert set(graph.objects(exemption, DCTERMS.description)) == {
        Literal("People with disability", lang="en"),
        Literal("Personnes handicapées", lang="fr"),
    }
    assert len(set(graph.objects(service, CV.hasCost))) == 6
    assert {str(graph.value(c, DCTERMS.type)) for c in graph.objects(service, CV.hasChannel)} == {
        "http://data.europa.eu/snb/com-channel/b37115f83e",
        "http://data.europa.eu/snb/com-channel/c05134f579",
        "http://data.europa.eu/snb/com-channel/5c12931e3f",
        ID + "concept/channel/center",
        ID + "concept/channel/mobile_unit",
        ID + "concept/channel/kiosk",
    }
    assert set(graph.objects(service, CV.hasLegalResource)) == {URIRef(ID + "legal/passport-act")}
    assert set(graph.objects(service, CV.isGroupedBy)) == {
        URIRef(ID + "life-event/having-a-baby"),
        URIRef(ID + "life-event/travelling-abroad"),
    }


def test_export_names_the_registry_that_holds_an_evidence(small_catalog):
    graph = catalog_graph()
    evidence = URIRef(ID + "evidence/identity-card")
    service = URIRef(ID + "service/birth-certificate")

    dataset = graph.value(evidence, DCTERMS.isPartOf)

    assert str(graph.value(dataset, DCTERMS.identifier)) == "identity/id-card"
    assert str(graph.value(graph.value(dataset, DCTERMS.publisher), DCTERMS.identifier)) == (
        "identity"
    )
    assert graph.value(URIRef(ID + "evidence/photo"), DCTERMS.isPartOf) is None
    assert set(graph.objects(service, CPSV.hasInput)) == {
        evidence,
        URIRef(ID + "evidence/birth-record"),
    }
    assert set(graph.objects(service, CV.hasInputType)) == {
        URIRef(ID + "evidence-type/identity-card"),
        URIRef(ID + "evidence-type/birth-record"),
    }


def test_export_gives_an_agency_a_contact_point_with_weekly_opening_hours(small_catalog):
    graph = catalog_graph()
    contact = graph.value(URIRef(ID + "service/birth-certificate"), CV.contactPoint)

    assert contact == URIRef(ID + "agency/civil-registry/contact-point")
    assert str(graph.value(contact, CV.telephone)) == "+000 1234 5678"
    assert sorted(str(h).rsplit("/", 1)[1] for h in graph.objects(contact, CV.openingHours)) == [
        "fri-1",
        "mon-1",
        "mon-2",
        "sat-1",
        "thu-1",
        "tue-1",
        "wed-1",
    ]
    assert graph.value(URIRef(ID + "service/passport"), CV.contactPoint) is None


def test_export_uses_the_base_it_is_given(small_catalog):
    graph = catalog_graph(base="https://services.example.org/catalog")

    subjects = set(graph.subjects(RDF.type, CPSV.PublicService))

    assert subjects == {
        URIRef("https://services.example.org/catalog/service/birth-certificate"),
        URIRef("https://services.example.org/catalog/service/passport"),
    }


@pytest.mark.parametrize("name", ["example-public-service.ttl", "example-public-service.jsonld"])
def test_import_of_the_official_example_creates_what_the_catalog_models(name):
    catalog_import(path=STANDARD / name, actor=SystemActor("importer"))

    service = Service.objects.get(code="Tax-on-web")
    terms = version_terms(service.versions.get(status=VersionStatus.PUBLISHED))
    agency = Agency.objects.get(code="publicOrganisation1")
    assert service.agency == agency
    assert terms["name"] == {"en": "Tax-on-web"}
    assert terms["description"] == {
        "fr": "Service pour la déclaration à l'impôt des personnes physiques en ligne"
    }
    assert terms["criteria"] == [{"en": "Request to provide certificate about childcare costs"}]
    assert terms["evidence"] == [{"type": "evi-123", "mandatory": True, "note": {}}]
    assert terms["channels"] == ["online"]
    assert (terms["processing_days"], terms["costs"], terms["legal"]) == (0, {}, [])
    assert terms["form_schema"] == {"type": "object", "properties": {}}
    assert terms["form_hints"] == {"order": [], "fields": {}}
    assert agency.name == {
        "fr": "Service Public Fédéral FINANCES",
        "nl": "Federale Overheidsdiesnt FINANCIEN",
        "en": "Federal Public Service FINANCE",
        "de": "Foderaler Offentlicher Dienst FINANZEN",
    }
    assert (agency.telephone, agency.spatial) == ("+32 257 25757", "BEL")
    assert agency.opening_hours == {
        day: ["09:00-17:00"] for day in ["mon", "tue", "wed", "thu", "fri"]
    }
    evidence = EvidenceType.objects.get(code="evi-123")
    assert evidence.name == {"fr": "Attestation garde d'enfants"}
    assert evidence.description == {
        "fr": "Attestation en matière de frais de garde d'enfants de l'année 2020"
    }
    assert evidence.registry == ""


@pytest.mark.parametrize("name", ["example-public-service.ttl", "example-public-service.jsonld"])
def test_import_of_the_official_example_reports_what_it_could_not_map(name):
    report = catalog_import(path=STANDARD / name, actor=SystemActor("importer"))

    assert report.unmapped == {
        EX + "evidence1": ["dct:conformsTo"],
        EX + "evidenceType1": ["cv:evidenceTypeClassification", "dct:identifier", "rdf:type"],
        EX + "openingHours1": ["dct:description"],
        EX + "publicService1": ["cv:hasInputType"],
        EX + "requirement1": ["dct:type"],
        EX + "specialOpeningHours1": ["dct:description"],
    }
    assert report.changed == {"evidence_types": 1, "agencies": 1, "services": 1}


def test_import_goes_through_the_audited_catalog_commands():
    catalog_import(path=STANDARD / "example-public-service.ttl", actor=SystemActor("importer"))

    assert import_events() == [
        "catalog.agency_created",
        "catalog.evidencetype_created",
        "catalog.service_version_published",
    ]


def test_importing_the_same_document_twice_changes_nothing():
    catalog_import(path=STANDARD / "example-public-service.ttl", actor=SystemActor("importer"))
    events, terms = import_events(), published_terms()

    report = catalog_import(
        path=STANDARD / "example-public-service.jsonld", actor=SystemActor("importer")
    )

    assert report.total == 0
    assert import_events() == events
    assert published_terms() == terms


@pytest.mark.parametrize("rdf_format", ["turtle", "jsonld"])
def test_round_trip_into_an_empty_catalog_keeps_what_cpsv_ap_carries(
    small_catalog, rdf_format, tmp_path
):
    path = tmp_path / f"catalog.{rdf_format}"
    path.write_text(catalog_export(rdf_format=rdf_format), encoding="utf-8")
    before = published_terms()
    catalog_clear()

    report = catalog_import(path=path, actor=SystemActor("importer"))

    assert report.unmapped == {}
    after = published_terms()
    assert sorted(after) == ["birth-certificate", "passport"]
    for code, terms in before.items():
        carried = {**terms, "channels": sorted(terms["channels"])}
        for lost in ("summary", "appeal"):
            carried[lost] = {}
        carried |= {
            "express_processing_days": None,
            "output_validity_months": None,
            "form_schema": {"type": "object", "properties": {}},
            "form_hints": {"order": [], "fields": {}},
            "effective_from": after[code]["effective_from"],
        }
        assert {**after[code], "channels": sorted(after[code]["channels"])} == carried, code


def test_round_trip_restores_agencies_categories_and_life_events(small_catalog, tmp_path):
    path = tmp_path / "catalog.ttl"
    path.write_text(catalog_export(rdf_format="turtle"), encoding="utf-8")
    catalog_clear()

    catalog_import(path=path, actor=SystemActor("importer"))

    agency = Agency.objects.get(code="civil-registry")
    assert agency.opening_hours == {
        "mon": ["08:30-12:00", "13:00-17:00"],
        "tue": ["08:30-17:00"],
        "wed": ["08:30-17:00"],
        "thu": ["08:30-17:00"],
        "fri": ["08:30-15:00"],
        "sat": ["09:00-13:00"],
    }
    assert (agency.website, agency.email, agency.spatial) == (
        "https://civil.example",
        "contact@civil.example",
        "capital",
    )
    assert agency.address == {"en": "1 Main St", "fr": "1 rue Principale"}
    assert agency.acronym == {"en": "CR", "fr": "EC"}
    assert Agency.objects.get(code="migration-service").spatial == ""
    assert Category.objects.get(code="passports").parent.code == "identity-documents"
    assert EvidenceType.objects.get(code="identity-card").registry_operation == "id-card"
    assert LegalResource.objects.get(code="civil-status-act").citation == "Act No. 12/2009"
    assert BeneficiaryCategory.objects.get(code="pensioner").name == {
        "en": "Pensioners",
        "fr": "Retraités",
    }
    baby = LifeEvent.objects.get(code="having-a-baby")
    assert (baby.kind, baby.name["fr"]) == ("life", "Naissance d'un enfant")
    assert list(baby.steps.values_list("service__code", flat=True)) == [
        "birth-certificate",
        "passport",
    ]
    assert LifeEvent.objects.get(code="travelling-abroad").kind == "business"


def test_reimporting_an_export_into_the_same_catalog_changes_nothing(small_catalog, tmp_path):
    path = tmp_path / "catalog.jsonld"
    path.write_text(catalog_export(rdf_format="jsonld"), encoding="utf-8")
    terms = published_terms()

    report = catalog_import(path=path, actor=SystemActor("importer"))

    assert report.total == 0
    assert import_events() == []
    assert published_terms() == terms


def test_import_updates_an_existing_service_and_keeps_what_cpsv_ap_cannot_carry(
    small_catalog, tmp_path
):
    graph = catalog_graph()
    service = URIRef(ID + "service/passport")
    graph.set((service, DCTERMS.title, Literal("Passport (new)", lang="en")))
    path = tmp_path / "catalog.ttl"
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")

    catalog_import(path=path, actor=SystemActor("importer"))

    expected = {**passport_terms(), "name": {"en": "Passport (new)"}}
    current = published_terms()["passport"]
    assert {**current, "effective_from": None} == expected
    assert Service.objects.get(code="passport").versions.count() == 2
    assert import_events() == ["catalog.service_version_published"]


def test_import_skips_a_service_without_competent_authority(tmp_path):
    path = tmp_path / "orphan.ttl"
    path.write_text(
        "@prefix cpsv: <http://purl.org/vocab/cpsv#> . @prefix dct: <http://purl.org/dc/terms/> .\n"
        '<http://example.com/s> a cpsv:PublicService ; dct:identifier "orphan" ;'
        ' dct:title "Orphan"@en ; dct:description "No authority."@en .\n',
        encoding="utf-8",
    )

    report = catalog_import(path=path, actor=SystemActor("importer"))

    assert report.skipped == [
        "http://example.com/s: no competent authority, so no agency to own it."
    ]
    assert not Service.objects.filter(code="orphan").exists()
    assert import_events() == []


def test_import_reads_daily_hours_less_the_days_a_special_closure_names(tmp_path):
    graph = Graph().parse(STANDARD / "example-public-service.ttl")
    closing = next(graph.subjects(TIME.hour, Literal(17)))
    graph.set((closing, TIME.hour, Literal(16)))
    graph.set((closing, TIME.minute, Literal(30)))
    saturday = next(graph.subjects(TIME.dayOfWeek, TIME.Saturday))
    graph.set((saturday, TIME.dayOfWeek, TIME.Friday))
    path = tmp_path / "hours.ttl"
    path.write_text(graph.serialize(format="turtle"), encoding="utf-8")

    catalog_import(path=path, actor=SystemActor("importer"))

    assert Agency.objects.get(code="publicOrganisation1").opening_hours == {
        day: ["09:00-16:30"] for day in ["mon", "tue", "wed", "thu"]
    }


def test_export_and_import_commands_write_and_read_a_file(small_catalog, tmp_path, capsys):
    path = tmp_path / "out" / "catalog.ttl"

    call_command("export_catalog", "--format", "turtle", "--output", str(path))
    catalog_clear()
    call_command("import_catalog", str(path))

    output = capsys.readouterr().out
    assert f"Wrote the catalog as CPSV-AP turtle to {path}." in output
    assert f"{path}: imported; 17 change(s)" in output
    assert Graph().parse(path, format="turtle").value(
        URIRef(ID + "service/passport"), DCTERMS.identifier
    ) == Literal("passport")
    assert sorted(published_terms()) == ["birth-certificate", "passport"]


def test_import_command_prints_what_it_could_not_map(capsys):
    call_command("import_catalog", str(STANDARD / "example-public-service.jsonld"))

    lines = capsys.readouterr().out.splitlines()
    assert "Not mapped (6 subject(s)):" in lines
    assert (
        "  http://example.com/evidenceType1: cv:evidenceTypeClassification, dct:identifier, rdf:type"
        in lines
    )


def test_import_command_refuses_a_file_that_is_not_rdf_and_changes_nothing(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("this is not turtle", encoding="utf-8")

    with pytest.raises(CommandError, match="not a readable CPSV-AP document"):
        call_command("import_catalog", str(path))

    assert DomainEvent.objects.count() == 0
    assert not Agency.objects.exists()


def test_import_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_catalog", str(tmp_path / "absent.ttl"))


@pytest.mark.slow
def test_export_of_the_demo_pack_conforms_to_the_official_shapes(demo_pack_loaded, shapes):
    graph = catalog_graph()

    conforms, text = conformance(graph, shapes)

    assert conforms is True, text
    services = set(graph.subjects(RDF.type, CPSV.PublicService))
    assert len(services) == ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED).count()
    assert len(services) > 0
