"""The command line: ``python -m pricing <command> ...`` (contract in docs/cli.md).

Every command prints JSON on stdout when ``--json`` is given or stdout is not a terminal, and a
readable table otherwise. Bad input exits 2 with one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from pricing.cli.args import Parser, UsageError, bounded, folder, one_line
from pricing.costing.staffing import staff_queue
from pricing.costing.tables import option_costs
from pricing.errors import PricingError
from pricing.inputs.catalog import DEFAULT_MARKETS, load_markets
from pricing.inputs.schemas import load_json, parse_tier_problem
from pricing.inputs.segments import DEFAULT_SEGMENTS
from pricing.money.fx import DEFAULT_BOOK
from pricing.money.live_rates import LIVE_DEADLINE_SECONDS, fetch_live_rates
from pricing.tiers.problem import SOLVERS, Terms
from pricing.tiers.solve import given_tiers_problem, solve

EXIT_BAD_INPUT = 2


def _emit(payload: dict, as_json: bool, table: Callable[[dict], str]) -> None:
    # Formatted whole before a byte is written: a failure leaves no half-written output.
    text = json.dumps(payload, indent=2, allow_nan=False) if as_json else table(payload)
    sys.stdout.write(text + "\n")


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
    frame = option_costs(markets, only=args.market, accounts=args.accounts)
    return {"rows": frame.to_dict(orient="records")}


def _costs_table(payload: dict) -> str:
    frame = pd.DataFrame(payload["rows"])
    shown = ["market", "option", "annual_fixed_usd", "per_account_usd", "annual_total_usd", "fte"]
    return frame[shown].to_string(index=False, float_format=lambda v: f"{v:,.0f}")


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 6) + 0.0


def _tiers(args: argparse.Namespace) -> dict:
    spec = parse_tier_problem(load_json(args.problem), Path(args.problem).name)
    terms = Terms(
        min_margin=spec.min_margin,
        expected_discount=spec.expected_discount,
        max_discount=spec.max_discount,
        price_step=spec.price_step,
    )
    problem = given_tiers_problem(
        label=Path(args.problem).stem,
        tiers=[(t.name, t.unit_cost, t.fixed_cost) for t in spec.tiers],
        segments=[(s.name, s.size, s.reservation_prices) for s in spec.segments],
        terms=terms,
        must_offer=frozenset(spec.must_offer),
    )
    solution = solve(problem, solver=args.solver, time_limit_seconds=args.time_limit)
    prices = {t.name: _money(t.target) for t in solution.tiers}
    return {
        "status": solution.status,
        "profit": _money(solution.profit),
        "prices": prices,
        "list_prices": {
            name: _money(None if p is None else p / (1 - terms.expected_discount))
            for name, p in prices.items()
        },
        "floor_prices": {
            name: _money(None if p is None else p * terms.floor_ratio) for name, p in prices.items()
        },
        "assignment": solution.assignment,
        "gap": solution.gap,
        "solver": solution.solver,
        "explanations": list(solution.explanations),
        "message": solution.message,
    }


def _tiers_table(payload: dict) -> str:
    lines = [f"status {payload['status']}, profit {payload['profit']:,.2f}"]
    for name, price in payload["prices"].items():
        if price is None:
            lines.append(f"  {name}: not offered")
        else:
            lines.append(
                f"  {name}: list {payload['list_prices'][name]:,.2f}  target {price:,.2f}  "
                f"floor {payload['floor_prices'][name]:,.2f}"
            )
    lines += [
        f"  {segment} buys {tier or 'nothing'}" for segment, tier in payload["assignment"].items()
    ]
    lines += [f"  - {reason}" for reason in payload["explanations"]]
    if payload["message"]:
        lines.append(payload["message"])
    return "\n".join(lines)


def _plan(args: argparse.Namespace) -> dict:
    from pricing.cli.requests import plan_request
    from pricing.outputs.exports import plan_payload, write_plan
    from pricing.plan import export_models, make_plan

    request = plan_request(
        args,
        solver=args.solver,
        tiers=args.tiers,
        min_margin=args.min_margin,
        price_step=args.price_step,
    )
    plan = make_plan(request)
    if args.out:
        write_plan(plan, args.out)
    if args.export_models:
        export_models(plan, args.export_models)
    return plan_payload(plan)


def _plan_table(payload: dict) -> str:
    rows = []
    for market in payload["markets"]:
        if not market["tiers"]:
            rows.append(
                {
                    "market": market["market"],
                    "tier": "-",
                    "options": "nothing sold",
                    "list_usd": None,
                    "target_usd": None,
                    "floor_usd": None,
                    "profit_usd": market["profit_usd"],
                }
            )
        for tier in market["tiers"]:
            rows.append(
                {
                    "market": market["market"],
                    "tier": tier["name"],
                    "options": ", ".join(tier["options"]) or "basic",
                    "list_usd": tier["list_usd"],
                    "target_usd": tier["target_usd"],
                    "floor_usd": tier["floor_usd"],
                    "profit_usd": market["profit_usd"],
                }
            )
    return pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:,.0f}")


def _fx(args: argparse.Namespace) -> dict:
    book = DEFAULT_BOOK
    live = None
    # Validate the currencies offline first: a typo must not cost a network round trip.
    book.rate(args.base, args.quote)
    if args.live:
        live = fetch_live_rates("USD", deadline_seconds=args.deadline)
        book = book.with_live(live)
    converted, used = book.convert(args.amount, args.base, args.quote)
    payload = {
        "amount": args.amount,
        "converted": converted,
        "rate": used.rate,
        "as_of": used.as_of.isoformat(),
        "source": used.source,
        "kinds": list(used.kinds),
        "stale": used.is_stale(),
        "age_days": used.age_days(),
    }
    if live is not None:
        payload["live"] = {
            "used": live.used_live,
            "reason": live.reason,
            "seconds": round(live.seconds, 2),
            "refused": [refused.as_json() for refused in live.refused],
        }
    return payload


def _fx_table(payload: dict) -> str:
    lines = [
        f"{payload['amount']:,.2f} = {payload['converted']:,.4f} "
        f"(rate {payload['rate']:,.6f}, as of {payload['as_of']}; {payload['source']})"
    ]
    if payload["stale"]:
        lines.append(f"warning: this rate is {payload['age_days']} days old")
    if "live" in payload:
        lines.append(f"live: {payload['live']['reason']}")
        lines += [f"refused: {refused['notice']}" for refused in payload["live"]["refused"]]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m pricing", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    staffing = commands.add_parser(
        "staffing",
        help="Erlang C agents for one queue",
        description="Least agents on duty meeting a service level (Erlang C).",
    )
    staffing.add_argument(
        "--contacts-per-hour",
        type=bounded("contacts_per_hour"),
        required=True,
        help="arrivals per hour",
    )
    staffing.add_argument(
        "--aht-seconds",
        type=bounded("aht_seconds"),
        required=True,
        help="average handle time, seconds",
    )
    staffing.add_argument(
        "--answer-within-seconds",
        type=bounded("answer_within_seconds"),
        required=True,
        help="answer-time target of the service level, seconds",
    )
    staffing.add_argument(
        "--service-level",
        type=bounded("service_level"),
        required=True,
        help="share answered within the target, e.g. 0.8",
    )
    staffing.add_argument(
        "--max-occupancy",
        type=bounded("max_occupancy"),
        default=1.0,
        help="cap on agent occupancy A/N, default 1.0 (no cap)",
    )
    staffing.add_argument(
        "--shrinkage",
        type=bounded("shrinkage"),
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
    costs.add_argument(
        "--accounts",
        type=bounded("accounts"),
        metavar="N",
        help="cost every market at N accounts instead of its own",
    )
    costs.add_argument("--json", action="store_true", help="print JSON")
    costs.set_defaults(run=_costs, table=_costs_table)

    tiers = commands.add_parser(
        "tiers",
        help="price given tiers for given segments (generic engine)",
        description="Optimal prices for given tiers and segments (JSON problem file).",
    )
    tiers.add_argument("problem", help="problem JSON (docs/cli.md, 'tiers')")
    tiers.add_argument("--solver", choices=SOLVERS, default="cbc")
    tiers.add_argument(
        "--time-limit",
        type=bounded("time_limit_seconds"),
        default=20.0,
        help="seconds (1 to 3,600), default 20",
    )
    tiers.add_argument("--json", action="store_true", help="print JSON")
    tiers.set_defaults(run=_tiers, table=_tiers_table)

    plan = commands.add_parser(
        "plan",
        help="tier menus for every market",
        description="Design and price support tiers for every market of the portfolio.",
    )
    plan.add_argument("--markets", default=str(DEFAULT_MARKETS), help="market file (CSV/XLSX)")
    plan.add_argument("--segments", default=str(DEFAULT_SEGMENTS), help="segment file (CSV)")
    plan.add_argument(
        "--scenario",
        help="scenario JSON: tiers, min_margin, price_step, "
        "allowed/required options per tier, solver",
    )
    plan.add_argument(
        "--market", action="append", metavar="CODE", help="only this market; may be repeated"
    )
    plan.add_argument("--tiers", type=bounded("tiers"), help="number of tiers, 1 to 5 (default 3)")
    plan.add_argument(
        "--min-margin", type=bounded("min_margin"), help="margin kept at the floor (default 0.15)"
    )
    plan.add_argument(
        "--price-step", type=bounded("price_step"), help="least step between tiers (fraction)"
    )
    plan.add_argument("--solver", choices=SOLVERS)
    plan.add_argument(
        "--out", type=folder, metavar="DIR", help="also write plan.json, CSV tables, plan.xlsx"
    )
    plan.add_argument(
        "--export-models", type=folder, metavar="DIR", help="write each market's MILP as MPS"
    )
    plan.add_argument("--json", action="store_true", help="print JSON")
    plan.set_defaults(run=_plan, table=_plan_table)

    fx = commands.add_parser(
        "fx",
        help="convert an amount between currencies",
        description="Convert with offline rates (ECB, pegs, dated table) or, on request, live.",
    )
    fx.add_argument("amount", type=bounded("amount"))
    fx.add_argument("base", metavar="FROM", help="ISO 4217 code, e.g. USD")
    fx.add_argument("quote", metavar="TO", help="ISO 4217 code, e.g. AED")
    fx.add_argument(
        "--live",
        action="store_true",
        help="try live rates (forex-python); falls back to offline at the deadline",
    )
    fx.add_argument(
        "--deadline",
        type=bounded("deadline_seconds"),
        default=LIVE_DEADLINE_SECONDS,
        help=f"seconds to wait for live rates, default {LIVE_DEADLINE_SECONDS:g}",
    )
    fx.add_argument("--json", action="store_true", help="print JSON")
    fx.set_defaults(run=_fx, table=_fx_table)

    from pricing.cli.offer import add_offer_command  # its own module: fpdf2 loads on use

    add_offer_command(commands)
    return parser


def _warning_line(message, category, filename, lineno, line=None) -> str:
    """A library's warning as one line on stderr, without the file it came from (a server's
    folders are nobody's business)."""
    return f"warning: {one_line(f'{category.__name__}: {message}')}\n"


def main(argv: Sequence[str] | None = None) -> int:
    warnings.formatwarning = _warning_line
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        payload = args.run(args)
    except (UsageError, PricingError) as exc:
        print(one_line(f"error: {exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # an output folder that cannot be written: the user's to fix
        name = Path(exc.filename).name if exc.filename else ""
        print(f"error: cannot write {name!r}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug, not bad input: still one line, no traceback
        print(one_line(f"internal error: {type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1
    try:
        _emit(payload, args.json or not sys.stdout.isatty(), args.table)
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing to report
        sys.stderr.close()
    except ValueError as exc:  # a result JSON cannot hold (inf, NaN): a bug, said in one line
        print(one_line(f"internal error: {exc}"), file=sys.stderr)
        return 1
    return 0
