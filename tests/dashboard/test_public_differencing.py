"""No suppressed count can be worked out by subtracting two overlapping date ranges.

Records are spread so that many month cells are small (1 to threshold - 1). For every
public chart and download, each pair of overlapping ranges is read, and the difference of
every published count between the two is either zero or at least the threshold.
"""

import csv
import datetime as dt
import io
import itertools

import pytest
from django.core.cache import cache

from dashboard.models import PoliceRecord
from tests.dashboard.public_data import finish_import, publish

pytestmark = pytest.mark.django_db
THRESHOLD = 5
CHARTS = ["over-time", "by-category", "by-district", "time-of-day", "map"]
MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]


@pytest.fixture
def uneven(riverton):
    """Some months busy, some with 1-4 records of a kind, in three districts."""
    cache.clear()
    rows = []
    plan = {  # month -> {category: count}
        1: {"THEFT": 30, "BURGLARY": 3, "ROBBERY": 8},
        2: {"THEFT": 2, "BURGLARY": 12, "ROBBERY": 1},
        3: {"THEFT": 25, "BURGLARY": 4, "ROBBERY": 6},
        4: {"THEFT": 1, "BURGLARY": 9, "ROBBERY": 3},
        5: {"THEFT": 40, "BURGLARY": 2, "ROBBERY": 7},
        6: {"THEFT": 3, "BURGLARY": 15, "ROBBERY": 2},
    }
    i = 0
    for month, kinds in plan.items():
        for kind, n in kinds.items():
            for k in range(n):
                i += 1
                rows.append(
                    PoliceRecord(
                        agency=riverton,
                        source="incidents",
                        record_id=f"D{i}",
                        occurred_at=dt.datetime(2025, month, 1 + k % 27, k % 24, tzinfo=dt.UTC),
                        initial_type=kind,
                        final_type=kind,
                        category=kind,
                        district=str(1 + k % 3),
                        block_address="12XX N MAIN ST",
                        public_latitude=41.881,
                        public_longitude=-87.631,
                    )
                )
    PoliceRecord.objects.bulk_create(rows)
    publish(riverton, suppression_threshold=THRESHOLD)
    finish_import(riverton)
    return riverton


def read(client, chart, start, end, **extra):
    query = "&".join([f"start={start}", f"end={end}", *(f"{k}={v}" for k, v in extra.items())])
    response = client.get(f"/p/riverton-pd/data/{chart}.csv?{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {tuple(r[:-1]) if chart == "time-of-day" else r[0]: r[1:] for r in rows[1:]}


def numbers(table):
    out = {}
    for key, values in table.items():
        for col, value in enumerate(values):
            out[(key, col)] = int(value) if value.isdigit() else 0
    return out


def ranges():
    """Every pair of ranges where one contains the other.

    Subtracting a range inside another gives the count of what lies outside it; that is
    how an overlap is exploited. (For two ranges that only partly overlap, the overlap is
    itself a range a visitor can ask for, so its pairs with each of them are here too.)
    """
    spans = [(a, b) for a, b in itertools.combinations_with_replacement(range(len(MONTHS)), 2)]
    for (a1, b1), (a2, b2) in itertools.permutations(spans, 2):
        if a1 <= a2 and b2 <= b1:  # the second lies inside the first
            yield (MONTHS[a1], MONTHS[b1]), (MONTHS[a2], MONTHS[b2])


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("extra", [{}, {"category": "THEFT"}, {"interval": "week"}])
def test_overlapping_ranges_never_differ_by_a_small_count(client, uneven, chart, extra):
    tables = {}
    small = []
    for first, second in ranges():
        for span in (first, second):
            if span not in tables:
                tables[span] = numbers(read(client, chart, *span, **extra))
        one, two = tables[first], tables[second]
        for key in set(one) | set(two):
            diff = abs(one.get(key, 0) - two.get(key, 0))
            if 0 < diff < THRESHOLD:
                small.append((first, second, key, diff))
    assert not small, small[:5]


def test_totals_of_overlapping_ranges_never_differ_by_a_small_count(client, uneven):
    totals = {}
    for first, second in ranges():
        for span in (first, second):
            if span not in totals:
                table = read(client, "over-time", *span)
                totals[span] = sum(int(v[0]) for v in table.values() if v[0].isdigit())
        diff = totals[first] - totals[second]
        assert diff == 0 or diff >= THRESHOLD, (first, second, diff)


def test_a_day_range_is_read_as_whole_months_and_the_url_says_so(client, uneven):
    html = client.get("/p/riverton-pd/data/?start=2025-02-10&end=2025-03-03").content.decode()
    assert 'name="start" id="id_start" value="2025-02"' in html
    assert 'name="end" id="id_end" value="2025-03"' in html
    assert "start=2025-02&amp;end=2025-03" in html  # the CSV links carry the snapped range
    day = read(client, "over-time", "2025-02-10", "2025-03-03")
    month = read(client, "over-time", "2025-02", "2025-03")
    assert day == month


def test_the_monthly_download_hides_small_cells_with_a_partner(client, uneven):
    response = client.get("/p/riverton-pd/open-data/incidents-monthly.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_month = {}
    for row in rows:
        by_month.setdefault(row["month"], []).append(row)
    for month, cells in by_month.items():
        hidden = [c for c in cells if c["suppressed"] == "True"]
        assert len(hidden) != 1, month
        shown = [int(c["count"]) for c in cells if c["count"]]
        assert all(n >= THRESHOLD for n in shown), month
