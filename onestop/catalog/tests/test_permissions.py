"""Catalog commands check the staff role of the user who triggers them (deny by default)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from onestop.catalog import services
from onestop.catalog.models import Agency, Service, ServiceVersion, VersionStatus
from onestop.core import clock
from onestop.core.errors import PermissionDenied
from onestop.core.models import AuditRecord
from onestop.packs.loader import pack_load
from onestop.packs.tests.minipack import mini_pack
from onestop.staff.actors import SystemActor
from onestop.staff.models import StaffRole
from onestop.staff.roles import Role
from onestop.staff.tests.factories import center_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport(tmp_path) -> Service:
    pack_load(path=mini_pack(tmp_path))
    return Service.objects.get(code="passport")


def holder(role):
    user = user_make(f"holder-{role or 'none'}", is_superuser=True)
    if role:
        StaffRole.objects.create(
            user=user,
            role=role,
            center=center_make("north") if role == Role.FRONT_OFFICE_OPERATOR else None,
            valid_from=clock.now() - timedelta(days=1),
        )
    return user


def _commands(user, service):
    published = service.versions.get(status=VersionStatus.PUBLISHED)
    return {
        "draft": lambda: services.service_version_draft(actor=user, service=service),
        "publish": lambda: services.service_version_publish(actor=user, version=published),
        "retire": lambda: services.service_version_retire(actor=user, version=published),
        "reference": lambda: services.reference_upsert(
            actor=user, model=Agency, code="tax", values={"name": {"en": "Tax"}}
        ),
        "life event": lambda: services.life_event_upsert(
            actor=user, code="moving", values={"kind": "life", "name": {}}, service_codes=[]
        ),
    }


@pytest.mark.parametrize(
    "role", [None, Role.AUDITOR, Role.INSIGHTS_VIEWER, Role.FRONT_OFFICE_OPERATOR]
)
@pytest.mark.parametrize("command", ["draft", "publish", "retire", "reference", "life event"])
def test_staff_without_a_catalog_role_change_nothing(passport, role, command):
    user = holder(role)
    before = AuditRecord.objects.count()

    with pytest.raises(PermissionDenied) as refused:
        _commands(user, passport)[command]()

    assert refused.value.details["action"] in {"catalog.edit", "catalog.publish"}
    assert AuditRecord.objects.count() == before
    assert list(
        ServiceVersion.objects.filter(service=passport).values_list("status", flat=True)
    ) == [VersionStatus.PUBLISHED]
    assert not Agency.objects.filter(code="tax").exists()


@pytest.mark.parametrize("role", [Role.CATALOG_EDITOR, Role.ADMINISTRATOR])
def test_an_editor_or_administrator_drafts_and_publishes_recorded_by_username(passport, role):
    user = holder(role)

    draft = services.service_version_draft(actor=user, service=passport)
    services.service_version_publish(actor=user, version=draft)

    actors = AuditRecord.objects.order_by("-id").values_list("action", "actor")[:2]
    assert list(actors) == [
        ("catalog.service_version_published", f"staff:{user.username}"),
        ("catalog.service_version_drafted", f"staff:{user.username}"),
    ]


def test_in_the_admin_a_superuser_without_a_catalog_role_neither_edits_nor_publishes(
    passport, client
):
    draft = services.service_version_draft(actor=SystemActor("test"), service=passport)
    agency = passport.agency
    client.force_login(holder(None))
    before = AuditRecord.objects.count()

    edited = client.post(
        reverse("admin:catalog_agency_change", args=[agency.pk]), {"code": "hijacked"}
    )
    published = client.post(
        reverse("admin:catalog_serviceversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert edited.status_code == 403
    assert "You do not have a role that allows this here." in published.content.decode()
    draft.refresh_from_db()
    agency.refresh_from_db()
    assert (draft.status, agency.code) == (VersionStatus.DRAFT, "migration")
    assert AuditRecord.objects.count() == before
