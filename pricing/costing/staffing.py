"""Erlang C staffing: how many agents a queue needs to meet a service level.

For arrivals ``lam`` per hour and an average handle time ``aht`` seconds, the offered load is
``A = lam * aht / 3600`` Erlangs. With ``N > A`` agents (M/M/N, callers wait, nobody abandons):

* Erlang B  ``B(N, A) = (A^N / N!) / sum_{k=0..N} A^k / k!``  (the Poisson pmf over its cdf),
* Erlang C  ``C(N, A) = N B / (N - A (1 - B))``  = probability that a contact waits,
* service level ``SL(t) = 1 - C exp(-(N - A) t / aht)``  = share answered within ``t`` seconds,
* average speed of answer ``ASA = C aht / (N - A)``, occupancy ``A / N``.

B is computed in log space, ``exp(N ln A - A - lgamma(N + 1)) / Q(N + 1, A)`` with Q the
regularised upper incomplete gamma function (the Poisson cdf), so there is no factorial and no
power that overflows: loads of many thousands of Erlangs stay exact to double precision.

The required agents are the least ``N > A`` meeting the service level, also meeting the
occupancy cap ``A / N <= max_occupancy`` and a minimum on duty. Service level rises with N, so
the least N is found by a vectorised bisection: every function here takes numpy arrays and
solves thousands of queues at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaincc, gammaln

from pricing.errors import InputError

FloatArray = NDArray[np.float64]


def offered_load(contacts_per_hour: ArrayLike, aht_seconds: ArrayLike) -> FloatArray:
    """Offered load in Erlangs: arrivals per hour x handle time in hours."""
    return (
        np.asarray(contacts_per_hour, dtype=float) * np.asarray(aht_seconds, dtype=float) / 3600.0
    )


def erlang_b(agents: ArrayLike, load_erlangs: ArrayLike) -> FloatArray:
    """Blocking probability B(N, A), computed in log space (exact for very large N and A)."""
    n = np.asarray(agents, dtype=float)
    a = np.asarray(load_erlangs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = n * np.log(a) - a - gammaln(n + 1.0)
        b = np.exp(log_pmf) / gammaincc(n + 1.0, a)
    # No load: nobody is ever blocked. No agents: everybody is.
    b = np.where(a <= 0.0, 0.0, b)
    return np.where(n <= 0.0, 1.0, b)


def erlang_c(agents: ArrayLike, load_erlangs: ArrayLike) -> FloatArray:
    """Probability of waiting C(N, A); 1.0 when N <= A (the queue grows without bound)."""
    n = np.asarray(agents, dtype=float)
    a = np.asarray(load_erlangs, dtype=float)
    b = erlang_b(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - a * (1.0 - b))
    c = np.where(n <= a, 1.0, c)
    return np.clip(np.where(a <= 0.0, 0.0, c), 0.0, 1.0)


def service_level(
    agents: ArrayLike,
    load_erlangs: ArrayLike,
    aht_seconds: ArrayLike,
    answer_within_seconds: ArrayLike,
) -> FloatArray:
    """Share of contacts answered within the target time; 0.0 when N <= A."""
    n = np.asarray(agents, dtype=float)
    a = np.asarray(load_erlangs, dtype=float)
    c = erlang_c(n, a)
    with np.errstate(over="ignore", invalid="ignore"):
        sl = 1.0 - c * np.exp(
            -(n - a)
            * np.asarray(answer_within_seconds, dtype=float)
            / np.asarray(aht_seconds, dtype=float)
        )
    return np.where(n <= a, np.where(a <= 0.0, 1.0, 0.0), sl)


def average_speed_of_answer(
    agents: ArrayLike, load_erlangs: ArrayLike, aht_seconds: ArrayLike
) -> FloatArray:
    """Mean wait in seconds over all contacts; infinite when N <= A."""
    n = np.asarray(agents, dtype=float)
    a = np.asarray(load_erlangs, dtype=float)
    c = erlang_c(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = c * np.asarray(aht_seconds, dtype=float) / (n - a)
    return np.where(n <= a, np.where(a <= 0.0, 0.0, np.inf), asa)


def required_agents(
    contacts_per_hour: ArrayLike,
    aht_seconds: ArrayLike,
    answer_within_seconds: ArrayLike,
    target_service_level: ArrayLike,
    max_occupancy: ArrayLike = 1.0,
    min_agents: ArrayLike = 1,
) -> NDArray[np.int64]:
    """Least agents on duty meeting the service level, the occupancy cap and the minimum.

    All arguments broadcast together; the result has their common shape. A queue with no
    contacts gets ``min_agents`` (an open line must be staffed).
    """
    lam, aht, t, sl, occ, floor = np.broadcast_arrays(
        np.asarray(contacts_per_hour, dtype=float),
        np.asarray(aht_seconds, dtype=float),
        np.asarray(answer_within_seconds, dtype=float),
        np.asarray(target_service_level, dtype=float),
        np.asarray(max_occupancy, dtype=float),
        np.asarray(min_agents, dtype=float),
    )
    _check_queue_inputs(lam, aht, t, sl, occ, floor)
    a = lam * aht / 3600.0
    # Stability needs N > A; the occupancy cap needs N >= A / occ (tiny slack for round-off).
    low = np.maximum(np.floor(a) + 1.0, np.ceil(a / occ - 1e-9))
    low = np.where(a <= 0.0, 0.0, low)
    high = low.copy()
    # Grow the upper end until it meets the target (few doublings: N - A ~ sqrt(A)).
    step = np.maximum(np.ceil(np.sqrt(a)), 1.0)
    for _ in range(64):
        short = (a > 0.0) & (service_level(high, a, aht, t) < sl)
        if not short.any():
            break
        high = np.where(short, high + step, high)
        step = np.where(short, step * 2.0, step)
    # Bisection for the least N in (low - 1, high] with SL(N) >= target.
    lo = low - 1.0
    hi = high
    for _ in range(64):
        gap = hi - lo > 1.0
        if not gap.any():
            break
        mid = np.floor((lo + hi) / 2.0)
        ok = (service_level(mid, a, aht, t) >= sl) & (mid >= low)
        hi = np.where(gap & ok, mid, hi)
        lo = np.where(gap & ~ok, mid, lo)
    return np.maximum(hi, floor).astype(np.int64)


def _check_queue_inputs(
    lam: FloatArray,
    aht: FloatArray,
    t: FloatArray,
    sl: FloatArray,
    occ: FloatArray,
    floor: FloatArray,
) -> None:
    checks = (
        ("contacts_per_hour", lam, lambda v: np.isfinite(v) & (v >= 0), "a finite number >= 0"),
        ("aht_seconds", aht, lambda v: np.isfinite(v) & (v > 0), "a finite number > 0"),
        ("answer_within_seconds", t, lambda v: np.isfinite(v) & (v >= 0), "a number >= 0"),
        ("service_level", sl, lambda v: (v > 0) & (v < 1), "strictly between 0 and 1"),
        ("max_occupancy", occ, lambda v: (v > 0) & (v <= 1), "in (0, 1]"),
        ("min_agents", floor, lambda v: (v >= 0) & (v == np.floor(v)), "a whole number >= 0"),
    )
    for name, values, ok, wanted in checks:
        bad = ~ok(values)
        if bad.any():
            value = float(values[bad].flat[0])
            raise InputError(f"{name} must be {wanted}, got {value!r}", field=name, value=value)


@dataclass(frozen=True)
class QueueStaffing:
    """Staffing of one queue; the keys of ``python -m pricing staffing``."""

    agents: int
    scheduled_agents: int
    service_level: float
    occupancy: float
    probability_of_waiting: float
    average_speed_of_answer_seconds: float


def staff_queue(
    contacts_per_hour: float,
    aht_seconds: float,
    answer_within_seconds: float,
    target_service_level: float,
    *,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    min_agents: int = 1,
) -> QueueStaffing:
    """Agents on duty for one queue and what they achieve.

    ``scheduled_agents`` is the head count to roster so that ``agents`` are available after
    shrinkage (breaks, training, absence): ``ceil(agents / (1 - shrinkage))``.
    """
    if not (isinstance(shrinkage, int | float) and 0.0 <= shrinkage < 1.0):
        raise InputError(
            f"shrinkage must be in [0, 1), got {shrinkage!r}", field="shrinkage", value=shrinkage
        )
    agents = int(
        required_agents(
            contacts_per_hour,
            aht_seconds,
            answer_within_seconds,
            target_service_level,
            max_occupancy,
            min_agents,
        )
    )
    load = float(offered_load(contacts_per_hour, aht_seconds))
    return QueueStaffing(
        agents=agents,
        # The tiny tolerance stops 0.3 shrinkage turning 14 / 0.7 = 20.000000000000004 into 21.
        scheduled_agents=math.ceil(agents / (1.0 - shrinkage) - 1e-9),
        service_level=float(service_level(agents, load, aht_seconds, answer_within_seconds)),
        occupancy=load / agents if agents else 0.0,
        probability_of_waiting=float(erlang_c(agents, load)),
        average_speed_of_answer_seconds=float(average_speed_of_answer(agents, load, aht_seconds)),
    )
