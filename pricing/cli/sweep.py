"""The command line's ``sweep`` command (docs/cli.md, "sweep"): how sure each market's verdict
is, over seeded draws of the uncertain inputs, each decided anew on Dask."""

from __future__ import annotations

import argparse
import sys

from pricing.cli.args import Command, Parser, folder


def _whole(name: str, low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            message = f"{name} must be a whole number, got {text!r}"
            raise argparse.ArgumentTypeError(message) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be {low:,} to {high:,}, got {value}")
        return value

    parse.__name__ = name
    return parse


def _sweep(args: argparse.Namespace) -> dict:
    from pricing.cli.requests import plan_request
    from pricing.risk.cluster import sweep
    from pricing.risk.uncertainty import load_uncertainty

    request = plan_request(args)
    uncertainty = load_uncertainty(args.uncertainty)

    def progress(done: int, of: int) -> None:
        print(f"sweep: {done}/{of} draws", file=sys.stderr, flush=True)

    found = sweep(
        request,
        uncertainty,
        args.draws,
        args.seed,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=progress,
        fixed=args.fixed,
    )
    if args.out:
        from pricing.risk.outputs import write_sweep

        write_sweep(found, uncertainty, args.out)
    return found.as_json()


def _sweep_table(payload: dict) -> str:
    import pandas as pd

    frame = pd.DataFrame(payload["markets"])
    columns = ["market", "p10_usd", "p50_usd", "p90_usd", "probability_sold"]
    columns += ["probability_profitable", "probability_model_changes", "decided_by"]
    whole = payload["portfolio"]
    head = (
        f"{payload['draws']} draws, seed {payload['seed']}: portfolio profit P10 "
        f"{whole['p10_usd']:,.0f}, P50 {whole['p50_usd']:,.0f}, P90 {whole['p90_usd']:,.0f} USD/yr"
    )
    return head + "\n" + frame[columns].to_string(index=False, float_format=lambda v: f"{v:,.2f}")


def _arguments(command: Parser) -> None:
    from pricing.inputs.catalog import DEFAULT_MARKETS
    from pricing.inputs.segments import DEFAULT_SEGMENTS
    from pricing.risk.cluster import MAX_DRAWS, SCHEDULER_ENV
    from pricing.risk.uncertainty import DEFAULT_UNCERTAINTY

    command.add_argument(
        "--draws", type=_whole("draws", 1, MAX_DRAWS), default=200, help="draws (default 200)"
    )
    command.add_argument(
        "--seed", type=_whole("seed", 0, 2**32 - 1), default=1, help="random seed (default 1)"
    )
    command.add_argument(
        "--workers",
        type=_whole("workers", 1, 64),
        default=2,
        help="worker processes of the local cluster (default 2)",
    )
    command.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help=f"a Dask scheduler to run on (tcp://host:8786; default: ${SCHEDULER_ENV}, "
        "else a local cluster)",
    )
    command.add_argument("--scenario", help="scenario JSON: the rules of the plan swept")
    command.add_argument("--markets", default=str(DEFAULT_MARKETS), help="market file (CSV/XLSX)")
    command.add_argument("--segments", default=str(DEFAULT_SEGMENTS), help="segment file (CSV)")
    command.add_argument("--sites", help="hub site file (CSV/XLSX; default: data/sites.csv)")
    command.add_argument(
        "--uncertainty",
        default=str(DEFAULT_UNCERTAINTY),
        help="uncertainty table (CSV/XLSX; default: data/uncertainty.csv)",
    )
    command.add_argument(
        "--market", action="append", metavar="CODE", help="only this market; may be repeated"
    )
    command.add_argument(
        "--fixed",
        action="store_true",
        help="hold today's menus, local prices and delivery models in every draw (test the "
        "plan as set) instead of planning each draw anew",
    )
    command.add_argument(
        "--out", type=folder, metavar="DIR", help="also write draws.parquet and sweep.xlsx"
    )


SWEEP = Command(
    "sweep",
    help="how sure each verdict is: Monte Carlo draws on Dask",
    description="Re-plan the portfolio under seeded draws of wages, accounts, contacts, "
    "exchange rates, willingness to pay and discounts, on a local Dask cluster or a scheduler.",
    arguments=_arguments,
    run=_sweep,
    table=_sweep_table,
)
