"""Named reads for scanning: evidence counts, the under-heard panel, and round results.

Counting happens in PostgreSQL, so a page issues the same few queries whether the agency
has recorded two hundred inputs or twenty thousand.
"""

import random
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Count, Q

from communitymap.models import Area, PartnerType
from scanning import tally
from scanning.models import ActivityKind, RespondentKind, Theme
from teams.models import TeamMember

# Below this share of all inputs a kind of respondent, area or place counts as under-heard.
UNDER_HEARD_SHARE = 0.05
# In a secret round a sector with fewer voters than the agency's small-count threshold (and
# never fewer than this) is not broken out: its row would show how those few people voted.
SECRET_SECTOR_MIN = 2
DEFAULT_SMALL_COUNT = 5


def small_count_threshold(agency) -> int:
    """The agency's threshold below which counts are not shown (its publication settings)."""
    try:
        threshold = agency.publication_settings.suppression_threshold
    except ObjectDoesNotExist:
        threshold = DEFAULT_SMALL_COUNT
    return max(threshold, SECRET_SECTOR_MIN)


@dataclass
class Evidence:
    inputs: int = 0
    kinds: int = 0
    channels: int = 0
    organizations: int = 0
    strong: int = 0

    @property
    def sentence(self) -> str:
        def n(count, one, many):
            return f"{count} {one if count == 1 else many}"

        times = {1: "once", 2: "twice"}.get(self.inputs, f"{self.inputs} times")
        sentence = f"Heard {times} from {n(self.kinds, 'kind', 'kinds')} of respondent"
        sentence += f" through {n(self.channels, 'channel', 'channels')}"
        if self.organizations:
            return sentence + f", with {n(self.organizations, 'organization', 'organizations')}."
        return sentence + ", with no organization named."


def candidate_evidence(agency, candidate_ids=None) -> dict[int, Evidence]:
    """{candidate id: Evidence}. Channels are kinds of activity; organizations are those
    represented at the activities where it was heard, or named with an input."""
    inputs = agency.scanning_inputs.filter(candidate__isnull=False)
    if candidate_ids is not None:
        inputs = inputs.filter(candidate__in=candidate_ids)
    evidence = {
        row["candidate"]: Evidence(
            inputs=row["n"], kinds=row["kinds"], channels=row["channels"], strong=row["strong"]
        )
        for row in inputs.values("candidate")
        .annotate(
            n=Count("pk"),
            kinds=Count("respondent_kind", distinct=True),
            channels=Count("activity__kind", distinct=True),
            strong=Count("pk", filter=Q(strength=3)),
        )
        .order_by()
    }
    only = "AND candidate_id = ANY(%s)" if candidate_ids is not None else ""
    params = [agency.pk] + ([list(candidate_ids)] if candidate_ids is not None else [])
    sql = f"""
        SELECT candidate_id, COUNT(DISTINCT org) FROM (
          SELECT candidate_id, organization_id AS org FROM scanning_input
          WHERE agency_id = %s AND candidate_id IS NOT NULL AND organization_id IS NOT NULL {only}
          UNION ALL
          SELECT ca.candidate_id, ao.organization_id FROM (
            SELECT DISTINCT candidate_id, activity_id FROM scanning_input
            WHERE agency_id = %s AND candidate_id IS NOT NULL {only}
          ) ca JOIN scanning_scanningactivity_organizations ao
            ON ao.scanningactivity_id = ca.activity_id
        ) pairs GROUP BY candidate_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params + params)
        for candidate_id, orgs in cursor.fetchall():
            evidence.setdefault(candidate_id, Evidence()).organizations = orgs
    return evidence


@dataclass
class Coverage:
    label: str
    count: int
    share: float

    @property
    def under_heard(self) -> bool:
        return self.share < UNDER_HEARD_SHARE


@dataclass
class UnderHeard:
    total: int
    kinds: list[Coverage]
    areas: list[Coverage]
    partner_types: list[Coverage]
    places: list[Coverage]
    themes: list[Coverage]
    channels: list[Coverage]

    @property
    def gaps(self) -> dict[str, list[Coverage]]:
        return {
            "Kinds of respondent": [c for c in self.kinds if c.under_heard],
            "Community Map areas": [c for c in self.areas if c.under_heard],
            "Kinds of partner": [c for c in self.partner_types if c.under_heard],
            "Places": [c for c in self.places if c.under_heard],
        }


def _coverage(choices, counts, total):
    return [
        Coverage(label=label, count=counts.get(value, 0), share=counts.get(value, 0) / total)
        for value, label in choices
    ]


def under_heard(agency) -> UnderHeard:
    """Who and where scanning has heard little or nothing from yet."""
    inputs = agency.scanning_inputs.all()
    total = inputs.count()
    denominator = total or 1

    def grouped(field):
        return dict(inputs.values_list(field).annotate(n=Count("pk")).order_by())

    kinds = grouped("respondent_kind")
    themes = grouped("theme")
    channels = dict(inputs.values_list("activity__kind").annotate(n=Count("pk")).order_by())
    places = dict(
        inputs.exclude(place_name="").values_list("place_name").annotate(n=Count("pk")).order_by()
    )
    # Places partners on the map cover, so a neighborhood nobody spoke about still shows.
    for text in agency.organizations.exclude(neighborhoods="").values_list(
        "neighborhoods", flat=True
    ):
        for name in text.split(","):
            name = name.strip()
            if name and not any(name.lower() == p.lower() for p in places):
                places[name] = 0
    by_area, by_type = _organization_coverage(agency)
    return UnderHeard(
        total=total,
        kinds=_coverage(RespondentKind.choices, kinds, denominator),
        areas=_coverage(Area.choices, by_area, denominator),
        partner_types=_coverage(PartnerType.choices, by_type, denominator),
        places=sorted(
            (Coverage(name, n, n / denominator) for name, n in places.items()),
            key=lambda c: (c.count, c.label),
        ),
        themes=_coverage(Theme.choices, themes, denominator),
        channels=_coverage(ActivityKind.choices, channels, denominator),
    )


def _organization_coverage(agency):
    """Inputs per Community Map area and per partner type: an input counts for an area when
    an organization of that area took part in its activity or the input names one."""
    results = []
    for expand in ("unnest(o.areas)", "o.partner_type"):
        sql = f"""
            WITH reach AS (
              SELECT DISTINCT ao.scanningactivity_id AS aid, {expand} AS value
              FROM scanning_scanningactivity_organizations ao
              JOIN communitymap_organization o ON o.id = ao.organization_id
              WHERE o.agency_id = %s
            ), direct AS (
              SELECT i.activity_id AS aid, {expand} AS value
              FROM scanning_input i JOIN communitymap_organization o ON o.id = i.organization_id
              WHERE i.agency_id = %s
            )
            SELECT value, SUM(n) FROM (
              SELECT r.value, COUNT(*) AS n FROM scanning_input i
              JOIN reach r ON r.aid = i.activity_id WHERE i.agency_id = %s GROUP BY r.value
              UNION ALL
              SELECT d.value, COUNT(*) FROM direct d
              WHERE NOT EXISTS (SELECT 1 FROM reach r WHERE r.aid = d.aid AND r.value = d.value)
              GROUP BY d.value
            ) counted GROUP BY value
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [agency.pk] * 3)
            results.append({value: int(n) for value, n in cursor.fetchall()})
    return results


# --- Round results -----------------------------------------------------------------------


class ResultsSealed(Exception):
    """A secret round's ballots are not counted for anyone while voting is open."""


@dataclass
class ResultRow:
    candidate: object
    row: tally.CandidateResult
    sectors: list[tally.SectorSupport]
    hidden_sectors: int = 0

    @property
    def unsupported_sectors(self):
        return [s for s in self.sectors if s.voters and not s.supporters]


@dataclass
class RoundResults:
    round: object
    tally: tally.TallyResult
    rows: list[ResultRow]
    criteria: list
    eligible: int
    voted: int
    recorded_voters: list = field(default_factory=list)
    not_voted: list = field(default_factory=list)
    named_ballots: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    sector_labels: dict = field(default_factory=dict)
    sector_threshold: int = SECRET_SECTOR_MIN

    @property
    def quorum_met(self) -> bool:
        return self.voted >= self.round.quorum

    @property
    def turnout_share(self) -> float:
        return self.voted / self.eligible if self.eligible else 0.0

    @property
    def dissent(self) -> list[ResultRow]:
        """Top-three candidates that a whole sector gave no support."""
        return [r for r in self.rows[:3] if r.unsupported_sectors]

    def snapshot(self) -> dict:
        """What the decision records about the count, so it survives any later change."""
        return {
            "method": self.tally.method,
            "ballots": self.tally.ballots,
            "eligible": self.eligible,
            "quorum": self.round.quorum,
            "rows": [
                {
                    "candidate": r.candidate.pk,
                    "title": r.candidate.title,
                    "rank": r.row.rank,
                    "value": round(r.row.value, 4),
                    "tied": r.row.tied,
                    "consensus": round(r.row.consensus, 4),
                    "sectors": {s.sector: [s.supporters, s.voters] for s in r.sectors},
                }
                for r in self.rows
            ],
            "rounds": [
                {"counts": rd.counts, "eliminated": rd.eliminated, "tie_break": rd.tie_break}
                for rd in self.tally.rounds
            ],
        }


def round_results(round_) -> RoundResults:
    """Count a round's ballots and gather turnout; a constant number of queries.

    Refuses a secret round that is not closed: there is no view of a secret round's ballots
    while voting is open, whoever asks (docs/voting.md, "Secret ballots")."""
    if round_.secret and not round_.is_closed:
        raise ResultsSealed(f"“{round_}” is a secret round: its results open when voting closes.")
    entries = list(round_.entries.select_related("candidate"))
    candidates = {e.candidate_id: e.candidate for e in entries}
    criteria = list(round_.criteria.all())
    ballots = list(round_.ballots.order_by("id"))
    counted = tally.tally(
        method=round_.method,
        candidates=[e.candidate_id for e in entries],
        ballots=[b.as_data() for b in ballots],
        criteria={c.pk: float(c.weight) for c in criteria},
    )
    rows = []
    threshold = small_count_threshold(round_.agency)
    for row in counted.rows:
        shown, hidden = row.sectors, 0
        if round_.secret:
            shown = [s for s in row.sectors if s.voters >= threshold]
            hidden = len(row.sectors) - len(shown)
        rows.append(
            ResultRow(
                candidate=candidates[row.candidate], row=row, sectors=shown, hidden_sectors=hidden
            )
        )
    eligible = list(round_.team.members.current().filter(can_vote=True).select_related("person"))
    records = list(round_.voters.select_related("member__person"))
    voted_ids = {r.member_id for r in records}
    results = RoundResults(
        round=round_,
        tally=counted,
        rows=rows,
        criteria=criteria,
        eligible=len({m.pk for m in eligible} | voted_ids),
        voted=len(records),
        recorded_voters=records,
        not_voted=[m for m in eligible if m.pk not in voted_ids],
        sector_labels=dict(TeamMember.Sector.choices),
        sector_threshold=threshold,
    )
    if round_.secret:
        results.reasons = [b.reason for b in ballots if b.reason]
        random.SystemRandom().shuffle(results.reasons)
    else:
        members = {r.member_id: r.member for r in records}
        results.named_ballots = [
            (members.get(b.member_id), b) for b in ballots if b.member_id in members
        ]
        results.reasons = [(members.get(b.member_id), b.reason) for b in ballots if b.reason]
    return results


def published_record(round_) -> dict:
    """The closed round's public record: its rules, every counted ballot (anonymous in a
    secret round, listed by receipt fingerprint) and the result, so anyone can check their
    ballot is in the count and re-run the tally (`scanning.tally.tally`) to get the same
    result. Reasons are left out (words can identify); sectors below the agency's
    small-count threshold are blanked, as in the results."""
    results = round_results(round_)
    counts = {}
    for ballot in round_.ballots.all():
        counts[ballot.sector] = counts.get(ballot.sector, 0) + 1
    names = {r.member_id: r.member.person.full_name for r in results.recorded_voters}
    ballots = []
    for ballot in round_.ballots.order_by("token_hash", "member__person__full_name"):
        small = round_.secret and counts[ballot.sector] < results.sector_threshold
        entry = {"receipt": ballot.token_hash} if round_.secret else {}
        if not round_.secret:
            entry["voter"] = names.get(ballot.member_id, "")
        entry |= {
            "sector": "" if small else ballot.sector,
            "ranking": ballot.ranking,
            "scores": ballot.scores,
            "dots": ballot.dots,
            "approvals": ballot.approvals,
            "recusals": ballot.recusals,
        }
        ballots.append(entry)
    return {
        "round": round_.pk,
        "title": round_.title,
        "method": round_.method,
        "secret": round_.secret,
        "dots_per_voter": round_.dots_per_voter,
        "closed_at": round_.closed_at.isoformat() if round_.closed_at else None,
        "candidates": [
            {"id": e.candidate_id, "title": e.candidate.title}
            for e in round_.entries.select_related("candidate")
        ],
        "criteria": [
            {"id": c.pk, "name": c.name, "weight": float(c.weight)} for c in results.criteria
        ],
        "ballots": ballots,
        "result": results.snapshot(),
    }


def describe_published_ballot(record: dict, ballot: dict) -> str:
    """One published ballot in words, for the record page ("1. Lighting 2. Speeding")."""
    titles = {str(c["id"]): c["title"] for c in record["candidates"]}
    method = record["method"]
    if method == tally.RANKED:
        text = " ".join(f"{i}. {titles[str(c)]}" for i, c in enumerate(ballot["ranking"], 1))
    elif method == tally.DOT:
        text = ", ".join(f"{titles[c]} ×{n}" for c, n in ballot["dots"].items())
    elif method == tally.APPROVAL:
        text = ", ".join(titles[str(c)] for c in ballot["approvals"]) or "approves none"
    else:
        weights = {str(k["id"]): k["weight"] for k in record["criteria"]}
        parts = []
        for c, by in ballot["scores"].items():
            total = tally.weighted_score(by, weights)
            if total is not None:
                parts.append(f"{titles[c]} {total:.2f}")
        text = ", ".join(parts)
    recused = [titles[str(c)] for c in ballot["recusals"]]
    return text + (f" (recused: {', '.join(recused)})" if recused else "")
