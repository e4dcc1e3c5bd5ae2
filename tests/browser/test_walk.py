"""A walk over every page reachable from the main navigation, for each kind of user, on a
desktop and a phone, over the seeded demo (issue 17).

For admin, staff, partner and an anonymous resident: each page of the main navigation and
of the user menu, and every page one link away from those (one page per kind of URL, so a
list of 40 organizations costs one detail page). Fails on any console error, failed request
(a 4xx/5xx response or a network failure), horizontal overflow on the phone, and any
serious or critical axe-core violation. All problems are collected and reported at once.
"""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import Resolver404, resolve

from cs360.demo import DEMO_PASSWORD
from tests.browser.conftest import PHONE, SCREENSHOTS, _file_name

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1440, "height": 900}
ROLES = [
    ("admin", "dana.whitfield@riverton.example"),
    ("staff", "marcus.lee@riverton.example"),
    ("partner", "rosa.martinez@northside-na.example"),
    ("public", None),
]
PUBLIC_START = ["/p/riverton-pd/", "/p/state-university-pd/", "/accounts/login/"]
# Links a walk must not follow: they change state, log out or leave the app's pages.
SKIP_PREFIXES = ("/admin/", "/accounts/logout", "/static/", "/media/")
SKIP_ENDINGS = (".csv", ".json", ".geojson", ".xlsx", ".pdf", "/export/", "/download/")


AXED: set = set()


class Walk:
    def __init__(self, page, base, viewport):
        self.page, self.base, self.viewport = page, base, viewport
        self.problems: list[str] = []
        self.current = ""
        self.count = 0
        self.visited: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{self.current}: JS {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"{self.current}: console error {message.text}")

    def _failed(self, request):
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled by the next navigation (a favicon, an image still loading)
        self.problems.append(f"{self.current}: request failed {request.url} {request.failure}")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"{self.current}: {response.status} {response.url}")

    def visit(self, path):
        self.current = f"[{self.viewport}] {path}"
        self.count += 1
        self.visited.append(self.current)
        self.page.goto(path)
        self.page.wait_for_load_state("networkidle")
        if self.viewport == "phone":
            width = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if width[0] > width[1]:
                self.problems.append(f"{self.current}: {width[0]} px wide on a {width[1]} px phone")
        kind = (self.viewport, (_followable(path) or (path,))[0])
        if kind not in AXED:  # each kind of page once per screen size: axe is the slow part
            AXED.add(kind)
            results = Axe().run(self.page)
            for v in results.response["violations"]:
                if v["impact"] in {"serious", "critical"}:
                    targets = [n["target"] for n in v["nodes"]][:3]
                    self.problems.append(f"{self.current}: axe {v['id']} ({v['impact']}) {targets}")

    def links(self, selector):
        hrefs = self.page.eval_on_selector_all(
            selector, "els => els.map(a => a.getAttribute('href'))"
        )
        return [h for h in hrefs if h]


def _followable(href):
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_ENDINGS):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name, path


def _pages_of(walk, start):
    """The start pages, then one page of each kind of URL linked from them."""
    seen_kinds = set()
    for path in start:
        kind = _followable(path)
        seen_kinds.add(kind[0] if kind else path)
    nested = []
    for path in start:
        walk.visit(path)
        for href in walk.links("main a[href]"):
            found = _followable(href)
            if found and found[0] not in seen_kinds:
                seen_kinds.add(found[0])
                nested.append(found[1])
    return nested


def _log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("domcontentloaded")


def _start_pages(page, email):
    if email is None:
        return PUBLIC_START
    _log_in(page, email)
    nav = page.eval_on_selector_all(
        "header a.nav-link[href], header a.dropdown-item[href]",
        "els => els.map(a => a.getAttribute('href'))",
    )
    start = [page.url.removeprefix(page.url.split("/a/")[0])] if "/a/" in page.url else []
    for href in nav:
        if _followable(href) and href not in start:
            start.append(href)
    return start


def test_every_page_for_every_role_is_clean_on_desktop_and_phone(browser, live_server):
    call_command("seed_demo", police_scale=0.05, verbosity=0)
    AXED.clear()
    problems = []
    visited = 0
    for role, email in ROLES:
        for viewport, size in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(
                base_url=live_server.url, viewport=size, is_mobile=viewport == "phone"
            )
            context.set_default_timeout(60_000)
            page = context.new_page()
            walk = Walk(page, live_server.url, viewport)
            start = _start_pages(page, email)
            for path in _pages_of(walk, start):
                walk.visit(path)
            visited += walk.count
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"walk-{_file_name(role)}-{viewport}.png")
            problems += [f"{role} {p}" for p in walk.problems]
            print(role, *walk.visited, sep="\n  ")
            context.close()
    assert visited > 20
    assert not problems, "\n".join(sorted(set(problems)))
