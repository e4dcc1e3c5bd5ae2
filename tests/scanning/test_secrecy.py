"""A secret ballot stays secret and stays its voter's: sealed results while open, receipts
bound to their member, nothing left behind in a shared browser, and a published record
anyone can re-count."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import get_resolver, reverse
from django.utils import timezone

from cs360.models import Role
from dashboard.models import PublicationSettings
from scanning import queries, receipts, tally, voting
from scanning.forms import RoundForm
from scanning.models import Ballot, PriorityRound, VoterRecord
from scanning.tally import BallotData
from tests.cs360.test_isolation_matrix import AGENCY_URLS, _kwargs, _url, _walk
from tests.factories import open_round

pytestmark = pytest.mark.django_db


def ballot_url(round_):
    return reverse(
        "scanning:ballot-cast", kwargs={"agency_slug": round_.agency.slug, "round_id": round_.pk}
    )


def record_url(round_, name="round-record"):
    return reverse(
        f"scanning:{name}", kwargs={"agency_slug": round_.agency.slug, "round_id": round_.pk}
    )


def ranks(round_, *order, based_on=0, **extra):
    ids = [e.candidate_id for e in round_.entries.all()]
    data = {f"rank_{ids[i]}": str(position) for position, i in enumerate(order, start=1)}
    return data | {"based_on": str(based_on)} | extra


def receipt_on(response) -> str:
    return re.search(r'data-testid="receipt">([^<]+)<', response.content.decode()).group(1)


def selected_ranks(page: str) -> list[str]:
    """The ranks pre-selected on a ballot page (empty for an empty ballot)."""
    return re.findall(r'<option value="(\d+)"[^>]*selected', page)


@pytest.fixture
def secret_round(riverton, team_and_voters, candidates):
    return open_round(riverton, team_and_voters[0], candidates, secret=True)


@pytest.fixture
def named_round(riverton, team_and_voters, candidates):
    return open_round(riverton, team_and_voters[0], candidates, secret=False)


# --- Secret means secret while open --------------------------------------------------------


def test_a_secret_round_showing_results_is_refused_by_form_service_and_database(
    riverton, alice, team_and_voters, candidates
):
    team = team_and_voters[0]
    form = RoundForm(
        data={
            "title": "Leaky round",
            "team": team.pk,
            "method": "ranked",
            "dots_per_voter": 5,
            "secret": "on",
            "quorum": 0,
            "closes_at": "2099-01-01T12:00",
            "candidates": [c.pk for c in candidates],
        },
        agency=riverton,
        criteria=[],
    )
    assert not form.is_valid()
    assert "always hides its results" in " ".join(form.errors["hide_results_until_close"])

    with pytest.raises(ValidationError, match="always hides its results"):
        open_round(riverton, team, candidates, secret=True, hide_results_until_close=False)
    draft = voting.create_round(
        agency=riverton,
        created_by=alice,
        team=team,
        title="Named draft",
        candidates=candidates,
        closes_at=timezone.now() + timedelta(days=3),
        secret=False,
        hide_results_until_close=False,
    )
    with pytest.raises(ValidationError, match="always hides its results"):
        voting.update_round(round_=draft, changed_by=alice, secret=True)

    with pytest.raises(IntegrityError, match="secret_round_hides_results"), transaction.atomic():
        PriorityRound.objects.filter(pk=draft.pk).update(secret=True)
    # A named round may show its running tally, as the team chose.
    assert open_round(riverton, team, candidates, secret=False, hide_results_until_close=False)


def test_a_secret_round_is_not_counted_for_anyone_while_open(secret_round, bob):
    first = secret_round.entries.first().candidate_id
    voting.cast_ballot(round_=secret_round, user=bob, data=BallotData(ranking=[first]))

    with pytest.raises(queries.ResultsSealed):
        queries.round_results(secret_round)


def _partner_reachable_urls(agency, user, round_, candidates):
    """Every agency and public page a partner can GET, filled in with this round."""
    for route, name, entry in AGENCY_URLS:
        params = set(entry.pattern.converters) - {"agency_slug"}
        if params == {"round_id"}:
            kwargs = {"agency_slug": agency.slug, "round_id": round_.pk}
        elif params == {"candidate_id"}:
            for c in candidates:
                yield _url(route, {"agency_slug": agency.slug, "candidate_id": c.pk})
            continue
        else:
            kwargs = _kwargs(name, entry, agency, user)
        yield _url(route, kwargs)
    for route, _, entry in _walk(get_resolver().url_patterns):
        if route.startswith("p/") and set(entry.pattern.converters) == {"agency_slug"}:
            yield _url(route, {"agency_slug": agency.slug})


def test_nothing_a_partner_can_reach_reveals_an_open_secret_round(
    client_for, bob, jordan, carl, riverton, secret_round, candidates
):
    ids = [c.pk for c in candidates]
    votes = {bob: ([ids[2], ids[0]], "Bob's reason: the park at night"),
             jordan: ([ids[0]], "Jordan's reason: my street"),
             carl: ([ids[1], ids[2], ids[0]], "Carl's reason: the reports")}  # fmt: skip
    for user, (ranking, reason) in votes.items():
        voting.cast_ballot(
            round_=secret_round, user=user, data=BallotData(ranking=ranking), reason=reason
        )
    client = client_for(bob)
    seen = 0
    for url in _partner_reachable_urls(riverton, bob, secret_round, candidates):
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        body = b"".join(response) if response.streaming else response.content
        text = body.decode(errors="replace")
        for _, reason in votes.values():
            assert reason.split(": ")[1] not in text, f"{url} shows a reason"
        assert "results-table" not in text and "Round-by-round" not in text, url
        assert "Results so far" not in text, url
        assert "✓ " not in text, f"{url} lists who has voted"
        assert "Not yet voted" not in text, f"{url} shows partners who has not voted"
    assert seen >= 8
    round_page = client.get(secret_round.get_absolute_url()).content.decode()
    assert "Who has voted (3 of 3)" in round_page and 'data-testid="sealed-turnout"' in round_page
    assert client.get(record_url(secret_round)).status_code == 404
    assert client.get(record_url(secret_round, "round-record-download")).status_code == 404


def test_staff_see_who_has_not_voted_but_not_who_has(client_for, alice, bob, secret_round):
    first = secret_round.entries.first().candidate_id
    voting.cast_ballot(round_=secret_round, user=bob, data=BallotData(ranking=[first]))
    page = client_for(alice).get(secret_round.get_absolute_url()).content.decode()
    assert "Who has voted (1 of 3)" in page
    assert "Not yet voted" in page and "Jordan" in page and "Carl Police" in page
    assert "✓ " not in page


# --- A ballot belongs to a person ----------------------------------------------------------


def test_a_receipt_opens_only_the_ballot_of_the_member_it_was_given_to(
    bob, jordan, secret_round, candidates
):
    ids = [c.pk for c in candidates]
    _, bob_code = voting.cast_ballot(
        round_=secret_round, user=bob, data=BallotData(ranking=[ids[0]])
    )
    _, jordan_code = voting.cast_ballot(
        round_=secret_round, user=jordan, data=BallotData(ranking=[ids[1]])
    )
    jordan_record = VoterRecord.objects.get(member__person__user=jordan)
    assert voting.ballot_for(round_=secret_round, record=jordan_record, receipt=bob_code) is None
    with pytest.raises(voting.BallotRefused, match="receipt code"):
        voting.cast_ballot(
            round_=secret_round,
            user=jordan,
            data=BallotData(ranking=[ids[2]]),
            based_on=1,
            receipt=bob_code,
        )
    assert sorted(b.ranking for b in Ballot.objects.all()) == [[ids[0]], [ids[1]]]
    voting.cast_ballot(
        round_=secret_round,
        user=jordan,
        data=BallotData(ranking=[ids[2]]),
        based_on=1,
        receipt=jordan_code,
    )
    assert sorted(b.ranking for b in Ballot.objects.all()) == sorted([[ids[0]], [ids[2]]])
    # The binding is stored as a keyed hash; neither the code nor its fingerprint.
    assert bob_code not in jordan_record.receipt_check
    assert "receipt_check" not in {f.name for f in VoterRecord.history.model._meta.fields}


@pytest.mark.parametrize("b_voted_before", [False, True])
def test_a_shared_browser_gives_the_next_member_nothing_of_the_last(
    client, bob, jordan, secret_round, b_voted_before
):
    ids = [e.candidate_id for e in secret_round.entries.all()]
    if b_voted_before:  # jordan voted earlier from a phone
        voting.cast_ballot(round_=secret_round, user=jordan, data=BallotData(ranking=[ids[1]]))
    client.force_login(bob)
    receipt_on(client.post(ballot_url(secret_round), ranks(secret_round, 2, 0)))
    cookie = receipts.cookie_name(secret_round.pk)
    assert client.cookies[cookie].value
    assert selected_ranks(client.get(ballot_url(secret_round)).content.decode()) == [
        "2",
        "1",
    ]  # ids[0] is 2nd, ids[2] 1st

    logout = client.post(reverse("logout"))
    assert logout.cookies[cookie]["max-age"] == 0  # logging out deletes it
    client.force_login(jordan)
    page = client.get(ballot_url(secret_round)).content.decode()
    assert selected_ranks(page) == []  # nothing of bob's ballot
    based_on = 1 if b_voted_before else 0
    client.post(ballot_url(secret_round), ranks(secret_round, 0, based_on=based_on))
    rankings = sorted(b.ranking for b in Ballot.objects.filter(round=secret_round))
    if b_voted_before:  # no receipt on this browser: jordan's change is refused, bob's stands
        assert rankings == sorted([[ids[2], ids[0]], [ids[1]]])
    else:
        assert rankings == sorted([[ids[2], ids[0]], [ids[0]]])
    assert VoterRecord.objects.filter(round=secret_round).count() == 2


def test_a_receipt_cookie_from_an_earlier_login_opens_nothing(client, bob, secret_round):
    client.force_login(bob)
    client.post(ballot_url(secret_round), ranks(secret_round, 1))
    kept = client.cookies[receipts.cookie_name(secret_round.pk)].value
    client.post(reverse("logout"))
    client.force_login(bob)  # a new login session, the old cookie put back by hand
    client.cookies[receipts.cookie_name(secret_round.pk)] = kept
    page = client.get(ballot_url(secret_round)).content.decode()
    assert "Your receipt code" in page and selected_ranks(page) == []


def test_a_named_ballot_on_a_shared_browser_is_each_members_own(client, bob, jordan, named_round):
    ids = [e.candidate_id for e in named_round.entries.all()]
    client.force_login(bob)
    client.post(ballot_url(named_round), ranks(named_round, 2))
    client.post(reverse("logout"))
    client.force_login(jordan)
    assert selected_ranks(client.get(ballot_url(named_round)).content.decode()) == []
    client.post(ballot_url(named_round), ranks(named_round, 0, 1))
    by_member = {b.member.person.user: b.ranking for b in Ballot.objects.select_related(
        "member__person__user")}  # fmt: skip
    assert by_member == {bob: [ids[2]], jordan: [ids[0], ids[1]]}


# --- Verifiable: the published record ------------------------------------------------------


def _cast_many(round_, users, ids):
    criteria = list(round_.criteria.values_list("pk", flat=True))
    codes = []
    for i, user in enumerate(users):
        order = ids[i % len(ids) :] + ids[: i % len(ids)]
        data = BallotData(
            ranking=order[: 1 + i % 3],
            scores={c: {k: 1 + (c + k + i) % 5 for k in criteria[:3]} for c in order[:2]},
            dots={order[0]: 2, order[1]: 1},
            approvals=set(order[: 1 + i % 2]),
        )
        codes.append(voting.cast_ballot(round_=round_, user=user, data=data)[1])
    return codes


@pytest.mark.parametrize("method", [tally.RANKED, tally.SCORE, tally.DOT, tally.APPROVAL])
def test_recounting_the_published_ballots_gives_the_published_result(
    client_for, alice, bob, riverton, candidates, method
):
    from tests.conftest import member
    from tests.factories import advisory_team

    users = [bob] + [
        member(f"v{i}@riverton.test", riverton, Role.PARTNER, f"Voter {i}") for i in range(6)
    ]
    team, _ = advisory_team(
        riverton, [(u, "community" if i % 2 else "government") for i, u in enumerate(users)]
    )
    round_ = open_round(riverton, team, candidates, method=method, dots_per_voter=3)
    codes = _cast_many(round_, users, [c.pk for c in candidates])
    voting.close_round(round_=round_, closed_by=alice)

    client = client_for(bob)
    download = client.get(record_url(round_, "round-record-download"))
    assert download["Content-Disposition"].endswith('-record.json"')
    record = json.loads(download.content)
    assert len(record["ballots"]) == len(users)
    assert sorted(b["receipt"] for b in record["ballots"]) == sorted(
        voting.receipt_fingerprint(c) for c in codes
    )
    recount = tally.tally(
        method=record["method"],
        candidates=[c["id"] for c in record["candidates"]],
        ballots=[
            BallotData(
                sector=b["sector"],
                ranking=[int(c) for c in b["ranking"]],
                scores={int(c): {int(k): v for k, v in s.items()} for c, s in b["scores"].items()},
                dots={int(c): n for c, n in b["dots"].items()},
                approvals={int(c) for c in b["approvals"]},
                recusals={int(c) for c in b["recusals"]},
            )
            for b in record["ballots"]
        ],
        criteria={k["id"]: k["weight"] for k in record["criteria"]},
    )
    published = [(r["candidate"], r["rank"], r["value"]) for r in record["result"]["rows"]]
    assert [(r.candidate, r.rank, round(r.value, 4)) for r in recount.rows] == published
    # Sectors of fewer voters than the agency threshold (5 by default) are left blank.
    assert {b["sector"] for b in record["ballots"]} == {""}

    page = client.post(record_url(round_), {"receipt": codes[3].lower()}).content.decode()
    assert 'data-testid="receipt-found"' in page
    page = client.post(record_url(round_), {"receipt": "AAAA-BBBB-CCCC"}).content.decode()
    assert 'data-testid="receipt-missing"' in page


def test_a_sector_is_broken_out_only_at_the_agency_threshold(
    client_for, alice, bob, jordan, carl, riverton, secret_round, candidates
):
    for user in (bob, jordan, carl):
        voting.cast_ballot(
            round_=secret_round, user=user, data=BallotData(ranking=[candidates[0].pk])
        )
    voting.close_round(round_=secret_round, closed_by=alice)
    PublicationSettings.objects.create(agency=riverton, suppression_threshold=2)
    page = client_for(alice).get(secret_round.get_absolute_url()).content.decode()
    assert "Community 2/2" in page  # bob and jordan: two voters, at the threshold
    assert "Police 1/1" not in page and "with fewer than 2 voters, not shown" in page
    record = json.loads(
        client_for(bob).get(record_url(secret_round, "round-record-download")).content
    )
    assert sorted(b["sector"] for b in record["ballots"]) == ["", "community", "community"]


def test_a_reminder_about_a_secret_round_says_nothing_about_other_voters(
    mailoutbox, bob, jordan, alice, secret_round
):
    first = secret_round.entries.first().candidate_id
    voting.cast_ballot(
        round_=secret_round, user=bob, data=BallotData(ranking=[first]), reason="Bob's words"
    )
    assert voting.send_reminders(round_=secret_round, trigger="staff", sent_by=alice) == 2
    for message in mailoutbox:
        assert "Bob" not in message.body and "Bob's words" not in message.body
        assert "no one, administrators included, can see how anyone voted" in message.body
