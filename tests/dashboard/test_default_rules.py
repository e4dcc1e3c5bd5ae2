"""The default rule set: what it keeps to areas only, what it must not catch, and the
acceptance over every real export: with default decisions, no record whose initial or final
type (or category) matches the rules is a map point or an open-data row, and values nobody
reviewed never are."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.cache import cache

from dashboard import sensitive_rules, sensitive_rules_table
from dashboard.models import PoliceRecord
from dashboard.publication import accept_defaults
from tests.dashboard.public_data import finish_import, publish
from tests.real_data import REAL, needs_real_data

DOCS = Path(__file__).parents[2] / "docs/public-dashboard.md"


@pytest.mark.parametrize(
    "value",
    [
        "INTIMATE PARTNER - SIMPLE ASSAULT",
        "CRM AGNST CHLD (13 OR UNDER)",
        "ORAL COPULATION",
        "SODOMY",
        "INCEST",
        "RAPE",
        "SEX OFFENSE",
        "Sexual Battery: Unwill Vic",
        "assault-dv",
        "DV - VIOLATION OF PROTECTIVE ORDER",
        "VIOLATE ORDER OF PROTECTION",
        "Offences Against The Family And Children",
        "JUV RUNAWAY",
        "CONTRIBUTING TO DELINQUENCY OF A MINOR",
        "HUMAN TRAFFICKING - COMMERCIAL SEX ACTS",
        "STALKING/DOMESTIC",
        "ELDER ABUSE",
        "DEPENDENT ADULT ABUSE",
        "5150",
        "MENTAL HEALTH DETENTION",
        "OD / OVERDOSE",
        "WELFARE CHECK",
        "SUICIDE ATTEMPT",
        "DEATH INVESTIGATION - DOA",
        "HOMICIDE",
        "FIRST DEGREE MURDER",
        "Missing Person-adult",
    ],
)
def test_the_default_rules_keep_these_to_areas(value):
    assert sensitive_rules.suggest(value).level == sensitive_rules.AREAS, value


@pytest.mark.parametrize(
    "value",
    [
        "ESSEX ST DISTURBANCE",
        "MIDDLESEX THEFT",
        "DVD THEFT",
        "ODOR COMPLAINT",
        "THEFT UNDER $950",
        "THEFT $500 AND UNDER",
        "TRAFFIC ACCIDENT - MINOR INJURY",
        "AGGRAVATED - HANDS, FISTS, FEET, NO / MINOR INJURY",
        "WELFARE FRAUD",
        "UNATTENDED VEHICLE",
        "CHILDRESS AVE BURGLARY",
        "GRAPE THEFT",
        "MEDALLION FRAUD",
        "BURGLARY",
        "CRIMINAL DAMAGE",
    ],
)
def test_the_default_rules_do_not_catch_these(value):
    assert sensitive_rules.suggest(value).level == sensitive_rules.FULL, value


def test_an_agencys_own_words_are_suggested_as_areas_only():
    assert sensitive_rules.suggest("GANG CONTACT", ["gang"]).level == sensitive_rules.AREAS
    assert sensitive_rules.suggest("ORANGE THEFT", ["range"]).level == sensitive_rules.FULL


@needs_real_data
def test_the_docs_list_what_the_rules_decide_for_every_real_file():
    text = DOCS.read_text()
    start = text.index("<!-- default rules table: start -->") + len(
        "<!-- default rules table: start -->\n"
    )
    end = text.index("<!-- default rules table: end -->")
    assert text[start:end] == sensitive_rules_table.markdown(REAL), (
        "Run python -m dashboard.sensitive_rules_table ../shared/data/real and paste it "
        "into docs/public-dashboard.md"
    )


def _load(agency, name, limit=4000):
    """The file's type values as police records (three columns: initial, final, category)."""
    columns = sensitive_rules_table.TYPE_COLUMNS[name]
    rows = []
    for i, row in enumerate(sensitive_rules_table._rows(REAL / name)):
        if i >= limit:
            break
        values = []
        for column in columns[:3]:
            try:
                values.append((row[column] or "").strip()[:200])
            except (IndexError, KeyError):
                values.append("")
        initial, final, category = (values + ["", "", ""])[:3]
        if len(columns) == 1:
            initial, final, category = "", values[0], values[0]
        rows.append(
            PoliceRecord(
                agency=agency,
                source="incidents",
                record_id=f"{i}",
                occurred_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=3 * i),
                initial_type=initial,
                final_type=final,
                category=category,
                district=str(1 + i % 4),
                block_address=f"{100 + i % 7}XX MAIN ST",
                public_latitude=41.881 + 0.002 * (i % 3),
                public_longitude=-87.631,
            )
        )
    PoliceRecord.objects.bulk_create(rows)


def _csv(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    return list(csv.DictReader(io.StringIO(content)))


def _matches(record):
    return bool(
        sensitive_rules.matching_topics(record.initial_type)
        or sensitive_rules.matching_topics(record.final_type)
        or sensitive_rules.matching_topics(record.category)
    )


@needs_real_data
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(sensitive_rules_table.TYPE_COLUMNS))
def test_default_decisions_keep_every_sensitive_record_of_a_real_file_off_the_map(
    client, riverton, name
):
    cache.clear()
    _load(riverton, name)
    publish(riverton)
    finish_import(riverton, review=False)
    # Nobody has reviewed anything yet: no point, no record row.
    assert _csv(client, "/p/riverton-pd/open-data/incidents.csv") == []
    assert _csv(client, "/p/riverton-pd/data/map.csv?start=2025-01&end=2026-12") == []
    accept_defaults(agency=riverton, decided_by=None)
    cache.clear()
    listed = _csv(client, "/p/riverton-pd/open-data/incidents.csv")
    records = {r.record_id: r for r in riverton.police_records.all()}
    assert listed, "records that are not sensitive are published once reviewed"
    leaked = [records[r["record_id"]] for r in listed if _matches(records[r["record_id"]])]
    assert not leaked, [(r.initial_type, r.final_type, r.category) for r in leaked[:5]]
    # Map squares count only records that may be points.
    squares = _csv(client, "/p/riverton-pd/data/map.csv?start=2025-01&end=2026-12")
    mappable = {}
    for r in records.values():
        if not _matches(r):
            key = (round(r.public_latitude, 3), round(r.public_longitude, 3))
            mappable[key] = mappable.get(key, 0) + 1
    header = list(squares[0]) if squares else []
    for square in squares:
        lat, lon, count = (square[h] for h in header[:3])
        assert int(count) <= mappable.get((float(lat), float(lon)), 0), square
