"""The response language and conditional GET for catalog reads.

Every catalog read answers `If-None-Match` from one query (the catalog revision) before doing
any other database work: the ETag hashes the revision, the path, the query string and the
language, so it changes exactly when the answer could.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from onestop.catalog.selectors import catalog_revision
from onestop.core.errors import InvalidInput

CACHE_CONTROL = "public, max-age=60"
# Bump when a response's shape changes, so clients holding old ETags fetch the new shape.
REPRESENTATION = "1"


def supported_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _supported(code: str) -> str | None:
    try:
        return translation.get_supported_language_variant(code.lower()).split("-")[0]
    except LookupError:
        return None


def language_from_header(header: str) -> str | None:
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        language = _supported(code)
        if language:
            return language
    return None


def language_choose(request: HttpRequest, lang: str | None) -> str:
    """`lang` wins, then Accept-Language, then the site's default. Unlike LocaleMiddleware
    this ignores the language cookie, so `Vary: Accept-Language` tells shared caches the
    whole truth."""
    if lang:
        language = _supported(lang.strip())
        if language is None:
            supported = ", ".join(supported_languages())
            message = _("lang must be one of: %(supported)s.") % {"supported": supported}
            raise InvalidInput(
                message,
                code="invalid_input",
                errors=[{"field": "lang", "location": "query", "message": message}],
                supported=supported_languages(),
            )
        return language
    header = request.headers.get("Accept-Language", "")
    return language_from_header(header) or settings.LANGUAGE_CODE.split("-")[0]


def catalog_etag(request: HttpRequest, language: str, revision: int) -> str:
    query = sorted((key, sorted(values)) for key, values in request.GET.lists())
    key = repr((REPRESENTATION, revision, request.path, query, language))
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 §8.8.3.2); `*` is ignored, a read never needs it."""
    opaque = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == opaque for tag in parse_etags(header) if tag != "*")


def _cache_headers(response: HttpResponse, etag: str, language: str) -> None:
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Content-Language"] = language
    patch_vary_headers(response, ("Accept-Language",))


def catalog_read(
    request: HttpRequest,
    response: HttpResponse,
    lang: str | None,
    build: Callable[[str], Any],
) -> Any:
    """Answer 304 when the client's copy is current, else `build(language)` with cache
    headers on `response` (ninja's temporary response). The revision is read before the
    body, so a concurrent edit can only make the ETag older than the body, never newer."""
    language = language_choose(request, lang)
    etag = catalog_etag(request, language, catalog_revision())
    if _etag_matches(request.headers.get("If-None-Match", ""), etag):
        not_modified = HttpResponseNotModified()
        _cache_headers(not_modified, etag, language)
        return not_modified
    with translation.override(language):
        body = build(language)
    _cache_headers(response, etag, language)
    return body
