"""Server time of a busy team's pages: 30 members, 10 metrics with 5 years of weekly readings.

    .venv/bin/python bench/teams_page.py

Builds its own data in a separate database (cs360_bench_teams on the embedded server, or
the server in DATABASE_URL): one agency, 40 Community Map organizations and people, a
problem-solving team with 30 current members (and 5 former), 4 goals, 10 metrics with 260
weekly readings each (2,600), 60 meetings and 120 action items. Each page is rendered
in-process through Django's test client (middleware, gatekeeper, view, queries, template)
and median and p95 are printed in milliseconds with the number of SQL queries. The agency
is deleted at the end (BENCH_KEEP=1 keeps it). Target: team page median under 150 ms.
"""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("CS360_DATABASE_NAME", "cs360_bench_teams")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cs360.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from pagetiming import print_page_times  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_MEMBERS", 30))
METRICS = int(os.environ.get("BENCH_METRICS", 10))
WEEKS = int(os.environ.get("BENCH_WEEKS", 5 * 52))
RUNS = int(os.environ.get("BENCH_RUNS", 40))
SLUG = "bench-teams"


def build():
    from communitymap.models import Affiliation, Area, Organization, PartnerType, Person, Stance
    from cs360.models import Agency, Membership, Role, User
    from teams import services
    from teams.models import ActionItem, Meeting, Metric, Reading, Team

    cleanup()
    agency = Agency.objects.create(name="Bench Police Department", slug=SLUG)
    user, _ = User.objects.get_or_create(email="bench@example.org")
    Membership.objects.create(user=user, agency=agency, role=Role.STAFF)
    rng = random.Random(360)
    today = date.today()
    organizations = Organization.objects.bulk_create(
        Organization(
            agency=agency,
            name=f"Bench organization {n}",
            normalized_name=f"bench organization {n}",
            partner_type=PartnerType.values[n % len(PartnerType.values)],
            areas=[Area.values[n % 6]],
            stance=Stance.values[n % 4],
        )
        for n in range(40)
    )
    people = Person.objects.bulk_create(
        Person(agency=agency, full_name=f"Bench Person {n:02d}") for n in range(MEMBERS + 5)
    )
    Affiliation.objects.bulk_create(
        Affiliation(agency=agency, person=p, organization=organizations[n % 40], role_title="Chair")
        for n, p in enumerate(people)
    )
    team = services.create_team(
        agency=agency, kind=Team.Kind.PROBLEM_SOLVING, name="Bench PST", created_by=user
    )
    team.status = Team.Status.ACTIVE
    team.save()
    roles = ["co_chair", "lead", "crime_analyst", "facilitator"] + ["member"] * 40
    for n, person in enumerate(people):
        member = services.add_member(
            team=team, person=person, added_by=user, role=roles[n], joined_on=date(2020, 1, 1)
        )
        if n >= MEMBERS:
            services.remove_member(member=member, removed_by=user)
    goals = [
        services.add_goal(
            team=team,
            statement=f"Bench goal {g}",
            deadline=today + timedelta(days=300),
            added_by=user,
        )
        for g in range(4)
    ]
    start = today - timedelta(weeks=WEEKS)
    metrics = Metric.objects.bulk_create(
        Metric(
            agency=agency,
            team=team,
            goal=goals[m % 4],
            name=f"Bench metric {m}",
            definition="A weekly count.",
            unit="per week",
            direction="down",
            baseline_value=100,
            baseline_period="2020 weekly average",
            baseline_date=start,
            target_value=60,
            target_date=today + timedelta(days=200),
            cadence="weekly",
            kind="outcome" if m % 2 else "output",
            source="partner" if m % 3 == 0 else "department",
            source_organization=organizations[m] if m % 3 == 0 else None,
        )
        for m in range(METRICS)
    )
    Reading.objects.bulk_create(
        (
            Reading(
                agency=agency,
                metric=metric,
                value=100 - 30 * w / WEEKS + rng.uniform(-8, 8),
                taken_on=start + timedelta(weeks=w),
                entered_by=user,
            )
            for metric in metrics
            for w in range(WEEKS)
        ),
        batch_size=5000,
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(agency=agency, team=team, held_on=today - timedelta(days=30 * k), agenda="1.")
        for k in range(60)
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            agency=agency,
            team=team,
            meeting=meetings[k % 60],
            description=f"Bench action {k}",
            owner=people[k % MEMBERS],
            owner_organization=organizations[k % 40],
            due_on=today + timedelta(days=rng.randint(-60, 60)),
            status="done" if k % 3 == 0 else "open",
        )
        for k in range(120)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return agency, user, team, metrics


def cleanup():
    """Remove the bench agency by SQL, so deleting thousands of rows writes no history rows."""
    from cs360.models import Agency

    for agency in Agency.objects.filter(slug=SLUG):
        with connection.cursor() as cursor:
            for table in (
                "teams_assessmentcheckpoint",
                "teams_sararesponse",
                "teams_sararecord",
                "teams_reading",
                "teams_metric",
                "teams_goal",
                "teams_actionitem",
                "teams_meeting_attendees",
                "teams_meeting",
                "teams_teammember",
                "teams_team",
                "communitymap_affiliation",
                "communitymap_stancerecord",
                "communitymap_organization",
                "communitymap_person",
            ):
                if table == "teams_meeting_attendees":
                    cursor.execute(
                        "DELETE FROM teams_meeting_attendees WHERE meeting_id IN "
                        "(SELECT id FROM teams_meeting WHERE agency_id = %s)",
                        [agency.pk],
                    )
                else:
                    cursor.execute(f"DELETE FROM {table} WHERE agency_id = %s", [agency.pk])
        agency.delete()


def main():
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    agency, user, team, metrics = build()
    print(
        f"built a team of {team.members.current().count()} members, {len(metrics)} metrics and "
        f"{team.metrics.values('readings').count():,} readings in "
        f"{time.perf_counter() - started:.1f} s"
    )
    base = f"/a/{SLUG}/teams/{team.pk}"
    pages = {
        "team page": (f"{base}/", False),
        "roster and composition": (f"{base}/roster/", False),
        "metric chart (260 readings)": (f"{base}/metrics/{metrics[0].pk}/", False),
        "SARA case study": (f"{base}/sara/print/", False),
        "team list": (f"/a/{SLUG}/teams/", False),
    }
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    try:
        print_page_times(client, pages, runs=RUNS, width=30)
    finally:
        if not os.environ.get("BENCH_KEEP"):
            cleanup()


if __name__ == "__main__":
    main()
