"""The command line: ``python -m pricing <command> ...`` (contract in DESIGN.md section 4).

Every command prints JSON on stdout when ``--json`` is given or stdout is not a terminal, and a
readable table otherwise. Bad input exits 2 with one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import NoReturn

import pandas as pd

from pricing.catalog import DEFAULT_MARKETS, load_markets
from pricing.costs import option_costs
from pricing.errors import PricingError
from pricing.staffing import staff_queue

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Raised instead of argparse's own exit so that every error prints as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _number(text: str) -> float:
    """A finite number (argparse's float accepts 'nan' and 'inf')."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _emit(payload: dict, as_json: bool, table: Callable[[dict], str]) -> None:
    if as_json:
        json.dump(payload, sys.stdout, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(table(payload) + "\n")


def _staffing(args: argparse.Namespace) -> dict:
    result = staff_queue(
        args.contacts_per_hour,
        args.aht_seconds,
        args.answer_within_seconds,
        args.service_level,
        max_occupancy=args.max_occupancy,
        shrinkage=args.shrinkage,
    )
    payload = asdict(result)
    if math.isinf(payload["average_speed_of_answer_seconds"]):
        payload["average_speed_of_answer_seconds"] = None  # JSON has no infinity
    return payload


def _staffing_table(payload: dict) -> str:
    width = max(len(key) for key in payload)
    return "\n".join(f"{key:<{width}}  {value}" for key, value in payload.items())


def _costs(args: argparse.Namespace) -> dict:
    markets = load_markets(args.markets)
    frame = option_costs(markets, only=args.market)
    return {"rows": frame.to_dict(orient="records")}


def _costs_table(payload: dict) -> str:
    frame = pd.DataFrame(payload["rows"])
    shown = ["market", "option", "annual_fixed_usd", "per_account_usd", "annual_total_usd", "fte"]
    return frame[shown].to_string(index=False, float_format=lambda v: f"{v:,.0f}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m pricing", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    staffing = commands.add_parser(
        "staffing",
        help="Erlang C agents for one queue",
        description="Least agents on duty meeting a service level (Erlang C).",
    )
    staffing.add_argument(
        "--contacts-per-hour", type=_number, required=True, help="arrivals per hour"
    )
    staffing.add_argument(
        "--aht-seconds", type=_number, required=True, help="average handle time, seconds"
    )
    staffing.add_argument(
        "--answer-within-seconds",
        type=_number,
        required=True,
        help="answer-time target of the service level, seconds",
    )
    staffing.add_argument(
        "--service-level",
        type=_number,
        required=True,
        help="share answered within the target, e.g. 0.8",
    )
    staffing.add_argument(
        "--max-occupancy",
        type=_number,
        default=1.0,
        help="cap on agent occupancy A/N, default 1.0 (no cap)",
    )
    staffing.add_argument(
        "--shrinkage",
        type=_number,
        default=0.0,
        help="share of paid time not on the queue, default 0",
    )
    staffing.add_argument("--json", action="store_true", help="print JSON")
    staffing.set_defaults(run=_staffing, table=_staffing_table)

    costs = commands.add_parser(
        "costs",
        help="cost to serve per market and option",
        description="Baseline cost to serve and the extra cost of each option, per market.",
    )
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
    costs.add_argument("--json", action="store_true", help="print JSON")
    costs.set_defaults(run=_costs, table=_costs_table)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if getattr(args, "market", None):
            args.market = [code.strip().upper() for code in args.market]
        payload = args.run(args)
    except (UsageError, PricingError) as exc:
        message = " ".join(str(exc).split())  # one line, whatever the message held
        print(f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        _emit(payload, args.json or not sys.stdout.isatty(), args.table)
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing to report
        sys.stderr.close()
        return 0
    return 0
