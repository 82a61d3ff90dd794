# ruff: noqa: F811 - fixtures imported from the portal's accessibility tests are redefined as arguments
"""WCAG 2.2 AA checks of the counter with axe-core in headless Chromium, on the served demo
(the portal's accessibility instance): the demo's front-office operator signs in through the
console's sign-in page and files a passport application for a person of the registries, in
English and in Arabic (right to left) — the start page with a bad national ID, a form page,
the documents (before and after one is marked as seen), check-your-answers with the express
tier chosen and without a consent, and the receipt."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from onestop.portal.tests.test_accessibility import (  # noqa: F401
    axe_violations,
    browser,
    live_server_url,
    readable,
    served_shell,
    served_var_dir,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OPERATOR, PASSWORD = "counter-operator", "onestop-counter"  # the demo's (DEMO_CONSOLE_USERS)
# A living person of the registries holding an identity card (the passport's evidence is found).
CARD_HOLDER = """
from onestop.registries.models import IdentityDocument
print(IdentityDocument.objects.filter(kind="id_card", holder__death_date=None)
      .order_by("holder_id").values_list("holder_id", flat=True)[3])
"""


@pytest.fixture(scope="module")
def card_holder(live_server_url, served_var_dir) -> str:
    found = served_shell(served_var_dir, CARD_HOLDER)
    return found


@pytest.fixture(scope="module")
def operator_state(browser, live_server_url):
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{live_server_url}/en/console/")
    tab.fill("#sign-in-username", OPERATOR)
    tab.fill("#sign-in-password", PASSWORD)
    tab.click("main button[type=submit]")
    expect(tab.locator("#counter-national_id")).to_have_count(1)
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_counter_pages_have_no_wcag_22_aa_violations(
    browser, live_server_url, operator_state, card_holder, language
):
    context = browser.new_context(storage_state=operator_state)
    tab = context.new_page()
    found = {}
    try:
        tab.goto(f"{live_server_url}/{language}/console/counter/")
        found["start"] = axe_violations(tab)
        direction = tab.evaluate("getComputedStyle(document.documentElement).direction")
        tab.fill("#counter-national_id", "12345678901")
        tab.select_option("#counter-choice", "service:passport")
        tab.click("form[action$='/counter/'] button[type=submit]")
        expect(tab.locator("#counter-national_id-error")).to_have_count(1)
        found["start with an error"] = axe_violations(tab)
        tab.fill("#counter-national_id", card_holder)
        tab.click("form[action$='/counter/'] button[type=submit]")
        expect(tab.locator("#q-passport_reason")).to_have_count(1)
        found["form page"] = axe_violations(tab)
        tab.check("#q-passport_reason")
        tab.fill("#q-preferred_center", "Capital")
        tab.check("#q-delivery_method")
        tab.fill("#q-contact_phone", "+33612345678")
        tab.click("main form button[type=submit]")
        expect(tab.locator("input[name=checked][value=photo]")).to_have_count(1)
        found["documents"] = axe_violations(tab)
        tab.check("input[name=checked][value=photo]")
        tab.click("main form button[type=submit]")
        expect(tab.locator("#counter-consent")).to_have_count(1)
        tab.go_back()
        tab.reload()
        expect(tab.locator("#evidence-photo-seen")).to_have_count(1)
        found["documents with one seen"] = axe_violations(tab)
        tab.click("main form button[type=submit]")
        expect(tab.locator("#counter-tier")).to_have_count(1)
        tab.check("input[name=tier][value=express]")
        tab.click("form.submit-form button[type=submit]")
        expect(tab.locator("#counter-consent-error")).to_have_count(1)
        found["check without consent"] = axe_violations(tab)
        tab.check("input[name=consent][value=signed_form]")
        tab.click("form.submit-form button[type=submit]")
        expect(tab.locator(".tracking-number")).to_have_count(1)
        found["receipt"] = axe_violations(tab)
    finally:
        context.close()

    assert direction == ("rtl" if language == "ar" else "ltr")
    assert {name: readable(v) for name, v in found.items() if v} == {}
