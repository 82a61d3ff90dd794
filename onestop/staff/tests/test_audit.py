from datetime import timedelta

import pytest

from onestop.core import clock
from onestop.core.errors import PermissionDenied
from onestop.core.events import event_record
from onestop.staff.audit import audit_trail_verify
from onestop.staff.models import StaffRole
from onestop.staff.roles import Role

from .factories import user_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.AUDITOR, True),
        (Role.ADMINISTRATOR, True),
        (Role.INSIGHTS_VIEWER, False),
        (None, False),
    ],
)
def test_only_auditors_and_administrators_verify_the_trail(role, allowed):
    event_record(name="test.happened", actor="test", entity_type="test", entity_id="1")
    user = user_make("someone", is_superuser=True)
    if role:
        StaffRole.objects.create(user=user, role=role, valid_from=clock.now() - timedelta(days=1))

    if allowed:
        assert audit_trail_verify(actor=user) == []
    else:
        with pytest.raises(PermissionDenied) as refused:
            audit_trail_verify(actor=user)
        assert refused.value.details == {"action": "audit.verify"}


@pytest.mark.parametrize(("role", "status"), [(Role.AUDITOR, 302), (None, 403)])
def test_the_admin_verifies_the_trail_for_an_auditor_only(client, role, status):
    event_record(name="test.happened", actor="test", entity_type="test", entity_id="1")
    user = user_make("someone", is_superuser=True)
    if role:
        StaffRole.objects.create(user=user, role=role, valid_from=clock.now() - timedelta(days=1))
    client.force_login(user)

    response = client.get("/admin/audit-verify/", follow=status == 302)

    if status == 302:
        assert "The audit trail is intact." in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("role", "shown"), [(Role.AUDITOR, True), (Role.CATALOG_EDITOR, False)])
def test_the_admin_front_page_links_to_verification_for_auditors(client, role, shown):
    user = user_make("someone")
    StaffRole.objects.create(user=user, role=role, valid_from=clock.now() - timedelta(days=1))
    client.force_login(user)

    page = client.get("/admin/").content.decode()

    assert ('href="/admin/audit-verify/"' in page) is shown
