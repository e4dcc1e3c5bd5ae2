"""A staff member fills in the Community Map as a newcomer would, in a real browser."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.factories import AffiliationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

IMPORT_CSV = """Name,Partner type,Areas,Stance
The NAMI Riverton Chapter,National NGO chapter or affiliate,Health,supporter
Riverton Bike Coalition,Community group,Public works and traffic,critic
Eastgate Garden Club,Community group,Gardening,
"""


def test_staff_fills_an_empty_cell_records_a_critic_imports_and_exports(
    page, log_in, alice, riverton, tmp_path
):
    OrganizationFactory(agency=riverton, name="Riverton Tenants Union", areas=["housing"])
    log_in(page, alice)
    page.get_by_role("link", name="Community Map").first.click()
    expect(page.get_by_role("heading", name="Community Map")).to_be_visible()
    cell = page.locator("#cell-health-ngo")
    expect(cell).to_contain_text("Gap: nobody yet")
    shot(page, "communitymap-worksheet-empty")

    # Add an organization into the empty cell, in place.
    cell.get_by_role("link", name=re.compile("Add to Health")).click()
    cell.get_by_label("Name").fill("NAMI Riverton")
    cell.get_by_role("button", name="Add to health").click()
    expect(page.get_by_text("NAMI Riverton was added to the map")).to_be_visible()
    expect(page.locator("#cell-health-ngo .ws-count")).to_have_text("1")
    expect(page.locator("#cell-health-ngo")).not_to_contain_text("Gap")

    # Record a critic stance with a reason.
    page.get_by_role("link", name="NAMI Riverton").click()
    expect(page.get_by_role("heading", name="NAMI Riverton")).to_be_visible()
    stance = page.locator("#stance-section")
    stance.get_by_label("Stance").select_option("critic")
    stance.get_by_label("Why").fill("Says officers escalate mental health calls.")
    stance.get_by_role("button", name="Record stance").click()
    expect(page.locator("#current-stance")).to_have_text("Critic")
    expect(page.locator("#stance-history")).to_contain_text(
        "Critic: Says officers escalate mental health calls."
    )

    # Add a representative whose term ends next month: the flag appears.
    ends = timezone.localdate() + timedelta(days=25)
    reps = page.locator("#representatives-section")
    reps.get_by_text("Add a representative").click()
    reps.get_by_label("Or a new person's name").fill("Dana Brooks")
    reps.get_by_label("Role").fill("Chapter president")
    reps.get_by_label("Term ends").fill(ends.isoformat())
    reps.get_by_role("button", name="Add representative").click()
    expect(page.locator("#needs-new-contact")).to_be_visible()
    expect(reps).to_contain_text("Dana Brooks")
    shot(page, "communitymap-organization-detail")
    page.get_by_role("link", name="Worksheet").click()
    expect(page.locator("#cell-health-ngo")).to_contain_text("1 needs a new contact")

    # Import a CSV with one duplicate and one bad row: a clear preview, then confirm.
    page.get_by_role("link", name="Import").click()
    upload = tmp_path / "partners.csv"
    upload.write_text(IMPORT_CSV)
    page.get_by_label("File (.csv or .xlsx)").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    expect(page.get_by_text("Same as NAMI Riverton, already on the map.")).to_be_visible()
    expect(page.get_by_text("Unknown area “Gardening”.")).to_be_visible()
    expect(page.get_by_role("button", name="Import 1 new organization")).to_be_visible()
    assert riverton.organizations.count() == 2  # Nothing written before confirming.
    shot(page, "communitymap-import-preview")
    page.get_by_role("button", name="Import 1 new organization").click()
    expect(page.get_by_text("Imported 1 new organization from partners.csv")).to_be_visible()

    # Filter the list to critics and export it.
    page.get_by_label("Stance").select_option("critic")
    expect(page).to_have_url(re.compile(r"stance=critic"))
    expect(page.locator("#results")).to_contain_text("2 organizations match")
    expect(page.locator("#results")).not_to_contain_text("Riverton Tenants Union")
    shot(page, "communitymap-list-critics")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    names = sorted(row["Name"] for row in csv.DictReader(io.StringIO(text)))
    assert names == ["NAMI Riverton", "Riverton Bike Coalition"]


def test_worksheet_and_list_on_a_phone(phone_page, log_in, alice, riverton):
    for name, areas, kind, stance in [
        (
            "Northside Neighborhood Association",
            ["housing", "public_works"],
            "community",
            "supporter",
        ),
        ("Riverton Tenants Union", ["housing"], "community", "critic"),
        ("Boys & Girls Club of Riverton", ["education"], "ngo", "supporter"),
        ("Riverton Public Works", ["public_works"], "government", "supporter"),
    ]:
        OrganizationFactory(
            agency=riverton, name=name, areas=areas, partner_type=kind, stance=stance
        )
    AffiliationFactory(
        agency=riverton,
        organization=riverton.organizations.get(name="Riverton Tenants Union"),
        end_date=timezone.localdate() + timedelta(days=5),
    )
    log_in(phone_page, alice)
    phone_page.goto("/a/riverton-pd/map/")
    expect(phone_page.locator("#cell-housing-community")).to_contain_text("1 critic")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"The worksheet scrolls sideways on a phone ({width}px)"
    shot(phone_page, "communitymap-worksheet-phone")
    phone_page.goto("/a/riverton-pd/map/organizations/")
    expect(phone_page.get_by_text("Riverton Tenants Union")).to_be_visible()
    shot(phone_page, "communitymap-list-phone")
