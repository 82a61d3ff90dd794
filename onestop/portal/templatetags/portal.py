"""Template helpers: translated catalog text and links to this page in other languages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation

from onestop.accounts.selectors import citizen_unread_count
from onestop.core.text import pick

register = template.Library()


@register.filter
def text(value: Mapping[str, str] | None) -> str:
    """A catalog text in the active language: `{{ version.name|text }}`."""
    return pick(value)


@register.filter
def current(service: object) -> object:
    """The published version carried by a `service_summaries` row."""
    versions = getattr(service, "current", None)
    return versions[0] if versions else None


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool


def url_in_language(request: HttpRequest | None, language: str) -> str:
    """This page (path and query) in `language`; the home page when the path is unknown."""
    if request is None:
        return f"/{language}/"
    current = translation.get_language()
    full_path = request.get_full_path()
    translated = translate_url(full_path, language)
    if translated != full_path or language == current:
        return translated
    prefix = f"/{current}/"
    if request.path.startswith(prefix):
        return f"/{language}/" + full_path[len(prefix) :]
    return f"/{language}/"


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    request = context.get("request")
    current = translation.get_language()
    return [
        LanguageLink(
            code=code, name=name, url=url_in_language(request, code), is_current=code == current
        )
        for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def citizen_unread(context: template.Context) -> int:
    """How many unread messages the signed-in citizen has, for the header link."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return citizen_unread_count(user=user)
