"""The market catalogue: reading, validating and describing market files.

A market file is a CSV (or the first sheet of an XLSX) with one row per market and the columns of
:class:`pricing.models.Market`. Everything is checked where it enters: the file itself (present,
not empty, not too large, a table), every cell (type, range, known codes), and the rows together
(no duplicate market, every remote hub is itself a market of the file). All problems are reported
at once, each naming the spreadsheet row, the column and the value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import IO

import pandas as pd
from pydantic import ValidationError

from pricing.errors import DataFileError
from pricing.models import Market

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_MARKETS = DATA_DIR / "markets.csv"
DEFAULT_SOURCES = DATA_DIR / "sources.csv"

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_PROBLEMS_LISTED = 20

MARKET_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Market))
DERIVED_COLUMNS: tuple[str, ...] = ("name", "currency", "support_languages", "timezone")
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in MARKET_COLUMNS if c not in DERIVED_COLUMNS)
# Every figure a market row states, each of which needs a source note (sources.csv). A market's
# name and currency are library facts about its code and need none.
SOURCED_COLUMNS: tuple[str, ...] = tuple(
    c for c in MARKET_COLUMNS if c not in ("code", "name", "currency")
)

Source = str | Path | bytes | IO[bytes]


def _read_bytes(source: Source, max_bytes: int) -> tuple[bytes, str]:
    """The raw bytes of a file and a display name, refusing missing and oversized files."""
    if isinstance(source, bytes):
        data, label = source, "uploaded file"
    elif isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise DataFileError(f"{path}: no such file", value=str(path))
        size = path.stat().st_size
        if size > max_bytes:
            raise DataFileError(
                f"{path.name}: {size:,} bytes is over the {max_bytes:,}-byte limit",
                value=size,
            )
        data, label = path.read_bytes(), path.name
    else:
        data = source.read(max_bytes + 1)
        label = getattr(source, "name", "uploaded file")
    if len(data) > max_bytes:
        raise DataFileError(f"{label}: over the {max_bytes:,}-byte limit", value=len(data))
    if not data.strip():
        raise DataFileError(f"{label}: the file is empty")
    return data, str(label)


def read_table(source: Source, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[pd.DataFrame, str]:
    """A CSV or XLSX file as a DataFrame of strings (cells are validated later, one by one)."""
    data, label = _read_bytes(source, max_bytes)
    if data[:4] == b"PK\x03\x04":  # an XLSX file is a zip archive
        try:
            frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise DataFileError(f"{label}: not a readable XLSX workbook ({exc})") from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataFileError(
                f"{label}: not a UTF-8 CSV file (byte {exc.start} cannot be decoded); "
                "save it as 'CSV UTF-8' or upload an XLSX"
            ) from exc
        if "\x00" in text:
            raise DataFileError(f"{label}: binary content, not a CSV file")
        try:
            dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ","
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataFileError(f"{label}: not a readable CSV table ({exc})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise DataFileError(f"{label}: the table has a header but no rows")
    if len(frame) > MAX_ROWS:
        raise DataFileError(f"{label}: {len(frame):,} rows is over the {MAX_ROWS:,}-row limit")
    return frame, label


def _cell(value: object) -> object:
    """Blank cells become None so defaults and derivations apply."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def markets_from_frame(frame: pd.DataFrame, label: str = "markets") -> tuple[Market, ...]:
    """Validate a table of markets; every problem names its spreadsheet row, column and value."""
    columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise DataFileError(
            f"{label}: missing column(s) {', '.join(missing)}",
            field=missing[0],
            problems=tuple(f"missing column '{c}'" for c in missing),
        )
    unknown = [c for c in columns if c not in MARKET_COLUMNS]
    if unknown:
        raise DataFileError(
            f"{label}: unknown column(s) {', '.join(unknown)}; "
            f"expected {', '.join(MARKET_COLUMNS)}",
            field=unknown[0],
        )
    problems: list[tuple[int, str, object, str]] = []
    markets: list[Market] = []
    rows_of: dict[str, int] = {}
    invalid_codes: set[str] = set()  # rows with problems of their own: no knock-on hub errors
    for position, record in enumerate(frame.to_dict(orient="records")):
        row = position + 2  # spreadsheet numbering: the header is row 1
        cells = {
            k: v
            for k, v in ((str(k).strip(), _cell(v)) for k, v in record.items())
            if v is not None
        }
        try:
            market = Market(**cells)
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else "(row)"
                value = cells.get(column, err.get("input"))
                message = err["msg"].removeprefix("Value error, ")
                problems.append((row, column, value, message))
            invalid_codes.add(str(cells.get("code", "")).strip())
            continue
        if market.code in rows_of:
            problems.append(
                (row, "code", market.code, f"duplicate market, first on row {rows_of[market.code]}")
            )
            continue
        rows_of[market.code] = row
        markets.append(market)
    for market in markets:
        if market.remote_hub not in rows_of and market.remote_hub not in invalid_codes:
            problems.append(
                (
                    rows_of[market.code],
                    "remote_hub",
                    market.remote_hub,
                    "the hub must itself be a market of this file "
                    "(its wages and time zone are used)",
                )
            )
    if problems:
        lines = tuple(
            f"row {row}, column '{column}': {message} (value: {value!r})"
            for row, column, value, message in problems
        )
        shown = "; ".join(lines[:MAX_PROBLEMS_LISTED])
        more = len(lines) - MAX_PROBLEMS_LISTED
        suffix = f"; and {more} more" if more > 0 else ""
        first_row, first_column, first_value, _ = problems[0]
        raise DataFileError(
            f"{label}: {len(lines)} problem(s): {shown}{suffix}",
            problems=lines,
            field=first_column,
            row=first_row,
            value=first_value,
        )
    return tuple(markets)


def load_markets(source: Source = DEFAULT_MARKETS) -> tuple[Market, ...]:
    """Read and validate a market file (CSV or XLSX)."""
    frame, label = read_table(source)
    return markets_from_frame(frame, label)


def markets_frame(markets: Iterable[Market]) -> pd.DataFrame:
    """Markets as a tidy table with the file's columns (lists joined with ';')."""
    records = []
    for market in markets:
        record = {}
        for column in MARKET_COLUMNS:
            value = getattr(market, column)
            record[column] = ";".join(value) if isinstance(value, tuple) else value
        records.append(record)
    return pd.DataFrame.from_records(records, columns=list(MARKET_COLUMNS))


def market_by_code(markets: Iterable[Market]) -> dict[str, Market]:
    return {market.code: market for market in markets}


def load_sources(path: Source = DEFAULT_SOURCES) -> pd.DataFrame:
    """The provenance table: one row per (market or '*', field) with its source note."""
    frame, label = read_table(path)
    expected = ["code", "field", "source"]
    if list(frame.columns) != expected:
        raise DataFileError(f"{label}: columns must be {', '.join(expected)}")
    return frame


def source_of(sources: pd.DataFrame, code: str, field: str) -> str:
    """Where a market's figure comes from: its own note, else the default ('*') note."""
    for key in (code, "*"):
        hit = sources[(sources["code"] == key) & (sources["field"] == field)]
        if not hit.empty:
            return str(hit["source"].iloc[0])
    return "not documented"


def sources_for(sources: pd.DataFrame, code: str) -> Mapping[str, str]:
    """Every documented field of one market mapped to its source note."""
    default = sources[sources["code"] == "*"].set_index("field")["source"].to_dict()
    own = sources[sources["code"] == code].set_index("field")["source"].to_dict()
    return {**default, **own}


def template_csv() -> str:
    """An upload template: the header and the shipped first market as an example row."""
    example = markets_frame(load_markets()[:1])
    return example.to_csv(index=False)
