"""The vocabularies CPSV-AP 3.2.0 speaks, and the IRIs onestop gives its own catalog rows.

Every IRI onestop mints sits under one base (`ONESTOP_CPSV_BASE_IRI`, default
`https://onestop.example/id/`) and is built from codes, never from database keys, so an
export of the same catalog on another machine names the same things.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, TIME, XSD
from rdflib.term import Node

STANDARD = Path(__file__).resolve().parent / "standard"
SHAPES_FILE = STANDARD / "cpsv-ap-SHACL.ttl"
CONTEXT_FILE = STANDARD / "cpsv-ap-context.jsonld"
CONTEXT_URL = (
    "https://semiceu.github.io/uri.semic.eu-generated/CPSV-AP/releases/3.2.0/context/cpsv-ap.jsonld"
)
DEFAULT_BASE = "https://onestop.example/id/"

CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
CURRENCY = Namespace("http://publications.europa.eu/resource/authority/currency/")
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EUROPASS_CHANNEL = Namespace("http://data.europa.eu/snb/com-channel/")
EUROPASS_CHANNEL_SCHEME = EUROPASS_CHANNEL["25831c2"]

PREFIXES = {
    "cpsv": CPSV,
    "cv": CV,
    "dct": DCTERMS,
    "dcat": DCAT,
    "eli": ELI,
    "foaf": FOAF,
    "locn": LOCN,
    "skos": SKOS,
    "time": TIME,
    "xsd": XSD,
    "rdf": RDF,
}

# Our channel kinds that the Europass channel-type table (the one CPSV-AP recommends) names;
# the other kinds are concepts of onestop's own scheme.
EUROPASS_CHANNELS = {
    "online": ("b37115f83e", "Web"),
    "post": ("0c84394663", "Post"),
    "call_center": ("c05134f579", "Phone"),
    "sms": ("5c12931e3f", "Mobile phone"),
}

WEEK_DAYS = {
    "mon": TIME.Monday,
    "tue": TIME.Tuesday,
    "wed": TIME.Wednesday,
    "thu": TIME.Thursday,
    "fri": TIME.Friday,
    "sat": TIME.Saturday,
    "sun": TIME.Sunday,
}

REQUIREMENT_KINDS = ("criterion", "eligibility", "evidence-mandatory", "evidence-optional")
FEE_TIERS = ("standard", "express")


def base_iri(base: str | None = None) -> str:
    chosen = base or getattr(settings, "ONESTOP_CPSV_BASE_IRI", "") or DEFAULT_BASE
    return chosen if chosen.endswith(("/", "#")) else chosen + "/"


class Iris:
    """The IRIs of one export or import, under its base."""

    def __init__(self, base: str | None = None) -> None:
        self.base = base_iri(base)

    def __call__(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    def channel_type(self, kind: str) -> URIRef:
        if kind in EUROPASS_CHANNELS:
            return EUROPASS_CHANNEL[EUROPASS_CHANNELS[kind][0]]
        return self("concept", "channel", kind)

    def channel_kind(self, concept: URIRef) -> str | None:
        for kind in EUROPASS_CHANNELS:
            if concept == self.channel_type(kind):
                return kind
        own = self.base + "concept/channel/"
        return str(concept)[len(own) :] if str(concept).startswith(own) else None

    def requirement_type(self, kind: str) -> URIRef:
        return self("concept", "requirement", kind)

    def requirement_kind(self, concept: URIRef) -> str | None:
        return next((k for k in REQUIREMENT_KINDS if concept == self.requirement_type(k)), None)


def graph_new() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def local_name(iri: Node | str) -> str:
    text = str(iri).rstrip("/#")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
