"""A crime analyst imports a real export: upload, map columns, preview, import, progress."""

import re

import pytest
from playwright.sync_api import expect

from dashboard import services
from tests.browser.conftest import shot
from tests.factories import ImportJobFactory
from tests.real_data import REAL, needs_real_data

pytestmark = pytest.mark.django_db(transaction=True)


@needs_real_data
def test_staff_imports_a_real_export(page, log_in, alice, riverton, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Queue the import without running it, so the page shows the waiting progress bar
    # until this test plays the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    log_in(page, alice)
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    page.get_by_role("link", name="Import an export").click()

    page.get_by_label("Export file").set_input_files(REAL / "chicago_crimes_2024_sample.csv")
    page.get_by_role("button", name="Upload and continue").click()

    expect(page.get_by_role("heading", name="Map columns")).to_be_visible()
    expect(page.get_by_label(re.compile("^Record id"))).to_have_value("ID")
    expect(page.get_by_label("Category")).to_have_value("Primary Type")
    expect(page.get_by_label("Occurred-at date format")).to_have_value("%m/%d/%Y %I:%M:%S %p")
    page.get_by_label("District").select_option("District")
    page.get_by_label("Save this mapping as").fill("Data portal export")
    shot(page, "police-import-mapping")
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="Ready to import")).to_be_visible()
    expect(page.get_by_text("Checked all 10,000 rows")).to_be_visible()
    problem = page.locator("tr[data-problem=missing_coordinates]")
    expect(problem).to_contain_text("No coordinates")
    expect(problem).to_contain_text("270")
    expect(page.get_by_role("cell", name="200 BLOCK W 47TH ST").first).to_be_visible()
    shot(page, "police-import-preview")
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.get_by_role("progressbar", name="Import progress")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel import")).to_be_visible()
    shot(page, "police-import-progress")
    job = riverton.import_jobs.get()
    services.run_import(job.pk)  # what the background worker does

    # The page polls and shows the outcome without a reload.
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(page.get_by_test_id("rows-inserted")).to_have_text("10,000")
    expect(page.get_by_test_id("rows-rejected")).to_have_text("0")
    expect(page.get_by_role("progressbar")).to_have_count(0)

    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page.get_by_test_id("count-incidents")).to_have_text("10,000")
    expect(page.get_by_text("Data portal export")).to_be_visible()


def test_import_pages_work_on_a_phone(phone_page, log_in, alice, riverton):
    job = ImportJobFactory(
        agency=riverton,
        status="previewed",
        original_name="rms-export-2024-05.csv",
        problems={
            "bad_date": {
                "label": "Date that could not be read",
                "rejects": True,
                "count": 3,
                "examples": [{"line": 12, "detail": "SPRING OF 2024"}],
            }
        },
        preview={
            "rows": [
                {
                    "line": 2,
                    "record_id": "24-000117",
                    "occurred_local": "2024-05-01 08:15:00",
                    "final_type": "THEFT FROM MOTOR VEHICLE",
                    "category": "THEFT",
                    "district": "006",
                    "beat": "0611",
                    "area_code": "",
                    "block_address": "1200 BLOCK N MAIN ST",
                    "latitude": 41.88,
                    "longitude": -87.63,
                }
            ],
            "rows_checked": 1520,
            "rows_good": 1517,
            "complete": True,
            "encoding": "utf-8",
            "delimiter": "comma",
            "kind": "csv",
        },
    )
    log_in(phone_page, alice)
    for url in [f"/a/{riverton.slug}/dashboard/imports/new/", job.get_absolute_url()]:
        phone_page.goto(url)
        expect(phone_page.locator("h1")).to_be_visible()
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, url
    expect(phone_page.get_by_text("1,517 will be imported")).to_be_visible()
    expect(phone_page.get_by_role("button", name="Import the good rows")).to_be_visible()
