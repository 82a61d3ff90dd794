import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from onestop.api.openapi import OPENAPI_FILE
from onestop.catalog.models import Cost, Service, ServiceVersion
from onestop.catalog.search import search_index_clear
from onestop.catalog.selectors import catalog_revision
from onestop.catalog.services import service_version_draft, service_version_publish
from onestop.packs.loader import pack_load
from onestop.packs.tests.minipack import SECTIONS, mini_pack, service, t
from onestop.staff.actors import SystemActor


@pytest.fixture(autouse=True)
def fresh_search_index():
    """Rollbacks rewind the catalog revision, so a cached search index could outlive its data."""
    search_index_clear()
    yield
    search_index_clear()


@pytest.fixture
def catalog(tmp_path, db):
    pack_load(path=mini_pack(tmp_path), actor=SystemActor("test"))


def tr(en: str, language: str) -> str:
    """The mini pack's translation of an English text."""
    return en if language == "en" else f"{en} ({language})"


def get(client, url, **headers):
    return client.get(url, headers=headers)


def error(code, message, **details):
    return {"error": {"code": code, "message": message, "details": details}}


def publish_new_passport_fee(amount: str) -> ServiceVersion:
    """Version 2 of the passport with another standard fee, through the catalog's services."""
    draft = service_version_draft(
        actor=SystemActor("test"), service=Service.objects.get(code="passport")
    )
    Cost.objects.filter(version=draft, tier="standard").update(amount=Decimal(amount))
    return service_version_publish(
        actor=SystemActor("test"), version=draft, effective_from=date(2026, 7, 1)
    )


# --- agencies -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar"])
def test_agencies_list_every_agency_in_the_chosen_language(catalog, client, language):
    response = get(client, f"/api/v1/agencies?lang={language}")

    assert response.status_code == 200
    assert response.json() == {
        "language": language,
        "count": 2,
        "items": [
            {
                "code": "civil-registry",
                "name": tr("Civil Registry", language),
                "acronym": "",
                "description": tr("Civil status.", language),
                "website": "https://civil.gov.example/",
                "email": "contact@civil.gov.example",
                "telephone": "+999 21 555 0100",
                "address": tr("1 Main Street", language),
                "opening_hours": {"mon": ["08:30-17:00"]},
            },
            {
                "code": "migration",
                "name": tr("Migration Service", language),
                "acronym": "",
                "description": tr("Passports.", language),
                "website": "",
                "email": "",
                "telephone": "",
                "address": "",
                "opening_hours": {},
            },
        ],
    }


# --- services -------------------------------------------------------------------------------

SERVICE_NAMES = {
    "en": {"birth-registration": "Birth registration", "passport": "Passport"},
    "ar": {"birth-registration": "تسجيل المواليد", "passport": "جواز السفر"},
}


def summary_item(code: str, language: str) -> dict:
    name_en = SERVICE_NAMES["en"][code]
    is_passport = code == "passport"
    return {
        "code": code,
        "name": SERVICE_NAMES[language][code],
        "summary": tr(f"Summary of {name_en}.", language),
        "agency": {
            "code": "migration" if is_passport else "civil-registry",
            "name": tr("Migration Service" if is_passport else "Civil Registry", language),
        },
        "categories": [
            {
                "code": "travel" if is_passport else "family",
                "name": tr("Travel" if is_passport else "Family", language),
            }
        ],
        "processing_days": 15 if is_passport else 10,
        "fee_standard": {"amount": "60.00" if is_passport else "10.00", "currency": "EUR"},
        "url": f"/api/v1/services/{code}",
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_services_list_published_services_by_code(catalog, client, language):
    response = get(client, f"/api/v1/services?lang={language}")

    assert response.status_code == 200
    assert response.json() == {
        "language": language,
        "count": 2,
        "limit": 20,
        "offset": 0,
        "items": [summary_item("birth-registration", language), summary_item("passport", language)],
    }
    assert SERVICE_NAMES[language]["passport"].encode() in response.content  # not \u-escaped


@pytest.mark.parametrize(
    "query, codes",
    [
        ("agency=migration", ["passport"]),
        ("agency=civil-registry", ["birth-registration"]),
        ("category=family", ["birth-registration"]),
        ("life_event=having-a-baby", ["birth-registration", "passport"]),
        ("life_event=having-a-baby&category=travel", ["passport"]),
        ("agency=no-such-agency", []),
        ("category=no-such-category", []),
    ],
)
def test_services_filter_by_agency_category_and_life_event(catalog, client, query, codes):
    body = get(client, f"/api/v1/services?{query}").json()

    assert [item["code"] for item in body["items"]] == codes
    assert body["count"] == len(codes)


@pytest.mark.parametrize(
    "query, count, codes",
    [
        ("limit=1", 2, ["birth-registration"]),
        ("limit=1&offset=1", 2, ["passport"]),
        ("offset=2", 2, []),
        ("limit=100&offset=1000000000", 2, []),
    ],
)
def test_services_are_paged_by_limit_and_offset(catalog, client, query, count, codes):
    body = get(client, f"/api/v1/services?{query}").json()

    assert (body["count"], [item["code"] for item in body["items"]]) == (count, codes)


@pytest.mark.parametrize(
    "query, codes",
    [
        ("q=passport", ["passport"]),
        ("q=pasport", ["passport"]),
        ("q=جواز السفر&lang=ar", ["passport"]),
        ("q=birth registration", ["birth-registration"]),
        ("q=passport&agency=civil-registry", []),
        ("q=zzzzqqq", []),
    ],
)
def test_services_search_ranks_by_relevance(catalog, client, query, codes):
    body = get(client, f"/api/v1/services?{query}").json()

    assert [item["code"] for item in body["items"]] == codes
    assert body["count"] == len(codes)


# --- passports ------------------------------------------------------------------------------


def passport_expected(language: str, *, number: int = 1, fee: str = "60.00", **version) -> dict:
    def text(en: str) -> str:
        return tr(en, language)

    exemptions = [{"category": "pensioner", "name": text("Pensioners"), "amount": "30.00"}]
    return {
        "language": language,
        "code": "passport",
        "name": SERVICE_NAMES[language]["passport"],
        "summary": text("Summary of Passport."),
        "description": text("Description of Passport."),
        "eligibility": text("Residents."),
        "criteria": [text("You live in Testland.")],
        "evidence": [
            {
                "code": "photo",
                "name": text("Photo"),
                "mandatory": True,
                "note": text("Recent photo."),
                "held_by_registry": False,
            }
        ],
        "costs": [
            {
                "tier": "standard",
                "amount": fee,
                "currency": "EUR",
                "description": text("Standard."),
                "exemptions": exemptions,
            },
            {
                "tier": "express",
                "amount": "120.00",
                "currency": "EUR",
                "description": text("Express."),
                "exemptions": exemptions,
            },
        ],
        "processing_days": 15,
        "express_processing_days": 5,
        "output": {"name": text("Certificate"), "validity_months": 6},
        "channels": ["online", "center"],
        "centers": [
            {
                "code": "central",
                "name": text("Central Office"),
                "kind": "center",
                "address": "",
                "region": "capital",
                "opening_hours": {"mon": ["08:00-18:00"]},
            }
        ],
        "legal_resources": [
            {
                "code": "civil-act",
                "title": text("Civil Status Act"),
                "citation": "Act No. 1/2000",
                "url": "https://laws.gov.example/civil",
            }
        ],
        "appeal": text("Appeal to the court within 30 days."),
        "agency": {"code": "migration", "name": text("Migration Service")},
        "categories": [{"code": "travel", "name": text("Travel")}],
        "life_events": [{"code": "having-a-baby", "name": text("Having a baby")}],
        "form": {
            "schema": {
                "type": "object",
                "required": ["reason"],
                "properties": {
                    "reason": {"type": "string", "maxLength": 200},
                    "contact_phone": {"type": "string", "maxLength": 200},
                },
            },
            "hints": {
                "order": ["reason", "contact_phone"],
                "fields": {
                    "reason": {"label": text("Reason"), "help": "", "options": {}},
                    "contact_phone": {"label": text("Contact Phone"), "help": "", "options": {}},
                },
            },
        },
        "version": {
            "number": number,
            "status": "published",
            "effective_from": "2026-01-01",
            "effective_to": None,
            **version,
        },
        "versions": [
            {
                "number": 1,
                "status": "published",
                "effective_from": "2026-01-01",
                "effective_to": None,
                "url": "/api/v1/services/passport/versions/1",
            }
        ],
        "url": f"/api/v1/services/passport/versions/{number}",
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_passport_shows_the_current_version_in_full(catalog, client, language):
    response = get(client, f"/api/v1/services/passport?lang={language}")

    assert response.status_code == 200
    assert response.json() == passport_expected(language)


def test_an_older_version_stays_readable_with_its_old_fee(catalog, client):
    publish_new_passport_fee("75.00")
    retired = {"status": "retired", "effective_to": "2026-06-30"}
    links = [
        {
            "number": 2,
            "status": "published",
            "effective_from": "2026-07-01",
            "effective_to": None,
            "url": "/api/v1/services/passport/versions/2",
        },
        {
            "number": 1,
            "status": "retired",
            "effective_from": "2026-01-01",
            "effective_to": "2026-06-30",
            "url": "/api/v1/services/passport/versions/1",
        },
    ]

    current = get(client, "/api/v1/services/passport").json()
    old = get(client, "/api/v1/services/passport/versions/1").json()
    listed = get(client, "/api/v1/services/passport/versions").json()

    assert (current["version"]["number"], current["costs"][0]["amount"]) == (2, "75.00")
    assert old == {**passport_expected("en", **retired), "versions": links}
    assert listed == {"language": "en", "service": "passport", "count": 2, "items": links}


def test_a_draft_version_is_never_shown(catalog, client):
    draft = service_version_draft(
        actor=SystemActor("test"), service=Service.objects.get(code="passport")
    )

    response = get(client, f"/api/v1/services/passport/versions/{draft.number}")
    listed = get(client, "/api/v1/services/passport/versions").json()
    current = get(client, "/api/v1/services/passport").json()

    assert response.status_code == 404
    assert response.json() == error(
        "service_version_not_found",
        "Service passport has no public version 2.",
        service="passport",
        number=2,
    )
    assert [item["number"] for item in listed["items"]] == [1]
    assert current["version"]["number"] == 1


# --- life events ----------------------------------------------------------------------------


def life_event_expected(language: str) -> dict:
    services = [summary_item(code, language) for code in ("birth-registration", "passport")]
    return {
        "code": "having-a-baby",
        "kind": "life",
        "name": tr("Having a baby", language),
        "description": tr("What to do.", language),
        "is_all_or_nothing": False,
        "services": [
            {key: item[key] for key in ("code", "name", "agency", "url")} for item in services
        ],
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_life_events_list_their_services_in_order(catalog, client, language):
    response = get(client, f"/api/v1/life-events?lang={language}")

    assert response.status_code == 200
    assert response.json() == {
        "language": language,
        "count": 1,
        "items": [life_event_expected(language)],
    }


def test_life_events_filter_by_kind(catalog, client):
    business = get(client, "/api/v1/life-events?kind=business").json()
    life = get(client, "/api/v1/life-events?kind=life").json()

    assert (business["count"], business["items"]) == (0, [])
    assert [item["code"] for item in life["items"]] == ["having-a-baby"]


def test_one_life_event_is_read_by_code(catalog, client):
    response = get(client, "/api/v1/life-events/having-a-baby?lang=ar")

    assert response.status_code == 200
    assert response.json() == {"language": "ar", **life_event_expected("ar")}


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, accept_language, language",
    [
        ("?lang=ar", "fr", "ar"),
        ("?lang=fr-CA", "ar", "fr"),
        ("?lang=AR", "", "ar"),
        ("", "ar;q=0.9, ru", "ru"),
        ("", "de, fr;q=0.5", "fr"),
        ("", "de", "en"),
        ("", "", "en"),
    ],
)
def test_lang_wins_then_accept_language_then_the_default(
    catalog, client, query, accept_language, language
):
    response = get(client, f"/api/v1/agencies{query}", accept_language=accept_language)

    assert response.status_code == 200
    assert response.json()["language"] == language
    assert response.json()["items"][1]["name"] == tr("Migration Service", language)
    assert response["Content-Language"] == language


def test_the_language_cookie_does_not_choose_the_api_language(catalog, client):
    client.cookies["django_language"] = "ar"

    response = get(client, "/api/v1/agencies", accept_language="fr")

    assert response.json()["language"] == "fr"


def test_an_unknown_lang_is_refused_with_the_languages_to_choose_from(catalog, client):
    response = get(client, "/api/v1/services?lang=xx")

    assert response.status_code == 422
    message = "lang must be one of: en, fr, ru, ar."
    assert response.json() == error(
        "invalid_input",
        message,
        errors=[{"field": "lang", "location": "query", "message": message}],
        supported=["en", "fr", "ru", "ar"],
    )


# --- caching --------------------------------------------------------------------------------

CATALOG_URLS = [
    "/api/v1/agencies",
    "/api/v1/services?agency=migration&limit=5",
    "/api/v1/services/passport",
    "/api/v1/services/passport/versions",
    "/api/v1/services/passport/versions/1",
    "/api/v1/life-events",
    "/api/v1/life-events/having-a-baby",
]


@pytest.mark.parametrize("url", CATALOG_URLS)
def test_every_catalog_read_is_cacheable(catalog, client, url):
    response = get(client, url, accept_language="ar")

    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "ar"


@pytest.mark.parametrize("url", CATALOG_URLS)
def test_a_current_etag_gets_304_from_the_revision_lookup_alone(
    catalog, client, url, django_assert_num_queries
):
    etag = get(client, url)["ETag"]

    with django_assert_num_queries(1):
        response = get(client, url, if_none_match=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert (response["ETag"], response["Cache-Control"]) == (etag, "public, max-age=60")
    assert response["Content-Language"] == "en"


def test_etags_compare_weakly_and_in_lists(catalog, client):
    etag = get(client, "/api/v1/agencies")["ETag"]
    strong = etag.removeprefix("W/")

    in_list = get(client, "/api/v1/agencies", if_none_match=f'"other", {etag}')
    as_strong = get(client, "/api/v1/agencies", if_none_match=strong)
    star = get(client, "/api/v1/agencies", if_none_match="*")

    assert (in_list.status_code, as_strong.status_code, star.status_code) == (304, 304, 200)


def test_the_etag_differs_by_language_query_and_path(catalog, client):
    etags = {
        get(client, "/api/v1/services")["ETag"],
        get(client, "/api/v1/services", accept_language="ar")["ETag"],
        get(client, "/api/v1/services?lang=ar")["ETag"],
        get(client, "/api/v1/services?limit=5")["ETag"],
        get(client, "/api/v1/agencies")["ETag"],
    }

    assert len(etags) == 5


def test_the_etag_is_stable_while_the_catalog_is_unchanged(catalog, client):
    first = get(client, "/api/v1/services?limit=5&offset=0")["ETag"]
    reordered = get(client, "/api/v1/services?offset=0&limit=5")["ETag"]

    assert first == reordered


def test_a_catalog_change_gives_a_new_etag_and_the_new_content(catalog, client):
    url = "/api/v1/services/passport"
    old_etag = get(client, url)["ETag"]
    revision = catalog_revision()

    publish_new_passport_fee("75.00")
    response = get(client, url, if_none_match=old_etag)

    assert catalog_revision() == revision + 1
    assert response.status_code == 200
    assert response["ETag"] != old_etag
    assert response.json()["costs"][0]["amount"] == "75.00"


def test_an_error_carries_no_etag(catalog, client):
    response = get(client, "/api/v1/services/no-such-service")

    assert response.status_code == 404
    assert "ETag" not in response


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, code, message",
    [
        (
            "/api/v1/services/no-such-service",
            "service_not_found",
            "No published service has the code 'no-such-service'.",
        ),
        (
            "/api/v1/services/no-such-service/versions/1",
            "service_version_not_found",
            "Service no-such-service has no public version 1.",
        ),
        (
            "/api/v1/life-events/no-such-event",
            "life_event_not_found",
            "No life event has the code 'no-such-event'.",
        ),
    ],
)
def test_an_unknown_code_is_404_with_a_stable_code(catalog, client, url, code, message):
    response = get(client, url)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"] == message


def test_the_versions_of_an_unknown_service_are_404(catalog, client):
    response = get(client, "/api/v1/services/no-such-service/versions")

    assert response.status_code == 404
    assert response.json() == error(
        "service_not_found",
        "No published service has the code no-such-service.",
        service="no-such-service",
    )


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/no-such-thing"),
        ("get", "/api/v1/"),
        ("get", "/api/v1/services/passport/extra"),
        ("get", "/api/v1/agencies/"),
        ("post", "/api/v1/no-such-thing"),
    ],
)
def test_an_unknown_route_is_404_json(catalog, client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == error(
        "route_not_found",
        f"There is no API endpoint at {url}; the list is at /api/v1/docs.",
        path=url,
    )


LIMIT_FIX = "limit must be a whole number between 1 and 100."
OFFSET_FIX = "offset must be a whole number between 0 and 1000000000."
NUMBER_FIX = "number must be a whole version number, 1 or more."
Q_FIX = "q must be at most 200 characters, without control characters."


@pytest.mark.parametrize(
    "url, field, location, message",
    [
        ("/api/v1/services?limit=0", "limit", "query", LIMIT_FIX),
        ("/api/v1/services?limit=101", "limit", "query", LIMIT_FIX),
        ("/api/v1/services?limit=ten", "limit", "query", LIMIT_FIX),
        ("/api/v1/services?limit=", "limit", "query", LIMIT_FIX),
        ("/api/v1/services?limit=1e3", "limit", "query", LIMIT_FIX),
        ("/api/v1/services?offset=-1", "offset", "query", OFFSET_FIX),
        ("/api/v1/services?offset=" + "9" * 40, "offset", "query", OFFSET_FIX),
        ("/api/v1/services?q=" + "x" * 201, "q", "query", Q_FIX),
        ("/api/v1/services?q=pass%00port", "q", "query", Q_FIX),
        (
            "/api/v1/services?agency=migration%20service",
            "agency",
            "query",
            "agency must be an agency code: letters, digits, hyphens and underscores.",
        ),
        (
            "/api/v1/services?category=семья",
            "category",
            "query",
            "category must be a category code: letters, digits, hyphens and underscores.",
        ),
        ("/api/v1/services/passport/versions/two", "number", "path", NUMBER_FIX),
        ("/api/v1/services/passport/versions/0", "number", "path", NUMBER_FIX),
        ("/api/v1/services/passport/versions/-1", "number", "path", NUMBER_FIX),
        ("/api/v1/services/passport/versions/" + "9" * 30, "number", "path", NUMBER_FIX),
        (
            "/api/v1/services/паспорт",
            "code",
            "path",
            "code must be a catalog code: letters, digits, hyphens and underscores.",
        ),
        (
            "/api/v1/services/pass%00port",
            "code",
            "path",
            "code must be a catalog code: letters, digits, hyphens and underscores.",
        ),
        (
            "/api/v1/life-events?kind=death",
            "kind",
            "query",
            "kind must be one of 'life' or 'business'.",
        ),
        (
            "/api/v1/agencies?lang=" + "e" * 40,
            "lang",
            "query",
            "lang must be a language code such as en or ar.",
        ),
    ],
)
def test_bad_input_is_422_naming_the_field_and_the_fix(
    catalog, client, url, field, location, message
):
    response = get(client, url)

    assert response.status_code == 422
    assert response.json() == error(
        "invalid_input",
        message,
        errors=[{"field": field, "location": location, "message": message}],
    )


def test_several_bad_fields_are_all_named(catalog, client):
    response = get(client, "/api/v1/services?limit=0&offset=-5")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["error"]["details"]["errors"]] == [
        "limit",
        "offset",
    ]
    assert response.json()["error"]["message"] == f"{LIMIT_FIX} {OFFSET_FIX}"


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "паспорт " * 25,
        "q=🛂 passport",
        "q=%F0%9F",
        "q=' OR 1=1 --",
        "q=%25%5F",
        "q=   ",
        "lang=ar&q=جواز",
        "agency=&category=&life_event=",
        "unknown=1",
    ],
)
def test_odd_but_valid_input_is_answered_not_failed(catalog, client, query):
    response = get(client, f"/api/v1/services?{query}")

    assert response.status_code == 200
    assert response.json()["count"] >= 0


# --- query counts ---------------------------------------------------------------------------


@pytest.fixture
def bigger_catalog(tmp_path, db):
    """The mini pack plus six more services, to show list costs do not grow with size."""
    extra = [
        service(f"extra-{n}", t(f"Extra service {n}"), categories=["family", "travel"])
        for n in range(6)
    ]
    services = {"services": SECTIONS["services/main.yaml"]["services"] + extra}
    life_events = {
        "life_events": [
            {
                "code": f"event-{n}",
                "kind": "life",
                "name": t(f"Event {n}"),
                "services": ["passport", f"extra-{n}", f"extra-{(n + 1) % 6}"],
            }
            for n in range(4)
        ]
    }
    changes = {"services/main.yaml": services, "life_events.yaml": life_events}
    pack_load(path=mini_pack(tmp_path, changes), actor=SystemActor("test"))


@pytest.mark.parametrize(
    "url, queries",
    [
        ("/api/v1/agencies", 2),
        # revision, count, services with agencies, versions, categories, fees
        ("/api/v1/services", 6),
        ("/api/v1/services?agency=civil-registry&category=family", 6),
        # revision, events, steps with services, published services, versions, their fees,
        # categories
        ("/api/v1/life-events", 7),
    ],
)
def test_list_queries_do_not_grow_with_the_catalog(
    bigger_catalog, client, django_assert_num_queries, url, queries
):
    with django_assert_num_queries(queries):
        response = get(client, url)

    assert response.status_code == 200
    assert response.json()["count"] > 1


def test_a_passport_costs_a_fixed_number_of_queries(
    bigger_catalog, client, django_assert_num_queries
):
    # revision, version, 9 prefetches (criteria, evidence, costs, exemptions, their
    # beneficiary categories, legal, categories, centers, life-event steps), version history
    with django_assert_num_queries(12):
        response = get(client, "/api/v1/services/passport")

    assert response.status_code == 200
    assert len(response.json()["life_events"]) == 4


def test_a_life_event_costs_a_fixed_number_of_queries(
    bigger_catalog, client, django_assert_num_queries
):
    # revision, event, steps with services and agencies, published versions, their fees
    with django_assert_num_queries(5):
        response = get(client, "/api/v1/life-events/event-0")

    assert [s["code"] for s in response.json()["services"]] == ["passport", "extra-0", "extra-1"]


# --- OpenAPI and docs -----------------------------------------------------------------------


def test_committed_openapi_document_matches_the_code(client):
    served = client.get("/api/v1/openapi.json").json()
    committed = json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))

    assert served == committed, (
        "onestop/api/openapi.json is stale: run `onestop export-openapi` and commit the file."
    )


def test_export_openapi_check_passes_on_the_committed_file(capsys):
    call_command("export_openapi", "--check")

    assert capsys.readouterr().out.strip() == f"{OPENAPI_FILE} is up to date."


def test_interactive_docs_are_served(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content
