"""The command line's ``tiers`` command (docs/cli.md, "tiers"): the generic tier engine on a
problem file.

PuLP and the solvers load when the command runs: never for another command.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pricing.cli.args import Command, Parser, bounded
from pricing.tiers.problem import SOLVERS


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 6) + 0.0


def _tiers(args: argparse.Namespace) -> dict:
    from pricing.inputs.schemas import load_json, parse_tier_problem
    from pricing.tiers.problem import Terms, given_tiers_problem
    from pricing.tiers.solve import solve

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


def _arguments(tiers: Parser) -> None:
    tiers.add_argument("problem", help="problem JSON (docs/cli.md, 'tiers')")
    tiers.add_argument("--solver", choices=SOLVERS, default="highs")
    tiers.add_argument(
        "--time-limit",
        type=bounded("time_limit_seconds"),
        default=20.0,
        help="seconds (1 to 3,600), default 20",
    )


TIERS = Command(
    "tiers",
    help="price given tiers for given segments (generic engine)",
    description="Optimal prices for given tiers and segments (JSON problem file).",
    arguments=_arguments,
    run=_tiers,
    table=_tiers_table,
)
