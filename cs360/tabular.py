"""Reading tabular exports (CSV/TSV in any common delimiter and encoding, or .xlsx), shared by
every importer: the police data import (dashboard) and the Community Map (communitymap).

A `Table` streams its rows: a file of a million rows is never held in memory. Every opening
is bounded (`Limits`): size, columns, rows and field length are checked as the file is read,
and a file that breaks a limit, or is not a table at all (a PDF, NUL bytes, a single 50 MB
line), raises `TableError` with a message a person can act on, in well under a second.

The source is a path or a binary file object (for instance `FieldFile.open("rb")` from
Django's storage API), so uploads kept in object storage read the same as local files.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import BinaryIO


class TableError(ValueError):
    """The file as a whole cannot be read as a table; the message says what to fix."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 2 * 1024**3
    max_columns: int = 500
    max_rows: int = 10_000_000
    max_field: int = 100_000  # characters in one field
    max_header_line: int = 256 * 1024  # bytes before the first line break
    # How much of the file the encoding is guessed from, when it is not read through.
    sniff_bytes: int = 8 * 1024 * 1024


DEFAULT_LIMITS = Limits()
CANDIDATE_DELIMITERS = [",", "\t", ";", "|"]
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
XLSX_MAGIC = b"PK\x03\x04"
# Formats that are not tables, by their first bytes: a clearer message than "unreadable".
NOT_TABLES = {
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word file: save it as .xlsx or CSV",
    b"\x1f\x8b": "a gzip archive: unpack it first",
    b"{\\rtf": "a Word (RTF) document",
}

# Python's csv module holds one process-wide limit; set it once to ours, so an over-long
# field raises csv.Error, which is reported with its line.
csv.field_size_limit(DEFAULT_LIMITS.max_field)


def _number(n: int) -> str:
    return f"{n:,}"


def detect_encoding(stream: BinaryIO, limit: int | None = None) -> str:
    """utf-8-sig/utf-16 when the file starts with a byte-order mark, else utf-8 if every
    byte (of the first `limit` bytes, or all) decodes as UTF-8, else cp1252 (Excel's "CSV"
    on Windows), else latin-1. Leaves the stream at its start."""

    def chunks():
        stream.seek(0)
        left = limit if limit is not None else float("inf")
        while left > 0 and (chunk := stream.read(int(min(1 << 20, left)))):
            left -= len(chunk)
            yield chunk

    try:
        stream.seek(0)
        head = stream.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        for encoding in ("utf-8", "cp1252"):
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                for chunk in chunks():
                    decoder.decode(chunk)
                if limit is None:
                    decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                continue
        return "latin-1"
    finally:
        stream.seek(0)


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

    name: str
    kind: str  # "csv" or "xlsx"
    header: list[str]
    encoding: str = ""
    delimiter: str = ""
    size: int = 0
    limits: Limits = DEFAULT_LIMITS
    _numbered: Iterator[tuple[int, list[str]]] | None = None
    _position: Callable[[], int] | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)
    headerless: bool = False  # the first row was data; columns are named "Column 1"...

    def numbered_rows(self) -> Iterator[tuple[int, list[str]]]:
        """(physical line or sheet row where the record starts, cells): a quoted field that
        spans lines does not shift the numbers of the records after it. Read once."""
        assert self._numbered is not None, "A table's rows can be read once."
        rows, self._numbered = self._numbered, None
        return rows

    def rows(self) -> Iterator[list[str]]:
        return (row for _, row in self.numbered_rows())

    def position(self) -> int:
        """Bytes read so far (approximately), for progress."""
        return self._position() if self._position else 0

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, self.delimiter)

    def close(self) -> None:
        self._position = None
        while self._closers:
            self._closers.pop(0)()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_table(
    source: Path | str | BinaryIO,
    name: str = "",
    encoding: str = "",
    limits: Limits = DEFAULT_LIMITS,
    read_through: bool = False,
) -> Table:
    """Open a CSV/TSV or .xlsx export, detecting what it is from its content.

    `encoding` found by an earlier opening skips the guess. Without it the encoding is
    guessed from the first `limits.sniff_bytes`, or from the whole file with `read_through`
    (the import itself, in the background, reads it through)."""
    closers = []
    if isinstance(source, (str, Path)):
        name = name or Path(source).name
        stream = open(source, "rb")  # noqa: SIM115 - closed by Table.close
        closers.append(stream.close)
    else:
        stream = source
    try:
        return _open(stream, name, encoding, limits, read_through, closers)
    except BaseException:
        for close in closers:
            close()
        raise


def _size(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _open(stream, name, encoding, limits, read_through, closers) -> Table:
    size = _size(stream)
    if size > limits.max_bytes:
        raise TableError(
            f"The file is {size / 1024**2:,.0f} MB; at most {limits.max_bytes / 1024**2:,.0f} MB "
            "can be imported. Export a shorter period, or split the file."
        )
    head = stream.read(8)
    stream.seek(0)
    if not head.strip():
        raise TableError("The file is empty.")
    if head.startswith(XLSX_MAGIC):
        return _open_xlsx(stream, name, size, limits, closers)
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise TableError(
            "This file could not be opened as an Excel workbook. Save it again as .xlsx or CSV."
        )
    for magic, what in NOT_TABLES.items():
        if head.startswith(magic):
            raise TableError(f"This file is {what}, not a CSV or Excel export.")
    encoding = encoding or detect_encoding(stream, None if read_through else limits.sniff_bytes)
    first = stream.read(limits.max_header_line)
    stream.seek(0)
    if not encoding.startswith("utf-16"):
        if b"\x00" in first:
            raise TableError(
                "This file is not a CSV text file (it holds NUL bytes). "
                "Save it again as CSV or .xlsx."
            )
        if len(first) == limits.max_header_line and b"\n" not in first and b"\r" not in first:
            raise TableError(
                f"The first line is longer than {limits.max_header_line // 1024:,} KB with no "
                "line break: this is not a CSV export with a header row."
            )
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    # Keep the text wrapper alive: when it is collected it closes the stream under it.
    closers.insert(0, text.detach if not closers else text.close)
    try:
        sample = text.read(64 * 1024)
        text.seek(0)
    except UnicodeDecodeError as exc:
        raise TableError(f"The file's text could not be read as {encoding}.") from exc
    if "\x00" in sample:
        raise TableError(
            "This file is not a CSV text file (it holds NUL characters). "
            "Save it again as CSV or .xlsx."
        )
    delimiter = detect_delimiter(sample)
    reader = csv.reader(text, delimiter=delimiter, quotechar='"', strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError("The file is empty.") from None
    except csv.Error as exc:
        raise TableError(f"The header row could not be read: {exc}.") from exc
    header = [h.strip().lstrip("\ufeff") for h in header]
    first_row = None
    if looks_like_data(header):
        first_row, header = header, [f"Column {i}" for i in range(1, len(header) + 1)]
    header = [h or f"Column {i}" for i, h in enumerate(header, start=1)]
    header = _check_header(header, limits)
    table = Table(
        name=name,
        kind="csv",
        header=header,
        encoding=encoding,
        delimiter=delimiter,
        size=size,
        limits=limits,
        _position=stream.tell,
        _closers=closers,
    )
    table._numbered = _numbered_csv(reader, limits, first_row)
    table.headerless = first_row is not None
    return table


def looks_like_data(header: list[str]) -> bool:
    """A first row of values, not names: two or more plain numbers (Reno's exports have no
    header row). Real headers hardly ever hold a number as a column name."""
    numbers = 0
    for cell in header:
        if cell.replace(".", "", 1).isdigit() and len(cell) >= 2:
            numbers += 1
    return numbers >= 2


def _check_header(header: list[str], limits: Limits) -> list[str]:
    if len(header) > limits.max_columns:
        raise TableError(
            f"The file has {_number(len(header))} columns; at most "
            f"{_number(limits.max_columns)} can be read. Export only the columns you need."
        )
    if not any(header):
        raise TableError("The first row is empty: the file needs a header row of column names.")
    return header


def _numbered_csv(reader, limits: Limits, first_row=None) -> Iterator[tuple[int, list[str]]]:
    max_rows = limits.max_rows
    start = reader.line_num + 1
    count = 0
    if first_row is not None:
        yield 1, first_row
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
            count += 1
            if count > max_rows:
                raise TableError(
                    f"The file has more than {_number(max_rows)} rows; split it into parts."
                )
    except csv.Error as exc:
        raise TableError(
            f"Line {_number(start)} could not be read ({exc}): a field longer than "
            f"{_number(limits.max_field)} characters, or a quote that never closes."
        ) from exc
    except UnicodeDecodeError as exc:
        raise TableError(
            f"Near line {_number(start)} the text is not in the file's encoding."
        ) from exc


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _open_xlsx(stream, name: str, size: int, limits: Limits, closers) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableError(
            "This file could not be opened as an Excel workbook. Save it again as .xlsx or CSV."
        ) from exc
    closers.insert(0, workbook.close)
    if not workbook.worksheets:
        raise TableError("The workbook has no sheets.")
    sheet = workbook.worksheets[0]
    # The sheet's declared size (its <dimension>), checked before any row is read: a small
    # file can declare, and hold, hundreds of thousands of rows.
    declared_rows = sheet.max_row or 0
    if declared_rows - 1 > limits.max_rows:
        raise TableError(
            f"The sheet has {_number(declared_rows - 1)} rows; at most "
            f"{_number(limits.max_rows)} can be imported. Split it, or export CSV."
        )
    if (sheet.max_column or 0) > limits.max_columns * 4:
        raise TableError(
            f"The sheet has {_number(sheet.max_column)} columns; at most "
            f"{_number(limits.max_columns)} can be read."
        )
    values = sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1)
    try:
        header = [cell_text(v).strip() for v in next(values)]
        while header and not header[-1]:
            header.pop()
        header = _check_header(header, limits)
    except StopIteration:
        raise TableError("The workbook's first sheet is empty.") from None
    counter = {"rows": 0}
    total_rows = max(1, declared_rows - 1)
    width, max_rows, max_field = len(header), limits.max_rows, limits.max_field

    def numbered():
        for number, row in enumerate(values, start=2):
            counter["rows"] += 1
            if counter["rows"] > max_rows:
                raise TableError(
                    f"The sheet has more than {_number(max_rows)} rows; split it, or export CSV."
                )
            cells = [cell_text(v) for v in row[:width]]
            if not any(cells):
                continue
            for cell in cells:
                if len(cell) > max_field:
                    raise TableError(
                        f"Row {_number(number)} has a cell longer than "
                        f"{_number(max_field)} characters."
                    )
            yield number, cells

    return Table(
        name=name,
        kind="xlsx",
        header=header,
        size=size,
        limits=limits,
        _numbered=numbered(),
        _position=lambda: int(size * min(1, counter["rows"] / total_rows)),
        _closers=closers,
    )


def sample_rows(table: Table, count: int = 200) -> list[list[str]]:
    rows = []
    for row in table.rows():
        rows.append(row)
        if len(rows) >= count:
            break
    return rows
