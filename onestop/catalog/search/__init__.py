"""Catalog search that forgives typos and crosses languages; see docs/search.md."""

from .selectors import SearchHit, SearchResult, service_search
from .store import search_index_clear, search_index_get

__all__ = [
    "SearchHit",
    "SearchResult",
    "search_index_clear",
    "search_index_get",
    "service_search",
]
