"""From a focus group to a problem-solving team, as staff and three advisory members would.

alice (staff) records a focus group of twenty inputs by keyboard, groups them into
candidate problems and opens a round; bob and jordan (community) and carl (police) vote,
jordan recusing on one candidate; alice closes the round, sees the police sector's
dissent, adopts a priority and starts a problem-solving team from it.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from cs360.models import Role
from scanning.models import Input
from tests.browser.conftest import shot
from tests.conftest import member
from tests.factories import AffiliationFactory, OrganizationFactory, advisory_team

pytestmark = pytest.mark.django_db(transaction=True)

HEARD = [
    ("The lights in Northside Park have been out since October.", "unlit"),
    ("I cut through the park at night and I can't see who's there.", "unlit"),
    ("Cars race on Main Street after midnight.", "speeding"),
    ("My car window was smashed behind the library lot.", "breakins"),
    ("Nobody fixes the park lights when we report them.", "unlit"),
    ("Someone was followed through the dark park last week.", "unlit"),
    ("Speeding on Main near the school is terrifying.", "speeding"),
    ("Drivers don't stop at the crosswalk on Main.", "speeding"),
    ("Two break-ins on our block this month.", "breakins"),
    ("The park path needs lights and trimmed bushes.", "unlit"),
    ("Kids play in the street because Main has no crossing guard.", "speeding"),
    ("We would patrol the park ourselves if it were lit.", "unlit"),
    ("Cars get broken into at the downtown garage every weekend.", "breakins"),
    ("Main Street feels like a highway at night.", "speeding"),
    ("Dark park, no phones, no cameras.", "unlit"),
    ("Catalytic converters stolen on Elm.", "breakins"),
    ("Older neighbors avoid the park after dusk.", "unlit"),
    ("Racing wakes us up every Friday.", "speeding"),
    ("Thieves check car doors along Oak at 3 am.", "breakins"),
    ("Light the park and people will use it again.", "unlit"),
]
TITLES = {
    "unlit": "Unlit paths in Northside Park",
    "speeding": "Speeding on Main Street",
    "breakins": "Car break-ins downtown",
}


@pytest.fixture
def voters(riverton, bob, jordan):
    carl = member("carl@riverton.test", riverton, Role.STAFF, "Carl Police")
    advisory_team(
        riverton,
        [(bob, "community"), (jordan, "community"), (carl, "police")],
        name="Riverton Advisory Team",
    )
    return bob, jordan, carl


@pytest.fixture
def association(riverton):
    org = OrganizationFactory(agency=riverton, name="Northside Neighborhood Association")
    AffiliationFactory(agency=riverton, organization=org, person__full_name="Rosa Martinez")
    return org


def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_focus_group_to_priority_to_problem_solving_team(
    page, browser, live_server, log_in, alice, voters, association
):
    bob, jordan, carl = voters
    accept_dialogs(page)
    log_in(page, alice)
    page.get_by_role("link", name="Scanning").first.click()
    page.get_by_role("link", name="Record an activity").click()
    page.get_by_label("Kind").select_option(label="Focus group")
    page.get_by_label("Title").fill("Northside residents focus group")
    page.get_by_label("Date").fill("2026-03-04")
    page.get_by_label("Organizations represented").select_option(label=association.name)
    page.get_by_role("button", name="Record and add inputs").click()
    expect(page.get_by_text("Anonymous: no names are recorded")).to_be_visible()

    # Twenty inputs, keyboard only. The first row sets who and where; the rest carry over.
    text = page.get_by_label("What was said")
    expect(text).to_be_focused()
    started = time.monotonic()
    for number, (said, _) in enumerate(HEARD, start=1):
        page.keyboard.type(said)
        if number == 1:
            page.keyboard.press("Tab")  # theme: keep "Public safety concern"
            page.keyboard.press("Tab")
            page.keyboard.type("Res")  # who: Resident
            page.keyboard.press("Tab")
            page.keyboard.type("N")  # kind of place: Neighborhood
            page.keyboard.press("Tab")
            page.keyboard.type("Northside")
            page.keyboard.press("Tab")
            page.keyboard.type("light, fear")  # topics; strength stays "Concerned"
        page.keyboard.press("Enter")
        expect(page.locator("#input-count")).to_have_text(str(number))
        expect(page.get_by_label("What was said")).to_be_focused()
        expect(page.get_by_label("What was said")).to_have_value("")
    per_input = (time.monotonic() - started) / len(HEARD)
    print(f"\nfast entry: {per_input:.2f} s per input, typing included")
    assert Input.objects.count() == 20
    assert set(Input.objects.values_list("respondent_kind", "place_name")) == {
        ("resident", "Northside")
    }
    assert Input.objects.filter(respondent_name="").count() == 20
    shot(page, "scanning-fast-entry")

    # Group them into three candidate problems.
    page.get_by_role("link", name="Group into candidates").click()
    for key, title in TITLES.items():
        for said, group in HEARD:
            if group == key:
                page.locator("label.list-group-item", has_text=said).locator("input").check()
        page.get_by_label("or name a new one").fill(title)
        page.get_by_role("button", name="Group", exact=True).click()
        expect(page.get_by_text(f"New candidate “{title}”")).to_be_visible()
    expect(page.get_by_text("Every input is grouped")).to_be_visible()
    expect(page.locator("#candidates")).to_contain_text(
        "Heard 9 times from 1 kind of respondent through 1 channel, with 1 organization."
    )
    shot(page, "scanning-synthesis")

    # Open a named ranked-choice round for the advisory team.
    page.get_by_role("link", name="Open a priority round").first.click()
    page.get_by_label("Title").fill("Northside priorities")
    for title in TITLES.values():
        page.get_by_label(title).check()
    page.get_by_label("Secret ballot").uncheck()
    page.get_by_label("Quorum").fill("2")
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("button", name="Open voting").click()
    expect(page.get_by_text("Voting is open. The settings are now locked.")).to_be_visible()
    round_url = page.url

    # Three advisory members vote; jordan recuses on speeding; carl (police) leaves the
    # park off his ballot.
    ballots = [
        (bob, ["unlit", "speeding", "breakins"], None),
        (jordan, ["unlit", "breakins"], "speeding"),
        (carl, ["speeding", "breakins"], None),
    ]
    for voter, order, recuse in ballots:
        context = browser.new_context(base_url=live_server.url)
        tab = context.new_page()
        log_in(tab, voter)
        tab.goto(round_url)
        tab.get_by_role("link", name="Cast your ballot").click()
        for rank, key in enumerate(order, start=1):
            tab.get_by_label(f"Rank for {TITLES[key]}").select_option(str(rank))
        if recuse:
            tab.locator("fieldset", has_text=TITLES[recuse]).get_by_label(
                re.compile("Conflict of interest")
            ).check()
        if voter == jordan:
            shot(tab, "scanning-ballot")
        tab.get_by_role("button", name="Cast my ballot").click()
        expect(tab.get_by_text("Your ballot is recorded.")).to_be_visible()
        context.close()

    page.goto(round_url)
    expect(page.get_by_text("Results stay hidden until voting closes")).to_be_visible()
    expect(page.get_by_text("Who has voted (3 of 3)")).to_be_visible()
    page.get_by_role("button", name="Close voting").click()

    # Results, with the police sector's dissent on the winner.
    expect(page.get_by_role("heading", name="Record the decision")).to_be_visible()
    expect(page.get_by_text("3 of 3 voting members voted")).to_be_visible()
    dissent = page.locator(".dissent-alert").first
    expect(dissent).to_contain_text("the police sector (1 voter) gave no support")
    expect(dissent).to_contain_text(TITLES["unlit"])
    first_row = page.locator(".results-table tbody tr").first
    expect(first_row).to_contain_text(TITLES["unlit"])
    expect(page.locator(".results-table")).to_contain_text("1 recused")
    shot(page, "scanning-results")

    page.get_by_label(TITLES["unlit"]).check()
    page.get_by_label("Rationale").fill(
        "Heard most often and by every resident group; partners ready to act."
    )
    page.get_by_label("Dissent and minority views").fill(
        "The police member put traffic first; the team will ask Public Works about both."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded: 1 priority adopted.")).to_be_visible()

    # Start the problem-solving team, with the association's contact suggested.
    page.get_by_role("link", name="Start a problem-solving team").click()
    expect(page.get_by_label("Team name")).to_have_value(
        "Unlit paths in Northside Park problem-solving team"
    )
    expect(page.get_by_label(re.compile("Rosa Martinez"))).to_be_checked()
    expect(page.get_by_text("raised it in scanning")).to_be_visible()
    shot(page, "scanning-start-team")
    page.get_by_role("button", name="Start the team").click()
    expect(page.get_by_text(re.compile("started with 2 members"))).to_be_visible()
    expect(
        page.get_by_role("heading", name="Unlit paths in Northside Park problem-solving team")
    ).to_be_visible()


def test_fast_entry_and_results_on_a_phone(phone_page, log_in, alice, riverton, voters):
    from scanning import services, voting
    from scanning.tally import BallotData
    from tests.factories import CandidateProblemFactory, open_round

    bob, jordan, carl = voters
    activity = services.record_activity(
        agency=riverton, recorded_by=alice, kind="meeting", title="Staff Senate, March"
    )
    team = riverton.teams.get(name="Riverton Advisory Team")
    candidates = [CandidateProblemFactory(agency=riverton, title=t) for t in TITLES.values()]
    round_ = open_round(riverton, team, candidates, secret=False)
    ids = [c.pk for c in candidates]
    voting.cast_ballot(round_=round_, user=bob, data=BallotData(ranking=ids))
    voting.cast_ballot(round_=round_, user=carl, data=BallotData(ranking=ids[1:]))
    voting.close_round(round_=round_, closed_by=alice)

    log_in(phone_page, alice)
    phone_page.goto(activity.get_absolute_url())
    phone_page.get_by_label("What was said").fill("More lights on the quad, please.")
    phone_page.keyboard.press("Enter")
    expect(phone_page.locator("#input-count")).to_have_text("1")
    shot(phone_page, "scanning-fast-entry-phone")
    phone_page.goto(round_.get_absolute_url())
    expect(phone_page.locator(".results-table")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
