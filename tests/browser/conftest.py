"""Playwright driving Debian's Chromium against Django's live test server.

`playwright install` cannot download browsers here, so the system Chromium is used.
Screenshots of every test go to tests/browser/screenshots/ (git-ignored) for a human look.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (creating fixtures) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 375, "height": 740}
# A loaded machine (or CI) can give the tabs longer: CS360_BROWSER_TIMEOUT_MS=30000.
TIMEOUT_MS = int(os.environ.get("CS360_BROWSER_TIMEOUT_MS", "10000"))
DESKTOP = {"width": 1366, "height": 900}


def _file_name(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


# Every page reports Content-Security-Policy violations to the console, where the tab
# fixtures collect them; a test that saw one fails, so every browser test checks the policy.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


def csp_violations(tab):
    """The CSP violations this tab has seen so far (a list that keeps filling)."""
    return tab._csp_violations


def _new_tab(context):
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    tab = context.new_page()
    tab._csp_violations = []

    def listen(message):
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            tab._csp_violations.append(f"{tab.url}: {text}")

    tab.on("console", listen)
    return tab


def _close(tab, context, path):
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=path, full_page=True)
    violations = list(tab._csp_violations)
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser tab on a desktop-sized window; `page.goto("/path")` is relative."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    tab = _new_tab(context)
    yield tab
    _close(tab, context, SCREENSHOTS / f"{_file_name(request.node.name)}.png")


@pytest.fixture
def phone_page(browser, live_server, request):
    """A tab the size of a 375 px wide phone."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    tab = _new_tab(context)
    yield tab
    _close(tab, context, SCREENSHOTS / f"{_file_name(request.node.name)}-phone.png")


@pytest.fixture
def log_in():
    """Log a page in through the real form: `log_in(page, alice)`."""

    def do(page, user, password="pw-for-tests-1"):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("domcontentloaded")

    return do


def shot(page, name):
    """Save an extra named screenshot in the middle of a flow."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{_file_name(name)}.png", full_page=True)
