"""Erlang C staffing: how many agents a queue needs to meet a service level.

For arrivals ``lam`` per hour and an average handle time ``aht`` seconds, the offered load is
``A = lam * aht / 3600`` Erlangs. With ``N > A`` agents (M/M/N, callers wait, nobody abandons):

* Erlang B  ``B(N, A) = (A^N / N!) / sum_{k=0..N} A^k / k!``  (the Poisson pmf over its cdf),
* Erlang C  ``C(N, A) = N B / (N - A (1 - B))``  = probability that a contact waits,
* service level ``SL(t) = 1 - C exp(-(N - A) t / aht)``  = share answered within ``t`` seconds,
* average speed of answer ``ASA = C aht / (N - A)``, occupancy ``A / N``.

B is exact for whole N from two series whose factors are all below one and fall, so no
factorial and no power overflows and every term is positive (no cancellation):

* ``N < A``:  ``1 / B = 1 + N/A + N(N-1)/A^2 + ...`` (the cdf over the pmf, summed down from N);
* ``N >= A``: ``B = p / (1 - p T)`` with ``T = A/(N+1) + A^2/((N+1)(N+2)) + ...`` (the chance of
  more than N arrivals over p) and ``p = A^N e^-A / N!`` in Loader's saddle-point form
  ``exp(-stirling_error(N) - N ln(N/A) - A + N) / sqrt(2 pi N)``, which never subtracts large
  logarithms (C. Loader, "Fast and accurate computation of binomial probabilities", 2000).

Either series is summed until the rest is below double precision, about ``9 sqrt(A)`` terms at
worst. C agrees with 50-digit arithmetic to 1e-14 relative up to 20,000 Erlangs and to 1e-13 at
800,000 (the command line's largest queue), where only the rounding of ``N ln(N/A)`` is left.

The required agents are the least ``N > A`` meeting the service level, also meeting the
occupancy cap ``A / N <= max_occupancy`` and a minimum on duty. Service level rises with N, so
it is found by stepping up from the least stable N with the Erlang B recursion
``B(N + 1) = A B / (N + 1 + A B)`` (stable upwards), a few ``sqrt(A)`` steps at most. Every
function here takes numpy arrays and solves thousands of queues at once.
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pricing.errors import InputError

FloatArray = NDArray[np.float64]
# The step-up search takes a few sqrt(A) steps: ten million agents on one queue is beyond any
# contact centre (the command line stops at 800,000 Erlangs) and still takes under a second.
MAX_LOAD_ERLANGS = 10_000_000
# Terms of a series summed in one numpy pass: one pass is enough up to about 50 Erlangs.
_TERMS_PER_PASS = 64
# Unit round-off: a series stops once what it leaves out is below this share of its sum.
_EPSILON = np.finfo(float).eps / 2.0
_PI = decimal.Decimal("3.1415926535897932384626433832795028841972")


def _stirling_error_exactly(n: int) -> float:
    """``ln N! - ln(sqrt(2 pi N) (N/e)^N)`` in 40-digit decimals: in floats its terms cancel."""
    with decimal.localcontext(prec=40):
        whole = decimal.Decimal(n)
        log_factorial = decimal.Decimal(math.factorial(n)).ln()
        return float(
            log_factorial
            - (whole + decimal.Decimal("0.5")) * whole.ln()
            + whole
            - (2 * _PI).ln() / 2
        )


# Below N = 16, where its series is not yet exact (index 0 is never read: no agents is B = 1).
_STIRLING_ERRORS = np.array([0.0] + [_stirling_error_exactly(n) for n in range(1, 16)])


def offered_load(contacts_per_hour: ArrayLike, aht_seconds: ArrayLike) -> FloatArray:
    """Offered load in Erlangs: arrivals per hour x handle time in hours."""
    return (
        np.asarray(contacts_per_hour, dtype=float) * np.asarray(aht_seconds, dtype=float) / 3600.0
    )


def erlang_b(agents: ArrayLike, load_erlangs: ArrayLike) -> FloatArray:
    """Blocking probability B(N, A) for whole N (module docstring: exact for any N and A)."""
    n, a = np.broadcast_arrays(
        np.asarray(agents, dtype=float), np.asarray(load_erlangs, dtype=float)
    )
    # No agents: everybody is blocked. No load: nobody is.
    b = np.where(n <= 0.0, 1.0, np.where(a <= 0.0, 0.0, np.nan))
    busy = (n > 0.0) & (a > 0.0)
    n, a = n[busy], a[busy]
    below = n < a
    series = _falling_series(n, a, below)
    p = _poisson_probability(n, a)
    b[busy] = np.where(below, 1.0 / series, p / (1.0 - p * (series - 1.0)))
    return b


def _falling_series(n: FloatArray, a: FloatArray, below: NDArray[np.bool_]) -> FloatArray:
    """``1 + f(1) + f(1) f(2) + ...`` per queue (1-d arrays), with the factors of 1 / B below
    the load, ``f(i) = (N + 1 - i) / A`` (0 at ``i = N + 1``: the sum ends there), and of T
    above it, ``f(i) = A / (N + i)``.

    Each queue's factors fall as ``i`` grows, so once a factor ``f`` is below one the rest after
    its term ``t`` is at most ``t f / (1 - f)``: a queue stops when that is below rounding.
    """
    total = np.empty_like(a)
    queues = np.arange(a.size)
    n, a, below = n[:, None], a[:, None], below[:, None]
    partial = np.ones_like(a)
    term = np.ones_like(a)
    first = 1.0
    while queues.size:
        i = np.arange(first, first + _TERMS_PER_PASS)
        with np.errstate(over="ignore"):  # a tiny load overflows the form its row does not read
            factors = np.where(below, (n + 1.0 - i) / a, a / (n + i))
        terms = term * np.cumprod(factors, axis=1)
        partial += terms.sum(axis=1, keepdims=True)
        term, last = terms[:, -1:], factors[:, -1:]
        going = (term * last > _EPSILON * (1.0 - last) * partial)[:, 0]
        if not going.any():
            total[queues] = partial[:, 0]
            break
        total[queues[~going]] = partial[~going, 0]
        queues, n, a, below, partial, term = (
            x[going] for x in (queues, n, a, below, partial, term)
        )
        first += _TERMS_PER_PASS
    return total


def _poisson_probability(n: FloatArray, a: FloatArray) -> FloatArray:
    """``A^N e^-A / N!`` for whole ``N >= 1`` and ``A > 0``, in Loader's saddle-point form."""
    small = np.minimum(n, 15.0).astype(np.int64)
    nn = n * n
    # 1/(12N) - 1/(360N^3) + 1/(1260N^5) - 1/(1680N^7) + 1/(1188N^9): off by under 2e-16 from 16.
    series = (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * nn)) / nn) / nn) / nn) / n
    stirling_error = np.where(n < 16.0, _STIRLING_ERRORS[small], series)
    # N ln(N/A) - (N - A), with log1p so that N near A loses nothing to rounding; a load too
    # small for N / A to be a float is a probability of 0 all the same.
    with np.errstate(over="ignore"):
        deviance = n * np.log1p((n - a) / a) - (n - a)
    return np.exp(-stirling_error - deviance) / np.sqrt(2.0 * math.pi * n)


def erlang_c(agents: ArrayLike, load_erlangs: ArrayLike) -> FloatArray:
    """Probability of waiting C(N, A); 1.0 when N <= A (the queue grows without bound)."""
    n = np.asarray(agents, dtype=float)
    a = np.asarray(load_erlangs, dtype=float)
    return _waiting(n, a, erlang_b(n, a))


def _waiting(n: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """C(N, A) from B(N, A)."""
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
    sl = _answered_within(n, a, erlang_c(n, a), aht_seconds, answer_within_seconds)
    return np.where(n <= a, np.where(a <= 0.0, 1.0, 0.0), sl)


def _answered_within(
    n: FloatArray, a: FloatArray, c: FloatArray, aht_seconds: ArrayLike, within: ArrayLike
) -> FloatArray:
    """``1 - C exp(-(N - A) t / aht)`` for N > A."""
    with np.errstate(over="ignore", invalid="ignore"):
        return 1.0 - c * np.exp(
            -(n - a) * np.asarray(within, dtype=float) / np.asarray(aht_seconds, dtype=float)
        )


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
    n = np.maximum(np.floor(a) + 1.0, np.ceil(a / occ - 1e-9))
    n = np.where(a <= 0.0, 0.0, n)
    b = erlang_b(n, a)
    short = (a > 0.0) & (_answered_within(n, a, _waiting(n, a, b), aht, t) < sl)
    while short.any():  # one more agent where the target is missed (ends: SL -> 1 as N grows)
        n = np.where(short, n + 1.0, n)
        b = np.where(short, a * b / (n + a * b), b)
        short &= _answered_within(n, a, _waiting(n, a, b), aht, t) < sl
    return np.maximum(n, floor).astype(np.int64)


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
    load = lam * aht / 3600.0
    if (load > MAX_LOAD_ERLANGS).any():
        value = float(load.max())
        raise InputError(
            f"offered load (contacts_per_hour x aht_seconds / 3600) must be at most "
            f"{MAX_LOAD_ERLANGS:,} Erlangs, got {value!r}",
            field="contacts_per_hour",
            value=value,
        )


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
