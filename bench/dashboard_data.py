"""Shared set-up of the dashboard benchmarks: a separate database with 1,000,000 incidents.

The records are generated inside PostgreSQL with INSERT ... SELECT generate_series (seconds,
not minutes), shaped like a city export: 30 categories of very different frequency (a few
of them sensitive), 25 districts with boundaries, three years of times with daily and
weekly rhythms, and snapped public coordinates. Run once; later runs reuse the data.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = os.environ.get("CS360_BENCH_DATABASE", "cs360_bench_dashboard")
SLUG = "bench-city-pd"
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cs360.settings")
    os.environ["CS360_DATABASE_NAME"] = DATABASE
    import django

    django.setup()


CATEGORIES = [
    "THEFT",
    "BATTERY",
    "CRIMINAL DAMAGE",
    "ASSAULT",
    "DECEPTIVE PRACTICE",
    "OTHER OFFENSE",
    "NARCOTICS",
    "BURGLARY",
    "MOTOR VEHICLE THEFT",
    "ROBBERY",
    "WEAPONS VIOLATION",
    "CRIMINAL TRESPASS",
    "DOMESTIC DISTURBANCE",
    "PUBLIC PEACE VIOLATION",
    "SEX OFFENSE",
    "OFFENSE INVOLVING CHILDREN",
    "CRIM SEXUAL ASSAULT",
    "PROSTITUTION",
    "INTERFERENCE WITH OFFICER",
    "STALKING",
    "ARSON",
    "LIQUOR LAW VIOLATION",
    "GAMBLING",
    "KIDNAPPING",
    "INTIMIDATION",
    "OBSCENITY",
    "HOMICIDE",
    "HUMAN TRAFFICKING",
    "MENTAL HEALTH CALL",
    "TRAFFIC",
]


def ensure_data(rows: int = ROWS):
    """Create the bench agency and its records unless they are already there."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cs360.models import Agency
    from dashboard.models import Boundary, ImportJob, PublicationSettings

    call_command("migrate", verbosity=0)
    agency, _ = Agency.objects.get_or_create(
        slug=SLUG, defaults={"name": "Bench City Police Department", "time_zone": "America/Chicago"}
    )
    PublicationSettings.objects.update_or_create(
        agency=agency, defaults={"police_data_public": True}
    )
    have = agency.police_records.count()
    if have != rows:
        started = time.perf_counter()
        agency.police_records.all().delete()
        names = "ARRAY[" + ",".join(f"'{c}'" for c in CATEGORIES) + "]"
        with connection.cursor() as cursor:
            # Category i is drawn with weight ~ 1/(i+1): a long tail, like real data.
            cursor.execute(
                f"""
                INSERT INTO dashboard_policerecord
                  (agency_id, source, record_id, occurred_at, reported_at, initial_type,
                   final_type, category, offense_code, domestic, district, beat, area_code,
                   block_address, latitude, longitude, public_latitude, public_longitude,
                   disposition, updated_at)
                SELECT %s, 'incidents', 'B' || g,
                       ts, ts, cat, cat, cat, '', NULL, d::text, d::text || '1', '',
                       (100 * (g %% 60))::text || ' block of W Main St',
                       lat, lon, round(lat::numeric, 3)::float8, round(lon::numeric, 3)::float8,
                       '', now()
                  FROM (
                    SELECT g,
                           timestamptz '2023-01-01 06:00+00'
                             + (random() * 1095) * interval '1 day'
                             + (CASE WHEN random() < 0.4 THEN 12 ELSE 0 END)
                               * interval '1 hour' AS ts,
                           ({names})[1 + floor(30 * power(random(), 2.2))::int] AS cat,
                           1 + floor(random() * 25)::int AS d,
                           41.80 + random() * 0.15 AS lat,
                           -87.75 + random() * 0.15 AS lon
                      FROM generate_series(1, %s) AS g
                  ) AS r
                """,
                [agency.pk, rows],
            )
            cursor.execute("ANALYZE dashboard_policerecord")
        print(f"generated {rows:,} records in {time.perf_counter() - started:.1f} s")
    if not agency.boundaries.exists():
        for d in range(1, 26):
            x = -87.75 + ((d - 1) % 5) * 0.03
            y = 41.80 + ((d - 1) // 5) * 0.03
            Boundary.objects.create(
                agency=agency,
                layer="district",
                code=str(d),
                name=f"District {d}",
                join_key=str(d),
                geometry={
                    "type": "Polygon",
                    "coordinates": [
                        [[x, y], [x + 0.03, y], [x + 0.03, y + 0.03], [x, y + 0.03], [x, y]]
                    ],
                },
            )
    if not agency.import_jobs.filter(status="succeeded").exists():
        ImportJob.objects.create(
            agency=agency, original_name="bench.csv", status="succeeded", finished_at=timezone.now()
        )
    return agency
