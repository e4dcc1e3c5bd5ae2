"""The staff import pages, the command and boundaries, as staff use them."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from dashboard.models import Boundary, ImportJob
from tests.factories import ImportJobFactory, PoliceRecordFactory
from tests.real_data import REAL, needs_real_data

CSV = (
    "Incident No;Date Occurred;Call Type;Beat;Location;Latitude;Longitude\n"
    "24-001;03/01/2024 08:00;THEFT;0111;123 MAIN ST;41.88;-87.63\n"
    "24-002;03/01/2024 09:30;NOISE;0112;200 ELM ST;41.89;-87.62\n"
    "24-003;not a date;ASSAULT;0113;5 OAK ST;41.87;-87.61\n"
    "24-004;03/02/2024 10:00;THEFT;0113;5 OAK ST;0;0\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, agency, content=CSV, name="cad.csv", **extra):
    return client.post(
        reverse("dashboard:import-new", args=[agency.slug]),
        {"file": SimpleUploadedFile(name, content.encode()), "source": "calls", **extra},
    )


def test_upload_map_preview_import(client_for, alice, riverton, django_capture_on_commit_callbacks):
    client = client_for(alice)
    response = upload(client, riverton)
    job = riverton.import_jobs.get()
    assert response["Location"] == reverse("dashboard:import-mapping", args=[riverton.slug, job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    # The suggested mapping is preselected: the semicolon file was read, columns recognised.
    form = page.context["form"]
    assert form.initial["col_record_id"] == "Incident No"
    assert form.initial["col_initial_type"] == "Call Type"
    assert form.initial["occurred_formats"] == ["%m/%d/%Y %H:%M"]
    # Each suggestion shows its confidence and the values behind it; formats are in words.
    html = page.content.decode()
    assert 'data-evidence="col_record_id"' in html and "24-001" in html
    assert "confidence" in html and "month/day/year, 24-hour clock" in html

    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["save_as"] = "CAD export"
    response = client.post(response["Location"], data)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED and job.mapping.name == "CAD export"
    assert job.problems["bad_date"]["count"] == 1
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Date that could not be read" in page and "not a date" in page
    assert "0/0 placeholder coordinates" in page
    assert "3 will be imported" in page and "1 rejected" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboard:import-start", args=[riverton.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert (job.rows_inserted, job.rows_rejected) == (3, 1)
    assert sorted(riverton.police_records.values_list("beat", flat=True)) == [
        "0111",
        "0112",
        "0113",
    ]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Import finished" in page

    # The next export with the saved mapping goes straight to the preview.
    response = upload(client, riverton, saved_mapping=job.mapping.pk)
    newest = riverton.import_jobs.order_by("-pk").first()
    assert response["Location"] == newest.get_absolute_url()
    assert newest.status == ImportJob.Status.PREVIEWED


def test_invalid_mapping_is_explained_and_nothing_happens(client_for, alice, riverton):
    client = client_for(alice)
    upload(client, riverton)
    job = riverton.import_jobs.get()
    url = reverse("dashboard:import-mapping", args=[riverton.slug, job.pk])
    response = client.post(url, {"source": "calls", "duplicates": "last", "col_beat": "Beat"})
    assert response.status_code == 200
    assert "must name the record id column" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


def test_stop_after_preview_imports_nothing(client_for, alice, riverton):
    client = client_for(alice)
    mapping = {
        "version": 1,
        "source": "calls",
        "fields": {
            "record_id": {"column": "Incident No"},
            "occurred_at": {"column": "Date Occurred", "formats": ["%m/%d/%Y %H:%M"]},
        },
    }
    saved = riverton.column_mappings.create(name="CAD", source="calls", mapping=mapping)
    upload(client, riverton, saved_mapping=saved.pk)
    job = riverton.import_jobs.get()
    client.post(reverse("dashboard:import-stop", args=[riverton.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.STOPPED
    assert not riverton.police_records.exists()
    # Starting a stopped job does nothing either.
    client.post(reverse("dashboard:import-start", args=[riverton.slug, job.pk]))
    assert not riverton.police_records.exists()


def test_progress_fragment_polls_while_running_and_cancel(client_for, alice, riverton, live_worker):
    client = client_for(alice)
    job = ImportJobFactory(
        agency=riverton, status="running", file_size=1000, bytes_read=420, rows_read=4200
    )
    live_worker(job)
    url = job.get_absolute_url()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.strip().startswith('<div id="job-status"')
    assert 'hx-trigger="every 1s"' in fragment and "42%" in fragment
    assert "<html" not in fragment
    response = client.post(
        reverse("dashboard:import-cancel", args=[riverton.slug, job.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.content.decode().strip().startswith('<div id="job-status"')
    assert "Cancelling" in response.content.decode()
    job.refresh_from_db()
    assert job.cancel_requested
    assert "Cancelling" in client.get(url).content.decode()
    job.status = "cancelled"
    job.save()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "as they were before" in fragment


def test_overview_counts_and_constant_queries(
    client_for, alice, riverton, django_assert_max_num_queries
):
    client = client_for(alice)
    url = reverse("dashboard:overview", args=[riverton.slug])
    PoliceRecordFactory(agency=riverton, source="calls")
    ImportJobFactory(agency=riverton)
    with django_assert_max_num_queries(12):
        client.get(url)
    PoliceRecordFactory.create_batch(30, agency=riverton)
    ImportJobFactory.create_batch(12, agency=riverton)
    riverton.column_mappings.create(name="A", mapping={})
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.context["sources"][1]["count"] == 30
    assert "Calls for service" in page.content.decode()


def test_partners_and_other_agencies_cannot_see_imports(client_for, bob, erin, riverton):
    job = ImportJobFactory(agency=riverton)
    assert client_for(bob).get(job.get_absolute_url()).status_code == 403
    assert client_for(erin).get(job.get_absolute_url()).status_code == 404


def test_mapping_download_is_the_documented_json(client_for, alice, riverton):
    saved = riverton.column_mappings.create(
        name="RMS", mapping={"version": 1, "source": "incidents", "fields": {}}
    )
    response = client_for(alice).get(
        reverse("dashboard:mapping-download", args=[riverton.slug, saved.pk])
    )
    assert json.loads(response.content) == saved.mapping


def test_preview_is_honest_about_records_offsets_and_nothing_to_import(client_for, alice, riverton):
    """Repeated ids are explained with the choice and its count; values with an offset are
    said to be converted from it, with examples in the agency's zone; a file with no good
    row offers no import button, and starting it anyway imports nothing."""
    client = client_for(alice)
    content = (
        "Case,When,Offense\n"
        "A1,2022/09/03 16:07:14+00,THEFT\n"
        "A1,2022/09/03 16:07:14+00,ASSAULT\n"
        "A2,2022/09/04 01:30:00+00,THEFT\n"
    )
    response = upload(client, riverton, content)
    page = client.get(response["Location"])
    data = {k: v for k, v in page.context["form"].initial.items() if v not in (None, False)}
    assert data["duplicates"] == "number"
    client.post(response["Location"], data)
    job = riverton.import_jobs.get()
    html = client.get(job.get_absolute_url()).content.decode()
    assert "3 will be imported</strong> as <strong>3 records</strong>" in html
    assert "1 rows repeat a record id" in html and "one row per id would give 2" in html
    assert "3 of the good rows carry a UTC offset and were converted" in html
    # 16:07 UTC is 11:07 in Chicago (CDT); 01:30 UTC on the 4th is still the 3rd there.
    assert riverton.time_zone == "America/Chicago"
    assert "Sat 3 Sep 2022, 11:07" in html and "Sat 3 Sep 2022, 20:30" in html
    assert "Import</button>" in html

    response = upload(client, riverton, "Case,When\nA1,someday\nA2,never\n", name="bad.csv")
    bad = riverton.import_jobs.latest("pk")
    data = {"col_record_id": "Case", "col_occurred_at": "When", "source": "calls"}
    data |= {"duplicates": "last", "occurred_formats": "%m/%d/%Y"}
    client.post(reverse("dashboard:import-mapping", args=[riverton.slug, bad.pk]), data)
    bad.refresh_from_db()
    html = client.get(bad.get_absolute_url()).content.decode()
    assert "Nothing would be imported" in html and "import-start" not in html
    assert "Import the good rows" not in html
    client.post(reverse("dashboard:import-start", args=[riverton.slug, bad.pk]))
    bad.refresh_from_db()
    assert bad.status == ImportJob.Status.PREVIEWED


# --- The command ---------------------------------------------------------------------------


def run_command(*args):
    out = StringIO()
    try:
        call_command("import_police_data", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_command_exit_codes(tmp_path, riverton):
    mapping_file = tmp_path / "mapping.json"
    mapping = {
        "version": 1,
        "source": "calls",
        "fields": {
            "record_id": {"column": "Incident No"},
            "occurred_at": {"column": "Date Occurred", "formats": ["%m/%d/%Y %H:%M"]},
            "beat": {"column": "Beat"},
        },
    }
    mapping_file.write_text(json.dumps(mapping))
    fitting = json.loads(json.dumps(mapping))
    good = tmp_path / "good.csv"
    good.write_text("\n".join(CSV.splitlines()[:3]) + "\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV)

    code, out = run_command("--agency", riverton.slug, "--mapping", str(mapping_file), str(good))
    assert code == 0 and "new 2" in out
    code, out = run_command("--agency", riverton.slug, "--mapping", str(mapping_file), str(bad))
    assert code == 1 and "1 rows were rejected" in out and "not a date" in out
    assert riverton.police_records.count() == 3  # the good rows are in

    mapping["fields"]["beat"] = {"column": "Zone"}
    mapping_file.write_text(json.dumps(mapping))
    code, out = run_command("--agency", riverton.slug, "--mapping", str(mapping_file), str(good))
    assert code == 2 and "no column “Zone”" in out

    code, out = run_command("--agency", riverton.slug, str(good))  # nothing saved fits
    assert code == 2 and "pass --mapping" in out
    riverton.column_mappings.create(name="CAD", source="calls", mapping=fitting)
    code, out = run_command("--agency", riverton.slug, "--mapping", "CAD", str(good))
    assert code == 0 and "unchanged 2" in out
    code, _ = run_command("--agency", "nowhere", str(good))
    assert code == 2

    # Every row rejected: nothing imported is a failure for cron (it exited 1 before).
    rejected = tmp_path / "rejected.csv"
    rejected.write_text(CSV.splitlines()[0] + "\n24-009;not a date;X;1;A;1;1\n")
    code, out = run_command("--agency", riverton.slug, "--mapping", "CAD", str(rejected))
    assert code == 2 and "Nothing was imported" in out
    # A file that is not a table at all.
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"a,b\n1,\x00\x00\n")
    code, out = run_command("--agency", riverton.slug, "--mapping", "CAD", str(nul))
    assert code == 2 and "NUL" in out


# --- Boundaries ----------------------------------------------------------------------------


@needs_real_data
def test_chicago_districts_join_zero_padded_codes(client_for, alice, riverton):
    for district in ["006", "017", "031", "099"]:
        PoliceRecordFactory(agency=riverton, district=district)
    with open(REAL / "chicago_police_districts.geojson", "rb") as f:
        response = client_for(alice).post(
            reverse("dashboard:boundary-list", args=[riverton.slug]),
            {"layer": "district", "file": f},
            follow=True,
        )
    assert "saved (codes from “dist_num”)" in response.content.decode()
    districts = riverton.boundaries.filter(layer=Boundary.Layer.DISTRICT)
    assert districts.count() == 23  # 25 features, district 31 in three parts
    assert len(districts.get(code="31").geometry["coordinates"]) >= 3
    layer = response.context["layers"][0]
    assert layer["matched"] == ["006", "017", "031"] and layer["unmatched"] == ["099"]


@needs_real_data
def test_denver_neighborhoods_join_names_to_slugs(client_for, alice, riverton):
    PoliceRecordFactory(agency=riverton, area_code="gateway-green-valley-ranch")
    PoliceRecordFactory(agency=riverton, area_code="five-points")
    with open(REAL / "denver_statistical_neighborhoods.geojson", "rb") as f:
        response = client_for(alice).post(
            reverse("dashboard:boundary-list", args=[riverton.slug]),
            {"layer": "neighborhood", "file": f},
            follow=True,
        )
    assert riverton.boundaries.filter(layer="neighborhood").count() == 78
    gateway = riverton.boundaries.get(join_key="gateway-green-valley-ranch")
    assert gateway.name == "Gateway - Green Valley Ranch"
    layers = {layer["layer"]: layer for layer in response.context["layers"]}
    assert layers["neighborhood"]["matched"] == ["five-points", "gateway-green-valley-ranch"]
    assert layers["neighborhood"]["unmatched"] == []


def test_not_geojson_is_a_clear_error(client_for, alice, riverton):
    response = client_for(alice).post(
        reverse("dashboard:boundary-list", args=[riverton.slug]),
        {"layer": "beat", "file": SimpleUploadedFile("beats.geojson", b"{not json")},
    )
    assert response.status_code == 200 and "This is not GeoJSON" in response.content.decode()
    assert not riverton.boundaries.exists()


def test_agency_home_asks_staff_to_decide_on_a_previewed_import(client_for, alice, bob, riverton):
    job = ImportJobFactory(agency=riverton, status="previewed", original_name="rms-may.csv")
    page = client_for(alice).get(reverse("agency-home", args=[riverton.slug])).content.decode()
    assert "waiting for your decision: rms-may.csv" in page and job.get_absolute_url() in page
    page = client_for(bob).get(reverse("agency-home", args=[riverton.slug])).content.decode()
    assert "rms-may.csv" not in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("one-line.csv", b"a," * (25 * 1024 * 1024), "longer than 256 KB with no line break"),
        (
            "wide.csv",
            (",".join(f"c{i}" for i in range(10_000)) + "\n1\n").encode(),
            "10,000 columns",
        ),
        ("nul.csv", b"Case,Date\n1,\x00\x00\x00\n", "NUL"),
        ("report.csv", b"%PDF-1.7\n...", "PDF document"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel (.xls)"),
        ("fake.xlsx", b"Case,Date\n1,2\n", "could not be opened as an Excel workbook"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_malformed_uploads_get_a_clear_message(client_for, alice, riverton, name, content, message):
    """Each reaches a message on the next page, never a server error: the header line,
    the column count and the first bytes are checked before any row is parsed."""
    client = client_for(alice)
    response = client.post(
        reverse("dashboard:import-new", args=[riverton.slug]),
        {"file": SimpleUploadedFile(name, content), "source": "calls"},
        follow=True,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
