import importlib.util
import re

import pytest
from django.contrib.staticfiles import finders

from conftest import skip_unless
from onestop.catalog.models import ServiceVersion
from onestop.staff.actors import SystemActor


def search_is_ready() -> None:
    skip_unless(
        importlib.util.find_spec("onestop.catalog.search") is not None,
        "onestop.catalog.search (search ranking) is not installed yet",
    )


def body(response) -> str:
    return response.content.decode()


def squeeze(html: str) -> str:
    """The page text with tags removed and whitespace collapsed, for exact phrase checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


PAGES = [
    "/{lang}/",
    "/{lang}/search/?category=travel",
    "/{lang}/categories/family/",
    "/{lang}/agencies/civil-registry/",
    "/{lang}/services/passport/",
    "/{lang}/life-events/having-a-baby/",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_english_left_to_right(client, catalog, page):
    response = client.get(page.format(lang="en"))

    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in body(response)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_arabic_right_to_left(client, catalog, page):
    response = client.get(page.format(lang="ar"))

    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in body(response)
    assert "الانتقال إلى المحتوى الرئيسي" in body(response)


def test_root_redirects_to_the_visitors_language(client, catalog):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")

    assert response.status_code == 302
    assert response["Location"] == "/ar/"


def test_api_and_admin_stay_without_language_prefix(client, catalog):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/en/api/v1/openapi.json").status_code == 404


def test_home_shows_life_events_categories_and_most_used(client, catalog):
    text = squeeze(body(client.get("/en/")))

    assert "Something happened in your life Having a baby" in text
    assert "Browse by topic Family Travel" in text
    assert "Most used services Birth registration" in text
    assert 'href="/en/life-events/having-a-baby/"' in body(client.get("/en/"))


def test_passport_shows_fees_tiers_deadlines_and_exemption(client, catalog):
    text = squeeze(body(client.get("/en/services/passport/")))

    assert "Fee €60.00 Deadline 15 working days" in text
    assert "Standard €60.00 15 working days Express €120.00 5 working days" in text
    assert "Who pays less Applicant Standard Express Pensioners €30.00 €30.00" in text


def test_passport_shows_free_for_a_full_exemption(client, catalog):
    text = squeeze(body(client.get("/en/services/birth-registration/")))

    assert "Pensioners Free" in text
    assert "Fee €10.00 Deadline 10 working days" in text


def test_passport_marks_documents_the_state_already_holds(client, catalog):
    birth = squeeze(body(client.get("/en/services/birth-registration/")))
    passport = squeeze(body(client.get("/en/services/passport/")))

    assert (
        "Documents you need Birth record We obtain this from the civil registry; "
        "you need not bring it."
    ) in birth
    assert "Documents you need Photo Recent photo. Fees and deadlines" in passport
    assert "you need not bring it" not in passport


def test_passport_lists_channels_centers_addresses_and_hours(client, catalog):
    text = squeeze(body(client.get("/en/services/passport/")))

    assert "Online, on this portal At a service center counter" in text
    assert (
        "Central Office Service center 5 Station Road, Capital City Telephone: "
        "+999 21 555 0199 Opening hours Monday 08:00-18:00 Tuesday Closed"
    ) in text
    assert "Saturday 09:00-13:00 Sunday Closed" in text
    assert "Northern mobile unit Mobile unit" in text


def test_passport_shows_legal_basis_output_appeal_contact_and_version(client, catalog):
    html = body(client.get("/en/services/birth-registration/"))
    text = squeeze(html)

    assert '<a href="https://laws.gov.example/civil">Civil Status Act</a> (Act No. 1/2000)' in html
    assert "What you receive Certificate. It is valid for 6 months." in text
    assert "If you disagree with the decision Appeal to the court within 30 days." in text
    assert 'href="mailto:contact@civil.gov.example"' in html
    assert "Telephone +999 21 555 0100" in text
    assert "Part of these life events Having a baby" in text
    assert "Version 1, in force from Jan. 1, 2026." in text


def test_passport_in_arabic_uses_arabic_texts_and_labels(client, catalog):
    text = squeeze(body(client.get("/ar/services/passport/")))

    assert "جواز السفر" in text
    assert "المستندات المطلوبة" in text
    assert "15 يوم عمل" in text
    assert "المكتب المركزي" in text


def test_older_version_is_reachable_with_a_notice(client, catalog_with_new_passport_fee):
    old = squeeze(body(client.get("/en/services/passport/?version=1")))
    new = squeeze(body(client.get("/en/services/passport/")))

    assert "You are reading version 1 of this service, which is no longer in force." in old
    assert "Read the current version (2)" in old
    assert "Fee €60.00" in old
    assert "Fee €75.00" in new
    assert "no longer in force" not in new
    assert "Other versions: version 1" in new


def test_unknown_service_is_a_translated_404(client, catalog):
    english = client.get("/en/services/no-such-service/")
    arabic = client.get("/ar/services/no-such-service/")

    assert english.status_code == 404
    assert "Page not found" in body(english)
    assert arabic.status_code == 404
    assert "الصفحة غير موجودة" in body(arabic)
    assert '<html lang="ar" dir="rtl">' in body(arabic)


def test_unknown_version_is_a_404_and_a_bad_version_a_translated_400(client, catalog):
    missing = client.get("/en/services/passport/?version=7")
    bad = client.get("/fr/services/passport/?version=latest")

    assert missing.status_code == 404
    assert bad.status_code == 400
    assert "La requête n’est pas valide" in body(bad)


def test_draft_versions_are_not_public(client, catalog):
    from onestop.catalog.models import Service
    from onestop.catalog.services import service_version_draft

    draft = service_version_draft(
        actor=SystemActor("test"), service=Service.objects.get(code="passport")
    )

    assert client.get(f"/en/services/passport/?version={draft.number}").status_code == 404
    assert ServiceVersion.objects.filter(service__code="passport").count() == 2


def test_unknown_life_event_category_and_agency_are_404(client, catalog):
    assert client.get("/en/life-events/nothing/").status_code == 404
    assert client.get("/en/categories/nothing/").status_code == 404
    assert client.get("/en/agencies/nothing/").status_code == 404


def test_life_event_lists_services_in_order_with_agency_deadline_and_fee(client, catalog):
    text = squeeze(body(client.get("/en/life-events/having-a-baby/")))

    assert "Each service stands on its own" in text
    assert (
        "2 steps Birth registration Agency Civil Registry Deadline 10 working days "
        "Fee €10.00 Passport Agency Migration Service Deadline 15 working days "
        "Fee €60.00"
    ) in text


def test_category_page_lists_its_services(client, catalog):
    text = squeeze(body(client.get("/en/categories/travel/")))

    assert "1 service in this topic. Passport" in text
    assert "Birth registration" not in text


def test_empty_search_invites_to_type_or_browse(client, catalog):
    response = client.get("/en/search/?q=")

    assert response.status_code == 200
    assert "Type a few words about what you need" in body(response)
    assert 'href="/en/categories/travel/"' in body(response)


def test_search_filters_without_a_query_list_matching_services(client, catalog):
    text = squeeze(body(client.get("/en/search/?agency=migration")))

    assert "1 service found Passport" in text


def test_filters_matching_nothing_explain_and_offer_topics(client, catalog):
    text = squeeze(body(client.get("/en/search/?agency=migration&category=family")))

    assert "No service matches these filters" in text
    assert "Browse by topic Family Travel" in text


def test_overlong_query_is_a_400_with_a_named_field(client, catalog):
    response = client.get("/en/search/", {"q": "x" * 201})

    assert response.status_code == 400
    assert "Search for a service: Use at most 200 characters." in squeeze(body(response))
    assert 'value="' + "x" * 201 + '"' in body(response)


def test_search_finds_a_service_by_name(client, catalog):
    search_is_ready()

    text = squeeze(body(client.get("/en/search/?q=passport")))

    assert "1 service found Passport" in text


def test_nonsense_search_says_nothing_matches_and_offers_topics(client, catalog):
    search_is_ready()

    response = client.get("/ru/search/?q=zzqxjwvk")

    assert response.status_code == 200
    assert "По запросу «zzqxjwvk» ничего не найдено" in squeeze(body(response))
    assert 'href="/ru/categories/family/"' in body(response)


def test_language_switcher_links_to_the_same_page_and_query(client, catalog):
    html = body(client.get("/en/services/passport/?version=1"))

    assert '<a href="/ar/services/passport/?version=1" lang="ar" hreflang="ar">العربية</a>' in html
    assert '<a href="/fr/services/passport/?version=1" lang="fr" hreflang="fr">Français</a>' in html
    assert 'lang="en" hreflang="en" aria-current="true">English</a>' in html


def test_language_switcher_on_a_404_keeps_the_path(client, catalog):
    html = body(client.get("/fr/services/nope/"))

    assert '<a href="/ru/services/nope/" lang="ru" hreflang="ru">Русский</a>' in html


@pytest.mark.parametrize("page", PAGES)
def test_pages_need_no_javascript(client, catalog, page):
    html = body(client.get(page.format(lang="en")))

    assert "<script" not in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html


def test_passport_page_weighs_under_100_kilobytes(client, catalog):
    html = client.get("/ar/services/passport/").content
    css_path = finders.find("portal/portal.css")

    with open(css_path, "rb") as css:
        total = len(html) + len(css.read())

    assert total < 100_000


def test_home_query_count_is_pinned(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        client.get("/en/")


def test_filtered_search_query_count_is_pinned(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        client.get("/en/search/?category=travel")


def test_passport_query_count_is_pinned(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        client.get("/en/services/passport/")


def test_query_search_count_is_pinned(client, catalog, django_assert_max_num_queries):
    search_is_ready()
    client.get("/en/search/?q=passport")  # the search index builds once per catalog revision

    with django_assert_max_num_queries(10):
        client.get("/en/search/?q=passport")


def test_life_event_query_count_is_pinned(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        client.get("/en/life-events/having-a-baby/")
