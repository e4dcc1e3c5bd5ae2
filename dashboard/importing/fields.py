"""The canonical fields of a police record, the mapping's vocabulary, and problem counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAPPING_VERSION = 1

# Canonical fields, in the order people see them on the mapping form.
FIELDS: dict[str, str] = {
    "record_id": "Record id (case, incident or call number)",
    "occurred_at": "Occurred at (date and time)",
    "reported_at": "Reported at (date and time)",
    "initial_type": "Initial call type",
    "final_type": "Final type or offense",
    "category": "Category",
    "offense_code": "Offense code",
    "domestic": "Domestic flag",
    "district": "District",
    "beat": "Beat",
    "area_code": "Zone or neighborhood",
    "block_address": "Block address or intersection",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "coordinates": "Coordinates in text, “(lat, lon)”",
    "disposition": "Disposition or resolution",
}
DATE_FIELDS = ("occurred_at", "reported_at")
TEXT_FIELDS = (
    "initial_type",
    "final_type",
    "category",
    "offense_code",
    "district",
    "beat",
    "area_code",
    "block_address",
    "disposition",
)
# Column widths of PoliceRecord; longer values are shortened and reported.
MAX_LENGTH = {"record_id": 64, "offense_code": 32, "district": 64, "beat": 64, "area_code": 100}
DEFAULT_MAX_LENGTH = 200

# Staging columns, in the order rows are written for COPY.
STAGING_COLUMNS = (
    "line",
    "record_id",
    "occurred_local",
    "occurred_utc",
    "reported_local",
    "reported_utc",
    *TEXT_FIELDS,
    "domestic",
    "latitude",
    "longitude",
)

COORDINATES_RE = re.compile(r"\(\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*\)")
POINT_RE = re.compile(r"POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)", re.I)
DEFAULT_AREA_RADIUS_KM = 60
TEXT_CACHE_SIZE = 50_000  # distinct values remembered per column
PUBLIC_COORDINATE_DECIMALS = 3  # about 110 m north-south: roughly a city block


class MappingError(ValueError):
    """The mapping does not fit the file (a named column is missing, a format is wrong...)."""


# --- Problems ------------------------------------------------------------------------------

PROBLEM_KINDS: dict[str, tuple[str, bool]] = {
    # kind: (what a person reads, whether the row is rejected)
    "missing_id": ("No record id", True),
    "missing_date": ("No date in the occurred-at column", True),
    "bad_date": ("Date that could not be read", True),
    "wrong_field_count": ("Row with a different number of fields than the header", True),
    "date_fallback": ("Occurred-at unreadable or empty: reported-at used instead", False),
    "bad_reported_date": ("Reported-at could not be read: left empty", False),
    "placeholder_coordinates": ("0/0 placeholder coordinates: imported without a location", False),
    "bad_coordinates": ("Coordinates that could not be read: imported without a location", False),
    "outside_area": ("Coordinates outside the agency's area: imported without a location", False),
    "missing_coordinates": ("No coordinates: imported without a map location", False),
    "bad_flag": ("Domestic flag not yes/no: left empty", False),
    "too_long": ("Value longer than the field allows: shortened", False),
    "duplicate_id": ("Record id repeated in the file", False),
}
MAX_EXAMPLES = 5


@dataclass
class Problems:
    """Counts and a few examples of each kind of problem, in a JSON-ready form."""

    found: dict[str, dict] = field(default_factory=dict)

    def add(self, kind: str, line: int, detail: str = "") -> None:
        entry = self.found.get(kind)
        if entry is None:
            label, rejects = PROBLEM_KINDS[kind]
            entry = self.found[kind] = {
                "label": label,
                "rejects": rejects,
                "count": 0,
                "examples": [],
            }
        entry["count"] += 1
        if len(entry["examples"]) < MAX_EXAMPLES:
            entry["examples"].append({"line": line, "detail": detail[:200]})

    def set_count(self, kind: str, count: int, examples: list[dict] | None = None) -> None:
        if count:
            label, rejects = PROBLEM_KINDS[kind]
            self.found[kind] = {
                "label": label,
                "rejects": rejects,
                "count": count,
                "examples": examples or [],
            }

    def as_dict(self) -> dict:
        return dict(sorted(self.found.items(), key=lambda kv: (not kv[1]["rejects"], kv[0])))
