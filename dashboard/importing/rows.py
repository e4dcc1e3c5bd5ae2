"""Rows to records: each row of an export becomes a staging tuple or a counted rejection."""

from __future__ import annotations

import html
import math
import re
import statistics
from dataclasses import dataclass
from datetime import datetime

from django.utils.text import slugify

from dashboard.importing.dates import compile_date_parser, compile_time_parser
from dashboard.importing.fields import (
    COORDINATES_RE,
    DATE_FIELDS,
    DEFAULT_AREA_RADIUS_KM,
    DEFAULT_MAX_LENGTH,
    FIELDS,
    MAX_LENGTH,
    POINT_RE,
    TEXT_CACHE_SIZE,
    TEXT_FIELDS,
    MappingError,
    Problems,
)
from dashboard.importing.roles import validate_mapping

# --- Values --------------------------------------------------------------------------------

# "2932 S JOSEPHINE ST", "002XX W 47TH ST", "300-399 MAIN", "300 - 399 BLOCK OF 14TH ST SW".
HOUSE_NUMBER_RE = re.compile(
    r"^\s*(\d+)(X+)?(?:\s*-\s*\d+X*)?\s+(?:BLOCK\s+(?:OF\s+)?)?(.+)$", re.I
)
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


def generalize_block(address: str) -> str:
    """A street address as its hundred block: "2932 S JOSEPHINE ST" -> "2900 BLOCK S
    JOSEPHINE ST", Chicago's "002XX W 47TH ST" -> "200 BLOCK W 47TH ST". Intersections
    and place names pass through, with SF's "A \\ B" written "A & B"."""
    # Padding runs ("100 BLOCK     MAIN ST") collapse to one space.
    address = " ".join(address.split("\n", 1)[0].split())
    if not address:
        return ""
    m = HOUSE_NUMBER_RE.match(address)
    if m:
        number, masked, street = m.groups()
        # Chicago masks the last digits with X: "002XX" is the 200 block, "0000X" the 0 block.
        hundred = int(number) * 10 ** len(masked or "") // 100 * 100
        return f"{hundred} BLOCK {street.strip()}"
    return address.replace(" \\ ", " & ")


def area_key(code: str) -> str:
    """The key that joins a record's area code to a boundary: "006" -> "6",
    "Gateway - Green Valley Ranch" -> "gateway-green-valley-ranch"."""
    code = (code or "").strip()
    if code.isdigit():
        return str(int(code))
    return slugify(code)


# --- Rows to records -----------------------------------------------------------------------


@dataclass
class Area:
    """A rough box around the agency, to catch coordinates that cannot be right."""

    lat: float
    lon: float
    radius_km: float = DEFAULT_AREA_RADIUS_KM

    def contains(self, lat: float, lon: float) -> bool:
        dlat = self.radius_km / 111.0
        dlon = dlat / max(0.1, math.cos(math.radians(self.lat)))
        return abs(lat - self.lat) <= dlat and abs(lon - self.lon) <= dlon

    @classmethod
    def around(cls, points: list[tuple[float, float]]) -> Area | None:
        if len(points) < 3:
            return None
        return cls(statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))


class RowReader:
    """Turns rows of one table into staging tuples (see STAGING_COLUMNS) or rejections."""

    def __init__(self, mapping: dict, header: list[str], area: Area | None = None):
        errors = validate_mapping(mapping, header)
        if errors:
            raise MappingError(" ".join(errors))
        self.mapping = mapping
        self.header = header
        self.width = len(header)
        self.area = area
        self.problems = Problems()
        fields = mapping["fields"]
        index = {h: i for i, h in reversed(list(enumerate(header)))}
        self.col = {name: index[spec["column"]] for name, spec in fields.items()}
        self.date_parsers = {
            name: [compile_date_parser(f) for f in fields[name].get("formats", [])]
            for name in DATE_FIELDS
            if name in fields
        }
        occurred = fields["occurred_at"]
        self.time_col = index.get(occurred.get("time_column", ""))
        self.time_parser = (
            compile_time_parser(occurred.get("time_format") or "%H:%M")
            if self.time_col is not None
            else None
        )
        self.fallback = occurred.get("fallback") == "reported_at" and "reported_at" in fields
        # Exports repeat the same categories, codes and blocks on row after row, so each
        # column keeps the cleaned form of the values it has seen.
        self.blank_texts = ("",) * len(TEXT_FIELDS)
        self.text_specs = [
            (position, self.col[name], {})
            for position, name in enumerate(TEXT_FIELDS)
            if name in self.col
        ]
        self.text_caches = {position: cache for position, _, cache in self.text_specs}

    def _clean_text(self, position: int, raw: str, line: int) -> str:
        name = TEXT_FIELDS[position]
        value = html.unescape(raw) if "&" in raw else raw
        value = value.strip()
        if name == "block_address":
            value = generalize_block(value)
        limit = MAX_LENGTH.get(name, DEFAULT_MAX_LENGTH)
        if len(value) > limit:
            self.problems.add("too_long", line, f"{FIELDS[name]}: {value[:60]}…")
            return value[:limit]  # not cached, so every such row is counted
        cache = self.text_caches[position]
        if len(cache) < TEXT_CACHE_SIZE:
            cache[raw] = value
        return value

    def _date(self, name: str, value: str) -> datetime:
        for parse in self.date_parsers[name]:
            try:
                return parse(value)
            except ValueError:
                continue
        raise ValueError(value)

    def read(self, line: int, row: list[str]) -> tuple | None:
        """The staging tuple for one row, or None when the row is rejected."""
        problems = self.problems
        if len(row) != self.width:
            if len(row) < self.width and not any(row):
                return None  # A blank line is not a record.
            problems.add(
                "wrong_field_count", line, f"{len(row)} fields, the header has {self.width}"
            )
            return None
        col = self.col
        record_id = row[col["record_id"]].strip()
        if not record_id:
            problems.add("missing_id", line)
            return None
        if len(record_id) > 64:
            problems.add("missing_id", line, f"id longer than 64 characters: {record_id[:40]}…")
            return None

        reported = None
        if "reported_at" in col:
            value = row[col["reported_at"]].strip()
            if value:
                try:
                    reported = self._date("reported_at", value)
                except ValueError:
                    problems.add("bad_reported_date", line, value)
        value = row[col["occurred_at"]].strip()
        occurred = None
        if value:
            try:
                occurred = self._date("occurred_at", value)
            except ValueError:
                if not (self.fallback and reported):
                    problems.add("bad_date", line, value)
                    return None
            if occurred is not None and self.time_parser is not None:
                time_value = row[self.time_col].strip()
                try:
                    h, m, s = self.time_parser(time_value)
                    occurred = occurred.replace(hour=h, minute=m, second=s, microsecond=0)
                except ValueError:
                    problems.add("bad_date", line, f"time “{time_value}”")
                    return None
        if occurred is None:
            if self.fallback and reported:
                problems.add("date_fallback", line, value or "(empty)")
                occurred = reported
            else:
                problems.add("missing_date", line)
                return None

        texts = list(self.blank_texts)
        for position, i, cache in self.text_specs:
            raw = row[i]
            value = cache.get(raw)
            if value is None:
                value = self._clean_text(position, raw, line)
            texts[position] = value

        domestic = None
        if "domestic" in col:
            flag = row[col["domestic"]].strip().lower()
            if flag in TRUE_WORDS:
                domestic = True
            elif flag in FALSE_WORDS:
                domestic = False
            elif flag:
                problems.add("bad_flag", line, flag)

        lat = lon = None
        if "latitude" in col:
            raw_lat, raw_lon = row[col["latitude"]].strip(), row[col["longitude"]].strip()
            if raw_lat or raw_lon:
                try:
                    lat, lon = float(raw_lat), float(raw_lon)
                except ValueError:
                    problems.add("bad_coordinates", line, f"{raw_lat}, {raw_lon}")
        elif "coordinates" in col:
            text = row[col["coordinates"]]
            m = COORDINATES_RE.search(text)
            if m:
                lat, lon = float(m.group(1)), float(m.group(2))
            elif m := POINT_RE.search(text):  # WKT: longitude first
                lon, lat = float(m.group(1)), float(m.group(2))
        if lat is not None:
            if abs(lat) < 0.01 and abs(lon) < 0.01:
                problems.add("placeholder_coordinates", line)
                lat = lon = None
            elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
                problems.add("bad_coordinates", line, f"{lat}, {lon}")
                lat = lon = None
            elif self.area is not None and not self.area.contains(lat, lon):
                problems.add("outside_area", line, f"{lat}, {lon}")
                lat = lon = None
        elif "latitude" in col or "coordinates" in col:
            problems.add("missing_coordinates", line)

        if occurred.tzinfo is None:
            occurred_local, occurred_utc = occurred.isoformat(" "), None
        else:
            occurred_local, occurred_utc = None, occurred.isoformat(" ")
        if reported is None:
            reported_local = reported_utc = None
        elif reported.tzinfo is None:
            reported_local, reported_utc = reported.isoformat(" "), None
        else:
            reported_local, reported_utc = None, reported.isoformat(" ")
        return (
            line,
            record_id,
            occurred_local,
            occurred_utc,
            reported_local,
            reported_utc,
            *texts,
            domestic,
            lat,
            lon,
        )


def area_from_rows(mapping: dict, header: list[str], rows: list[list[str]]) -> Area | None:
    """The agency's rough area from the coordinates of a sample of its own rows."""
    reader = RowReader(mapping, header)
    points = []
    for i, row in enumerate(rows):
        record = reader.read(i, row)
        if record and record[-2] is not None:
            points.append((record[-2], record[-1]))
    return Area.around(points)
