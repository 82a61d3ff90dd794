"""A small back office: two agencies sharing a life event's application, their officers and a
supervisor, the decision reasons, a frozen clock; and a signed-in test client per person."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.test import Client

from conftest import clock_freeze
from onestop.applications.models import AgencyTask
from onestop.applications.tests import factories
from onestop.staff.roles import Role

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def reasons_loaded() -> None:
    """The demo pack's decision reasons (a table of the pack since it carries them; before
    that, a code table that needs no loading)."""
    make = getattr(factories, "decision_reasons_make", None)
    if make is not None:
        make()


@pytest.fixture
def world(db, monkeypatch):
    clock = clock_freeze(monkeypatch, START)
    reasons_loaded()
    civil = factories.agency_get_or_make("civil-registry")
    migration = factories.agency_get_or_make("migration-service")
    birth = factories.service_version_make(
        agency=civil,
        code="birth-registration",
        form_schema={"type": "object", "properties": {"child_name": {"type": "string"}}},
        form_hints={"fields": {"child_name": {"label": {"en": "Child's name", "fr": "Nom"}}}},
    )
    passport = factories.service_version_make(agency=migration, code="child-passport")
    application = factories.application_make(versions=[birth, passport])
    application.form_data = {"child_name": "Lina", "family_name": "Haddad"}
    application.prefill = {
        "family_name": {
            "value": "Haddad",
            "evidence": "birth-record",
            "source": "XM/GOV/civil-registry/civil",
            "fetched_at": "2026-03-02T08:59:00+00:00",
            "request_id": "req-123",
        }
    }
    application.save(update_fields=["form_data", "prefill"])
    return SimpleNamespace(
        clock=clock,
        civil=civil,
        migration=migration,
        birth=birth,
        passport=passport,
        application=application,
        civil_task=AgencyTask.objects.get(application=application, agency=civil),
        migration_task=AgencyTask.objects.get(application=application, agency=migration),
        officer=factories.staff_make("civil-officer", Role.AGENCY_OFFICER, civil),
        colleague=factories.staff_make("civil-colleague", Role.AGENCY_OFFICER, civil),
        supervisor=factories.staff_make("civil-supervisor", Role.SUPERVISOR, civil),
        migration_officer=factories.staff_make("migration-officer", Role.AGENCY_OFFICER, migration),
        auditor=factories.staff_make("auditor", Role.AUDITOR),
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fresh(task: AgencyTask) -> AgencyTask:
    return AgencyTask.objects.get(pk=task.pk)
