"""The plan's workbook, one finance can recalculate.

The optimiser's results are values: each tier's target price, accounts and costs, each market's
cost. What follows from them and from a rule finance may change is a formula over visible cells,
its value cached so a reader that does not calculate still sees the figures:

- on **Rates**, a currency's rate, its date and buffer: every tier in that currency looks them
  up, so a budget rate changed there moves every local price;
- on **Markets**, the usual and the deepest discount: each tier looks them up for its list
  (target / (1 - usual)) and floor (list x (1 - deepest)) prices;
- on **Tiers**, the margins, the price step, and the local list, target and floor, rounded as
  :func:`pricing.money.pricepoints.local_price_points` rounds them;
- on **Markets** again, the tiers offered, revenue and revenue at the floor (sums over the
  tiers), profit (revenue - cost) and margin.

After a recalculation the values equal the screen's. The Settings sheet first records what the
plan was made with. Headers are in words with units; response times read as on screen (8 h).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import pandas as pd
from babel.numbers import get_currency_precision

from pricing.costing.service import OPTION_LABELS
from pricing.offers.promises import duration
from pricing.outputs.provenance import write_settings
from pricing.outputs.spreadsheet import Book, cell_reference

SHEETS = ("Markets", "Tiers", "Segments", "Option costs", "Why", "Rates")


def _column(sheet: str, frame: pd.DataFrame, name: str) -> str:
    """The data cells of ``name`` on ``sheet`` (a table from row 1): ``'Rates'!$B$2:$B$5``."""
    position = list(frame.columns).index(name)
    first = cell_reference(1, position, absolute=True)
    last = cell_reference(max(len(frame), 1), position, absolute=True)
    return f"'{sheet}'!{first}:{last}"


def _lookup(sheet: str, frame: pd.DataFrame, key: str, name: str, given: str) -> str:
    """``name`` on ``sheet`` in the row whose ``key`` equals the cell of column ``given``."""
    return (
        f"=INDEX({_column(sheet, frame, name)},MATCH({{{given}}},{_column(sheet, frame, key)},0))"
    )


def _local(usd: str) -> str:
    """A USD price of this row in local currency, before rounding (rate, then buffer)."""
    return f"{{{usd}}}*({{rate_usd_to_local}}*(1+{{fx_buffer}}))"


_DECIMALS = "MAX(0,-INT(LOG10({price_step_local})))"


def _step(currency: str) -> str:
    """The rounding step of :func:`pricing.money.pricepoints.price_step` for the row's target."""
    minor = f"{10.0 ** -get_currency_precision(currency):g}"
    value = _local("target_usd")
    return (
        f"=IF({value}<=0,{minor},MAX(10^(INT(LOG10({value}))-2),{minor},IF({value}>=10,1,{minor})))"
    )


def tier_formulas(tiers: pd.DataFrame, markets: pd.DataFrame, rates: pd.DataFrame) -> dict:
    """The Tiers sheet's formulas, by column."""
    near = "ROUND({value}/{{price_step_local}},0)*{{price_step_local}}"
    return {
        "expected_discount": _lookup("Markets", markets, "market", "expected_discount", "market"),
        "max_discount": _lookup("Markets", markets, "market", "max_discount", "market"),
        "list_usd": "={target_usd}/(1-{expected_discount})",
        "floor_usd": "={list_usd}*(1-{max_discount})",
        "margin_at_target": "=IF({target_usd}>0,({target_usd}-{unit_cost_usd})/{target_usd},0)",
        "margin_at_floor": "=IF({floor_usd}>0,({floor_usd}-{unit_cost_usd})/{floor_usd},0)",
        "share_of_contract_value": (
            '=IF(N({contract_value_usd})>0,{target_usd}/{contract_value_usd},"")'
        ),
        "rate_usd_to_local": _lookup("Rates", rates, "currency", "per_usd", "currency"),
        "fx_buffer": _lookup("Rates", rates, "currency", "buffer", "currency"),
        "rate_as_of": _lookup("Rates", rates, "currency", "as_of", "currency"),
        "price_step_local": [_step(currency) for currency in tiers["currency"]],
        "floor_local": (
            f"=ROUND(ROUNDUP(MAX(0,{_local('floor_usd')}/{{price_step_local}}-1E-9),0)"
            f"*{{price_step_local}},{_DECIMALS})"
        ),
        "target_local": (
            f"=ROUND(MAX({near.format(value=_local('target_usd'))},{{floor_local}}),{_DECIMALS})"
        ),
        "list_local": (
            f"=ROUND(MAX({near.format(value=_local('list_usd'))},{{target_local}}),{_DECIMALS})"
        ),
    }


def market_formulas(tiers: pd.DataFrame) -> dict[str, str]:
    """The Markets sheet's formulas, by column: sums over the market's tiers."""

    def total(price: str) -> str:
        mine = f"({_column('Tiers', tiers, 'market')}={{market}})"
        return (
            f"=SUMPRODUCT({mine}*{_column('Tiers', tiers, price)}"
            f"*{_column('Tiers', tiers, 'accounts')})"
        )

    return {
        "tiers_offered": f"=COUNTIF({_column('Tiers', tiers, 'market')},{{market}})",
        "revenue_usd": total("target_usd"),
        "profit_usd": "={revenue_usd}-{cost_usd}",
        "margin": '=IF({revenue_usd}>0,{profit_usd}/{revenue_usd},"not sold")',
        "floor_revenue_usd": total("floor_usd"),
    }


def workbook_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The plan's tables as the workbook shows them: response times as on screen (8 h), option
    names in words, each market's margin beside its profit."""
    sheets = dict(tables)
    tiers = tables["Tiers"]
    sheets["Tiers"] = tiers.assign(
        answer_within_seconds=tiers["answer_within_seconds"].map(duration),
        ticket_response_seconds=tiers["ticket_response_seconds"].map(duration),
    )
    markets = tables["Markets"]
    if not markets.empty:
        margin = [
            profit / revenue if revenue > 0 else "not sold"
            for profit, revenue in zip(markets["profit_usd"], markets["revenue_usd"], strict=True)
        ]
        sheets["Markets"] = markets.assign(margin=margin)[_with_margin(markets.columns)]
    costs = tables["Option costs"]
    if not costs.empty:
        sheets["Option costs"] = costs.assign(
            option=costs["option"].map(lambda o: OPTION_LABELS.get(o, "Bare support"))
        )
    return sheets


def _with_margin(columns: Sequence[str]) -> list[str]:
    ordered = list(columns)
    ordered.insert(ordered.index("profit_usd") + 1, "margin")
    return ordered


def plan_workbook_bytes(
    tables: Mapping[str, pd.DataFrame], settings: Mapping[str, pd.DataFrame]
) -> bytes:
    """The workbook of :func:`pricing.outputs.exports.plan_tables` (``tables``), opening on the
    Settings sheet of :func:`pricing.outputs.provenance.settings_tables` (``settings``)."""
    sheets = workbook_tables(tables)
    formulas: dict[str, Mapping] = {}
    if not sheets["Tiers"].empty:
        formulas["Tiers"] = tier_formulas(sheets["Tiers"], sheets["Markets"], sheets["Rates"])
    if not sheets["Markets"].empty:
        formulas["Markets"] = market_formulas(sheets["Tiers"])
    buffer = io.BytesIO()
    book = Book(buffer)
    write_settings(book, settings)
    for name in SHEETS:
        book.put_table(book.sheet(name), sheets[name], formulas=formulas.get(name))
    book.close()
    return buffer.getvalue()
