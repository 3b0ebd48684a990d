"""The floor policy by tier in the portfolio decision (pricing.delivery.tier_floors): the same
menus as each market's own model where markets are on desks of their own, and refused with the
reason where a shared desk's part keeps a floor below its tier's cost."""

from __future__ import annotations

import pytest

from pricing.delivery.decision import decide
from pricing.errors import InfeasibleError, InputError
from pricing.inputs.schemas import parse_scenario
from pricing.plan import make_plan
from pricing.settings import PlanSettings
from tests.helpers import request_of

TIER_FLOORS = PlanSettings(floor_policy="tier")


def test_on_desks_of_their_own_the_portfolio_holds_the_tier_floors_as_each_market_does() -> None:
    """Canada and South Africa on desks of their own: the decision earns what each market's
    own model earns under the policy (Canada sells less than under the market-wide rule, South
    Africa nothing), and every tier the plan sells keeps the policy on the cost it reports."""
    codes = ("CA", "ZA")
    rules = PlanSettings(floor_policy="tier", delivery={"*": "hub"})
    request = request_of(settings=rules).replace(only=codes, reasons=False)
    plan = make_plan(request)
    market_wide = make_plan(request.replace(settings=PlanSettings(delivery={"*": "hub"})))
    assert plan.decision is not None
    for code in codes:
        market_plan = plan.market(code)
        assert plan.decision.markets[code].profit_usd == pytest.approx(
            market_plan.profit_usd, abs=0.01
        )
        for tier in market_plan.tiers:
            needed = (1 + rules.min_margin) * tier.unit_cost_usd
            assert tier.quote_usd.floor >= needed - 0.005, (code, tier.name)
        assert market_plan.profit_usd < market_wide.market(code).profit_usd - 1.0
    assert not plan.market("ZA").tiers


def test_a_floor_short_through_a_shared_desk_is_refused_with_the_reason() -> None:
    """South Africa, Nigeria and Kenya share South Africa's desk; Basic's floor there is below
    its fully loaded cost with the desk's part, and no menu of theirs keeps the policy: the
    plan is refused, saying which floors and how to plan them instead."""
    request = request_of(settings=TIER_FLOORS).replace(only=("ZA",), reasons=False)
    with pytest.raises(InfeasibleError) as refused:
        decide(request)
    said = str(refused.value)
    assert said.startswith("floor_policy: ")
    assert "ZA on ZA:en: Basic" in said
    assert '"ZA": "hub"' in said


def test_the_floor_policy_is_a_scenario_key_that_round_trips_and_is_checked() -> None:
    settings = parse_scenario({"floor_policy": "tier"}).settings()
    assert settings.floor_policy == "tier"
    assert parse_scenario(settings.as_scenario()).settings().floor_policy == "tier"
    assert parse_scenario({}).settings().floor_policy == "market"
    with pytest.raises(InputError) as refused:
        parse_scenario({"floor_policy": "deal"}, "rules.json")
    assert "floor_policy" in str(refused.value) and "deal" in str(refused.value)
