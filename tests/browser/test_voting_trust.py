"""A shared computer, a secret ballot and a receipt, as advisory members would meet them.

bob votes on a library computer and logs out; jordan logs in on the same browser. jordan
must see an empty ballot, and both ballots must count with bob's unchanged. Afterwards bob
finds his receipt in the round's published record.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cs360.models import Role
from scanning import voting
from scanning.models import Ballot
from scanning.tally import BallotData
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import member
from tests.factories import CandidateProblemFactory, advisory_team, open_round

pytestmark = pytest.mark.django_db(transaction=True)

TITLES = ["Speeding on Main Street", "Car break-ins downtown", "Unlit paths in Northside Park"]
SHOTS = Path("/tmp/shots/i9")


@pytest.fixture
def team(riverton, bob, jordan):
    carl = member("carl@riverton.test", riverton, Role.STAFF, "Carl Police")
    team, _ = advisory_team(riverton, [(bob, "community"), (jordan, "community"), (carl, "police")])
    return team


@pytest.fixture
def candidates(riverton):
    return [CandidateProblemFactory(agency=riverton, title=t) for t in TITLES]


def log_out(tab):
    tab.locator('form[action="/accounts/logout/"]').evaluate("form => form.submit()")
    tab.wait_for_url("**/accounts/login/**")


def cast(tab, round_, order, button="Cast my ballot"):
    tab.goto(f"{round_.get_absolute_url()}ballot/")
    for rank, index in enumerate(order, start=1):
        tab.get_by_label(f"Rank for {TITLES[index]}").select_option(str(rank))
    tab.get_by_role("button", name=button).click()


def chosen_ranks(tab):
    return [tab.get_by_label(f"Rank for {t}").input_value() for t in TITLES]


def shoot(tab, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1440", {"width": 1440, "height": 900}), ("375", PHONE)):
        tab.set_viewport_size(size)
        tab.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)
    tab.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("secret", [True, False], ids=["secret", "named"])
def test_the_next_member_on_a_shared_browser_gets_an_empty_ballot(
    browser, live_server, log_in, riverton, bob, jordan, team, candidates, secret
):
    round_ = open_round(riverton, team, candidates, secret=secret)
    library = browser.new_context(base_url=live_server.url)
    tab = library.new_page()
    log_in(tab, bob)
    cast(tab, round_, [2, 0])
    if secret:
        expect(tab.get_by_test_id("receipt")).to_be_visible()
    tab.goto(f"{round_.get_absolute_url()}ballot/")
    assert chosen_ranks(tab) == ["2", "", "1"]  # bob's own ballot, to change
    walked_away = library.storage_state()  # the cookie jar as bob left it, before logout
    log_out(tab)

    log_in(tab, jordan)
    tab.goto(f"{round_.get_absolute_url()}ballot/")
    expect(tab.get_by_role("heading", name="Your ballot", exact=True)).to_be_visible()
    assert chosen_ranks(tab) == ["", "", ""]
    shoot(tab, f"shared-browser-{'secret' if secret else 'named'}-next-member")
    cast(tab, round_, [1])
    rankings = sorted(Ballot.objects.filter(round=round_).values_list("ranking", flat=True))
    ids = [c.pk for c in candidates]
    assert rankings == sorted([[ids[2], ids[0]], [ids[1]]])  # both count, bob's unchanged
    library.close()

    # Had bob walked away without logging out, jordan logging in over his session in a
    # second context sharing that cookie jar still sees only jordan's own (secret: sealed).
    again = browser.new_context(base_url=live_server.url, storage_state=walked_away)
    tab = again.new_page()
    log_in(tab, jordan)
    tab.goto(f"{round_.get_absolute_url()}ballot/")
    expect(tab.get_by_role("heading", name="Change your ballot")).to_be_visible()
    assert chosen_ranks(tab) == (["", "", ""] if secret else ["", "1", ""])
    if secret:
        expect(tab.get_by_label("Your receipt code")).to_be_visible()
    again.close()
    assert sorted(Ballot.objects.filter(round=round_).values_list("ranking", flat=True)) == (
        rankings
    )


def test_a_voter_finds_their_receipt_in_the_published_record(
    browser, live_server, log_in, riverton, alice, bob, jordan, team, candidates
):
    round_ = open_round(riverton, team, candidates, secret=True)
    voter = browser.new_context(base_url=live_server.url)
    tab = voter.new_page()
    log_in(tab, bob)
    cast(tab, round_, [0, 2])
    code = tab.get_by_test_id("receipt").inner_text()
    fingerprint = tab.get_by_test_id("fingerprint").inner_text()
    shoot(tab, "receipt")
    ids = [c.pk for c in candidates]
    voting.cast_ballot(round_=round_, user=jordan, data=BallotData(ranking=[ids[1]]))

    staff = browser.new_context(base_url=live_server.url)
    desk = staff.new_page()
    log_in(desk, alice)
    desk.goto(round_.get_absolute_url())
    expect(desk.get_by_test_id("sealed-turnout")).to_be_visible()
    shoot(desk, "sealed-round-staff")
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.get_by_role("button", name="Close voting").click()
    desk.wait_for_url("**/decision/")
    staff.close()

    tab.goto(round_.get_absolute_url())
    tab.get_by_role("link", name="Published record").click()
    expect(tab.get_by_text(fingerprint)).to_be_visible()
    tab.get_by_label("Your receipt code").fill(code)
    tab.get_by_role("button", name="Check").click()
    expect(tab.get_by_test_id("receipt-found")).to_be_visible()
    row = tab.locator("tr.table-success")
    expect(row).to_contain_text(fingerprint)
    expect(row).to_contain_text(f"1. {TITLES[0]} 2. {TITLES[2]}")
    shoot(tab, "published-record")
    voter.close()
