"""A resident on a phone finds the public dashboard, filters it, reads a table, downloads a CSV;
and an axe-core check of the public pages (axe runs from the installed package, offline)."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, shot
from tests.dashboard.public_data import finish_import, publish, records
from tests.factories import BoundaryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def square(x, y, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


@pytest.fixture
def city(riverton):
    publish(riverton, data_note="Incidents from Riverton PD's records system.")
    records(riverton, 900)
    for code, x in (("1", -87.64), ("2", -87.63), ("3", -87.62)):
        BoundaryFactory(agency=riverton, code=code, join_key=code, geometry=square(x, 41.875))
    finish_import(riverton)
    return riverton


def offline(page):
    """Fail on any request that leaves the test server (a CDN, a tile server)."""
    outside = []

    def guard(route):
        if re.match(r"^https?://(localhost|127\.0\.0\.1)[:/]", route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    return outside


def test_resident_on_a_phone_filters_reads_a_table_and_downloads_csv(phone_page, city):
    page = phone_page
    outside = offline(page)
    page.goto("/p/riverton-pd/")
    expect(page.get_by_role("heading", name="Police data at a glance")).to_be_visible()
    page.get_by_role("link", name="Explore the police data").click()
    expect(page.get_by_role("heading", name="Police data", exact=True)).to_be_visible()
    expect(page.locator("#chart-by-district .main-svg").first).to_be_attached()

    page.get_by_label("Category", exact=True).select_option("BURGLARY")
    expect(page).to_have_url(re.compile(r"category=BURGLARY"))
    expect(page.locator("#chart-over-time .chart-summary")).to_contain_text("incidents")
    shot(page, "public-explorer-phone-filtered")
    page.locator("#chart-over-time").screenshot(path=SCREENSHOTS / "public-chart-phone.png")
    page.locator("#chart-time-of-day").screenshot(path=SCREENSHOTS / "public-heatmap-phone.png")

    card = page.locator("#chart-by-category")
    card.get_by_text("Show the data table").click()
    table = card.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name="BURGLARY")).to_be_visible()
    shown = table.locator("tbody tr td").first.inner_text()

    with page.expect_download() as download_info:
        card.get_by_role("link", name=re.compile("Download CSV")).click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8").splitlines()
    assert content[0] == "category,count"
    assert content[1] == f"BURGLARY,{shown}"
    assert not outside, f"requests left the server: {outside}"


def test_maps_draw_without_internet(page, city):
    outside = offline(page)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/p/riverton-pd/data/")
    for key in ("by-district", "map", "time-of-day", "over-time"):
        expect(page.locator(f"#chart-{key} .main-svg").first).to_be_attached()
    expect(page.locator("#chart-by-district .choroplethlocation")).to_have_count(3)
    shot(page, "public-explorer-desktop")
    assert not outside and not errors, (outside, errors)


@pytest.mark.parametrize("path", ["", "data/", "open-data/"])
def test_public_pages_have_no_serious_accessibility_violations(phone_page, city, path):
    phone_page.goto(f"/p/riverton-pd/{path}")
    phone_page.wait_for_load_state("load")
    results = Axe().run(phone_page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, serious
