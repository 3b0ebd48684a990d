"""Risk sweeps: draws per second on one process and on the local Dask cluster, how the time
grows with markets and draws, and the projected time of 10,000 draws on a cluster:
`python benchmarks/sweep_bench.py [--draws N] [--workers W] [--cores C]`.

* one process: :func:`pricing.risk.sweep.run_draws` in this process, one draw after another
  (as one worker runs them), on the shipped portfolio and on files of its first 6 and 17
  markets;
* the local cluster: :func:`pricing.risk.cluster.sweep` with ``--workers`` processes, the
  cluster's start included, on the same three sizes;
* the projection: 10,000 draws x the shipped portfolio's seconds a draw on one process, over
  ``--cores`` cores of a cluster (one worker process each), plus the local cluster's overhead.

Draws are seeded, so every run times the same worlds. Speed is measured here, never asserted
in tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.cli_bench import machine
from pricing.request import Catalogue, PlanRequest
from pricing.risk.cluster import sweep
from pricing.risk.sweep import for_workers, run_draws
from pricing.risk.uncertainty import shipped_uncertainty

SEED = 1


def _requests() -> dict[str, PlanRequest]:
    """The shipped portfolio and market files of its first 6 and 17 markets (a file holds the
    markets a community is decided with: a smaller file, smaller communities)."""
    shipped = Catalogue.read()
    markets = shipped.markets
    return {
        f"{n} markets": PlanRequest(catalogue=shipped.with_markets(markets[:n]))
        for n in (6, 17, len(markets))
    }


def one_process(request: PlanRequest, draws: int) -> float:
    """Seconds a draw, one after another in this process."""
    start = time.perf_counter()
    run_draws(for_workers(request), shipped_uncertainty(), SEED, list(range(draws)))
    return (time.perf_counter() - start) / draws


def on_cluster(request: PlanRequest, draws: int, workers: int) -> float:
    """Seconds for the whole sweep on a fresh local cluster (its start and the plan included)."""
    start = time.perf_counter()
    sweep(request, shipped_uncertainty(), draws, SEED, workers=workers)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=8, help="draws per case (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="local cluster's workers")
    parser.add_argument("--cores", type=int, default=64, help="cores of the projected cluster")
    args = parser.parse_args()
    print(f"machine: {machine()}; {args.draws} draws a case, seed {SEED}")
    per_draw = {}
    for label, request in _requests().items():
        seconds = one_process(request, args.draws)
        per_draw[label] = seconds
        print(f"{label:<12} one process: {seconds:7.2f} s a draw ({1 / seconds:6.2f} draws/s)")
        whole = on_cluster(request, args.draws, args.workers)
        print(
            f"{label:<12} local cluster of {args.workers}: {whole:7.2f} s for {args.draws} draws "
            f"and the plan ({args.draws / whole:6.2f} draws/s, start included)"
        )
    shipped = per_draw[list(per_draw)[-1]]
    hours = 10_000 * shipped / args.cores / 3600
    print(
        f"projected: 10,000 draws of the shipped portfolio on {args.cores} cores: "
        f"{hours:.2f} h ({10_000 * shipped / 3600:.1f} core-hours)"
    )


if __name__ == "__main__":
    main()
