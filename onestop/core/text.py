"""Translated text: catalog content stored per field as {language: text}."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.utils import translation


def active_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def pick(text: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in `language` (default: the active one), else the default language, else any."""
    if not text:
        return ""
    language = language or active_language()
    for candidate in (language, settings.LANGUAGE_CODE, *text.keys()):
        value = text.get(candidate)
        if value:
            return value
    return ""


def missing_languages(text: Mapping[str, str] | None, languages: Iterable[str]) -> list[str]:
    return [code for code in languages if not (text or {}).get(code, "").strip()]
