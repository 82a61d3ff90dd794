"""The citizen's "my data" and "who looked at my data": the exchange's citizen view
(onestop/exchange/my_data.py) against the reference registries through the real exchange, and
the portal pages through Django's test client. A failing registry is a transport registered in
the exchange's transport table, not a mock of our own functions."""

import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from conftest import clock_freeze
from onestop.accounts.models import CitizenAccount
from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core.models import CountryProfile
from onestop.exchange import catalog
from onestop.exchange.client import exchange_query
from onestop.exchange.http_transport import http_transport
from onestop.exchange.keyring import private_keys_forget
from onestop.exchange.keys import member_key_generate
from onestop.exchange.models import AccessRight, ExchangeLogEntry
from onestop.exchange.my_data import (
    MY_DATA_OPERATIONS,
    access_log_for_citizen,
    my_data_fetch,
)
from onestop.exchange.tests.registry_records import registry_household, registry_spouse
from onestop.staff.models import StaffRole

pytestmark = pytest.mark.django_db

PORTAL = "XM/GOV/onestop/portal"
CONSOLE = "XM/GOV/onestop/console"
ANNA = "85041212342"
BORIS = "60010112345"  # Anna's father
NOBODY = "99999999999"
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
PHONE = "+33612345678"


@pytest.fixture
def frozen(monkeypatch):
    return clock_freeze(monkeypatch, NOW)


@pytest.fixture
def anna():
    return registry_household(national_id=ANNA, parent_national_id=BORIS)


@pytest.fixture
def rights():
    """The portal's `my-data` rights, as the demo and the pack grant them."""
    for registry, operation in MY_DATA_OPERATIONS:
        AccessRight.objects.create(
            consumer=PORTAL,
            registry=registry,
            operation=operation,
            purpose="my-data",
            granted_at=NOW,
            granted_by="test",
        )


@pytest.fixture
def vehicles_down(monkeypatch):
    """The vehicle registry fails on every question (a crash behind the in-process transport,
    as a real registry's outage would look to the exchange)."""

    def down(national_id):
        raise ConnectionError("registry down")

    operations = dict(catalog.OPERATIONS)
    key = ("vehicles", "vehicles-of")
    operations[key] = replace(operations[key], function=down)
    monkeypatch.setattr(catalog, "OPERATIONS", operations)


@pytest.fixture
def vehicles_unreachable(settings, tmp_path):
    """The vehicle registry reached over HTTP, as a deployment configures it, at a port where
    nothing listens; the portal's member key signs the request as it would in production."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.VAR_DIR = tmp_path
    member_key_generate(member="XM/GOV/onestop")
    settings.ONESTOP_EXCHANGE_TRANSPORT = "vehicles=http,inprocess"
    settings.ONESTOP_EXCHANGE_REGISTRY_URLS = f"vehicles=http://127.0.0.1:{port}"
    settings.ONESTOP_EXCHANGE_TIMEOUT = 0.3
    settings.ONESTOP_EXCHANGE_RETRIES = 0
    http_transport.reset()
    yield
    http_transport.reset()
    private_keys_forget()


def citizen(national_id: str = "", contact: str = PHONE):
    user = get_user_model().objects.create_user(username=f"citizen:{contact}")
    CitizenAccount.objects.create(
        user=user, contact=contact, person_reference=national_id, created_at=NOW
    )
    return user


def ask(subject=ANNA, *, consumer=PORTAL, acting_user="citizen:1", purpose="my-data", **kw):
    return exchange_query(
        consumer=consumer,
        registry=kw.get("registry", "civil"),
        operation=kw.get("operation", "person"),
        params={"national_id": subject},
        acting_user=acting_user,
        on_behalf_of=subject,
        purpose=purpose,
    )


def by_operation(sections):
    return {(s.registry, s.operation): s for s in sections}


def items(section_or_record):
    return {item.label: item.value for item in section_or_record.items}


# my_data_fetch


def test_my_data_asks_every_person_registry_and_says_where_each_answer_came_from(
    anna, rights, frozen
):
    sections = by_operation(my_data_fetch(national_id=ANNA, acting_user="citizen:7"))

    civil = sections[("civil", "person")]
    assert list(sections) == list(MY_DATA_OPERATIONS)
    assert {s.status for s in sections.values()} == {"ok"}
    assert civil.source == "/r1/XM/GOV/civil/person"
    assert civil.registry_label == "the civil registry"
    assert civil.fetched_at == NOW
    assert items(civil) == {
        "National ID": ANNA,
        "Given names": "Anna",
        "Family name": "Marsh",
        "Sex": "female",
        "Date of birth": "April 12, 1985",
        "Place of birth": "Harbourtown, capital",
        "Language": "English",
        "Address": "5 Mill Lane, 10042 Harbourtown, capital",
    }
    [vehicle] = sections[("vehicles", "vehicles-of")].records
    assert vehicle.title == "Lada Niva"
    assert items(vehicle)["Registration plate"] == "AB-123-CD"
    assert sections[("documents", "identity-documents")].records == []


def test_my_data_logs_one_query_per_registry_for_the_my_data_purpose(anna, rights, frozen):
    my_data_fetch(national_id=ANNA, acting_user="citizen:7")

    rows = list(
        ExchangeLogEntry.objects.values_list(
            "consumer", "acting_user", "on_behalf_of", "subject", "purpose", "status"
        ).distinct()
    )
    assert ExchangeLogEntry.objects.count() == len(MY_DATA_OPERATIONS)
    assert rows == [(PORTAL, "citizen:7", ANNA, ANNA, "my-data", "ok")]


def test_a_relative_is_shown_by_name_never_by_national_id(anna, rights, frozen):
    sections = by_operation(my_data_fetch(national_id=ANNA, acting_user="citizen:7"))

    [father] = sections[("civil", "family")].records
    assert father.title == "Parent: Boris Marsh"
    assert items(father) == {"Date of birth": "Jan. 1, 1960"}
    assert BORIS not in repr(sections)


def test_a_marriage_is_shown_with_the_spouses_name_in_the_readers_language(anna, rights, frozen):
    registry_spouse(person=anna, national_id="84030312345")

    with translation.override("fr"):
        sections = by_operation(my_data_fetch(national_id=ANNA, acting_user="citizen:7"))

    marriage = sections[("civil", "family")].records[-1]
    assert marriage.title == "Mariage : Carl Marsh"
    assert items(marriage) == {"Date du mariage": "20 juin 2010", "Région": "capital"}
    assert "84030312345" not in repr(sections)


def test_a_failing_registry_is_shown_as_not_answering_and_the_others_still_show(
    anna, rights, frozen, vehicles_down
):
    sections = by_operation(my_data_fetch(national_id=ANNA, acting_user="citizen:7"))

    vehicles = sections[("vehicles", "vehicles-of")]
    assert vehicles.status == "unavailable"
    assert vehicles.records == []
    assert vehicles.source == "/r1/XM/GOV/vehicles/vehicles-of"
    assert sections[("civil", "person")].status == "ok"
    assert ExchangeLogEntry.objects.get(registry="vehicles").status == "error"


def test_a_registry_that_cannot_be_reached_is_pending_and_shown_as_not_answering(
    client, anna, rights, frozen, vehicles_unreachable
):
    client.force_login(citizen(ANNA))

    sections = by_operation(my_data_fetch(national_id=ANNA, acting_user="citizen:7"))
    html = client.get("/en/my-data/").content.decode()

    assert sections[("vehicles", "vehicles-of")].status == "unavailable"
    assert sections[("civil", "person")].status == "ok"
    assert set(
        ExchangeLogEntry.objects.filter(registry="vehicles").values_list("status", flat=True)
    ) == {"pending"}
    assert html.count("This registry is not answering right now; try again later.") == 1


def test_a_person_the_registries_do_not_know_gets_not_found_everywhere(rights, frozen):
    sections = my_data_fetch(national_id=NOBODY, acting_user="citizen:7")

    assert {s.status for s in sections} == {"not_found"}
    assert all(s.items == [] and s.records == [] for s in sections)


def test_without_the_my_data_rights_every_registry_is_refused_and_logged(anna, frozen):
    sections = my_data_fetch(national_id=ANNA, acting_user="citizen:7")

    assert {s.status for s in sections} == {"refused"}
    assert set(ExchangeLogEntry.objects.values_list("status", flat=True)) == {"refused"}


# access_log_for_citizen


@pytest.fixture
def officer():
    agency = Agency.objects.create(
        code="civil-registry",
        name={"en": "Civil Registry Office", "ar": "مكتب السجل المدني"},
    )
    user = get_user_model().objects.create_user(username="jsmith", is_staff=True)
    StaffRole.objects.create(
        user=user, role="agency_officer", agency=agency, valid_from=NOW - timedelta(days=30)
    )
    return user


def test_the_log_says_who_what_why_and_result_in_plain_words(
    anna, rights, frozen, officer, django_assert_num_queries
):
    ask(acting_user="citizen:7")
    frozen.advance(minutes=1)
    ask(consumer=CONSOLE, acting_user="staff:jsmith", purpose="case-review", operation="family")
    frozen.advance(minutes=1)
    ask(consumer="XM/GOV/tax/assessment", acting_user="batch", purpose="tax-audit")
    frozen.advance(minutes=1)
    ask(acting_user="citizen:99", registry="vehicles", operation="vehicles-of")

    with django_assert_num_queries(4):  # count, the page, the staff on it, the time zone
        page = access_log_for_citizen(national_id=ANNA, page=1, own_acting_users=["citizen:7"])

    assert [(e.who, e.what, e.why, e.result) for e in page.entries] == [
        (
            "Another person signed in to this portal (for example someone you gave a mandate)",
            "your vehicles",
            "to show you your data",
            "found and passed on",
        ),
        (
            "Another system connected to the data exchange: XM/GOV/tax/assessment",
            "your civil record (name, birth, address)",
            "for a purpose recorded as “tax-audit”",
            "refused: no right to ask this",
        ),
        (
            "Staff: an agency officer of Civil Registry Office, in the staff console",
            "your family (parents, children, marriages)",
            "to review a case that concerns you",
            "refused: no right to ask this",
        ),
        (
            "You, on this portal",
            "your civil record (name, birth, address)",
            "to show you your data",
            "found and passed on",
        ),
    ]
    assert "jsmith" not in repr(page)
    assert page.count == 4


def test_an_officer_is_described_by_the_role_held_at_the_time(anna, rights, frozen, officer):
    StaffRole.objects.filter(user=officer).update(valid_until=NOW - timedelta(days=1))
    ask(consumer=CONSOLE, acting_user="staff:jsmith", purpose="case-review")

    [entry] = access_log_for_citizen(national_id=ANNA, page=1).entries

    assert entry.who == "A member of staff, in the staff console"


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("partner_outlet", "A partner outlet, for your application: Post office, Market Street"),
        ("kiosk", "A self-service kiosk, for your application: Post office, Market Street"),
    ],
)
def test_a_partner_outlet_or_kiosk_is_described_by_its_kind_and_name(
    anna, rights, frozen, kind, words
):
    Center.objects.create(
        code="market-street",
        kind=kind,
        name={"en": "Post office, Market Street", "fr": "Bureau de poste, rue du Marché"},
        region="capital",
    )
    ask(consumer=CONSOLE, acting_user="outlet:market-street:ab12cd34", purpose="application")

    [entry] = access_log_for_citizen(national_id=ANNA, page=1).entries

    assert entry.who == words
    assert "ab12cd34" not in entry.who


def test_an_unknown_operation_still_appears_with_an_honest_sentence(anna, frozen):
    ask(registry="tax", operation="income")

    [entry] = access_log_for_citizen(national_id=ANNA, page=1).entries

    assert entry.what == "information about you in tax (the request “income”)"
    assert entry.result == "refused: no right to ask this"


def test_the_log_holds_only_this_persons_entries(anna, rights, frozen):
    ask(ANNA)
    ask(NOBODY, acting_user=f"citizen:{NOBODY}")

    page = access_log_for_citizen(national_id=ANNA, page=1)

    assert page.count == 1
    assert [e.who for e in page.entries] == [
        "Another person signed in to this portal (for example someone you gave a mandate)"
    ]
    assert NOBODY not in repr(page)


def test_the_log_shows_times_in_the_country_packs_time_zone(anna, rights, frozen):
    CountryProfile.objects.create(
        id=1,
        code="XM",
        name={},
        languages=["en"],
        currency="EUR",
        time_zone="Asia/Tokyo",
        calendar={},
    )
    ask(acting_user=f"citizen:{ANNA}")

    page = access_log_for_citizen(national_id=ANNA, page=1)

    assert page.time_zone == "Asia/Tokyo"
    assert page.entries[0].occurred_at.isoformat() == "2026-06-01T18:30:00+09:00"
    assert page.entries[0].who == "You, on this portal"


def test_the_log_pages_by_twenty_newest_first(anna, rights, frozen, django_assert_num_queries):
    for _ in range(25):
        ask()
        frozen.advance(minutes=1)
    newest = ExchangeLogEntry.objects.order_by("-occurred_at").first()

    with django_assert_num_queries(3):  # count, the page, the time zone (no staff on it)
        first = access_log_for_citizen(national_id=ANNA, page=1)
    second = access_log_for_citizen(national_id=ANNA, page=2)

    assert (first.count, len(first.entries), len(second.entries)) == (25, 20, 5)
    assert first.entries[0].request_id == str(newest.request_id)
    assert second.entries[-1].occurred_at == NOW


# Pages


@pytest.mark.parametrize("path", ["/en/my-data/", "/en/my-data/who-looked/"])
def test_signed_out_the_pages_send_to_sign_in_with_next(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/en/sign-in/?next={path.replace('/', '%2F')}"


@pytest.mark.parametrize("path", ["/en/my-data/", "/en/my-data/who-looked/"])
def test_an_account_without_a_linked_person_is_told_how_to_link_it(client, anna, rights, path):
    client.force_login(citizen())

    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your account is not linked to your national ID yet" in html
    assert "At any service center" in html
    assert "national e-ID" not in html  # not offered without ONESTOP_OIDC_ISSUER
    assert ExchangeLogEntry.objects.count() == 0


def test_the_e_id_way_to_link_is_offered_where_that_sign_in_is_configured(client, settings):
    settings.ONESTOP_OIDC_ISSUER = "https://eid.example.org"
    settings.ONESTOP_OIDC_CLIENT_ID = "onestop"
    settings.ONESTOP_OIDC_CLIENT_SECRET = "secret"
    client.force_login(citizen())

    html = client.get("/en/my-data/").content.decode()

    assert '<form action="/en/sign-in/e-id/" method="post">' in html
    assert '<input type="hidden" name="next" value="/en/my-data/">' in html
    assert "this account is linked at once" in html


def test_the_data_page_shows_each_registry_with_its_source_and_time(client, anna, rights, frozen):
    client.force_login(citizen(ANNA))

    response = client.get("/en/my-data/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="my-data-1">Your civil record</h2>' in html
    assert "Source: the civil registry" in html
    assert '<code dir="ltr">/r1/XM/GOV/civil/person</code>' in html
    assert '<time datetime="2026-06-01T09:30:00+00:00">' in html
    assert "<dt>Given names</dt><dd>Anna</dd>" in html
    assert "<h3>Lada Niva</h3>" in html
    assert 'href="/en/my-data/who-looked/"' in html
    assert ExchangeLogEntry.objects.filter(subject=ANNA).count() == len(MY_DATA_OPERATIONS)


def test_the_data_page_says_a_failing_registry_is_not_answering(
    client, anna, rights, frozen, vehicles_down
):
    client.force_login(citizen(ANNA))

    response = client.get("/en/my-data/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("This registry is not answering right now; try again later.") == 1
    assert "<dt>Given names</dt><dd>Anna</dd>" in html


def test_the_data_page_says_when_a_registry_holds_nothing(client, rights, frozen):
    client.force_login(citizen(NOBODY))

    response = client.get("/en/my-data/")

    html = response.content.decode()
    assert html.count("The registry holds nothing about you.") == len(MY_DATA_OPERATIONS)


def test_the_who_looked_page_lists_my_entries_in_plain_words_and_not_anothers(
    client, anna, rights, frozen, officer
):
    user = citizen(ANNA)
    client.force_login(user)
    ask(acting_user=f"citizen:{user.pk}")
    ask(consumer=CONSOLE, acting_user="staff:jsmith", purpose="case-review")
    ask(BORIS, acting_user="citizen:55")

    response = client.get("/en/my-data/who-looked/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<caption>2 requests about you</caption>" in html
    assert "<td>You, on this portal</td>" in html
    assert "<td>your civil record (name, birth, address)</td>" in html
    assert "<td>to show you your data</td>" in html
    assert "Staff: an agency officer of Civil Registry Office, in the staff console" in html
    assert "refused: no right to ask this" in html
    assert "jsmith" not in html
    assert BORIS not in html
    assert 'href="/en/my-data/"' in html


def test_the_who_looked_page_speaks_arabic_right_to_left(client, anna, rights, frozen, officer):
    user = citizen(ANNA)
    client.force_login(user)
    ask(acting_user=f"citizen:{user.pk}")
    ask(consumer=CONSOLE, acting_user="staff:jsmith", purpose="case-review")

    response = client.get("/ar/my-data/who-looked/")

    html = response.content.decode()
    with translation.override("ar"):
        page = access_log_for_citizen(
            national_id=ANNA, page=1, own_acting_users=[f"citizen:{user.pk}"]
        )
        expected = [page.entries[0].who, page.entries[1].who, page.entries[1].what]
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert all(text in html for text in expected)
    assert "مكتب السجل المدني" in expected[0] + expected[1]
    assert "You, on this portal" not in html
    assert "Who looked at your data" not in html


def test_the_who_looked_page_paginates(client, anna, rights, frozen):
    client.force_login(citizen(ANNA))
    for _ in range(21):
        ask()
        frozen.advance(seconds=1)

    first = client.get("/en/my-data/who-looked/").content.decode()
    second = client.get("/en/my-data/who-looked/?page=2").content.decode()

    assert first.count("<tr class=") == 20
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    assert second.count("<tr class=") == 1
    assert client.get("/en/my-data/who-looked/?page=x").status_code == 400


def test_the_header_and_the_inbox_link_to_my_data_when_signed_in(client, anna):
    client.force_login(citizen(ANNA))

    home = client.get("/en/").content.decode()
    inbox = client.get("/en/inbox/").content.decode()

    assert '<a href="/en/my-data/">Your data</a>' in home
    assert 'href="/en/my-data/who-looked/"' in inbox
    client.logout()
    assert "/en/my-data/" not in client.get("/en/").content.decode()


def test_the_pages_refuse_other_methods(client, anna):
    client.force_login(citizen(ANNA))

    assert client.post("/en/my-data/").status_code == 405
    assert client.post("/en/my-data/who-looked/").status_code == 405
