"""The market catalogue: reading, validating and describing market files.

A market file is a CSV (or the first sheet of an XLSX) with one row per market and the columns of
:class:`pricing.models.Market`. Everything is checked where it enters: the file itself (present,
not empty, not too large, a table), every cell (type, range, known codes), and the rows together
(no duplicate market, every remote hub a hub site of data/sites.csv or a market of the file).
All problems are reported at once, each naming the spreadsheet row, the column and the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from pricing.costing.demand import peak_load_problem
from pricing.errors import DataFileError, InputError, validation_problem
from pricing.inputs.limits import MAX_FILE_BYTES, MAX_ROWS, shown_value
from pricing.inputs.sites import shipped_sites
from pricing.inputs.table_files import Source, read_table
from pricing.models import Market

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "Source", "read_table"]  # read here by other modules

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_MARKETS = DATA_DIR / "markets.csv"
DEFAULT_SOURCES = DATA_DIR / "sources.csv"

MAX_PROBLEMS_LISTED = 20

MARKET_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Market))
DERIVED_COLUMNS: tuple[str, ...] = ("name", "currency", "support_languages", "timezone")
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in MARKET_COLUMNS if c not in DERIVED_COLUMNS)
# Every figure a market row states, each of which needs a source note (sources.csv). A market's
# name and currency are library facts about its code and need none.
SOURCED_COLUMNS: tuple[str, ...] = tuple(
    c for c in MARKET_COLUMNS if c not in ("code", "name", "currency")
)


def _cell(value: object) -> object:
    """Blank cells become None so defaults and derivations apply."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _check_columns(columns: list[str], label: str) -> None:
    """Each column named once, every required column present, no unknown column."""
    for position, column in enumerate(columns):
        if columns.index(column) != position:
            raise DataFileError(f"{label}: duplicate column {shown_value(column)}", field=column)
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
            f"{label}: unknown column(s) {', '.join(shown_value(c) for c in unknown[:5])}"
            f"{' and more' if len(unknown) > 5 else ''}; expected {', '.join(MARKET_COLUMNS)}",
            field=unknown[0],
        )


Problem = tuple[int, str, object, str]


def _row_problems(row: int, cells: dict[str, object], exc: ValidationError) -> list[Problem]:
    """One problem per bad cell of a row: (row, column, value, message), the message quoting
    the value where it does not already."""
    problems = []
    for err in exc.errors():
        location, message, quoted = validation_problem(err)
        column = str(location[0]) if location else "code"
        value = cells.get(column)
        if not quoted:
            message = f"{message} (value: {shown_value(value)})"
        problems.append((row, column, value, message))
    return problems


def _raise_problems(label: str, problems: list[Problem]) -> None:
    """One line naming the file and, for each problem, its row, column and value."""
    lines = tuple(f"row {row}, column '{column}': {text}" for row, column, _, text in problems)
    if len(lines) == 1:
        message = f"{label} {lines[0]}"
    else:
        shown = "; ".join(lines[:MAX_PROBLEMS_LISTED])
        more = len(lines) - MAX_PROBLEMS_LISTED
        rest = f"; and {more} more" if more > 0 else ""
        message = f"{label}: {len(lines)} problems: {shown}{rest}"
    first_row, first_column, first_value, _ = problems[0]
    raise DataFileError(
        message, problems=lines, field=first_column, row=first_row, value=first_value
    )


def markets_from_frame(frame: pd.DataFrame, label: str = "markets") -> tuple[Market, ...]:
    """Validate a table of markets; every problem names its spreadsheet row, column and value.

    Blank rows are skipped (spreadsheets leave them); rows keep their spreadsheet numbers.
    """
    _check_columns([str(c).strip() for c in frame.columns], label)
    problems: list[Problem] = []
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
        if not cells:
            continue
        try:
            market = Market(**cells)
        except ValidationError as exc:
            problems += _row_problems(row, cells, exc)
            invalid_codes.add(str(cells.get("code", "")).strip())
            continue
        if market.code in rows_of:
            problems.append(
                (row, "code", market.code, f"duplicate market {market.code!r}, first on row "
                 f"{rows_of[market.code]}")
            )  # fmt: skip
            continue
        rows_of[market.code] = row
        markets.append(market)
        too_big = peak_load_problem(market)  # before anything is costed: see pricing.inputs.limits
        if too_big:
            problems.append((row, "accounts", market.accounts, f"{market.code}: {too_big}"))
    sites = shipped_sites()
    for market in markets:
        hub = market.remote_hub
        if hub not in sites and hub not in rows_of and hub not in invalid_codes:
            problems.append(
                (
                    rows_of[market.code],
                    "remote_hub",
                    hub,
                    f"{hub!r}: the hub must be a hub site ({', '.join(sites)}) or a market "
                    "of this file (its wages and time zone are used)",
                )
            )
    if problems:
        _raise_problems(label, problems)
    if not markets:
        raise DataFileError(f"{label}: the table has a header but no rows")
    return tuple(markets)


def load_markets(source: Source = DEFAULT_MARKETS, name: str | None = None) -> tuple[Market, ...]:
    """Read and validate a market file (CSV or XLSX); ``name`` names uploaded bytes."""
    frame, label = read_table(source, name=name)
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


def chosen_codes(catalog: Mapping[str, Market], only: Iterable[str] | None) -> list[str]:
    """The market codes asked for, in the order asked, each once ("us" and "US" are one
    market); every code of the catalogue when ``only`` is None. An unknown code raises
    InputError naming it."""
    if only is None:
        return list(catalog)
    codes = list(dict.fromkeys(str(code).strip().upper() for code in only))
    unknown = [code for code in codes if code not in catalog]
    if unknown:
        known = ", ".join(sorted(catalog)[:40])
        raise InputError(
            f"unknown market {shown_value(unknown[0])}; known: {known}",
            field="market",
            value=unknown[0],
        )
    return codes


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
