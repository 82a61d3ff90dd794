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
    CatalogRevision,
    Category,
    Service,
    ServiceVersion,
    VersionStatus,
)

from .index import SearchIndex, ServiceDocument

_build_lock = threading.Lock()
_current: SearchIndex | None = None


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
    """Forget the cached index (tests whose rollbacks rewind the revision counter)."""
    global _current
    with _build_lock:
        _current = None


def service_documents_load() -> list[ServiceDocument]:
    """Every service with a published version, as texts to index; three queries."""
    category_names = dict(Category.objects.values_list("pk", "name"))
    categories_of: dict[object, list[dict]] = defaultdict(list)
    for service_id, category_id in Service.categories.through.objects.values_list(
        "service_id", "category_id"
    ):
        categories_of[service_id].append(category_names[category_id])
    versions = (
        ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("service__agency")
        .only(
            "name",
            "summary",
            "keywords",
            "service__code",
            "service__annual_volume",
            "service__agency__name",
        )
        .order_by("service__code")
    )
    return [
        _document(version, categories_of[version.service_id]) for version in versions.iterator()
    ]


def _document(version: ServiceVersion, categories: list[dict]) -> ServiceDocument:
    service = version.service
    texts = [*_texts("name", version.name), *_texts("summary", version.summary)]
    for language, keywords in (version.keywords or {}).items():
        words = keywords if isinstance(keywords, list) else [keywords]
        texts.extend(("keywords", language, str(word)) for word in words)
    texts.extend(_texts("agency", service.agency.name))
    for name in categories:
        texts.extend(_texts("category", name))
    return ServiceDocument(
        code=service.code, annual_volume=service.annual_volume, names=version.name, texts=texts
    )


def _texts(field_name: str, text: dict | None) -> list[tuple[str, str, str]]:
    return [(field_name, language, value) for language, value in (text or {}).items() if value]
