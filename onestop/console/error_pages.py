"""Error pages of the two web faces: an address under `/<language>/console/` gets the console's
own 403 and 404 (its look, a way back to the console), any other keeps Django's, which render
the portal's templates (404.html, 400.html). Set as handler403/handler404 in onestop/urls.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_from_path
from django.views import defaults


def is_console_path(path: str) -> bool:
    language = get_language_from_path(path)
    return bool(language) and path.startswith(f"/{language}/console/")


def _console_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    language = get_language_from_path(request.path_info)
    # The language links lead to the console's start in each language: the missing or
    # refused address would be just as missing or refused in another.
    context = {"page_path": f"/{language}/console/"}
    return render(request, template, context, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_console_path(request.path_info):
        return _console_page(request, "console/404.html", 404)
    return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_console_path(request.path_info):
        return _console_page(request, "console/403.html", 403)
    return defaults.permission_denied(request, exception)
