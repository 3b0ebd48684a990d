"""What a rule costs a market on a shared desk: its community solved again with the rule taken
from that market alone, the other markets' sales held (pricing.delivery.held_rules)."""

from __future__ import annotations

import dataclasses

import pytest

from pricing.delivery.decision import decide
from pricing.plan import make_plan
from tests.small_markets import RULES, SEGMENTS, market, one_segment, request_for

PRIORITY_USD = 500.0  # what each account would pay a year for priority answers
# Priority answers valued by every segment, and a rule that keeps them out of the one tier.
VALUED = one_segment(PRIORITY_USD)
NO_OPTIONS = dataclasses.replace(RULES, allowed={"Standard": frozenset()})


def _pair():
    """Botswana and Zimbabwe, 50 accounts each, priced in rand for the plan's quotes."""
    return request_for(market("BW", 50, currency="ZAR"), market("ZW", 50, currency="ZAR"))


def _plan(settings, segments=VALUED):
    request = _pair()
    return make_plan(request.replace(settings=settings, segment_rows=segments, reasons=True))


def test_a_rule_that_binds_on_a_shared_desk_costs_what_its_market_loses() -> None:
    """Botswana and Zimbabwe share one desk, whose one agent on duty answers their priority
    contacts too: the rule costs each market its 50 accounts' priority price, and the two
    effects add up to what the rule costs both (the plans with and without it, decided)."""
    plan = _plan(NO_OPTIONS)
    both = decide(_pair().replace(segment_rows=VALUED))
    ruled = plan.decision
    assert ruled is not None and both.profit_usd - ruled.profit_usd == pytest.approx(
        2 * 50 * PRIORITY_USD, abs=0.01
    )
    for code in ("BW", "ZW"):
        market_plan = plan.market(code)
        assert market_plan.delivery.delivery == "pooled"
        effect = next(e for e in market_plan.rules if "may hold only" in e.rule)
        assert effect.status == "binds"
        assert effect.profit_change_usd == pytest.approx(-50 * PRIORITY_USD, abs=0.01)
        assert effect.profit_without_usd == pytest.approx(
            market_plan.profit_usd + 50 * PRIORITY_USD, abs=0.01
        )
        assert f"{50 * PRIORITY_USD:,.0f} USD a year more" in effect.sentence


def test_a_rule_nobody_would_break_is_slack_on_a_shared_desk() -> None:
    """Nobody values priority answers: keeping them out of the tier changes nothing."""
    plan = _plan(NO_OPTIONS, SEGMENTS)
    for code in ("BW", "ZW"):
        effects = plan.market(code).rules
        assert effects and all(e.status == "slack" for e in effects)
        assert all(e.profit_change_usd == 0.0 for e in effects)


def test_every_rule_of_a_shared_desk_market_costs_nothing_or_more() -> None:
    """A rule only takes choices away: with it a market earns no more than without it."""
    rules = dataclasses.replace(NO_OPTIONS, min_margin=0.5, tiers=2, allowed=None)
    plan = _plan(rules)
    shared = [p for p in plan.markets if p.delivery and p.delivery.desk]
    assert shared
    for market_plan in shared:
        assert market_plan.rules
        for effect in market_plan.rules:
            assert effect.profit_change_usd <= 1e-6, effect
