# ruff: noqa: F811 - fixtures imported from the accessibility tests are redefined as arguments
"""WCAG 2.2 AA of the e-ID sign-in's pages, which the main axe test cannot see because its
server runs without an e-ID provider: the sign-in page with the e-ID button, and the error
page of a provider that does not answer, in English and Arabic."""

import pytest
from playwright.sync_api import expect

from onestop.accounts.oidc import oidc_metadata_forget

from .test_accessibility import axe_violations, browser, page, readable  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module", autouse=True)
def sync_database_under_playwright():
    """Playwright's sync API keeps an event loop in this thread; Django then refuses the
    database flush that ends a transactional test unless told the code is synchronous. Module
    scope, so it outlives the live server's transactional database of each test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def configured(settings, transactional_db):
    settings.ONESTOP_OIDC_ISSUER = "http://127.0.0.1:9/e-id"  # nothing listens there
    settings.ONESTOP_OIDC_CLIENT_ID = "onestop-portal"
    settings.ONESTOP_OIDC_CLIENT_SECRET = "secret"  # noqa: S105
    oidc_metadata_forget()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_eid_sign_in_pages_have_no_wcag_22_aa_violations(
    page, live_server, configured, language
):
    page.goto(f"{live_server.url}/{language}/sign-in/")
    found = {"sign-in with the e-ID button": axe_violations(page)}

    with page.expect_navigation():
        page.locator(".sign-in-eid button").click()
    found["e-ID error"] = axe_violations(page)

    expect(page.locator("h1")).to_have_count(1)
    expect(page).to_have_url(f"{live_server.url}/{language}/sign-in/e-id/")
    assert {name: readable(v) for name, v in found.items() if v} == {}
