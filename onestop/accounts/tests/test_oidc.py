"""The national e-ID sign-in against a real OpenID provider: django-oauth-toolkit's OIDC
provider (oidc_provider/) runs in a subprocess with its own SQLite file and an RSA key made
here; the platform runs in pytest-django's live server; an httpx client with cookies plays the
citizen's browser over real HTTP. ID tokens that a provider should never send (wrong nonce,
audience, issuer, expired, signed with another key) are crafted with the test key and checked
against the provider's published JWKS."""

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from conftest import ROOT, skip_unless
from onestop.accounts.models import CitizenAccount
from onestop.accounts.oidc import (
    EidFailed,
    OidcConfig,
    oidc_config,
    oidc_id_token_verify,
    oidc_metadata,
    oidc_metadata_forget,
)
from onestop.core.models import AuditRecord, DomainEvent
from onestop.people.tests.conftest import NATIONAL_IDS, country  # noqa: F401 - a fixture

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("oidc-provider")]

CLIENT_ID = "onestop-portal"
CLIENT_SECRET = "test-client-secret-0123456789"  # noqa: S105 - the test provider's client
PASSWORD = "correct horse battery"  # noqa: S105
CALLBACK = "/sign-in/e-id/callback/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
USERS = {
    "amina": {"national_id": NATIONAL_IDS[0]},
    "badid": {"national_id": "85041212343"},  # fails the Luhn check digit
    "quiet": {"national_id": NATIONAL_IDS[1], "first_name": "userinfo-only"},
}


@dataclass(frozen=True)
class Provider:
    issuer: str
    key: RSAKey
    kid: str

    def config(self, **changes: object) -> OidcConfig:
        values = {
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": ("openid", "national_id"),
            "national_id_claim": "national_id",
            "timeout": 5.0,
            **changes,
        }
        return OidcConfig(**values)  # type: ignore[arg-type]


def _provider_start(folder: Path, redirect_uri: str) -> tuple[subprocess.Popen, int]:
    seed = {
        "users": [{"username": name, "password": PASSWORD, **user} for name, user in USERS.items()],
        "clients": [
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": redirect_uri}
        ],
    }
    (folder / "seed.json").write_text(json.dumps(seed))
    env = {
        **os.environ,
        "OIDC_PROVIDER_DIR": str(folder),
        "OIDC_PROVIDER_KEY": str(folder / "key.pem"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onestop.accounts.tests.oidc_provider.serve",
            str(folder / "seed.json"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=open(folder / "stderr.log", "w"),  # noqa: SIM115 - closed with the process
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""
    match = re.fullmatch(r"listening (\d+)\n", line)
    if match is None:
        process.kill()
        process.wait(timeout=10)
        error = (folder / "stderr.log").read_text()[-2000:]
        skip_unless(False, f"the test OpenID provider did not start: {error}")
    return process, int(match.group(1))


@pytest.fixture(scope="module")
def provider(tmp_path_factory, live_server):
    skip_unless(
        importlib.util.find_spec("oauth2_provider") is not None,
        "django-oauth-toolkit is not installed (pip install -e '.[test]')",
    )
    folder = tmp_path_factory.mktemp("oidc-provider")
    key = RSAKey.generate_key(2048)
    (folder / "key.pem").write_bytes(key.as_pem(private=True))
    process, port = _provider_start(folder, f"{live_server.url}{CALLBACK}")
    try:
        issuer = f"http://127.0.0.1:{port}/o"
        jwks = httpx.get(f"{issuer}/.well-known/jwks.json", timeout=5).json()
        yield Provider(issuer=issuer, key=key, kid=jwks["keys"][0]["kid"])
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def configured(provider, settings, transactional_db, country):  # noqa: F811
    settings.ONESTOP_OIDC_ISSUER = provider.issuer
    settings.ONESTOP_OIDC_CLIENT_ID = CLIENT_ID
    settings.ONESTOP_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.ONESTOP_OIDC_SCOPES = ["openid", "national_id"]
    settings.ONESTOP_OIDC_NATIONAL_ID_CLAIM = "national_id"
    oidc_metadata_forget()
    yield provider
    oidc_metadata_forget()


@pytest.fixture
def browser():
    with httpx.Client(follow_redirects=True, timeout=10) as client:
        yield client


def start(browser: httpx.Client, base: str, language: str = "en") -> httpx.Response:
    """Press "Sign in with national e-ID" on the sign-in page; lands on the provider's login."""
    page = browser.get(f"{base}/{language}/sign-in/")
    token = CSRF.search(page.text).group(1)
    return browser.post(f"{base}/{language}/sign-in/e-id/", data={"csrfmiddlewaretoken": token})


def provider_login(browser: httpx.Client, login_page: httpx.Response, username: str, **kwargs):
    """Submit the provider's login form with its CSRF token."""
    assert "Test e-ID provider" in login_page.text
    token = CSRF.search(login_page.text).group(1)
    next_url = parse_qs(urlsplit(str(login_page.url)).query)["next"][0]
    return browser.post(
        str(login_page.url),
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": PASSWORD,
            "next": next_url,
        },
        **kwargs,
    )


def callback_url(browser: httpx.Client, base: str, username: str) -> str:
    """Sign in at the provider but stop at its redirect back to the platform."""
    answer = provider_login(browser, start(browser, base), username, follow_redirects=False)
    location = urljoin(str(answer.url), answer.headers["location"])
    while not location.startswith(base):
        answer = browser.get(location, follow_redirects=False)
        location = urljoin(str(answer.url), answer.headers["location"])
    return location


def test_a_citizen_signs_in_with_the_national_eid_at_a_real_provider(
    configured, live_server, browser
):
    login_page = start(browser, live_server.url)
    authorize = parse_qs(urlsplit(str(login_page.url)).query)["next"][0]

    final = provider_login(browser, login_page, "amina")

    query = parse_qs(urlsplit(authorize).query)
    assert (query["code_challenge_method"], query["scope"]) == (["S256"], ["openid national_id"])
    assert query["redirect_uri"] == [f"{live_server.url}{CALLBACK}"]
    assert str(final.url) == f"{live_server.url}/en/inbox/"
    assert final.status_code == 200
    assert "Your messages (0 unread)" in final.text and "Sign out" in final.text
    account = CitizenAccount.objects.get()
    assert (account.contact, account.person_reference) == (None, NATIONAL_IDS[0])
    assert (account.eid_issuer, account.user.username.startswith("citizen:e-id:")) == (
        configured.issuer,
        True,
    )
    assert account.eid_subject and account.last_sign_in_at is not None
    events = list(DomainEvent.objects.values_list("name", flat=True).order_by("occurred_at", "id"))
    assert events == ["accounts.account_created", "accounts.person_linked", "accounts.signed_in"]
    recorded = " ".join(str(row) for row in AuditRecord.objects.values_list("data", flat=True))
    assert NATIONAL_IDS[0] not in recorded and "850******42" in recorded


def test_the_eid_sign_in_keeps_the_language_and_signs_in_the_same_account_again(
    configured, live_server, browser
):
    provider_login(browser, start(browser, live_server.url), "amina")
    browser.cookies.clear()

    final = provider_login(browser, start(browser, live_server.url, "fr"), "amina")

    assert str(final.url) == f"{live_server.url}/fr/inbox/"
    assert CitizenAccount.objects.count() == 1


def test_the_national_id_is_read_from_userinfo_when_the_id_token_lacks_it(
    configured, live_server, browser
):
    final = provider_login(browser, start(browser, live_server.url), "quiet")

    assert str(final.url) == f"{live_server.url}/en/inbox/"
    assert CitizenAccount.objects.get().person_reference == NATIONAL_IDS[1]


def test_a_national_id_failing_the_scheme_is_refused_with_the_message(
    configured, live_server, browser
):
    page = provider_login(browser, start(browser, live_server.url, "fr"), "badid")

    assert page.status_code == 400
    assert "Numéro personnel" in page.text and "85041212342" in page.text
    assert "85041212343" not in page.text
    assert 'href="/fr/sign-in/"' in page.text
    assert CitizenAccount.objects.count() == 0
    assert DomainEvent.objects.get().name == "accounts.sign_in_refused"
    assert "Sign out" not in browser.get(f"{live_server.url}/fr/").text


def test_a_tampered_state_is_refused_and_the_true_answer_still_works_once(
    configured, live_server, browser
):
    url = callback_url(browser, live_server.url, "amina")
    state = parse_qs(urlsplit(url).query)["state"][0]

    tampered = browser.get(url.replace(state, state[:-2] + ("AA" if state[-2:] != "AA" else "BB")))
    genuine = browser.get(url)
    replayed = browser.get(url)

    assert tampered.status_code == 400
    assert "does not belong to this browser" in tampered.text
    assert str(genuine.url) == f"{live_server.url}/en/inbox/"
    assert replayed.status_code == 400
    assert CitizenAccount.objects.count() == 1


def test_an_answer_meant_for_another_browser_signs_nobody_in(configured, live_server, browser):
    url = callback_url(browser, live_server.url, "amina")

    with httpx.Client(follow_redirects=True, timeout=10) as attacker_victim:
        page = attacker_victim.get(url)

    assert page.status_code == 400
    assert "does not belong to this browser" in page.text
    assert CitizenAccount.objects.count() == 0


def test_a_citizen_who_cancels_at_the_provider_is_told_so(configured, live_server, browser):
    url = callback_url(browser, live_server.url, "amina")
    state = parse_qs(urlsplit(url).query)["state"][0]

    page = browser.get(f"{live_server.url}{CALLBACK}?state={state}&error=access_denied")

    assert page.status_code == 400
    assert "The sign-in was cancelled at the e-ID service" in page.text
    assert 'href="/en/sign-in/"' in page.text
    assert CitizenAccount.objects.count() == 0


def test_a_token_endpoint_that_is_down_gives_the_error_page(configured, live_server, browser):
    url = callback_url(browser, live_server.url, "amina")
    oidc_metadata(oidc_config())["token_endpoint"] = "http://127.0.0.1:9/o/token/"

    page = browser.get(url)

    assert page.status_code == 502
    assert "The e-ID service is not answering" in page.text
    assert CitizenAccount.objects.count() == 0


def test_a_code_is_refused_when_the_pkce_verifier_does_not_match(configured, live_server, browser):
    url = callback_url(browser, live_server.url, "amina")
    state = parse_qs(urlsplit(url).query)["state"][0]
    code = parse_qs(urlsplit(url).query)["code"][0]

    page = browser.get(f"{live_server.url}{CALLBACK}?state={state}&code={code}x")

    assert page.status_code == 400
    assert "did not confirm the sign-in" in page.text
    assert CitizenAccount.objects.count() == 0


# ID tokens crafted with the provider's own key (or another), checked against its JWKS.


def id_token(provider: Provider, key: RSAKey | None = None, **changes: object) -> str:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "sub": "7",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": "the-nonce",
        "national_id": NATIONAL_IDS[0],
        **changes,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode({"alg": "RS256", "kid": provider.kid}, claims, key or provider.key)


@pytest.fixture(scope="module")
def published_keys(provider):
    return KeySet.import_key_set(httpx.get(f"{provider.issuer}/.well-known/jwks.json").json())


def test_a_well_formed_id_token_passes(provider, published_keys):
    claims = oidc_id_token_verify(
        config=provider.config(),
        id_token=id_token(provider),
        keys=published_keys,
        nonce="the-nonce",
    )

    assert (claims["sub"], claims["national_id"]) == ("7", NATIONAL_IDS[0])


@pytest.mark.parametrize(
    "changes",
    [
        {"nonce": "another-nonce"},
        {"nonce": None},
        {"aud": "another-client"},
        {"aud": None},
        {"iss": "http://127.0.0.1:1/o"},
        {"exp": int(time.time()) - 3600},
        {"sub": None},
    ],
    ids=[
        "wrong-nonce",
        "no-nonce",
        "wrong-audience",
        "no-audience",
        "wrong-issuer",
        "expired",
        "no-subject",
    ],
)
def test_an_id_token_failing_a_check_is_refused(provider, published_keys, changes):
    token = id_token(provider, **changes)

    with pytest.raises(EidFailed) as error:
        oidc_id_token_verify(
            config=provider.config(), id_token=token, keys=published_keys, nonce="the-nonce"
        )

    assert error.value.code == "eid_id_token_invalid"


def test_an_id_token_signed_with_another_key_is_refused(provider, published_keys):
    token = id_token(provider, key=RSAKey.generate_key(2048))

    with pytest.raises(EidFailed) as error:
        oidc_id_token_verify(
            config=provider.config(), id_token=token, keys=published_keys, nonce="the-nonce"
        )

    assert error.value.code == "eid_id_token_invalid"


def test_an_unsigned_or_tampered_id_token_is_refused(provider, published_keys):
    header, payload, signature = id_token(provider).split(".")
    forged = id_token(provider, national_id=NATIONAL_IDS[2]).split(".")[1]
    unsigned = "eyJhbGciOiJub25lIn0." + payload + "."

    for token in (f"{header}.{forged}.{signature}", unsigned, "not-a-token"):
        with pytest.raises(EidFailed):
            oidc_id_token_verify(
                config=provider.config(), id_token=token, keys=published_keys, nonce="the-nonce"
            )
