import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from onestop.catalog.models import Agency, ServiceVersion, VersionStatus
from onestop.catalog.roles import catalog_editor_group_ensure
from onestop.core.models import AuditRecord
from onestop.packs.loader import pack_load
from onestop.packs.tests.minipack import mini_pack

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(tmp_path):
    pack_load(path=mini_pack(tmp_path))


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_user("editor", password="a-long-password", is_staff=True)
    user.groups.add(catalog_editor_group_ensure())
    client.force_login(user)
    return client


def _agency_form(agency: Agency, **changes) -> dict:
    data = {
        "code": agency.code,
        "website": agency.website,
        "email": agency.email,
        "telephone": agency.telephone,
        "spatial": agency.spatial,
        "opening_hours": "{}",
    }
    for field in ("name", "acronym", "description", "address"):
        for index, code in enumerate(["en", "fr", "ru", "ar"]):
            data[f"{field}_{index}"] = getattr(agency, field).get(code, "")
    data.update(changes)
    return data


def test_an_editors_change_is_saved_and_audited(catalog, editor):
    agency = Agency.objects.get(code="civil-registry")
    before = AuditRecord.objects.count()

    response = editor.post(
        reverse("admin:catalog_agency_change", args=[agency.pk]),
        _agency_form(agency, name_1="Registre civil"),
    )

    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name["fr"] == "Registre civil"
    record = AuditRecord.objects.order_by("-id").first()
    assert AuditRecord.objects.count() == before + 1
    assert (record.action, record.actor, record.entity_id) == (
        "admin.agency_changed",
        "staff:editor",
        str(agency.pk),
    )


def test_a_text_missing_a_language_is_refused_and_nothing_changes(catalog, editor):
    agency = Agency.objects.get(code="civil-registry")
    before = AuditRecord.objects.count()

    response = editor.post(
        reverse("admin:catalog_agency_change", args=[agency.pk]), _agency_form(agency, name_3="")
    )

    assert response.status_code == 200
    assert "Write this text in every language; missing: ar." in response.content.decode()
    agency.refresh_from_db()
    assert agency.name["ar"] == "Civil Registry (ar)"
    assert AuditRecord.objects.count() == before


def test_a_published_version_is_read_only_and_editing_starts_a_draft(catalog, editor):
    published = ServiceVersion.objects.get(service__code="passport")

    page = editor.get(reverse("admin:catalog_serviceversion_change", args=[published.pk]))
    refused = editor.post(reverse("admin:catalog_serviceversion_change", args=[published.pk]), {})
    editor.post(
        reverse("admin:catalog_service_changelist"),
        {"action": "start_draft", "_selected_action": [published.service_id]},
    )

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    draft = ServiceVersion.objects.get(service__code="passport", status=VersionStatus.DRAFT)
    assert (draft.number, draft.name, draft.processing_days) == (
        2,
        published.name,
        published.processing_days,
    )
    assert list(draft.costs.values_list("tier", "amount")) == list(
        published.costs.values_list("tier", "amount")
    )


def test_publishing_a_draft_retires_the_old_version(catalog, editor):
    service_id = ServiceVersion.objects.get(service__code="passport").service_id
    editor.post(
        reverse("admin:catalog_service_changelist"),
        {"action": "start_draft", "_selected_action": [service_id]},
    )
    draft = ServiceVersion.objects.get(service__code="passport", status=VersionStatus.DRAFT)

    editor.post(
        reverse("admin:catalog_serviceversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    statuses = dict(
        ServiceVersion.objects.filter(service__code="passport").values_list("number", "status")
    )
    assert statuses == {1: VersionStatus.RETIRED, 2: VersionStatus.PUBLISHED}
    actions = list(AuditRecord.objects.order_by("-id").values_list("action", flat=True)[:2])
    assert actions == ["catalog.service_version_published", "catalog.service_version_drafted"]


@pytest.mark.parametrize("role", ["anonymous", "staff without role", "citizen"])
def test_the_catalog_admin_is_closed_to_everyone_else(catalog, client, role):
    if role != "anonymous":
        user = get_user_model().objects.create_user(
            "someone", password="a-long-password", is_staff=role == "staff without role"
        )
        client.force_login(user)
    agency = Agency.objects.get(code="civil-registry")

    response = client.post(
        reverse("admin:catalog_agency_change", args=[agency.pk]),
        _agency_form(agency, name_0="Hijacked"),
    )

    assert response.status_code in {302, 403}
    agency.refresh_from_db()
    assert agency.name["en"] == "Civil Registry"
