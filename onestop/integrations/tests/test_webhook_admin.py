"""Webhooks in the admin (added through the service, the secret shown once, never edited;
parked deliveries sent again) and agency task scopes through `onestop api-key`."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from onestop.catalog.models import Agency
from onestop.integrations.models import ApiKey, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from onestop.integrations.webhooks import webhook_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return Agency.objects.create(code="civil-registry", name={"en": "Civil Registry"})


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("ops", password="a-long-pw"))
    return client


def test_the_admin_adds_an_endpoint_and_shows_a_made_secret_once(admin_client, agency):
    response = admin_client.post(
        "/admin/integrations/webhookendpoint/add/",
        {"agency": agency.pk, "url": "https://cases.example.gov/hooks", "secret": ""},
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["task.created"] and endpoint.created_by == "staff:ops"
    assert endpoint.secret in response.content.decode()
    page = admin_client.get(f"/admin/integrations/webhookendpoint/{endpoint.pk}/change/")
    assert page.status_code == 200 and endpoint.secret not in page.content.decode()


def test_the_admin_refuses_plain_http_and_a_short_secret_next_to_the_field(admin_client, agency):
    response = admin_client.post(
        "/admin/integrations/webhookendpoint/add/",
        {"agency": agency.pk, "url": "http://cases.example.gov/hooks", "secret": "short"},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "https://" in errors["url"][0]
    assert "24" in errors["secret"][0]
    assert WebhookEndpoint.objects.count() == 0


def test_the_admin_refuses_a_second_active_endpoint_at_one_address(admin_client, agency):
    webhook_add(actor="test", agency=agency, url="https://cases.example.gov/hooks")

    response = admin_client.post(
        "/admin/integrations/webhookendpoint/add/",
        {"agency": agency.pk, "url": "https://cases.example.gov/hooks", "secret": ""},
    )

    assert response.status_code == 200
    assert "already" in response.context["adminform"].form.errors["url"][0]
    assert WebhookEndpoint.objects.count() == 1


def test_a_parked_delivery_is_sent_again_from_the_admin(admin_client, agency):
    endpoint, _ = webhook_add(actor="test", agency=agency, url="https://cases.example.gov/hooks")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id="01a24e3d-648d-7305-8f8f-d217cb9563b0",
        event_name="task.created",
        payload={},
        status=DeliveryStatus.PARKED,
        attempts=8,
        created_at=endpoint.created_at,
    )

    admin_client.post(
        "/admin/integrations/webhookdelivery/",
        {"action": "send_again", "_selected_action": [str(delivery.pk)]},
    )

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0


def test_api_key_issues_keys_with_the_task_scopes(agency, capsys):
    call_command(
        "api_key", "issue", "--agency", agency.code, "--name", "Case system",
        "--scope", "tasks:read", "--scope", "tasks:write",
    )  # fmt: skip

    assert ApiKey.objects.get().scopes == ["tasks:read", "tasks:write"]
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("osk_")
