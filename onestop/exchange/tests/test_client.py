from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction

from conftest import postgresql_only
from onestop.core.errors import InvalidInput
from onestop.core.models import DomainEvent
from onestop.exchange import services
from onestop.exchange.client import exchange_query
from onestop.exchange.models import AccessRight, ExchangeLogEntry
from onestop.exchange.selectors import exchange_log_about
from onestop.registries.models import Address, Person, Vehicle
from onestop.staff.actors import SystemActor

pytestmark = pytest.mark.django_db

PORTAL = "XM/GOV/onestop/portal"
ANNA = "85041212342"
NOBODY = "99999999999"
NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def anna():
    home = Address.objects.create(
        id=1,
        street="Mill Lane",
        house_number="5",
        postcode="10042",
        town="Harbourtown",
        region="capital",
        latitude=Decimal("44.512340"),
        longitude=Decimal("4.601280"),
    )
    return Person.objects.create(
        national_id=ANNA,
        given_name="Anna",
        family_name="Marsh",
        sex="F",
        birth_date=date(1985, 4, 12),
        birth_region="capital",
        birth_town="Harbourtown",
        address=home,
        language="en",
    )


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("onestop.core.clock.now", lambda: NOW)


def grant(operation="person", purpose="prefill", registry="civil"):
    return services.access_right_grant(
        consumer=PORTAL,
        registry=registry,
        operation=operation,
        purpose=purpose,
        actor=SystemActor("admin"),
    )


def ask(operation="person", purpose="prefill", registry="civil", **params):
    return exchange_query(
        consumer=PORTAL,
        registry=registry,
        operation=operation,
        params=params or {"national_id": ANNA},
        acting_user="operator-7",
        on_behalf_of=ANNA,
        purpose=purpose,
    )


def log_rows():
    return list(
        ExchangeLogEntry.objects.order_by("occurred_at", "id").values(
            "consumer",
            "acting_user",
            "on_behalf_of",
            "subject",
            "registry",
            "operation",
            "purpose",
            "status",
            "occurred_at",
        )
    )


def row(status, subject=ANNA, operation="person", purpose="prefill", registry="civil"):
    return {
        "consumer": PORTAL,
        "acting_user": "operator-7",
        "on_behalf_of": ANNA,
        "subject": subject,
        "registry": registry,
        "operation": operation,
        "purpose": purpose,
        "status": status,
        "occurred_at": NOW,
    }


def test_a_query_without_a_right_is_refused_returns_no_data_and_is_logged(
    anna, frozen, caplog, django_assert_num_queries
):
    grant(purpose="my-data")  # the same operation, another purpose: no help

    with django_assert_num_queries(2):  # the right, the log row
        result = ask()

    assert (result.status, result.data, result.source) == (
        "refused",
        {},
        "/r1/XM/GOV/civil/person",
    )
    assert result.fetched_at == NOW
    assert log_rows() == [row("refused")]
    entry = ExchangeLogEntry.objects.get()
    assert str(entry.request_id) == result.request_id
    assert "exchange refused" in caplog.text
    assert ANNA not in caplog.text  # the subject is never written to application logs


def test_a_granted_query_returns_the_registry_answer_and_logs_it(
    anna, frozen, django_assert_num_queries
):
    grant()

    with django_assert_num_queries(3):  # the right, the person with address, the log row
        result = ask()

    assert result.status == "ok"
    assert result.data["national_id"] == ANNA
    assert result.data["given_name"] == "Anna"
    assert result.data["address"]["town"] == "Harbourtown"
    assert result.source == "/r1/XM/GOV/civil/person"
    assert log_rows() == [row("ok")]
    assert ExchangeLogEntry.objects.get().duration_ms >= 0


def test_an_unknown_person_is_not_found_and_logged_with_the_asked_id(anna, frozen):
    grant()

    result = ask(national_id=NOBODY)

    assert result.status == "not_found"
    assert result.data["code"] == "record_not_found"
    assert log_rows() == [row("not_found", subject=NOBODY)]


def test_an_operation_the_exchange_does_not_offer_is_refused_and_logged(anna, frozen):
    result = ask(operation="everything")

    assert result.status == "refused"
    assert log_rows() == [row("refused", operation="everything")]


def test_wrong_parameters_are_an_error_without_calling_the_registry(
    anna, frozen, django_assert_num_queries
):
    grant()

    with django_assert_num_queries(2):
        result = ask(vin="X")

    assert (result.status, result.data["code"]) == ("error", "invalid_params")
    assert log_rows() == [row("error", subject="")]


def test_a_failing_registry_yields_error_not_an_exception(anna, frozen, monkeypatch):
    grant()

    def broken(national_id):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("onestop.exchange.catalog.OPERATIONS", _with_function(broken))

    result = ask()

    assert (result.status, result.data) == (
        "error",
        {"code": "registry_failed", "message": "RuntimeError"},
    )
    assert log_rows() == [row("error")]


def _with_function(function):
    from dataclasses import replace

    from onestop.exchange.catalog import OPERATIONS

    patched = dict(OPERATIONS)
    patched[("civil", "person")] = replace(OPERATIONS[("civil", "person")], function=function)
    return patched


def test_a_vehicle_query_logs_its_owner_as_the_subject(anna, frozen):
    Vehicle.objects.create(
        vin="1HGCM82633A004352",
        plate="AB-123-CD",
        make="Lada",
        model="Niva",
        year=2019,
        owner=anna,
        registered_on=date(2019, 5, 2),
    )
    grant(registry="vehicles", operation="vehicle")

    result = ask(registry="vehicles", operation="vehicle", vin="1HGCM82633A004352")

    assert result.status == "ok"
    assert log_rows() == [row("ok", registry="vehicles", operation="vehicle")]


def test_who_looked_at_my_data_lists_only_queries_about_me_newest_first(anna, monkeypatch):
    grant()
    times = iter(
        [
            datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
            datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
            datetime(2026, 6, 1, 11, 0, tzinfo=UTC),
        ]
    )
    monkeypatch.setattr("onestop.core.clock.now", lambda: next(times))
    ask()
    ask(national_id=NOBODY)
    ask(purpose="unlisted")

    about_anna = list(exchange_log_about(national_id=ANNA).values_list("purpose", "status"))

    assert about_anna == [("unlisted", "refused"), ("prefill", "ok")]


def test_the_exchange_log_refuses_updates(anna):
    grant()
    ask()
    entry = ExchangeLogEntry.objects.get()

    with pytest.raises(DatabaseError), transaction.atomic():
        ExchangeLogEntry.objects.filter(pk=entry.pk).update(status="ok", subject="")

    entry.refresh_from_db()
    assert (entry.status, entry.subject) == ("ok", ANNA)


def test_the_exchange_log_refuses_deletes_on_postgresql(anna):
    postgresql_only(connection)
    grant()
    ask()

    with pytest.raises(DatabaseError), transaction.atomic():
        ExchangeLogEntry.objects.all().delete()

    assert ExchangeLogEntry.objects.count() == 1


def test_granting_a_right_records_an_event_once():
    first = grant()
    again = grant()

    assert first.pk == again.pk
    assert AccessRight.objects.count() == 1
    assert list(DomainEvent.objects.values_list("name", "actor")) == [
        ("exchange.access_right_granted", "admin")
    ]


def test_granting_an_operation_the_exchange_does_not_offer_is_refused():
    with pytest.raises(InvalidInput) as error:
        grant(operation="everything")

    assert error.value.code == "unknown_operation"
    assert AccessRight.objects.count() == 0


def test_the_default_rights_let_the_portal_prefill_but_not_read_a_vehicle_by_vin(anna):
    services.access_rights_grant_defaults(actor=SystemActor("demo"))
    services.access_rights_grant_defaults(actor=SystemActor("demo"))

    # 20 person operations (12 of them evidence) for my-data and prefill, all 22 operations for
    # case-review, the 12 evidence operations for an application by the portal and the console
    assert AccessRight.objects.count() == len(services.DEFAULT_RIGHTS) == 20 * 2 + 22 + 12 * 2
    assert ask().status == "ok"
    assert ask(registry="vehicles", operation="vehicle", vin="X").status == "refused"


def test_an_unknown_transport_setting_is_a_clear_configuration_error(anna, settings):
    settings.ONESTOP_EXCHANGE_TRANSPORT = "civil=carrier-pigeon"
    grant()

    with pytest.raises(ImproperlyConfigured, match="carrier-pigeon"):
        ask()


def test_a_transport_can_be_chosen_per_registry(anna, settings):
    settings.ONESTOP_EXCHANGE_TRANSPORT = "civil=inprocess, vehicles=inprocess"
    grant()

    assert ask().status == "ok"
