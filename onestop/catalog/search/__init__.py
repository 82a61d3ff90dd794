"""Catalog search that forgives typos and crosses languages; see docs/search.md."""

from .selectors import SearchHit, SearchResult, life_event_search, service_search
from .store import life_event_index_get, search_index_clear, search_index_get

__all__ = [
    "SearchHit",
    "SearchResult",
    "life_event_index_get",
    "life_event_search",
    "search_index_clear",
    "search_index_get",
    "service_search",
]
