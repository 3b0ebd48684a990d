"""The command line's ``plan`` command (docs/cli.md, "plan"): the whole portfolio.

Its defaults (the shipped files, with pandas) load when the command is chosen, the planner and
the solvers when it runs: never for another command.
"""

from __future__ import annotations

import argparse

from pricing.cli.args import Command, Parser, bounded, folder
from pricing.settings import DELIVERY_MODELS
from pricing.tiers.problem import SOLVERS


def _plan(args: argparse.Namespace) -> dict:
    from pricing.cli.requests import plan_request
    from pricing.outputs.payload import plan_payload
    from pricing.plan import export_models, make_plan

    request = plan_request(
        args,
        solver=args.solver,
        tiers=args.tiers,
        min_margin=args.min_margin,
        price_step=args.price_step,
        delivery={"*": args.delivery} if args.delivery else None,
    )
    plan = make_plan(request)
    if args.out:
        from pricing.outputs.exports import write_plan

        write_plan(plan, args.out)
    if args.export_models:
        export_models(plan, args.export_models)
    return plan_payload(plan)


def _plan_table(payload: dict) -> str:
    import pandas as pd

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


def _arguments(plan: Parser) -> None:
    from pricing.inputs.catalog import DEFAULT_MARKETS
    from pricing.inputs.segments import DEFAULT_SEGMENTS

    plan.add_argument("--markets", default=str(DEFAULT_MARKETS), help="market file (CSV/XLSX)")
    plan.add_argument("--segments", default=str(DEFAULT_SEGMENTS), help="segment file (CSV)")
    plan.add_argument(
        "--sites", help="hub site file (CSV/XLSX, the columns of data/sites.csv; default: it)"
    )
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
        "--delivery",
        choices=DELIVERY_MODELS,
        help="serve every market this way (default: the optimiser chooses per market)",
    )
    plan.add_argument(
        "--out", type=folder, metavar="DIR", help="also write plan.json, CSV tables, plan.xlsx"
    )
    plan.add_argument(
        "--export-models", type=folder, metavar="DIR", help="write each market's MILP as MPS"
    )


PLAN = Command(
    "plan",
    help="tier menus for every market",
    description="Design and price support tiers for every market of the portfolio.",
    arguments=_arguments,
    run=_plan,
    table=_plan_table,
)
