"""Casting, changing and refusing ballots; locked settings; decisions that stay as recorded."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from scanning import receipts, voting
from scanning.models import Ballot, Decision, PriorityRound, VoterRecord
from scanning.tally import BallotData
from tests.conftest import member
from tests.factories import open_round

pytestmark = pytest.mark.django_db


def receipt_on(response) -> str:
    """The receipt code shown on the page that answers a first secret ballot."""
    return re.search(r'data-testid="receipt">([^<]+)<', response.content.decode()).group(1)


def ballot_url(round_):
    return reverse(
        "scanning:ballot-cast", kwargs={"agency_slug": round_.agency.slug, "round_id": round_.pk}
    )


def ranks(round_, *order, based_on=0, **extra):
    """POST data ranking the round's candidates in `order` (indexes into its entries)."""
    ids = [e.candidate_id for e in round_.entries.all()]
    data = {f"rank_{ids[i]}": str(position) for position, i in enumerate(order, start=1)}
    data["based_on"] = str(based_on)
    data.update(extra)
    return data


@pytest.fixture
def named_round(riverton, team_and_voters, candidates):
    team, _ = team_and_voters
    return open_round(riverton, team, candidates, secret=False, hide_results_until_close=True)


@pytest.fixture
def secret_round(riverton, team_and_voters, candidates):
    team, _ = team_and_voters
    return open_round(riverton, team, candidates, secret=True, title="Secret priorities")


def test_member_casts_then_changes_a_named_ballot(client_for, bob, named_round):
    client = client_for(bob)
    assert client.get(ballot_url(named_round)).status_code == 200
    response = client.post(ballot_url(named_round), ranks(named_round, 0, 1))
    assert response.status_code == 302
    record = VoterRecord.objects.get(round=named_round)
    assert record.version == 1
    ids = [e.candidate_id for e in named_round.entries.all()]
    assert Ballot.objects.get(round=named_round).ranking == [ids[0], ids[1]]

    page = client.get(ballot_url(named_round)).content.decode()
    assert "Change your ballot" in page and 'value="1"' in page  # based_on carries version 1
    client.post(ballot_url(named_round), ranks(named_round, 2, 0, based_on=1))
    assert Ballot.objects.get(round=named_round).ranking == [ids[2], ids[0]]
    assert VoterRecord.objects.get(round=named_round).version == 2
    assert Ballot.objects.filter(round=named_round).count() == 1


def test_a_second_first_ballot_is_refused_and_changes_nothing(client_for, bob, named_round):
    client = client_for(bob)
    client.post(ballot_url(named_round), ranks(named_round, 0, 1))
    # The same first-ballot form posted again (a double click, another tab).
    response = client.post(ballot_url(named_round), ranks(named_round, 2))
    assert response.status_code == 200
    assert "changed after you opened this page" in response.content.decode()
    ids = [e.candidate_id for e in named_round.entries.all()]
    assert Ballot.objects.get(round=named_round).ranking == [ids[0], ids[1]]
    assert VoterRecord.objects.get(round=named_round).version == 1


def test_a_ballot_after_close_is_refused(client_for, bob, carl, named_round):
    voting.close_round(round_=named_round, closed_by=carl)
    response = client_for(bob).post(ballot_url(named_round), ranks(named_round, 0))
    assert response.status_code == 200
    assert "Voting is not open" in response.content.decode()
    with pytest.raises(voting.BallotRefused, match="closed on"):
        voting.cast_ballot(round_=named_round, user=bob, data=BallotData(ranking=[1]))
    assert not VoterRecord.objects.exists() and not Ballot.objects.exists()


def test_a_ballot_after_the_closing_time_is_refused_even_before_staff_close(bob, named_round):
    PriorityRound.objects.filter(pk=named_round.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    named_round.refresh_from_db()
    with pytest.raises(voting.BallotRefused, match="closed"):
        voting.cast_ballot(
            round_=named_round,
            user=bob,
            data=BallotData(ranking=[named_round.entries.first().candidate_id]),
        )
    assert not Ballot.objects.exists()


def test_a_ranking_with_a_duplicate_is_refused(client_for, bob, named_round):
    ids = [e.candidate_id for e in named_round.entries.all()]
    data = {f"rank_{ids[0]}": "1", f"rank_{ids[1]}": "1", "based_on": "0"}
    response = client_for(bob).post(ballot_url(named_round), data)
    assert "You gave rank 1 to both" in response.content.decode()
    with pytest.raises(voting.BallotRefused, match="only once"):
        voting.cast_ballot(round_=named_round, user=bob, data=BallotData(ranking=[ids[0], ids[0]]))
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_a_vote_by_someone_without_a_vote_is_refused(client_for, alice, riverton, named_round):
    response = client_for(alice).post(ballot_url(named_round), ranks(named_round, 0))
    assert response.status_code == 403
    assert "Only voting members" in response.content.decode()
    # A current member without voting rights is refused too.
    team = named_round.team
    observer = member("observer@riverton.test", riverton, 10, "Olive Observer")
    from tests.factories import PersonFactory

    person = PersonFactory(agency=riverton, user=observer)
    from teams import services as team_services

    team_services.add_member(team=team, person=person, added_by=None, can_vote=False)
    with pytest.raises(voting.BallotRefused, match="Only voting members"):
        voting.cast_ballot(round_=named_round, user=observer, data=BallotData(ranking=[]))
    assert not Ballot.objects.exists()


def test_a_partner_not_on_the_team_cannot_even_see_the_round(client_for, riverton, named_round):
    outsider = member("pat@riverton.test", riverton, 10, "Pat Partner")
    client = client_for(outsider)
    assert client.get(named_round.get_absolute_url()).status_code == 404
    assert client.get(ballot_url(named_round)).status_code == 404


def test_reason_required_is_enforced(client_for, bob, riverton, team_and_voters, candidates):
    round_ = open_round(riverton, team_and_voters[0], candidates, reason_required=True)
    response = client_for(bob).post(ballot_url(round_), ranks(round_, 0))
    assert "This field is required" in response.content.decode()
    assert not Ballot.objects.exists()
    client_for(bob).post(ballot_url(round_), ranks(round_, 0, reason="Most calls, most fear."))
    assert Ballot.objects.get().reason == "Most calls, most fear."


def test_recusal_is_recorded_and_leaves_the_candidate_out(client_for, bob, named_round):
    ids = [e.candidate_id for e in named_round.entries.all()]
    data = ranks(named_round, 0, 1)
    data[f"recuse_{ids[2]}"] = "on"
    client_for(bob).post(ballot_url(named_round), data)
    assert Ballot.objects.get().recusals == [ids[2]]
    # Ranking a candidate you recused from is refused.
    data = ranks(named_round, 2, based_on=1)
    data[f"recuse_{ids[2]}"] = "on"
    with pytest.raises(voting.BallotRefused, match="recused"):
        voting.cast_ballot(
            round_=named_round,
            user=bob,
            data=BallotData(ranking=[ids[2]], recusals={ids[2]}),
            based_on=1,
        )


# --- Secret ballots ----------------------------------------------------------------------


def test_secret_ballot_stores_no_link_to_the_voter(client_for, bob, secret_round):
    response = client_for(bob).post(ballot_url(secret_round), ranks(secret_round, 1, 0))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your secret ballot is recorded" in page
    code = receipt_on(response)
    assert receipts.cookie_name(secret_round.pk) in response.cookies

    ballot = Ballot.objects.get(round=secret_round)
    assert ballot.member_id is None
    assert ballot.token_hash == voting.receipt_fingerprint(code)
    # Nothing else that could pair it with the voter record: no timestamps, no history,
    # a random key rather than a sequence.
    field_names = {f.name for f in Ballot._meta.get_fields()}
    assert not field_names & {"created_at", "updated_at", "submitted_at", "voted_at"}
    assert not hasattr(Ballot, "history")
    assert ballot.pk.version == 4
    # Who voted is still known.
    assert VoterRecord.objects.get(round=secret_round).member.person.user == bob


def test_secret_ballot_is_changed_with_the_receipt_and_only_with_it(client, bob, secret_round):
    client.force_login(bob)
    response = client.post(ballot_url(secret_round), ranks(secret_round, 1, 0))
    receipt = receipt_on(response)
    ids = [e.candidate_id for e in secret_round.entries.all()]

    # This browser remembers the code: the ballot on record fills the form.
    page = client.get(ballot_url(secret_round)).content.decode()
    assert "Your receipt code" not in page
    client.post(ballot_url(secret_round), ranks(secret_round, 2, based_on=1))
    assert Ballot.objects.get().ranking == [ids[2]]

    # Another device, no cookie: the code is asked for, and a wrong one changes nothing.
    client.cookies.clear()
    client.force_login(bob)
    assert "Your receipt code" in client.get(ballot_url(secret_round)).content.decode()
    refused = client.post(
        ballot_url(secret_round), ranks(secret_round, 0, based_on=2, receipt="WRONG-CODE")
    )
    assert "enter the receipt code" in refused.content.decode()
    assert Ballot.objects.get().ranking == [ids[2]]
    client.post(ballot_url(secret_round), ranks(secret_round, 0, based_on=2, receipt=receipt))
    assert Ballot.objects.get().ranking == [ids[0]]
    assert Ballot.objects.count() == 1


def test_secret_results_never_show_who_voted_how(
    client_for, bob, jordan, carl, alice, secret_round
):
    ids = [e.candidate_id for e in secret_round.entries.all()]
    for user, first in ((bob, 0), (jordan, 0), (carl, 2)):
        voting.cast_ballot(
            round_=secret_round,
            user=user,
            data=BallotData(ranking=[ids[first]]),
            reason=f"reason from {user.full_name}",
        )
    before = set(Ballot.objects.values_list("id", flat=True))
    voting.close_round(round_=secret_round, closed_by=alice)
    # Closing stores the ballots afresh in random order: new keys, same contents.
    assert not before & set(Ballot.objects.values_list("id", flat=True))
    assert sorted(b.ranking[0] for b in Ballot.objects.all()) == sorted([ids[0], ids[0], ids[2]])

    page = client_for(alice).get(secret_round.get_absolute_url()).content.decode()
    assert "Carl Police" in page  # who voted is shown...
    assert "Named ballots" not in page  # ...how they voted is not,
    # and the police sector, with one voter, is not broken out on its own.
    assert "Police 0/1" not in page and "Police 1/1" not in page
    assert "with fewer than 5 voters, not shown" in page


# --- Settings, closing, decisions ---------------------------------------------------------


def test_settings_lock_once_voting_opens(client_for, alice, named_round):
    with pytest.raises(Exception, match="locked"):
        voting.update_round(round_=named_round, changed_by=alice, secret=True)
    response = client_for(alice).get(
        reverse(
            "scanning:round-edit",
            kwargs={"agency_slug": named_round.agency.slug, "round_id": named_round.pk},
        )
    )
    assert response.status_code == 302
    named_round.refresh_from_db()
    assert named_round.secret is False


def test_results_stay_hidden_until_close_even_for_admins(client_for, dave, bob, named_round):
    voting.cast_ballot(
        round_=named_round,
        user=bob,
        data=BallotData(ranking=[named_round.entries.first().candidate_id]),
    )
    page = client_for(dave).get(named_round.get_absolute_url()).content.decode()
    assert "Results stay hidden until voting closes" in page
    assert "results-table" not in page


def test_closed_round_and_decision_cannot_be_changed_even_in_the_database(alice, named_round):
    voting.close_round(round_=named_round, closed_by=alice)
    decision = voting.record_decision(
        round_=named_round,
        decided_by=alice,
        adopt=[named_round.entries.first().candidate],
        rationale="Most often raised.",
    )
    with pytest.raises(IntegrityError, match="closed priority round"), transaction.atomic():
        PriorityRound.objects.filter(pk=named_round.pk).update(quorum=9)
    with pytest.raises(IntegrityError, match="recorded decision"), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(rationale="Rewritten later")
    assert connection.is_usable()

    amendment = voting.record_decision(
        round_=named_round,
        decided_by=alice,
        adopt=[named_round.entries.last().candidate],
        withdraw=[decision.adopted.get()],
        rationale="The team added the third after the city council hearing.",
    )
    assert amendment.amends == decision
    decision.refresh_from_db()
    assert decision.rationale == "Most often raised."
    assert decision.adopted.get().withdrawn_by == amendment
    assert named_round.agency.priorities.active().count() == 1


def test_decision_needs_a_closed_round_and_a_rationale(alice, named_round):
    with pytest.raises(Exception, match="Close the round"):
        voting.record_decision(round_=named_round, decided_by=alice, rationale="x")
    voting.close_round(round_=named_round, closed_by=alice)
    with pytest.raises(Exception, match="rationale"):
        voting.record_decision(round_=named_round, decided_by=alice, rationale=" ")
    assert not Decision.objects.exists()


def test_score_dot_and_approval_ballots_through_the_form(
    client_for, bob, riverton, team_and_voters, candidates
):
    team = team_and_voters[0]
    ids = [c.pk for c in candidates]
    client = client_for(bob)

    score = open_round(riverton, team, candidates, method="score", secret=False, title="Score")
    criteria = list(score.criteria.values_list("pk", flat=True))
    data = {
        "based_on": "0",
        f"score_{ids[0]}_{criteria[0]}": "5",
        f"score_{ids[1]}_{criteria[0]}": "2",
    }
    assert client.post(ballot_url(score), data).status_code == 302
    assert Ballot.objects.get(round=score).scores == {
        str(ids[0]): {str(criteria[0]): 5},
        str(ids[1]): {str(criteria[0]): 2},
    }

    dot = open_round(
        riverton, team, candidates, method="dot", dots_per_voter=5, secret=False, title="D"
    )
    too_many = {"based_on": "0", f"dots_{ids[0]}": "4", f"dots_{ids[1]}": "3"}
    response = client.post(ballot_url(dot), too_many)
    assert "You placed 7 dots but each member has 5. Take away 2." in response.content.decode()
    assert not Ballot.objects.filter(round=dot).exists()
    client.post(ballot_url(dot), {"based_on": "0", f"dots_{ids[0]}": "4", f"dots_{ids[1]}": "1"})
    assert Ballot.objects.get(round=dot).dots == {str(ids[0]): 4, str(ids[1]): 1}

    approval = open_round(riverton, team, candidates, method="approval", secret=False, title="A")
    client.post(
        ballot_url(approval),
        {"based_on": "0", f"approve_{ids[0]}": "on", f"approve_{ids[2]}": "on"},
    )
    assert Ballot.objects.get(round=approval).approvals == [ids[0], ids[2]]


def test_staff_record_an_amendment_through_the_page(client_for, alice, named_round):
    voting.close_round(round_=named_round, closed_by=alice)
    first, second = [e.candidate for e in named_round.entries.all()][:2]
    url = reverse(
        "scanning:decision-create",
        kwargs={"agency_slug": named_round.agency.slug, "round_id": named_round.pk},
    )
    client = client_for(alice)
    client.post(url, {"adopt": [first.pk], "rationale": "Heard most."})
    page = client.get(url).content.decode()
    assert "Record an amendment" in page
    client.post(url, {"adopt": [second.pk], "rationale": "Added after the hearing."})
    decisions = list(named_round.decisions.order_by("pk"))
    assert [d.amends_id for d in decisions] == [None, decisions[0].pk]
    assert named_round.agency.priorities.active().count() == 2
