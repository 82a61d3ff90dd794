"""A cpsv:PublicService node read into the terms dictionary `catalog.terms.version_terms` returns.

Only the terms CPSV-AP carries are read; the caller keeps the rest (summary, appeal, express
deadline, output validity, form) from the current version, or gives a new service empty ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS
from rdflib.term import Literal, Node

from ..models import Channel
from ..terms import amount_text
from .reading import Reader
from .vocabulary import CPSV, CV, FEE_TIERS, Iris, local_name

CONCEPT_PROPERTIES = (RDF.type, SKOS.prefLabel, SKOS.inScheme, SKOS.notation)
EVIDENCE_KINDS = {"evidence-mandatory": True, "evidence-optional": False}


def new_service_terms() -> dict[str, Any]:
    """Terms of a service CPSV-AP brings in for the first time: an empty form, no extras."""
    return {
        "name": {},
        "summary": {},
        "description": {},
        "eligibility": {},
        "keywords": {},
        "output_name": {},
        "appeal": {},
        "processing_days": 0,
        "express_processing_days": None,
        "output_validity_months": None,
        "channels": [],
        "form_schema": {"type": "object", "properties": {}},
        "form_hints": {"order": [], "fields": {}},
        "effective_from": None,
        "criteria": [],
        "evidence": [],
        "costs": {},
        "legal": [],
    }


class ServiceReader:
    """Reads one service; `codes` maps already imported nodes (evidence, legal…) to codes."""

    def __init__(
        self,
        reader: Reader,
        iris: Iris,
        *,
        codes: dict[Node, str],
        evidence_kinds: set[Node],
        untagged: str,
        currency: str,
        beneficiary: Callable[[str, dict[str, str]], None],
    ) -> None:
        self.reader, self.iris, self.codes = reader, iris, codes
        self.evidence_kinds, self.untagged, self.currency = evidence_kinds, untagged, currency
        self.beneficiary = beneficiary

    def text(self, node: Node, predicate: URIRef) -> dict[str, str]:
        return self.reader.text(node, predicate, untagged=self.untagged)

    def terms(self, node: Node, code: str) -> dict[str, Any]:
        terms: dict[str, Any] = {
            "name": self.text(node, DCTERMS.title),
            "description": self.text(node, DCTERMS.description),
            "keywords": self.keywords(node),
            "channels": self.channels(node),
            "output_name": self.output_name(node),
            "legal": sorted(
                self.codes[legal]
                for legal in self.reader.objects(node, CV.hasLegalResource)
                if legal in self.codes
            ),
            "costs": self.costs(node, code),
        }
        days = self.processing_days(node)
        if days is not None:
            terms["processing_days"] = days
        terms.update(self.requirements(node))
        return terms

    def keywords(self, node: Node) -> dict[str, list[str]]:
        keywords: dict[str, list[str]] = {}
        for literal in self.reader.objects(node, DCAT.keyword):
            language = (getattr(literal, "language", None) or self.untagged).lower()
            keywords.setdefault(language, []).append(str(literal))
        return {language: sorted(words) for language, words in sorted(keywords.items())}

    def processing_days(self, node: Node) -> int | None:
        """Whole days only (P15D); the catalog counts them as working days."""
        literal = self.reader.peek_value(node, CV.processingTime)
        if not isinstance(literal, Literal):
            return None
        value = literal.toPython()
        if (
            not isinstance(value, timedelta)
            or value.seconds
            or value.microseconds
            or value.days < 0
        ):
            return None
        self.reader.mark(node, CV.processingTime, literal)
        return value.days

    def channels(self, node: Node) -> list[str]:
        kinds: set[str] = set()
        for channel in self.reader.peek_objects(node, CV.hasChannel):
            for concept in self.reader.peek_objects(channel, DCTERMS.type):
                kind = self.iris.channel_kind(concept) if isinstance(concept, URIRef) else None
                if kind in Channel.values:
                    kinds.add(kind)
                    self.reader.mark(node, CV.hasChannel, channel)
                    self.reader.mark(channel, DCTERMS.type, concept)
                    self.reader.mark_node(channel, (RDF.type, DCTERMS.identifier))
                    self.reader.mark_node(concept, CONCEPT_PROPERTIES)
        return [kind for kind in Channel.values if kind in kinds]

    def output_name(self, node: Node) -> dict[str, str]:
        for output in self.reader.peek_objects(node, CPSV.produces):
            if self.reader.peek_value(output, DCTERMS.title) is not None:
                self.reader.mark(node, CPSV.produces, output)
                self.reader.mark_node(output, (RDF.type, DCTERMS.identifier))
                return self.text(output, DCTERMS.title)
        return {}

    def requirements(self, node: Node) -> dict[str, Any]:
        criteria: list[dict[str, str]] = []
        eligibility: dict[str, str] = {}
        evidence: list[dict[str, Any]] = []
        supporting: list[Node] = []
        requirements = self.reader.objects(node, CV.holdsRequirement)
        for requirement in sorted(requirements, key=self._position_key):
            self.reader.mark_node(requirement, (RDF.type, DCTERMS.identifier))
            kind = self._requirement_kind(requirement)
            title = self.text(requirement, DCTERMS.title)
            found = [
                e
                for e in self.reader.objects(requirement, CV.hasSupportingEvidence)
                if e in self.codes
            ]
            if kind == "eligibility":
                eligibility = title
            elif kind in EVIDENCE_KINDS and found:
                note = self.text(requirement, DCTERMS.description)
                evidence += [
                    {"type": self.codes[e], "mandatory": EVIDENCE_KINDS[kind], "note": note}
                    for e in found
                ]
            else:
                criteria += [title] if title else []
                supporting += found
        listed = {item["type"] for item in evidence}
        for input_node in self.reader.objects(node, CPSV.hasInput) + supporting:
            code = self.codes.get(input_node)
            if code is not None and code not in listed:
                listed.add(code)
                evidence.append({"type": code, "mandatory": True, "note": {}})
        for input_type in self.reader.peek_objects(node, CV.hasInputType):
            if input_type in self.evidence_kinds:
                self.reader.mark(node, CV.hasInputType, input_type)
        return {"criteria": criteria, "eligibility": eligibility, "evidence": evidence}

    def _requirement_kind(self, requirement: Node) -> str | None:
        for concept in self.reader.peek_objects(requirement, DCTERMS.type):
            kind = self.iris.requirement_kind(concept) if isinstance(concept, URIRef) else None
            if kind:
                self.reader.mark(requirement, DCTERMS.type, concept)
                self.reader.mark_node(concept, CONCEPT_PROPERTIES)
                return kind
        return None

    def _position_key(self, node: Node) -> tuple[int, int, str]:
        identifier = str(self.reader.peek_value(node, DCTERMS.identifier) or node)
        number = re.search(r"(\d+)$", identifier)
        return (0, int(number.group(1)), identifier) if number else (1, 0, identifier)

    def costs(self, node: Node, code: str) -> dict[str, Any]:
        """Tier costs by their identifier (`<code>/cost/<tier>`), exemptions as
        `<code>/cost/<tier>/exemption/<beneficiary>`; other costs fill the free tiers in order."""
        pattern = re.compile(
            rf"{re.escape(code)}/cost/({'|'.join(FEE_TIERS)})(?:/exemption/([^/]+))?"
        )
        own, exemptions, foreign = {}, [], []
        for cost in sorted(self.reader.peek_objects(node, CV.hasCost), key=self._position_key):
            match = pattern.fullmatch(str(self.reader.peek_value(cost, DCTERMS.identifier) or ""))
            if match and match.group(2):
                exemptions.append((match.group(1), match.group(2), cost))
            elif match and match.group(1) not in own:
                own[match.group(1)] = cost
            else:
                foreign.append(cost)
        free = [tier for tier in FEE_TIERS if tier not in own]
        tiers = {**own, **dict(zip(free, foreign, strict=False))}
        costs: dict[str, Any] = {}
        for tier in FEE_TIERS:
            amount = self._amount(node, tiers[tier]) if tier in tiers else None
            if amount is not None:
                costs[tier] = {
                    "amount": amount,
                    "currency": self._currency(tiers[tier]),
                    "description": self.text(tiers[tier], DCTERMS.description),
                    "exemptions": {},
                }
        for tier, beneficiary, cost in exemptions:
            amount = self._amount(node, cost) if tier in costs else None
            if amount is not None:
                self._currency(cost)
                self.beneficiary(beneficiary, self.text(cost, DCTERMS.description))
                costs[tier]["exemptions"][beneficiary] = amount
        return costs

    def _amount(self, node: Node, cost: Node) -> str | None:
        value = self.reader.peek_value(cost, CV.hasValue)
        try:
            amount = amount_text(Decimal(str(value))) if value is not None else None
        except InvalidOperation:
            return None
        if amount is not None:
            self.reader.mark(node, CV.hasCost, cost)
            self.reader.mark_node(cost, (RDF.type, DCTERMS.identifier, CV.hasValue))
        return amount

    def _currency(self, cost: Node) -> str:
        concept = self.reader.value(cost, CV.currency)
        if concept is None:
            return self.currency
        self.reader.mark_node(concept, CONCEPT_PROPERTIES)
        notation = self.reader.peek_value(concept, SKOS.notation)
        return str(notation or local_name(concept)).upper()
