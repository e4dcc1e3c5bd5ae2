"""Reading police exports: pure functions, no database.

An export is read as a `Table` (cs360.tabular: CSV in any delimiter and common encoding, or
.xlsx), and a mapping (see docs/police-data-import.md) turns each row into the canonical
fields of a PoliceRecord, or into a rejection with a reason. Everything streams: a file of a
million rows is never held in memory.

    files    opening a file, with the import's limits
    dates    date and time formats: detected, parsed fast, described in words
    roles    which column holds which field, from header names and values
    rows     rows to staging tuples (the hot path of a large import)
    preview  the file read as the import will read it
"""

from dashboard.importing.dates import (
    DATE_FORMATS,
    TIME_FORMATS,
    TIME_WORDS,
    compile_date_parser,
    compile_time_parser,
    describe_format,
    detect_formats,
)
from dashboard.importing.fields import (
    COORDINATES_RE,
    DATE_FIELDS,
    DEFAULT_AREA_RADIUS_KM,
    FIELDS,
    MAPPING_VERSION,
    PROBLEM_KINDS,
    PUBLIC_COORDINATE_DECIMALS,
    STAGING_COLUMNS,
    TEXT_FIELDS,
    MappingError,
    Problems,
)
from dashboard.importing.files import DELIMITER_NAMES, Table, TableError, open_table, sample_rows
from dashboard.importing.preview import Preview, preview
from dashboard.importing.roles import Suggestion, suggest, suggest_mapping, validate_mapping
from dashboard.importing.rows import Area, RowReader, area_from_rows, area_key, generalize_block

__all__ = [
    "COORDINATES_RE",
    "DATE_FIELDS",
    "DATE_FORMATS",
    "DEFAULT_AREA_RADIUS_KM",
    "DELIMITER_NAMES",
    "FIELDS",
    "MAPPING_VERSION",
    "PROBLEM_KINDS",
    "PUBLIC_COORDINATE_DECIMALS",
    "STAGING_COLUMNS",
    "TEXT_FIELDS",
    "TIME_FORMATS",
    "TIME_WORDS",
    "Area",
    "MappingError",
    "Preview",
    "Problems",
    "RowReader",
    "Table",
    "TableError",
    "area_from_rows",
    "area_key",
    "compile_date_parser",
    "compile_time_parser",
    "describe_format",
    "detect_formats",
    "generalize_block",
    "open_table",
    "preview",
    "sample_rows",
    "Suggestion",
    "suggest",
    "suggest_mapping",
    "validate_mapping",
]
