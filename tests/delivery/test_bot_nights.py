"""Bot nights as a delivery model: a market on desks of its own whose 24/7 tier's nights a bot
and an agent on call answer, worth ``bot_night_value_share`` of live 24/7 to its buyers. Small
markets of tests.small_markets (one segment, one tier, no margin rule): each way of serving is
costed by the cost sheet's own function and the best is found by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pricing.delivery.decision import decide
from pricing.market_model import MarketSolves
from pricing.models import CostParameters
from pricing.plan import make_plan
from pricing.settings import DELIVERY_MODELS
from tests.small_markets import market, one_segment, request_for

ACCOUNTS = 100


def kenya(value_24x7: float, params: CostParameters | None = None):
    """Kenya (a currency the rate book holds) with busy nights, its one segment paying
    ``value_24x7`` a year per account for live 24/7 support."""
    ke = market(
        "KE",
        ACCOUNTS,
        timezone="Africa/Nairobi",
        off_hours_contact_share=0.25,
        share_expecting_24x7=0.35,  # the median market: 24/7 worth the segment's value
    )
    request = request_for(ke).replace(segment_rows=one_segment(coverage_24x7_usd=value_24x7))
    return request.replace(params=params) if params else request


def by_hand(request) -> dict[str, float]:
    """What Kenya earns on its own desks: bare, with live 24/7, and with 24/7 by bot nights
    (worth the share of live 24/7 its buyers keep), each priced at what the tier is worth."""
    params = request.params or CostParameters()
    value = request.segment_rows[0].coverage_24x7_usd
    earned = {}
    for name, served, worth in (
        ("bare", "hub", 0.0),
        ("hub", "hub", value),
        ("bot_nights", "bot_nights", value * params.bot_night_value_share),
    ):
        settings = dataclasses.replace(request.settings, delivery={"KE": served})
        workload = MarketSolves(request, "KE").problem(settings).workload
        accounts = np.zeros(len(workload.sets))
        options = frozenset() if name == "bare" else frozenset({"coverage_24x7"})
        accounts[workload.set_index(options)] = ACCOUNTS
        cost = float(workload.evaluate(accounts).cost_usd[0])
        earned[name] = ACCOUNTS * (1_000.0 + worth) - cost
    return earned


@pytest.mark.parametrize("value_24x7", [300.0, 1_500.0, 6_000.0])
def test_bot_nights_are_chosen_exactly_where_they_pay_best(value_24x7: float) -> None:
    request = kenya(value_24x7)
    earned = by_hand(request)
    chosen = decide(request).markets["KE"]
    best = max(earned, key=earned.__getitem__)
    assert chosen.profit_usd == pytest.approx(earned[best], abs=0.01)
    assert chosen.delivery == ("bot_nights" if best == "bot_nights" else "hub")
    # Against every model forced on it, one by one.
    forced = {m: decide(request, {"KE": m}).profit_usd for m in DELIVERY_MODELS}
    assert decide(request).profit_usd == pytest.approx(max(forced.values()), abs=0.01)
    assert forced["bot_nights"] == pytest.approx(max(earned["bare"], earned["bot_nights"]))
    # Held to bot nights, the market says so (its own desks, with a bot and an agent on call).
    held = decide(request, {"KE": "bot_nights"}).markets["KE"]
    assert held.delivery == ("bot_nights" if held.sold else None)


def test_what_buyers_think_of_a_bot_at_night_decides_it() -> None:
    """The same market, the bot's 24/7 worth nothing and worth as much as live 24/7: the
    value share is a control that moves the choice."""
    chosen = {}
    for share in (0.0, 1.0):
        params = dataclasses.replace(CostParameters(), bot_night_value_share=share)
        chosen[share] = decide(kenya(1_500.0, params)).markets["KE"].delivery
    assert chosen == {0.0: "hub", 1.0: "bot_nights"}


def test_a_plan_with_bot_nights_is_the_decision_and_says_so() -> None:
    request = kenya(300.0)
    assert max(by_hand(request), key=by_hand(request).__getitem__) == "bot_nights"
    plan = make_plan(request)
    (ke,) = plan.markets
    assert ke.delivery is not None and ke.delivery.delivery == "bot_nights"
    assert ke.profit_usd == pytest.approx(plan.decision.markets["KE"].profit_usd, abs=0.01)
    assert ke.workload.bot_nights
    [tier] = ke.tiers
    assert tier.coverage == "24/7 (nights: a bot, an agent on call)"
    assert sum(t.unit_cost_usd * t.accounts for t in ke.tiers) == pytest.approx(ke.solution.cost)
