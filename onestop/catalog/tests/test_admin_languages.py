"""The catalog admin speaks the editor's language: the admin follows the browser's
Accept-Language (its URLs carry no language prefix), and our model names, field labels and app
name come out translated, not only Django's own chrome."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst

from onestop.catalog.roles import catalog_editor_group_ensure
from onestop.packs.loader import pack_load
from onestop.packs.tests.minipack import mini_pack

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(tmp_path):
    pack_load(path=mini_pack(tmp_path))


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_user("editor", password="a-long-password", is_staff=True)
    user.groups.add(catalog_editor_group_ensure())
    client.force_login(user)
    return client


def translated(language: str, msgid: str) -> str:
    with translation.override(language):
        text = translation.gettext(msgid)
    assert text != msgid, f"{msgid!r} is not translated into {language}"
    return escape(capfirst(text))


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize(
    ("page", "msgids"),
    [
        ("admin:catalog_agency_changelist", ["agencies", "website", "Service catalog"]),
        ("admin:catalog_agency_add", ["agencies", "opening hours", "area served"]),
        ("admin:catalog_service_changelist", ["annual volume", "Current version"]),
        ("admin:catalog_service_add", ["annual volume", "service centers", "Service catalog"]),
    ],
)
def test_the_catalog_admin_speaks_the_editors_language(catalog, editor, language, page, msgids):
    response = editor.get(reverse(page), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert response["Content-Language"] == language
    html = response.content.decode()
    missing = [msgid for msgid in msgids if translated(language, msgid) not in html]
    assert missing == []


def test_a_missing_language_is_named_in_the_editors_language(editor):
    response = editor.post(
        reverse("admin:catalog_agency_add"),
        {"code": "new-agency", "name_0": "New agency", "opening_hours": "{}"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 200
    with translation.override("fr"):
        expected = translation.gettext("Write this text in every language; missing: %(missing)s.")
    assert expected != "Write this text in every language; missing: %(missing)s."
    assert escape(expected % {"missing": "fr, ru, ar"}) in response.content.decode()
