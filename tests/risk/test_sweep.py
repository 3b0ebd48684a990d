"""Monte Carlo sweeps on a real local Dask cluster (two worker processes), on the small markets
of tests.small_markets (one segment worth 1,000 USD an account at price level 1, one tier, no
margin rule): a market's profit is its revenue less what its desk costs, by hand."""

from __future__ import annotations

import dataclasses
import json
import math
import statistics

import numpy as np
import pytest

from pricing.costing.desks import sites_in_use
from pricing.delivery.decision import decide
from pricing.market_model import MarketSolves
from pricing.models import CostParameters
from pricing.risk.cluster import MAX_CHUNK, chunks, client_for, sweep
from pricing.risk.draws import countries, draw
from pricing.risk.sweep import Sweep, run_draws
from pricing.risk.uncertainty import Uncertainty, UncertaintyRow, shipped_uncertainty
from tests.small_markets import market, request_for

WAGES = UncertaintyRow("wages", "*", "lognormal", 0.8, 1.25, None, "test: wages only")
ACCOUNTS = 36


def shipped_and(*codes: str) -> Uncertainty:
    """The shipped table with the currencies of ``codes`` (not in the ECB series) given."""
    rows = tuple(UncertaintyRow("fx", code, "lognormal", 0.9, 1.1, None, "test") for code in codes)
    return Uncertainty(shipped_uncertainty().rows + rows)


@pytest.fixture(scope="module")
def client():
    with client_for(workers=2) as found:
        yield found


def botswana_request():
    return request_for(market("BW", ACCOUNTS))


def test_the_same_seed_gives_the_same_answer_on_one_and_two_workers() -> None:
    request = request_for(market("BW", 40), market("ZW", 25))
    uncertainty = shipped_and("BW", "ZW")
    one = sweep(request, uncertainty, 12, 7, workers=1)
    two = sweep(request, uncertainty, 12, 7, workers=2)
    assert json.dumps(one.as_json()) == json.dumps(two.as_json())
    # ... and each draw is the draw a single process makes (chunks change nothing).
    alone = run_draws(request, uncertainty, 7, [3, 11])
    assert [d.markets for d in alone] == [two.draws[3].markets, two.draws[11].markets]
    # Another seed draws another world.
    other = sweep(request, uncertainty, 12, 8, workers=2)
    assert other.as_json()["portfolio"] != two.as_json()["portfolio"]


def test_a_sweep_without_spread_is_the_plan() -> None:
    request = request_for(market("BW", 40), market("ZW", 25))
    found = sweep(request, Uncertainty(()), 4, 1, workers=2)
    decided = decide(request)
    for code in ("BW", "ZW"):
        row = found.market_row(code)
        planned = round(decided.markets[code].profit_usd, 2)
        assert row["p10_usd"] == row["p50_usd"] == row["p90_usd"] == planned
        assert row["plan_profit_usd"] == planned
        assert row["probability_model_changes"] == 0.0
        assert row["probability_sold"] == float(decided.markets[code].sold)
    assert found.as_json()["portfolio"]["p50_usd"] == round(decided.profit_usd, 2)


def _break_even_wage_factor() -> float:
    """The factor on the hub site's pay at which Botswana's one-tier plan stops paying, by hand:
    its desk cost from the cost sheet's own function at today's pay is C; the hour's cost is
    pay + seat + site cost per seat, so at factor f it is C (a f + b) / (a + b)."""
    request = botswana_request()
    workload = MarketSolves(request, "BW").problem(request.settings).workload
    assert workload is not None
    accounts = np.zeros(len(workload.sets))
    accounts[workload.set_index(frozenset())] = ACCOUNTS
    cost = float(workload.evaluate(accounts).cost_usd[0])
    site = sites_in_use(CostParameters())["ZA"]
    a, b = site.agent_cost_usd, site.seat_cost_usd + site.site_fixed_usd / site.seats
    revenue = ACCOUNTS * 1_000.0
    return (revenue / cost * (a + b) - b) / a


def test_a_verdict_that_flips_at_a_known_wage_is_sold_as_often_as_expected(client) -> None:
    """Only pay is uncertain (P10 0.8, P90 1.25 of today's): Botswana is sold in a draw exactly
    when the hub's pay factor is below the break-even factor, so in Phi(ln f* / sigma) of the
    draws, within three standard errors of 400 draws."""
    f_star = _break_even_wage_factor()
    assert 0.85 < f_star < 1.15  # a market near the edge, as chosen
    found = sweep(botswana_request(), Uncertainty((WAGES,)), 400, 5, workers=2)
    sigma = math.log(1.25) / statistics.NormalDist().inv_cdf(0.9)
    expected = statistics.NormalDist().cdf(math.log(f_star) / sigma)
    row = found.market_row("BW")
    error = math.sqrt(expected * (1 - expected) / 400)
    assert abs(row["probability_sold"] - expected) <= 3 * error
    # Draw by draw: sold exactly below the break-even pay at the hub.
    for d in found.draws:
        factor = d.factors["ZA"].wages
        if abs(factor - f_star) > 1e-3:
            assert (d.markets["BW"].delivery is not None) == (factor < f_star)
    assert row["decided_by"] == "agents' pay at the ZA hub"


def test_every_input_moves_the_draws() -> None:
    request = request_for(market("BW", 40))
    every = countries(request)
    base = shipped_and("BW")
    drawn = draw(base, every, 1, 0)["BW"]
    for driver in ("wages", "accounts", "contacts", "willingness_to_pay", "discount"):
        rows = tuple(
            dataclasses.replace(r, p10=r.p10 * 0.5 if r.p10 > 0 else r.p10 - 0.02)
            if r.driver == driver and r.market == "*" and r.p10 is not None
            else r
            for r in base.rows
        )
        moved = draw(Uncertainty(rows), every, 1, 0)["BW"]
        assert getattr(moved, driver) != getattr(drawn, driver), driver


def test_draws_are_chunked_a_few_per_worker() -> None:
    found = chunks(200, 2)
    assert [len(c) for c in found] == [7] * 28 + [4]  # 16 a worker, each a few draws
    assert [d for chunk in found for d in chunk] == list(range(200))
    assert [d for chunk in chunks(7, 4) for d in chunk] == list(range(7))
    # Many draws on few workers: chunks of at most MAX_CHUNK, so progress comes every few.
    many = chunks(2_000, 2)
    assert max(len(c) for c in many) == MAX_CHUNK
    assert [d for chunk in many for d in chunk] == list(range(2_000))


def test_the_summary_is_read_from_the_draws(client) -> None:
    request = request_for(market("BW", 40), market("ZW", 25))
    found = sweep(request, shipped_and("BW", "ZW"), 20, 3, workers=2)
    assert isinstance(found, Sweep)
    profits = found.profits("BW")
    row = found.market_row("BW")
    assert row["p10_usd"] == pytest.approx(np.percentile(profits, 10), abs=0.01)
    assert row["p90_usd"] == pytest.approx(np.percentile(profits, 90), abs=0.01)
    assert row["p10_usd"] <= row["p50_usd"] <= row["p90_usd"]
    sold = [d.markets["BW"].delivery is not None for d in found.draws]
    assert row["probability_sold"] == pytest.approx(sum(sold) / 20)
    whole = found.as_json()["portfolio"]
    assert whole["p50_usd"] == pytest.approx(np.percentile(found.portfolio(), 50), abs=0.01)


def test_the_tornado_moves_profit_the_expected_way(client) -> None:
    """Each input alone at its P10 and P90, everywhere, re-planned by the same engine as the
    draws: dearer agents, fewer accounts, buyers paying less or winning more off list never
    earn more than the plan."""
    bargaining = {"expected_discount": 0.1, "max_discount": 0.2}
    request = request_for(market("BW", 60, **bargaining), market("ZW", 40, **bargaining))
    found = sweep(request, shipped_and("BW", "ZW"), 2, 1, workers=2, swings=True)
    base = found.plan.profit_usd
    ends = {k: d.profit_usd for k, d in found.swings.items()}
    assert len(ends) == 12
    assert ends["wages:p90"] <= base <= ends["wages:p10"]
    assert ends["accounts:p10"] <= base <= ends["accounts:p90"]
    assert ends["willingness_to_pay:p10"] <= base <= ends["willingness_to_pay:p90"]
    assert ends["discount:p90"] < base < ends["discount:p10"]  # buyers winning more earn less
    assert ends["accounts:p10"] < base - 1_000  # half the accounts: a real loss
    frame = found.tornado()
    assert frame["swing"].is_monotonic_decreasing
    assert (frame["low"] <= frame["high"]).all() and (frame["base"] == base).all()
    assert frame.iloc[0]["driver"] == "Accounts won (P10-P90)"


def test_a_held_plan_without_spread_earns_what_the_plan_earns() -> None:
    request = request_for(market("BW", 40), market("ZW", 25), market("LS", 30))
    plan = decide(request)
    held = run_draws(request, Uncertainty(()), 1, [0], fixed=True)[0]
    for code in ("BW", "ZW", "LS"):
        assert held.markets[code].profit_usd == pytest.approx(
            plan.markets[code].profit_usd, abs=0.02
        )
        assert held.markets[code].delivery == plan.markets[code].delivery


def test_a_held_price_is_kept_in_local_currency_and_buyers_answer_it() -> None:
    """Botswana's one tier is priced at 1,000 USD, its buyers' full value. Held in a draw
    where only what buyers will pay moves, it sells exactly when they still value it at its
    price, and then earns what the plan earns (the price does not follow them up); held in a
    draw where only the pula moves, it always sells and its revenue follows the currency."""
    request = request_for(market("BW", 60))
    plan = decide(request).markets["BW"]
    assert plan.sold and plan.revenue_usd == pytest.approx(60 * 1_000.0)
    paying = Uncertainty(
        (UncertaintyRow("willingness_to_pay", "*", "lognormal", 0.8, 1.25, None, "test"),)
    )
    draws = list(range(12))
    held = run_draws(request, paying, 3, draws, fixed=True)
    replanned = run_draws(request, paying, 3, draws)
    for h, r in zip(held, replanned, strict=True):
        factor = h.factors["BW"].willingness_to_pay
        assert (h.markets["BW"].delivery is not None) == (factor >= 1.0)
        if factor >= 1.0:
            assert h.markets["BW"].profit_usd == pytest.approx(plan.profit_usd, abs=0.02)
            assert r.markets["BW"].profit_usd > h.markets["BW"].profit_usd  # re-priced up
        else:
            assert h.markets["BW"].profit_usd == 0.0
    assert {h.markets["BW"].delivery is None for h in held} == {True, False}
    # The same on the cluster: the sweep holds the plan in every draw.
    swept = sweep(request, paying, 12, 3, workers=2, fixed=True)
    assert swept.fixed and [d.markets for d in swept.draws] == [h.markets for h in held]
    assert swept.market_row("BW")["probability_sold"] == pytest.approx(
        sum(h.markets["BW"].delivery is not None for h in held) / 12
    )
    pula = Uncertainty((UncertaintyRow("fx", "BW", "lognormal", 0.8, 1.25, None, "test"),))
    for h in run_draws(request, pula, 3, draws, fixed=True):
        factor = h.factors["BW"].fx
        revenue_moved = 60 * 1_000.0 * (factor - 1.0)
        assert h.markets["BW"].profit_usd == pytest.approx(
            plan.profit_usd + revenue_moved, abs=0.05
        )
