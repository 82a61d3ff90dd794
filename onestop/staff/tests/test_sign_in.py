from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import clock_freeze
from onestop.core.models import AuditRecord
from onestop.settings import base
from onestop.staff.models import SignInFailure
from onestop.staff.otp import staff_totp_enrol

from .factories import user_make

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    return clock_freeze(monkeypatch, START)


@pytest.fixture
def staff():
    return user_make("clerk")


def _sign_in(client, password, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": "clerk", "password": password, "next": reverse("admin:index"), **extra},
    )


def _is_signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def _fail(client, frozen, times):
    for _ in range(times):
        _sign_in(client, "wrong-password")
        frozen.advance(seconds=30)


def test_five_failures_lock_the_username_even_against_the_right_password(client, staff, frozen):
    _fail(client, frozen, 5)

    response = _sign_in(client, PASSWORD)

    assert response.status_code == 200
    assert "Too many failed sign-ins. Try again after 09:17." in response.content.decode()
    assert _is_signed_in(client) is False
    assert SignInFailure.objects.filter(username="clerk").count() == 5


def test_the_lock_ends_fifteen_minutes_after_the_last_failure(client, staff, frozen):
    _fail(client, frozen, 5)
    frozen.advance(minutes=14, seconds=29)
    still_locked = _sign_in(client, PASSWORD)
    frozen.advance(seconds=1)

    response = _sign_in(client, PASSWORD)

    assert still_locked.status_code == 200
    assert response.status_code == 302
    assert _is_signed_in(client) is True
    assert SignInFailure.objects.filter(username="clerk").count() == 0


def test_four_failures_do_not_lock(client, staff, frozen):
    _fail(client, frozen, 4)

    response = _sign_in(client, PASSWORD)

    assert response.status_code == 302
    assert _is_signed_in(client) is True


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, staff, frozen):
    for _ in range(5):
        _sign_in(client, "wrong-password")
        frozen.advance(minutes=4)

    response = _sign_in(client, PASSWORD)

    assert response.status_code == 302


def test_the_lock_is_per_username_and_audited(client, staff, frozen):
    other = user_make("other")
    _fail(client, frozen, 5)

    response = client.post(reverse("admin:login"), {"username": "other", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)
    locked = AuditRecord.objects.filter(action="staff.sign_in_locked").get()
    assert (locked.entity_id, locked.data["until"]) == ("clerk", "2026-03-02T09:17:00+00:00")


def test_the_base_settings_hash_passwords_with_argon2():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert make_password(PASSWORD).startswith("argon2$argon2id$")


def test_a_sign_in_upgrades_an_older_hash_to_argon2(client):
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS[1:]):
        user = user_make("clerk")
    assert user.password.startswith("pbkdf2_sha256$")

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        response = _sign_in(client, PASSWORD)

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.password.startswith("argon2$")


def test_sessions_last_a_working_day_and_end_with_the_browser():
    assert (base.SESSION_COOKIE_AGE, base.SESSION_EXPIRE_AT_BROWSER_CLOSE) == (8 * 3600, True)


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@override_settings(ONESTOP_STAFF_REQUIRE_TOTP=True)
def test_with_totp_required_a_password_alone_does_not_reach_the_admin(client, staff):
    staff_totp_enrol(actor="test", user=staff)

    response = _sign_in(client, PASSWORD)

    assert response.status_code == 200
    assert _is_signed_in(client) is False


@override_settings(ONESTOP_STAFF_REQUIRE_TOTP=True)
def test_with_totp_required_the_right_code_reaches_the_admin(client, staff):
    device = staff_totp_enrol(actor="test", user=staff)

    response = _sign_in(client, PASSWORD, otp_device=device.persistent_id, otp_token=_token(device))

    assert response.status_code == 302
    assert _is_signed_in(client) is True


@override_settings(ONESTOP_STAFF_REQUIRE_TOTP=True)
def test_with_totp_required_a_wrong_code_is_refused_and_counts_as_a_failure(client, staff):
    device = staff_totp_enrol(actor="test", user=staff)
    wrong = f"{(int(_token(device)) + 1) % 1_000_000:06d}"

    response = _sign_in(client, PASSWORD, otp_device=device.persistent_id, otp_token=wrong)

    assert response.status_code == 200
    assert _is_signed_in(client) is False
    assert SignInFailure.objects.filter(username="clerk").count() == 1


@pytest.mark.parametrize(("required", "reaches_admin"), [(True, False), (False, True)])
def test_an_unverified_session_reaches_the_admin_only_when_totp_is_not_required(
    client, staff, required, reaches_admin
):
    client.force_login(staff)

    with override_settings(ONESTOP_STAFF_REQUIRE_TOTP=required):
        assert _is_signed_in(client) is reaches_admin


def test_enrol_prints_the_provisioning_uri_and_refuses_a_second_device(capsys, staff):
    call_command("staff_totp", "enrol", "clerk")
    uri = capsys.readouterr().out.splitlines()[-1]

    with pytest.raises(CommandError, match="already has a TOTP device"):
        call_command("staff_totp", "enrol", "clerk")

    device = TOTPDevice.objects.get(user=staff)
    assert uri.startswith("otpauth://totp/onestop%3Aclerk?secret=")
    assert uri == device.config_url
    assert AuditRecord.objects.filter(action="staff.totp_enrolled").count() == 1


def test_enrol_replace_gives_a_new_secret(capsys, staff):
    old = staff_totp_enrol(actor="test", user=staff)

    call_command("staff_totp", "enrol", "clerk", "--replace")

    new = TOTPDevice.objects.get(user=staff)
    assert (new.pk != old.pk, new.key != old.key) == (True, True)


def test_enrol_refuses_an_unknown_or_non_staff_user():
    get_user_model().objects.create_user("citizen", password=PASSWORD)

    with pytest.raises(CommandError, match="No user has the username 'ghost'"):
        call_command("staff_totp", "enrol", "ghost")
    with pytest.raises(CommandError, match="citizen is not staff"):
        call_command("staff_totp", "enrol", "citizen")

    assert TOTPDevice.objects.count() == 0
