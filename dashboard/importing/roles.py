"""Column roles: which column of an export holds each field of a record, guessed from the
header names and from the values, with the evidence shown to the person who confirms."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from dashboard.importing.dates import DateGuess, check_format, detect, detect_time
from dashboard.importing.fields import (
    COORDINATES_RE,
    DATE_FIELDS,
    FIELDS,
    MAPPING_VERSION,
    POINT_RE,
    MappingError,
)

# --- Mapping -------------------------------------------------------------------------------

SYNONYMS: dict[str, list[str]] = {
    "record_id": [
        "rowid",
        "offenseid",
        "id",
        "caseno",
        "casenumber",
        "incidentnumber",
        "incidentno",
        "incidentid",
        "eventnumber",
        "eventid",
        "callnumber",
        "callid",
        "cadnumber",
        "reportnumber",
        "case",
        "caseid",
        "number",
    ],
    "occurred_at": [
        "date",
        "incidentdatetime",
        "firstoccurrencedate",
        "occurreddatetime",
        "occurreddate",
        "occurred",
        "occurredat",
        "eventdt",
        "eventdate",
        "eventdatetime",
        "calldatetime",
        "datetime",
        "incidentdate",
        "offensedate",
        "timereceived",
        "receivedtime",
        "when",
        "occurredon",
        "dateoccurred",
        "datetimeoccurred",
    ],
    "reported_at": [
        "reporteddatetime",
        "reporteddate",
        "reportdatetime",
        "reportdate",
        "datereported",
        "reportedat",
    ],
    "initial_type": ["initialtype", "initialcalltype", "calltype", "natureofcall", "problem"],
    "final_type": [
        "finaltype",
        "finalcalltype",
        "description",
        "incidentdescription",
        "offensedescription",
        "offensetypeid",
        "offensetype",
        "offense",
        "crimetype",
    ],
    "category": [
        "primarytype",
        "category",
        "incidentcategory",
        "offensecategoryid",
        "offensecategory",
        "cvlegend",
        "crimecategory",
        "ucrcategory",
    ],
    "offense_code": ["iucr", "incidentcode", "offensecode", "ucrcode", "nibrscode", "ucr"],
    "domestic": ["domestic", "isdomestic", "domesticviolence"],
    "district": ["district", "policedistrict", "districtid", "districtno"],
    "beat": ["beat", "beatid", "precinctid", "precinct"],
    "area_code": [
        "neighborhoodid",
        "analysisneighborhood",
        "neighborhood",
        "zone",
        "zoneid",
        "communityarea",
        "sector",
    ],
    "block_address": [
        "block",
        "blkaddr",
        "blockaddress",
        "incidentaddress",
        "address",
        "intersection",
        "location",
        "blocklocation",
    ],
    "latitude": ["latitude", "lat", "geolat", "ycoord"],
    "longitude": ["longitude", "lon", "lng", "long", "geolon", "xcoord"],
    "coordinates": ["location", "point", "blocklocation", "geolocation", "coordinates"],
    "disposition": ["disposition", "resolution", "clearance", "status", "finaldisposition"],
}


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _tokens(header: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", header)
    return {t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t}


# Words in a header that hint at a role, when the whole header is not a known name.
KEYWORDS: dict[str, set[str]] = {
    "record_id": {"id", "num", "number", "no", "nbr", "case", "incident", "event", "call", "key"},
    "occurred_at": {"occurred", "occurrence", "occur", "incident", "event", "dispatch", "date"},
    "reported_at": {"reported", "report", "entered", "created", "filed", "received"},
    "initial_type": {"initial", "nature", "problem", "calltype"},
    "final_type": {"offense", "crime", "description", "desc", "type", "charge", "synopsis"},
    "category": {"category", "class", "group", "legend", "ucr"},
    "offense_code": {"code", "iucr", "nibrs", "statute"},
    "district": {"district", "division", "area", "sector"},
    "beat": {"beat", "precinct", "post", "reporting"},
    "area_code": {"neighborhood", "zone", "community", "tract", "ward"},
    "block_address": {"block", "address", "addr", "location", "street", "intersection"},
    "latitude": {"lat", "latitude", "y"},
    "longitude": {"lon", "lng", "long", "longitude", "x"},
    "disposition": {"disposition", "resolution", "clearance", "status", "outcome", "cleared"},
    "domestic": {"domestic", "dv"},
}
# Ids of a row in a database or a unit, not of a case: they lose against a case number.
NOT_RECORD_ID = {"unit", "officer", "badge", "object", "objectid", "cartodb", "fid", "row"}
NOT_OCCURRED = {"updated", "update", "closed", "clear", "cleared", "end", "last", "indb", "entry"}
ADDRESS_RE = re.compile(
    r"(^\d+X*\s+\S)|(\b(ST|AVE?|RD|BLVD?|DR|LN|WAY|HWY|CT|PL|PKWY|CIR|TER|STREET|AVENUE|ROAD|"
    r"DRIVE|BLOCK)\b)|(\s[&/\\]\s)",
    re.I,
)
FLAG_WORDS = {"true", "false", "t", "f", "yes", "no", "y", "n", "1", "0"}
TEXT_ROLES = ("initial_type", "final_type", "category", "disposition")


@dataclass
class Column:
    """What a sample of one column looks like."""

    index: int
    name: str
    values: list[str]  # non-empty, stripped
    rows: int
    raw: list[str] = field(default_factory=list)  # every row's value, stripped

    def __post_init__(self):
        self.norm = _norm(self.name)
        self.tokens = _tokens(self.name)
        values = self.values
        n = len(values) or 1
        self.filled = len(values) / (self.rows or 1)
        self.distinct = len(set(values))
        self.unique = self.distinct / n
        self.mean_len = sum(map(len, values)) / n
        self.spaced = sum(" " in v for v in values) / n
        numbers = []
        for v in values:
            with contextlib.suppress(ValueError):
                numbers.append(float(v))
        self.numbers = numbers if len(numbers) >= 0.9 * n and values else []
        self.fractional = bool(self.numbers) and (
            sum(not x.is_integer() for x in self.numbers) >= 0.9 * len(self.numbers)
        )
        self._date = None
        self.time_format = ""

    @property
    def date(self) -> DateGuess:
        if self._date is None:
            self._date = detect(self.values)
        return self._date

    @property
    def is_date(self) -> bool:
        guess = self.date
        hinted = bool(self.tokens & (KEYWORDS["occurred_at"] | {"time", "datetime"}))
        if guess.share < (0.5 if hinted else 0.8) or not guess.formats:
            return False
        # Plain numbers are dates only when the header says so (else ids or counts).
        return not guess.numeric or bool(self.tokens & {"date", "time", "dt", "datetime"})

    def name_score(self, role: str) -> float:
        synonyms = SYNONYMS.get(role, [])
        if self.norm in synonyms:
            return 0.6 - 0.005 * synonyms.index(self.norm)
        hits = self.tokens & KEYWORDS.get(role, set())
        return 0.3 if hits else 0.0

    def samples(self) -> list[str]:
        seen = []
        for v in self.values:
            if v not in seen:
                seen.append(v[:60])
            if len(seen) == 3:
                break
        return seen

    def code_like(self) -> bool:
        return self.mean_len <= 7 and self.spaced < 0.1

    def description_like(self) -> bool:
        return self.mean_len > 7 and not self.numbers and not self.is_date


def _content(column: Column, role: str) -> tuple[float, str] | None:
    """(score, reason) for a role from the values alone, or None when the values rule the
    role out (a date column is no record id, text is no latitude)."""
    c, n = column, len(column.values)
    if not n:
        return None
    if role == "record_id":
        if c.is_date or c.mean_len > 40 or c.spaced > 0.2 or c.fractional:
            return None
        penalty = 0.2 if c.tokens & NOT_RECORD_ID else 0.0
        if c.unique >= 0.95:
            return 0.4 - penalty, f"{c.unique:.0%} of {n} values are different"
        if c.unique >= 0.3 and c.mean_len >= 4:
            return 0.2 - penalty, f"{c.distinct} different values in {n} rows (some repeat)"
        return None
    if role in ("occurred_at", "reported_at"):
        if not c.is_date:
            return None
        return 0.4, f"{c.date.share:.0%} of {n} values read as dates"
    if role in ("latitude", "longitude"):
        limit = 90 if role == "latitude" else 180
        points = [x for x in c.numbers if x]  # 0 is a placeholder for "no location"
        if not points or not all(-limit <= x <= limit for x in points):
            return None
        if sum(not x.is_integer() for x in points) < 0.9 * len(points):
            return None
        if max(points) - min(points) > 5:
            return None
        return 0.3, f"decimal numbers from {min(points):g} to {max(points):g}"
    if role == "coordinates":
        hits = sum(bool(COORDINATES_RE.search(v) or POINT_RE.search(v)) for v in c.values)
        if hits < 0.5 * n:
            return None
        return 0.4, f"{hits} of {n} values hold a point"
    if role == "block_address":
        if c.is_date or c.numbers:
            return None
        hits = sum(bool(ADDRESS_RE.search(v)) for v in c.values)
        if hits < 0.5 * n or c.mean_len < 6:
            return None
        return 0.3, f"{hits / n:.0%} of {n} values look like street addresses"
    if role == "domestic":
        if not all(v.lower() in FLAG_WORDS for v in c.values):
            return None
        return 0.1, "yes/no values"
    if c.is_date or c.fractional:
        return None
    if role == "offense_code" and not (c.mean_len <= 10 and c.spaced < 0.2):
        return None
    if role in TEXT_ROLES:
        if c.numbers and not c.name_score(role):
            return None
        return 0.0, f"{c.distinct} different values"
    return 0.0, f"{c.distinct} different values"


def _description_fallback(column: Column) -> float:
    """Free text that names what happened: words, repeated across rows, not an address."""
    c = column
    if c.numbers or c.is_date or not c.values or c.mean_len < 4 or c.mean_len > 80:
        return 0.0
    if sum(bool(ADDRESS_RE.search(v)) for v in c.values) > 0.3 * len(c.values):
        return 0.0
    letters = sum(ch.isalpha() for v in c.values for ch in v) / max(
        1, sum(len(v) for v in c.values)
    )
    if letters < 0.6 or c.distinct < 3 or c.unique > 0.7:
        return 0.0
    return 0.2


@dataclass
class Suggestion:
    mapping: dict
    evidence: dict  # field -> {"column", "confidence", "why", "samples"}


def _confidence(score: float) -> str:
    return "high" if score >= 0.8 else "medium" if score >= 0.4 else "low"


def suggest(header: list[str], sample_rows: list[list[str]], source: str = "") -> Suggestion:
    """A first guess at the mapping, from the header names and from the values."""
    columns = [
        Column(i, h, [v for v in raw if v], len(sample_rows), raw)
        for i, h in enumerate(header)
        for raw in [[r[i].strip() if i < len(r) else "" for r in sample_rows]]
    ]
    fields: dict[str, dict] = {}
    evidence: dict[str, dict] = {}
    used: set[int] = set()

    def assign(role: str, column: Column, score: float, why: list[str]) -> None:
        fields[role] = {"column": column.name}
        evidence[role] = {
            "column": column.name,
            "confidence": _confidence(score),
            "score": round(score, 2),
            "why": "; ".join(w for w in why if w),
            "samples": column.samples(),
        }
        if role != "coordinates":
            used.add(column.index)

    def best(role: str, pool=None, need_name: bool = False, extra=None):
        choice = None
        for c in pool if pool is not None else columns:
            if c.index in used or not c.values:
                continue
            content = _content(c, role)
            if content is None:
                continue
            name = c.name_score(role)
            if need_name and not name:
                continue
            score = name + content[0] + (extra(c) if extra else 0.0)
            if score <= 0:
                continue
            if choice is None or score > choice[0]:
                why = [f"header “{c.name}” suggests it" if name else "", content[1]]
                choice = (score, c, why)
        return choice

    def take(role, **kw):
        found = best(role, **kw)
        if found:
            assign(role, found[1], found[0], found[2])
        return found

    take("coordinates", need_name=False)
    take("record_id")
    dates = [c for c in columns if c.values and c.is_date]

    def occurred_bonus(c: Column) -> float:
        penalty = 0.5 if c.tokens & (NOT_OCCURRED | KEYWORDS["reported_at"]) else 0.0
        return 0.05 * (dates.index(c) == 0 if c in dates else 0) - penalty

    take("occurred_at", pool=dates, extra=occurred_bonus)
    take("reported_at", pool=dates, need_name=True)
    if "occurred_at" not in fields and "reported_at" in fields:
        # The only date in the file is when the call came in: that is when it occurred.
        fields["occurred_at"], evidence["occurred_at"] = (
            fields.pop("reported_at"),
            evidence.pop("reported_at"),
        )
    _dates_detail(columns, fields, evidence, used)
    # Latitude and longitude only make sense together; content alone can pair them too.
    lat = best("latitude")
    lon = best("longitude", pool=[c for c in columns if not lat or c is not lat[1]])
    if lat and lon:
        a, b = lat[1], lon[1]
        unnamed = not (a.name_score("latitude") or b.name_score("longitude"))
        # No names: in the Americas and most of the world |longitude| > |latitude|.
        if unnamed and abs(_mean(a.numbers)) > abs(_mean(b.numbers)):
            lat, lon = (lon[0], b, lon[2]), (lat[0], a, lat[2])
        assign("latitude", lat[1], lat[0], lat[2])
        assign("longitude", lon[1], lon[0], lon[2])
        if "coordinates" in fields:
            del fields["coordinates"], evidence["coordinates"]
    take("block_address")
    for role in (
        "initial_type",
        "final_type",
        "category",
        "offense_code",
        "disposition",
        "district",
        "beat",
        "area_code",
        "domestic",
    ):
        take(role, need_name=True)
    if not any(r in fields for r in TEXT_ROLES):
        found = None
        for c in columns:
            score = _description_fallback(c) if c.index not in used else 0.0
            if score and (found is None or c.distinct > found[1].distinct):
                found = (
                    score,
                    c,
                    ["words that repeat across rows", f"{c.distinct} different values"],
                )
        if found:
            assign("final_type", found[1], found[0], found[2])
    _prefer_descriptions(columns, fields, evidence, used, assign)
    if "record_id" in fields:
        c = next(c for c in columns if c.name == fields["record_id"]["column"])
        if c.distinct < len(c.values):
            fields["record_id"]["duplicates"] = "number"
    if "occurred_at" in fields and "reported_at" in fields:
        fields["occurred_at"]["fallback"] = "reported_at"
    if not source:
        source = "calls" if "initial_type" in fields else "incidents"
    return Suggestion({"version": MAPPING_VERSION, "source": source, "fields": fields}, evidence)


def _mean(numbers: list[float]) -> float:
    return sum(numbers) / len(numbers) if numbers else 0.0


def _dates_detail(columns, fields, evidence, used) -> None:
    """Formats for each date column, and a separate time column beside a date-only one."""
    by_name = {c.name: c for c in columns}
    for role in DATE_FIELDS:
        if role not in fields:
            continue
        c = by_name[fields[role]["column"]]
        guess = c.date
        fields[role]["formats"] = guess.formats
        evidence[role]["formats"] = guess.formats
        if role != "occurred_at" or not guess.midnight_only:
            continue
        stem = c.tokens - {"date", "dt", "d"}
        pick = None
        for t in columns:
            if t.index in used or not t.values:
                continue
            fmt = t.time_format or detect_time(t.values)
            if not fmt:
                continue
            score = 0.3 * bool(t.tokens & {"time", "tm", "hour"}) + 0.3 * bool(
                stem & t.tokens or t.norm[:4] == c.norm[:4]
            )
            if score and (pick is None or score > pick[0]):
                pick = (score, t, fmt)
        if pick:
            fields[role]["time_column"] = pick[1].name
            fields[role]["time_format"] = pick[2]
            evidence[role]["time_column"] = pick[1].name
            evidence[role]["why"] += f"; every time is midnight: time of day from “{pick[1].name}”"
            used.add(pick[1].index)


def _prefer_descriptions(columns, fields, evidence, used, assign) -> None:
    """A code column (CAN, 5213) picked for a text role gives way to the column that
    describes it one-to-one; the code is kept as the offense code when that is free."""
    by_name = {c.name: c for c in columns}
    for role in TEXT_ROLES:
        if role not in fields:
            continue
        code = by_name[fields[role]["column"]]
        if not code.code_like():
            continue
        for d in columns:
            if d.index in used or not d.description_like() or not _describes(code, d):
                continue
            used.discard(code.index)
            assign(
                role,
                d,
                evidence[role]["score"],
                [
                    f"describes the codes in “{code.name}” one to one",
                    f"{d.distinct} different values",
                ],
            )
            if role in ("final_type", "category") and "offense_code" not in fields:
                assign("offense_code", code, 0.5, [f"the codes “{d.name}” describes"])
            break


def _describes(code: Column, text: Column) -> bool:
    """Whether a text column and a code column go together row by row: each code has one
    text, or each text one code (a UCR group 400 covers several offense descriptions)."""
    rows = [
        (r_code, r_text)
        for r_code, r_text in zip(code.raw, text.raw, strict=False)
        if r_code and r_text
    ]
    if len(rows) < 5:
        return False

    def functional(pairs) -> float:
        seen: dict[str, set[str]] = {}
        for k, v in pairs:
            seen.setdefault(k, set()).add(v)
        return sum(len(v) == 1 for v in seen.values()) / len(seen) if len(seen) >= 2 else 0.0

    consistent = max(functional(rows), functional((t, c) for c, t in rows))
    shared = bool((code.tokens & text.tokens) - {"code", "desc", "description"})
    return consistent >= 0.9 and (shared or consistent == 1.0)


def suggest_mapping(header: list[str], sample_rows: list[list[str]], source: str = "") -> dict:
    return suggest(header, sample_rows, source).mapping


def validate_mapping(mapping: dict, header: list[str]) -> list[str]:
    """Reasons the mapping does not fit this header; empty when it fits."""
    errors = []
    if not isinstance(mapping, dict) or not isinstance(mapping.get("fields"), dict):
        return ["The mapping has no “fields” object."]
    if mapping.get("source") not in ("calls", "incidents"):
        errors.append("The mapping's “source” must be “calls” or “incidents”.")
    fields = mapping["fields"]
    columns = set(header)
    for name, spec in fields.items():
        if name not in FIELDS:
            errors.append(f"“{name}” is not a field a record has.")
            continue
        if not isinstance(spec, dict) or not spec.get("column"):
            errors.append(f"“{name}” names no column.")
            continue
        for key in ("column", "time_column"):
            if spec.get(key) and spec[key] not in columns:
                errors.append(f"The file has no column “{spec[key]}” (for {FIELDS[name]}).")
        for fmt in spec.get("formats", []):
            try:
                check_format(fmt)
            except MappingError as exc:
                errors.append(str(exc))
    if "record_id" not in fields:
        errors.append("The mapping must name the record id column.")
    if "occurred_at" not in fields:
        errors.append("The mapping must name the occurred-at (date) column.")
    elif not fields["occurred_at"].get("formats"):
        errors.append("The occurred-at column needs a date format.")
    if ("latitude" in fields) != ("longitude" in fields):
        errors.append("Latitude and longitude must be mapped together.")
    return errors
