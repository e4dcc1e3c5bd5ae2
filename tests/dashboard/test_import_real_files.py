"""Each real export in shared/data/real goes through the same upload -> preview -> import
flow a person uses in the browser, with a saved mapping; the results are checked against
figures computed here independently with the csv module."""

import csv
import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.urls import reverse

from dashboard import services
from dashboard.models import ImportJob, PublicationSettings
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.real_data import REAL, needs_real_data

MAPPINGS = Path(__file__).parents[2] / "dashboard/example_mappings"

pytestmark = needs_real_data


def read_csv(name, encoding="utf-8"):
    with open(REAL / name, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def import_through_browser(client, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path

    def run(file_name, mapping_name, time_zone):
        agency = AgencyFactory(name=f"{file_name} PD", time_zone=time_zone)
        staff = UserFactory()
        MembershipFactory(user=staff, agency=agency)
        client.force_login(staff)
        saved = services.save_column_mapping(
            agency=agency,
            name=mapping_name,
            mapping=json.loads((MAPPINGS / f"{mapping_name}.json").read_text()),
            saved_by=staff,
        )
        with open(REAL / file_name, "rb") as f:
            response = client.post(
                reverse("dashboard:import-new", args=[agency.slug]),
                {"file": f, "source": saved.source, "saved_mapping": saved.pk},
            )
        job = agency.import_jobs.get()
        assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
        assert job.status == ImportJob.Status.PREVIEWED, job.error
        page = client.get(job.get_absolute_url())
        assert page.status_code == 200 and b"Ready to import" in page.content
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("dashboard:import-start", args=[agency.slug, job.pk]))
        job.refresh_from_db()
        assert job.status == ImportJob.Status.SUCCEEDED, job.error
        return agency, job

    return run


def assert_public_dashboard_matches(client, agency, expected_by_category, *, start=None):
    """A resident's view: publish the data, read the public "by category" chart's CSV over
    the whole period, and compare it with counts computed independently from the file.

    Every category the chart shows must carry its exact count; rare or sensitive values may
    be grouped or left out, but the file's most common category must be there.
    """
    PublicationSettings.objects.update_or_create(
        agency=agency, defaults={"police_data_public": True}
    )
    first, last = local_range(agency)
    first = start or first
    source = agency.police_records.values_list("source", flat=True).first()
    client.logout()
    response = client.get(
        reverse("public:chart-csv", args=[agency.slug, "by-category"]),
        {"start": _day(first).isoformat(), "end": last.date().isoformat(), "source": source},
    )
    assert response.status_code == 200
    rows = list(csv.reader(response.content.decode().splitlines()))
    assert rows[0] == ["category", "count"]
    shown = {category: int(count) for category, count in rows[1:] if category != "Other" and count}
    assert shown, "the public chart shows no category"
    # Counts are sums of month cells at or above the threshold (no differencing): each is
    # the file's count less at most threshold - 1 records for each month of the range.
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    for category, count in shown.items():
        expected = expected_by_category[category]
        assert expected - months * 4 <= count <= expected, category
    top, _ = expected_by_category.most_common(1)[0]
    assert top in shown


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def local_range(agency, field="occurred_at"):
    tz = ZoneInfo(agency.time_zone)
    values = agency.police_records.order_by(field).values_list(field, flat=True)
    return values.first().astimezone(tz), values.last().astimezone(tz)


@pytest.mark.django_db
def test_chicago(import_through_browser, client):
    rows = read_csv("chicago_crimes_2024_sample.csv", encoding="utf-8-sig")
    agency, job = import_through_browser(
        "chicago_crimes_2024_sample.csv", "chicago_crimes", "America/Chicago"
    )
    assert job.rows_inserted == len(rows) == 10_000 and job.rows_rejected == 0
    dates = [datetime.strptime(r["Date"], "%m/%d/%Y %I:%M:%S %p") for r in rows]
    first, last = local_range(agency)
    assert first.replace(tzinfo=None) == min(dates) and last.replace(tzinfo=None) == max(dates)
    by_district = Counter(r["District"] for r in rows)
    stored = dict(agency.police_records.values_list("district").annotate(n=Count("id")))
    assert stored == by_district  # "009" stays "009": codes are strings
    assert agency.police_records.filter(offense_code="041A").count() == sum(
        r["IUCR"] == "041A" for r in rows
    )
    no_location = sum(not r["Latitude"] for r in rows)
    assert job.problems["missing_coordinates"]["count"] == no_location == 270
    record = agency.police_records.get(record_id=rows[0]["ID"])
    assert record.block_address == "200 BLOCK W 47TH ST"  # from "002XX W 47TH ST"
    assert record.public_latitude == round(float(rows[0]["Latitude"]), 3)
    assert agency.police_records.filter(domestic=True).count() == sum(
        r["Domestic"] == "true" for r in rows
    )
    assert_public_dashboard_matches(client, agency, Counter(r["Primary Type"] for r in rows))


@pytest.mark.django_db
def test_san_francisco(import_through_browser, client):
    rows = read_csv("sf_police_incident_reports_2018_sample.csv")
    agency, job = import_through_browser(
        "sf_police_incident_reports_2018_sample.csv", "sf_incident_reports", "America/Los_Angeles"
    )
    assert agency.police_records.count() == len(rows) == 11_884
    first, last = local_range(agency)
    assert (first.year, first.month, first.day) == (2018, 12, 1)
    assert (last.year, last.month, last.day) == (2018, 12, 31)
    by_category = Counter(r["Incident Category"] for r in rows)
    stored = dict(agency.police_records.values_list("category").annotate(n=Count("id")))
    assert stored == by_category
    assert agency.police_records.filter(offense_code="03074").exists()
    assert not agency.police_records.filter(block_address__contains="\\").exists()
    assert job.problems["missing_coordinates"]["count"] == sum(not r["Latitude"] for r in rows)
    assert_public_dashboard_matches(client, agency, by_category)


@pytest.mark.django_db
def test_denver(import_through_browser, client):
    rows = read_csv("denver_crime_sample.csv")
    agency, job = import_through_browser(
        "denver_crime_sample.csv", "denver_crime", "America/Denver"
    )
    assert agency.police_records.count() == len(rows) == 49_089
    dates = [datetime.strptime(r["FIRST_OCCURRENCE_DATE"], "%m/%d/%Y %I:%M:%S %p") for r in rows]
    first, last = local_range(agency)
    assert first.replace(tzinfo=None) == min(dates) and last.replace(tzinfo=None) == max(dates)
    by_neighborhood = Counter(r["NEIGHBORHOOD_ID"] for r in rows)
    stored = dict(agency.police_records.values_list("area_code").annotate(n=Count("id")))
    assert stored == by_neighborhood
    placeholders = sum(r["GEO_LAT"] != "" and abs(float(r["GEO_LAT"])) < 0.01 for r in rows)
    assert job.problems["placeholder_coordinates"]["count"] == placeholders == 41
    assert not agency.police_records.filter(
        category="sexual-assault", latitude__isnull=False
    ).exists()
    assert_public_dashboard_matches(client, agency, Counter(r["OFFENSE_CATEGORY_ID"] for r in rows))


@pytest.mark.django_db
def test_berkeley_calls(import_through_browser, client):
    rows = read_csv("berkeley_pd_calls_for_service_2018.csv")
    agency, job = import_through_browser(
        "berkeley_pd_calls_for_service_2018.csv", "berkeley_calls", "America/Los_Angeles"
    )
    assert agency.police_records.calls().count() == len(rows) == 3_788
    dates = [
        datetime.strptime(r["EVENTDT"][:10] + " " + r["EVENTTM"], "%m/%d/%Y %H:%M") for r in rows
    ]
    first, last = local_range(agency)
    assert first.replace(tzinfo=None) == min(dates) and last.replace(tzinfo=None) == max(dates)
    by_legend = Counter(r["CVLEGEND"] for r in rows)
    stored = dict(agency.police_records.values_list("category").annotate(n=Count("id")))
    assert stored == by_legend
    with_coordinates = sum(bool(re.search(r"\(-?\d", r["Block_Location"])) for r in rows)
    assert agency.police_records.filter(latitude__isnull=False).count() == with_coordinates
    assert job.problems["missing_coordinates"]["count"] == len(rows) - with_coordinates == 159
    assert not agency.police_records.filter(block_address__contains="&amp;").exists()
    assert_public_dashboard_matches(client, agency, by_legend)


@pytest.mark.django_db
def test_uiuc_daily_crime_log(import_through_browser, client):
    rows = read_csv("uiuc_police_daily_crime_log_2024.csv")
    agency, job = import_through_browser(
        "uiuc_police_daily_crime_log_2024.csv", "uiuc_daily_crime_log", "America/Chicago"
    )
    # One row per offense: every row is kept, repeats of a case number are numbered.
    assert agency.police_records.count() == len(rows) == 597
    cases = {r["number"] for r in rows}
    assert len(cases) == 360
    assert agency.police_records.filter(record_id__in=cases).count() == 360
    reported = [datetime.strptime(r["reported_date_time"], "%Y-%m-%d %H:%M") for r in rows]
    first, last = local_range(agency, "reported_at")
    assert first.replace(tzinfo=None) == min(reported) and last.replace(tzinfo=None) == max(
        reported
    )
    unreadable = sum(
        not re.fullmatch(r"\d{1,2}/\d{1,2}/(\d{2}|\d{4}) \d{1,2}:\d{2}", r["occurred_date_time"])
        for r in rows
    )
    assert job.problems["date_fallback"]["count"] == unreadable
    by_description = Counter(r["description"] for r in rows)
    stored = dict(agency.police_records.values_list("final_type").annotate(n=Count("id")))
    assert stored == by_description

    # The log holds one offense from 1973, so the public page is read for its last year.
    def occurred_day(row):
        for pattern in ("%m/%d/%Y %H:%M", "%m/%d/%y %H:%M"):
            try:
                return datetime.strptime(row["occurred_date_time"], pattern).date()
            except ValueError:
                continue
        return datetime.strptime(row["reported_date_time"], "%Y-%m-%d %H:%M").date()

    since = date(2023, 6, 1)
    recent = Counter(r["description"] for r in rows if occurred_day(r) >= since)
    assert sum(recent.values()) < len(rows)  # the window really leaves older offenses out
    assert_public_dashboard_matches(client, agency, recent, start=since)
