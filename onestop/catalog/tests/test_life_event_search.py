"""Search finds life events, by their name or a service they bundle, in every pack language;
the portal's search page offers them above the services."""

import pytest
from django.test import Client
from django.utils.html import escape

from onestop.catalog.search import life_event_search

pytestmark = pytest.mark.django_db

BABY = "having-a-baby"


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("baby", "en"),
        ("birth", "en"),  # through "Birth registration", a service of the bundle
        ("naissance", "fr"),
        ("рождение ребёнка", "ru"),
        ("ولادة", "ar"),
        ("babby", "en"),  # a typo
        ("naissance", "en"),  # another language than the reader's
    ],
)
def test_a_search_about_a_birth_finds_having_a_baby_first(demo_pack_loaded, query, language):
    hits = life_event_search(query=query, language=language)

    assert hits[0].code == BABY


def test_the_hit_is_named_in_the_readers_language(demo_pack_loaded):
    [first, *_] = life_event_search(query="baby", language="fr")

    assert (first.code, first.name) == (BABY, "Naissance d'un enfant")


def test_a_search_for_a_wedding_finds_getting_married_not_the_baby(demo_pack_loaded):
    codes = [hit.code for hit in life_event_search(query="married", language="en")]

    assert codes[0] == "getting-married"
    assert BABY not in codes


@pytest.mark.parametrize("query", ["", "   ", "?!", "zzqxv"])
def test_nothing_to_search_for_finds_no_life_event(demo_pack_loaded, query):
    assert life_event_search(query=query, language="en") == []


@pytest.mark.parametrize(
    ("language", "query", "name"),
    [
        ("en", "baby", "Having a baby"),
        ("fr", "naissance", "Naissance d'un enfant"),
        ("ru", "ребёнок", "Рождение ребёнка"),
        ("ar", "ولادة", "ولادة طفل"),
    ],
)
def test_the_portals_search_page_offers_the_life_event(demo_pack_loaded, language, query, name):
    response = Client().get(f"/{language}/search/", {"q": query})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="/{language}/life-events/{BABY}/">{escape(name)}</a>' in page


def test_a_later_results_page_does_not_repeat_the_life_events(demo_pack_loaded):
    first = Client().get("/en/search/", {"q": "baby", "page": 1})
    later = Client().get("/en/search/", {"q": "baby", "page": 2})

    assert (first.status_code, later.status_code) == (200, 200)
    assert 'id="life-event-hits"' in first.content.decode()
    assert 'id="life-event-hits"' not in later.content.decode()
