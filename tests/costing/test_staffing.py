"""Erlang C against published values, exact arithmetic and brute force."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing.costing.staffing import (
    average_speed_of_answer,
    erlang_b,
    erlang_c,
    offered_load,
    required_agents,
    service_level,
    staff_queue,
)
from pricing.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_pyworkforce_readme_example() -> None:
    """pyworkforce's README: 100 contacts per 30 min, AHT 3 min, 80% in 20 s, occupancy <= 85%,
    shrinkage 30% -> 14 agents, 20 scheduled, SL 0.88835, occupancy 0.71429, P(wait) 0.17413.
    The same example is the worked Erlang C example of call-centre calculators."""
    result = staff_queue(200, 180, 20, 0.8, max_occupancy=0.85, shrinkage=0.3)
    assert result.agents == 14
    assert result.scheduled_agents == 20
    assert result.service_level == pytest.approx(0.8883500191794669, rel=1e-12)
    assert result.occupancy == pytest.approx(0.7142857142857143, rel=1e-12)
    assert result.probability_of_waiting == pytest.approx(0.1741319335950498, rel=1e-12)
    # ASA = C * AHT / (N - A) = 0.17413 * 180 / 4
    assert result.average_speed_of_answer_seconds == pytest.approx(0.1741319335950498 * 45)


def test_thirteen_agents_miss_that_target() -> None:
    """The same queue with 13 agents answers 79.56% in 20 s, below 80%: 14 is the least."""
    load = offered_load(200, 180)
    expected = 1 - _erlang_c_exact(13, 10.0) * math.exp(-(13 - 10) * 20 / 180)
    assert float(service_level(13, load, 180, 20)) == pytest.approx(expected, rel=1e-12)
    assert 0.795 < expected < 0.8


def test_erlang_c_by_hand() -> None:
    """A = 2 Erlangs, N = 3 by hand:
    C = (8/6 * 3) / (1 + 2 + 2 + 4) = 4/9 and B = (8/6) / (1 + 2 + 2 + 8/6) = 4/19."""
    assert float(erlang_c(3, 2.0)) == pytest.approx(4 / 9, rel=1e-13)
    assert float(erlang_b(3, 2.0)) == pytest.approx(4 / 19, rel=1e-13)


def _erlang_b_recursion(n: int, a: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def _erlang_c_exact(n: int, a: float) -> float:
    """Textbook formula with factorials, in 60-digit arithmetic."""
    with mpmath.workdps(60):
        a_m = mpmath.mpf(a)
        top = a_m**n / mpmath.factorial(n) * n / (n - a_m)
        bottom = mpmath.fsum(a_m**k / mpmath.factorial(k) for k in range(n)) + top
        return float(top / bottom)


@pytest.mark.parametrize(
    ("agents", "load"),
    [(5, 3.2), (14, 10.0), (120, 100.0), (1_050, 1_000.0), (3_080, 3_000.0), (5_120, 5_000.0)],
)
def test_matches_exact_arithmetic_for_large_loads(agents: int, load: float) -> None:
    """Thousands of Erlangs: no overflow, agreement with 60-digit arithmetic and the recursion."""
    assert float(erlang_c(agents, load)) == pytest.approx(_erlang_c_exact(agents, load), rel=1e-9)
    assert float(erlang_b(agents, load)) == pytest.approx(
        _erlang_b_recursion(agents, load), rel=1e-9
    )


def _brute_force_agents(lam: float, aht: float, t: float, sl: float, occ: float, floor: int) -> int:
    load = lam * aht / 3600.0
    n = 0
    while True:
        stable = load == 0 or (n > load and load / n <= occ)
        if n >= floor and stable and (load == 0 or float(service_level(n, load, aht, t)) >= sl):
            return n
        n += 1


@settings(max_examples=150, deadline=None)
@given(
    lam=st.floats(0, 3_000),
    aht=st.floats(30, 1_800),
    t=st.floats(0, 600),
    sl=st.floats(0.05, 0.99),
    occ=st.floats(0.5, 1.0),
    floor=st.integers(0, 5),
)
def test_required_agents_equals_brute_force(
    lam: float, aht: float, t: float, sl: float, occ: float, floor: int
) -> None:
    assert int(required_agents(lam, aht, t, sl, occ, floor)) == _brute_force_agents(
        lam, aht, t, sl, occ, floor
    )


@settings(max_examples=100, deadline=None)
@given(load=st.floats(0.1, 2_000), extra=st.integers(1, 200), t=st.floats(0, 300))
def test_service_level_rises_with_agents(load: float, extra: int, t: float) -> None:
    n = math.floor(load) + extra
    assert (
        float(service_level(n + 1, load, 300, t)) >= float(service_level(n, load, 300, t)) - 1e-12
    )
    assert (
        float(average_speed_of_answer(n + 1, load, 300))
        <= float(average_speed_of_answer(n, load, 300)) + 1e-9
    )


@settings(max_examples=100, deadline=None)
@given(lam=st.floats(1, 2_000), slow=st.floats(30, 600), speedup=st.floats(0.05, 0.95))
def test_a_faster_promise_never_needs_fewer_agents(lam: float, slow: float, speedup: float) -> None:
    fast = slow * speedup
    assert int(required_agents(lam, 300, fast, 0.8)) >= int(required_agents(lam, 300, slow, 0.8))


@settings(max_examples=200, deadline=None)
@given(
    lam=st.floats(0, 3_000),
    part=st.floats(0.01, 0.99),
    floor=st.integers(0, 3),
    t=st.floats(0, 300),
)
def test_splitting_a_queue_never_needs_fewer_agents(
    lam: float, part: float, floor: int, t: float
) -> None:
    """Pooling: one queue for all contacts never needs more agents than two queues (two
    languages) sharing them. This is why more language queues never cost less."""
    pooled = int(required_agents(lam, 300, t, 0.8, 0.85, floor))
    split = int(required_agents(lam * part, 300, t, 0.8, 0.85, floor)) + int(
        required_agents(lam * (1 - part), 300, t, 0.8, 0.85, floor)
    )
    assert pooled <= split


def test_vectorised_matches_scalar() -> None:
    rng = np.random.default_rng(7)
    lam = rng.uniform(0, 5_000, 200)
    aht = rng.uniform(60, 900, 200)
    together = required_agents(lam, aht, 30, 0.8, 0.9, 2)
    one_by_one = [
        int(required_agents(x, y, 30, 0.8, 0.9, 2)) for x, y in zip(lam, aht, strict=True)
    ]
    assert together.tolist() == one_by_one


def test_occupancy_cap_and_minimum_bind() -> None:
    # 10 Erlangs need 14 agents for 80/20; a 60% occupancy cap needs ceil(10 / 0.6) = 17.
    assert int(required_agents(200, 180, 20, 0.8, 0.6)) == 17
    # An idle queue still has its minimum on duty.
    assert int(required_agents(0, 180, 20, 0.8, 1.0, 3)) == 3
    assert staff_queue(0.0, 180, 20, 0.8).agents == 1


def test_unstable_queue_reports_no_service() -> None:
    assert float(erlang_c(10, 10.0)) == 1.0
    assert float(service_level(10, 12.0, 180, 20)) == 0.0
    assert math.isinf(float(average_speed_of_answer(10, 12.0, 180)))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"contacts_per_hour": -1.0}, "contacts_per_hour"),
        ({"aht_seconds": 0.0}, "aht_seconds"),
        ({"answer_within_seconds": float("nan")}, "answer_within_seconds"),
        ({"target_service_level": 1.0}, "service_level"),
        ({"max_occupancy": 0.0}, "max_occupancy"),
        ({"shrinkage": 1.0}, "shrinkage"),
    ],
)
def test_bad_inputs_name_the_field(kwargs: dict, field: str) -> None:
    args = {
        "contacts_per_hour": 100.0,
        "aht_seconds": 180.0,
        "answer_within_seconds": 20.0,
        "target_service_level": 0.8,
    }
    extra = {k: kwargs.pop(k) for k in ("max_occupancy", "shrinkage") if k in kwargs}
    args.update(kwargs)
    with pytest.raises(InputError) as caught:
        staff_queue(**args, **extra)
    assert caught.value.field == field
    assert field in str(caught.value)


def _erlang_b_and_c_exact(n: int, a: float) -> tuple[float, float]:
    """B and C through the regularised incomplete gamma function, in 40-digit arithmetic (fast
    for hundreds of thousands of agents, where the factorial sum above is not)."""
    with mpmath.workdps(40):
        a_m = mpmath.mpf(a)
        log_pmf = n * mpmath.log(a_m) - a_m - mpmath.loggamma(n + 1)
        b = mpmath.exp(log_pmf) / mpmath.gammainc(n + 1, a_m, mpmath.inf, regularized=True)
        return float(b), float(n * b / (n - a_m * (1 - b)))


@pytest.mark.parametrize(
    ("agents", "load", "rel"),
    [(11, 10.5, 1e-14), (20_150, 20_000.0, 1e-13), (19_990, 20_000.0, 1e-13),
     (800_900, 800_000.0, 1e-12), (799_000, 800_000.0, 1e-12)],
)  # fmt: skip
def test_matches_exact_arithmetic_up_to_the_largest_queue(
    agents: int, load: float, rel: float
) -> None:
    """Up to the command line's largest queue (100,000 contacts an hour of 8 hours: 800,000
    Erlangs), below and above the load, without scipy."""
    b, c = _erlang_b_and_c_exact(agents, load)
    assert float(erlang_b(agents, load)) == pytest.approx(b, rel=rel)
    assert float(erlang_c(agents, load)) == (pytest.approx(c, rel=rel) if agents > load else 1.0)


@pytest.mark.parametrize("load", [1_234.5, 9_876.5, 20_000.0])
def test_stepping_up_finds_the_least_agents_for_large_loads(load: float) -> None:
    """required_agents steps up with the Erlang B recursion; it lands on the least N whose
    service level (the series) meets the target."""
    candidates = np.arange(math.floor(load) + 1, math.floor(load) + 1 + 6 * math.isqrt(int(load)))
    levels = service_level(candidates, load, 180, 20)
    least = int(candidates[np.argmax(levels >= 0.8)])
    assert int(required_agents(load * 20, 180, 20, 0.8)) == least


def test_a_load_beyond_any_contact_centre_is_refused() -> None:
    with pytest.raises(InputError, match="offered load") as caught:
        required_agents(1e9, 180, 20, 0.8)
    assert caught.value.field == "contacts_per_hour"


def test_the_queue_model_needs_no_scipy() -> None:
    """Erlang C is numpy and the standard library: `python -m pricing staffing` starts fast."""
    script = "import sys, pricing.costing.staffing; print('scipy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
