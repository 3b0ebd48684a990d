"""Spreadsheets people can read: number formats by column, no float noise, readable sheets.

Numbers stay numbers: their stored values are exact (only float noise below 1e-9 is set to 0)
and the workbook shows them through number formats, money as whole units with thousands
separators, margins, discounts, shares and buffers as percentages. Every text cell goes through
:func:`safe_cell` (no formula can run).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell value that a spreadsheet shows as text, never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and header) made safe; numeric columns untouched."""
    safe = frame.copy()
    safe.columns = [safe_cell(str(c)) for c in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_cell)
    return safe


MONEY_FORMAT = "#,##0"  # whole units, thousands separated; the stored value stays exact
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "#,##0.0000"
NOISE = 1e-9  # float noise: anything smaller than this is stored as 0

# Money columns whose names carry no ``_usd`` / ``_local`` suffix (the offer's tables).
_MONEY_NAMES = frozenset({"list_per_account_year", "target", "floor", "from", "down_to"})
_PERCENT_WORDS = ("margin", "discount", "share", "buffer")
_COUNT_NAMES = frozenset({"accounts", "tiers_offered", "number", "public_holidays"})


def number_format(column: str) -> str | None:
    """The number format of a column, from its name; None leaves the cell 'General'.

    Rates (``per_usd``, ``rate_*``) keep four decimals; money (``*_usd``, ``*_local`` and the
    offer's price columns) shows whole units; margins, discounts, shares, buffers and the
    optimality gap are percentages; accounts, counts and seconds are whole numbers.
    """
    name = str(column).lower()
    if name in ("per_usd", "rate") or name.startswith("rate_"):
        return RATE_FORMAT
    if name.endswith(("_usd", "_local")) or name in _MONEY_NAMES:
        return MONEY_FORMAT
    if any(word in name for word in _PERCENT_WORDS) or name == "gap":
        return PERCENT_FORMAT
    if name in _COUNT_NAMES or name.endswith(("_seconds", "_count", "_days")):
        return COUNT_FORMAT
    return None


def clean_number(value: object) -> object:
    """A number as a spreadsheet should store it: exact, except float noise (|x| < 1e-9) is 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if abs(value) < NOISE:
            return 0.0
    return value


def _cell_value(value: object) -> object:
    """A pandas/numpy value as a safe, clean openpyxl cell value."""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, TypeError):
            value = value.item()  # numpy scalar -> Python
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, list | tuple | set | frozenset | dict):
        value = str(value)
    if isinstance(value, str):
        return safe_cell(value)
    return clean_number(value)


def clean_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Float noise below 1e-9 set to 0 in every numeric column; other values untouched."""
    clean = frame.copy()
    for column in clean.columns:
        if pd.api.types.is_float_dtype(clean[column]):
            values = clean[column]
            clean[column] = values.where(~(values.abs() < NOISE), 0.0)
    return clean


# -- writing sheets ----------------------------------------------------------------------------

_BOLD = Font(bold=True)
_MAX_WIDTH = 66


def put_table(
    sheet: Worksheet,
    frame: pd.DataFrame,
    top: int = 1,
    *,
    title: str | None = None,
    row_formats: Sequence[str | None] | None = None,
    formatted: str | None = None,
) -> int:
    """``frame`` at row ``top`` (after a bold ``title`` row if given): a bold header, safe text,
    clean numbers in their column's format. ``row_formats`` (one per row) formats the column
    named ``formatted`` row by row instead. Returns the next free row."""
    row = top
    if title is not None:
        sheet.cell(row=row, column=1, value=safe_cell(title)).font = _BOLD
        row += 1
    if len(frame.columns) == 0:
        return row
    for position, name in enumerate(frame.columns, start=1):
        sheet.cell(row=row, column=position, value=safe_cell(str(name))).font = _BOLD
    formats = [number_format(name) for name in frame.columns]
    for index, record in enumerate(frame.itertuples(index=False, name=None)):
        row += 1
        for position, (name, raw) in enumerate(zip(frame.columns, record, strict=True), start=1):
            cell = sheet.cell(row=row, column=position, value=_cell_value(raw))
            chosen = (
                row_formats[index]
                if row_formats is not None and name == formatted
                else formats[position - 1]
            )
            if chosen and isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = chosen
    return row + 1


def _shown(value: object, fmt: str) -> str:
    """About what a cell shows, to size its column."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "FALSE"
    if isinstance(value, int | float):
        if fmt == PERCENT_FORMAT:
            return f"{value:.1%}"
        if fmt in (MONEY_FORMAT, COUNT_FORMAT):
            return f"{value:,.0f}"
        if fmt == RATE_FORMAT:
            return f"{value:,.4f}"
    return str(value)


def fit_columns(sheet: Worksheet, skip_rows: frozenset[int] = frozenset()) -> None:
    """Readable column widths: the widest shown value (first 200 rows), 10 to 68 wide."""
    widths: dict[str, int] = {}
    for row in sheet.iter_rows(max_row=min(sheet.max_row, 200)):
        for cell in row:
            if cell.row in skip_rows or cell.value is None:
                continue
            width = len(_shown(cell.value, cell.number_format))
            widths[cell.column_letter] = max(widths.get(cell.column_letter, 0), width)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = min(max(width, 8), _MAX_WIDTH) + 2


def _write_sheet(sheet: Worksheet, frame: pd.DataFrame) -> None:
    put_table(sheet, frame)
    sheet.freeze_panes = "A2"
    fit_columns(sheet)


def add_sheets(book: Workbook, sheets: Mapping[str, pd.DataFrame]) -> None:
    for name, frame in sheets.items():
        _write_sheet(book.create_sheet(name[:31]), frame)


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: Path | IO[bytes]) -> Path | IO[bytes]:
    """One sheet per table: text made safe, numbers clean and formatted (money ``#,##0``,
    percentages ``0.0%``), a bold frozen header row and readable column widths."""
    book = Workbook()
    book.remove(book.active)
    add_sheets(book, sheets)
    if not book.sheetnames:
        book.create_sheet("Sheet1")
    book.save(path)
    return path


# -- the plan's settings -----------------------------------------------------------------------
