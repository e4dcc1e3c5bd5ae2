"""Importing organizations: a preview that writes nothing, then all confirmed rows or none."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from communitymap import importing
from communitymap.models import ImportBatch, StanceRecord
from tests.factories import OrganizationFactory

MAP = "/a/riverton-pd/map"

# One new row, one match of an existing organization, one bad area, and a repeat inside the file.
GOOD_CSV = """Name,Partner type,Areas,Stance,Stance reason,Owner e-mail,Next follow-up,Website
Riverton Bike Coalition,Community group,Public works and traffic,Critic,Says enforcement targets cyclists,alice@riverton.test,2026-12-01,bikeriverton.example
"The Northside Neighborhood Association, Inc.",community,Housing; Justice and crime,supporter,,,,
Eastgate Residents,Community group,Gardening,neutral,,,,
YMCA of Riverton,National NGO chapter or affiliate,Education and youth services;Health,,,,3/15/2027,
Y.M.C.A. of Riverton,ngo,health,,,,,
"""  # noqa: E501


def upload(client, name, content, content_type="text/csv"):
    return client.post(
        f"{MAP}/import/", {"file": SimpleUploadedFile(name, content, content_type=content_type)}
    )


def test_preview_sorts_rows_into_new_match_and_error_and_writes_nothing(
    client_for, alice, riverton
):
    OrganizationFactory(agency=riverton, name="Northside Neighborhood Association")
    client = client_for(alice)
    response = upload(client, "partners.csv", GOOD_CSV.encode())
    assert response.status_code == 302
    assert riverton.organizations.count() == 1  # Nothing written yet.
    batch = riverton.map_imports.get()
    verdicts = {row["data"]["name"]: row["verdict"] for row in batch.rows}
    assert verdicts == {
        "Riverton Bike Coalition": "new",
        "The Northside Neighborhood Association, Inc.": "match",
        "Eastgate Residents": "error",
        "YMCA of Riverton": "new",
        "Y.M.C.A. of Riverton": "error",
    }
    page = client.get(response["Location"]).content.decode()
    assert "Unknown area “Gardening”." in page
    assert (
        "Same as <a" in page
        and "Northside Neighborhood Association</a>, already on the map" in page
    )
    assert "Same organization as line 5 of this file." in page
    assert "Import 2 new organizations" in page

    fragment = client.get(response["Location"] + "?show=new", HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"Riverton Bike Coalition" in fragment.content

    response = client.post(response["Location"], {"action": "confirm", "on_match": "skip"})
    assert response.status_code == 302
    names = set(riverton.organizations.values_list("name", flat=True))
    assert names == {"Northside Neighborhood Association", "Riverton Bike Coalition",
                     "YMCA of Riverton"}  # fmt: skip
    bike = riverton.organizations.get(name="Riverton Bike Coalition")
    assert bike.owner == alice and bike.areas == ["public_works"]
    assert bike.website == "https://bikeriverton.example"
    assert bike.stance_records.get().reason == "Says enforcement targets cyclists"
    assert bike.history.get().history_user == alice
    ymca = riverton.organizations.get(name="YMCA of Riverton")
    assert ymca.partner_type == "ngo" and str(ymca.next_follow_up) == "2027-03-15"
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == ("done", 2)
    # A second confirm does nothing more.
    client.post(f"{MAP}/import/{batch.pk}/", {"action": "confirm"})
    assert riverton.organizations.count() == 3


def test_matches_can_fill_in_what_the_file_adds(client_for, alice, riverton):
    existing = OrganizationFactory(agency=riverton, name="Riverton Housing Authority", phone="")
    content = b"Name,Areas,Phone\nriverton housing authority,Health,217-555-0100\n"
    response = upload(client_for(alice), "update.csv", content)
    client_for(alice).post(response["Location"], {"action": "confirm", "on_match": "update"})
    existing.refresh_from_db()
    assert existing.phone == "217-555-0100"
    assert existing.areas == ["health", "housing"]
    assert existing.version == 2
    assert riverton.organizations.count() == 1


def test_cancel_writes_nothing(client_for, alice, riverton):
    response = upload(client_for(alice), "p.csv", b"Name,Areas\nRiverton Bike Coalition,Housing\n")
    client_for(alice).post(response["Location"], {"action": "cancel"})
    assert not riverton.organizations.exists()
    assert riverton.map_imports.get().status == ImportBatch.Status.CANCELLED


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.csv", b"", "The file is empty."),
        ("p.csv", b"Organisation title,Areas\nX,Housing\n", "needs a “Name” column"),
        ("p.csv", b"Name,Areas\n", "no organizations under it"),
        ("p.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"),
        ("p.xlsx", b"this is not a workbook", "could not be opened"),
        ("p.pdf", b"%PDF-1.4", "Upload a .csv file"),
    ],
)
def test_unreadable_files_are_explained_and_nothing_is_kept(
    client_for, alice, riverton, name, content, message
):
    response = upload(client_for(alice), name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not riverton.map_imports.exists()


def test_missing_file_is_explained(client_for, alice, riverton):
    response = client_for(alice).post(f"{MAP}/import/", {})
    assert "Choose a CSV or Excel file" in response.content.decode()


def test_semicolon_separated_windows_csv_is_read(riverton, alice):
    content = "Name;Areas;Notes\nCafé Solidarité;Labor;Près du campus\n".encode("cp1252")
    batch = importing.preview_import(
        agency=riverton, uploaded_by=alice, uploaded=SimpleUploadedFile("w.csv", content)
    )
    assert batch.rows[0]["verdict"] == "new"
    assert batch.rows[0]["data"]["notes"] == "Près du campus"


def test_excel_workbook_is_imported(client_for, alice, riverton):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Areas", "Partner type", "Next follow-up"])
    sheet.append(["Riverton Public Works", "Public works and traffic", "Government", None])
    sheet.append(["Southside Little League", "Education and youth services", None, None])
    sheet.append([None, None, None, None])
    sheet.append(["Bad Date Club", "Housing", None, "someday"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client_for(alice), "partners.xlsx", buffer.getvalue(), "application/zip")
    batch = riverton.map_imports.get()
    assert [r["verdict"] for r in batch.rows] == ["new", "new", "error"]
    assert "“someday” is not a date" in batch.rows[2]["errors"][0]
    client_for(alice).post(response["Location"], {"action": "confirm"})
    public_works = riverton.organizations.get(name="Riverton Public Works")
    assert public_works.partner_type == "government"
    assert riverton.organizations.count() == 2


def test_commit_is_all_or_none(riverton, alice, monkeypatch):
    content = b"Name,Areas,Stance,Stance reason\nA Club,Housing,critic,x\nB Club,Health,,\n"
    batch = importing.preview_import(
        agency=riverton, uploaded_by=alice, uploaded=SimpleUploadedFile("p.csv", content)
    )
    real = importing.bulk_create_with_history

    def fail_on_stances(objs, model, **kwargs):
        if model is StanceRecord:
            raise RuntimeError("database went away")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(importing, "bulk_create_with_history", fail_on_stances)
    with pytest.raises(RuntimeError):
        importing.commit_import(batch=batch, confirmed_by=alice)
    assert not riverton.organizations.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW


def test_commit_refuses_when_the_map_changed_since_the_preview(client_for, alice, riverton):
    content = b"Name,Areas\nRiverton Bike Coalition,Housing\nEastgate Garden Club,Housing\n"
    response = upload(client_for(alice), "p.csv", content)
    OrganizationFactory(agency=riverton, name="Riverton Bike Coalition")
    response = client_for(alice).post(response["Location"], {"action": "confirm"}, follow=True)
    assert "Nothing was imported." in response.content.decode()
    assert riverton.organizations.count() == 1


def test_export_can_be_imported_again_as_matches(client_for, alice, riverton):
    OrganizationFactory(agency=riverton, name="Riverton Tenants Union", areas=["housing"])
    exported = b"".join(client_for(alice).get(f"{MAP}/organizations/export/").streaming_content)
    upload(client_for(alice), "export.csv", exported)
    assert [r["verdict"] for r in riverton.map_imports.get().rows] == ["match"]


def test_preview_form_has_no_field_that_shadows_a_form_method(client_for, alice, riverton):
    """A radio named `matches` replaced form.matches(), and htmx threw `e.matches is not a
    function` on the preview (its tabs then reloaded the whole page)."""
    OrganizationFactory(agency=riverton, name="Northside Neighborhood Association")
    client = client_for(alice)
    response = upload(client, "partners.csv", GOOD_CSV.encode())
    page = client.get(response["Location"]).content.decode()
    names = set(re.findall(r'name="([^"]+)"', page))
    shadowing = {"matches", "submit", "reset", "method", "elements", "closest", "querySelector"}
    assert names and not names & shadowing, names & shadowing
