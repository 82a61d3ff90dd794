"""Two connections submitting with the same idempotency key at once make one application."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from conftest import postgresql_only
from onestop.accounts.models import CitizenAccount
from onestop.applications.intake import application_submit
from onestop.applications.models import AgencyTask, Application, Draft
from onestop.catalog.models import Agency, Service, ServiceVersion

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_two_connections_racing_the_same_key_make_one_application():
    postgresql_only(connection)
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
        for index in range(2)
    ]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit(draft):
        try:
            barrier.wait(timeout=10)
            results.append(
                application_submit(actor=account, draft=draft, idempotency_key="double-click").pk
            )
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Application.objects.count() == 1
    assert AgencyTask.objects.count() == 1
