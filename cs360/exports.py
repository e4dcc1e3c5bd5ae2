"""Exports are data, not code: every CSV and Excel download goes through this module.

A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` as a formula, and a tab or
carriage return in front of one is skipped, so an organization named `=HYPERLINK(...)` would
run in the hands of whoever opens the export (OWASP "CSV injection"). Text cells that begin
with one of those characters are neutralized; real numbers, including negative ones, stay
numbers.

- CSV: the cell gets a leading single quote (OWASP's advice), which spreadsheets show as text.
- Excel: the cell is written as a text cell with Excel's "quote prefix" style, so the value a
  person sees is exactly the stored text and editing it does not turn it into a formula.
"""

import csv
import re

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# A plain decimal number ("-12", "-3.5", "+1e3") is data, not a formula.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_dangerous(value) -> bool:
    """True for a text value a spreadsheet would read as a formula."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_LEADERS)
        and not _NUMBER.fullmatch(value)
    )


def safe_cell(value):
    """The value to write in a CSV cell: formula-leading text gets a leading quote."""
    return "'" + value if is_dangerous(value) else value


def safe_row(row):
    return [safe_cell(value) for value in row]


class SafeWriter:
    """`csv.writer` whose rows are neutralized; `writerow` returns what the file returned."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose values are neutralized."""

    def writerow(self, rowdict):
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})


def excel_row(sheet, row):
    """Cells for `sheet.append` on a write-only openpyxl sheet, formula-leading text as text."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        if is_dangerous(value):
            cell = WriteOnlyCell(sheet, value=None)
            # Assigning the value would make openpyxl store "=..." as a formula.
            cell._value = value
            cell.data_type = "s"
            cell.quotePrefix = True
            cells.append(cell)
        else:
            cells.append(value)
    return cells
