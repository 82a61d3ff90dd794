"""The console's staff sign-in keeps the admin's rules: lockout, Argon2, and TOTP when required."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.staff.models import SignInFailure

from .conftest import signed_in

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password"  # factories.staff_make's


def sign_in(client, username, password, **extra):
    return client.post(
        "/en/console/sign-in/",
        {"username": username, "password": password, "next": "/en/console/queue/", **extra},
    )


def test_the_sign_in_page_asks_for_username_and_password(world):
    page = Client().get("/fr/console/sign-in/?next=/fr/console/").content.decode()

    assert 'id="sign-in-username"' in page and 'id="sign-in-password"' in page
    assert 'name="next" value="/fr/console/"' in page
    assert 'id="sign-in-otp_token"' not in page


def test_a_right_password_signs_in_and_goes_to_the_page_asked_for(world):
    client = Client()

    response = sign_in(client, "civil-officer", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/en/console/queue/"
    assert client.get("/en/console/queue/").status_code == 200


def test_a_next_address_elsewhere_is_ignored(world):
    response = sign_in(Client(), "civil-officer", PASSWORD, next="https://evil.example/")

    assert response["Location"] == "/en/console/"


def test_a_wrong_password_is_refused_counted_and_the_username_kept(world):
    response = sign_in(Client(), "civil-officer", "wrong")
    page = response.content.decode()

    assert response.status_code == 400
    assert "The username or password is wrong." in page
    assert 'value="civil-officer"' in page
    assert SignInFailure.objects.filter(username="civil-officer").count() == 1


def test_five_failures_lock_the_username_even_for_the_right_password(world):
    client = Client()
    for _ in range(4):
        sign_in(client, "civil-officer", "wrong")

    fifth = sign_in(client, "civil-officer", "wrong")
    right = sign_in(client, "civil-officer", PASSWORD)

    assert "Too many failed sign-ins" in fifth.content.decode()
    assert right.status_code == 400
    assert "Too many failed sign-ins" in right.content.decode()
    assert SignInFailure.objects.filter(username="civil-officer").count() == 5
    assert client.get("/en/console/").status_code == 302


def test_a_success_clears_the_failures_and_rehashes_with_argon2(world, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    sign_in(Client(), "civil-officer", "wrong")

    sign_in(Client(), "civil-officer", PASSWORD)

    officer = get_user_model().objects.get(username="civil-officer")
    assert officer.password.startswith("argon2")
    assert not SignInFailure.objects.filter(username="civil-officer").exists()


def current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_with_totp_required_the_code_is_asked_and_checked(world, settings):
    settings.ONESTOP_STAFF_REQUIRE_TOTP = True
    device = TOTPDevice.objects.create(user=world.officer, name="phone", confirmed=True)
    client = Client()

    page = client.get("/en/console/sign-in/").content.decode()
    without = sign_in(client, "civil-officer", PASSWORD, otp_token="000000")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # django_otp's
    with_code = sign_in(client, "civil-officer", PASSWORD, otp_token=current_token(device))

    assert 'id="sign-in-otp_token"' in page
    assert without.status_code == 400
    assert "The username, password or code is wrong." in without.content.decode()
    assert with_code.status_code == 302
    assert client.get("/en/console/queue/").status_code == 200


def test_with_totp_required_a_session_without_a_device_goes_back_to_sign_in(world, settings):
    settings.ONESTOP_STAFF_REQUIRE_TOTP = True

    response = signed_in(world.officer).get("/en/console/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/console/sign-in/")


def test_signing_out_ends_the_session(world):
    client = signed_in(world.officer)

    client.post("/en/console/sign-out/")

    assert client.get("/en/console/").status_code == 302
