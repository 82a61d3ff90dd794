"""Handlers of the applications' domain events (run as background tasks, at least once)."""

from __future__ import annotations

from django.conf import settings

from onestop.core.models import DomainEvent
from onestop.core.subscriptions import subscriber
from onestop.core.text import pick
from onestop.notifications.services import notification_request
from onestop.people.models import Person

from . import (
    casework_subscribers,  # noqa: F401  (the casework's handlers and its SLA job)
    staff_alerts,  # noqa: F401  (staff e-mails of the SLA watch)
)
from .lookup import clock_date
from .models import AgencyTask, Application


def track_url(tracking_number: str) -> str:
    base = str(getattr(settings, "ONESTOP_PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}/track/{tracking_number}"


@subscriber("application.submitted", name="applications.acknowledge")
def application_acknowledge(event: DomainEvent) -> None:
    """Tell the applicant we have it: SMS or e-mail to the contact given, in the application's
    language. The event id is the idempotency key: a redelivery sends nothing more."""
    application = (
        Application.objects.filter(pk=event.entity_id).select_related("life_event").first()
    )
    if application is None:
        return
    recipient = application.contact_phone or application.contact_email
    if not recipient:
        return
    tasks = list(
        AgencyTask.objects.filter(application=application).select_related("service_version")
    )
    language = application.language
    if application.life_event is not None:
        service_name = pick(application.life_event.name, language)
    else:
        service_name = pick(tasks[0].service_version.name, language) if tasks else ""
    due = max((task.due_at for task in tasks), default=application.submitted_at)
    person = Person.objects.filter(national_id=application.applicant_national_id).first()
    notification_request(
        actor="system:applications",
        kind="application_acknowledged",
        recipient=recipient,
        context={
            "recipient_name": person.given_names if person else "",
            "tracking_number": application.tracking_number,
            "service_name": service_name,
            "submitted_on": clock_date(application.submitted_at).isoformat(),
            "decision_due_on": clock_date(due).isoformat(),
            "track_url": track_url(application.tracking_number),
        },
        idempotency_key=f"application-acknowledged:{event.pk}",
        language=language,
        person=application.applicant_national_id,
    )
