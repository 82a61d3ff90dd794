import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from onestop.core import dispatch
from onestop.core.events import event_record
from onestop.core.models import (
    AuditRecord,
    DomainEvent,
    EventDelivery,
    PeriodicJob,
)
from onestop.core.subscriptions import subscriber, subscription_remove

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("ops", password="a-long-password")
    client.force_login(user)
    return client


@pytest.fixture
def parked():
    """A delivery parked after one failed attempt, and one that succeeded."""

    @subscriber("thing.done", name="test.admin.failing")
    def failing(event: DomainEvent) -> None:
        raise ConnectionError("gateway timed out")

    @subscriber("thing.done", name="test.admin.fine")
    def fine(event: DomainEvent) -> None: ...

    event = event_record(name="thing.done", actor="t", entity_type="thing", entity_id="9")
    deliveries = {d.subscriber_name: d for d in EventDelivery.objects.filter(event=event)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dispatch, "max_attempts", lambda: 1)
        for delivery in deliveries.values():
            dispatch.delivery_run(delivery_id=delivery.id)
    yield deliveries["test.admin.failing"], deliveries["test.admin.fine"]
    subscription_remove("test.admin.failing")
    subscription_remove("test.admin.fine")


def _changelist(model: str) -> str:
    return reverse(f"admin:core_{model}_changelist")


def test_parked_deliveries_are_listed_with_their_error(staff, parked):
    response = staff.get(_changelist("eventdelivery"), {"status": "parked"})

    assert response.status_code == 200
    listed = [d.subscriber_name for d in response.context["cl"].result_list]
    assert listed == ["test.admin.failing"]
    assert "ConnectionError: gateway timed out" in response.content.decode()


def test_the_rerun_action_queues_parked_deliveries_and_leaves_others(staff, parked):
    failing, fine = parked

    response = staff.post(
        _changelist("eventdelivery"),
        {"action": "rerun_parked", "_selected_action": [str(failing.id), str(fine.id)]},
        follow=True,
    )

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "1 parked delivery(ies) queued to run again.",
        "1 selected delivery(ies) were not parked and were left as they are.",
    ]
    failing.refresh_from_db()
    fine.refresh_from_db()
    assert (failing.status, failing.attempts) == ("pending", 0)
    assert (fine.status, fine.attempts) == ("succeeded", 1)
    assert DomainEvent.objects.get(name="event_delivery.rerun").actor == "staff:ops"


@pytest.mark.parametrize(
    "model", ["auditrecord", "domainevent", "eventdelivery", "periodicjob", "workerheartbeat"]
)
def test_platform_records_cannot_be_added_changed_or_deleted_in_the_admin(staff, model):
    event_record(name="thing.done", actor="t", entity_type="thing", entity_id="1")
    PeriodicJob.objects.create(name="test.admin.job")
    before = AuditRecord.objects.count()

    listing = staff.get(_changelist(model))
    adding = staff.get(reverse(f"admin:core_{model}_add"))

    assert listing.status_code == 200
    assert adding.status_code == 403
    assert AuditRecord.objects.count() == before


def test_an_audit_entry_opens_read_only(staff):
    event = event_record(name="thing.done", actor="t", entity_type="thing", entity_id="1")

    response = staff.get(reverse("admin:core_auditrecord_change", args=[event.audit_record_id]))
    deleting = staff.post(
        reverse("admin:core_auditrecord_delete", args=[event.audit_record_id]), {"post": "yes"}
    )

    assert response.status_code == 200
    assert b'name="actor"' not in response.content
    assert deleting.status_code == 403
    assert AuditRecord.objects.filter(id=event.audit_record_id).exists()


def test_periodic_jobs_show_last_run_duration_and_outcome(staff):
    PeriodicJob.objects.create(
        name="test.admin.job",
        last_duration_ms=1234,
        last_outcome="failed",
        run_count=7,
        next_run_at=None,
        lease_until=None,
    )

    response = staff.get(_changelist("periodicjob"))

    body = response.content.decode()
    assert "test.admin.job" in body
    assert "1234" in body
    assert "failed" in body
