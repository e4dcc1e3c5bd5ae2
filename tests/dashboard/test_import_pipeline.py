"""The import pipeline on small made-up files: dialects, encodings, dates, problems,
idempotency, cancellation, failure and isolation."""

from datetime import UTC, datetime

import openpyxl
import pytest

from dashboard import importing, services
from dashboard.importing import MappingError
from dashboard.models import ImportJob, PoliceRecord
from tests.factories import AgencyFactory, PoliceRecordFactory

MAPPING = {
    "version": 1,
    "source": "incidents",
    "fields": {
        "record_id": {"column": "Case"},
        "occurred_at": {"column": "When", "formats": ["%m/%d/%Y %H:%M"]},
        "category": {"column": "Type"},
        "district": {"column": "District"},
        "block_address": {"column": "Address"},
        "latitude": {"column": "Lat"},
        "longitude": {"column": "Lon"},
    },
}
HEADER = "Case,When,Type,District,Address,Lat,Lon"
GOOD = [
    "A1,01/05/2024 10:00,THEFT,006,1234 N MAIN ST,41.88,-87.63",
    "A2,01/06/2024 23:30,BATTERY,006,5 W ELM ST,41.89,-87.62",
    "A3,01/07/2024 08:15,ROBBERY,012,OAK AVE & 3RD ST,41.87,-87.64",
]


def write(tmp_path, lines, name="export.csv", encoding="utf-8", newline="\n", delimiter=","):
    path = tmp_path / name
    text = newline.join(line.replace(",", delimiter) for line in lines) + newline
    path.write_bytes(text.encode(encoding))
    return path


def records_of(agency):
    return {r.record_id: r for r in agency.police_records.all()}


def read_all(path, mapping=MAPPING, area=None):
    with importing.open_table(path) as table:
        reader = importing.RowReader(mapping, table.header, area)
        rows = [reader.read(line, row) for line, row in enumerate(table.rows(), start=2)]
    return [r for r in rows if r], reader.problems.as_dict()


# --- Reading files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "name"),
    [(",", "comma.csv"), ("\t", "tabs-named.csv"), (";", "semicolon.csv"), ("|", "pipe.txt")],
)
def test_delimiter_is_detected_whatever_the_file_name(tmp_path, delimiter, name):
    path = write(tmp_path, [HEADER, *GOOD], name=name, delimiter=delimiter)
    with importing.open_table(path) as table:
        assert table.delimiter == delimiter
        assert table.header == HEADER.split(",")
    rows, problems = read_all(path)
    assert [r[1] for r in rows] == ["A1", "A2", "A3"] and not problems


def test_byte_order_mark_and_crlf(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD], encoding="utf-8-sig", newline="\r\n")
    with importing.open_table(path) as table:
        assert table.encoding == "utf-8-sig" and table.header[0] == "Case"
    rows, _ = read_all(path)
    assert rows[2][importing.STAGING_COLUMNS.index("district")] == "012"


def test_windows_1252_export_falls_back_from_utf8(tmp_path):
    path = write(
        tmp_path, [HEADER, "A1,01/05/2024 10:00,CAFÉ DISTURBANCE,1,1 RUE ST,,"], encoding="cp1252"
    )
    with importing.open_table(path) as table:
        assert table.encoding == "cp1252"
    rows, _ = read_all(path)
    assert rows[0][importing.STAGING_COLUMNS.index("category")] == "CAFÉ DISTURBANCE"


def test_multi_line_quoted_field_is_one_record(tmp_path):
    mapping = {
        "version": 1,
        "source": "calls",
        "fields": {
            "record_id": {"column": "Case"},
            "occurred_at": {"column": "When", "formats": ["%m/%d/%Y %H:%M"]},
            "block_address": {"column": "Where"},
            "coordinates": {"column": "Where"},
        },
    }
    path = tmp_path / "berkeley.csv"
    path.write_text(
        'Case,When,Where\n1,01/05/2024 10:00,"OREGON ST &amp; MCGEE AVE\nBerkeley, CA\n'
        '(37.856572, -122.275241)"\n2,01/05/2024 11:00,"2100 BLOCK SHATTUCK AVE\nBerkeley, CA\n"\n'
    )
    rows, problems = read_all(path, mapping)
    assert len(rows) == 2
    cols = importing.STAGING_COLUMNS
    assert rows[0][cols.index("block_address")] == "OREGON ST & MCGEE AVE"
    assert rows[0][-2:] == (37.856572, -122.275241)
    assert rows[1][cols.index("block_address")] == "2100 BLOCK SHATTUCK AVE"
    assert problems["missing_coordinates"]["count"] == 1


def test_excel_workbook(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["B1", datetime(2024, 3, 1, 14, 5), "THEFT", "006", "10 MAIN ST", 41.9, -87.6])
    sheet.append([1002, datetime(2024, 3, 2, 9, 0), "ASSAULT", "7", "", None, None])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    with importing.open_table(path) as table:
        assert table.kind == "xlsx"
        rows = importing.sample_rows(table)
    mapping = importing.suggest_mapping(table.header, rows, "incidents")
    assert mapping["fields"]["occurred_at"]["formats"] == ["%Y-%m-%d %H:%M:%S"]
    records, _ = read_all(path, mapping)
    assert [r[1] for r in records] == ["B1", "1002"]  # a numeric id is not "1002.0"
    assert records[0][2] == "2024-03-01 14:05:00"


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(MappingError, match="empty"):
        importing.open_table(path)


# --- Dates, codes, places ------------------------------------------------------------------


def test_date_format_detection():
    assert importing.detect_formats(["1/7/2016 3:05:00 PM", "12/31/2018 11:59:00 AM"]) == [
        "%m/%d/%Y %I:%M:%S %p"
    ]
    assert importing.detect_formats(["2018/12/01 12:25:00 AM"]) == ["%Y/%m/%d %I:%M:%S %p"]
    # A day above 12 settles day-first.
    assert importing.detect_formats(["05/04/2024 10:00", "25/04/2024 10:00"]) == ["%d/%m/%Y %H:%M"]
    # Free text mixing two formats (the campus log) needs both.
    assert importing.detect_formats(["03/09/2024 01:52", "3/10/24 17:35", "SPRING OF 2024"]) == [
        "%m/%d/%Y %H:%M",
        "%m/%d/%y %H:%M",
    ]


def test_date_parser_rejects_impossible_dates_and_reads_offsets():
    parse = importing.compile_date_parser("%m/%d/%Y %I:%M:%S %p")
    assert parse("2/29/2024 12:15:00 AM") == datetime(2024, 2, 29, 0, 15)
    assert parse("2/29/2024 12:15:00 PM") == datetime(2024, 2, 29, 12, 15)
    with pytest.raises(ValueError):
        parse("2/30/2023 12:15:00 AM")
    with pytest.raises(ValueError):
        parse("13/01/2023 12:15:00 AM")
    iso = importing.compile_date_parser("%Y-%m-%dT%H:%M:%S%z")
    assert iso("2024-06-01T08:00:00-05:00").astimezone(UTC) == datetime(2024, 6, 1, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    ("address", "block"),
    [
        ("002XX W 47TH ST", "200 BLOCK W 47TH ST"),
        ("2932 S JOSEPHINE ST", "2900 BLOCK S JOSEPHINE ST"),
        ("45 E OAK ST", "0 BLOCK E OAK ST"),
        ("0000X E 103RD ST", "0 BLOCK E 103RD ST"),
        ("012XX N STATE ST", "1200 BLOCK N STATE ST"),
        ("2100 BLOCK SHATTUCK AVE", "2100 BLOCK SHATTUCK AVE"),
        # A range is one block, however it is written, and padding runs collapse.
        ("300 - 399 BLOCK OF 14TH STREET SW", "300 BLOCK 14TH STREET SW"),
        ("300-399 14TH STREET SW", "300 BLOCK 14TH STREET SW"),
        ("300 Block of W 14TH ST", "300 BLOCK W 14TH ST"),
        ("100 BLOCK     MAIN      ST   ", "100 BLOCK MAIN ST"),
        ("MAIN ST     &    1ST AVE", "MAIN ST & 1ST AVE"),
        ("BOSWORTH ST \\ DIAMOND ST", "BOSWORTH ST & DIAMOND ST"),
        ("ON CAMPUS RES HALL", "ON CAMPUS RES HALL"),
    ],
)
def test_addresses_are_generalized_to_the_hundred_block(address, block):
    assert importing.generalize_block(address) == block


def test_area_keys_join_padded_codes_and_names():
    assert importing.area_key("006") == importing.area_key("6") == "6"
    assert importing.area_key("Gateway - Green Valley Ranch") == "gateway-green-valley-ranch"
    assert importing.area_key("gateway-green-valley-ranch") == "gateway-green-valley-ranch"


def test_mapping_suggestion_from_headers(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD])
    with importing.open_table(path) as table:
        mapping = importing.suggest_mapping(table.header, importing.sample_rows(table))
    fields = mapping["fields"]
    assert fields["record_id"] == {"column": "Case"}
    assert fields["occurred_at"]["formats"] == ["%m/%d/%Y %H:%M"]
    assert fields["latitude"] == {"column": "Lat"} and fields["district"] == {"column": "District"}
    assert not importing.validate_mapping(mapping, table.header)


def test_mapping_that_does_not_fit_is_explained():
    errors = importing.validate_mapping(MAPPING, ["Case", "Date"])
    assert any("no column “When”" in e for e in errors)
    assert importing.validate_mapping({"fields": {}}, ["x"])  # no source, no id, no date


# --- Problems ------------------------------------------------------------------------------


def test_every_kind_of_problem_is_counted_with_examples(tmp_path):
    path = write(
        tmp_path,
        [
            HEADER,
            *GOOD,
            ",01/08/2024 10:00,THEFT,1,1 A ST,41.88,-87.63",  # missing id
            "B2,yesterday,THEFT,1,1 A ST,41.88,-87.63",  # unparseable date
            "B3,,THEFT,1,1 A ST,41.88,-87.63",  # no date
            "B4,01/08/2024 10:00,THEFT,1,1 A ST,0,0",  # placeholder
            "B5,01/08/2024 10:00,THEFT,1,1 A ST,34.05,-118.24",  # Los Angeles: outside
            "B6,01/08/2024 10:00,THEFT,1",  # short row
        ],
    )
    area = importing.Area(41.88, -87.63)
    rows, problems = read_all(path, area=area)
    assert {r[1] for r in rows} == {"A1", "A2", "A3", "B4", "B5"}
    assert problems["missing_id"]["count"] == 1
    assert problems["bad_date"]["examples"] == [{"line": 6, "detail": "yesterday"}]
    assert problems["missing_date"]["count"] == 1
    assert problems["wrong_field_count"]["rejects"]
    assert problems["placeholder_coordinates"]["count"] == 1
    assert not problems["placeholder_coordinates"]["rejects"]
    assert problems["outside_area"]["examples"][0]["line"] == 9
    b4 = next(r for r in rows if r[1] == "B4")
    assert b4[-2:] == (None, None)


# --- Loading -------------------------------------------------------------------------------


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Riverton Police Department", time_zone="America/Chicago")


def test_times_are_read_in_the_agency_time_zone(tmp_path, agency):
    job = services.import_file(
        agency=agency, path=write(tmp_path, [HEADER, *GOOD]), mapping=MAPPING
    )
    assert job.status == ImportJob.Status.SUCCEEDED and job.rows_inserted == 3
    a1 = records_of(agency)["A1"]
    assert a1.occurred_at == datetime(2024, 1, 5, 16, 0, tzinfo=UTC)  # 10:00 CST
    assert a1.public_latitude == 41.88 and a1.block_address == "1200 BLOCK N MAIN ST"
    assert a1.import_job == job


def test_reimport_updates_by_id_without_duplicates(tmp_path, agency):
    services.import_file(agency=agency, path=write(tmp_path, [HEADER, *GOOD]), mapping=MAPPING)
    changed = [
        GOOD[0].replace("THEFT", "BURGLARY"),
        GOOD[1],
        GOOD[2],
        "A4,02/01/2024 09:00,THEFT,1,,,",
    ]
    job = services.import_file(
        agency=agency, path=write(tmp_path, [HEADER, *changed], name="next.csv"), mapping=MAPPING
    )
    assert (job.rows_inserted, job.rows_updated, job.rows_unchanged) == (1, 1, 2)
    assert agency.police_records.count() == 4
    assert records_of(agency)["A1"].category == "BURGLARY"


def test_repeated_ids_in_one_file_keep_the_last_row(tmp_path, agency):
    lines = [HEADER, *GOOD, GOOD[0].replace("THEFT", "ARSON")]
    job = services.import_file(agency=agency, path=write(tmp_path, lines), mapping=MAPPING)
    assert agency.police_records.count() == 3
    assert records_of(agency)["A1"].category == "ARSON"
    assert job.problems["duplicate_id"]["count"] == 1


def test_cancelled_import_changes_nothing(tmp_path, agency, monkeypatch):
    PoliceRecordFactory(agency=agency, record_id="A1", category="OLD")
    monkeypatch.setattr(services, "PROGRESS_EVERY", 1)
    seen = []

    def cancel_after_two_rows(rows_read, bytes_read):
        seen.append(rows_read)
        return rows_read >= 2

    job = services.import_file(
        agency=agency,
        path=write(tmp_path, [HEADER, *GOOD]),
        mapping=MAPPING,
        check=cancel_after_two_rows,
    )
    assert job.status == ImportJob.Status.CANCELLED and seen == [1, 2]
    assert list(agency.police_records.values_list("record_id", "category")) == [("A1", "OLD")]


def test_cancel_request_reaches_a_queued_job(agency):
    job = ImportJob.objects.create(agency=agency, original_name="x.csv", status="queued")
    services.cancel_import(job=job, cancelled_by=None)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert services.run_import(job.pk).status == ImportJob.Status.CANCELLED


def test_failed_import_leaves_data_as_it_was(tmp_path, agency, monkeypatch):
    PoliceRecordFactory(agency=agency, record_id="A1", category="OLD")
    monkeypatch.setattr(services, "upsert_sql", lambda duplicates: "SELECT no_such_column")
    job = services.import_file(
        agency=agency, path=write(tmp_path, [HEADER, *GOOD]), mapping=MAPPING
    )
    assert job.status == ImportJob.Status.FAILED and "no_such_column" in job.error
    assert list(agency.police_records.values_list("record_id", "category")) == [("A1", "OLD")]


def test_one_agency_import_never_touches_another(tmp_path, agency):
    other = AgencyFactory(name="State University Police Department")
    PoliceRecordFactory(agency=other, record_id="A1", category="CAMPUS THEFT")
    services.import_file(agency=agency, path=write(tmp_path, [HEADER, *GOOD]), mapping=MAPPING)
    assert other.police_records.get().category == "CAMPUS THEFT"
    assert agency.police_records.count() == 3
    assert PoliceRecord.objects.filter(record_id="A1").count() == 2
