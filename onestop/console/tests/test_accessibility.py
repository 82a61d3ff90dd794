"""WCAG 2.2 AA checks of the console with axe-core in headless Chromium, against a real `serve`
process running the demo (embedded profile, throw-away var/). The demo officer signs in
through the real console sign-in page; the cases are made in the served instance with
`django shell`, as the portal's accessibility tests do for their citizen."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from conftest import DEMO_PACK, ROOT, chromium_path, skip_unless
from onestop.portal.tests.test_accessibility import (
    CHROMIUM_ARGS,
    axe_violations,
    free_port,
    readable,
    server_env,
    wait_until_up,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OFFICER, PASSWORD = "civil-officer", "onestop-civil"  # the demo's (demo.DEMO_CONSOLE_USERS)
# Two applications for "having a baby" parts: one left queued (the queue's claim button), one
# the civil officer is reviewing, with evidence, a message to the applicant and a note.
MAKE_CASES = """
from django.contrib.auth import get_user_model
from onestop.applications.models import AgencyTask, ApplicationEvidence
from onestop.applications.task_selectors import task_note_add
from onestop.applications.tests.factories import application_make
from onestop.applications.workflow import (application_information_answer, task_claim,
    task_information_request, task_review_start)
from onestop.staff.actors import SystemActor
from onestop.catalog.models import ServiceVersion
from onestop.core import clock
versions = [
    ServiceVersion.objects.filter(service__code=code, status="published").latest("number")
    for code in ("birth-registration", "child-passport")
]
application_make(versions=versions)
reviewed = application_make(versions=versions)
reviewed.prefill = {"family_name": {"value": "Haddad", "source": "XM/GOV/civil-registry/civil",
                    "fetched_at": "2026-03-02T08:59:00+00:00", "request_id": "req-1"}}
reviewed.save(update_fields=["prefill"])
ApplicationEvidence.objects.create(application=reviewed, evidence_code="birth-record",
    status="found", source="XM/GOV/civil-registry/civil", fetched_at=clock.now(),
    request_id="req-2", created_at=clock.now())
officer = get_user_model().objects.get(username="civil-officer")
task = AgencyTask.objects.get(application=reviewed, agency__code="civil-registry")
task_claim(actor=officer, task_id=task.pk)
task_review_start(actor=officer, task_id=task.pk)
task_information_request(actor=officer, task_id=task.pk, text="Send the hospital certificate.")
application_information_answer(actor=SystemActor("test"), task_id=task.pk,
                               text="Attached at the counter.", channel="center")
task_review_start(actor=officer, task_id=task.pk)
task_note_add(actor=officer, task_id=task.pk, text="Called the hospital.")
print(reviewed.tracking_number)
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo served once for this module, with two cases; stopped at the end."""
    skip_unless(chromium_path() is not None, "Chromium is not installed")
    var_dir = tmp_path_factory.mktemp("console-a11y-var")
    env = server_env(var_dir)
    run = [sys.executable, "-m", "django"]
    demo = subprocess.run(
        [*run, "demo", "--pack", str(DEMO_PACK)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert demo.returncode == 0, f"onestop demo failed:\n{demo.stderr[-3000:]}"
    assert f"{OFFICER} / {PASSWORD}" in demo.stdout
    cases = subprocess.run(
        [*run, "shell", "-c", MAKE_CASES], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert cases.returncode == 0, cases.stderr[-3000:]
    port = free_port()
    process = subprocess.Popen(
        [*run, "serve", "--port", str(port), "--no-worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/en/", process)
        yield base, cases.stdout.strip().splitlines()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def officer_session(browser, served):
    """The demo officer signed in through the console's sign-in page (a wrong password first:
    the page with its error is checked too)."""
    base, _ = served
    context = browser.new_context()
    tab = context.new_page()
    found = {}
    tab.goto(f"{base}/en/console/queue/")
    expect(tab).to_have_url(re.compile("^" + re.escape(f"{base}/en/console/sign-in/")))
    found["sign-in"] = axe_violations(tab)
    tab.fill("#sign-in-username", OFFICER)
    tab.fill("#sign-in-password", "not-the-password")
    tab.click("main button[type=submit]")
    expect(tab.locator("#sign-in-password[aria-invalid=true]")).to_have_count(1)
    found["sign-in with an error"] = axe_violations(tab)
    tab.fill("#sign-in-password", PASSWORD)
    tab.click("main button[type=submit]")
    expect(tab).to_have_url(f"{base}/en/console/queue/")
    state = context.storage_state()
    context.close()
    return state, found


def test_the_sign_in_page_has_no_wcag_22_aa_violations(officer_session):
    _, found = officer_session

    assert {name: readable(v) for name, v in found.items() if v} == {}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_queue_and_case_view_have_no_wcag_22_aa_violations(
    browser, served, officer_session, language
):
    base, tracking_number = served
    state, _ = officer_session
    context = browser.new_context(storage_state=state)
    tab = context.new_page()
    found = {}
    try:
        tab.goto(f"{base}/{language}/console/queue/")
        assert tab.locator("main table.tasks tbody tr").count() >= 2
        assert tab.locator("main table.tasks button").count() >= 1  # a claim button
        found["queue"] = axe_violations(tab)
        direction = tab.evaluate("getComputedStyle(document.documentElement).direction")
        tab.goto(f"{base}/{language}/console/")
        found["my tasks"] = axe_violations(tab)
        tab.click(f"main a:text('{tracking_number}')")
        expect(tab.locator("#notes-title")).to_have_count(1)
        expect(tab.locator(".internal-notes li")).to_have_count(1)
        expect(tab.locator(".messages li")).to_have_count(2)
        found["case"] = axe_violations(tab)
        tab.click("form[action$='/decide/'] button[type=submit]")
        expect(tab.locator("#decide-decision-error")).to_have_count(1)
        found["case with an error"] = axe_violations(tab)
    finally:
        context.close()

    assert direction == ("rtl" if language == "ar" else "ltr")
    assert {name: readable(v) for name, v in found.items() if v} == {}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_consoles_404_page_has_no_wcag_22_aa_violations(
    browser, served, officer_session, language
):
    base, _ = served
    state, _ = officer_session
    context = browser.new_context(storage_state=state)
    tab = context.new_page()
    try:
        response = tab.goto(f"{base}/{language}/console/no-such-page/")
        back = tab.locator(f"main a[href='/{language}/console/']").count()
        violations = axe_violations(tab)
    finally:
        context.close()

    assert response is not None and response.status == 404
    assert back == 1
    assert readable(violations) == ""
