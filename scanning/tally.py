"""Counting the votes of a priority round. Pure functions: no database, no Django.

The rules, including how ties are handled, are written out for people in docs/voting.md;
keep the two in step. Candidates are identified by integers (their ids) and listed in
ballot order, the order staff gave them when opening the round. Each ballot carries the
sector of the member who cast it (never who it was), so agreement can be shown by sector.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

RANKED = "ranked"
SCORE = "score"
DOT = "dot"
APPROVAL = "approval"

SCORE_MIN, SCORE_MAX = 1, 5
SCORE_MIDPOINT = 3


@dataclass
class BallotData:
    sector: str = ""
    ranking: list[int] = field(default_factory=list)
    # {candidate id: {criterion id: 1..5}}; a criterion left out means "no opinion".
    scores: dict[int, dict[int, int]] = field(default_factory=dict)
    dots: dict[int, int] = field(default_factory=dict)
    approvals: set[int] = field(default_factory=set)
    recusals: set[int] = field(default_factory=set)


@dataclass
class CriterionStat:
    mean: float | None
    spread: float | None  # Population standard deviation of the scores given.
    low: int | None
    high: int | None
    count: int


@dataclass
class SectorSupport:
    sector: str
    supporters: int
    voters: int

    @property
    def share(self) -> float:
        return self.supporters / self.voters if self.voters else 0.0


@dataclass
class CandidateResult:
    candidate: int
    rank: int = 0
    value: float = 0.0
    tied: bool = False
    voters: int = 0  # Ballots that did not recuse on this candidate.
    recused: int = 0
    supporters: int = 0
    sectors: list[SectorSupport] = field(default_factory=list)
    consensus: float = 0.0
    criteria: dict[int, CriterionStat] = field(default_factory=dict)
    spread: float | None = None
    eliminated_in: int | None = None  # Ranked choice: the round it dropped out in.

    @property
    def unsupported_sectors(self) -> list[str]:
        """Sectors whose every voter gave this candidate no support."""
        return [s.sector for s in self.sectors if s.voters and not s.supporters]


@dataclass
class RunoffRound:
    number: int
    counts: dict[int, int]
    exhausted: int
    eliminated: int | None = None
    tie_break: str = ""
    majority: int | None = None


@dataclass
class TallyResult:
    method: str
    ballots: int
    rows: list[CandidateResult]
    rounds: list[RunoffRound] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def row(self, candidate: int) -> CandidateResult:
        return next(r for r in self.rows if r.candidate == candidate)

    @property
    def order(self) -> list[int]:
        return [r.candidate for r in self.rows]


class BallotProblem(ValueError):
    """A ballot breaks the round's rules; the message says how, in plain words."""


def check_ballot(
    ballot: BallotData,
    *,
    method: str,
    candidates: list[int],
    criteria: list[int],
    dots_per_voter: int = 0,
) -> None:
    """Raise BallotProblem when a ballot cannot be counted as it stands."""
    known = set(candidates)
    unknown = (
        set(ballot.ranking)
        | set(ballot.dots)
        | ballot.approvals
        | set(ballot.scores)
        | ballot.recusals
    ) - known
    if unknown:
        raise BallotProblem("The ballot names a candidate that is not in this round.")
    if method == RANKED:
        if len(ballot.ranking) != len(set(ballot.ranking)):
            raise BallotProblem("Each candidate can appear only once in your ranking.")
        if set(ballot.ranking) & ballot.recusals:
            raise BallotProblem("You cannot rank a candidate you recused yourself from.")
        if not ballot.ranking and len(ballot.recusals) < len(candidates):
            raise BallotProblem("Rank at least one candidate.")
    elif method == SCORE:
        for candidate, by_criterion in ballot.scores.items():
            if candidate in ballot.recusals and by_criterion:
                raise BallotProblem("You cannot score a candidate you recused yourself from.")
            for criterion, value in by_criterion.items():
                if criterion not in criteria:
                    raise BallotProblem("The ballot scores a criterion that is not in this round.")
                if not SCORE_MIN <= value <= SCORE_MAX:
                    raise BallotProblem(f"Scores go from {SCORE_MIN} to {SCORE_MAX}.")
        if not any(ballot.scores.values()) and len(ballot.recusals) < len(candidates):
            raise BallotProblem("Score at least one candidate on at least one criterion.")
    elif method == DOT:
        if any(value < 0 for value in ballot.dots.values()):
            raise BallotProblem("Dots cannot be negative.")
        if any(ballot.dots.get(c) for c in ballot.recusals):
            raise BallotProblem("You cannot give dots to a candidate you recused yourself from.")
        used = sum(ballot.dots.values())
        if used > dots_per_voter:
            raise BallotProblem(
                f"You placed {used} dots but each member has {dots_per_voter}. "
                f"Take away {used - dots_per_voter}."
            )
        if used == 0 and len(ballot.recusals) < len(candidates):
            raise BallotProblem("Place at least one dot.")
    elif method == APPROVAL:
        if ballot.approvals & ballot.recusals:
            raise BallotProblem("You cannot approve a candidate you recused yourself from.")
    else:
        raise BallotProblem(f"Unknown voting method {method!r}.")


def tally(
    *,
    method: str,
    candidates: list[int],
    ballots: list[BallotData],
    criteria: dict[int, float] | None = None,
) -> TallyResult:
    """Count `ballots` by `method`; `criteria` maps criterion id to weight (score method)."""
    rows = {c: CandidateResult(candidate=c) for c in candidates}
    result = TallyResult(method=method, ballots=len(ballots), rows=[])
    if method == RANKED:
        _ranked(candidates, ballots, rows, result)
    elif method == SCORE:
        _score(candidates, ballots, rows, criteria or {}, result)
    elif method == DOT:
        for ballot in ballots:
            for c, n in ballot.dots.items():
                rows[c].value += n
        _rank_by_value(candidates, rows, result)
    elif method == APPROVAL:
        for ballot in ballots:
            for c in ballot.approvals:
                rows[c].value += 1
        _rank_by_value(candidates, rows, result)
    else:
        raise ValueError(f"Unknown voting method {method!r}")
    _support_by_sector(method, candidates, ballots, rows, criteria or {})
    result.rows = sorted(rows.values(), key=lambda r: (r.rank, candidates.index(r.candidate)))
    return result


def _rank_by_value(candidates, rows, result):
    """Higher value ranks first; equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(candidates, key=lambda c: (-rows[c].value, candidates.index(c)))
    previous = None
    for position, c in enumerate(ordered, start=1):
        value = round(rows[c].value, 9)
        if previous is not None and value == previous[1]:
            rows[c].rank = previous[0]
            rows[c].tied = True
            rows[previous[2]].tied = True
        else:
            rows[c].rank = position
        previous = (rows[c].rank, value, c)
    ties = {}
    for c in ordered:
        if rows[c].tied:
            ties.setdefault(rows[c].rank, []).append(c)
    for rank, tied in ties.items():
        result.notes.append(f"tie:{rank}:" + ",".join(str(c) for c in tied))


def _score(candidates, ballots, rows, weights, result):
    per_criterion: dict[int, dict[int, list[int]]] = {
        c: {k: [] for k in weights} for c in candidates
    }
    voter_totals: dict[int, list[float]] = {c: [] for c in candidates}
    for ballot in ballots:
        for c, by_criterion in ballot.scores.items():
            if c in ballot.recusals or not by_criterion:
                continue
            for k, value in by_criterion.items():
                per_criterion[c][k].append(value)
            total = weighted_score(by_criterion, weights)
            if total is not None:
                voter_totals[c].append(total)
    for c in candidates:
        stats = {}
        numerator = denominator = 0.0
        for k, weight in weights.items():
            values = per_criterion[c][k]
            if values:
                mean = statistics.fmean(values)
                stats[k] = CriterionStat(
                    mean=mean,
                    spread=statistics.pstdev(values),
                    low=min(values),
                    high=max(values),
                    count=len(values),
                )
                numerator += weight * mean
                denominator += weight
            else:
                stats[k] = CriterionStat(None, None, None, None, 0)
        rows[c].criteria = stats
        rows[c].value = numerator / denominator if denominator else 0.0
        totals = voter_totals[c]
        rows[c].spread = statistics.pstdev(totals) if totals else None
    _rank_by_value(candidates, rows, result)


def weighted_score(by_criterion: dict[int, int], weights: dict[int, float]) -> float | None:
    numerator = denominator = 0.0
    for k, value in by_criterion.items():
        weight = weights.get(k, 0.0)
        numerator += weight * value
        denominator += weight
    return numerator / denominator if denominator else None


def _ranked(candidates, ballots, rows, result):
    """Instant-runoff, one elimination per round, until one candidate is left.

    The winner is the last one standing (a candidate with a majority of the ballots still
    in play can never be the lowest). The others are ranked in reverse order of
    elimination. Ties for elimination are broken as docs/voting.md explains.
    """
    continuing = list(candidates)
    history: list[dict[int, int]] = []
    eliminated: list[int] = []
    # Borda points: a ballot ranking k candidates gives k points to its first, k-1 to the
    # next... used only to break a tie that the earlier rounds could not break.
    borda = dict.fromkeys(candidates, 0)
    for ballot in ballots:
        size = len(ballot.ranking)
        for position, c in enumerate(ballot.ranking):
            borda[c] += size - position
    number = 0
    while continuing:
        number += 1
        alive = set(continuing)
        counts = dict.fromkeys(continuing, 0)
        exhausted = 0
        for ballot in ballots:
            for c in ballot.ranking:
                if c in alive:
                    counts[c] += 1
                    break
            else:
                exhausted += 1
        history.append(counts)
        in_play = len(ballots) - exhausted
        this_round = RunoffRound(number=number, counts=counts, exhausted=exhausted)
        leader = max(continuing, key=lambda c: counts[c])
        if in_play and counts[leader] * 2 > in_play:
            this_round.majority = leader
        result.rounds.append(this_round)
        for c in continuing:
            rows[c].value = counts[c]
        if len(continuing) == 1:
            break
        loser, how = _pick_loser(continuing, history, borda, candidates)
        this_round.eliminated = loser
        this_round.tie_break = how
        if how:
            rows[loser].tied = True
            result.notes.append(f"runoff-tie:{number}:{loser}:{how}")
        rows[loser].eliminated_in = number
        eliminated.append(loser)
        continuing.remove(loser)
    order = continuing + list(reversed(eliminated))
    for position, c in enumerate(order, start=1):
        rows[c].rank = position


def _pick_loser(continuing, history, borda, candidates):
    lowest = min(history[-1][c] for c in continuing)
    tied = [c for c in continuing if history[-1][c] == lowest]
    if len(tied) == 1:
        return tied[0], ""
    # 1. Look back: fewest votes in the most recent earlier round where they differed.
    for counts in reversed(history[:-1]):
        fewest = min(counts[c] for c in tied)
        narrowed = [c for c in tied if counts[c] == fewest]
        if len(narrowed) < len(tied):
            tied = narrowed
            if len(tied) == 1:
                return tied[0], "earlier rounds"
    # 2. Fewest Borda points over all rankings.
    fewest = min(borda[c] for c in tied)
    narrowed = [c for c in tied if borda[c] == fewest]
    if len(narrowed) == 1:
        return narrowed[0], "overall ranking points"
    # 3. Still level: the one listed later on the ballot goes out; staff are told.
    return max(narrowed, key=candidates.index), "ballot order"


def _stance(method, ballot: BallotData, c: int, n_candidates: int, weights) -> bool:
    """Does this ballot support candidate c? See docs/voting.md, "Agreement by sector"."""
    if method == RANKED:
        if c not in ballot.ranking:
            return False
        return ballot.ranking.index(c) < n_candidates / 2
    if method == SCORE:
        total = weighted_score(ballot.scores.get(c) or {}, weights)
        return total is not None and total > SCORE_MIDPOINT
    if method == DOT:
        return ballot.dots.get(c, 0) > 0
    return c in ballot.approvals


def _support_by_sector(method, candidates, ballots, rows, weights):
    sectors = sorted({b.sector for b in ballots})
    n = len(candidates)
    for c in candidates:
        row = rows[c]
        by_sector = {s: SectorSupport(sector=s, supporters=0, voters=0) for s in sectors}
        for ballot in ballots:
            if c in ballot.recusals:
                row.recused += 1
                continue
            row.voters += 1
            entry = by_sector[ballot.sector]
            entry.voters += 1
            if _stance(method, ballot, c, n, weights):
                entry.supporters += 1
                row.supporters += 1
        row.sectors = [s for s in by_sector.values() if s.voters]
        # Group-aware consensus, after Polis: the product over sectors of each sector's
        # (smoothed) share in support, so one sector's opposition pulls it down sharply.
        row.consensus = math.prod((s.supporters + 1) / (s.voters + 2) for s in row.sectors)
