"""The per-process index: built from the published catalog, rebuilt when its revision moves.

Every catalog change bumps `CatalogRevision` in the same transaction, so one primary-key read
per search tells whether the cached index is current. The revision is read *before* the
catalog: a change committed in between makes the index newer than its label, never older, so
the next search rebuilds rather than serving stale results forever.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Hashable

from onestop.catalog.models import (
    Agency,
    CatalogRevision,
    Category,
    LifeEvent,
    LifeEventStep,
    Service,
    ServiceVersion,
    VersionStatus,
)

from .index import SearchIndex, ServiceDocument

_build_lock = threading.Lock()
_current: SearchIndex | None = None
_life_events: SearchIndex | None = None


def catalog_revision_key() -> Hashable:
    row = CatalogRevision.objects.filter(id=1).values_list("number", "changed_at").first()
    return row or (0, None)


def search_index_get() -> SearchIndex:
    """The index for the current catalog revision, built on first use and after changes.

    One thread builds; while it does, other threads keep searching the previous index rather
    than queueing behind the build (only the very first build makes them wait).
    """
    global _current
    index, key = _current, catalog_revision_key()
    if index is not None and index.key == key:
        return index
    if not _build_lock.acquire(blocking=index is None):
        return index  # type: ignore[return-value]  # non-blocking only when index exists
    try:
        key = catalog_revision_key()
        if _current is None or _current.key != key:
            _current = SearchIndex(service_documents_load(), key=key)
        return _current
    finally:
        _build_lock.release()


def search_index_clear() -> None:
    """Forget the cached indexes (tests whose rollbacks rewind the revision counter)."""
    global _current, _life_events
    with _build_lock:
        _current = None
        _life_events = None


def life_event_index_get() -> SearchIndex:
    """The index of life events for the current catalog revision. A few dozen documents: built
    without a lock (two threads may both build one; either result is the same)."""
    global _life_events
    index, key = _life_events, catalog_revision_key()
    if index is None or index.key != key:
        index = _life_events = SearchIndex(life_event_documents_load(), key=key)
    return index


def life_event_documents_load() -> list[ServiceDocument]:
    """Every life event: its name, and the names of the published services it bundles as its
    keywords (so "birth" finds "having a baby" through "birth registration")."""
    service_names = dict(
        ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .order_by()
        .values_list("service_id", "name")
    )
    steps: dict[object, list[dict]] = defaultdict(list)
    for life_event_id, service_id in LifeEventStep.objects.order_by("position").values_list(
        "life_event_id", "service_id"
    ):
        if service_id in service_names:
            steps[life_event_id].append(service_names[service_id])
    documents = []
    for pk, code, name in LifeEvent.objects.order_by("code").values_list("pk", "code", "name"):
        texts = _texts("name", name)
        for service_name in steps[pk]:
            texts.extend(_texts("keywords", service_name))
        documents.append(ServiceDocument(code=code, annual_volume=0, names=name, texts=texts))
    return documents


def service_documents_load() -> list[ServiceDocument]:
    """Every service with a published version, as texts to index, ordered by code.

    Five single-table queries, joined here rather than one SQL join: right after a bulk load,
    before the planner has statistics, PostgreSQL planned that join as a nested loop over
    every pair (10 s for 5,000 services); these stay linear whatever the statistics say.
    """
    agency_names = dict(Agency.objects.order_by().values_list("pk", "name"))
    category_names = dict(Category.objects.order_by().values_list("pk", "name"))
    categories_of: dict[object, list[dict]] = defaultdict(list)
    for service_id, category_id in Service.categories.through.objects.values_list(
        "service_id", "category_id"
    ):
        categories_of[service_id].append(category_names[category_id])
    services = {
        pk: (code, volume, agency_names[agency_id])
        for pk, code, volume, agency_id in Service.objects.order_by().values_list(
            "pk", "code", "annual_volume", "agency_id"
        )
    }
    versions = (
        ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .order_by()
        .values_list("service_id", "name", "summary", "keywords")
    )
    documents = [
        _document(*services[service_id], name, summary, keywords, categories_of[service_id])
        for service_id, name, summary, keywords in versions.iterator()
    ]
    return sorted(documents, key=lambda document: document.code)


def _document(
    code: str,
    annual_volume: int,
    agency_name: dict,
    name: dict,
    summary: dict,
    keywords: dict,
    categories: list[dict],
) -> ServiceDocument:
    texts = [*_texts("name", name), *_texts("summary", summary)]
    for language, words in (keywords or {}).items():
        words = words if isinstance(words, list) else [words]
        texts.extend(("keywords", language, str(word)) for word in words if word)
    texts.extend(_texts("agency", agency_name))
    for category_name in categories:
        texts.extend(_texts("category", category_name))
    return ServiceDocument(code=code, annual_volume=annual_volume, names=name, texts=texts)


def _texts(field_name: str, text: dict | None) -> list[tuple[str, str, str]]:
    return [(field_name, language, value) for language, value in (text or {}).items() if value]
