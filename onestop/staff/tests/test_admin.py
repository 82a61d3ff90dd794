from datetime import timedelta

import pytest
from django.urls import reverse

from onestop.core import clock
from onestop.core.models import AuditRecord
from onestop.staff.models import StaffRole
from onestop.staff.roles import Role

from .factories import agency_make, user_make

pytestmark = pytest.mark.django_db


def signed_in(client, role):
    user = user_make("root", is_superuser=True)
    if role:
        StaffRole.objects.create(user=user, role=role, valid_from=clock.now() - timedelta(days=1))
    client.force_login(user)
    return user


def test_an_administrator_grants_and_ends_a_role_through_the_services(client):
    signed_in(client, Role.ADMINISTRATOR)
    tax, olga = agency_make("tax"), user_make("olga", is_staff=False)

    added = client.post(
        reverse("admin:staff_staffrole_add"),
        {"user": olga.pk, "role": "supervisor", "agency": tax.pk},
    )
    granted = StaffRole.objects.get(user=olga)
    ended = client.post(
        reverse("admin:staff_staffrole_changelist"),
        {"action": "end_selected", "_selected_action": [granted.pk]},
    )

    assert (added.status_code, ended.status_code) == (302, 302)
    granted.refresh_from_db()
    assert (granted.role, granted.agency, granted.valid_until is not None) == (
        Role.SUPERVISOR,
        tax,
        True,
    )
    actions = AuditRecord.objects.filter(action__startswith="staff.role").order_by("id")
    assert list(actions.values_list("action", "actor")) == [
        ("staff.role_granted", "staff:root"),
        ("staff.role_ended", "staff:root"),
    ]


def test_a_role_missing_its_scope_is_shown_next_to_the_field_and_nothing_is_granted(client):
    signed_in(client, Role.ADMINISTRATOR)
    olga = user_make("olga")

    response = client.post(
        reverse("admin:staff_staffrole_add"), {"user": olga.pk, "role": "agency_officer"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "agency": ["An agency officer acts for an agency: choose one."]
    }
    assert not StaffRole.objects.filter(user=olga).exists()


@pytest.mark.parametrize("role", [None, Role.AUDITOR, Role.CATALOG_EDITOR])
def test_without_the_administrator_role_the_roles_screen_is_closed(client, role):
    signed_in(client, role)
    olga = user_make("olga")

    listing = client.get(reverse("admin:staff_staffrole_changelist"))
    added = client.post(reverse("admin:staff_staffrole_add"), {"user": olga.pk, "role": "auditor"})

    assert (listing.status_code, added.status_code) == (403, 403)
    assert not StaffRole.objects.filter(user=olga).exists()
