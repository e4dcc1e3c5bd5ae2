"""Dates and times: detected from the values, parsed fast, described in words.

A mapping names each date column's formats as strftime-like strings (`%m/%d/%Y %I:%M %p`)
or one of the special forms below (`@excel`, `@epoch`, `@epoch_ms`); staff never type
them: `detect` picks them from a sample and `describe` says in words what they mean.

Dates are parsed by compiled regular expressions instead of `strptime`, which is several
times slower and would dominate the time of a large import; the result is handed to
PostgreSQL as ISO text, which converts a value without an offset from the agency's time
zone. A value with an offset (`Z`, `+00`, `+0000`, `+00:00`) keeps it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from dashboard.importing.fields import MappingError

EXCEL, EPOCH, EPOCH_MS = "@excel", "@epoch", "@epoch_ms"
SPECIAL_FORMATS = (EXCEL, EPOCH, EPOCH_MS)

_DATES = {
    "ymd-": "%Y-%m-%d",
    "ymd/": "%Y/%m/%d",
    "mdY": "%m/%d/%Y",
    "mdy": "%m/%d/%y",
    "dmY": "%d/%m/%Y",
    "dmy": "%d/%m/%y",
    "mdY-": "%m-%d-%Y",
    "dmY-": "%d-%m-%Y",
    "dmY.": "%d.%m.%Y",
    "dbY": "%d-%b-%Y",
    "dby": "%d-%b-%y",
    "d b Y": "%d %b %Y",
    "b d Y": "%b %d %Y",
    "Ymd": "%Y%m%d",
    "mdY compact": "%m%d%Y",
}
_TIMES = ["%I:%M:%S %p", "%I:%M %p", "%H:%M:%S.%f", "%H:%M:%S", "%H:%M"]


def _all_formats() -> list[str]:
    formats = []
    for date in _DATES.values():
        if date.startswith("%Y-"):
            for sep in ("T", " "):
                formats += [f"{date}{sep}%H:%M:%S.%f%z", f"{date}{sep}%H:%M:%S%z"]
                formats += [f"{date}{sep}%H:%M%z", f"{date}{sep}%H:%M:%S.%f"]
                formats += [f"{date}{sep}%H:%M:%S", f"{date}{sep}%H:%M"]
        elif date in ("%Y%m%d", "%m%d%Y"):
            formats += [f"{date}%H%M%S", f"{date} %H%M%S", f"{date} %H:%M:%S"]
        else:
            formats += [f"{date} {t}{z}" for t in _TIMES for z in ("%z", "")]
            # Police logs: "11/14/2021 1710 hours"; Pocatello: "20:03:01 03/27/25".
            formats += [f"{date} %H%M hours", f"{date} %H%M"]
            formats += [f"%H:%M:%S {date}", f"%H:%M {date}"]
        formats.append(date)
    return formats


# Order matters only for ties: month-first before day-first (US exports win until a day
# above 12 shows), a 4-digit year before a 2-digit one.
DATE_FORMATS: list[str] = _all_formats()
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%H%M"]

_TOKENS = {
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "b": r"(?P<b>[A-Za-z]{3,9})\.?",
    "H": r"(?P<H>\d{1,2})",
    "I": r"(?P<I>\d{1,2})",
    "M": r"(?P<M>\d{2})",
    "S": r"(?P<S>\d{2})",
    "f": r"(?P<f>\d{1,9})",
    "p": r"(?P<p>[AaPp]\.?[Mm]\.?)",
    "z": r"\s?(?P<z>Z|UTC|[+-]\d{2}(?::?\d{2})?)",
}
# Compact forms (20240131, 1430) need fixed widths.
_COMPACT = {
    "Y": r"(?P<Y>\d{4})",
    "m": r"(?P<m>\d{2})",
    "d": r"(?P<d>\d{2})",
    "H": r"(?P<H>\d{2})",
    "M": r"(?P<M>\d{2})",
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
            # A token run together with another (20240131, 1710) has a fixed width.
            compact = fmt[i + 2 : i + 3] == "%" or (i >= 2 and fmt[i - 2] == "%")
            if token == "%":
                out.append("%")
            elif compact and token in _COMPACT:
                out.append(_COMPACT[token])
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


def check_format(fmt: str) -> None:
    """Raise MappingError when a format (typed in a mapping file) cannot be used."""
    if fmt not in SPECIAL_FORMATS:
        _format_regex(fmt)


def _offset(z: str) -> timezone:
    if z in ("Z", "UTC"):
        return UTC
    sign = -1 if z[0] == "-" else 1
    z = z[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(z[:2]), minutes=int(z[2:4] or 0)))


EXCEL_EPOCH = datetime(1899, 12, 30)
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _number_parser(low: float, high: float, convert) -> Callable[[str], datetime]:
    def parse(value: str) -> datetime:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(value) from None
        if not low <= number <= high:
            raise ValueError(value)
        return convert(number)

    return parse


# Plausible ranges: Excel days 1954-2119; epoch seconds 1973-2096; milliseconds the same.
SPECIAL_PARSERS = {
    EXCEL: lambda: _number_parser(
        20_000, 80_000, lambda n: (EXCEL_EPOCH + timedelta(days=n)).replace(microsecond=0)
    ),
    EPOCH: lambda: _number_parser(1e8, 4e9, lambda n: UNIX_EPOCH + timedelta(seconds=round(n))),
    EPOCH_MS: lambda: _number_parser(
        1e11, 4e12, lambda n: UNIX_EPOCH + timedelta(seconds=round(n / 1000))
    ),
}


def compile_date_parser(fmt: str) -> Callable[[str], datetime]:
    """A fast parser for one format. Raises ValueError when the value does not fit."""
    if fmt in SPECIAL_PARSERS:
        return SPECIAL_PARSERS[fmt]()
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
        if "m" in g:
            month = int(g["m"])
        elif "b" in g:
            month = _MONTHS.get(g["b"][:3].lower(), 0)
        else:
            month = 1
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
        micro = int((g.get("f") or "0")[:6].ljust(6, "0"))
        tz = _offset(g["z"]) if g.get("z") else None
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


_HHMM = re.compile(r"\d{1,4}")


def compile_time_parser(fmt: str) -> Callable[[str], tuple[int, int, int]]:
    """A parser for a time-of-day column: (hour, minute, second). `%H%M` reads HHMM
    integers whose leading zeros were lost (5 is 00:05, 130 is 01:30)."""
    if fmt == "%H%M":

        def parse_hhmm(value: str) -> tuple[int, int, int]:
            if not _HHMM.fullmatch(value):
                raise ValueError(value)
            number = int(value)
            hour, minute = divmod(number, 100)
            if hour > 23 or minute > 59:
                raise ValueError(value)
            return hour, minute, 0

        return parse_hhmm
    rx = _format_regex(fmt)

    def parse(value: str) -> tuple[int, int, int]:
        m = rx.fullmatch(value)
        if m is None:
            raise ValueError(value)
        g = m.groupdict()
        if "I" in g:
            hour = int(g["I"])
            if not 1 <= hour <= 12:
                raise ValueError(value)
            hour = hour % 12 + (12 if g["p"][0] in "Pp" else 0)
        else:
            hour = int(g["H"])
        minute, second = int(g["M"]), int(g.get("S") or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(value)
        return hour, minute, second

    return parse


# --- Detection -----------------------------------------------------------------------------


@dataclass
class DateGuess:
    """What a sample of one column looks like as dates."""

    formats: list[str]
    read: int  # values of the sample read by the formats
    total: int  # non-empty values in the sample
    parsed: list[datetime] = field(default_factory=list)
    ambiguous: bool = False  # day/month order not settled by the sample

    @property
    def share(self) -> float:
        return self.read / self.total if self.total else 0.0

    @property
    def midnight_only(self) -> bool:
        return bool(self.parsed) and all(
            d.hour == d.minute == d.second == 0 and d.tzinfo is None for d in self.parsed
        )

    @property
    def has_offset(self) -> bool:
        return any(d.tzinfo is not None for d in self.parsed)

    @property
    def numeric(self) -> bool:
        return any(f in SPECIAL_FORMATS for f in self.formats)


@functools.lru_cache(maxsize=1024)
def _cached_parser(fmt: str) -> Callable[[str], datetime]:
    return compile_date_parser(fmt)


_SHAPE = str.maketrans("0123456789", "9999999999")


def _representatives(values: list[str], per_shape: int = 25) -> list[str]:
    """A few values of each shape (digits as 9): formats read values by their shape, and a
    few of each settle day/month order, so the hundreds of candidates need not see all."""
    shapes: dict[str, list[str]] = {}
    for value in values:
        group = shapes.setdefault(value.translate(_SHAPE), [])
        if len(group) < per_shape:
            group.append(value)
    return [v for group in shapes.values() for v in group]


def _reads(values: list[str], candidates: list[str]) -> dict[str, set[int]]:
    read: dict[str, set[int]] = {}
    for fmt in candidates:
        parse = _cached_parser(fmt)
        ok = set()
        for i, value in enumerate(values):
            try:
                parse(value)
                ok.add(i)
            except (ValueError, OverflowError):
                pass
        if ok:
            read[fmt] = ok
    return read


def _quick_reject(values: list[str]) -> bool:
    """True when no value has the digits a date needs: skip the full detection."""
    return not any(sum(c.isdigit() for c in v[:40]) >= 4 for v in values[:50])


def detect(values: list[str], candidates: list[str] | None = None) -> DateGuess:
    """The format(s) that read a sample: the best one, plus others when the best leaves
    values unread that they read (free-text logs mix "03/09/2024" and "3/10/24").

    Day-first and month-first formats read the same values until a day is above 12;
    month-first comes first in the list, so US exports win ties, and the guess says the
    order was not settled. Numbers are read as Excel serial dates or epoch seconds only
    when every value is in a plausible range."""
    values = [v.strip() for v in values if v and v.strip()]
    empty = DateGuess([], 0, len(values))
    if not values or _quick_reject(values):
        return empty
    if candidates is None:
        candidates = DATE_FORMATS
        if all(_is_number(v) for v in values):
            candidates = [*candidates, *SPECIAL_FORMATS]
    read = _reads(_representatives(values), candidates)
    if not read:
        return empty
    # Keep the formats that read some representative, and count them on every value.
    read = _reads(values, list(read))
    order = {f: i for i, f in enumerate(candidates)}
    best = max(read, key=lambda f: (len(read[f]), -order[f]))
    chosen, covered = [best], set(read[best])
    while len(chosen) < 3 and len(covered) < len(values):
        rest = {f: read[f] - covered for f in read if f not in chosen}
        second = max(rest, key=lambda f: (len(rest[f]), -order[f]), default=None)
        if second is None or not rest[second]:
            break
        chosen.append(second)
        covered |= read[second]
    parsers = [_cached_parser(f) for f in chosen]
    parsed = []
    for value in values:
        for parse in parsers:
            try:
                parsed.append(parse(value))
                break
            except (ValueError, OverflowError):
                continue
    swapped = {_swap_day_month(f) for f in chosen}
    ambiguous = any(f in read and read[f] >= read[best] for f in swapped - {None})
    return DateGuess(chosen, len(covered), len(values), parsed, ambiguous)


def detect_formats(values: list[str], candidates: list[str] | None = None) -> list[str]:
    return detect(values, candidates).formats


def detect_time(values: list[str]) -> str:
    """The format of a time-of-day column, or "" when the values are not times of day."""
    values = [v.strip() for v in values if v and v.strip()]
    if not values:
        return ""
    for fmt in ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p"]:
        parse = compile_time_parser(fmt)
        if sum(_ok(parse, v) for v in values) >= 0.95 * len(values):
            return fmt
    if all(v.isdigit() and len(v) == 6 for v in values):
        parse = compile_time_parser("%H%M%S")
        if all(_ok(parse, v) for v in values):
            return "%H%M%S"
    # HHMM integers: all whole numbers 0-2359 with minutes below 60, and spread over the day.
    if all(v.isdigit() and len(v) <= 4 for v in values):
        parse = compile_time_parser("%H%M")
        if all(_ok(parse, v) for v in values) and len({v.zfill(4)[:2] for v in values}) >= min(
            4, len(values)
        ):
            return "%H%M"
    return ""


def _ok(parse, value) -> bool:
    try:
        parse(value)
        return True
    except ValueError:
        return False


def _is_number(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        return False


def _swap_day_month(fmt: str) -> str | None:
    if "%m/%d" in fmt:
        return fmt.replace("%m/%d", "%d/%m")
    if "%d/%m" in fmt:
        return fmt.replace("%d/%m", "%m/%d")
    if "%m-%d-" in fmt:
        return fmt.replace("%m-%d-", "%d-%m-")
    if "%d-%m-" in fmt:
        return fmt.replace("%d-%m-", "%m-%d-")
    return None


# --- Words ---------------------------------------------------------------------------------

_ORDER_WORDS = [
    ("%Y%m%d", "year month day run together (20240131)"),
    ("%m%d%Y", "month day year run together (01312024)"),
    ("%H:%M:%S %m/%d/%y", "time first, then month/day/two-digit year (20:03:01 03/27/25)"),
    ("%H:%M:%S %m/%d/%Y", "time first, then month/day/year"),
    ("%H:%M:%S %d/%m", "time first, then day/month/year"),
    ("%Y-%m-%d", "year-month-day"),
    ("%Y/%m/%d", "year/month/day"),
    ("%m/%d/%Y", "month/day/year"),
    ("%m/%d/%y", "month/day/two-digit year"),
    ("%d/%m/%Y", "day/month/year"),
    ("%d/%m/%y", "day/month/two-digit year"),
    ("%m-%d-%Y", "month-day-year"),
    ("%d-%m-%Y", "day-month-year"),
    ("%d.%m.%Y", "day.month.year"),
    ("%d-%b-%Y", "day-month name-year (31-Jan-2024)"),
    ("%d-%b-%y", "day-month name-two-digit year (31-Jan-24)"),
    ("%d %b %Y", "day month name year (31 Jan 2024)"),
    ("%b %d %Y", "month name day year (Jan 31 2024)"),
]


def describe_format(fmt: str) -> str:
    """A format in words: "month/day/year, 12-hour clock with seconds, no UTC offset"."""
    if fmt == EXCEL:
        return "Excel serial day numbers (45322.5 is 31 Jan 2024 at noon), local time"
    if fmt == EPOCH:
        return "seconds since 1 January 1970 (Unix time), in UTC"
    if fmt == EPOCH_MS:
        return "milliseconds since 1 January 1970 (Unix time), in UTC"
    words = next((w for prefix, w in _ORDER_WORDS if fmt.startswith(prefix)), fmt)
    if "%I" in fmt:
        words += ", 12-hour clock with AM/PM"
    elif "%H" in fmt:
        words += ", 24-hour clock"
    else:
        words += ", date only"
    if "%S" in fmt:
        words += " and seconds"
        if "%f" in fmt:
            words += " and fractions"
    if "%z" in fmt:
        words += ", with a UTC offset (Z, +00, -0500 or -05:00)"
    return words


def format_choices() -> list[tuple[str, str]]:
    """Every format staff may choose from, in words (the mapping form's list)."""
    return [(f, describe_format(f)) for f in [*DATE_FORMATS, *SPECIAL_FORMATS]]


TIME_WORDS = {
    "%H:%M": "24-hour time (14:30)",
    "%H:%M:%S": "24-hour time with seconds (14:30:05)",
    "%I:%M %p": "12-hour time (2:30 PM)",
    "%I:%M:%S %p": "12-hour time with seconds (2:30:05 PM)",
    "%H%M": "hours and minutes as a number (1430; 5 is 00:05)",
    "%H%M%S": "hours, minutes and seconds run together (143005)",
}
