# ruff: noqa: F811 - fixtures imported from the accessibility tests are redefined as arguments
"""WCAG 2.2 AA of the applying and tracking pages, in English and Arabic, against the served
demo (the same server as test_accessibility.py). A citizen signs in through the real code flow
and their account is linked to a registry person with the real service, as the "your data"
test does; then the browser applies for a passport from the first page to the confirmation,
with an error on a form page and a refused upload on the way, opens the application, the
withdraw confirmation and "my applications", and looks an application up publicly, wrongly
until the rate limit answers."""

import re

import pytest
from playwright.sync_api import expect

from .test_accessibility import (  # noqa: F401
    axe_violations,
    browser,
    code_from_outbox,
    last_outbox_id,
    live_server_url,
    readable,
    served_shell,
    served_var_dir,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

APPLY_CITIZEN = "omar.said@example.org"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# A person with an identity card and a birth record, so the passport's evidence is found.
LINK_APPLICANT = f"""
from onestop.accounts.models import CitizenAccount
from onestop.accounts.services import citizen_account_link_person
from onestop.people.services import person_upsert
from onestop.registries.models import IdentityDocument, Person
holder = (
    IdentityDocument.objects.filter(kind="id_card", holder__death_date=None)
    .order_by("holder_id").values_list("holder_id", flat=True).first()
)
record = Person.objects.get(national_id=holder)
person_upsert(actor="test", national_id=record.national_id, given_names=record.given_name,
              family_name=record.family_name, birth_date=record.birth_date)
account = CitizenAccount.objects.get(contact={APPLY_CITIZEN!r})
citizen_account_link_person(actor="test", account=account, national_id=record.national_id)
"""
# An officer of the passport's agency asks the citizen something about their latest application.
ASK_APPLICANT = f"""
from django.contrib.auth import get_user_model
from onestop.accounts.models import CitizenAccount
from onestop.applications.models import AgencyTask
from onestop.applications.workflow import task_claim, task_information_request, task_review_start
account = CitizenAccount.objects.get(contact={APPLY_CITIZEN!r})
task = AgencyTask.objects.filter(application__applicant_account=account).latest("created_at")
officer = get_user_model().objects.get(username="migration-officer")
task_claim(actor=officer, task_id=task.pk)
task_review_start(actor=officer, task_id=task.pk)
task_information_request(actor=officer, task_id=task.pk, text="Which town were you born in?")
"""
# Tracking numbers with a valid check symbol that no application has (made once, then fixed).
UNKNOWN_NUMBERS = {"en": "0000000000", "ar": "1111111111"}


def check_symbol_number(body: str) -> str:
    from onestop.applications.tracking import check_symbol

    return body + check_symbol(body)


@pytest.fixture(scope="module")
def applicant_state(browser, live_server_url, served_var_dir):
    """A signed-in browser state for APPLY_CITIZEN, and axe's findings on the "link your
    account" page of the apply flow, seen before the account is linked."""
    context = browser.new_context()
    tab = context.new_page()
    before = last_outbox_id(served_var_dir)
    tab.goto(f"{live_server_url}/en/sign-in/?next=/en/services/passport/apply/")
    tab.fill("#sign-in-contact", APPLY_CITIZEN)
    tab.click("main button[type=submit]")
    tab.fill("#sign-in-code", code_from_outbox(served_var_dir, APPLY_CITIZEN, before))
    tab.click("main button[type=submit]")
    expect(tab).to_have_url(f"{live_server_url}/en/services/passport/apply/")
    unlinked = {}
    for language in ("en", "ar"):
        tab.goto(f"{live_server_url}/{language}/services/passport/apply/")
        expect(tab.locator("main .notice h2")).to_have_count(1)
        unlinked[language] = axe_violations(tab)
    state = context.storage_state()
    context.close()
    served_shell(served_var_dir, LINK_APPLICANT)
    return state, unlinked


def test_the_link_your_account_page_has_no_wcag_22_aa_violations(applicant_state):
    _, unlinked = applicant_state

    assert {language: readable(v) for language, v in unlinked.items() if v} == {}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_apply_and_application_pages_have_no_wcag_22_aa_violations(
    browser, live_server_url, served_var_dir, applicant_state, language
):
    state, _ = applicant_state
    context = browser.new_context(storage_state=state)
    tab = context.new_page()
    base = f"{live_server_url}/{language}"
    found = {}
    try:
        tab.goto(f"{base}/services/passport/")
        tab.click(f"main a[href='/{language}/services/passport/apply/']")
        found["start"] = axe_violations(tab)
        tab.click("main form button[type=submit]")
        expect(tab).to_have_url(re.compile(re.escape("/applications/drafts/")))
        found["form page"] = axe_violations(tab)
        tab.click("main form button[type=submit]")
        expect(tab.locator(".error-summary")).to_have_count(1)
        found["form page with errors"] = axe_violations(tab)
        tab.check("#q-passport_reason")
        tab.fill("#q-preferred_center", "Capital")
        tab.check("#q-delivery_method")
        tab.fill("#q-contact_phone", "+33612345678")
        tab.click("main form button[type=submit]")
        expect(tab).to_have_url(re.compile(re.escape("/evidence/") + "$"))
        found["documents"] = axe_violations(tab)
        upload = {"name": "photo.png", "mimeType": "image/png", "buffer": b"not an image"}
        tab.set_input_files("#evidence-photo", files=[upload])
        tab.click("main form button[type=submit]")
        expect(tab.locator("#evidence-photo-error")).to_have_count(1)
        found["documents with a refused upload"] = axe_violations(tab)
        tab.set_input_files("#evidence-photo", files=[upload | {"buffer": PNG}])
        tab.click("main form button[type=submit]")
        expect(tab).to_have_url(re.compile(re.escape("/processing/") + "$"))
        found["processing"] = axe_violations(tab)
        tab.check("#tier-standard")
        tab.click("main form button[type=submit]")
        expect(tab).to_have_url(re.compile(re.escape("/check/") + "$"))
        found["check your answers"] = axe_violations(tab)
        tab.click("main form button[type=submit]")
        expect(tab).to_have_url(re.compile(re.escape("/submitted/") + "$"))
        found["confirmation"] = axe_violations(tab)
        tab.locator("main a").first.click()
        expect(tab.locator("main table")).to_have_count(1)
        found["application"] = axe_violations(tab)
        served_shell(served_var_dir, ASK_APPLICANT)
        tab.reload()
        found["application with a request"] = axe_violations(tab)
        application_url = tab.url
        tab.locator("main a[href*='/answer/']").click()
        found["answer"] = axe_violations(tab)
        tab.click("main form button[type=submit]")
        expect(tab.locator("#answer-text-error")).to_have_count(1)
        found["answer with an error"] = axe_violations(tab)
        tab.goto(application_url)
        direction = tab.evaluate("getComputedStyle(document.documentElement).direction")
        tab.locator("main a[href$='/withdraw/']").click()
        found["withdraw confirmation"] = axe_violations(tab)
        tab.goto(f"{base}/applications/")
        assert tab.locator("main table tbody tr").count() >= 1
        found["my applications"] = axe_violations(tab)
    finally:
        context.close()

    assert direction == ("rtl" if language == "ar" else "ltr")
    assert {name: readable(v) for name, v in found.items() if v} == {}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_tracking_pages_have_no_wcag_22_aa_violations(browser, live_server_url, language):
    context = browser.new_context()
    tab = context.new_page()
    number = check_symbol_number(UNKNOWN_NUMBERS[language][:9])
    found = {}
    try:
        tab.goto(f"{live_server_url}/{language}/track/")
        found["lookup"] = axe_violations(tab)
        tab.fill("#track-tracking_number", "nonsense")
        tab.click("main form button[type=submit]")
        expect(tab.locator("#track-tracking_number-error")).to_have_count(1)
        found["lookup with an error"] = axe_violations(tab)
        for _attempt in range(5):
            tab.fill("#track-tracking_number", number)
            tab.fill("#track-phone_last_digits", "0000")
            tab.click("main form button[type=submit]")
        found["not found"] = axe_violations(tab)
        tab.fill("#track-tracking_number", number)
        tab.fill("#track-phone_last_digits", "0000")
        with tab.expect_navigation() as navigation:
            tab.click("main form button[type=submit]")
        assert navigation.value.status == 429
        found["too many attempts"] = axe_violations(tab)
    finally:
        context.close()

    assert {name: readable(v) for name, v in found.items() if v} == {}
