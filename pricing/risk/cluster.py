"""A sweep run on Dask (``dask.distributed``): a local cluster on this machine by default, or
the cluster whose scheduler address is given (``--scheduler`` or :data:`SCHEDULER_ENV`).

The draws go out in chunks (a few per worker, so that a slow chunk does not hold the others
and scheduling stays a small part of the work), the request and the uncertainty table once to
every worker. Each draw is seeded by its own number (:mod:`pricing.risk.draws`), so the answer
is the same however many workers run it. A sweep stopped midway (Ctrl-C, the app's Stop)
cancels what is still queued and closes the local cluster: no worker is left behind.

The workers of a cluster must be able to import this package: start them from the project's
folder with its requirements installed (README, "Risk sweeps on a cluster").
"""

from __future__ import annotations

import logging
import math
import os
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pricing.errors import InputError
from pricing.request import PlanRequest
from pricing.risk.draws import countries, draw
from pricing.risk.sweep import DrawResult, Sweep, for_workers, run_draws
from pricing.risk.uncertainty import DRIVERS, Uncertainty

# The scheduler of a cluster to run sweeps on ("tcp://10.0.0.5:8786"), when none is given.
SCHEDULER_ENV = "PRICING_DASK_SCHEDULER"
MAX_DRAWS = 100_000
# Chunks per worker: enough to balance the load and show progress, few enough that scheduling
# (milliseconds a task) stays small beside a draw (a tenth of a second to seconds); and at most
# MAX_CHUNK draws a chunk, so that progress is told (and a Stop heard) every few seconds.
CHUNKS_PER_WORKER = 16
MAX_CHUNK = 8
# How long to wait for a cluster's scheduler before giving up (seconds).
CONNECT_SECONDS = 10


@contextmanager
def client_for(workers: int = 2, scheduler: str | None = None) -> Iterator:
    """A Dask client: on the scheduler at ``scheduler`` (or :data:`SCHEDULER_ENV`), else on a
    local cluster of ``workers`` processes of one thread each, closed on leaving."""
    from distributed import Client, LocalCluster

    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if address:
        try:
            client = Client(address, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as exc:
            raise InputError(
                f"scheduler: cannot reach a Dask scheduler at {address!r} ({exc})",
                field="scheduler",
                value=address,
            ) from None
        with client:
            yield client
        return
    with _bare_main():
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # this machine only
            dashboard_address="127.0.0.1:0",  # any free port: two sweeps never collide
            silence_logs=logging.ERROR,
        )
    with cluster, Client(cluster) as client:
        yield client


@contextmanager
def _bare_main() -> Iterator[None]:
    """A worker process starts by running its parent's ``__main__`` module again (the standard
    library's spawn); in the app that module is the page being run, which would plan the whole
    portfolio in every worker before it takes a draw. The workers start from a bare one."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def chunks(draws: int, workers: int) -> list[list[int]]:
    """Draws 0..draws-1 in consecutive chunks, :data:`CHUNKS_PER_WORKER` per worker and at
    most :data:`MAX_CHUNK` draws each."""
    size = max(1, min(MAX_CHUNK, math.ceil(draws / max(1, workers * CHUNKS_PER_WORKER))))
    return [list(range(start, min(start + size, draws))) for start in range(0, draws, size)]


def sweep(
    request: PlanRequest,
    uncertainty: Uncertainty,
    draws: int,
    seed: int,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    swings: bool = False,
    fixed: bool = False,
) -> Sweep:
    """The plan of ``request`` and ``draws`` draws of ``uncertainty`` seeded ``seed``, decided
    on Dask; ``progress`` is told (draws done, of) as chunks finish; with ``swings``, each
    driver alone at its P10 and P90 too (:meth:`Sweep.tornado`); with ``fixed``, today's
    menus, local prices and delivery models are held in every draw (:mod:`pricing.risk.fixed`).
    """
    from distributed import as_completed

    if not 1 <= draws <= MAX_DRAWS:
        raise InputError(f"draws must be 1 to {MAX_DRAWS:,}, got {draws!r}", field="draws")
    request = for_workers(request)
    draw(uncertainty, countries(request), seed, 0)  # a table that cannot draw is said here
    with client_for(workers, scheduler) as client:
        running = max(1, len(client.scheduler_info().get("workers", {})))
        shared = client.scatter([request, uncertainty], broadcast=True)
        ends = [f"{d}:{end}" for d in DRIVERS for end in ("p10", "p90")] if swings else []
        # The plan and each tornado end first, one task each: the longest to wait for.
        parts = [[None], *([end] for end in ends), *chunks(draws, running)]
        futures = [
            client.submit(run_draws, *shared, seed, part, fixed, pure=False) for part in parts
        ]
        found: dict[int | str | None, DrawResult] = {}
        try:
            for future in as_completed(futures):
                results = future.result()
                found.update((result.index, result) for result in results)
                if progress is not None:  # told as each part ends: a Stop is heard there
                    progress(sum(isinstance(k, int) for k in found), draws)
        finally:
            client.cancel(futures)
    ended = {k: v for k, v in found.items() if isinstance(k, str)}
    draws_found = tuple(found[i] for i in range(draws))
    return Sweep(request, seed, found[None], draws_found, ended, fixed)
