"""An admin reviews the categories of an import, keeps one off the public dashboard
entirely, and a category that first appears in a later import is held back and flagged."""

import csv
import io

import pytest
from playwright.sync_api import expect

from dashboard.publication import value_key
from tests.browser.conftest import PHONE, shot
from tests.dashboard.public_data import finish_import, publish, records

pytestmark = pytest.mark.django_db(transaction=True)


def download_rows(page, path):
    response = page.request.get(path)
    assert response.ok, path
    return list(csv.DictReader(io.StringIO(response.text())))


def test_admin_reviews_categories_and_the_public_pages_follow(page, log_in, dave, riverton):
    publish(riverton)
    records(riverton, 400)  # THEFT, BATTERY, BURGLARY, CRIMINAL DAMAGE
    records(riverton, 40, prefix="S", category="SEX OFFENSE")
    records(riverton, 40, prefix="D", initial_type="DOMESTIC DISTURBANCE", category="BATTERY")
    finish_import(riverton, review=False)
    page.set_default_timeout(60_000)  # the shared machine is often heavily loaded

    log_in(page, dave)
    page.goto(f"/a/{riverton.slug}/")
    flag = page.get_by_role("link", name="Police data categories to review")
    expect(flag).to_be_visible()
    flag.click()
    expect(page.get_by_role("heading", name="How each category is published")).to_be_visible()
    # Nothing reviewed yet: the public open data lists no record at all.
    assert download_rows(page, "/p/riverton-pd/open-data/incidents.csv") == []
    # The defaults pre-fill the choice: the sexual offense and the domestic call are areas only.
    sex = page.locator(f"#id_{value_key('SEX OFFENSE')}_1")
    expect(sex).to_be_checked()
    expect(page.locator(f"#id_{value_key('DOMESTIC DISTURBANCE')}_1")).to_be_checked()
    expect(page.locator(f"#id_{value_key('THEFT')}_0")).to_be_checked()
    page.set_viewport_size({"width": 1440, "height": 900})
    shot(page, "category-review-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "category-review-phone")
    page.set_viewport_size({"width": 1440, "height": 900})
    # Burglary is kept off the public pages entirely.
    page.locator(f"label[for=id_{value_key('BURGLARY')}_2]").click()
    page.get_by_role("button", name="Save these").click()
    expect(page.get_by_text("decisions (")).to_be_visible()

    listed = download_rows(page, "/p/riverton-pd/open-data/incidents.csv")
    categories = {row["category"] for row in listed}
    assert categories == {"THEFT", "CRIMINAL DAMAGE", "BATTERY"}
    assert not any(r["record_id"].startswith(("S", "D")) for r in listed)  # areas only
    by_category = {
        r["category"]: r["count"]
        for r in download_rows(page, "/p/riverton-pd/data/by-category.csv")
    }
    assert "BURGLARY" not in by_category and by_category.get("SEX OFFENSE") == "40"
    monthly = download_rows(page, "/p/riverton-pd/open-data/incidents-monthly.csv")
    assert not any(r["category"] == "BURGLARY" for r in monthly)
    page.goto("/p/riverton-pd/data/", wait_until="domcontentloaded")
    expect(page.locator("#id_category option", has_text="BURGLARY")).to_have_count(0)
    note = page.locator("#about-data").locator("..")
    expect(note).to_contain_text("never mapped or listed record by record: sexual offenses")
    expect(note).to_contain_text("1 type of call or incident is not published at all")

    # A second import brings a new category: counted by district only, and flagged.
    records(riverton, 30, prefix="N", category="ROBBERY")
    finish_import(riverton, review=False)
    page.goto(f"/a/{riverton.slug}/")
    expect(page.get_by_role("link", name="Police data categories to review")).to_contain_text("1")
    listed = download_rows(page, "/p/riverton-pd/open-data/incidents.csv")
    assert not any(r["category"] == "ROBBERY" for r in listed)
    page.goto(f"/a/{riverton.slug}/dashboard/publication/categories/")
    expect(page.locator(".category-review li")).to_have_count(1)
    expect(page.locator(".category-review")).to_contain_text("ROBBERY")
    expect(page.locator(".category-review")).to_contain_text("Not reviewed")


def test_the_public_map_shows_boundaries_and_points_offline(page, browser, riverton):
    from tests.browser.test_public_dashboard import offline, square
    from tests.factories import BoundaryFactory

    publish(riverton)
    records(riverton, 900)
    for code, x in (("1", -87.64), ("2", -87.63), ("3", -87.62)):
        BoundaryFactory(agency=riverton, code=code, join_key=code, geometry=square(x, 41.875))
    finish_import(riverton)
    page.set_default_timeout(60_000)
    outside = offline(page)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/p/riverton-pd/data/", wait_until="domcontentloaded")
    canvas = page.locator("#chart-map canvas").first
    expect(canvas).to_be_visible()
    page.locator("#chart-map").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.locator("#chart-map").screenshot(path="/tmp/shots/i11/map-desktop.png")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(1500)
    page.locator("#chart-map").scroll_into_view_if_needed()
    page.locator("#chart-map").screenshot(path="/tmp/shots/i11/map-phone.png")
    assert outside == []  # no tile server, no CDN
