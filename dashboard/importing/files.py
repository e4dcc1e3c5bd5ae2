"""Opening police exports: the shared reader (cs360.tabular) with the import's limits, and
its errors as MappingError, which every page and the command already report."""

from __future__ import annotations

from cs360 import tabular
from cs360.tabular import DELIMITER_NAMES, Limits, Table, TableError, sample_rows
from dashboard.importing.fields import MappingError

__all__ = ["DELIMITER_NAMES", "IMPORT_LIMITS", "Table", "TableError", "open_table", "sample_rows"]

# A police export: up to 2 GB and 10 million rows (a decade of a large city's calls).
IMPORT_LIMITS = Limits(max_bytes=2 * 1024**3, max_columns=500, max_rows=10_000_000)


def open_table(source, name: str = "", encoding: str = "", *, read_through: bool = False):
    """Open an export (a path or a binary file object). A file that is not a readable
    table raises MappingError with a message for the person who uploaded it."""
    try:
        return tabular.open_table(
            source, name, encoding, limits=IMPORT_LIMITS, read_through=read_through
        )
    except TableError as exc:
        raise MappingError(str(exc)) from exc
