"""Every export in tests/data/police goes through upload -> suggested mapping -> preview ->
import with NO saved mapping and NO format typed by hand: the mapping page's own suggestion
is posted back as it stands. Record counts, first/last timestamps in local time and
per-month counts are then checked against figures computed here, independently, with the
csv module (openpyxl for the workbook) and `datetime.strptime`."""

import csv
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from dashboard import importing
from dashboard.models import ImportJob
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parents[1] / "data" / "police"


def local(fmt):
    return lambda v: datetime.strptime(v, fmt)


def utc_iso(v):
    return datetime.fromisoformat(v.replace("Z", "+00:00")).astimezone(UTC)


def pocatello(v):
    return datetime.strptime(v, "%H:%M:%S %m/%d/%y")


def uiuc(v):
    for fmt in ("%m/%d/%Y %H:%M", "%m/%d/%y %H:%M"):
        try:
            return datetime.strptime(v, fmt)
        except ValueError:
            pass
    raise ValueError(v)


def with_time(date_fmt, time_fmt):
    def parse(date_value, time_value):
        day = datetime.strptime(date_value, date_fmt)
        t = datetime.strptime(time_value, time_fmt)
        return day.replace(hour=t.hour, minute=t.minute, second=t.second)

    return parse


# file: (time zone, id column, occurred column, parser, time column, reported fallback column)
# Columns are positions (Reno has no header row). What the suggester must find on its own.
CASES = {
    "berkeley_calls_2018.csv": (
        "America/Los_Angeles",
        0,
        2,
        with_time("%m/%d/%Y %I:%M:%S %p", "%H:%M"),
        3,
        None,
    ),
    "charlottesville_crime_2019.csv": ("America/New_York", 2, 6, utc_iso, None, None),
    "chicago_crimes_2024.csv": ("America/Chicago", 0, 2, local("%m/%d/%Y %I:%M:%S %p"), None, None),
    "chicago_unfamiliar_headers.csv": (
        "America/Chicago",
        0,
        2,
        local("%m/%d/%Y %I:%M:%S %p"),
        None,
        None,
    ),
    "dallas_active_calls_2018.csv": (
        "America/Chicago",
        4,
        2,
        local("%Y-%m-%dT%H:%M:%S.%f"),
        None,
        None,
    ),
    "denver_crime.csv": ("America/Denver", 1, 6, local("%m/%d/%Y %I:%M:%S %p"), None, 8),
    "philadelphia_incidents_2025.csv": ("America/New_York", 10, 6, utc_iso, None, None),
    "pocatello_cad_2025.xlsx": ("America/Boise", 0, 4, pocatello, None, None),
    "reno_cad_calls_2011.csv": (
        "America/Los_Angeles",
        0,
        2,
        with_time("%m%d%Y", "%H%M%S"),
        3,
        None,
    ),
    "reno_rms_reports_2011.csv": (
        "America/Los_Angeles",
        0,
        2,
        with_time("%m%d%Y", "%H%M%S"),
        3,
        None,
    ),
    "san_diego_calls_2023.csv": (
        "America/Los_Angeles",
        0,
        1,
        local("%Y-%m-%d %H:%M:%S"),
        None,
        None,
    ),
    "san_diego_calls_2023.tsv": (
        "America/Los_Angeles",
        0,
        1,
        local("%Y-%m-%d %H:%M:%S"),
        None,
        None,
    ),
    "sf_incident_reports_2018.csv": (
        "America/Los_Angeles",
        6,
        0,
        local("%Y/%m/%d %I:%M:%S %p"),
        None,
        5,
    ),
    "texas_tech_crime_log_2021.csv": (
        "America/Chicago",
        0,
        3,
        local("%m/%d/%Y %H%M hours"),
        None,
        2,
    ),
    "uiuc_crime_log_2024.csv": ("America/Chicago", 0, 2, uiuc, None, 1),
}


# The reported-at column, when its format differs from the occurred-at column's.
FALLBACK_PARSERS = {"uiuc_crime_log_2024.csv": local("%Y-%m-%d %H:%M")}


def read_rows(name):
    path = CORPUS / name
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        rows = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
        return [r for r in rows[1:] if any(r)]
    encoding = "utf-8-sig"
    with open(path, encoding=encoding, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t" if path.suffix == ".tsv" else ","))
    return rows if name.startswith("reno") else rows[1:]


def expected(name):
    """(records, first, last, per month) computed from the file, in local time."""
    tz_name, id_col, date_col, parse, time_col, fallback_col = CASES[name]
    tz = ZoneInfo(tz_name)
    times, ids = [], []
    for row in read_rows(name):
        if not any(row) or not row[id_col].strip():
            continue
        when = None
        try:
            if time_col is not None:
                when = parse(row[date_col].strip(), row[time_col].strip())
            else:
                when = parse(row[date_col].strip())
        except ValueError:
            if fallback_col is not None:
                try:
                    when = FALLBACK_PARSERS.get(name, parse)(row[fallback_col].strip())
                except ValueError:
                    when = None
        if when is None:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=tz)
        times.append(when.astimezone(tz).replace(tzinfo=None))
        ids.append(row[id_col].strip())
    # Ids that repeat are kept as separate records (numbered), as the suggestion proposes
    # for a file whose ids repeat; otherwise each row is one record. Either way: one per row.
    months = Counter((t.year, t.month) for t in times)
    return len(times), min(times), max(times), months


@pytest.fixture
def newcomer(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def login(time_zone):
        agency = AgencyFactory(time_zone=time_zone)
        staff = UserFactory()
        MembershipFactory(user=staff, agency=agency)
        client.force_login(staff)
        return agency

    return login


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_export_imports_right_with_the_suggested_mapping(
    name, newcomer, client, django_capture_on_commit_callbacks
):
    agency = newcomer(CASES[name][0])
    with open(CORPUS / name, "rb") as f:
        response = client.post(
            reverse("dashboard:import-new", args=[agency.slug]), {"file": f, "source": "incidents"}
        )
    job = agency.import_jobs.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v not in (None, False)}
    response = client.post(response["Location"], data)
    assert response.status_code == 302, page.context["form"].errors
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED, job.error
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard:import-start", args=[agency.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, job.error

    count, first, last, months = expected(name)
    tz = ZoneInfo(agency.time_zone)
    stored = [
        t.astimezone(tz).replace(tzinfo=None)
        for t in agency.police_records.values_list("occurred_at", flat=True)
    ]
    assert len(stored) == count
    assert job.rows_inserted == count
    assert min(stored) == first and max(stored) == last
    assert Counter((t.year, t.month) for t in stored) == months


def test_detected_formats_cover_the_quirks_the_corpus_holds():
    """What the suggester understood of each quirky file (the closing note's table)."""
    found = {}
    for name in CASES:
        with importing.open_table(CORPUS / name) as table:
            rows = importing.sample_rows(table, 1000)
        found[name] = importing.suggest_mapping(table.header, rows)["fields"]
    assert found["philadelphia_incidents_2025.csv"]["occurred_at"]["formats"] == [
        "%Y-%m-%d %H:%M:%S%z"
    ]
    assert found["berkeley_calls_2018.csv"]["occurred_at"]["time_column"] == "EVENTTM"
    assert len(found["uiuc_crime_log_2024.csv"]["occurred_at"]["formats"]) == 2
    assert found["reno_cad_calls_2011.csv"]["occurred_at"]["time_format"] == "%H%M%S"
    # Content, not names: the renamed Chicago columns are still found.
    unfamiliar = found["chicago_unfamiliar_headers.csv"]
    assert unfamiliar["record_id"]["column"] == "Ref"
    assert unfamiliar["occurred_at"]["column"] == "When Logged"
    assert (unfamiliar["latitude"]["column"], unfamiliar["longitude"]["column"]) == (
        "Northing",
        "Easting",
    )
    assert unfamiliar["block_address"]["column"] == "Spot"
    # A code column gives way to the text that describes it; the code is kept.
    philadelphia = found["philadelphia_incidents_2025.csv"]
    assert philadelphia["category"]["column"] == "text_general_code"
    assert philadelphia["offense_code"]["column"] == "ucr_general"
