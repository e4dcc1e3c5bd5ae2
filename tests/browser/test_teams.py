"""A staff member builds a problem-solving team from the Community Map and runs it."""

import re

import pytest
from playwright.sync_api import expect

from communitymap.models import Area, PartnerType, Stance
from tests.browser.conftest import shot
from tests.factories import AffiliationFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def community_map(riverton):
    northside = OrganizationFactory(
        agency=riverton,
        name="Northside Neighborhood Association",
        partner_type=PartnerType.COMMUNITY,
        areas=[Area.HOUSING],
        stance=Stance.CRITIC,
    )
    works = OrganizationFactory(
        agency=riverton,
        name="Riverton Public Works",
        partner_type=PartnerType.GOVERNMENT,
        areas=[Area.PUBLIC_WORKS],
        stance=Stance.SUPPORTER,
    )
    OrganizationFactory(
        agency=riverton,
        name="Riverton Memorial Hospital",
        partner_type=PartnerType.GOVERNMENT,
        areas=[Area.HEALTH],
    )
    rosa = PersonFactory(agency=riverton, full_name="Rosa Martinez")
    AffiliationFactory(agency=riverton, person=rosa, organization=northside)
    angela = PersonFactory(agency=riverton, full_name="Angela Price")
    AffiliationFactory(agency=riverton, person=angela, organization=works)
    PersonFactory(agency=riverton, full_name="Marcus Lee")
    return {"northside": northside, "works": works}


def add_member(page, name, role="Member", sector=None):
    page.get_by_label("Person from the Community Map").select_option(label=name)
    page.get_by_label("Role").select_option(label=role)
    if sector:
        page.get_by_label("Sector").select_option(label=sector)
    page.get_by_role("button", name="Add to the team").click()
    expect(page.locator("#roster-panel table")).to_contain_text(name)


def test_staff_build_and_run_a_problem_solving_team(page, phone_page, log_in, alice, community_map):
    log_in(page, alice)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    page.get_by_role("link", name="New team").click()
    page.get_by_label("Name").fill("Green Street PST")
    page.get_by_label("Status").select_option(label="Active")
    page.get_by_label("Purpose").fill("Reduce late-night assaults on Green Street.")
    page.get_by_role("button", name="Create team").click()

    # Composition warnings close one by one as members join (htmx, no reload).
    gaps = page.locator(".composition-warnings")
    for gap in [
        "No community member",
        "No government partner",
        "No crime analyst",
        "No critic voice",
    ]:
        expect(gaps).to_contain_text(gap)
    add_member(page, "Rosa Martinez", role="Lead")
    expect(gaps).not_to_contain_text("No community member")
    expect(gaps).not_to_contain_text("No critic voice")
    expect(page.locator("#composition")).to_contain_text("Riverton Public Works")  # suggestion
    add_member(page, "Angela Price")
    expect(gaps).not_to_contain_text("No government partner")
    add_member(page, "Marcus Lee", role="Crime analyst", sector="Police")
    expect(page.locator("#composition")).to_contain_text("covers every group CS360 asks for")
    shot(page, "teams-roster")

    # A goal with two metrics.
    page.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Add goal").click()
    page.get_by_label("Statement").fill(
        "A third fewer late-night assaults on Green Street by June."
    )
    page.get_by_label("Deadline").fill("2027-06-30")
    page.get_by_role("button", name="Add goal").click()
    expect(page.get_by_role("heading", name="New success metric")).to_be_visible()
    page.get_by_label("Name").fill("Late-night assaults")
    page.get_by_label("Unit").fill("assaults per month")
    page.get_by_label("Definition").fill("Assaults reported 10 pm to 4 am on Green Street.")
    page.get_by_label("Direction").select_option(label="Lower is better")
    page.get_by_label("Baseline value").fill("thirty")
    page.get_by_label("Baseline period").fill("monthly average, 2025")
    page.get_by_label("Baseline date").fill("2025-12-31")
    page.get_by_label("Target value").fill("20")
    page.get_by_label("Target date").fill("2027-06-30")
    page.get_by_role("button", name="Add metric").click()
    expect(page.get_by_text("Enter a number, e.g. 42 or 3.5")).to_be_visible()
    page.get_by_label("Baseline value").fill("30")
    page.get_by_role("button", name="Add metric").click()
    expect(page.get_by_role("heading", name="Late-night assaults")).to_be_visible()

    # Readings: progress and chart update in place.
    page.get_by_label("Value").fill("25")
    page.get_by_label("Date").fill("2026-01-31")
    page.get_by_role("button", name="Save reading").click()
    expect(page.locator("#progress")).to_contain_text("50% of the way")
    page.get_by_label("Value").fill("22")
    page.get_by_label("Date").fill("2026-02-28")
    page.get_by_role("button", name="Save reading").click()
    expect(page.locator("#progress")).to_contain_text("80% of the way")
    expect(page.locator(".metric-chart .main-svg").first).to_be_visible()
    expect(page.locator("#metric-panel table")).to_contain_text("28 Feb 2026")
    shot(page, "teams-metric")

    page.get_by_role("link", name="Green Street PST").click()
    page.get_by_role("link", name="Add metric").click()
    page.get_by_role("link", name="Pick from the catalogue").click()
    page.get_by_role("link", name="Use Residents who feel safe at night").click()
    page.get_by_label("Baseline value").fill("41")
    page.get_by_label("Baseline period").fill("autumn 2025 survey")
    page.get_by_label("Baseline date").fill("2025-11-30")
    page.get_by_label("Target value").fill("60")
    page.get_by_label("Target date").fill("2027-06-30")
    page.get_by_role("button", name="Add metric").click()
    expect(page.get_by_role("heading", name="Residents who feel safe at night")).to_be_visible()

    # A meeting with attendance and an action item.
    page.get_by_role("link", name="Green Street PST").click()
    expect(page.locator(".metric-table")).to_contain_text("Residents who feel safe at night")
    page.get_by_role("link", name="Record a meeting").first.click()
    expect(page.get_by_label("Agenda")).to_have_value(re.compile("Metric review"))
    page.get_by_role("button", name="Create meeting").click()
    page.get_by_label(re.compile("Rosa Martinez")).check()
    page.get_by_label(re.compile("Marcus Lee")).check()
    page.get_by_label("Minutes", exact=True).fill(
        "Marcus showed that most assaults follow bar closing."
    )
    page.get_by_label("Decisions", exact=True).fill("Ask the bars to stagger closing times")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("Attendance, minutes and decisions saved.")).to_be_visible()
    page.locator("#id_action-description").fill("Count broken lights on the 600 block")
    page.get_by_label("Owner (person)").select_option(label="Angela Price")
    page.get_by_label("Owner organization").select_option(label="Riverton Public Works")
    page.get_by_label("Due date").fill("2026-12-15")
    page.get_by_role("button", name="Add action").click()
    expect(page.locator("#meeting-actions")).to_contain_text("Count broken lights on the 600 block")
    shot(page, "teams-meeting")

    # The SARA analysis.
    page.get_by_role("link", name="Green Street PST").click()
    page.get_by_role("link", name="SARA record").first.click()
    fields = {
        "Offender": "Patrons leaving bars at closing time",
        "Victim or target": "Students walking home alone",
        "Place": "500-900 blocks of Green Street, 1-3 am",
        "Handler": "Friends, bar staff",
        "Guardian": "SafeRide, foot patrol",
        "Manager": "Bar owners, liquor commission",
        "Hypotheses": "Simultaneous closing creates crowding",
    }
    for label, text in fields.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("Problem type").select_option(value="den")
    page.get_by_role("button", name="Save analysis").click()
    expect(page.get_by_text("Analysis complete")).to_be_visible()
    shot(page, "teams-sara")

    team_url = page.url.replace("sara/", "")
    page.goto(team_url)
    expect(page.locator(".metric-table")).to_contain_text("80% of the way")
    log_in(phone_page, alice)
    phone_page.goto(team_url)
    expect(phone_page.get_by_role("heading", name="Green Street PST")).to_be_visible()
