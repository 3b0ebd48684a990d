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
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from pricing.outputs.headers import header

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
    if isinstance(value, bool):
        return "yes" if value else "no"  # one way of writing yes/no in every workbook
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

_MIN_WIDTH, _MAX_WIDTH = 9, 66


def cell_reference(row: int, column: int, *, absolute: bool = False) -> str:
    """``row`` and ``column`` (from 0) as A1 notation, ``$A$1`` when ``absolute``."""
    return xl_rowcol_to_cell(row, column, row_abs=absolute, col_abs=absolute)


class Book:
    """A workbook being written: tables of safe text, clean numbers and formulas whose values
    are cached (a reader that does not calculate still sees the figures).

    Text is always written as text, never read as a formula, a number or a link. Headers are
    in words (:func:`pricing.outputs.headers.header`), bold and frozen; columns are as wide as
    what they show. Call :meth:`close` once every sheet is written.
    """

    def __init__(self, target: Path | IO[bytes]) -> None:
        self._book = xlsxwriter.Workbook(
            target,
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "in_memory": True,
            },
        )
        self._formats: dict[tuple[str | None, bool], Format | None] = {}
        self._widths: dict[str, dict[int, int]] = {}
        self._sheets: dict[str, Worksheet] = {}

    def sheet(self, name: str) -> Worksheet:
        sheet = self._book.add_worksheet(name[:31])
        sheet.freeze_panes(1, 0)
        self._sheets[sheet.name] = sheet
        self._widths[sheet.name] = {}
        return sheet

    def _format(self, number: str | None = None, *, bold: bool = False) -> Format | None:
        key = (number, bold)
        if key not in self._formats:
            spec: dict[str, object] = {"bold": True} if bold else {}
            if number:
                spec["num_format"] = number
            self._formats[key] = self._book.add_format(spec) if spec else None
        return self._formats[key]

    def _write(self, sheet: Worksheet, row: int, column: int, value: object, number: str | None,
               *, bold: bool = False, formula: str | None = None) -> None:  # fmt: skip
        value = _cell_value(value)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        style = self._format(number if numeric else None, bold=bold)
        if formula is not None:
            sheet.write_formula(row, column, formula, style, "" if value is None else value)
        elif value is None:
            sheet.write_blank(row, column, None, style)
        elif numeric:
            sheet.write_number(row, column, value, style)
        else:
            sheet.write_string(row, column, str(value), style)
        shown = len(_shown(value, number if numeric else None))
        widths = self._widths[sheet.name]
        widths[column] = max(widths.get(column, 0), shown)

    def put_table(
        self,
        sheet: Worksheet,
        frame: pd.DataFrame,
        top: int = 0,
        *,
        title: str | None = None,
        row_formats: Sequence[str | None] | None = None,
        formatted: str | None = None,
        formulas: Mapping[str, str | Sequence[str]] | None = None,
    ) -> int:
        """``frame`` from row ``top`` (after a bold ``title`` row if given): a bold header in
        words, then the rows, each number in its column's format (``row_formats``, one per
        row, formats the column named ``formatted`` instead). A column in ``formulas`` is written
        as that formula (one for every row, or a sequence of one per row), with ``{column}``
        standing for the cell of that column in the same row and the frame's value cached as
        its result. Returns the next free row (from 0)."""
        row = top
        if title is not None:
            sheet.write_string(row, 0, safe_cell(title), self._format(bold=True))
            row += 1
        if len(frame.columns) == 0:
            return row
        names = [str(name) for name in frame.columns]
        for position, name in enumerate(names):
            self._write(sheet, row, position, header(name), None, bold=True)
        formats = [number_format(name) for name in names]
        formulas = formulas or {}
        for index, record in enumerate(frame.itertuples(index=False, name=None)):
            row += 1
            cells = {name: cell_reference(row, position) for position, name in enumerate(names)}
            for position, (name, raw) in enumerate(zip(names, record, strict=True)):
                chosen = (
                    row_formats[index]
                    if row_formats is not None and name == formatted
                    else formats[position]
                )
                formula = None
                if name in formulas:
                    given = formulas[name]
                    formula = (given if isinstance(given, str) else given[index]).format(**cells)
                self._write(sheet, row, position, raw, chosen, formula=formula)
        return row + 1

    def close(self) -> None:
        """Every column as wide as what it shows (9 to 66 characters), then the file written."""
        for name, widths in self._widths.items():
            for column, width in widths.items():
                self._sheets[name].set_column(
                    column, column, min(max(width, _MIN_WIDTH), _MAX_WIDTH) + 1
                )
        self._book.close()


def _shown(value: object, fmt: str | None) -> str:
    """About what a cell shows, to size its column."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if fmt == PERCENT_FORMAT:
            return f"{value:.1%}"
        if fmt in (MONEY_FORMAT, COUNT_FORMAT):
            return f"{value:,.0f}"
        if fmt == RATE_FORMAT:
            return f"{value:,.4f}"
    return max(str(value).split("\n"), key=len)


def add_sheets(book: Book, sheets: Mapping[str, pd.DataFrame]) -> None:
    for name, frame in sheets.items():
        book.put_table(book.sheet(name), frame)


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: Path | IO[bytes]) -> Path | IO[bytes]:
    """One sheet per table: headers in words, text made safe, numbers clean and formatted
    (money ``#,##0``, percentages ``0.0%``), a bold frozen header row, readable column widths."""
    book = Book(path)
    add_sheets(book, sheets)
    if not sheets:
        book.sheet("Sheet1")
    book.close()
    return path


# -- the plan's settings -----------------------------------------------------------------------
