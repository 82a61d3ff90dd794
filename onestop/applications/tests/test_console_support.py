"""The console's extra reads: where a staff member works, whom a supervisor may assign, what a
queue page may claim, form rows with provenance, and evidence files behind the case's check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile

from conftest import clock_freeze
from onestop.applications.console_support import (
    agency_officers_list,
    agency_services_list,
    case_form_rows,
    evidence_file_open,
    staff_task_agencies,
    tasks_claimable,
)
from onestop.applications.models import AgencyTask, ApplicationEvidence, ScanStatus
from onestop.applications.workflow import task_claim
from onestop.core import clock
from onestop.core.errors import Conflict, NotFound, PermissionDenied
from onestop.core.models import AuditRecord
from onestop.staff.models import StaffRole
from onestop.staff.roles import Role

from .factories import agency_get_or_make, application_make, service_version_make, staff_make

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def office(monkeypatch):
    clock_freeze(monkeypatch, START)
    civil, roads = agency_get_or_make("civil"), agency_get_or_make("roads")
    birth = service_version_make(
        agency=civil,
        code="birth",
        form_schema={
            "type": "object",
            "properties": {"sex": {"type": "string", "enum": ["f", "m"]}},
        },
        form_hints={
            "fields": {
                "sex": {
                    "label": {"en": "Sex"},
                    "options": {"f": {"en": "Female"}, "m": {"en": "Male"}},
                }
            }
        },
    )
    application = application_make(versions=[birth])
    return {
        "civil": civil,
        "roads": roads,
        "birth": birth,
        "application": application,
        "task": AgencyTask.objects.get(application=application),
        "officer": staff_make("officer", Role.AGENCY_OFFICER, civil),
        "supervisor": staff_make("supervisor", Role.SUPERVISOR, civil),
        "roads_officer": staff_make("roads-officer", Role.AGENCY_OFFICER, roads),
        "auditor": staff_make("auditor", Role.AUDITOR),
    }


def test_staff_work_in_the_agencies_where_they_hold_a_task_role_now(office):
    StaffRole.objects.create(
        user=office["officer"],
        role=Role.AGENCY_OFFICER,
        agency=office["roads"],
        valid_from=START - timedelta(days=9),
        valid_until=START - timedelta(days=1),
    )

    assert staff_task_agencies(user=office["officer"]) == [office["civil"]]
    assert staff_task_agencies(user=office["auditor"]) == []


def test_an_inactive_account_works_nowhere(office):
    office["officer"].is_active = False
    office["officer"].save(update_fields=["is_active"])

    assert staff_task_agencies(user=office["officer"]) == []


def test_a_supervisor_lists_the_agencys_officers_and_an_officer_may_not(office):
    officers = agency_officers_list(actor=office["supervisor"], agency=office["civil"])

    assert [user.username for user in officers] == ["officer", "supervisor"]
    with pytest.raises(PermissionDenied):
        agency_officers_list(actor=office["officer"], agency=office["civil"])


def test_the_services_filter_names_each_service_of_the_agency(office):
    services = agency_services_list(actor=office["officer"], agency=office["civil"])

    assert [(item.code, item.name) for item in services] == [("birth", "Service birth")]
    with pytest.raises(PermissionDenied):
        agency_services_list(actor=office["roads_officer"], agency=office["civil"])


def test_only_queued_tasks_are_claimable_and_only_by_who_may_decide(office):
    other = AgencyTask.objects.get(application=application_make(versions=[office["birth"]]))
    task_claim(actor=office["officer"], task_id=other.pk)
    tasks = list(AgencyTask.objects.filter(agency=office["civil"]))

    assert tasks_claimable(actor=office["supervisor"], agency=office["civil"], tasks=tasks) == {
        office["task"].pk
    }
    assert tasks_claimable(actor=office["auditor"], agency=office["civil"], tasks=tasks) == set()


def test_form_rows_label_values_and_say_where_a_prefilled_value_came_from(office):
    application = office["application"]
    application.form_data = {"sex": "f", "family_name": "Haddad-Roy"}
    application.prefill = {"family_name": {"value": "Haddad", "source": "XM/GOV/civil/civil"}}
    application.save(update_fields=["form_data", "prefill"])

    rows = case_form_rows(task=office["task"], language="en")

    assert [(row.name, row.label, row.value) for row in rows] == [
        ("sex", "Sex", "Female"),
        ("family_name", "family_name", "Haddad-Roy"),
    ]
    assert rows[0].provenance == {} and rows[1].provenance["source"] == "XM/GOV/civil/civil"
    assert rows[1].is_changed_by_applicant is True


def uploaded(office, **fields):
    evidence = ApplicationEvidence.objects.create(
        application=office["application"],
        evidence_code="photo",
        status="uploaded",
        file_name="photo.png",
        content_type="image/png",
        size=4,
        created_at=clock.now(),
        **fields,
    )
    evidence.file.save("photo.png", ContentFile(b"\x89PNG"), save=True)
    return evidence


def test_an_evidence_file_opens_for_the_agency_and_is_audited(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = uploaded(office)

    opened = evidence_file_open(
        actor=office["officer"], task_id=office["task"].pk, evidence_id=evidence.pk
    )

    assert (opened.name, opened.content_type, opened.file.read()) == (
        "photo.png",
        "image/png",
        b"\x89PNG",
    )
    assert AuditRecord.objects.filter(action="applications.evidence_file_opened").count() == 1


@pytest.mark.parametrize("who", ["roads_officer", "auditor"])
def test_an_evidence_file_is_not_found_for_others(office, settings, tmp_path, who):
    settings.MEDIA_ROOT = tmp_path
    evidence = uploaded(office)

    with pytest.raises(NotFound):
        evidence_file_open(actor=office[who], task_id=office["task"].pk, evidence_id=evidence.pk)
    assert not AuditRecord.objects.filter(action="applications.evidence_file_opened").exists()


def test_a_file_the_scanner_refused_is_never_served(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = uploaded(office, scan_status=ScanStatus.INFECTED)

    with pytest.raises(Conflict):
        evidence_file_open(
            actor=office["officer"], task_id=office["task"].pk, evidence_id=evidence.pk
        )


def test_an_evidence_without_a_file_or_a_bad_id_is_not_found(office):
    found = ApplicationEvidence.objects.create(
        application=office["application"],
        evidence_code="birth-record",
        status="found",
        created_at=clock.now(),
    )

    for evidence_id in (found.pk, "not-an-id"):
        with pytest.raises(NotFound):
            evidence_file_open(
                actor=office["officer"], task_id=office["task"].pk, evidence_id=evidence_id
            )
