"""Erlang C capacity tables: the largest load that N whole agents carry within the targets.

Staffing is a step function of the load: N agents carry any load up to ``capacity[N]`` and no
more. Tabulating it turns "the least N meeting the service level" into linear constraints a MILP
can hold exactly: ``load <= sum_k (capacity[k] - capacity[k-1]) * agent_k`` with ordered binaries
``agent_1 >= agent_2 >= ...``. The same table prices a configuration outside the MILP, so the
model and every report agree to the agent.

A desk answers live contacts (phone, chat) while the customer waits and async ones (messages,
e-mail, portal tickets) in minutes to hours; agents are blended, answering live contacts first.
So N agents carry a load when

* the live load meets the live target on its own (Erlang C, 80 % within ``live_seconds``), and
* the whole load (live + async) meets the async target as one queue, within the occupancy cap.

With a priority class on the desk (non-preemptive priority, equal handle times) priority contacts
wait ``P(W > t) = C(N, A) exp(-(N - A1) t / aht)`` (exact for M/M/N with priorities: a waiting
priority contact sees the priority queue drain at rate ``N mu - lambda1``), and standard
contacts wait longer than they would first-come-first-served; their tail is taken as
exponential with the exact conditional mean ``aht N / ((N - A1)(N - A))``. The share of contacts
that will be priority is not known in advance, so the table holds both promises for any share,
that is at ``A1 = A``: ``C exp(-(N - A) t_priority / aht)`` and
``C exp(-t_standard (N - A)^2 / (N aht))`` both at most ``1 - service_level``. Without priority
contacts both reduce to plain Erlang C.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pricing.costing.staffing import erlang_c

FloatArray = NDArray[np.float64]
# A load this far above a capacity still counts as carried: solvers hold constraints to about
# 1e-7, and the MILP and the reports must agree on the agents.
LOAD_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Targets:
    """Answer-time promises of a desk (seconds, ``service_level`` answered within)."""

    live_seconds: float
    live_priority_seconds: float
    async_seconds: float
    async_priority_seconds: float
    aht_seconds: float
    service_level: float
    max_occupancy: float


def _largest_load(agents: FloatArray, meets, cap: FloatArray) -> FloatArray:
    """Largest A in [0, cap] with ``meets(agents, A)`` true; ``meets`` falls as A rises."""
    low = np.zeros_like(agents)
    high = cap.copy()
    ok_at_cap = meets(agents, high)
    for _ in range(48):  # 2^-48 of the cap: far below LOAD_TOLERANCE
        mid = (low + high) / 2.0
        ok = meets(agents, mid)
        low = np.where(ok, mid, low)
        high = np.where(ok, high, mid)
    return np.where(ok_at_cap, cap, low)


def _meets(standard: FloatArray, priority: FloatArray, with_priority: FloatArray, targets: Targets):
    """Whether N agents keep the promises at load A, row by row (one row per kind of table).

    Without priority: Erlang C at the standard target. With it, both bounds of the module
    docstring at ``A1 = A``.
    """

    def meets(n: FloatArray, a: FloatArray) -> NDArray[np.bool_]:
        waiting = erlang_c(n, a)
        gap = np.maximum(n - a, 0.0)
        aht = targets.aht_seconds
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            fcfs = waiting * np.exp(-gap * standard / aht)
            priority_late = waiting * np.exp(-gap * priority / aht)
            standard_late = waiting * np.exp(-standard * gap**2 / (n * aht))
        late = np.where(with_priority, np.maximum(priority_late, standard_late), fcfs)
        return (n > a) & (1.0 - late >= targets.service_level)

    return meets


@dataclass(frozen=True)
class CapacityTable:
    """Largest load (Erlangs) carried by N = 0, 1, ... agents, for each kind of load.

    ``live`` and ``total`` hold without a priority class on the desk, ``*_priority`` with one.
    """

    targets: Targets
    live: FloatArray
    live_priority: FloatArray
    total: FloatArray
    total_priority: FloatArray

    @property
    def max_agents(self) -> int:
        return len(self.live) - 1

    def carries(self, max_load: float) -> bool:
        """Whether the table reaches ``max_load`` for every kind of load."""
        rows = (self.live, self.live_priority, self.total, self.total_priority)
        return _carries(np.array([row[-1:] for row in rows]), max_load)

    def agents(
        self,
        live_load: FloatArray,
        total_load: FloatArray,
        priority: NDArray[np.bool_],
        minimum: NDArray[np.int64],
    ) -> NDArray[np.int64]:
        """Least whole agents carrying both loads, at least ``minimum`` (arrays broadcast)."""
        live_load, total_load, priority, minimum = np.broadcast_arrays(
            live_load, total_load, priority, minimum
        )
        needed = np.maximum(
            np.where(
                priority,
                np.searchsorted(self.live_priority, live_load - LOAD_TOLERANCE),
                np.searchsorted(self.live, live_load - LOAD_TOLERANCE),
            ),
            np.where(
                priority,
                np.searchsorted(self.total_priority, total_load - LOAD_TOLERANCE),
                np.searchsorted(self.total, total_load - LOAD_TOLERANCE),
            ),
        )
        if (needed > self.max_agents).any():
            raise ValueError("load beyond the capacity table; build it for a larger load")
        return np.maximum(needed, minimum).astype(np.int64)


# The largest table built so far for each set of promises. A table's row for N agents does not
# depend on how far the table goes, so a larger table answers every smaller request exactly;
# a market scaled up (a cost curve, a break-even scan) or planned again reuses it. A few sets of
# promises are in use at once; the oldest is dropped beyond that. Sessions are threads: the
# lock guards the dictionary (two threads may still build the same table once each).
_BUILT: dict[Targets, CapacityTable] = {}
_KEPT = 64
_LOCK = threading.Lock()


def capacity_table(targets: Targets, max_load: float) -> CapacityTable:
    """Capacities from 0 agents up to at least the first N that carries ``max_load`` of any
    kind."""
    with _LOCK:
        known = _BUILT.get(targets)
    if known is not None and known.carries(max_load):
        return known
    table = _build(targets, max_load)
    with _LOCK:
        kept = _BUILT.get(targets)
        if kept is None and len(_BUILT) >= _KEPT:
            del _BUILT[next(iter(_BUILT))]
        if kept is None or kept.max_agents < table.max_agents:
            _BUILT[targets] = table
    return table


def _carries(tables: FloatArray, max_load: float) -> bool:
    return bool(tables[:, -1].min() >= max_load + LOAD_TOLERANCE)


def _build(targets: Targets, max_load: float) -> CapacityTable:
    size = max(int(np.ceil(max_load / targets.max_occupancy)) + 2, 4)
    kinds = (  # (standard seconds, priority seconds, with priority) per table
        (targets.live_seconds, targets.live_seconds, False),
        (targets.live_seconds, targets.live_priority_seconds, True),
        (targets.async_seconds, targets.async_seconds, False),
        (targets.async_seconds, targets.async_priority_seconds, True),
    )
    while True:
        n = np.tile(np.arange(size + 1, dtype=float), (len(kinds), 1))
        column = [np.array([k[i] for k in kinds], dtype=float)[:, None] for i in range(3)]
        meets = _meets(column[0], column[1], column[2].astype(bool), targets)
        tables = _largest_load(n, meets, n * targets.max_occupancy)
        if _carries(tables, max_load):
            break
        size *= 2
    tables[:, 0] = 0.0
    np.maximum.accumulate(tables, axis=1, out=tables)  # round-off never lowers a capacity
    rows = [row.copy() for row in tables]
    for row in rows:  # shared by every workload on these promises: never changed
        row.flags.writeable = False
    return CapacityTable(targets, *rows)
