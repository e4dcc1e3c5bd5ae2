"""The demo's police data: two years of made-up calls and incidents to a realistic profile.

Nothing here is real. Volumes come from published US rates (docs/demo-data.md): Riverton
(88,000 people) gets about 0.6 calls for service per resident a year and Part I crime at
the rates of US cities of 50,000-100,000; the campus (about 43,000 students and staff)
gets what a large university's daily crime log shows. Each day's count of each category is
a Poisson draw around its yearly rate shaped by season (or the academic calendar),
weekday, a slow trend and the day's "weather"; each record's hour follows its kind's time
of day, and its place a beat weighted by district and a few busy blocks. Seeded: the same
`end` date gives the same rows.
"""

import csv
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass

from dashboard import demo_geography as geo

CITY_POPULATION = 88_000
CAMPUS_POPULATION = 43_000
YEARS = 2

# Time of day: (base, [(peak hour, height, width in hours), ...]) -> 24 weights.
HOURS = {
    "night": (0.25, [(23.5, 1.6, 2.6), (17.0, 0.5, 3.0)]),
    "day": (0.15, [(14.0, 1.2, 3.5), (10.0, 0.4, 2.0)]),
    "evening": (0.25, [(20.5, 1.3, 3.0)]),
    "commute": (0.15, [(8.0, 0.9, 1.2), (17.0, 1.4, 1.8), (12.5, 0.5, 2.0)]),
    "service": (0.25, [(13.0, 1.0, 4.5), (21.0, 0.5, 2.5)]),
    "late": (0.15, [(1.5, 1.5, 1.8), (22.5, 0.6, 1.5)]),
}
# Monday .. Sunday.
WEEKDAYS = {
    "night": [0.82, 0.78, 0.84, 0.95, 1.18, 1.45, 1.30],
    "day": [1.06, 1.05, 1.05, 1.04, 1.05, 0.92, 0.83],
    "evening": [0.95, 0.93, 0.95, 1.0, 1.1, 1.1, 0.97],
    "commute": [1.1, 1.1, 1.1, 1.1, 1.12, 0.8, 0.68],
    "service": [1.02, 1.0, 1.0, 1.0, 1.03, 1.0, 0.95],
    "late": [0.6, 0.55, 0.62, 0.85, 1.25, 1.75, 1.55],
}
# January .. December.
SEASONS = {
    "summer": [0.82, 0.78, 0.92, 0.97, 1.06, 1.13, 1.18, 1.15, 1.05, 1.0, 0.94, 0.9],
    "property": [0.9, 0.82, 0.92, 0.96, 1.02, 1.07, 1.12, 1.12, 1.04, 1.04, 0.99, 1.0],
    "winter": [1.18, 1.12, 0.96, 0.9, 0.94, 0.95, 0.9, 0.95, 1.0, 1.03, 1.05, 1.17],
    "flat": [0.95, 0.92, 0.98, 0.99, 1.02, 1.04, 1.06, 1.05, 1.01, 1.0, 0.98, 0.99],
    # The academic year: quiet in summer and over the winter break, busiest in the fall.
    "campus": [0.7, 1.08, 0.95, 1.08, 0.68, 0.32, 0.3, 0.72, 1.38, 1.32, 1.15, 0.78],
}

# District rates relative to the city average: violent, property, disorder, traffic.
DISTRICT_PROFILE = {
    "1": {"violent": 1.9, "property": 1.0, "disorder": 1.3, "traffic": 0.9, "vandalism": 1.1},
    "2": {"violent": 1.2, "property": 1.6, "disorder": 1.7, "traffic": 1.3, "vandalism": 1.0},
    "3": {"violent": 1.0, "property": 1.1, "disorder": 1.2, "traffic": 0.9, "vandalism": 1.9},
    "4": {"violent": 0.6, "property": 0.8, "disorder": 0.7, "traffic": 1.0, "vandalism": 0.7},
    "5": {"violent": 0.5, "property": 0.7, "disorder": 0.6, "traffic": 1.1, "vandalism": 0.6},
}


@dataclass(frozen=True)
class Kind:
    """One category: yearly count, its group, time of day, season and how it is written."""

    category: str
    per_year: float
    group: str  # violent / property / disorder / traffic / vandalism / service
    hours: str
    season: str
    types: tuple  # (final type, weight, offense code) for incidents; call types for calls
    domestic_share: float = 0.0


def per_100k(rate: float, population: int = CITY_POPULATION) -> float:
    return rate * population / 100_000


# Incidents (a records system): NIBRS offenses at the rates of US cities of 50,000-100,000.
CITY_INCIDENTS = [
    Kind("Homicide", per_100k(6), "violent", "late", "summer", (("Murder", 1, "09A"),)),
    Kind("Rape", per_100k(40), "violent", "late", "summer", (("Rape", 1, "11A"),)),
    Kind(
        "Robbery",
        per_100k(70),
        "violent",
        "evening",
        "summer",
        (
            ("Robbery - street", 6, "120"),
            ("Robbery - business", 2, "120"),
            ("Robbery - residence", 1, "120"),
        ),
    ),
    Kind(
        "Aggravated assault",
        per_100k(285),
        "violent",
        "late",
        "summer",
        (
            ("Aggravated assault - firearm", 4, "13A"),
            ("Aggravated assault - knife", 2, "13A"),
            ("Aggravated assault - other weapon", 3, "13A"),
        ),
        domestic_share=0.25,
    ),
    Kind(
        "Simple assault",
        per_100k(640),
        "violent",
        "night",
        "summer",
        (("Simple assault", 1, "13B"),),
        domestic_share=0.3,
    ),
    Kind(
        "Burglary",
        per_100k(300),
        "property",
        "day",
        "property",
        (
            ("Burglary - residence, forced entry", 5, "220"),
            ("Burglary - residence, no force", 3, "220"),
            ("Burglary - business", 2, "220"),
        ),
    ),
    Kind(
        "Theft",
        per_100k(1300),
        "property",
        "day",
        "property",
        (
            ("Shoplifting", 4, "23C"),
            ("Theft from building", 3, "23D"),
            ("Theft of bicycle", 1, "23H"),
            ("Package theft", 1, "23H"),
            ("All other theft", 3, "23H"),
            ("Pocket-picking", 0.3, "23A"),
        ),
    ),
    Kind(
        "Theft from motor vehicle",
        per_100k(360),
        "property",
        "late",
        "property",
        (("Theft from motor vehicle", 3, "23F"), ("Theft of vehicle parts", 1, "23G")),
    ),
    Kind(
        "Motor vehicle theft",
        per_100k(260),
        "property",
        "evening",
        "property",
        (("Motor vehicle theft", 1, "240"),),
    ),
    Kind("Arson", per_100k(12), "vandalism", "late", "summer", (("Arson", 1, "200"),)),
    Kind(
        "Vandalism",
        per_100k(700),
        "vandalism",
        "evening",
        "summer",
        (
            ("Criminal damage to property", 4, "290"),
            ("Criminal damage to vehicle", 3, "290"),
            ("Graffiti", 1, "290"),
        ),
    ),
    Kind(
        "Fraud",
        per_100k(420),
        "property",
        "day",
        "flat",
        (
            ("Identity theft", 3, "26F"),
            ("Credit card fraud", 3, "26B"),
            ("Impersonation", 1, "26C"),
            ("Wire fraud", 1, "26E"),
        ),
    ),
    Kind(
        "Drug offense",
        per_100k(300),
        "disorder",
        "evening",
        "flat",
        (("Possession of drugs", 5, "35A"), ("Drug equipment", 2, "35B")),
    ),
    Kind(
        "Driving under the influence",
        per_100k(250),
        "traffic",
        "late",
        "flat",
        (("Driving under the influence", 1, "90D"),),
    ),
    Kind(
        "Weapons violation",
        per_100k(75),
        "violent",
        "late",
        "summer",
        (("Unlawful possession of a weapon", 3, "520"), ("Shots fired, no injury", 2, "520")),
    ),
    Kind(
        "Trespass", per_100k(120), "disorder", "night", "flat", (("Criminal trespass", 1, "90J"),)
    ),
    Kind(
        "Disorderly conduct",
        per_100k(150),
        "disorder",
        "night",
        "summer",
        (("Disorderly conduct", 1, "90C"),),
    ),
    Kind("Sex offense", per_100k(30), "violent", "night", "flat", (("Fondling", 1, "11D"),)),
]

CAMPUS_INCIDENTS = [
    Kind(
        "Theft",
        430,
        "property",
        "day",
        "campus",
        (
            ("Theft from building", 4, "23D"),
            ("Theft of bicycle", 3, "23H"),
            ("Theft from residence hall room", 2, "23D"),
            ("Package theft", 1, "23H"),
        ),
    ),
    Kind(
        "Burglary",
        40,
        "property",
        "day",
        "campus",
        (("Burglary - residence hall", 2, "220"), ("Burglary - academic building", 1, "220")),
    ),
    Kind(
        "Vandalism",
        115,
        "vandalism",
        "night",
        "campus",
        (("Criminal damage to property", 3, "290"), ("Graffiti", 1, "290")),
    ),
    Kind(
        "Liquor law violation",
        175,
        "disorder",
        "late",
        "campus",
        (("Underage possession of alcohol", 4, "90G"), ("Fake ID", 1, "90G")),
    ),
    Kind(
        "Drug offense", 85, "disorder", "night", "campus", (("Possession of cannabis", 1, "35A"),)
    ),
    Kind(
        "Driving under the influence",
        38,
        "traffic",
        "late",
        "campus",
        (("Driving under the influence", 1, "90D"),),
    ),
    Kind(
        "Simple assault",
        58,
        "violent",
        "late",
        "campus",
        (("Simple assault", 1, "13B"),),
        domestic_share=0.15,
    ),
    Kind(
        "Aggravated assault", 14, "violent", "late", "campus", (("Aggravated assault", 1, "13A"),)
    ),
    Kind("Robbery", 6, "violent", "late", "campus", (("Robbery", 1, "120"),)),
    Kind("Rape", 12, "violent", "late", "campus", (("Rape", 1, "11A"),)),
    Kind("Sex offense", 15, "violent", "night", "campus", (("Fondling", 1, "11D"),)),
    Kind(
        "Fraud",
        60,
        "property",
        "day",
        "campus",
        (("Scam by phone or e-mail", 3, "26A"), ("Identity theft", 1, "26F")),
    ),
    Kind(
        "Harassment",
        40,
        "disorder",
        "service",
        "campus",
        (("Harassment by electronic means", 2, "90Z"), ("Harassment", 1, "90Z")),
    ),
    Kind("Trespass", 45, "disorder", "night", "campus", (("Criminal trespass", 1, "90J"),)),
    Kind(
        "Disorderly conduct", 48, "disorder", "late", "campus", (("Disorderly conduct", 1, "90C"),)
    ),
    Kind(
        "Theft from motor vehicle",
        28,
        "property",
        "night",
        "campus",
        (("Theft from motor vehicle", 1, "23F"),),
    ),
    Kind(
        "Motor vehicle theft",
        14,
        "property",
        "evening",
        "campus",
        (("Motor vehicle theft", 1, "240"),),
    ),
    Kind(
        "Weapons violation",
        4,
        "violent",
        "late",
        "campus",
        (("Unlawful possession of a weapon", 1, "520"),),
    ),
]


def calls(population: int, per_resident: float, mix, season: str) -> list[Kind]:
    """Calls for service: `mix` is (call type, share, group, hours, [(final type, w), ...])."""
    total = population * per_resident
    shares = sum(m[1] for m in mix)
    return [
        Kind(
            name,
            total * share / shares,
            group,
            hours,
            season if group != "traffic" else "winter",
            finals or ((name, 1, ""),),
        )
        for name, share, group, hours, finals in mix
    ]


CITY_CALL_MIX = [
    ("Traffic stop", 15, "traffic", "evening", None),
    ("Directed patrol", 9, "service", "night", None),
    ("Suspicious person or vehicle", 8, "disorder", "night", None),
    ("Assist citizen", 7, "service", "service", None),
    ("Alarm", 6, "property", "day", None),
    (
        "Disturbance",
        6,
        "disorder",
        "night",
        (("Disturbance", 7, ""), ("Domestic disturbance", 2, ""), ("Fight", 1, "")),
    ),
    ("Traffic crash", 5, "traffic", "commute", None),
    ("Welfare check", 5, "service", "service", None),
    ("911 hang-up", 5, "service", "service", None),
    ("Noise complaint", 4, "disorder", "late", None),
    ("Theft", 4, "property", "day", None),
    ("Parking complaint", 4, "traffic", "day", None),
    ("Follow-up", 3, "service", "day", None),
    ("Domestic disturbance", 3, "violent", "evening", None),
    ("Medical assist", 3, "service", "service", None),
    ("Animal complaint", 2, "service", "day", None),
    ("Trespass", 2, "disorder", "night", None),
    ("Civil matter", 2, "service", "day", None),
    ("Assault", 1.5, "violent", "late", None),
    ("Burglary", 1, "property", "day", None),
    ("Fraud", 1, "property", "day", None),
    ("Mental health crisis", 1, "service", "service", None),
    ("Shots fired", 0.5, "violent", "late", None),
]
CAMPUS_CALL_MIX = [
    ("Building check", 16, "service", "night", None),
    ("Safety escort", 9, "service", "late", None),
    ("Alarm", 9, "property", "day", None),
    ("Lockout", 8, "service", "service", None),
    ("Traffic stop", 8, "traffic", "evening", None),
    ("Assist citizen", 8, "service", "service", None),
    ("Suspicious person or vehicle", 7, "disorder", "night", None),
    ("Medical assist", 6, "service", "late", None),
    ("Welfare check", 5, "service", "service", None),
    ("Noise complaint", 5, "disorder", "late", None),
    ("Theft", 5, "property", "day", None),
    ("Parking complaint", 5, "traffic", "day", None),
    ("Traffic crash", 3, "traffic", "commute", None),
    ("Intoxicated person", 3, "disorder", "late", None),
    ("Disturbance", 3, "disorder", "late", None),
]

# What a call is first dispatched as, when the officer then finds something else.
RECLASSIFIED_FROM = ("Disturbance", "Suspicious person or vehicle", "Assist citizen")

DISPOSITIONS = {
    "incidents": (("Report taken", 6), ("Arrest", 2), ("Cleared by exception", 1), ("Open", 3)),
    "calls": (
        ("Advised", 5),
        ("Report taken", 2),
        ("Gone on arrival", 2),
        ("No action needed", 2),
        ("Citation issued", 1),
        ("Arrest", 0.5),
    ),
}


def hour_weights(name: str) -> list[float]:
    base, peaks = HOURS[name]
    weights = []
    for hour in range(24):
        w = base
        for centre, height, width in peaks:
            d = min(abs(hour + 0.5 - centre), 24 - abs(hour + 0.5 - centre))
            w += height * math.exp(-(d**2) / (2 * width**2))
        weights.append(w)
    return weights


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _special(day: dt.date, kind: Kind, campus: bool) -> float:
    """Days every police department knows: the Fourth of July, New Year's Eve, home games."""
    if kind.group == "disorder" and (day.month, day.day) in ((7, 4), (7, 5), (12, 31), (1, 1)):
        return 2.2
    home_game = day.weekday() == 5 and day.month in (9, 10, 11) and day.isocalendar()[1] % 2 == 0
    if home_game and kind.hours in ("late", "night"):
        return 1.9 if campus else 1.3
    return 1.0


@dataclass
class Place:
    code: str  # beat (city) or zone (campus)
    area: str  # district or zone code
    district: str  # its name, as the records carry it
    blocks: list  # [(address, lon, lat)]
    block_cum: list  # cumulative weights


def places(geography: geo.Geography, rng: random.Random, blocks_per_cell: int) -> list[Place]:
    result = []
    for cell in geography.cells:
        blocks = [
            geo.address(*cell.point(rng.uniform(0.12, 0.88), rng.uniform(0.12, 0.88)))
            for _ in range(blocks_per_cell)
        ]
        # A few blocks in every beat see much of its trouble (a bar, a store, an apartment block).
        weights = itertools.accumulate(1 / (i + 1) ** 0.9 for i in range(blocks_per_cell))
        result.append(
            Place(cell.code, cell.parent, geography.areas[cell.parent], blocks, list(weights))
        )
    return result


def _place_weights(places_, kind: Kind, rng: random.Random, campus: bool) -> list[float]:
    if campus:
        busy = {"E": 1.8, "A": 1.3, "D": 1.3, "B": 1.0, "F": 0.6, "C": 0.4}
        return [busy.get(p.code, 1.0) * rng.uniform(0.8, 1.2) for p in places_]
    return [DISTRICT_PROFILE[p.area].get(kind.group, 1.0) * rng.uniform(0.6, 1.4) for p in places_]


def generate(
    *,
    kinds: list[Kind],
    source: str,
    geography: geo.Geography,
    end: dt.date,
    seed: str,
    campus: bool = False,
    prefix: str,
    scale: float = 1.0,
):
    """Yield one dict per record from `end` back YEARS years (whole months), oldest first."""
    rng = random.Random(f"{geo.SEED}:{seed}")
    start = dt.date(end.year - YEARS, end.month, 1)
    start = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    days = (end - start).days + 1
    where = places(geography, rng, 30 if not campus else 18)
    hours = {name: hour_weights(name) for name in HOURS}
    rows = []
    weather = [rng.gammavariate(18, 1 / 18) for _ in range(days)]
    disposition_names = [d[0] for d in DISPOSITIONS[source]]
    disposition_cum = list(itertools.accumulate(d[1] for d in DISPOSITIONS[source]))
    numbers = iter(range(1, 10**7))
    hour_range = range(24)
    for kind in kinds:
        place_cum = list(itertools.accumulate(_place_weights(where, kind, rng, campus)))
        hour_cum = list(itertools.accumulate(hours[kind.hours]))
        drift = rng.uniform(-0.1, 0.06)  # this category's change over the two years
        season = SEASONS[kind.season]
        mean = sum(season) / 12
        type_names = [t[0] for t in kind.types]
        type_cum = list(itertools.accumulate(t[1] for t in kind.types))
        codes = {t[0]: t[2] for t in kind.types}
        for offset in range(days):
            day = start + dt.timedelta(days=offset)
            lam = (
                kind.per_year
                * scale
                / 365.25
                * season[day.month - 1]
                / mean
                * WEEKDAYS[kind.hours][day.weekday()]
                * (1 + drift * (offset / days - 0.5))
                * weather[offset]
                * _special(day, kind, campus)
            )
            n = _poisson(rng, lam)
            if not n:
                continue
            midnight = dt.datetime.combine(day, dt.time())
            day_hours = rng.choices(hour_range, cum_weights=hour_cum, k=n)
            day_places = rng.choices(where, cum_weights=place_cum, k=n)
            finals = rng.choices(type_names, cum_weights=type_cum, k=n)
            for hour, place, final in zip(day_hours, day_places, finals, strict=False):
                at = midnight + dt.timedelta(hours=hour, minutes=rng.randrange(60))
                block, lon, lat = rng.choices(place.blocks, cum_weights=place.block_cum)[0]
                initial = final
                if source == "calls" and rng.random() < 0.08:
                    initial = rng.choice(RECLASSIFIED_FROM)
                domestic = kind.domestic_share and rng.random() < kind.domestic_share
                rows.append(
                    {
                        "at": at,
                        "reported": at + dt.timedelta(minutes=rng.randrange(2, 180)),
                        "category": kind.category,
                        "initial": initial,
                        "final": final,
                        "code": codes.get(final, ""),
                        "domestic": "Y" if domestic else "N",
                        "district": place.district,
                        "beat": "" if campus else place.code,
                        "block": block,
                        "lat": round(lat + rng.uniform(-0.0002, 0.0002), 6),
                        "lon": round(lon + rng.uniform(-0.0002, 0.0002), 6),
                        "disposition": rng.choices(disposition_names, cum_weights=disposition_cum)[
                            0
                        ],
                    }
                )
    rows.sort(key=lambda r: r["at"])
    for row in rows:
        row["id"] = f"{prefix}{row['at']:%y}-{next(numbers):06d}"
    return rows


COLUMNS = [
    ("id", "Case Number"),
    ("at", "Occurred"),
    ("reported", "Reported"),
    ("initial", "Initial Type"),
    ("final", "Final Type"),
    ("category", "Category"),
    ("code", "Offense Code"),
    ("domestic", "Domestic"),
    ("district", "District"),
    ("beat", "Beat"),
    ("block", "Address"),
    ("lat", "Latitude"),
    ("lon", "Longitude"),
    ("disposition", "Disposition"),
]


def write_csv(rows, path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([title for _, title in COLUMNS])
        for row in rows:
            out.writerow(
                [
                    row[key].strftime("%Y-%m-%d %H:%M")
                    if isinstance(row[key], dt.datetime)
                    else row[key]
                    for key, _ in COLUMNS
                ]
            )


def mapping(source: str, with_area: bool = True) -> dict:
    fields = {
        "record_id": {"column": "Case Number"},
        "occurred_at": {"column": "Occurred", "formats": ["%Y-%m-%d %H:%M"]},
        "reported_at": {"column": "Reported", "formats": ["%Y-%m-%d %H:%M"]},
        "initial_type": {"column": "Initial Type"},
        "final_type": {"column": "Final Type"},
        "category": {"column": "Category"},
        "district": {"column": "District"},
        "beat": {"column": "Beat"},
        "block_address": {"column": "Address"},
        "latitude": {"column": "Latitude"},
        "longitude": {"column": "Longitude"},
        "disposition": {"column": "Disposition"},
    }
    if source == "incidents":
        fields["offense_code"] = {"column": "Offense Code"}
        fields["domestic"] = {"column": "Domestic"}
    return {"version": 1, "source": source, "fields": fields}
