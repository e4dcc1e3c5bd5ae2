"""Every write in scanning leaves history naming who made it, bulk writes included; secret
ballots leave none at all."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from scanning import services, voting
from scanning.models import Ballot, CandidateProblem, Criterion, Input, RoundCandidate, Topic
from scanning.tally import BallotData
from tests.factories import (
    CandidateProblemFactory,
    InputFactory,
    ScanningActivityFactory,
    open_round,
)

pytestmark = pytest.mark.django_db


def latest(model, obj):
    return model.history.filter(id=obj.pk).order_by("-history_date", "-history_id").first()


def test_grouping_and_merging_inputs_is_in_their_history_with_who_did_it(riverton, alice, dave):
    activity = ScanningActivityFactory(agency=riverton)
    inputs = [InputFactory(activity=activity) for _ in range(3)]
    lights = CandidateProblemFactory(agency=riverton, title="Lighting")
    dark = CandidateProblemFactory(agency=riverton, title="Dark paths")
    older = CandidateProblemFactory(agency=riverton, title="Older duplicate", merged_into=dark)

    services.assign_inputs(agency=riverton, inputs=inputs, candidate=dark, assigned_by=alice)
    for item in inputs:
        row = latest(Input, item)
        assert row.candidate_id == dark.pk and row.history_user == alice

    services.merge_candidates(agency=riverton, source=dark, target=lights, merged_by=dave)
    for item in inputs:
        row = latest(Input, item)
        assert row.candidate_id == lights.pk and row.history_user == dave
    assert latest(CandidateProblem, dark).merged_into_id == lights.pk
    assert latest(CandidateProblem, dark).history_user == dave
    assert latest(CandidateProblem, older).merged_into_id == lights.pk
    assert latest(CandidateProblem, older).history_user == dave


def test_making_an_activity_anonymous_is_in_its_inputs_history(riverton, alice):
    activity = ScanningActivityFactory(agency=riverton, anonymous=False)
    item = InputFactory(activity=activity, respondent_name="Pat Resident")
    services.update_activity(activity=activity, changed_by=alice, anonymous=True)
    rows = Input.history.filter(id=item.pk)
    assert not rows.exclude(respondent_name="").exists()  # the name is gone everywhere
    assert latest(Input, item).anonymous and latest(Input, item).history_user == alice


def test_round_setup_and_weights_are_in_history(riverton, alice, dave, team_and_voters, candidates):
    services.ensure_default_topics(agency=riverton, created_by=alice)
    assert Topic.history.filter(agency=riverton, history_user=alice).count() == len(
        riverton.scanning_topics.all()
    )
    round_ = voting.create_round(
        agency=riverton,
        created_by=alice,
        team=team_and_voters[0],
        title="Autumn",
        candidates=candidates,
        closes_at=timezone.now() + timedelta(days=3),
    )
    assert RoundCandidate.history.filter(round_id=round_.pk, history_user=alice).count() == 3
    assert Criterion.history.filter(round_id=round_.pk, history_user=alice).count() == 7
    first = round_.criteria.first()
    voting.update_round(
        round_=round_, changed_by=dave, candidates=candidates[:2], weights={first.pk: 3}
    )
    row = latest(Criterion, first)
    assert row.weight == Decimal("3") and row.history_user == dave
    removed = RoundCandidate.history.filter(round_id=round_.pk, history_type="-")
    assert removed.count() == 3 and set(removed.values_list("history_user", flat=True)) == {dave.pk}


def test_a_secret_ballot_has_no_history_anywhere(riverton, bob, team_and_voters, candidates):
    round_ = open_round(riverton, team_and_voters[0], candidates, secret=True)
    voting.cast_ballot(round_=round_, user=bob, data=BallotData(ranking=[candidates[0].pk]))
    assert Ballot.objects.filter(round=round_).count() == 1
    assert not hasattr(Ballot, "history")
    assert not any(m.__name__ == "HistoricalBallot" for m in apps.get_models())
