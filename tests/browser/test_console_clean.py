"""Clicks that used to log errors in the console, or leave the address bar behind (issue 17):
the second "Add input" (`htmx:oobErrorNoTarget #no-inputs`), a SARA save
(`#messages`), an explorer filter change (`htmx:historyCacheError`), and "Show" clicked
right after choosing a district (the URL stayed unfiltered while the charts were filtered).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.dashboard.public_data import finish_import, publish, records
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)


def console_errors(page):
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_adding_inputs_one_after_another_logs_nothing(page, log_in, alice, riverton):
    from scanning import services

    activity = services.record_activity(
        agency=riverton, recorded_by=alice, kind="meeting", title="Eastgate block club"
    )
    errors = console_errors(page)
    log_in(page, alice)
    page.goto(activity.get_absolute_url())
    for number, said in enumerate(["Cars speed on Elm.", "The alley light is out.", "Thanks"], 1):
        page.get_by_label("What was said").fill(said)
        page.keyboard.press("Enter")
        expect(page.locator("#input-count")).to_have_text(str(number))
    assert not errors, errors


def test_saving_the_sara_record_logs_nothing(page, log_in, alice, riverton):
    team = TeamFactory(agency=riverton, name="Green Street PST")
    errors = console_errors(page)
    log_in(page, alice)
    page.goto(f"/a/riverton-pd/teams/{team.pk}/sara/")
    page.get_by_label("Offender", exact=True).fill("Patrons leaving bars at closing time")
    page.get_by_role("button", name="Save analysis").click()
    expect(page.get_by_label("Offender", exact=True)).to_have_value(
        "Patrons leaving bars at closing time"
    )
    page.wait_for_load_state("networkidle")
    assert not errors, errors


def test_explorer_address_always_matches_the_view(page, riverton):
    publish(riverton)
    records(riverton, 300)
    finish_import(riverton)
    errors = console_errors(page)
    page.set_default_timeout(60_000)  # the first public render computes every aggregate
    page.goto("/p/riverton-pd/data/")
    district = page.locator("#id_district")
    value = district.locator("option").nth(1).get_attribute("value")
    district.select_option(value)
    page.get_by_role("button", name="Show").click()  # at once, while the change is loading
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(re.compile(rf"district={re.escape(value)}"))
    assert district.input_value() == value
    assert not errors, errors
