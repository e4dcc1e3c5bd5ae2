"""Reading police exports: pure functions, no database.

An export is read as a `Table` (CSV in any delimiter and common encoding, or .xlsx), and
a mapping (see docs/police-data-import.md) turns each row into the canonical fields of a
PoliceRecord, or into a rejection with a reason. Everything here streams: a file of a
million rows is never held in memory.

Dates are parsed by compiled regular expressions instead of `strptime`, which is several
times slower and would dominate the time of a large import; the result is handed to
PostgreSQL as ISO text, which converts it from the agency's time zone.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import math
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from django.utils.text import slugify

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


# --- Reading files -------------------------------------------------------------------------

CANDIDATE_DELIMITERS = [",", "\t", ";", "|"]


def detect_encoding(path: Path) -> str:
    """utf-8-sig/utf-16 when the file starts with a byte-order mark, else utf-8 if every
    byte decodes as UTF-8, else cp1252 (Excel's "CSV" on Windows), else latin-1."""
    with open(path, "rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        f.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def detect_delimiter(sample: str) -> str:
    """The candidate that splits the header and the next lines into the same, largest
    number of fields. Counting beats csv.Sniffer on quoted fields with commas inside."""
    best, best_score = ",", (-1, -1)
    lines = sample.splitlines()[:20]
    for delimiter in CANDIDATE_DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        # Rows after the header may be cut at the sample's edge or span lines; only count
        # those of the header's width.
        consistent = sum(1 for r in rows[1:] if len(r) == width)
        score = (width if width > 1 else 0, consistent)
        if score[0] > 1 and (consistent, width) > (best_score[1], best_score[0]):
            best, best_score = delimiter, score
    return best


@dataclass
class Table:
    """An opened export: its header and a stream of rows as lists of strings."""

    path: Path
    kind: str  # "csv" or "xlsx"
    header: list[str]
    encoding: str = ""
    delimiter: str = ""
    size: int = 0
    _rows: Iterator[list[str]] | None = None
    _position: Callable[[], int] | None = None

    def rows(self) -> Iterator[list[str]]:
        assert self._rows is not None, "A table's rows can be read once."
        rows, self._rows = self._rows, None
        return rows

    def position(self) -> int:
        """Bytes read so far (approximately), for progress."""
        return self._position() if self._position else 0

    def close(self) -> None:
        closer = getattr(self, "_closer", None)
        if closer:
            self._position = None
            closer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


XLSX_MAGIC = b"PK\x03\x04"


def open_table(path: Path | str, name: str = "", encoding: str = "") -> Table:
    """Open a CSV/TSV or .xlsx export, detecting what it is from its content.

    Pass the `encoding` found by an earlier opening to skip reading the file through."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == XLSX_MAGIC or (name or path.name).lower().endswith(".xlsx"):
        return _open_xlsx(path, size)
    encoding = encoding or detect_encoding(path)
    raw = open(path, "rb")  # noqa: SIM115 - closed by Table.close
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    sample = text.read(64 * 1024)
    text.seek(0)
    delimiter = detect_delimiter(sample)
    reader = csv.reader(text, delimiter=delimiter, quotechar='"', strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raw.close()
        raise MappingError("The file is empty.") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    table = Table(
        path=path,
        kind="csv",
        header=header,
        encoding=encoding,
        delimiter=delimiter,
        size=size,
        _rows=reader,
        _position=raw.tell,
    )
    # Keep the text wrapper alive: when it is collected it closes the file under it.
    table._closer = text.close
    return table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _open_xlsx(path: Path, size: int) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise MappingError(f"This file could not be opened as an Excel workbook ({exc}).") from exc
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(v).strip() for v in next(values)]
    except StopIteration:
        workbook.close()
        raise MappingError("The workbook's first sheet is empty.") from None
    while header and not header[-1]:
        header.pop()
    counter = {"rows": 0}
    total_rows = max(1, (sheet.max_row or 1) - 1)

    def rows():
        for row in values:
            counter["rows"] += 1
            cells = [_cell_text(v) for v in row[: len(header)]]
            if not any(cells):
                continue
            yield cells

    table = Table(
        path=path,
        kind="xlsx",
        header=header,
        size=size,
        _rows=rows(),
        _position=lambda: int(size * counter["rows"] / total_rows),
    )
    table._closer = workbook.close
    return table


# --- Dates ---------------------------------------------------------------------------------

DATE_FORMATS = [
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%b-%Y %H:%M",
    "%d-%b-%Y",
]
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%H%M"]

_TOKENS = {
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "b": r"(?P<b>[A-Za-z]{3})",
    "H": r"(?P<H>\d{1,2})",
    "I": r"(?P<I>\d{1,2})",
    "M": r"(?P<M>\d{2})",
    "S": r"(?P<S>\d{2})",
    "f": r"(?P<f>\d{1,6})",
    "p": r"(?P<p>[AaPp]\.?[Mm]\.?)",
    "z": r"(?P<z>Z|[+-]\d{2}:?\d{2})",
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def _format_regex(fmt: str) -> re.Pattern:
    out, i = [], 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            token = fmt[i + 1]
            if token == "%":
                out.append("%")
            elif token in _TOKENS:
                out.append(_TOKENS[token])
            else:
                raise MappingError(
                    f"The date format “{fmt}” uses %{token}, which is not supported."
                )
            i += 2
        elif ch == " ":
            out.append(r"\s+")
            i += 1
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out))


def compile_date_parser(fmt: str) -> Callable[[str], datetime]:
    """A fast parser for one format. Raises ValueError when the value does not fit."""
    rx = _format_regex(fmt)
    match = rx.fullmatch
    pos = {name: number - 1 for name, number in rx.groupindex.items()}
    if {"Y", "m", "d"} <= set(pos) <= {"Y", "m", "d", "H", "I", "M", "S", "p"}:
        return _numeric_date_parser(match, pos)

    def parse(value: str) -> datetime:
        m = match(value)
        if m is None:
            raise ValueError(value)
        g = m.groupdict()
        if "Y" in g:
            year = int(g["Y"])
        elif "y" in g:
            yy = int(g["y"])
            year = 2000 + yy if yy < 70 else 1900 + yy
        else:
            year = 1900
        month = int(g["m"]) if "m" in g else (_MONTHS.get(g["b"].lower(), 0) if "b" in g else 1)
        day = int(g.get("d") or 1)
        if "I" in g:
            hour = int(g["I"])
            if not 1 <= hour <= 12:
                raise ValueError(value)
            hour = hour % 12 + (12 if g["p"][0] in "Pp" else 0)
        else:
            hour = int(g.get("H") or 0)
        minute = int(g.get("M") or 0)
        second = int(g.get("S") or 0)
        micro = int((g.get("f") or "0").ljust(6, "0"))
        tz = None
        if g.get("z"):
            z = g["z"]
            if z == "Z":
                tz = UTC
            else:
                sign = -1 if z[0] == "-" else 1
                z = z[1:].replace(":", "")
                tz = timezone(sign * timedelta(hours=int(z[:2]), minutes=int(z[2:])))
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)

    return parse


def _numeric_date_parser(match, pos: dict[str, int]) -> Callable[[str], datetime]:
    """The common all-numeric formats, without the general parser's dictionary lookups:
    this runs once per row of a million-row file."""
    iY, im, id_ = pos["Y"], pos["m"], pos["d"]
    iH, iI, iM, iS, ip = (pos.get(k) for k in "HIMSp")

    def parse(value: str) -> datetime:
        m = match(value)
        if m is None:
            raise ValueError(value)
        g = m.groups()
        if iI is not None:
            hour = int(g[iI])
            if not 1 <= hour <= 12:
                raise ValueError(value)
            hour = hour % 12 + (12 if g[ip][0] in "Pp" else 0)
        else:
            hour = int(g[iH]) if iH is not None else 0
        return datetime(
            int(g[iY]),
            int(g[im]),
            int(g[id_]),
            hour,
            int(g[iM]) if iM is not None else 0,
            int(g[iS]) if iS is not None else 0,
        )

    return parse


def compile_time_parser(fmt: str) -> Callable[[str], tuple[int, int, int]]:
    rx = re.compile(r"(?P<H>\d{1,2})(?P<M>\d{2})") if fmt == "%H%M" else _format_regex(fmt)

    def parse(value: str) -> tuple[int, int, int]:
        m = rx.fullmatch(value)
        if m is None:
            raise ValueError(value)
        g = m.groupdict()
        hour = int(g["I"]) % 12 + (12 if g["p"][0] in "Pp" else 0) if "I" in g else int(g["H"])
        minute, second = int(g["M"]), int(g.get("S") or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(value)
        return hour, minute, second

    return parse


def detect_formats(values: list[str], candidates: list[str] = DATE_FORMATS) -> list[str]:
    """The format(s) that read the sample: the best one, plus a second when the best leaves
    values unread that another reads (free-text logs mix "03/09/2024" and "3/10/24").

    Day-first and month-first formats read the same values until a day is above 12;
    month-first comes first in the list, so US exports win ties. The person confirms the
    choice in the preview.
    """
    values = [v.strip() for v in values if v and v.strip()]
    if not values:
        return []
    parsers = {fmt: compile_date_parser(fmt) for fmt in candidates}
    read: dict[str, set[int]] = {}
    for fmt, parse in parsers.items():
        ok = set()
        for i, value in enumerate(values):
            try:
                parse(value)
                ok.add(i)
            except ValueError:
                pass
        if ok:
            read[fmt] = ok
    if not read:
        return []
    best = max(read, key=lambda f: (len(read[f]), -candidates.index(f)))
    chosen = [best]
    rest = set(range(len(values))) - read[best]
    if rest:
        second = max(read, key=lambda f: (len(read[f] & rest), -candidates.index(f)))
        if read[second] & rest:
            chosen.append(second)
    return chosen


# --- Values --------------------------------------------------------------------------------

COORDINATES_RE = re.compile(r"\(\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*\)")
HOUSE_NUMBER_RE = re.compile(r"^\s*(\d+)(X+)?(?:-\d+)?\s+(?:BLOCK\s+(?:OF\s+)?)?(.+)$", re.I)
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


def generalize_block(address: str) -> str:
    """A street address as its hundred block: "2932 S JOSEPHINE ST" -> "2900 BLOCK S
    JOSEPHINE ST", Chicago's "002XX W 47TH ST" -> "200 BLOCK W 47TH ST". Intersections
    and place names pass through, with SF's "A \\ B" written "A & B"."""
    address = address.split("\n", 1)[0].strip()
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
                _format_regex(fmt)
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


@dataclass
class Preview:
    header: list[str]
    rows: list[dict]  # the first records as they will be read, keyed by field
    problems: dict
    rows_checked: int
    rows_good: int
    complete: bool  # whether the whole file was checked
    encoding: str
    delimiter: str
    kind: str
    duplicate_ids: int = 0


PREVIEW_SHOWN = 10


def preview(table: Table, mapping: dict, area: Area | None = None, limit: int = 20000) -> Preview:
    """Read up to `limit` rows the way the import will, and report what was found."""
    reader = RowReader(mapping, table.header, area)
    shown, ids, duplicates, checked, good = [], set(), 0, 0, 0
    names = STAGING_COLUMNS
    complete = True
    for line, row in enumerate(table.rows(), start=2):
        if checked >= limit:
            complete = False
            break
        checked += 1
        record = reader.read(line, row)
        if record is None:
            continue
        good += 1
        if record[1] in ids:
            duplicates += 1
            if duplicates <= MAX_EXAMPLES:
                reader.problems.add("duplicate_id", line, record[1])
            else:
                reader.problems.found["duplicate_id"]["count"] += 1
        ids.add(record[1])
        if len(shown) < PREVIEW_SHOWN:
            shown.append(dict(zip(names, record, strict=True)))
    return Preview(
        header=table.header,
        rows=shown,
        problems=reader.problems.as_dict(),
        rows_checked=checked,
        rows_good=good,
        complete=complete,
        encoding=table.encoding,
        delimiter=table.delimiter,
        kind=table.kind,
        duplicate_ids=duplicates,
    )


def sample_rows(table: Table, count: int = 200) -> list[list[str]]:
    rows = []
    for row in table.rows():
        rows.append(row)
        if len(rows) >= count:
            break
    return rows


DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
