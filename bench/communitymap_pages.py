"""Server time of the Community Map's worksheet and list pages at 5,000 organizations.

    .venv/bin/python bench/communitymap_pages.py

Builds its own data in a separate database (cs360_bench_map on the embedded server, or the
server in DATABASE_URL): one agency with 5,000 organizations across the six areas and
20,000 affiliations (some ended, some ending within 30 days), then renders each page
in-process through Django's test client (middleware, gatekeeper, view, queries, template)
and prints median and p95 in milliseconds with the number of SQL queries. The agency is
deleted at the end. Target: under 150 ms median for each page.
"""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("CS360_DATABASE_NAME", "cs360_bench_map")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cs360.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from pagetiming import print_page_times  # noqa: E402

ORGANIZATIONS = int(os.environ.get("BENCH_ORGANIZATIONS", 5000))
AFFILIATIONS = int(os.environ.get("BENCH_AFFILIATIONS", 20000))
RUNS = int(os.environ.get("BENCH_RUNS", 40))
SLUG = "bench-community-map"
WORDS = ["Northside", "Eastgate", "Riverside", "Campus", "Green Street", "Southside", "Old Town",
         "Westview", "Harbor", "Maple", "Lincoln", "Cedar"]  # fmt: skip
KINDS = ["Neighborhood Association", "Tenants Union", "Youth League", "Block Club", "Church",
         "Food Pantry", "Business Association", "Health Clinic", "Garden Club", "PTA"]  # fmt: skip


def build():
    from communitymap.models import (
        Affiliation,
        Area,
        Organization,
        PartnerType,
        Person,
        RelationshipStatus,
        Stance,
        normalize_name,
        trigrams,
    )
    from cs360.models import Agency, Membership, Role, User

    cleanup()
    agency = Agency.objects.create(name="Bench Police Department", slug=SLUG)
    user, _ = User.objects.get_or_create(email="bench@example.org")
    Membership.objects.create(user=user, agency=agency, role=Role.STAFF)
    rng = random.Random(360)
    areas = list(Area.values)
    today = date.today()
    organizations = []
    for n in range(ORGANIZATIONS):
        name = f"{rng.choice(WORDS)} {rng.choice(KINDS)} {n}"
        organizations.append(
            Organization(
                agency=agency,
                name=name,
                normalized_name=normalize_name(name),
                name_trigrams=trigrams(name),
                partner_type=rng.choice(PartnerType.values),
                areas=rng.sample(areas, rng.choice([1, 1, 2, 3])),
                stance=rng.choice(Stance.values),
                status=rng.choice(RelationshipStatus.values),
                owner=user if n % 4 == 0 else None,
                next_follow_up=today + timedelta(days=rng.randint(-30, 90)) if n % 3 else None,
            )
        )
    organizations = Organization.objects.bulk_create(organizations, batch_size=2000)
    people = Person.objects.bulk_create(
        [Person(agency=agency, full_name=f"Person {n}") for n in range(AFFILIATIONS // 2)],
        batch_size=5000,
    )
    affiliations = []
    for n in range(AFFILIATIONS):
        start = today - timedelta(days=rng.randint(30, 1500))
        end = rng.choice([None, None, today - timedelta(days=rng.randint(1, 20)),
                          today + timedelta(days=rng.randint(1, 400))])  # fmt: skip
        affiliations.append(
            Affiliation(
                agency=agency,
                organization=organizations[n % len(organizations)],
                person=people[n % len(people)],
                role_title="Chair",
                start_date=start,
                end_date=end,
            )
        )
    Affiliation.objects.bulk_create(affiliations, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return agency, user


def cleanup():
    """Remove the bench agency. Rows go by SQL: deleting them one by one through the ORM
    would also write a history row for each of the 25,000."""
    from cs360.models import Agency

    for agency in Agency.objects.filter(slug=SLUG):
        with connection.cursor() as cursor:
            for table in (
                "communitymap_affiliation",
                "communitymap_stancerecord",
                "communitymap_outreachentry",
                "communitymap_organization",
                "communitymap_person",
            ):
                cursor.execute(f"DELETE FROM {table} WHERE agency_id = %s", [agency.pk])
        agency.delete()


def main():
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    agency, user = build()
    print(
        f"built {agency.organizations.count():,} organizations and "
        f"{agency.affiliations.count():,} affiliations in {time.perf_counter() - started:.1f} s"
    )
    base = f"/a/{SLUG}/map"
    pages = {
        "worksheet": (f"{base}/", {}),
        "list": (f"{base}/organizations/", {}),
        "list, filtered (htmx)": (f"{base}/organizations/?area=housing&stance=critic", True),
        "list, needs new contact": (f"{base}/organizations/?flag=needs_new_contact", {}),
        "list, typo search (htmx)": (f"{base}/organizations/?q=nortside+tenant+unoin", True),
        "list, last page": (f"{base}/organizations/?sort=-updated_at&page=200", {}),
    }
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    try:
        print_page_times(client, pages, runs=RUNS, width=28)
    finally:
        if not os.environ.get("BENCH_KEEP"):
            cleanup()


if __name__ == "__main__":
    main()
