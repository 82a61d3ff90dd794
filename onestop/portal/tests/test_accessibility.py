"""WCAG 2.2 AA checks with axe-core in headless Chromium, against a real `serve` process
running the demo country pack in the embedded profile."""

import importlib.resources
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import DEMO_PACK, ROOT, chromium_path, skip_unless

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PACK = DEMO_PACK
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}
AXE_SOURCE = (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(var_dir: Path) -> dict[str, str]:
    """The embedded profile in a throw-away var/; never the test process's database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ONESTOP_") or k == "ONESTOP_CHROMIUM"
    }
    env |= {
        "ONESTOP_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "onestop.settings.base",
        "PYTHONPATH": str(ROOT),
    }
    return env


def served_shell(var_dir: Path, code: str) -> str:
    """Run `code` in `django shell` against the served instance's var/ (the real services, as
    an operator's command would); returns the last line it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "django", "shell", "-c", code],
        env=server_env(var_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {seconds} s")


@pytest.fixture(scope="session")
def served_var_dir(tmp_path_factory) -> Path:
    """The var/ of the served instance: its SQLite database is where tests read sign-in codes."""
    return tmp_path_factory.mktemp("a11y-var")


@pytest.fixture(scope="session")
def live_server_url(served_var_dir):
    var_dir = served_var_dir
    env = server_env(var_dir)
    demo = subprocess.run(
        [sys.executable, "-m", "django", "demo", "--pack", str(PACK)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert demo.returncode == 0, f"onestop demo failed:\n{demo.stderr[-3000:]}"
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/en/", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    skip_unless(chromium_path() is not None, "Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


def first_link(page, base: str, path: str, prefix: str) -> str:
    page.goto(base + path)
    href = page.locator(f'main a[href^="{prefix}"]').first.get_attribute("href")
    assert href, f"no link starting with {prefix} on {path}"
    return href


def page_path(page, base: str, name: str, language: str) -> str:
    if name == "home":
        return f"/{language}/"
    if name == "search":
        return f"/{language}/search/?q=passport"
    if name == "search_with_life_events":
        return f"/{language}/search/?q={'ولادة' if language == 'ar' else 'baby'}"
    if name == "passport":
        return first_link(page, base, f"/{language}/search/?q=passport", f"/{language}/services/")
    return first_link(page, base, f"/{language}/", f"/{language}/life-events/")


def axe_violations(page) -> list[dict]:
    # A click that navigates returns once the new URL is committed, maybe before its document
    # exists: wait for it, or the script tag has nowhere to go.
    page.wait_for_load_state("load")
    page.add_script_tag(content=AXE_SOURCE)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return result["violations"]


def readable(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(
    "name", ["home", "search", "search_with_life_events", "passport", "life_event"]
)
def test_page_has_no_wcag_22_aa_violations(page, live_server_url, name, language):
    path = page_path(page, live_server_url, name, language)
    response = page.goto(live_server_url + path)
    assert response.status == 200

    violations = axe_violations(page)

    assert violations == [], f"{path}:\n{readable(violations)}"


def test_arabic_layout_is_mirrored(page, live_server_url):
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(live_server_url + "/ar/")

    direction = page.evaluate("getComputedStyle(document.documentElement).direction")
    brand = page.locator(".brand").bounding_box()
    languages = page.locator("nav.languages").bounding_box()

    assert direction == "rtl"
    assert brand["x"] > 500
    assert languages["x"] < brand["x"]


def test_english_layout_runs_left_to_right(page, live_server_url):
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(live_server_url + "/en/")

    direction = page.evaluate("getComputedStyle(document.documentElement).direction")
    brand = page.locator(".brand").bounding_box()

    assert direction == "ltr"
    assert brand["x"] < 500


def test_skip_link_appears_on_focus_and_moves_to_main(page, live_server_url):
    page.goto(live_server_url + "/en/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    visible_top = page.locator(".skip-link").bounding_box()["y"]
    page.keyboard.press("Enter")

    assert focused == "skip-link"
    assert visible_top >= 0
    assert page.evaluate("document.activeElement.id") == "main"


def test_axe_harness_reports_a_known_violation(page, live_server_url):
    page.goto(live_server_url + "/en/")
    page.evaluate("""() => {
        const field = document.createElement('input');
        field.type = 'text';
        document.querySelector('main').append(field);
    }""")

    violations = axe_violations(page)

    assert [violation["id"] for violation in violations] == ["label"]


# The sign-in, inbox and preferences pages: the demo citizen signs in through the real flow, with the code
# read from the served instance's database.
CITIZEN = "amina.diallo@example.org"
QUEUE_MESSAGE = f"""
from onestop.notifications.services import notification_deliver, notification_request
[message] = notification_request(
    actor="test", kind="application_acknowledged", recipient={CITIZEN!r}, channels=["inbox"],
    person={CITIZEN!r}, idempotency_key="a11y-inbox-1", language="en",
    context={{"recipient_name": "Amina Diallo", "tracking_number": "7K3D-9QX2-M4",
             "service_name": "Birth certificate", "submitted_on": "2026-03-02",
             "decision_due_on": "2026-03-16", "track_url": "https://onestop.gov.xm/t/7K3D"}},
)
notification_deliver(notification_id=str(message.pk))
"""


@pytest.fixture(scope="session")
def citizen_inbox(live_server_url, served_var_dir):
    """One delivered inbox message for the demo citizen in the served instance."""
    served_shell(served_var_dir, QUEUE_MESSAGE)
    return live_server_url


def code_from_outbox(var_dir, recipient: str, after: int, seconds: float = 20) -> str:
    """The code in the newest e-mail the served instance's worker "sent" to `recipient`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sqlite3.connect(var_dir / "onestop.sqlite3", timeout=10) as database:
            row = database.execute(
                "SELECT body_text FROM notifications_developmentmessage "
                "WHERE recipient = ? AND id > ? ORDER BY id DESC LIMIT 1",
                (recipient, after),
            ).fetchone()
        if row:
            return re.search(r"\b(\d{6})\b", row[0]).group(1)
        time.sleep(0.2)
    raise AssertionError(f"no code reached {recipient} within {seconds} s")


def last_outbox_id(var_dir) -> int:
    with sqlite3.connect(var_dir / "onestop.sqlite3", timeout=10) as database:
        return database.execute(
            "SELECT COALESCE(MAX(id), 0) FROM notifications_developmentmessage"
        ).fetchone()[0]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_sign_in_inbox_and_preferences_pages_have_no_wcag_22_aa_violations(
    page,
    citizen_inbox,
    served_var_dir,
    language,
):
    base = citizen_inbox
    found = {}
    page.goto(f"{base}/{language}/inbox/")
    found["sign-in"] = axe_violations(page)
    page.fill("#sign-in-contact", "12")
    page.click("main button[type=submit]")
    expect(page.locator("#sign-in-contact[aria-invalid=true]")).to_have_count(1)
    found["sign-in with an error"] = axe_violations(page)
    before = last_outbox_id(served_var_dir)
    page.fill("#sign-in-contact", CITIZEN)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}/{language}/sign-in/code/")
    found["code"] = axe_violations(page)
    code = code_from_outbox(served_var_dir, CITIZEN, before)
    page.fill("#sign-in-code", "000000" if code != "000000" else "111111")
    page.click("main button[type=submit]")
    found["code with an error"] = axe_violations(page)
    page.fill("#sign-in-code", code)
    page.click("main button[type=submit]")

    expect(page).to_have_url(f"{base}/{language}/inbox/")
    found["inbox"] = axe_violations(page)
    page.click("ul.inbox a")
    assert page.locator("h1").inner_text() != ""
    found["message"] = axe_violations(page)
    page.goto(f"{base}/{language}/inbox/")
    page.click(f"main a[href='/{language}/inbox/preferences/']")
    found["preferences"] = axe_violations(page)
    for box in page.locator("input[name=channels]").all():
        box.uncheck()
    page.click("main button[type=submit]")
    expect(page.locator("#preferences-channels-error")).to_have_count(1)
    found["preferences with an error"] = axe_violations(page)
    page.check("#preferences-channels")
    page.click("main button[type=submit]")
    expect(page.locator("main [role=status]")).to_have_count(1)
    found["preferences saved"] = axe_violations(page)

    assert {name: readable(v) for name, v in found.items() if v} == {}


# "Your data" and "who looked at your data". The pages need a citizen whose account is linked to
# a person of the registries. The served demo has no such account, and must not grow a way to
# make one that could exist in production: so a second demo citizen signs in through the real
# code flow (the code read from the served instance's development outbox, as above), and the
# test then links that account to a registry person with the real services, in a `django shell`
# run against the served instance's throw-away var/ — the same way `citizen_inbox` queues a
# message. An operator at a service center does the same link through the same service.
DATA_CITIZEN = "nadia.haddad@example.org"
LINK_PERSON = f"""
from onestop.accounts.models import CitizenAccount
from onestop.accounts.services import citizen_account_link_person
from onestop.exchange.client import exchange_query
from onestop.people.services import person_upsert
from onestop.registries.models import Person
record = (
    Person.objects.filter(vehicles__isnull=False, death_date__isnull=True)
    .order_by("national_id").first()
)
person_upsert(actor="test", national_id=record.national_id, given_names=record.given_name,
              family_name=record.family_name, birth_date=record.birth_date)
account = CitizenAccount.objects.get(contact={DATA_CITIZEN!r})
citizen_account_link_person(actor="test", account=account, national_id=record.national_id)
exchange_query(consumer="XM/GOV/onestop/console", registry="civil", operation="family",
               params={{"national_id": record.national_id}}, acting_user="staff:admin",
               on_behalf_of=record.national_id, purpose="case-review")
"""


@pytest.fixture(scope="module")
def my_data_session(browser, live_server_url, served_var_dir):
    """A signed-in browser state for DATA_CITIZEN, and axe's findings on the "not linked yet"
    page in English and Arabic, seen before the account is linked."""
    context = browser.new_context()
    tab = context.new_page()
    before = last_outbox_id(served_var_dir)
    tab.goto(f"{live_server_url}/en/sign-in/?next=/en/my-data/")
    tab.fill("#sign-in-contact", DATA_CITIZEN)
    tab.click("main button[type=submit]")
    tab.fill("#sign-in-code", code_from_outbox(served_var_dir, DATA_CITIZEN, before))
    tab.click("main button[type=submit]")
    expect(tab).to_have_url(f"{live_server_url}/en/my-data/")
    unlinked = {}
    for language in ("en", "ar"):
        tab.goto(f"{live_server_url}/{language}/my-data/")
        assert tab.locator("main h2").first.inner_text() != ""
        unlinked[language] = axe_violations(tab)
    state = context.storage_state()
    context.close()
    served_shell(served_var_dir, LINK_PERSON)
    return state, unlinked


def test_the_not_linked_yet_page_has_no_wcag_22_aa_violations(my_data_session):
    _, unlinked = my_data_session

    assert {language: readable(v) for language, v in unlinked.items() if v} == {}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_my_data_and_who_looked_pages_have_no_wcag_22_aa_violations(
    browser, live_server_url, my_data_session, language
):
    state, _ = my_data_session
    context = browser.new_context(storage_state=state)
    tab = context.new_page()
    found = {}
    try:
        tab.goto(f"{live_server_url}/{language}/my-data/")
        expect(tab.locator("main section h2")).to_have_count(8)
        found["my data"] = axe_violations(tab)
        direction = tab.evaluate("getComputedStyle(document.documentElement).direction")
        tab.click(f"main a[href='/{language}/my-data/who-looked/']")
        assert tab.locator("main table tbody tr").count() >= 9
        found["who looked"] = axe_violations(tab)
    finally:
        context.close()

    assert direction == ("rtl" if language == "ar" else "ltr")
    assert {name: readable(v) for name, v in found.items() if v} == {}
