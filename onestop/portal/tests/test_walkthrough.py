# ruff: noqa: F811 - fixtures imported from the accessibility tests are redefined as arguments
"""The walkthrough of issue 5: on the served demo (the same server as test_accessibility.py), in
headless Chromium, a citizen finds the "having a baby" life event by searching, applies for the
whole bundle (five services, four agencies: the civil registry, social protection, health
insurance and the passport and migration service), signed in through the real code flow; an
officer of each agency decides in the console (the migration officer first asks for
information, which the citizen answers on the portal); then the citizen sees every approval on
the application page and on the public tracking page.

The demo has console sign-ins for the civil registry and the migration service only; the two
other agencies' officers, like the link of the citizen's account to a registry parent, are made
by a test-only `django shell` run against the served instance (as the "your data" test does),
never by a production path. Axe checks the pages of the walk that no other axe test covers."""

import json
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

CITIZEN = "lina.walkthrough@example.org"
# A real, minimal PDF (the upload check sniffs the content, not the name).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# agency code → console sign-in and password: the demo's own (demo.DEMO_CONSOLE_USERS), and
# two the test makes for the agencies the demo has no officer of.
EXTRA_OFFICERS = {
    "social-protection": ("walk-social-officer", "walk-social-secret"),
    "health-insurance": ("walk-health-officer", "walk-health-secret"),
}
OFFICERS = {
    "civil-registry": ("civil-officer", "onestop-civil"),
    "migration-service": ("migration-officer", "onestop-migration"),
    **EXTRA_OFFICERS,
}
# A living parent holding an identity card and married (so the health insurance page prefills
# the spouse from the civil registry); the account is linked to them, and the two officers the
# demo lacks are made. Prints the person's national ID and date of birth.
PREPARE = f"""
import json
from django.contrib.auth import get_user_model
from onestop.accounts.models import CitizenAccount
from onestop.accounts.services import citizen_account_link_person
from onestop.catalog.selectors import agency_get
from onestop.people.services import person_upsert
from onestop.registries.models import FamilyLink, IdentityDocument, Marriage, Person
from onestop.staff.actors import SystemActor
from onestop.staff.roles import Role
from onestop.staff.services import staff_role_grant
parents = FamilyLink.objects.values_list("parent_id", flat=True)
married = Marriage.objects.filter(ended_on=None).values_list("spouse_a_id", flat=True)
holder = (
    IdentityDocument.objects.filter(kind="id_card", holder__death_date=None,
                                    holder_id__in=parents).filter(holder_id__in=married)
    .order_by("holder_id").values_list("holder_id", flat=True).first()
)
record = Person.objects.get(national_id=holder)
person_upsert(actor="test", national_id=record.national_id, given_names=record.given_name,
              family_name=record.family_name, birth_date=record.birth_date)
account = CitizenAccount.objects.get(contact={CITIZEN!r})
citizen_account_link_person(actor="test", account=account, national_id=record.national_id)
for agency_code, (username, password) in {EXTRA_OFFICERS!r}.items():
    user = get_user_model().objects.create_user(username=username, password=password,
                                                is_staff=True)
    staff_role_grant(actor=SystemActor("test"), user=user, role=Role.AGENCY_OFFICER,
                     agency=agency_get(code=agency_code))
print(json.dumps({{"national_id": record.national_id,
                   "birth_date": record.birth_date.isoformat()}}))
"""


def main_text(tab) -> str:
    return tab.locator("main").inner_text()


def submit(tab) -> None:
    tab.click("main form button[type=submit]")


def sign_in_citizen(tab, base, var_dir) -> None:
    """The portal's sign-in page, with the code from the served instance's outbox."""
    expect(tab).to_have_url(re.compile(re.escape("/sign-in/")))
    before = last_outbox_id(var_dir)
    tab.fill("#sign-in-contact", CITIZEN)
    submit(tab)
    expect(tab).to_have_url(f"{base}/en/sign-in/code/")
    tab.fill("#sign-in-code", code_from_outbox(var_dir, CITIZEN, before))
    submit(tab)


def prepare(var_dir) -> dict[str, str]:
    done = served_shell(var_dir, PREPARE)
    return json.loads(done)


def console_task(browser, base, agency, tracking_number):
    """A signed-in console tab of that agency's officer, on the case of this application."""
    username, password = OFFICERS[agency]
    context = browser.new_context()
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto(f"{base}/en/console/queue/")
    expect(tab).to_have_url(re.compile("^" + re.escape(f"{base}/en/console/sign-in/")))
    tab.fill("#sign-in-username", username)
    tab.fill("#sign-in-password", password)
    submit(tab)
    expect(tab, f"{username} was not signed in").to_have_url(f"{base}/en/console/queue/")
    return context, tab


def facts(tab) -> str:
    return tab.locator("dl.key-facts").inner_text().lower()


def claim_and_review(tab, tracking_number: str) -> None:
    """From the agency queue: claim one of this application's queued tasks, open it, start
    the review."""
    mine = tab.locator("main table.tasks tbody tr").filter(has_text=tracking_number)
    queued = mine.filter(has=tab.locator("button[type=submit]"))
    assert queued.count() >= 1, main_text(tab)
    row = queued.first.inner_text()
    assert "queued" in row and "nobody yet" in row
    service = row.split("\t")[1]
    queued.first.locator("button[type=submit]").click()  # Claim: on to the case
    assert tracking_number in tab.locator("h1").inner_text()
    assert service in tab.locator("h1").inner_text()
    assert "assigned" in facts(tab)
    tab.click("form[action$='/review_start/'] button[type=submit]")
    assert "in review" in facts(tab)


def approve(tab, reason_text: str) -> None:
    tab.check("form[action$='/decide/'] input[name=decision][value=approve]")
    reason = tab.locator("#decide-reason_code optgroup").first.locator("option").first
    tab.select_option("#decide-reason_code", reason.get_attribute("value"))
    tab.fill("#decide-reason_text", reason_text)
    tab.click("form[action$='/decide/'] button[type=submit]")
    state = tab.locator("dl.key-facts dd").first.inner_text().lower()
    # Each part of this bundle stands alone: its output is issued with the approval.
    assert state == "approved, output issued", main_text(tab)
    assert "output" in facts(tab)


def citizen_applies(tab, base, var_dir, found) -> tuple[str, str, dict[str, str]]:
    """Home → search → the life event → the whole bundle, page by page, to the tracking
    number. Returns the spoken tracking number, the application's address and the person."""
    tab.goto(f"{base}/en/")
    tab.fill("main input[name=q]", "baby")
    tab.press("main input[name=q]", "Enter")
    expect(tab).to_have_url(re.compile(re.escape("/en/search/")))
    # The search lists services; the birth registration's page names its life event.
    tab.locator("main a[href='/en/services/birth-registration/']").first.click()
    assert tab.locator("h1").inner_text() == "Birth registration"
    tab.locator("main a[href='/en/life-events/having-a-baby/']").first.click()
    assert tab.locator("h1").inner_text() == "Having a baby"
    tab.click("main a[href='/en/life-events/having-a-baby/apply/']")
    sign_in_citizen(tab, base, var_dir)
    expect(tab).to_have_url(f"{base}/en/life-events/having-a-baby/apply/")
    person = prepare(var_dir)  # the account linked to a parent (test-only step)
    tab.reload()
    start = main_text(tab)
    assert "You are applying for these 5 services at once" in start
    for service in ("Birth registration", "Birth grant", "Child allowance", "Passport for a child"):
        assert service in start
    found["apply for a life event"] = axe_violations(tab)
    submit(tab)  # Start now

    expect(tab).to_have_url(re.compile(re.escape("/birth-registration/") + "$"))
    assert "Step 1 of 8" in main_text(tab)
    tab.fill("#q-child_given_names", "Lina")
    tab.fill("#q-child_family_name", "Walker")
    tab.fill("#q-child_date_of_birth", "2026-11-30")
    tab.check("#q-child_sex")
    tab.fill("#q-place_of_birth", "Capital City, Central Hospital")
    tab.check("#q-delivery_method")
    submit(tab)

    expect(tab).to_have_url(re.compile(re.escape("/child-birth-grant/") + "$"))
    tab.check("#q-applicant_relationship")
    tab.fill("#q-iban", "not an iban")
    submit(tab)
    expect(tab.locator(".error-summary")).to_have_count(1)
    assert tab.locator("#q-iban").input_value() == "not an iban"  # nothing typed is lost
    tab.fill("#q-iban", "XM21XMBK00012345678901")
    submit(tab)

    expect(tab).to_have_url(re.compile(re.escape("/health-insurance-dependant/") + "$"))
    spouse = tab.locator("#q-spouse_national_id").input_value()
    assert re.fullmatch(r"\d{11}", spouse), "the spouse was not prefilled from the registry"
    assert (
        tab.locator("#q-spouse_national_id-source")
        .inner_text()
        .startswith("From the civil registry")
    )
    found["form page with a prefilled value"] = axe_violations(tab)
    tab.check("#q-dependant_type")  # my newborn baby
    submit(tab)

    expect(tab).to_have_url(re.compile(re.escape("/child-allowance/") + "$"))
    tab.check("#q-child_in_full_time_education-no")
    submit(tab)

    expect(tab).to_have_url(re.compile(re.escape("/child-passport/") + "$"))
    tab.check("#q-child_passport_reason")  # first passport
    tab.check("#q-parental_consent-2")  # sole parental responsibility
    tab.fill("#q-preferred_center", "Central Office")
    submit(tab)

    expect(tab).to_have_url(re.compile(re.escape("/evidence/") + "$"))
    documents = tab.locator("main ul.evidence-list")
    identity = documents.locator("li.found").filter(has_text="National identity card")
    assert "From the identity document registry" in identity.inner_text()
    assert documents.locator("li.found").count() >= 3
    found["documents, found and to upload"] = axe_violations(tab)
    for code in ("medical-birth-notification", "bank-account-details", "photo"):
        tab.set_input_files(
            f"#evidence-{code}",
            files=[{"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
    submit(tab)

    expect(tab).to_have_url(re.compile(r"/(processing|check)/$"))
    if tab.url.endswith("/processing/"):
        tab.check("#tier-standard")
        submit(tab)
    expect(tab).to_have_url(re.compile(re.escape("/check/") + "$"))
    check = main_text(tab)
    assert "Uploaded: medical-birth-notification.pdf" in check
    assert "XM21XMBK00012345678901" in check
    assert spouse in check and "From the civil registry" in check
    submit(tab)  # Send application

    expect(tab).to_have_url(re.compile(re.escape("/submitted/") + "$"))
    assert tab.locator("h1").inner_text() == "Application sent"
    spoken = tab.locator(".tracking-number").inner_text()
    # Three groups for reading aloud; the last symbol is the check symbol.
    assert re.fullmatch(r"[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}[0-9A-Z*~$=]", spoken), spoken
    assert "Each of the 5 agencies" in main_text(tab)
    tab.click("main a:text('Follow your application')")
    expect(tab).to_have_url(re.compile(r"/en/applications/[0-9a-f-]+/$"))
    application_url = tab.url
    assert tab.locator("dl.key-facts").inner_text().count("Submitted") == 1
    return spoken, application_url, person


def officers_decide(browser, base, tab, tracking_number, application_url, found) -> None:
    """An officer of each agency: the queue → claim → start the review → approve. The
    migration officer first asks for information, and the citizen (`tab`) answers it on the
    portal."""
    for agency in ("civil-registry", "social-protection", "health-insurance"):
        context, officer = console_task(browser, base, agency, tracking_number)
        try:
            tasks = 2 if agency == "social-protection" else 1
            for _ in range(tasks):
                officer.goto(f"{base}/en/console/queue/")
                claim_and_review(officer, tracking_number)
                approve(officer, f"Checked by the {agency} officer in the walkthrough.")
            if agency == "civil-registry":
                found["console case, approved"] = axe_violations(officer)
        finally:
            context.close()

    context, officer = console_task(browser, base, "migration-service", tracking_number)
    try:
        officer.goto(f"{base}/en/console/queue/")
        claim_and_review(officer, tracking_number)
        officer.fill("#information_request-request_text", "Which center will you visit?")
        officer.click("form[action$='/information_request/'] button[type=submit]")
        assert "waiting for the applicant's information" in facts(officer)

        tab.goto(application_url)
        expected = tab.locator("#expected-title + ul")
        assert "Which center will you visit?" in expected.inner_text()
        expected.locator("a:text('Answer')").click()
        found["answer an information request"] = axe_violations(tab)
        tab.fill("main textarea", "The Central Office, on Monday morning.")
        submit(tab)
        assert "Your answer was sent to the agency." in main_text(tab)

        officer.reload()
        assert "The Central Office, on Monday morning." in main_text(officer)
        officer.click("form[action$='/review_start/'] button[type=submit]")
        assert "in review" in facts(officer)
        approve(officer, "The child's passport can be made.")
    finally:
        context.close()


def test_a_citizen_applies_for_having_a_baby_and_every_agency_approves(
    browser, live_server_url, served_var_dir
):
    base = live_server_url
    found: dict[str, list] = {}
    citizen = browser.new_context()
    citizen.set_default_timeout(10_000)
    tab = citizen.new_page()
    public = browser.new_context()
    public.set_default_timeout(10_000)
    lookup = public.new_page()
    try:
        # 1. The citizen applies for the whole life event.
        spoken, application_url, person = citizen_applies(tab, base, served_var_dir, found)
        tracking_number = spoken.replace("-", "")
        # 2. Every agency decides, one after an information request answered.
        officers_decide(browser, base, tab, tracking_number, application_url, found)
        # 3. The citizen sees every approval, the decisions and the documents issued, on the
        # application page and on the public tracking page.
        tab.goto(application_url)
        # Every part approved and, as each stands alone, its document issued at once: the
        # application is completed (it would read "Approved" while an output was pending).
        assert tab.locator("dl.key-facts dd").first.inner_text() == "Completed"
        states = tab.locator("#services-title + table tbody tr")
        assert states.count() == 5
        for row in states.all():
            assert row.locator("td").nth(2).inner_text() == "Document issued", row.inner_text()
        messages = tab.locator("#messages-title ~ ul.inbox").inner_text()
        assert "Checked by the civil-registry officer in the walkthrough." in messages
        assert "The child's passport can be made." in messages
        expect(tab.locator("#outputs-title + ul li")).to_have_count(5)
        found["application, approved"] = axe_violations(tab)
        lookup.goto(f"{base}/en/track/")
        lookup.fill("#track-tracking_number", spoken)
        lookup.fill("#track-birth_date", person["birth_date"])
        submit(lookup)
        assert spoken in lookup.locator("h1").inner_text()
        assert lookup.locator("dl.key-facts dd").first.inner_text() == "Completed"
        public_states = lookup.locator("main table tbody tr td:nth-child(2)").all_inner_texts()
        assert public_states == ["Document issued"] * 5
        assert person["national_id"] not in main_text(lookup)
        found["public tracking, approved"] = axe_violations(lookup)
    finally:
        public.close()
        citizen.close()

    assert {name: readable(v) for name, v in found.items() if v} == {}
