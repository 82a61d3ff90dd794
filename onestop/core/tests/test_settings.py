"""The server profile refuses to start on an unsafe configuration, with a message that says
what to set."""

import os
import subprocess
import sys

import pytest

CHECK = "import django; django.setup()"


def _start(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ONESTOP_")}
    clean.update({"DJANGO_SETTINGS_MODULE": "onestop.settings.base", **env})
    return subprocess.run(
        [sys.executable, "-c", CHECK], env=clean, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"ONESTOP_PROFILE": "server", "ONESTOP_ALLOWED_HOSTS": "onestop.gov.example"},
            "ONESTOP_SECRET_KEY is not set",
        ),
        (
            {"ONESTOP_PROFILE": "server", "ONESTOP_SECRET_KEY": "x" * 50},
            "ONESTOP_ALLOWED_HOSTS is empty",
        ),
        ({"ONESTOP_PROFILE": "mainframe"}, "is not a profile"),
        ({"ONESTOP_LANGUAGES": "en,xx"}, "ONESTOP_LANGUAGES names xx"),
    ],
)
def test_unsafe_configuration_refuses_to_start(env, message, tmp_path):
    result = _start({"ONESTOP_VAR_DIR": str(tmp_path), **env})

    assert result.returncode != 0
    assert message in result.stderr


def test_the_embedded_profile_keeps_one_generated_secret_key(tmp_path):
    first = _start({"ONESTOP_VAR_DIR": str(tmp_path)})
    key = (tmp_path / "secret_key").read_text()
    second = _start({"ONESTOP_VAR_DIR": str(tmp_path)})

    assert (first.returncode, second.returncode) == (0, 0)
    assert len(key) >= 64
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_a_complete_server_configuration_starts(tmp_path):
    result = _start(
        {
            "ONESTOP_VAR_DIR": str(tmp_path),
            "ONESTOP_PROFILE": "server",
            "ONESTOP_SECRET_KEY": "s" * 60,
            "ONESTOP_ALLOWED_HOSTS": "onestop.gov.example",
        }
    )

    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ONESTOP_SMS_PROVIDER": "pigeon"}, "ONESTOP_SMS_PROVIDER='pigeon' is not a provider"),
        ({"ONESTOP_EMAIL_PROVIDER": "fax"}, "ONESTOP_EMAIL_PROVIDER='fax' is not a provider"),
        ({"ONESTOP_SMS_PROVIDER": "http_sms"}, "needs ONESTOP_SMS_GATEWAY_URL"),
    ],
)
def test_an_incomplete_provider_configuration_refuses_to_start(env, message, tmp_path):
    result = _start({"ONESTOP_VAR_DIR": str(tmp_path), **env})

    assert result.returncode != 0
    assert message in result.stderr
