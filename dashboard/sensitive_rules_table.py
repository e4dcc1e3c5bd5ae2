"""What the default rules decide for the type and category values of real exports.

    python -m dashboard.sensitive_rules_table ../shared/data/real > /tmp/table.md

prints the Markdown list kept in docs/public-dashboard.md (between the two "default rules
table" markers), and tests/dashboard/test_default_rules_real_files.py checks the doc still
matches, so the list stays true when the rules change.
"""

import csv
import sys
from collections import Counter
from pathlib import Path

from dashboard import sensitive_rules

# file -> the columns holding an initial type, final type or category (a number: no header).
TYPE_COLUMNS = {
    "berkeley_pd_calls_for_service_2018.csv": ["OFFENSE", "CVLEGEND"],
    "charlottesville_crime_data_2016_2019_sample.csv": ["Offense"],
    "chicago_crimes_2024_sample.csv": ["Primary Type", "Description"],
    "dallas_police_active_calls_2018_sample.csv": ["nature_of_call"],
    "davis_pd_crime_map_2016_2020_sample.csv": ["Title", "Group", "TabTitle"],
    "denver_crime_sample.csv": ["OFFENSE_TYPE_ID", "OFFENSE_CATEGORY_ID"],
    "philadelphia_crime_incidents_2025_sample.csv": ["text_general_code"],
    "pocatello_pd_cad_incidents_2025_sample.xlsx": ["Nature"],
    "reno_cad_calls_for_service_2011_sample.csv": [1],
    "reno_rms_crime_reports_2011_sample.csv": [1],
    "san_diego_pd_calls_for_service_2023_sample.csv": ["call_type"],
    "sf_police_incident_reports_2018_sample.csv": [
        "Incident Category",
        "Incident Subcategory",
        "Incident Description",
    ],
    "uiuc_police_daily_crime_log_2024.csv": ["description"],
}
# Files whose only "type" column is a written narrative: never a category, never published.
NARRATIVE_ONLY = {"texas_tech_police_daily_crime_log_2020_2021.csv": "Synopsis"}


def _rows(path: Path):
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        rows = book.active.iter_rows(values_only=True)
        header = [str(h or "") for h in next(rows)]
        for row in rows:
            yield dict(zip(header, ("" if v is None else str(v) for v in row), strict=False))
        return
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        yield from csv.reader(f) if _headerless(path) else csv.DictReader(f)


def _headerless(path: Path) -> bool:
    return any(isinstance(c, int) for c in TYPE_COLUMNS.get(path.name, []))


def file_values(path: Path) -> Counter:
    """How often each type or category value occurs in one file (any of its type columns)."""
    counts: Counter = Counter()
    columns = TYPE_COLUMNS[path.name]
    for row in _rows(path):
        for column in columns:
            try:
                value = (row[column] or "").strip()
            except (IndexError, KeyError):
                continue
            if value:
                counts[value] += 1
    return counts


def decisions(folder: Path) -> dict[str, list[tuple[str, int, sensitive_rules.Suggestion]]]:
    out = {}
    for name in sorted(TYPE_COLUMNS):
        path = folder / name
        if not path.exists():
            continue
        values = file_values(path)
        out[name] = [
            (value, n, sensitive_rules.suggest(value)) for value, n in sorted(values.items())
        ]
    return out


def markdown(folder: Path) -> str:
    lines = [
        "| File | Values | Areas only | Areas only (examples) | In full (examples) |",
        "|---|---|---|---|---|",
    ]
    for name, rows in decisions(folder).items():
        areas = [(v, n) for v, n, s in rows if s.level != sensitive_rules.FULL]
        full = [(v, n) for v, n, s in rows if s.level == sensitive_rules.FULL]
        areas.sort(key=lambda vn: -vn[1])
        full.sort(key=lambda vn: -vn[1])
        lines.append(
            f"| `{name}` | {len(rows)} | {len(areas)} | "
            + ", ".join(f"`{v}`" for v, _ in areas[:8]).replace("|", "\\|")
            + " | "
            + ", ".join(f"`{v}`" for v, _ in full[:5]).replace("|", "\\|")
            + " |"
        )
    for name, column in NARRATIVE_ONLY.items():
        if (folder / name).exists():
            lines.append(
                f"| `{name}` | — | — | only a narrative column (`{column}`): not mapped | — |"
            )
    lines.append("")
    lines.append("Every value the rules keep to areas only, file by file:")
    lines.append("")
    for name, rows in decisions(folder).items():
        areas = sorted(
            (v, s.topic.label if s.topic else s.reason)
            for v, _, s in rows
            if s.level != sensitive_rules.FULL
        )
        text = "; ".join(f"`{v}` ({label})" for v, label in areas).replace("|", "\\|")
        lines.append(f"- `{name}`: {text or 'none'}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/real")))
