"""Keys of partner outlets and kiosks: issued to such a center only, with `applications:file`
only; the admin and the CLI issue them (shown once); in the domain the key is an outlet system
actor allowed to file in its own center and nothing else."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from onestop.catalog.models import Agency
from onestop.centers.models import Center
from onestop.core.errors import InvalidInput, PermissionDenied
from onestop.integrations.models import ApiKey
from onestop.integrations.services import (
    api_key_agency_actor,
    api_key_authenticate,
    api_key_issue,
    api_key_outlet_actor,
)
from onestop.staff.actors import OutletSystemActor, actor_require
from onestop.staff.permissions import staff_may

pytestmark = pytest.mark.django_db
FILE = ["applications:file"]


def center_make(code: str, kind: str) -> Center:
    return Center.objects.create(code=code, kind=kind, name={"en": code}, region="north")


@pytest.fixture
def outlet() -> Center:
    return center_make("post-office", "partner_outlet")


@pytest.fixture
def agency() -> Agency:
    return Agency.objects.create(code="civil-registry", name={"en": "Civil Registry"})


def test_an_outlet_key_authenticates_as_its_centers_system(outlet):
    issued = api_key_issue(actor="t", center=outlet, name="Till", scopes=FILE)

    api_key = api_key_authenticate(token=issued.token)
    actor = api_key_outlet_actor(api_key=api_key)

    assert api_key.agency is None and api_key.center == outlet
    assert actor == OutletSystemActor(
        center_id=outlet.pk,
        center_code="post-office",
        center_kind="partner_outlet",
        key_prefix=api_key.prefix,
    )
    assert str(actor) == f"outlet:post-office:{api_key.prefix}"


@pytest.mark.parametrize(
    ("owner", "scopes", "field"),
    [
        ("center", FILE, "center"),  # a service center's operators use the console
        ("outlet", ["tasks:read"], "scopes"),
        ("outlet", ["applications:file", "notifications:send"], "scopes"),
        ("agency", FILE, "scopes"),
        ("both", FILE, "agency"),
        ("none", FILE, "agency"),
    ],
)
def test_keys_that_would_mix_agencies_and_outlets_are_not_issued(
    outlet, agency, owner, scopes, field
):
    counter = center_make("capital", "center")
    options = {
        "center": {"center": counter},
        "outlet": {"center": outlet},
        "agency": {"agency": agency},
        "both": {"agency": agency, "center": outlet},
        "none": {},
    }[owner]

    with pytest.raises(InvalidInput) as caught:
        api_key_issue(actor="t", name="S", scopes=scopes, **options)

    assert caught.value.details["field"] == field
    assert ApiKey.objects.count() == 0


def test_an_agency_key_is_no_outlet_and_an_outlet_key_no_agency(outlet, agency):
    agency_key = api_key_issue(actor="t", agency=agency, name="S", scopes=["tasks:read"])
    outlet_key = api_key_issue(actor="t", center=outlet, name="S", scopes=FILE)

    with pytest.raises(PermissionDenied):
        api_key_outlet_actor(api_key=agency_key.api_key)
    with pytest.raises(PermissionDenied):
        api_key_agency_actor(api_key=outlet_key.api_key)


def test_the_outlet_actor_may_file_only_in_its_own_center_and_nothing_else(outlet):
    other = center_make("kiosk-2", "kiosk")
    actor = OutletSystemActor(
        center_id=outlet.pk, center_code=outlet.code, center_kind=outlet.kind, key_prefix="p"
    )

    assert actor_require(actor=actor, action="application.file_on_behalf", center=outlet) == str(
        actor
    )
    for action, center in [
        ("application.file_on_behalf", other),
        ("application.file_on_behalf", None),
        ("queue.serve", outlet),
        ("task.read", outlet),
        ("center.manage", outlet),
    ]:
        with pytest.raises(PermissionDenied):
            actor_require(actor=actor, action=action, center=center, agency=None)
    assert staff_may(user=actor, action="application.file_on_behalf", center=outlet) is False


def test_a_center_that_is_no_longer_an_outlet_grants_nothing(outlet):
    actor = OutletSystemActor(
        center_id=outlet.pk, center_code=outlet.code, center_kind="center", key_prefix="p"
    )
    with pytest.raises(PermissionDenied):
        actor_require(actor=actor, action="application.file_on_behalf", center=outlet)


def test_the_admin_issues_an_outlet_key_and_shows_it_once(client, outlet):
    client.force_login(get_user_model().objects.create_superuser("ops", password="a-long-pw"))

    response = client.post(
        "/admin/integrations/apikey/add/",
        {"center": outlet.pk, "name": "Post office till", "scopes": FILE},
        follow=True,
    )

    api_key = ApiKey.objects.get()
    assert api_key.center == outlet and api_key.scopes == FILE
    assert api_key.created_by == "staff:ops"
    page = response.content.decode()
    assert f"osk_{api_key.prefix}_" in page
    change = client.get(f"/admin/integrations/apikey/{api_key.pk}/change/").content.decode()
    assert f"osk_{api_key.prefix}_" not in change


def test_the_admin_names_the_field_of_a_key_it_cannot_issue(client, agency):
    client.force_login(get_user_model().objects.create_superuser("ops", password="a-long-pw"))

    response = client.post(
        "/admin/integrations/apikey/add/",
        {"agency": agency.pk, "name": "Case system", "scopes": FILE},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "partner outlet" in errors["scopes"][0]
    assert ApiKey.objects.count() == 0


def test_the_cli_issues_and_lists_an_outlet_key(outlet, capsys):
    call_command(
        "api_key", "issue", "--center", "post-office", "--name", "Till", "--scope", FILE[0]
    )
    call_command("api_key", "list")

    out = capsys.readouterr().out
    api_key = ApiKey.objects.get()
    assert f"osk_{api_key.prefix}_" in out
    assert f"{api_key.prefix}  post-office  Till  applications:file  active" in out
