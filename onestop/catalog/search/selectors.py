"""Searching the catalog: the one read the portal, the API, SMS and kiosks all call."""

from __future__ import annotations

from dataclasses import dataclass

from onestop.core.text import pick

from .index import query_tokens
from .store import life_event_index_get, search_index_get


@dataclass(frozen=True)
class SearchHit:
    code: str
    score: float
    name: str  # in the language asked for, else the default one


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    hits: list[SearchHit]


def service_search(*, query: str, language: str, limit: int = 20, offset: int = 0) -> SearchResult:
    """Published services matching `query`, most relevant first, in pages.

    Never raises for what a person can type: an empty, punctuation-only or nonsense query
    gives an empty result, and a very long one is cut to its first words. Negative paging
    values count as zero. The caller fetches the passports of the hits it shows.
    """
    limit, offset = max(0, limit), max(0, offset)
    if not query_tokens(query):
        return SearchResult(query=query, total=0, hits=[])
    index = search_index_get()
    total, ranked = index.search(query=query, language=language, limit=offset + limit)
    hits = [
        SearchHit(
            code=index.documents[position].code,
            score=round(score, 4),
            name=pick(index.documents[position].names, language),
        )
        for position, score in ranked[offset:]
    ]
    return SearchResult(query=query, total=total, hits=hits)


def life_event_search(*, query: str, language: str, limit: int = 5) -> list[SearchHit]:
    """Life events matching `query` (by their name, in any language, or a service they
    bundle), most relevant first; like `service_search`, never raises for what a person types."""
    if limit <= 0 or not query_tokens(query):
        return []
    index = life_event_index_get()
    _total, ranked = index.search(query=query, language=language, limit=limit)
    return [
        SearchHit(
            code=index.documents[position].code,
            score=round(score, 4),
            name=pick(index.documents[position].names, language),
        )
        for position, score in ranked
    ]
