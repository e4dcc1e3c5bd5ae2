"""The preview: the file read the way the import will read it, and what was found."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.importing.fields import MAX_EXAMPLES, STAGING_COLUMNS
from dashboard.importing.files import Table
from dashboard.importing.rows import Area, RowReader


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
    distinct_ids: int = 0
    date_examples: list[dict] | None = None  # [{"raw", "value", "offset"}], first three
    offsets: int = 0  # good rows whose occurred-at carried a UTC offset

    def records(self, policy: str) -> int:
        """How many records the good rows make under a policy for repeated ids."""
        return self.rows_good if policy == "number" else self.distinct_ids


PREVIEW_SHOWN = 10


def preview(table: Table, mapping: dict, area: Area | None = None, limit: int = 20000) -> Preview:
    """Read up to `limit` rows the way the import will, and report what was found."""
    reader = RowReader(mapping, table.header, area)
    shown, ids, duplicates, checked, good = [], set(), 0, 0, 0
    names = STAGING_COLUMNS
    complete = True
    examples, offsets = [], 0
    occurred = reader.col["occurred_at"]
    for line, row in table.numbered_rows():
        if checked >= limit:
            complete = False
            break
        checked += 1
        record = reader.read(line, row)
        if record is None:
            continue
        good += 1
        if record[3] is not None:  # occurred_utc: the value carried its offset
            offsets += 1
        if len(examples) < 3:
            examples.append(
                {
                    "line": line,
                    "raw": row[occurred].strip()[:60],
                    "value": record[3] or record[2],
                    "offset": record[3] is not None,
                }
            )
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
        distinct_ids=len(ids),
        date_examples=examples,
        offsets=offsets,
    )
