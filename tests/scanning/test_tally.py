"""The counting rules, checked against examples worked out by hand (see docs/voting.md)."""

import pytest

from scanning.tally import (
    APPROVAL,
    DOT,
    RANKED,
    SCORE,
    BallotData,
    BallotProblem,
    check_ballot,
    tally,
)

A, B, C, D = 1, 2, 3, 4


def ranked(*orders, sector="community"):
    return [BallotData(sector=sector, ranking=list(order)) for order in orders]


def test_instant_runoff_transfers_the_last_candidates_votes():
    # Round 1: A 4, B 3, C 2; no majority of 9. C goes; its 2 ballots move to B: A 4, B 5.
    ballots = ranked(*[[A, B, C]] * 4, *[[B, C, A]] * 3, *[[C, B, A]] * 2)
    result = tally(method=RANKED, candidates=[A, B, C], ballots=ballots)
    assert result.order == [B, A, C]
    assert [r.counts for r in result.rounds[:2]] == [{A: 4, B: 3, C: 2}, {A: 4, B: 5}]
    assert result.rounds[0].majority is None
    assert result.rounds[1].majority == B
    assert result.row(C).eliminated_in == 1 and result.row(A).eliminated_in == 2
    assert not any(r.tied for r in result.rows)


def test_runoff_tie_for_last_is_broken_by_the_earlier_round():
    # Round 1: A 4, B 3, C 2, D 1 -> D out, its ballot goes to C: A 4, B 3, C 3.
    # B and C tie for last; in round 1 C had fewer (2 < 3), so C goes out.
    ballots = ranked(*[[A]] * 4, *[[B]] * 3, *[[C]] * 2, [D, C])
    result = tally(method=RANKED, candidates=[A, B, C, D], ballots=ballots)
    assert result.rounds[1].counts == {A: 4, B: 3, C: 3}
    assert result.rounds[1].eliminated == C
    assert result.rounds[1].tie_break == "earlier rounds"
    # C's three ballots rank no one else: 3 exhausted, A has 4 of the 7 left in play.
    assert result.rounds[2].exhausted == 3 and result.rounds[2].majority == A
    assert result.order == [A, B, C, D]
    assert result.row(C).tied


E, F = 5, 6


def test_runoff_tie_looks_back_from_the_most_recent_round_not_the_oldest():
    # Round 1: A 10, B 6, C 5, D 4, E 2 -> E out; its 2 ballots go to C.
    # Round 2: A 10, B 6, C 7, D 4      -> D out; 2 go to B, 1 to C, 1 exhausted.
    # Round 3: A 10, B 8, C 8           -> B and C tie for last. The most recent earlier
    #   round (2) has B 6 < C 7, so B goes out. (Looking from the oldest round, where
    #   B 6 > C 5, would wrongly put C out and make B the winner.)
    # Round 4: B's six [B, C] ballots go to C: A 10, C 14 of 24 in play. C wins.
    ballots = ranked(
        *[[A]] * 10, *[[B, C]] * 6, *[[C, B]] * 5, *[[D, B]] * 2, [D, C], [D], *[[E, C]] * 2
    )
    result = tally(method=RANKED, candidates=[A, B, C, D, E], ballots=ballots)
    assert [r.counts for r in result.rounds] == [
        {A: 10, B: 6, C: 5, D: 4, E: 2},
        {A: 10, B: 6, C: 7, D: 4},
        {A: 10, B: 8, C: 8},
        {A: 10, C: 14},
        {C: 14},  # Counting goes on until one is left; the majority does not change.
    ]
    assert [r.eliminated for r in result.rounds] == [E, D, B, A, None]
    assert [r.tie_break for r in result.rounds] == ["", "", "earlier rounds", "", ""]
    assert result.rounds[3].exhausted == 3 and result.rounds[3].majority == C
    assert result.order == [C, A, B, D, E]


def test_runoff_tie_skips_back_over_a_round_where_the_tied_were_level():
    # Round 1: A 12, B 6, C 5, D 4, E 3, F 2 -> F out; both its ballots go to C.
    # Round 2: A 12, B 6, C 7, D 4, E 3      -> E out; one ballot to B, two exhausted.
    # Round 3: A 12, B 7, C 7, D 4           -> D out; two to B, two to C.
    # Round 4: A 12, B 9, C 9                -> tie. Round 3 has them level (7, 7); round 2,
    #   the most recent where they differ, has B 6 < C 7: B goes out (round 1 says C).
    # Round 5: B's six [B, C] ballots move to C: A 12, C 15 of 27 in play. C wins.
    ballots = ranked(
        *[[A]] * 12,
        *[[B, C]] * 6,
        *[[C, B]] * 5,
        *[[D, B]] * 2,
        *[[D, C]] * 2,
        [E, B],
        *[[E]] * 2,
        *[[F, C]] * 2,
    )
    result = tally(method=RANKED, candidates=[A, B, C, D, E, F], ballots=ballots)
    assert result.rounds[2].counts == {A: 12, B: 7, C: 7, D: 4}
    assert result.rounds[3].counts == {A: 12, B: 9, C: 9}
    assert result.rounds[3].eliminated == B and result.rounds[3].tie_break == "earlier rounds"
    assert result.rounds[4].counts == {A: 12, C: 15} and result.rounds[4].majority == C
    assert result.order == [C, A, B, D, E, F]


def test_runoff_tie_with_no_history_uses_ranking_points():
    # Everyone first once; points: A 2+1=3, B 2, C 1+1+2=4. B has fewest and goes out,
    # then its ballot moves to C, which beats A 2 to 1.
    ballots = ranked([A, C], [B, C], [C, A])
    result = tally(method=RANKED, candidates=[A, B, C], ballots=ballots)
    assert result.rounds[0].eliminated == B
    assert result.rounds[0].tie_break == "overall ranking points"
    assert result.order == [C, A, B]


def test_runoff_dead_heat_falls_back_to_ballot_order_and_says_so():
    result = tally(method=RANKED, candidates=[A, B], ballots=ranked([A], [B]))
    assert result.rounds[0].eliminated == B
    assert result.rounds[0].tie_break == "ballot order"
    assert result.order == [A, B]
    assert any(note.startswith("runoff-tie:1:2") for note in result.notes)


def test_score_is_the_weighted_mean_of_criteria_means_with_spread():
    # Criteria 10 (weight 2) and 11 (weight 1).
    # X: means 4 and 2 -> (2*4 + 2) / 3 = 3.333; Y: 3.5 and 2 -> (7 + 2) / 3 = 3.0.
    X, Y = 1, 2
    ballots = [
        BallotData(sector="police", scores={X: {10: 5, 11: 1}, Y: {10: 3, 11: 3}}),
        BallotData(sector="community", scores={X: {10: 3, 11: 3}, Y: {10: 4, 11: 1}}),
    ]
    result = tally(method=SCORE, candidates=[X, Y], ballots=ballots, criteria={10: 2, 11: 1})
    assert result.order == [X, Y]
    assert result.row(X).value == pytest.approx(10 / 3)
    assert result.row(Y).value == pytest.approx(3.0)
    assert result.row(X).criteria[10].mean == 4 and result.row(X).criteria[10].spread == 1
    assert (result.row(X).criteria[10].low, result.row(X).criteria[10].high) == (3, 5)
    # Voters' own totals for X: 11/3 and 9/3, so their spread is 1/3.
    assert result.row(X).spread == pytest.approx(1 / 3)
    # Support means a weighted score above 3: only the police voter supports X.
    sectors = {s.sector: (s.supporters, s.voters) for s in result.row(X).sectors}
    assert sectors == {"police": (1, 1), "community": (0, 1)}
    assert result.row(X).unsupported_sectors == ["community"]


def test_score_ties_share_a_rank_and_recusals_leave_the_mean():
    X, Y, Z = 1, 2, 3
    ballots = [
        BallotData(scores={X: {10: 4}, Y: {10: 4}, Z: {10: 2}}),
        BallotData(scores={X: {10: 2}, Y: {10: 2}, Z: {10: 5}}, recusals=set()),
        BallotData(scores={Y: {10: 1}}, recusals={X, Z}),
    ]
    # X: (4+2)/2 = 3; Y: (4+2+1)/3 = 2.33; Z: (2+5)/2 = 3.5.
    result = tally(method=SCORE, candidates=[X, Y, Z], ballots=ballots, criteria={10: 1})
    assert result.order == [Z, X, Y]
    assert result.row(X).recused == 1 and result.row(X).voters == 2
    tied = tally(
        method=SCORE, candidates=[X, Y, Z], ballots=ballots[:2], criteria={10: 1}
    )  # X 3, Y 3, Z 3.5
    assert [(r.candidate, r.rank, r.tied) for r in tied.rows] == [
        (Z, 1, False),
        (X, 2, True),
        (Y, 2, True),
    ]


def test_dot_voting_totals_dots_and_ties_share_a_rank():
    ballots = [
        BallotData(sector="police", dots={A: 3, B: 2}),
        BallotData(sector="community", dots={B: 1, C: 4}),
    ]
    result = tally(method=DOT, candidates=[A, B, C], ballots=ballots)
    assert [(r.candidate, r.value, r.rank) for r in result.rows] == [
        (C, 4, 1),
        (A, 3, 2),
        (B, 3, 2),
    ]
    assert result.row(A).tied and result.row(B).tied and not result.row(C).tied
    assert result.notes == ["tie:2:1,2"]
    # C is first, but the police voter gave it no dot: that sector gave it no support.
    assert result.row(C).unsupported_sectors == ["police"]


def test_approval_counts_approvals_and_ties_share_a_rank():
    ballots = [
        BallotData(approvals={A, B}),
        BallotData(approvals={B}),
        BallotData(approvals={A, C}),
    ]
    result = tally(method=APPROVAL, candidates=[A, B, C], ballots=ballots)
    assert [(r.candidate, r.value, r.rank) for r in result.rows] == [
        (A, 2, 1),
        (B, 2, 1),
        (C, 1, 3),
    ]


def test_consensus_is_the_product_of_sector_support_after_polis():
    ballots = [
        BallotData(sector="police", approvals={A}),
        BallotData(sector="community", approvals=set()),
        BallotData(sector="community", approvals=set()),
    ]
    row = tally(method=APPROVAL, candidates=[A], ballots=ballots).row(A)
    # Police (1+1)/(1+2) times community (0+1)/(2+2).
    assert row.consensus == pytest.approx(2 / 3 * 1 / 4)


def test_ranked_support_is_the_top_half_of_the_ballot():
    ballots = ranked([A, B, C, D], sector="police")
    result = tally(method=RANKED, candidates=[A, B, C, D], ballots=ballots)
    supported = {r.candidate for r in result.rows if r.supporters}
    assert supported == {A, B}


@pytest.mark.parametrize(
    ("method", "ballot", "message"),
    [
        (RANKED, BallotData(ranking=[A, B, A]), "only once"),
        (RANKED, BallotData(ranking=[A, 99]), "not in this round"),
        (RANKED, BallotData(ranking=[A], recusals={A}), "recused"),
        (RANKED, BallotData(), "at least one"),
        (DOT, BallotData(dots={A: 4, B: 2}), "placed 6 dots but each member has 5"),
        (DOT, BallotData(dots={A: -1}), "negative"),
        (DOT, BallotData(dots={A: 1}, recusals={A}), "recused"),
        (SCORE, BallotData(scores={A: {10: 6}}), "from 1 to 5"),
        (SCORE, BallotData(scores={A: {77: 3}}), "criterion"),
        (APPROVAL, BallotData(approvals={A}, recusals={A}), "recused"),
    ],
)
def test_bad_ballots_are_refused_with_a_reason(method, ballot, message):
    with pytest.raises(BallotProblem, match=message):
        check_ballot(ballot, method=method, candidates=[A, B, C], criteria=[10], dots_per_voter=5)


def test_a_member_recusing_on_everything_may_still_cast_a_ballot():
    check_ballot(
        BallotData(recusals={A, B}), method=RANKED, candidates=[A, B], criteria=[], dots_per_voter=0
    )
