"""Benchmark: counting a big priority round, and the synthesis page over 20,000 inputs.

    CS360_DATABASE_NAME=cs360_scan_bench .venv/bin/python bench/scanning.py

Uses its own database (cs360_scan_bench unless CS360_DATABASE_NAME says otherwise), builds
the data once and reuses it on later runs. Prints median and 95th percentile times.
Targets: tally of 300 voters x 40 candidates under 200 ms; synthesis page under 200 ms.
"""

import hashlib
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cs360.settings")
os.environ.setdefault("CS360_DATABASE_NAME", "cs360_scan_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from communitymap.models import Organization, Person  # noqa: E402
from cs360.models import Agency, Membership, Role, User  # noqa: E402
from scanning import voting  # noqa: E402
from scanning.models import (  # noqa: E402
    ActivityKind,
    Ballot,
    CandidateProblem,
    Input,
    RespondentKind,
    ScanningActivity,
    Theme,
    VoterRecord,
)
from scanning.queries import round_results  # noqa: E402
from teams.models import Team, TeamMember  # noqa: E402

VOTERS, CANDIDATES, INPUTS, RUNS = 300, 40, 20_000, 30
SECTORS = ["community", "police", "government", "other"]
PLACES = ["Northside", "Eastgate", "Downtown", "Green Street", "North campus", "Campustown"]


def timed(fn, runs=RUNS):
    fn()  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


@transaction.atomic
def build():
    rng = random.Random(360)
    agency = Agency.objects.create(name="Bench Police Department", slug="bench-pd")
    staff = User.objects.create_user(email="bench-staff@example.org", password="x")
    Membership.objects.create(user=staff, agency=agency, role=Role.STAFF)
    orgs = [
        Organization(
            agency=agency,
            name=f"Organization {i}",
            normalized_name=f"organization {i}",
            areas=[rng.choice(["housing", "health", "justice", "education"])],
            partner_type=rng.choice(["community", "ngo", "government", "business"]),
        )
        for i in range(50)
    ]
    Organization.objects.bulk_create(orgs)
    activities = ScanningActivity.objects.bulk_create(
        [
            ScanningActivity(
                agency=agency,
                kind=rng.choice(ActivityKind.values),
                title=f"Listening session {i}",
                held_on=timezone.localdate() - timedelta(days=i % 365),
                anonymous=i % 3 == 0,
            )
            for i in range(400)
        ]
    )
    for activity in activities:
        activity.organizations.set(rng.sample(orgs, 2))
    candidates = CandidateProblem.objects.bulk_create(
        [CandidateProblem(agency=agency, title=f"Candidate problem {i}") for i in range(60)]
    )
    Input.objects.bulk_create(
        [
            Input(
                agency=agency,
                activity=(a := rng.choice(activities)),
                anonymous=a.anonymous,
                text=f"Something people said, number {i}, about their street at night.",
                theme=rng.choice(Theme.values),
                respondent_kind=rng.choice(RespondentKind.values),
                place_name=rng.choice(PLACES),
                organization=rng.choice(orgs) if i % 4 == 0 else None,
                candidate=rng.choice(candidates) if i % 5 else None,
                strength=rng.randint(1, 3),
            )
            for i in range(INPUTS)
        ],
        batch_size=5000,
    )
    team = Team.objects.create(agency=agency, kind=Team.Kind.ADVISORY, name="Bench advisory")
    people = Person.objects.bulk_create(
        [Person(agency=agency, full_name=f"Voter {i}") for i in range(VOTERS)]
    )
    members = TeamMember.objects.bulk_create(
        [
            TeamMember(agency=agency, team=team, person=p, sector=SECTORS[i % 4], can_vote=True)
            for i, p in enumerate(people)
        ]
    )
    on_ballot = candidates[:CANDIDATES]
    for method in ("ranked", "score", "dot", "approval"):
        round_ = voting.create_round(
            agency=agency,
            created_by=staff,
            team=team,
            title=f"Bench {method} round",
            candidates=on_ballot,
            closes_at=timezone.now() + timedelta(days=7),
            method=method,
            dots_per_voter=10,
            secret=method != "score",
        )
        voting.open_round(round_=round_, opened_by=staff)
        criteria = list(round_.criteria.values_list("pk", flat=True))
        ids = [c.pk for c in on_ballot]
        VoterRecord.objects.bulk_create(
            [VoterRecord(agency=agency, round=round_, member=m) for m in members]
        )
        ballots = []
        for i, m in enumerate(members):
            order = rng.sample(ids, rng.randint(10, CANDIDATES))
            fields = {"sector": m.sector, "recusals": [order.pop()] if i % 25 == 0 else []}
            if method == "ranked":
                fields["ranking"] = order
            elif method == "score":
                fields["scores"] = {
                    str(c): {str(k): rng.randint(1, 5) for k in criteria} for c in order
                }
            elif method == "dot":
                fields["dots"] = {str(c): 2 for c in order[:5]}
            else:
                fields["approvals"] = order[:12]
            if round_.secret:
                fields["token_hash"] = hashlib.sha256(f"{method}-{i}".encode()).hexdigest()
            else:
                fields["member"] = m
            ballots.append(Ballot(agency=agency, round=round_, **fields))
        Ballot.objects.bulk_create(ballots)
        voting.close_round(round_=round_, closed_by=staff)  # Secret rounds count once closed.
    return agency


def main():
    call_command("migrate", verbosity=0)
    agency = Agency.objects.filter(slug="bench-pd").first()
    if agency is None:
        started = time.perf_counter()
        agency = build()
        print(f"Built bench data in {time.perf_counter() - started:.1f} s")
    print(
        f"{agency.scanning_inputs.count()} inputs, "
        f"{agency.candidate_problems.count()} candidates, "
        f"{VOTERS} voters x {CANDIDATES} candidates per round"
    )
    for round_ in agency.priority_rounds.order_by("pk"):
        median, p95 = timed(lambda r=round_: round_results(r))
        print(
            f"tally, {round_.get_method_display():32} median {median:6.1f} ms   p95 {p95:6.1f} ms"
        )

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(email="bench-staff@example.org"))
    url = reverse("scanning:synthesis", kwargs={"agency_slug": agency.slug})
    assert client.get(url).status_code == 200

    def page():
        response = client.get(url)
        assert response.status_code == 200

    median, p95 = timed(page)
    print(f"synthesis page, {INPUTS} inputs       median {median:6.1f} ms   p95 {p95:6.1f} ms")
    activity_url = reverse("scanning:activity-list", kwargs={"agency_slug": agency.slug})
    median, p95 = timed(lambda: client.get(activity_url))
    print(f"activity list page                   median {median:6.1f} ms   p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
