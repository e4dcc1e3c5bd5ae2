"""The demo's generated police data looks like a real year of a real place (issue 17:
the old demo showed 8,332 of 9,939 incidents in one month and 376 homicides a year)."""

import collections
import datetime as dt

import pytest

from dashboard import demo, demo_geography, demo_police

END = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def data():
    return {(key, source): rows for key, source, _, rows, _ in demo.datasets(END)}


def per_year(rows):
    return len(rows) / demo_police.YEARS


def test_the_same_end_date_gives_the_same_rows(data):
    again = demo_police.generate(
        kinds=demo_police.CITY_INCIDENTS,
        source="incidents",
        geography=demo_geography.city(),
        end=END,
        seed="city-incidents",
        prefix="R",
    )
    assert again == data["city", "incidents"]


def test_city_volumes_match_published_rates_for_its_size(data):
    population = demo_police.CITY_POPULATION
    calls = per_year(data["city", "calls"]) / population
    assert 0.5 <= calls <= 1.0
    incidents = data["city", "incidents"]
    by_category = collections.Counter(r["category"] for r in incidents)
    homicides = by_category["Homicide"] / demo_police.YEARS * 100_000 / population
    assert 1 <= homicides <= 20  # per 100,000 a year; the old demo had 427
    part_one_property = sum(
        by_category[c]
        for c in ("Burglary", "Theft", "Theft from motor vehicle", "Motor vehicle theft")
    )
    assert 1_500 <= part_one_property / demo_police.YEARS * 100_000 / population <= 3_500


def test_no_month_stands_out_and_summer_is_busier_than_winter(data):
    months = collections.Counter(r["at"].strftime("%Y-%m") for r in data["city", "incidents"])
    assert len(months) == 24 and min(months) == "2024-12" and max(months) == "2026-11"
    assert max(months.values()) < 2 * min(months.values())  # the old demo: 8,332 in one
    assert months["2026-07"] > months["2026-02"]


def test_the_campus_follows_the_academic_year(data):
    rows = data["university", "incidents"]
    assert 800 <= per_year(rows) <= 2_500
    months = collections.Counter(r["at"].month for r in rows)
    assert months[10] > 2.5 * months[7]


def test_assaults_peak_at_night_and_weekends_thefts_in_the_day(data):
    rows = data["city", "incidents"]
    assault_hours = collections.Counter(
        r["at"].hour for r in rows if r["category"] == "Simple assault"
    )
    theft_hours = collections.Counter(r["at"].hour for r in rows if r["category"] == "Theft")
    assert assault_hours[23] > 2 * assault_hours[7]
    assert theft_hours[14] > 3 * theft_hours[4]
    days = collections.Counter(r["at"].weekday() for r in rows if r["category"] == "Simple assault")
    assert days[5] > days[1]


def _inside(point, ring):
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def test_records_fall_in_their_district_drawn_counter_clockwise(data):
    city = demo_geography.city()
    rings = {city.areas[code]: ring for code, ring in city.area_rings.items()}
    assert all(_area(ring) > 0 for ring in rings.values())  # RFC 7946: exterior rings CCW
    assert all(_area(cell.ring) > 0 for cell in city.cells)
    rows = data["city", "incidents"][::50]
    inside = sum(_inside((r["lon"], r["lat"]), rings[r["district"]]) for r in rows)
    assert inside >= 0.97 * len(rows)
    assert all(r["block"][0].isdigit() for r in rows)
