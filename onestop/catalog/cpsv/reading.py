"""Reading an RDF graph while remembering which triples the import used.

Whatever the import did not use is what it could not map; `Reader.unmapped` reports it, so an
editor sees what a CPSV-AP document said that the catalog does not keep.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from .vocabulary import CONTEXT_FILE, CONTEXT_URL, PREFIXES

Triple = tuple[Node, Node, Node]


def document_parse(path: Path) -> Graph:
    """Parse a Turtle or JSON-LD file (chosen by its suffix; JSON-LD if it starts with `{`).

    The official examples name CPSV-AP's context by its URL; the machine may be offline, so
    that URL is replaced by the vendored copy of the same context before parsing.
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".jsonld", ".json") or text.lstrip().startswith(("{", "[")):
        return Graph().parse(data=json.dumps(_context_local(json.loads(text))), format="json-ld")
    rdf_format = "xml" if path.suffix in (".rdf", ".xml") else "turtle"
    return Graph().parse(data=text, format=rdf_format)


def _context_local(document: object) -> object:
    if isinstance(document, list):
        return [_context_local(item) for item in document]
    if not isinstance(document, dict):
        return document
    result = {key: _context_local(value) for key, value in document.items() if key != "@context"}
    if "@context" in document:
        result["@context"] = _context_value(document["@context"])
    return result


def _context_value(context: object) -> object:
    if context == CONTEXT_URL:
        return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    if isinstance(context, list):
        return [_context_value(item) for item in context]
    return context


class Reader:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.used: set[Triple] = set()

    def peek_objects(self, subject: Node, predicate: URIRef) -> list[Node]:
        return sorted(self.graph.objects(subject, predicate), key=_sort_key)

    def peek_value(self, subject: Node, predicate: URIRef) -> Node | None:
        found = self.peek_objects(subject, predicate)
        return found[0] if found else None

    def objects(self, subject: Node, predicate: URIRef) -> list[Node]:
        found = self.peek_objects(subject, predicate)
        for value in found:
            self.used.add((subject, predicate, value))
        return found

    def value(self, subject: Node, predicate: URIRef) -> Node | None:
        """The first value (in a stable order); only that triple counts as used."""
        found = self.peek_value(subject, predicate)
        if found is not None:
            self.used.add((subject, predicate, found))
        return found

    def string(self, subject: Node, predicate: URIRef) -> str:
        found = self.value(subject, predicate)
        return str(found) if found is not None else ""

    def text(self, subject: Node, predicate: URIRef, *, untagged: str) -> dict[str, str]:
        """A translated text from language-tagged literals; an untagged one counts as `untagged`."""
        text: dict[str, str] = {}
        for literal in self.objects(subject, predicate):
            if isinstance(literal, Literal) and str(literal).strip():
                text[(literal.language or untagged).lower()] = str(literal)
        return text

    def subjects_of_type(self, *classes: URIRef) -> list[Node]:
        found = {s for cls in classes for s in self.graph.subjects(RDF.type, cls)}
        for subject in found:
            for cls in classes:
                if (subject, RDF.type, cls) in self.graph:
                    self.used.add((subject, RDF.type, cls))
        return sorted(found, key=_sort_key)

    def mark(self, subject: Node, predicate: Node, value: Node) -> None:
        self.used.add((subject, predicate, value))

    def mark_node(self, subject: Node, predicates: Iterable[URIRef]) -> None:
        for predicate in predicates:
            self.objects(subject, predicate)

    def checkpoint(self) -> set[Triple]:
        return set(self.used)

    def restore(self, saved: set[Triple]) -> None:
        self.used = saved

    def unmapped(self) -> dict[str, list[str]]:
        """Subject → the properties (compact names) of its triples the import did not use."""
        grouped: dict[str, set[str]] = {}
        for subject, predicate, value in self.graph:
            if (subject, predicate, value) not in self.used:
                grouped.setdefault(_label(subject), set()).add(curie(predicate))
        return {subject: sorted(grouped[subject]) for subject in sorted(grouped)}


def curie(iri: Node) -> str:
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(str(namespace)) and len(text) > len(str(namespace)):
            return f"{prefix}:{text[len(str(namespace)) :]}"
    return text


def _label(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _sort_key(node: Node) -> tuple[int, str]:
    return (1 if isinstance(node, BNode) else 0, str(node))
