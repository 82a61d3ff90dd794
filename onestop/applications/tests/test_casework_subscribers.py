from datetime import UTC, datetime

import pytest

from conftest import clock_freeze
from onestop.applications.casework_subscribers import (
    decision_notify,
    information_requested_notify,
    output_ready_notify,
)
from onestop.applications.models import AgencyTask
from onestop.applications.workflow import (
    task_claim,
    task_decide,
    task_information_request,
    task_review_start,
)
from onestop.core.models import DomainEvent
from onestop.notifications.models import Notification
from onestop.staff.roles import Role

from .factories import agency_get_or_make, application_make, service_version_make, staff_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(demo_pack_loaded, monkeypatch):
    clock_freeze(monkeypatch, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    agency = agency_get_or_make("casework-test-agency")
    officer = staff_make("officer", Role.AGENCY_OFFICER, agency)

    def make(language="en", **versions):
        version = service_version_make(agency=agency, code=f"cw-{language}-{len(versions)}")
        application = application_make(versions=[version], language=language)
        task = AgencyTask.objects.get(application=application)
        task_claim(actor=officer, task_id=task.pk)
        task_review_start(actor=officer, task_id=task.pk)
        return officer, task

    return make


def _sms(kind):
    return Notification.objects.filter(kind=kind, channel="sms")


def test_an_information_request_is_sent_once_in_the_applicants_language(in_review):
    officer, task = in_review(language="fr")
    task_information_request(actor=officer, task_id=task.pk, text="Envoyez le certificat.")
    event = DomainEvent.objects.get(name="task.information_requested")

    information_requested_notify(event)
    information_requested_notify(event)  # a redelivery sends nothing more

    message = _sms("information_requested").get()
    assert message.language == "fr"
    assert message.recipient == "+33612345678"
    assert task.application.tracking_number in message.body_text
    assert "16/03/2026" in message.body_text
    assert message.person == "19800101-0001"


def test_a_rejection_is_told_with_its_reason_and_the_way_to_appeal(in_review):
    officer, task = in_review()
    task_decide(
        actor=officer,
        task_id=task.pk,
        decision="reject",
        reason_code="not_eligible",
        reason_text="Born abroad.",
    )

    decision_notify(DomainEvent.objects.get(name="task.decided"))

    sms = _sms("decision_made").get()
    assert task.application.tracking_number in sms.body_text
    assert sms.context["decision"] == "rejected"
    assert sms.context["reason"] == "You are not eligible for this service"
    assert sms.context["appeal_text"] == "Appeal within 30 days to the agency's appeals board."


def test_an_approval_with_its_output_is_told_once_as_document_ready(in_review):
    officer, task = in_review()
    task_decide(actor=officer, task_id=task.pk, decision="approve", reason_code="requirements_met")

    decision_notify(DomainEvent.objects.get(name="task.decided"))
    output_ready_notify(DomainEvent.objects.get(name="task.output_issued"))

    assert not _sms("decision_made").exists()
    ready = _sms("document_ready").get()
    assert ready.context["document_name"].startswith("Certificate cw-en")
    assert ready.context["valid_until"] == "03/02/2031"
    assert ready.context["track_url"].endswith(f"/track/{task.application.tracking_number}")
