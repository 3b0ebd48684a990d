"""Local price points: prices a buyer in that currency would expect to see.

A USD price becomes local through the exchange rate and the currency's safety buffer, then is
rounded to about three significant figures on one step for the whole quote (tens of euros,
whole thousands of yen, hundreds of thousands of dong), never finer than the currency's minor
unit. Rounding never takes the floor below its true value (it rounds up, float noise aside) and
keeps list >= target >= floor. The plan workbook writes the same rounding as formulas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from babel.numbers import format_currency, get_currency_precision, get_currency_symbol

from pricing.errors import InputError
from pricing.money.fx import Rate

SIGNIFICANT_FIGURES = 3


def price_step(value: float, currency: str) -> float:
    """The rounding step for a price of about ``value`` in ``currency``."""
    minor = 10.0 ** -get_currency_precision(currency)
    if value <= 0 or not math.isfinite(value):
        return minor
    # Prices of ten units or more are quoted in whole units: no cents on a support contract.
    whole = 1.0 if value >= 10 else minor
    return max(10.0 ** (math.floor(math.log10(value)) - (SIGNIFICANT_FIGURES - 1)), minor, whole)


def _up(value: float, step: float) -> float:
    """``value`` rounded up to the step, float noise (a billionth of a step) aside: the
    spreadsheet's ``ROUNDUP(MAX(0, value / step - 1E-9), 0) * step``."""
    return max(0, math.ceil(value / step - 1e-9)) * step


def _nearest(value: float, step: float) -> float:
    """``value`` to the nearest step, halves up: the spreadsheet's ``ROUND(value / step, 0)``."""
    return math.floor(value / step + 0.5) * step


def decimals(step: float) -> int:
    """The decimals a price on ``step`` is written with: 0 for whole units, 2 for cents."""
    return max(0, -math.floor(math.log10(step)))


@dataclass(frozen=True)
class LocalPrices:
    """A quote in local currency, with the rate and buffer that produced it."""

    currency: str
    list_price: float
    target: float
    floor: float
    step: float
    buffer: float
    rate: Rate

    def format(self, amount: float, locale: str = "en") -> str:
        return format_money(amount, self.currency, step=self.step, locale=locale)


def local_price_points(
    list_usd: float, target_usd: float, floor_usd: float, rate: Rate, buffer: float = 0.0
) -> LocalPrices:
    """List, target and floor in ``rate.quote``, buffered and rounded to sensible figures."""
    if not 0.0 <= buffer <= 1.0:
        raise InputError(f"buffer must be in [0, 1], got {buffer!r}", field="buffer", value=buffer)
    # Prices computed as T / (1 - d) x (1 - D) can cross by a rounding error when D = d.
    slack = 1e-9 * max(abs(list_usd), 1.0)
    if not (list_usd + slack >= target_usd and target_usd + slack >= floor_usd >= 0):
        raise InputError(
            f"prices must satisfy list >= target >= floor >= 0, got {list_usd!r}, "
            f"{target_usd!r}, {floor_usd!r}",
            field="prices",
        )
    target_usd = min(target_usd, list_usd)
    floor_usd = min(floor_usd, target_usd)
    factor = rate.rate * (1.0 + buffer)
    raw_list, raw_target, raw_floor = (x * factor for x in (list_usd, target_usd, floor_usd))
    step = price_step(raw_target, rate.quote)
    # In this order in the plan workbook's formulas too (pricing.outputs.plan_workbook): each
    # price rounded to its decimals before the next is compared with it.
    digits = decimals(step)
    floor = round(_up(raw_floor, step), digits)
    target = round(max(_nearest(raw_target, step), floor), digits)
    listed = round(max(_nearest(raw_list, step), target), digits)
    return LocalPrices(
        currency=rate.quote,
        list_price=listed,
        target=target,
        floor=floor,
        step=step,
        buffer=buffer,
        rate=rate,
    )


def format_money(amount: float, currency: str, *, step: float = 0.01, locale: str = "en") -> str:
    """``amount`` with the currency's symbol, without decimals when prices are whole numbers."""
    # A code-like symbol ("AED") reads better with a space before the figure.
    gap = "\u00a0" if get_currency_symbol(currency, locale=locale).isalpha() else ""
    if step >= 1:
        return format_currency(
            amount, currency, format=f"¤{gap}#,##0", locale=locale, currency_digits=False
        )
    return format_currency(
        amount, currency, format=f"¤{gap}#,##0.00", locale=locale, currency_digits=False
    )
