"""The data-protection officer's admin screens, through Django's test client."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from onestop.core import clock
from onestop.core.models import AuditRecord, DomainEvent
from onestop.exchange.models import AccessRight, ExchangeLogEntry
from onestop.exchange.services import access_right_grant
from onestop.staff.actors import SystemActor
from onestop.staff.models import StaffRole
from onestop.staff.roles import Role
from onestop.staff.tests.factories import center_make, user_make

pytestmark = pytest.mark.django_db

ANNA, BORIS = "85041212342", "85041212359"
PORTAL = "XM/GOV/onestop/portal"
LOG = "admin:exchange_exchangelogentry_changelist"


def sign_in(client, role, username="staff"):
    user = user_make(username, is_superuser=True)  # the flag alone must open nothing here
    if role is not None:
        StaffRole.objects.create(
            user=user,
            role=role,
            center=center_make("north") if role == Role.FRONT_OFFICE_OPERATOR else None,
            valid_from=clock.now() - timedelta(days=1),
        )
    client.force_login(user)
    return client


def entry(subject=ANNA, **fields):
    values = {
        "request_id": uuid.uuid4(),
        "occurred_at": datetime(2026, 6, 1, 9, 30, tzinfo=UTC),
        "consumer": PORTAL,
        "acting_user": f"citizen:{subject}",
        "subject": subject,
        "registry": "civil",
        "operation": "person",
        "purpose": "prefill",
        "status": "ok",
        "duration_ms": 3,
    }
    return ExchangeLogEntry.objects.create(**(values | fields))


def viewed():
    return list(
        AuditRecord.objects.filter(action="exchange.log_subject_viewed").values_list(
            "actor", "entity_id", "data"
        )
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDITOR, 200),
        (Role.ADMINISTRATOR, 200),
        (None, 403),
        (Role.CATALOG_EDITOR, 403),
        (Role.INSIGHTS_VIEWER, 403),
        (Role.FRONT_OFFICE_OPERATOR, 403),
    ],
)
def test_only_auditors_and_administrators_see_the_exchange_log(client, role, status):
    logged = entry()
    sign_in(client, role)

    listing = client.get(reverse(LOG))
    page = client.get(reverse("admin:exchange_exchangelogentry_change", args=[logged.pk]))

    assert (listing.status_code, page.status_code) == (status, status)
    assert len(viewed()) == (1 if status == 200 else 0)


def test_the_exchange_log_cannot_be_added_to_changed_or_deleted_in_the_admin(client):
    logged = entry()
    sign_in(client, Role.ADMINISTRATOR)
    change = reverse("admin:exchange_exchangelogentry_change", args=[logged.pk])

    added = client.post(reverse("admin:exchange_exchangelogentry_add"), {"subject": BORIS})
    changed = client.post(change, {"subject": BORIS, "status": "error"})
    deleted = client.post(
        reverse("admin:exchange_exchangelogentry_delete", args=[logged.pk]), {"post": "yes"}
    )
    bulk = client.post(
        reverse(LOG), {"action": "delete_selected", "_selected_action": [logged.pk], "post": "yes"}
    )
    page = client.get(change).content.decode()

    assert (added.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    assert bulk.status_code == 200  # no such action: the list is shown again
    assert 'name="_save"' not in page
    logged.refresh_from_db()
    assert (ExchangeLogEntry.objects.count(), logged.subject, logged.status) == (1, ANNA, "ok")


def test_the_list_masks_subjects_and_does_not_record_an_access(client):
    entry()
    sign_in(client, Role.AUDITOR)

    page = client.get(reverse(LOG)).content.decode()

    assert ANNA not in page and "850******42" in page
    assert viewed() == []


def test_a_search_by_exact_subject_finds_their_entries_and_is_audited(client):
    entry(), entry(), entry(subject=BORIS)
    sign_in(client, Role.AUDITOR, "dpo")

    found = client.get(reverse(LOG), {"q": ANNA})
    partial = client.get(reverse(LOG), {"q": ANNA[:6]})

    assert len(found.context["cl"].result_list) == 2
    assert len(partial.context["cl"].result_list) == 0
    assert viewed() == [
        ("staff:dpo", ANNA, {"entries": 2}),
        ("staff:dpo", ANNA[:6], {"entries": 0}),
    ]


def test_a_search_by_request_id_finds_that_entry_without_recording_a_subject(client):
    wanted, _ = entry(), entry(subject=BORIS)
    sign_in(client, Role.AUDITOR)

    found = client.get(reverse(LOG), {"q": str(wanted.request_id)})

    assert [e.pk for e in found.context["cl"].result_list] == [wanted.pk]
    assert viewed() == []


def test_opening_an_entry_is_an_audited_access_to_its_subject(client):
    logged = entry()
    sign_in(client, Role.ADMINISTRATOR, "root")

    page = client.get(reverse("admin:exchange_exchangelogentry_change", args=[logged.pk]))

    assert ANNA in page.content.decode()
    assert viewed() == [("staff:root", ANNA, {"entries": 1})]


def test_a_list_filtered_by_registry_status_purpose_and_date(client):
    entry(), entry(registry="vehicles", operation="vehicles-of", status="refused")
    sign_in(client, Role.AUDITOR)

    filtered = client.get(
        reverse(LOG),
        {
            "registry": "vehicles",
            "status": "refused",
            "purpose": "prefill",
            "occurred_at__year": 2026,
        },
    )

    assert [e.registry for e in filtered.context["cl"].result_list] == ["vehicles"]


def test_an_administrator_grants_and_revokes_a_right_in_the_admin(client):
    sign_in(client, Role.ADMINISTRATOR, "root")

    without_basis = client.post(
        reverse("admin:exchange_accessright_add"),
        {"consumer": PORTAL, "service": "civil/family", "purpose": "my-data"},
    )
    added = client.post(
        reverse("admin:exchange_accessright_add"),
        {
            "consumer": PORTAL,
            "service": "civil/family",
            "purpose": "my-data",
            "legal_basis": "Data Protection Act, art. 15",
        },
    )
    right = AccessRight.objects.get()
    deleted = client.post(
        reverse("admin:exchange_accessright_delete", args=[right.pk]), {"post": "yes"}
    )

    assert without_basis.context["adminform"].form.errors == {
        "legal_basis": ["This field is required."]
    }
    assert (added.status_code, deleted.status_code) == (302, 302)
    assert (right.registry, right.operation, right.granted_by, right.legal_basis) == (
        "civil",
        "family",
        "staff:root",
        "Data Protection Act, art. 15",
    )
    assert AccessRight.objects.count() == 0
    assert list(DomainEvent.objects.order_by("id").values_list("name", "actor")) == [
        ("exchange.access_right_granted", "staff:root"),
        ("exchange.access_right_revoked", "staff:root"),
    ]


def test_the_revoke_action_records_an_event_per_right(client):
    for operation in ("person", "family"):
        access_right_grant(
            consumer=PORTAL,
            registry="civil",
            operation=operation,
            purpose="my-data",
            actor=SystemActor("test"),
        )
    sign_in(client, Role.ADMINISTRATOR)

    client.post(
        reverse("admin:exchange_accessright_changelist"),
        {
            "action": "revoke_selected",
            "_selected_action": list(AccessRight.objects.values_list("pk", flat=True)),
        },
    )

    assert AccessRight.objects.count() == 0
    assert DomainEvent.objects.filter(name="exchange.access_right_revoked").count() == 2


def test_an_auditor_sees_the_rights_but_cannot_grant_or_revoke(client):
    right = access_right_grant(
        consumer=PORTAL,
        registry="civil",
        operation="person",
        purpose="my-data",
        actor=SystemActor("test"),
    )
    sign_in(client, Role.AUDITOR)
    events = DomainEvent.objects.count()

    listing = client.get(reverse("admin:exchange_accessright_changelist"), {"purpose": "my-data"})
    added = client.post(
        reverse("admin:exchange_accessright_add"),
        {"consumer": PORTAL, "service": "civil/family", "purpose": "my-data"},
    )
    deleted = client.post(
        reverse("admin:exchange_accessright_delete", args=[right.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200
    assert [r.pk for r in listing.context["cl"].result_list] == [right.pk]
    assert (added.status_code, deleted.status_code) == (403, 403)
    assert list(AccessRight.objects.values_list("operation", flat=True)) == ["person"]
    assert DomainEvent.objects.count() == events


def test_a_superuser_without_a_role_does_not_see_the_rights(client):
    sign_in(client, None)

    assert client.get(reverse("admin:exchange_accessright_changelist")).status_code == 403
