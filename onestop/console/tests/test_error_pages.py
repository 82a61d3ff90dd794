"""Each face its own error pages: the console's under /<language>/console/, the portal's elsewhere."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation

from onestop.console.error_pages import is_console_path, page_not_found, permission_denied

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "language", "back"),
    [
        ("/en/console/no-such-page/", "en", "Back to the console"),
        ("/fr/console/tasks/not-a-task/", "fr", "Retour à la console"),
        ("/ar/console/nothing/here/", "ar", "العودة إلى لوحة الموظفين"),
    ],
)
def test_a_missing_console_page_is_the_consoles_404_in_the_readers_language(path, language, back):
    response = Client().get(path)

    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in page
    assert f'<a href="/{language}/console/">{back}</a>' in page
    assert "console/console.css" in page
    assert "Search for a service" not in page


def test_a_missing_portal_page_keeps_the_portals_404():
    response = Client().get("/en/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Search for a service" in page
    assert "Back to the console" not in page
    assert "console/console.css" not in page


def _refused(path: str, language: str):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    with translation.override(language):
        return permission_denied(request, PermissionDenied())


def test_a_refused_console_page_is_the_consoles_403():
    response = _refused("/ru/console/escalations/", "ru")

    page = response.content.decode()
    assert response.status_code == 403
    assert "Вы не можете открыть эту страницу" in page
    assert '<a href="/ru/console/">Вернуться в консоль</a>' in page


def test_a_refused_portal_page_is_not_the_consoles():
    response = _refused("/en/applications/", "en")

    assert response.status_code == 403
    assert "You cannot open this page" not in response.content.decode()


@pytest.mark.parametrize(
    ("path", "is_console"),
    [
        ("/en/console/", True),
        ("/fr/console/tasks/1/", True),
        ("/en/consoles/", False),
        ("/console/", False),
        ("/xx/console/", False),
        ("/en/services/console/", False),
    ],
)
def test_only_the_consoles_addresses_are_routed_to_its_pages(path, is_console):
    assert is_console_path(path) is is_console


def test_the_handlers_are_installed():
    from onestop import urls

    assert (urls.handler403, urls.handler404) == (
        f"{permission_denied.__module__}.permission_denied",
        f"{page_not_found.__module__}.page_not_found",
    )
