"""The console's pages through Django's test client: who gets in, what each list shows, the
case view, each action and its transition, stale forms, notes kept from the applicant, and
evidence files behind the case's permission check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from conftest import skip_unless
from onestop.accounts.models import CitizenAccount
from onestop.applications.models import (
    ApplicationEvidence,
    ApplicationMessage,
    OutputRecord,
    TaskNote,
    TaskState,
    TaskTransition,
)
from onestop.applications.tests import factories
from onestop.applications.workflow import task_claim, task_review_start
from onestop.core import clock
from onestop.core.models import AuditRecord

from .conftest import fresh, signed_in

pytestmark = pytest.mark.django_db


def case_url(task, language="en"):
    return f"/{language}/console/tasks/{task.pk}/"


def action_url(task, action, language="en"):
    return f"/{language}/console/tasks/{task.pk}/{action}/"


def in_review(world, user=None):
    user = user or world.officer
    task_claim(actor=user, task_id=world.civil_task.pk)
    task_review_start(actor=user, task_id=world.civil_task.pk)
    return fresh(world.civil_task)


# Who gets in


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page_with_the_page_to_come_back_to(world):
    response = Client().get("/en/console/queue/")

    assert response.status_code == 302
    assert response["Location"] == "/en/console/sign-in/?next=%2Fen%2Fconsole%2Fqueue%2F"


def test_staff_without_a_task_role_get_a_polite_page(world):
    response = signed_in(world.auditor).get("/en/console/")

    assert response.status_code == 403
    assert b"No agency tasks for you" in response.content
    assert b"ask an administrator" in response.content


def test_an_officer_of_another_agency_gets_not_found_for_the_case_and_its_actions(world):
    client = signed_in(world.migration_officer)

    viewed = client.get(case_url(world.civil_task))
    claimed = client.post(action_url(world.civil_task, "claim"), {"expected_version": 1})

    assert viewed.status_code == 404
    assert claimed.status_code == 404
    assert fresh(world.civil_task).state == TaskState.QUEUED
    assert not TaskTransition.objects.filter(task=world.civil_task).exists()


def test_a_task_that_does_not_exist_is_not_found(world):
    response = signed_in(world.officer).get(
        "/en/console/tasks/00000000-0000-7000-8000-000000000000/"
    )

    assert response.status_code == 404


# Lists


def test_my_tasks_lists_only_the_officers_open_tasks(world):
    task_claim(actor=world.officer, task_id=world.civil_task.pk)

    mine = signed_in(world.officer).get("/en/console/")
    colleague = signed_in(world.colleague).get("/en/console/")

    assert world.application.tracking_number in mine.content.decode()
    assert world.application.tracking_number not in colleague.content.decode()
    assert "You have no open tasks" in colleague.content.decode()


def test_the_queue_shows_the_agencys_tasks_with_a_claim_button_carrying_the_version(world):
    response = signed_in(world.officer).get("/en/console/queue/")
    page = response.content.decode()

    assert response.status_code == 200
    assert world.application.tracking_number in page
    assert action_url(world.civil_task, "claim") in page
    assert 'name="expected_version" value="1"' in page
    assert action_url(world.migration_task, "claim") not in page


def test_the_queue_filters_by_state_service_and_overdue(world):
    other = factories.service_version_make(agency=world.civil, code="death-registration")
    late = factories.application_make(versions=[other], due_in=timedelta(days=-1))
    client = signed_in(world.officer)

    by_service = client.get("/en/console/queue/?service=death-registration").content.decode()
    overdue = client.get("/en/console/queue/?overdue=yes").content.decode()
    not_overdue = client.get("/en/console/queue/?overdue=no").content.decode()
    assigned = client.get("/en/console/queue/?state=assigned").content.decode()

    assert late.tracking_number in by_service
    assert world.application.tracking_number not in by_service
    assert late.tracking_number in overdue and world.application.tracking_number not in overdue
    assert world.application.tracking_number in not_overdue
    assert late.tracking_number not in not_overdue
    assert "No task matches these filters." in assigned


def test_a_bad_filter_is_named_next_to_its_field_and_the_rest_still_applies(world):
    response = signed_in(world.officer).get("/en/console/queue/?state=nonsense&overdue=no")
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="queue-state-error"' in page
    assert "Choose a state from the list." in page
    assert world.application.tracking_number in page


def test_the_queue_pages_by_keyset_and_a_damaged_cursor_shows_the_first_page(world):
    for _ in range(50):
        factories.application_make(versions=[world.birth], due_in=timedelta(days=1))
    client = signed_in(world.officer)

    first = client.get("/en/console/queue/").content.decode()
    cursor = first.split("after=")[1].split('"')[0]
    second = client.get(f"/en/console/queue/?after={cursor}").content.decode()
    damaged = client.get("/en/console/queue/?after=garbage").content.decode()

    assert world.application.tracking_number not in first  # due in 14 days: the 51st
    assert world.application.tracking_number in second
    assert "First page" in second
    assert "This page link is damaged" in damaged


def test_the_agency_switcher_shows_for_an_officer_of_two_agencies(world):
    from onestop.staff.models import StaffRole

    StaffRole.objects.create(
        user=world.officer,
        role="agency_officer",
        agency=world.migration,
        valid_from=clock.now() - timedelta(days=1),
    )
    client = signed_in(world.officer)

    civil = client.get("/en/console/queue/").content.decode()
    migration = client.get("/en/console/queue/?agency=migration-service").content.decode()
    remembered = client.get("/en/console/queue/").content.decode()

    assert 'id="agency-switcher"' in civil
    assert action_url(world.civil_task, "claim") in civil
    assert action_url(world.migration_task, "claim") in migration
    assert action_url(world.migration_task, "claim") in remembered


def test_escalations_are_for_supervisors(world):
    world.clock.advance(days=20)
    from onestop.applications.sla import sla_sweep

    sla_sweep()

    supervisor = signed_in(world.supervisor).get("/en/console/escalations/")
    officer = signed_in(world.officer).get("/en/console/escalations/")

    assert supervisor.status_code == 200
    assert world.application.tracking_number in supervisor.content.decode()
    assert officer.status_code == 403
    assert b"Only the agency's supervisors" in officer.content


# The case view


def test_the_case_view_shows_form_data_with_provenance_evidence_history_and_the_deadline(world):
    ApplicationEvidence.objects.create(
        application=world.application,
        evidence_code="birth-record",
        status="found",
        source="XM/GOV/civil-registry/civil",
        fetched_at=clock.now(),
        request_id="req-456",
        created_at=clock.now(),
    )
    task_claim(actor=world.officer, task_id=world.civil_task.pk)

    response = signed_in(world.officer).get(case_url(world.civil_task))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Child&#x27;s name" in page and "Lina" in page
    assert "Prefilled from XM/GOV/civil-registry/civil" in page and "req-123" in page
    assert "Typed by the applicant" in page
    assert "req-456" in page and "found in a registry" in page
    assert "queued → assigned" in page
    assert "No response yet" in page
    assert AuditRecord.objects.filter(action="applications.case_viewed").count() == 1


def test_the_deadline_shows_a_warning_then_a_breach(world):
    client = signed_in(world.officer)
    world.clock.advance(days=11)
    warned = client.get(case_url(world.civil_task)).content.decode()
    world.clock.advance(days=4)
    breached = client.get(case_url(world.civil_task)).content.decode()

    assert "Deadline near" in warned and "Deadline passed" not in warned
    assert "Deadline passed" in breached


def test_only_the_available_actions_are_shown(world):
    queued = signed_in(world.officer).get(case_url(world.civil_task)).content.decode()
    task_claim(actor=world.officer, task_id=world.civil_task.pk)
    claimed = signed_in(world.officer).get(case_url(world.civil_task)).content.decode()
    colleague = signed_in(world.colleague).get(case_url(world.civil_task)).content.decode()
    supervisor = signed_in(world.supervisor).get(case_url(world.civil_task)).content.decode()

    assert action_url(world.civil_task, "claim") in queued
    assert action_url(world.civil_task, "decide") not in queued
    assert action_url(world.civil_task, "assign") not in queued
    assert action_url(world.civil_task, "claim") not in claimed
    assert action_url(world.civil_task, "review_start") in claimed
    assert action_url(world.civil_task, "release") in claimed
    assert action_url(world.civil_task, "review_start") not in colleague
    assert "nothing for you to do" in colleague
    assert action_url(world.civil_task, "assign") in supervisor
    assert f'value="{world.colleague.pk}"' in supervisor


# Actions


def transitions(task):
    return list(
        TaskTransition.objects.filter(task=task)
        .order_by("occurred_at", "id")
        .values_list("from_state", "to_state", "actor")
    )


def test_claim_review_and_approve_record_each_transition(world):
    client = signed_in(world.officer)

    claimed = client.post(action_url(world.civil_task, "claim"), {"expected_version": 1})
    client.post(action_url(world.civil_task, "review_start"), {"expected_version": 2})
    decided = client.post(
        action_url(world.civil_task, "decide"),
        {"expected_version": 3, "decision": "approve", "reason_code": "requirements_met"},
    )

    assert (
        claimed.status_code == 302
        and claimed["Location"] == f"/en/console/tasks/{world.civil_task.pk}/"
    )
    assert decided.status_code == 302
    assert transitions(world.civil_task) == [
        ("queued", "assigned", "staff:civil-officer"),
        ("assigned", "in_review", "staff:civil-officer"),
        ("in_review", "approved", "staff:civil-officer"),
        ("approved", "output_issued", "staff:civil-officer"),
    ]
    assert OutputRecord.objects.filter(task=world.civil_task).count() == 1
    followed = client.get(decided["Location"]).content.decode()
    assert "Done." in followed


def test_a_rejection_without_text_is_refused_next_to_the_field_keeping_the_choice(world):
    task = in_review(world)

    response = signed_in(world.officer).post(
        action_url(task, "decide"),
        {"expected_version": task.version, "decision": "reject", "reason_code": "not_eligible"},
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert 'id="decide-reason_text-error"' in page
    assert "Explain the rejection to the applicant" in page
    assert '<option value="not_eligible" selected>' in page
    assert 'value="reject" checked' in page
    assert fresh(task).state == TaskState.IN_REVIEW


def test_a_rejection_with_text_closes_the_task(world):
    task = in_review(world)

    signed_in(world.officer).post(
        action_url(task, "decide"),
        {
            "expected_version": task.version,
            "decision": "reject",
            "reason_code": "not_eligible",
            "reason_text": "The child was born abroad.",
        },
    )

    assert fresh(task).state == TaskState.REJECTED
    assert fresh(task).decision_text == "The child was born abroad."


def test_an_information_request_is_sent_with_its_reply_date(world):
    task = in_review(world)

    response = signed_in(world.officer).post(
        action_url(task, "information_request"),
        {
            "expected_version": task.version,
            "request_text": "Send the hospital's certificate.",
            "respond_by": "2026-03-20",
        },
    )

    message = ApplicationMessage.objects.get(task=task, kind="information_request")
    assert response.status_code == 302
    assert fresh(task).state == TaskState.INFORMATION_REQUESTED
    assert message.text == "Send the hospital's certificate."
    assert message.respond_by.isoformat() == "2026-03-20"
    assert fresh(task).first_response_at == clock.now()


def test_a_bad_reply_date_is_named_and_the_text_kept(world):
    task = in_review(world)

    response = signed_in(world.officer).post(
        action_url(task, "information_request"),
        {"expected_version": task.version, "request_text": "Send it.", "respond_by": "20/03"},
    )
    page = response.content.decode()

    assert response.status_code == 400
    assert 'id="information_request-respond_by-error"' in page
    assert ">Send it.</textarea>" in page
    assert not ApplicationMessage.objects.filter(task=task).exists()


def test_release_puts_the_task_back_on_the_queue(world):
    task_claim(actor=world.officer, task_id=world.civil_task.pk)

    signed_in(world.officer).post(
        action_url(world.civil_task, "release"),
        {"expected_version": 2, "reason_text": "On leave"},
    )

    assert fresh(world.civil_task).state == TaskState.QUEUED
    assert fresh(world.civil_task).assignee is None
    assert transitions(world.civil_task)[-1] == ("assigned", "queued", "staff:civil-officer")


def test_a_supervisor_assigns_the_task_to_an_officer(world):
    response = signed_in(world.supervisor).post(
        action_url(world.civil_task, "assign"),
        {"expected_version": 1, "assignee": world.colleague.pk},
    )

    assert response.status_code == 302
    assert fresh(world.civil_task).assignee_id == world.colleague.pk
    assert transitions(world.civil_task) == [("queued", "assigned", "staff:civil-supervisor")]


def test_assigning_to_someone_outside_the_agency_is_refused_next_to_the_select(world):
    response = signed_in(world.supervisor).post(
        action_url(world.civil_task, "assign"),
        {"expected_version": 1, "assignee": world.migration_officer.pk},
    )

    assert response.status_code == 400
    assert 'id="assign-assignee-error"' in response.content.decode()
    assert fresh(world.civil_task).state == TaskState.QUEUED


def test_issuing_a_held_output_while_the_bundle_waits_is_a_conflict(world):
    world.application.is_all_or_nothing = True
    world.application.save(update_fields=["is_all_or_nothing"])
    task = in_review(world)
    client = signed_in(world.officer)
    client.post(
        action_url(task, "decide"),
        {
            "expected_version": task.version,
            "decision": "approve",
            "reason_code": "requirements_met",
        },
    )
    task = fresh(task)
    page = client.get(case_url(task)).content.decode()

    response = client.post(action_url(task, "output_issue"), {"expected_version": task.version})

    assert task.state == TaskState.APPROVED
    assert action_url(task, "output_issue") in page
    assert response.status_code == 409
    assert "must be approved first" in response.content.decode()
    assert not OutputRecord.objects.filter(task=task).exists()


def test_a_stale_form_gets_the_conflict_message_and_changes_nothing(world):
    task_claim(actor=world.officer, task_id=world.civil_task.pk)  # the version is now 2

    response = signed_in(world.supervisor).post(
        action_url(world.civil_task, "release"), {"expected_version": 1, "reason_text": "mine"}
    )
    page = response.content.decode()

    assert response.status_code == 409
    assert "Someone changed this task since you opened it" in page
    assert 'value="mine"' in page
    assert fresh(world.civil_task).state == TaskState.ASSIGNED
    assert len(transitions(world.civil_task)) == 1


def test_a_form_without_its_version_is_refused(world):
    response = signed_in(world.officer).post(action_url(world.civil_task, "claim"), {})

    assert response.status_code == 400
    assert "reload the task" in response.content.decode()
    assert fresh(world.civil_task).state == TaskState.QUEUED


def test_an_unknown_action_is_not_found(world):
    response = signed_in(world.officer).post(
        action_url(world.civil_task, "approve_everything"), {"expected_version": 1}
    )

    assert response.status_code == 404


def test_an_action_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer)

    response = client.post(action_url(world.civil_task, "claim"), {"expected_version": 1})

    assert response.status_code == 403
    assert fresh(world.civil_task).state == TaskState.QUEUED


# Notes


def test_a_note_is_added_and_shown_under_the_internal_heading(world):
    client = signed_in(world.officer)

    response = client.post(
        f"/en/console/tasks/{world.civil_task.pk}/notes/", {"text": "Called the hospital."}
    )
    page = client.get(case_url(world.civil_task)).content.decode()

    assert response.status_code == 302
    notes = page.split('id="notes-title"')[1]
    messages = page.split('id="messages-title"')[1].split('id="history-title"')[0]
    assert "staff only, never shown to the applicant" in notes
    assert "Called the hospital." in notes
    assert "Called the hospital." not in messages


def test_an_empty_note_is_refused_next_to_the_field(world):
    response = signed_in(world.officer).post(
        f"/en/console/tasks/{world.civil_task.pk}/notes/", {"text": "  "}
    )

    assert response.status_code == 400
    assert 'id="note-text-error"' in response.content.decode()
    assert not TaskNote.objects.exists()


def test_notes_never_appear_on_the_applicants_portal_page(world):
    try:
        url = reverse("portal:application", args=[world.application.pk])
    except NoReverseMatch:
        skip_unless(False, "the portal has no application page yet")
    from django.contrib.auth import get_user_model

    citizen = get_user_model().objects.create_user("citizen")
    account = CitizenAccount.objects.create(
        user=citizen,
        contact="+33600000001",
        person_reference=world.application.applicant_national_id,
        created_at=clock.now(),
    )
    world.application.applicant_account = account
    world.application.save(update_fields=["applicant_account"])
    task = in_review(world)
    client = signed_in(world.officer)
    client.post(f"/en/console/tasks/{task.pk}/notes/", {"text": "Suspicious signature."})
    asked = client.post(
        action_url(task, "information_request"),
        {"expected_version": task.version, "request_text": "Send the original certificate."},
    )
    assert asked.status_code == 302, asked.content.decode()[-3000:]

    portal = signed_in(citizen).get(url)

    assert portal.status_code == 200
    assert "Send the original certificate." in portal.content.decode()
    assert "Suspicious signature." not in portal.content.decode()


# Evidence files


def uploaded(world):
    evidence = ApplicationEvidence.objects.create(
        application=world.application,
        evidence_code="medical-birth-certificate",
        status="uploaded",
        file_name="certificate.pdf",
        content_type="application/pdf",
        size=9,
        created_at=clock.now(),
    )
    evidence.file.save("certificate.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return evidence


def test_an_uploaded_file_downloads_for_the_agency_and_the_opening_is_audited(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    evidence = uploaded(world)
    url = f"/en/console/tasks/{world.civil_task.pk}/evidence/{evidence.pk}/"

    page = signed_in(world.officer).get(case_url(world.civil_task)).content.decode()
    response = signed_in(world.officer).get(url)

    assert url in page
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n"
    assert 'filename="certificate.pdf"' in response["Content-Disposition"]
    assert AuditRecord.objects.filter(action="applications.evidence_file_opened").count() == 1


def test_an_uploaded_file_is_not_found_for_another_agency_or_through_another_task(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    evidence = uploaded(world)
    other = factories.application_make(versions=[world.birth])
    other_task = other.tasks.get()

    elsewhere = signed_in(world.migration_officer).get(
        f"/en/console/tasks/{world.civil_task.pk}/evidence/{evidence.pk}/"
    )
    wrong_task = signed_in(world.officer).get(
        f"/en/console/tasks/{other_task.pk}/evidence/{evidence.pk}/"
    )

    assert elsewhere.status_code == 404
    assert wrong_task.status_code == 404
    assert not AuditRecord.objects.filter(action="applications.evidence_file_opened").exists()


# Languages


@pytest.mark.parametrize(
    ("language", "heading", "direction"),
    [("fr", "Mes tâches", "ltr"), ("ru", "Мои задачи", "ltr"), ("ar", "مهامي", "rtl")],
)
def test_pages_are_in_the_staff_members_language(world, language, heading, direction):
    page = signed_in(world.officer).get(f"/{language}/console/").content.decode()

    assert f'<html lang="{language}" dir="{direction}">' in page
    assert f"<h1>{heading}</h1>" in page


def test_the_queue_page_costs_the_same_queries_for_more_tasks(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world.officer)
    client.get("/en/console/queue/")  # the session and caches settle

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/console/queue/").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(10):
        task_claim(
            actor=world.colleague,
            task_id=factories.application_make(versions=[world.birth]).tasks.get().pk,
        )
    factories.application_make(versions=[world.birth])

    assert queries() == few


def test_the_history_arrow_points_the_reading_way_in_arabic(world):
    task_claim(actor=world.officer, task_id=world.civil_task.pk)

    page = signed_in(world.officer).get(case_url(world.civil_task, "ar")).content.decode()

    assert "←" in page.split('id="history-title"')[1]
    assert "→" not in page.split('id="history-title"')[1]


def test_a_held_output_is_issued_once_the_rest_of_the_bundle_is_withdrawn(world):
    from onestop.applications.workflow import application_withdraw
    from onestop.staff.actors import SystemActor

    world.application.is_all_or_nothing = True
    world.application.save(update_fields=["is_all_or_nothing"])
    task = in_review(world)
    client = signed_in(world.officer)
    client.post(
        action_url(task, "decide"),
        {
            "expected_version": task.version,
            "decision": "approve",
            "reason_code": "requirements_met",
        },
    )
    application_withdraw(
        actor=SystemActor("test"), application_id=world.application.pk, channel="center"
    )
    task = fresh(task)

    response = client.post(action_url(task, "output_issue"), {"expected_version": task.version})

    assert response.status_code == 302
    assert fresh(task).state == TaskState.OUTPUT_ISSUED
    assert transitions(task)[-1] == ("approved", "output_issued", "staff:civil-officer")
    assert OutputRecord.objects.filter(task=task).count() == 1


def test_a_colleague_acting_on_someone_elses_task_is_refused_with_the_reason(world):
    task_claim(actor=world.officer, task_id=world.civil_task.pk)

    response = signed_in(world.colleague).post(
        action_url(world.civil_task, "review_start"), {"expected_version": 2}
    )

    assert response.status_code == 403
    assert "ask a supervisor to reassign it" in response.content.decode()
    assert fresh(world.civil_task).state == TaskState.ASSIGNED
