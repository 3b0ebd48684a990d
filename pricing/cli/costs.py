"""The command line's ``costs`` command (docs/cli.md, "costs"): cost to serve per market and
option.

Its default (the shipped file, with pandas) loads when the command is chosen, the cost engine
when it runs: never for another command.
"""

from __future__ import annotations

import argparse

from pricing.cli.args import Command, Parser, bounded


def _costs(args: argparse.Namespace) -> dict:
    from pricing.costing.tables import option_costs
    from pricing.inputs.catalog import load_markets

    markets = load_markets(args.markets)
    frame = option_costs(markets, only=args.market, accounts=args.accounts)
    return {"rows": frame.to_dict(orient="records")}


def _costs_table(payload: dict) -> str:
    import pandas as pd

    frame = pd.DataFrame(payload["rows"])
    shown = ["market", "option", "annual_fixed_usd", "per_account_usd", "annual_total_usd", "fte"]
    return frame[shown].to_string(index=False, float_format=lambda v: f"{v:,.0f}")


def _arguments(costs: Parser) -> None:
    from pricing.inputs.catalog import DEFAULT_MARKETS

    costs.add_argument(
        "--markets",
        default=str(DEFAULT_MARKETS),
        help="market file (CSV or XLSX), default: the shipped data/markets.csv",
    )
    costs.add_argument(
        "--market",
        action="append",
        metavar="CODE",
        help="only this market (ISO code); may be repeated",
    )
    costs.add_argument(
        "--accounts",
        type=bounded("accounts"),
        metavar="N",
        help="cost every market at N accounts instead of its own",
    )


COSTS = Command(
    "costs",
    help="cost to serve per market and option",
    description="Baseline cost to serve and the extra cost of each option, per market.",
    arguments=_arguments,
    run=_costs,
    table=_costs_table,
)
