# ruff: noqa: F811 - fixtures imported from the accessibility tests are redefined as arguments
"""WCAG 2.2 AA of the "About the other people" page, in English and Arabic, against the served
demo (the same server as test_accessibility.py): a citizen linked to a registry person applies
for a funeral grant, opens the page, gives a national ID that fails the scheme (the error on the
field), then the deceased person's, and sees the death record found on the documents page."""

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

PEOPLE_CITIZEN = "nadia.people@example.org"
# The citizen's account linked to a living person; prints a person on the register's deaths.
LINK_AND_FIND_DECEASED = f"""
import json
from onestop.accounts.models import CitizenAccount
from onestop.accounts.services import citizen_account_link_person
from onestop.people.services import person_upsert
from onestop.registries.models import IdentityDocument, Person
holder = (
    IdentityDocument.objects.filter(kind="id_card", holder__death_date=None)
    .order_by("-holder_id").values_list("holder_id", flat=True).first()
)
record = Person.objects.get(national_id=holder)
person_upsert(actor="test", national_id=record.national_id, given_names=record.given_name,
              family_name=record.family_name, birth_date=record.birth_date)
account = CitizenAccount.objects.get(contact={PEOPLE_CITIZEN!r})
citizen_account_link_person(actor="test", account=account, national_id=record.national_id)
deceased = (
    Person.objects.exclude(death_date=None).order_by("national_id")
    .values_list("national_id", flat=True).first()
)
print(json.dumps({{"deceased": deceased}}))
"""


@pytest.fixture(scope="module")
def people_state(browser, live_server_url, served_var_dir):
    """A signed-in browser state for PEOPLE_CITIZEN, linked, and a deceased person's ID."""
    context = browser.new_context()
    tab = context.new_page()
    before = last_outbox_id(served_var_dir)
    tab.goto(f"{live_server_url}/en/sign-in/?next=/en/services/funeral-grant/apply/")
    tab.fill("#sign-in-contact", PEOPLE_CITIZEN)
    tab.click("main button[type=submit]")
    tab.fill("#sign-in-code", code_from_outbox(served_var_dir, PEOPLE_CITIZEN, before))
    tab.click("main button[type=submit]")
    expect(tab).to_have_url(f"{live_server_url}/en/services/funeral-grant/apply/")
    state = context.storage_state()
    context.close()
    done = served_shell(served_var_dir, LINK_AND_FIND_DECEASED)
    return state, json.loads(done)["deceased"]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_other_people_page_has_no_wcag_22_aa_violations(
    browser, live_server_url, people_state, language
):
    state, deceased = people_state
    context = browser.new_context(storage_state=state)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    found = {}
    try:
        tab.goto(f"{live_server_url}/{language}/services/funeral-grant/apply/")
        tab.click("main form button[type=submit]")  # Start now
        expect(tab).to_have_url(re.compile(re.escape("/applications/drafts/")))
        people_url = re.sub(r"/[^/]+/$", "/people/", tab.url)
        tab.goto(people_url)
        expect(tab.locator("#subject-deceased")).to_have_count(1)
        found["about the other people"] = axe_violations(tab)
        tab.fill("#subject-deceased", "12345")
        tab.click("main form button[type=submit]")
        expect(tab.locator("#subject-deceased-error")).to_have_count(1)
        expect(tab.locator("#subject-deceased")).to_have_value("12345")
        found["about the other people, with an error"] = axe_violations(tab)
        tab.fill("#subject-deceased", deceased)
        tab.click("main form button[type=submit]")
        expect(tab).to_have_url(re.compile(re.escape("/evidence/") + "$"))
        expect(tab.locator("main ul.evidence-list li.found p.meta")).to_have_count(1)
        found["documents, one about the deceased"] = axe_violations(tab)
        direction = tab.evaluate("getComputedStyle(document.documentElement).direction")
    finally:
        context.close()

    assert direction == ("rtl" if language == "ar" else "ltr")
    assert {name: readable(v) for name, v in found.items() if v} == {}
