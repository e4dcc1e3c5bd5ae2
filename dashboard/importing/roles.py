"""Column roles: which column of an export holds each field of a record, guessed from the
header names and from the values, with the evidence shown to the person who confirms."""

from __future__ import annotations

import re
from datetime import datetime

from dashboard.importing.dates import (
    TIME_FORMATS,
    check_format,
    compile_date_parser,
    detect_formats,
)
from dashboard.importing.fields import (
    COORDINATES_RE,
    DATE_FIELDS,
    FIELDS,
    MAPPING_VERSION,
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
TIME_SYNONYMS = ["eventtm", "incidenttime", "occurredtime", "time", "eventtime", "calltime"]


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def suggest_mapping(header: list[str], sample_rows: list[list[str]], source: str = "") -> dict:
    """A first guess at the mapping from the header names and a sample of the values."""
    normalized = {_norm(h): i for i, h in reversed(list(enumerate(header)))}

    def sample(column_index: int) -> list[str]:
        return [r[column_index] for r in sample_rows if column_index < len(r)]

    def has_coordinates(i: int) -> bool:
        values = [v for v in sample(i) if v.strip()]
        return (
            bool(values)
            and sum(bool(COORDINATES_RE.search(v)) for v in values) >= len(values) * 0.5
        )

    fields: dict[str, dict] = {}
    used: set[int] = set()
    order = ["coordinates", *[f for f in FIELDS if f != "coordinates"]]
    for name in order:
        for synonym in SYNONYMS[name]:
            i = normalized.get(synonym)
            if i is None or i in used:
                continue
            if name == "coordinates" and not has_coordinates(i):
                continue
            if name == "block_address" and has_coordinates(i) and "\n" not in "".join(sample(i)):
                continue
            fields[name] = {"column": header[i]}
            if name != "coordinates":
                used.add(i)
            break
    # An id repeated within the sample (one row per offense) gets numbered, not collapsed.
    if "record_id" in fields:
        ids = [v for v in sample(header.index(fields["record_id"]["column"])) if v]
        if len(ids) != len(set(ids)):
            fields["record_id"]["duplicates"] = "number"
    # Latitude and longitude only make sense together; embedded coordinates are the fallback.
    if not ("latitude" in fields and "longitude" in fields):
        fields.pop("latitude", None)
        fields.pop("longitude", None)
    elif "coordinates" in fields:
        fields.pop("coordinates")
    for name in DATE_FIELDS:
        if name not in fields:
            continue
        i = header.index(fields[name]["column"])
        values = sample(i)
        formats = detect_formats(values)
        if formats:
            fields[name]["formats"] = formats
        # A date column whose times are all midnight, next to a time column (Berkeley).
        if name == "occurred_at":
            for synonym in TIME_SYNONYMS:
                j = normalized.get(synonym)
                if j is None or j == i:
                    continue
                parsed = _try_parse_all(values, formats)
                if parsed and all(d.hour == 0 and d.minute == 0 for d in parsed):
                    time_formats = detect_formats(sample(j), TIME_FORMATS)
                    if time_formats:
                        fields[name]["time_column"] = header[j]
                        fields[name]["time_format"] = time_formats[0]
                break
    if "occurred_at" in fields and "reported_at" in fields:
        fields["occurred_at"]["fallback"] = "reported_at"
    if not source:
        source = "calls" if "initial_type" in fields else "incidents"
    return {"version": MAPPING_VERSION, "source": source, "fields": fields}


def _try_parse_all(values: list[str], formats: list[str]) -> list[datetime]:
    parsers = [compile_date_parser(f) for f in formats]
    out = []
    for v in values:
        v = v.strip()
        for parse in parsers:
            try:
                out.append(parse(v))
                break
            except ValueError:
                continue
    return out


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
