"""Fifty members vote at the same moment, ten of them twice: one ballot each, right tally.

Each thread has its own database connection, as separate web requests would, and all of
them are released together by a barrier.
"""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection

from cs360.models import Role
from scanning import queries, voting
from scanning.models import Ballot, VoterRecord
from scanning.tally import BallotData
from tests.conftest import member
from tests.factories import AgencyFactory, CandidateProblemFactory, advisory_team, open_round

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 50
TWICE = 10


def test_fifty_simultaneous_ballots_plus_duplicates():
    # One test running both kinds of round in turn, so two workers never hold 120
    # connections at once on the shared development server.
    for secret in (False, True):
        _vote_all_at_once(secret)


def _connect():
    """Open this thread's connection before the start signal; wait if the server is busy."""
    for _ in range(200):
        try:
            connection.ensure_connection()
            return
        except OperationalError:
            time.sleep(0.25)
    connection.ensure_connection()


def _vote_all_at_once(secret):
    agency = AgencyFactory(name=f"Concurrency PD {secret}", slug=f"concurrency-pd-{secret}")
    users = [
        member(f"voter{i}@concurrency.test", agency, Role.PARTNER, f"Voter {i}")
        for i in range(VOTERS)
    ]
    sectors = ["community", "police", "government"]
    team, _ = advisory_team(agency, [(u, sectors[i % 3]) for i, u in enumerate(users)])
    candidates = [CandidateProblemFactory(agency=agency) for _ in range(3)]
    round_ = open_round(agency, team, candidates, secret=secret)
    ids = [c.pk for c in candidates]

    # Voter i ranks candidate i % 3 first; the duplicate of voters 0..9 ranks another first.
    jobs = [(u, [ids[i % 3], ids[(i + 1) % 3]]) for i, u in enumerate(users)]
    jobs += [(users[i], [ids[(i + 2) % 3]]) for i in range(TWICE)]
    barrier = threading.Barrier(len(jobs))

    def submit(job):
        user, ranking = job
        try:
            _connect()
            barrier.wait()
            voting.cast_ballot(round_=round_, user=user, data=BallotData(ranking=ranking))
            return user.pk, ranking, None
        except voting.BallotRefused as refusal:
            return user.pk, ranking, str(refusal)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        outcomes = list(pool.map(submit, jobs))

    accepted = [(user_id, ranking) for user_id, ranking, error in outcomes if error is None]
    refused = [error for _, _, error in outcomes if error is not None]
    assert len(accepted) == VOTERS
    assert len({user_id for user_id, _ in accepted}) == VOTERS
    assert len(refused) == TWICE
    assert all("same moment" in error or "changed after you opened" in error for error in refused)
    assert VoterRecord.objects.filter(round=round_).count() == VOTERS
    assert Ballot.objects.filter(round=round_).count() == VOTERS
    if not secret:
        assert Ballot.objects.filter(round=round_).values("member").distinct().count() == VOTERS

    expected_first = Counter(ranking[0] for _, ranking in accepted)
    voting.close_round(round_=round_, closed_by=None)  # A secret round is counted once closed.
    round_.refresh_from_db()
    results = queries.round_results(round_)
    assert results.tally.rounds[0].counts == {c: expected_first.get(c, 0) for c in ids}
    assert results.voted == VOTERS
