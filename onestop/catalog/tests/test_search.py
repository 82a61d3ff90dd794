import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from onestop.catalog import services as catalog
from onestop.catalog.models import Agency, Category, ServiceVersion, VersionStatus
from onestop.catalog.search import search_index_clear, search_index_get, service_search, store
from onestop.catalog.search.index import SearchIndex, ServiceDocument
from onestop.catalog.search.normalise import text_normalise, text_tokens
from onestop.staff.actors import SystemActor

PASSPORT_QUERIES = ["pasport", "passeport", "паспорт", "جواز السفر"]


@pytest.fixture(autouse=True)
def fresh_index():
    """Test rollbacks rewind the revision counter, so a cached index could outlive its data."""
    search_index_clear()
    yield
    search_index_clear()


def text(en, fr=None, ru=None, ar=None):
    return {"en": en, "fr": fr or en, "ru": ru or en, "ar": ar or en}


def service_add(
    code, name, *, summary=None, keywords=None, volume=0, agency="migration", categories=()
):
    agency_row = Agency.objects.get(code=agency)
    service, _ = catalog.service_upsert(
        actor=SystemActor("test"),
        code=code,
        agency=agency_row,
        annual_volume=volume,
        category_codes=list(categories),
        center_codes=[],
        terms={
            "name": name,
            "summary": summary or {},
            "keywords": keywords or {},
            "processing_days": 10,
            "channels": ["online"],
            "form_schema": {"type": "object"},
            "form_hints": {},
        },
    )
    return service


@pytest.fixture
def small_catalog(db):
    for code, name in [
        (
            "migration",
            text(
                "Migration Service", "Service des migrations", "Миграционная служба", "دائرة الهجرة"
            ),
        ),
        (
            "transport",
            text(
                "Transport Authority",
                "Autorité des transports",
                "Транспортное управление",
                "هيئة النقل",
            ),
        ),
        (
            "social",
            text(
                "Social Insurance Fund",
                "Caisse d'assurance sociale",
                "Фонд социального страхования",
                "صندوق التأمين الاجتماعي",
            ),
        ),
    ]:
        catalog.reference_upsert(
            actor=SystemActor("test"), model=Agency, code=code, values={"name": name}
        )
    catalog.reference_upsert(
        actor=SystemActor("test"),
        model=Category,
        code="identity",
        values={
            "name": text("Identity documents", "Pièces d'identité", "Документы", "وثائق الهوية")
        },
    )
    service_add(
        "passport",
        text("Passport", "Passeport", "Паспорт", "جواز السفر"),
        summary=text(
            "Apply for a passport to travel abroad.",
            "Demander un passeport pour voyager à l'étranger.",
            "Оформить паспорт для поездок за границу.",
            "التقدم بطلب للحصول على جواز سفر للسفر إلى الخارج.",
        ),
        keywords={
            "en": ["travel document"],
            "fr": ["document de voyage"],
            "ru": ["загранпаспорт"],
            "ar": ["وثيقة سفر"],
        },
        volume=180000,
        categories=["identity"],
    )
    service_add(
        "passenger-transport-licence",
        text(
            "Passenger transport licence",
            "Licence de transport de voyageurs",
            "Лицензия на перевозку пассажиров",
            "رخصة نقل الركاب",
        ),
        summary=text(
            "Run buses or taxis for paying passengers.",
            "Exploiter des bus ou des taxis.",
            "Перевозка пассажиров автобусами и такси.",
            "تشغيل الحافلات أو سيارات الأجرة.",
        ),
        volume=900,
        agency="transport",
    )
    service_add(
        "id-card",
        text("ID card", "Carte d'identité", "Удостоверение личности", "بطاقة الهوية"),
        summary=text(
            "Your national identity card; it is also accepted instead of a passport "
            "for travel to neighbouring countries."
        ),
        volume=250000,
        categories=["identity"],
    )
    service_add(
        "pension",
        text("Pension", "Pension de retraite", "Пенсия", "معاش التقاعد"),
        summary=text("Claim your old-age pension."),
        volume=50000,
        agency="social",
    )
    service_add(
        "driving-licence",
        text("Driving licence", "Permis de conduire", "Водительское удостоверение", "رخصة القيادة"),
        summary=text("Get your first driving licence after passing the test."),
        keywords={
            "en": ["driver's license", "car"],
            "fr": ["permis auto"],
            "ru": ["права"],
            "ar": ["رخصة سياقة"],
        },
        volume=120000,
        agency="transport",
    )
    service_add(
        "vehicle-registration",
        text(
            "Vehicle registration",
            "Immatriculation du véhicule",
            "Регистрация транспортного средства",
            "تسجيل المركبة",
        ),
        summary=text("Register a car and get plates; bring your driving licence."),
        volume=150000,
        agency="transport",
    )


def codes(result):
    return [hit.code for hit in result.hits]


@pytest.mark.parametrize("query", PASSPORT_QUERIES)
def test_passport_found_first_whatever_the_language_or_typo(small_catalog, query):
    # given a catalog with a passport and look-alike services
    # when searching in English with the passport's name in any language, or misspelt
    result = service_search(query=query, language="en")
    # then the passport comes first
    assert codes(result)[0] == "passport"
    assert result.hits[0].name == "Passport"


def test_typos_in_two_words_find_the_driving_licence(small_catalog):
    result = service_search(query="driving licnse", language="en")
    assert codes(result)[0] == "driving-licence"


def test_transposed_letters_are_forgiven(small_catalog):
    result = service_search(query="pasprot", language="en")
    assert codes(result)[0] == "passport"


def test_a_misspelling_kept_as_a_keyword_still_finds_the_correct_spelling(small_catalog):
    # given the passport lists "pasport" as a keyword, and a second passport service
    service_add("child-passport", text("Child passport"), keywords={"en": ["pasport"]}, volume=10)
    service_add("diplomatic-passport", text("Diplomatic passport"), volume=5)
    # when someone types the misspelling
    result = service_search(query="pasport", language="en")
    # then every passport is found, the one listing the misspelling first
    assert codes(result)[0] == "child-passport"
    assert {"passport", "diplomatic-passport"} <= set(codes(result))


def test_a_word_in_the_catalog_is_not_taken_for_a_two_letter_typo(small_catalog):
    # given "passion" (two edits from "pension") names a service
    service_add("passion-fruit-export", text("Passion fruit export"), agency="transport")
    # when searching for the pension
    result = service_search(query="pension", language="en")
    # then the passion fruit is not offered
    assert codes(result) == ["pension"]


def test_keyword_synonym_finds_the_service(small_catalog):
    # "права" (Russian slang for a driving licence) is only in the keywords
    result = service_search(query="права", language="ru")
    assert codes(result) == ["driving-licence"]


def test_synonym_across_languages_finds_the_service(small_catalog):
    result = service_search(query="travel document", language="fr")
    assert codes(result)[0] == "passport"
    assert result.hits[0].name == "Passeport"


def test_exact_name_ranks_above_a_summary_mention(small_catalog):
    # given "driving licence" is the name of one service and mentioned in another's summary
    result = service_search(query="driving licence", language="en")
    # then the named service comes first, far above the mention
    scores = {hit.code: hit.score for hit in result.hits}
    assert codes(result)[0] == "driving-licence"
    assert scores["driving-licence"] > 2 * scores["vehicle-registration"]


def test_exact_name_ranks_above_a_typo_match_in_a_summary(small_catalog):
    # "passport" is the passport's name; the ID card only mentions it in its summary
    result = service_search(query="passport", language="en")
    assert codes(result)[:2] == ["passport", "id-card"]


def test_prefix_finds_services_while_typing(small_catalog):
    result = service_search(query="pensi", language="en")
    assert codes(result) == ["pension"]


def test_arabic_without_article_and_with_other_alef_form_finds_passport(small_catalog):
    result = service_search(query="جواز سفر", language="ar")
    assert codes(result)[0] == "passport"
    assert result.hits[0].name == "جواز السفر"


def test_accents_are_optional(small_catalog):
    result = service_search(query="IMMATRICULATION VEHICULE", language="fr")
    assert codes(result)[0] == "vehicle-registration"
    assert result.hits[0].name == "Immatriculation du véhicule"


@pytest.mark.parametrize("query", ["", "   ", "?!… — ,.;", "«»"])
def test_empty_or_punctuation_query_answers_nothing_without_touching_the_database(
    small_catalog, django_assert_num_queries, query
):
    with django_assert_num_queries(0):
        result = service_search(query=query, language="en")
    assert (result.total, result.hits) == (0, [])


def test_nonsense_query_answers_nothing(small_catalog):
    result = service_search(query="zzqxw", language="en")
    assert (result.total, result.hits) == (0, [])


def test_very_long_query_is_answered_quickly(small_catalog):
    query = "passport " + "lorem ipsum dolor sit amet " * 380
    assert len(query) > 10_000
    started = time.perf_counter()
    result = service_search(query=query, language="en")
    assert time.perf_counter() - started < 0.5
    assert codes(result)[0] == "passport"


def test_very_long_single_word_is_answered_quickly_with_nothing(small_catalog):
    started = time.perf_counter()
    result = service_search(query="passport" * 1250, language="en")
    assert time.perf_counter() - started < 0.5
    assert (result.total, result.hits) == (0, [])


def test_a_word_common_to_most_services_does_not_flood_the_results(small_catalog):
    # given twenty more services whose summaries all say "service"
    for number in range(20):
        service_add(
            f"filler-{number}",
            text(f"Filler {number}"),
            summary=text("A public service of the state."),
            agency="social",
        )
    # when a query pairs a rare word with the common one
    result = service_search(query="pension service", language="en")
    # then only what the rare word found is listed
    assert (result.total, codes(result)) == (1, ["pension"])


def test_results_are_paged_with_the_total(small_catalog):
    everything = service_search(query="licence", language="en")
    page = service_search(query="licence", language="en", limit=1, offset=1)
    assert everything.total == 3
    assert page.total == 3
    assert codes(page) == codes(everything)[1:2]


def test_bad_paging_values_are_clamped(small_catalog):
    result = service_search(query="licence", language="en", limit=-5, offset=-3)
    assert (result.total, result.hits) == (3, [])


def test_hit_names_follow_the_reader_language(small_catalog):
    names = {
        language: service_search(query="pension", language=language).hits[0].name
        for language in ["en", "fr", "ru", "ar"]
    }
    assert names == {
        "en": "Pension",
        "fr": "Pension de retraite",
        "ru": "Пенсия",
        "ar": "معاش التقاعد",
    }


def test_reader_language_breaks_a_tie_between_languages(small_catalog):
    # given "transport" names one service in English and another in French, equally well
    service_add("a-transport-card", text("Transport card", "Carte mobilité"), agency="social")
    service_add("b-school-bus", text("School bus", "Transport scolaire"), agency="social")
    # when an English reader and a French reader search for it
    english = service_search(query="transport", language="en")
    french = service_search(query="transport", language="fr")
    # then each sees the service named so in their own language first
    pair = {"a-transport-card", "b-school-bus"}
    assert [code for code in codes(english) if code in pair] == ["a-transport-card", "b-school-bus"]
    assert [code for code in codes(french) if code in pair] == ["b-school-bus", "a-transport-card"]


def test_index_rebuilds_when_a_service_is_published(small_catalog):
    # given a warm index that knows no marriage service
    assert service_search(query="marriage", language="en").hits == []
    first_index = search_index_get()
    # when a new service is published
    service_add("marriage", text("Marriage registration", "Enregistrement du mariage"))
    # then the next search finds it
    assert codes(service_search(query="marriage", language="en")) == ["marriage"]
    assert search_index_get() is not first_index


def test_index_forgets_a_retired_service(small_catalog):
    service_search(query="pension", language="en")
    version = ServiceVersion.objects.get(service__code="pension", status=VersionStatus.PUBLISHED)
    catalog.service_version_retire(actor=SystemActor("test"), version=version)
    assert service_search(query="pension", language="en").hits == []


def test_search_keeps_the_previous_index_while_another_thread_rebuilds(small_catalog):
    # given a warm index, then a catalog change
    previous = search_index_get()
    service_add("marriage", text("Marriage registration"))
    # when another thread holds the build lock, the stale index answers at once
    with store._build_lock:
        assert search_index_get() is previous
    # then once the lock is free the next search rebuilds
    assert search_index_get() is not previous


def test_one_index_answers_many_threads_alike():
    index = SearchIndex(
        [
            ServiceDocument(
                code=f"service-{n}",
                annual_volume=n,
                names={"en": f"Permit {n}"},
                texts=[("name", "en", f"Fishing permit {n}")],
            )
            for n in range(200)
        ]
    )
    queries = ["fishing permit", "fishng", "permit 7", "perm"] * 50
    serial = [index.search(query=q, language="en", limit=5) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda q: index.search(query=q, language="en", limit=5), queries))
    assert parallel == serial
    assert serial[0][0] == 200


def test_warm_search_costs_one_query(small_catalog, django_assert_num_queries):
    service_search(query="passport", language="en")
    with django_assert_num_queries(1):
        service_search(query="pasport", language="en")


def test_unchanged_catalog_keeps_the_same_index(small_catalog):
    first = search_index_get()
    assert search_index_get() is first


def test_search_on_an_empty_catalog_answers_nothing(db):
    result = service_search(query="passport", language="en")
    assert (result.total, result.hits) == (0, [])


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Ёлка", "елка"),
        ("Permis de CONDUIRE élève", "permis de conduire eleve"),
        ("أحمد إسلام آمنة", "احمد اسلام امنة".replace("ة", "ه")),
        ("مُسْتَشْفَى", "مستشفي"),
        ("كـــتاب", "كتاب"),
        ("Straße", "strasse"),
    ],
)
def test_normalise_folds_case_accents_and_letter_variants(raw, normalised):
    assert text_normalise(raw) == normalised


def test_tokens_strip_the_arabic_article_and_one_letter_words():
    assert text_tokens("جواز السفر والمدرسة d'identité") == ["جواز", "سفر", "مدرسه", "identite"]


def test_demo_pack_passport_queries_find_the_passport_first(demo_pack_loaded, db):
    firsts = {
        query: codes(service_search(query=query, language="en"))[:1] for query in PASSPORT_QUERIES
    }
    assert firsts == {query: ["passport"] for query in PASSPORT_QUERIES}
