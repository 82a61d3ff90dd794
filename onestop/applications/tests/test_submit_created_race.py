"""Two connections submitting with the same idempotency key at once: one application, and only
one caller is told it created it (the API answers 201 to it and 200 to the other)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from conftest import postgresql_only
from onestop.accounts.models import CitizenAccount
from onestop.applications.intake import application_submit_created
from onestop.applications.models import AgencyTask, Application, Draft
from onestop.catalog.models import Agency, Service, ServiceVersion
from onestop.core.models import DomainEvent

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def _account_with_drafts(count: int) -> tuple[CitizenAccount, list[Draft]]:
    agency = Agency.objects.create(code="a", name={"en": "A"})
    service = Service.objects.create(code="s", agency=agency)
    ServiceVersion.objects.create(
        service=service,
        number=1,
        status="published",
        name={"en": "S"},
        processing_days=3,
        form_schema={"type": "object", "properties": {}},
    )
    user = get_user_model().objects.create_user("racer")
    account = CitizenAccount.objects.create(
        user=user, contact="+33612345678", person_reference="123", created_at=NOW
    )
    drafts = [
        Draft.objects.create(
            resume_code=f"R{index}",
            owner_account=account,
            applicant_national_id="123",
            service_codes=["s"],
            channel="online",
            language="en",
            created_at=NOW,
            updated_at=NOW,
            expires_at=NOW + timedelta(days=30),
        )
        for index in range(count)
    ]
    return account, drafts


def _race(account: CitizenAccount, drafts: list[Draft]) -> tuple[list, list]:
    barrier = threading.Barrier(len(drafts))
    results, errors = [], []

    def submit(draft):
        try:
            barrier.wait(timeout=10)
            application, created = application_submit_created(
                actor=account, draft=draft, idempotency_key="double-click"
            )
            results.append((application.pk, created))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_drafts_racing_one_key_make_one_application_and_one_creator():
    postgresql_only(connection)
    account, drafts = _account_with_drafts(2)

    results, errors = _race(account, drafts)

    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, True]
    assert Application.objects.count() == 1 and AgencyTask.objects.count() == 1
    assert DomainEvent.objects.filter(name="application.submitted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_draft_submitted_twice_at_once_has_one_creator():
    postgresql_only(connection)
    account, [draft] = _account_with_drafts(1)

    results, errors = _race(account, [draft, draft])

    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False, True]
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_a_retry_is_not_a_creation():
    account, [draft] = _account_with_drafts(1)

    first = application_submit_created(actor=account, draft=draft, idempotency_key="k")
    again = application_submit_created(actor=account, draft=draft, idempotency_key="k")

    assert first[1] is True and again[1] is False
    assert first[0].pk == again[0].pk
