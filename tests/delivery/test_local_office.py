"""The local office as a delivery model: a market served from a team of its own in the market,
every tier holding the local office (tests.small_markets: one segment, one tier, no margin rule,
so a market's profit is its accounts x what the tier is worth, less what its desks cost)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pricing.delivery.decision import decide
from pricing.errors import InputError
from pricing.inputs.segments import SegmentRow
from pricing.market_model import MarketSolves
from pricing.plan import make_plan
from pricing.settings import PlanSettings
from tests.small_markets import RULES, brute_force, market, one_segment, request_for

ACCOUNTS = 200


def valuing_local_team(usd: float) -> tuple[SegmentRow, ...]:
    """The one segment, which also pays ``usd`` per account a year for a local team."""
    return one_segment(local_office_usd=usd)


def by_hand(local_usd: float) -> dict[str, float]:
    """What Botswana earns on desks of its own with the tier bare and with the local office,
    each costed by the cost sheet's own function (:meth:`Workload.evaluate`)."""
    request = request_for(market("BW", ACCOUNTS)).replace(
        segment_rows=valuing_local_team(local_usd)
    )
    local = dataclasses.replace(request.settings, delivery={"BW": "local"})
    workload = MarketSolves(request, "BW").problem(local).workload
    assert workload is not None
    earned = {}
    for name, options, value in (
        ("hub", frozenset(), 1_000.0),
        ("local", frozenset({"local_office"}), 1_000.0 + local_usd),
    ):
        accounts = np.zeros(len(workload.sets))
        accounts[workload.set_index(options)] = ACCOUNTS
        earned[name] = ACCOUNTS * value - float(workload.evaluate(accounts).cost_usd[0])
    return earned


@pytest.mark.parametrize("local_usd", [0.0, 6_000.0])
def test_the_local_office_is_chosen_exactly_where_it_pays(local_usd: float) -> None:
    botswana = market("BW", ACCOUNTS)
    request = request_for(botswana).replace(segment_rows=valuing_local_team(local_usd))
    decision = decide(request)
    chosen = decision.markets["BW"]
    earned = by_hand(local_usd)
    best = max(earned, key=earned.__getitem__)
    assert chosen.delivery == best
    assert chosen.profit_usd == pytest.approx(earned[best], abs=0.01)
    assert chosen.site == ("BW" if best == "local" else "ZA")
    # Nothing else the market could be served by does better (brute force over every model).
    assert decision.profit_usd == pytest.approx(
        max(decide(request, {"BW": m}).profit_usd for m in ("hub", "local", "distributor")),
        abs=0.01,
    )


def test_with_no_value_for_a_local_team_the_local_office_costs_what_its_office_costs() -> None:
    request = request_for(market("BW", ACCOUNTS)).replace(segment_rows=valuing_local_team(0.0))
    free = decide(request).markets["BW"]
    held = decide(request, {"BW": "local"}).markets["BW"]
    earned = by_hand(0.0)
    assert free.delivery == "hub" and held.delivery == "local"
    assert held.profit_usd == pytest.approx(earned["local"], abs=0.01)
    assert held.profit_usd < free.profit_usd
    assert brute_force(market("BW", ACCOUNTS)) >= free.profit_usd - 0.01


def test_a_plan_held_to_the_local_office_sells_only_tiers_holding_it() -> None:
    kenya = market("KE", ACCOUNTS)  # a currency the rate book holds, for the plan's prices
    request = request_for(kenya).replace(
        segment_rows=valuing_local_team(2_000.0),
        settings=dataclasses.replace(RULES, tiers=2, delivery={"*": "local"}),
    )
    plan = make_plan(request)
    (ke,) = plan.markets
    assert ke.delivery is not None and ke.delivery.delivery == "local"
    assert ke.tiers and all("local_office" in t.options for t in ke.tiers)
    # The market's plan and the portfolio's decision are one answer.
    assert ke.profit_usd == pytest.approx(plan.decision.markets["KE"].profit_usd, abs=0.01)


def test_a_market_that_is_its_own_hub_is_served_locally_by_its_hub() -> None:
    home = market("ZA", ACCOUNTS)
    request = request_for(home)
    assert decide(request, {"ZA": "local"}).markets["ZA"].delivery == "hub"
    assert decide(request, {"ZA": "local"}).profit_usd == pytest.approx(
        decide(request, {"ZA": "hub"}).profit_usd, abs=0.01
    )


def test_a_tier_that_may_not_hold_the_local_office_refuses_the_local_model() -> None:
    settings = PlanSettings(
        tiers=1, min_margin=0.0, allowed={"Standard": frozenset()}, delivery={"BW": "local"}
    )
    request = request_for(market("BW", ACCOUNTS)).replace(settings=settings)
    with pytest.raises(InputError, match=r"delivery of BW is local.*Standard"):
        MarketSolves(request, "BW").problem(settings)
