"""Importing 10,000 organizations from CSV and from Excel: preview time, commit time, memory.

    .venv/bin/python bench/communitymap_import.py

Builds its own data in a separate database (cs360_bench_map on the embedded server, or the
server in DATABASE_URL): one agency with 2,000 organizations already on the map, and a
10,000-row file of which 200 rows match existing organizations and 100 have errors. Each
step goes through Django's test client like a person's browser would (upload and preview,
open the preview page, confirm). Prints the server time of each step and the process's peak
resident size (RSS) after it. The agency
is deleted at the end. Target: preview and commit each under 10 s.
"""

import csv
import io
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("CS360_DATABASE_NAME", "cs360_bench_map")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cs360.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", 10000))
EXISTING = 2000
SLUG = "bench-community-map-import"
AREAS = ["Housing", "Health", "Justice and crime", "Education and youth services",
         "Labor and economic development", "Public works and traffic"]  # fmt: skip
HEADER = ["Name", "Partner type", "Areas", "Stance", "Stance reason", "Constituency",
          "E-mail", "Website", "Next follow-up", "Notes"]  # fmt: skip


def existing_name(n):
    return f"Riverside Block Club {n}"


def make_rows(rng):
    rows = []
    for n in range(ROWS):
        if n % 50 == 0:  # 200 rows: an organization already on the map, written differently.
            name = f"The {existing_name(n // 50).upper()}, Inc."
        else:
            name = f"Neighborhood Partner {n}"
        areas = "; ".join(rng.sample(AREAS, rng.choice([1, 2])))
        if n % 100 == 1:  # 100 rows with an error.
            areas = "Astronomy"
        rows.append([
            name, rng.choice(["Community group", "National NGO chapter or affiliate",
                              "Government agency or service"]),
            areas, rng.choice(["supporter", "critic", "neutral", "unknown", ""]),
            "Said so at the spring listening session", "Residents",
            f"info{n}@partners.example", f"partners.example/{n}", "2027-01-15",
            "Met at the block party; wants to talk about speeding on Main Street.",
        ])  # fmt: skip
    return rows


def as_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def setup():
    from communitymap.models import Organization, normalize_name, trigrams
    from cs360.models import Agency, Membership, Role, User

    cleanup()
    agency = Agency.objects.create(name="Bench Import Police Department", slug=SLUG)
    user, _ = User.objects.get_or_create(email="bench-import@example.org")
    Membership.objects.create(user=user, agency=agency, role=Role.STAFF)
    Organization.objects.bulk_create(
        Organization(
            agency=agency,
            name=existing_name(n),
            normalized_name=normalize_name(existing_name(n)),
            name_trigrams=trigrams(existing_name(n)),
            areas=["housing"],
        )
        for n in range(EXISTING)
    )
    return agency, user


def cleanup():
    """Remove the bench agency by SQL (the ORM would write a history row per deletion)."""
    from cs360.models import Agency

    for agency in Agency.objects.filter(slug=SLUG):
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM communitymap_historicalorganization WHERE agency_id = %s", [agency.pk]
            )
            cursor.execute(
                "DELETE FROM communitymap_historicalstancerecord WHERE agency_id = %s", [agency.pk]
            )
            for table in ("stancerecord", "importbatch", "historicalimportbatch", "organization"):
                cursor.execute(
                    f"DELETE FROM communitymap_{table} WHERE agency_id = %s", [agency.pk]
                )
        agency.delete()


def rss_mib():
    """The process's peak resident size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label, action):
    """Server time of one step, and the process's peak resident size after it.

    Peak resident size is a high-water mark: it only shows a step's memory when that
    step uses more than everything before it. tracemalloc would show each step's own
    peak but slows Python several times over, so it is not used for the timings.
    """
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    print(f"  {label:34} {elapsed:7.2f} s   peak RSS so far {rss_mib():6.0f} MiB")
    return result


def run(client, agency, filename, content):
    base = f"/a/{SLUG}/map/import/"
    print(f"{filename}: {ROWS:,} rows, {len(content) / 2**20:.1f} MiB")
    upload = SimpleUploadedFile(filename, content)
    response = measure("upload, check, preview", lambda: client.post(base, {"file": upload}))
    assert response.status_code == 302, response.content[:500]
    preview = response["Location"]
    page = measure("open the preview page", lambda: client.get(preview))
    assert b"Import 9,700" in page.content or b"Import 9700" in page.content, "unexpected counts"
    before = agency.organizations.count()
    response = measure(
        "confirm: write all new rows", lambda: client.post(preview, {"action": "confirm"})
    )
    assert response.status_code == 302
    print(f"  organizations written: {agency.organizations.count() - before:,}")


def main():
    call_command("migrate", verbosity=0)
    print(f"resident size after start-up: {rss_mib():.0f} MiB")
    rng = random.Random(360)
    rows = make_rows(rng)
    try:
        for filename, content in (("partners.csv", as_csv(rows)), ("partners.xlsx", as_xlsx(rows))):
            agency, user = setup()
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            run(client, agency, filename, content)
    finally:
        cleanup()
    print(f"peak resident size of the whole process: {rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
