"""Timings of the pricing core: `python benchmarks/bench.py [--repeat N]`.

Prints the median (and min/max) wall time of each case over N runs, with the machine it ran on.
Speed is measured here, never asserted in tests. The plan command against HiGHS alone, process
against process, is benchmarks/cli_bench.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.cli_bench import machine, solve_exported
from benchmarks.generate import generated_markets
from pricing.costing.curves import break_even_accounts
from pricing.costing.engine import DeliveryModel
from pricing.costing.staffing import required_agents, staff_queue
from pricing.costing.tables import delivery_comparison, option_costs, portfolio_summary
from pricing.delivery.memo import SOLVED
from pricing.errors import DataFileError
from pricing.inputs.catalog import DEFAULT_MARKETS, load_markets
from pricing.inputs.segments import load_segments
from pricing.outputs.payload import plan_payload
from pricing.plan import export_models, make_plan
from pricing.request import Catalogue, PlanRequest
from pricing.settings import PlanSettings
from pricing.tiers.model import TIE_BREAK_USD


def measure(label: str, work: Callable[[], object], repeat: int) -> float:
    work()  # warm caches and imports once, outside the timings
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(
        f"{label:<58} median {median * 1e3:9.2f} ms  "
        f"(min {min(times) * 1e3:.2f}, max {max(times) * 1e3:.2f}, n={repeat})"
    )
    return median


def _refused(content: bytes) -> None:
    """Load a market file that must be refused (its refusal is what is timed)."""
    try:
        load_markets(content, name="extreme.csv")
    except DataFileError:
        return
    raise AssertionError("the extreme market file was accepted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    print(f"machine: {machine()}, numpy {np.__version__}")
    rng = np.random.default_rng(2026)
    contacts = rng.uniform(0, 20_000, 10_000)
    aht = rng.uniform(60, 900, 10_000)
    big_contacts = rng.uniform(20_000, 60_000, 10_000)  # 300 to 15,000 Erlangs each

    measure(
        "staffing: one queue (staff_queue)",
        lambda: staff_queue(200, 180, 20, 0.8, max_occupancy=0.85, shrinkage=0.3),
        args.repeat,
    )
    measure(
        "staffing: 10,000 queues, vectorised (0-5,000 Erlangs)",
        lambda: required_agents(contacts, aht, 20, 0.8, 0.85, 1),
        args.repeat,
    )
    measure(
        "staffing: 10,000 queues, 300-15,000 Erlangs, no occ. cap",
        lambda: required_agents(big_contacts, aht, 20, 0.8, 1.0, 1),
        args.repeat,
    )

    markets = load_markets()
    catalog = {m.code: m for m in markets}
    shipped = DEFAULT_MARKETS.read_text().splitlines()
    us = shipped[1].split(",")
    columns = shipped[0].split(",")
    for column, value in (("accounts", "10000000"), ("contacts_per_account_month", "1000"),
                          ("aht_seconds", "28800")):  # fmt: skip
        us[columns.index(column)] = value
    extreme = "\n".join([shipped[0], ",".join(us), *shipped[2:]]).encode()
    measure("catalogue: load and validate data/markets.csv", load_markets, args.repeat)
    measure(
        "catalogue: refuse a market beyond one server (10M accounts)",
        lambda: _refused(extreme),
        args.repeat,
    )
    measure(
        f"costs: every option for all {len(markets)} shipped markets",
        lambda: option_costs(markets),
        args.repeat,
    )
    measure(
        "costs: portfolio summary (overview page)", lambda: portfolio_summary(markets), args.repeat
    )
    measure(
        "costs: delivery-model comparison, one market (DE)",
        lambda: delivery_comparison(catalog["DE"], catalog),
        args.repeat,
    )
    measure(
        "costs: break-even office vs distributor, 20,001 counts (BR)",
        lambda: break_even_accounts(catalog["BR"], catalog, DeliveryModel.DISTRIBUTOR),
        max(3, args.repeat // 3),
    )

    def shipped_plan(solver: str) -> dict:
        SOLVED.clear()  # each run solves the portfolio again
        request = PlanRequest(Catalogue.read(), PlanSettings(solver=solver), load_segments())
        return plan_payload(make_plan(request))

    cbc = measure(
        f"plan: shipped portfolio end to end, CBC ({len(markets)} markets)",
        lambda: shipped_plan("cbc"),
        args.repeat,
    )
    measure("plan: shipped portfolio end to end, HiGHS", lambda: shipped_plan("highs"), args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        plan = make_plan(PlanRequest())
        plans = plan.markets
        paths = export_models(plan, Path(folder))
        objectives: list[float] = []

        def highs_alone() -> None:
            objectives[:] = solve_exported(paths)

        alone = measure(
            f"HiGHS alone on the {len(paths)} exported MPS models", highs_alone, args.repeat
        )
        # The files re-solve to the plan's optimum: what the markets earn plus the tie-break on
        # accounts served (a community's file holds its markets together, so compare totals).
        expected = sum(
            p.solution.profit + TIE_BREAK_USD * sum(t.accounts for t in p.tiers) for p in plans
        )
        worst = abs(sum(objectives) - expected)
        print(f"{'exported models re-solved by HiGHS: objective gap in total':<58} {worst:.6f} USD")
        print(f"{'plan (CBC) / HiGHS alone':<58} {cbc / alone:.2f}x")
    many = Catalogue.read().with_markets(generated_markets(200))
    for solver, name in (("cbc", "CBC"), ("highs", "HiGHS")):
        request = PlanRequest(many, PlanSettings(solver=solver))
        measure(
            f"plan: 200 generated markets, {name}",
            lambda r=request: (SOLVED.clear(), make_plan(r)),
            3,
        )


if __name__ == "__main__":
    main()
