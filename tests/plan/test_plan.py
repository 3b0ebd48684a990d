"""The portfolio plan on the shipped data: costs -> MILP -> quotes -> local currency."""

from __future__ import annotations

import pytest

from pricing.errors import DataFileError, InputError
from pricing.inputs.catalog import load_markets
from pricing.inputs.segments import load_segments
from pricing.money.fx import rate
from pricing.plan import make_plan
from pricing.settings import PlanSettings
from tests.helpers import plan_of, request_of

MARKETS = load_markets()


@pytest.fixture(scope="module")
def plans():
    return {p.market.code: p for p in plan_of(MARKETS).markets}


def test_every_market_is_planned(plans) -> None:
    assert set(plans) == {m.code for m in MARKETS}
    for plan in plans.values():
        assert plan.solution.status == "optimal"
        assert plan.profit_usd >= 0
        if not plan.tiers:
            assert plan.solution.message and plan.market.code in plan.solution.message


def test_quotes_respect_floor_and_margin(plans) -> None:
    for plan in plans.values():
        for tier in plan.tiers:
            q = tier.quote_usd
            assert q.list_price >= q.target >= q.floor
            # Local price points: buffered, rounded on one step, never below the floor.
            factor = plan.rate.rate * (1 + plan.buffer)
            local = tier.local
            assert local.floor >= q.floor * factor * (1 - 1e-12)
            assert abs(local.target - q.target * factor) <= local.step
            assert local.list_price >= local.target >= local.floor


def test_floor_revenue_covers_cost_plus_margin(plans) -> None:
    """Every account at its floor still earns the default 15 % margin on the market's cost; on
    a shared desk, the markets on it at their floors earn it on all their costs together."""
    floors: dict[str, float] = {}
    costs: dict[str, float] = {}
    for plan in plans.values():
        if plan.tiers:
            floor = sum(t.quote_usd.floor * t.accounts for t in plan.tiers)
            assert floor == pytest.approx(plan.solution.floor_revenue, rel=1e-9)
            desk = plan.delivery.desk if plan.delivery is not None else None
            if desk is None:
                assert floor >= 1.15 * plan.cost_usd - 0.01, plan.market.code
            floors[desk or plan.market.code] = floors.get(desk or plan.market.code, 0.0) + floor
            costs[desk or plan.market.code] = costs.get(desk or plan.market.code, 0.0) + (
                plan.cost_usd
            )
    for key, floor in floors.items():
        assert floor >= 1.15 * costs[key] - 0.01, key
    assert any(":" in key for key in floors)  # some markets share a desk


def test_bargaining_markets_get_more_headroom(plans) -> None:
    """Gulf buyers expect to bargain: more room between list and floor than in Germany."""
    headroom = {
        code: max(t.quote_usd.headroom for t in plans[code].tiers)
        for code in ("AE", "SA", "DE", "SE")
        if plans[code].tiers
    }
    assert headroom["AE"] > 2 * headroom["DE"]
    assert headroom["SA"] > 2 * headroom["SE"]


def test_premium_tiers_hold_more_and_cost_more(plans) -> None:
    us = plans["US"]
    assert len(us.tiers) >= 2
    for low, high in zip(us.tiers, us.tiers[1:], strict=False):
        assert set(low.options) < set(high.options)
        assert high.quote_usd.target > low.quote_usd.target


def test_priority_tiers_promise_a_faster_answer(plans) -> None:
    for plan in plans.values():
        for tier in plan.tiers:
            if "priority_response" in tier.options:
                assert tier.answer_within_seconds < plan.market.answer_target_seconds
            else:
                assert tier.answer_within_seconds == plan.market.answer_target_seconds


def test_local_prices_use_the_market_currency(plans) -> None:
    ae = plans["AE"]
    assert ae.rate.quote == "AED" and ae.rate.rate == pytest.approx(3.6725)
    jp = plans["JP"]
    assert jp.rate.quote == "JPY"
    for tier in jp.tiers:
        assert tier.target_local == round(tier.target_local)  # yen have no minor unit


def test_highs_agrees_with_cbc(plans) -> None:
    other = plan_of(MARKETS, PlanSettings(solver="highs")).markets
    for plan in other:
        assert plan.profit_usd == pytest.approx(
            plans[plan.market.code].profit_usd, rel=1e-6, abs=1e-3
        )


def test_allowed_and_required_options() -> None:
    settings = PlanSettings(
        allowed={"Basic": frozenset(), "Standard": frozenset({"priority_response"})},
        required={"Premium": frozenset({"coverage_24x7"})},
    )
    [us] = plan_of(MARKETS, settings, only=["US"]).markets
    for tier in us.tiers:
        if tier.name == "Basic":
            assert tier.options == ()
        if tier.name == "Standard":
            assert set(tier.options) <= {"priority_response"}
        if tier.name == "Premium":
            assert "coverage_24x7" in tier.options


def test_fewer_tiers(plans) -> None:
    [one] = plan_of(MARKETS, PlanSettings(tiers=1), only=["US"]).markets
    assert len(one.tiers) <= 1
    assert one.profit_usd <= plans["US"].profit_usd + 1e-6


def test_bad_settings() -> None:
    with pytest.raises(InputError, match="tiers must be 1 to 5"):
        PlanSettings(tiers=7)
    with pytest.raises(InputError, match="unknown market"):
        plan_of(MARKETS, only=["XX"])


def test_segment_file_validation(tmp_path) -> None:
    good = load_segments()
    assert {row.segment for row in good} == {"small", "mid-size", "enterprise"}
    text = tmp_path / "s.csv"
    header = (
        "code,segment,share,base_value_usd,priority_response_usd,coverage_24x7_usd,"
        "multilingual_usd,local_office_usd,source\n"
    )
    text.write_text(header + "*,small,0.5,100,1,1,1,1,x\n*,big,0.4,200,1,1,1,1,x\n")
    with pytest.raises(DataFileError, match=r"add up to 0\.9"):
        load_segments(text)
    text.write_text(header + "*,small,1.0,-100,1,1,1,1,x\n")
    with pytest.raises(DataFileError, match="row 2, column 'base_value_usd'"):
        load_segments(text)
    text.write_text(header + "DE,small,1.0,100,1,1,1,1,x\n")
    with pytest.raises(DataFileError, match="no default rows"):
        load_segments(text)


def test_rates_basics() -> None:
    assert rate("USD", "SAR").rate == 3.75
    assert rate("SAR", "USD").rate == pytest.approx(1 / 3.75)
    assert rate("EUR", "EUR").rate == 1.0
    round_trip = rate("EUR", "JPY").rate * rate("JPY", "EUR").rate
    assert round_trip == pytest.approx(1.0)
    with pytest.raises(InputError, match="unknown currency 'ZZZ'"):
        rate("USD", "ZZZ")


def test_a_rule_for_a_tier_that_is_not_planned_is_refused() -> None:
    """A required option on Premium with one tier (Standard) would bind nothing: refused."""
    with pytest.raises(InputError, match=r"required: tier\(s\) Premium are not among the 1 tier"):
        PlanSettings(tiers=1, required={"Premium": frozenset({"coverage_24x7"})})
    with pytest.raises(InputError, match="allowed: tier"):
        PlanSettings(tiers=2, allowed={"Standard": frozenset()})


def test_customers_are_whole_and_add_up_to_the_market(plans) -> None:
    """Indonesia's 35 accounts were split 21 / 10.5 / 3.5: segments and tiers now count whole
    customers (largest remainders), and a market's segments still hold all its accounts."""
    from pricing.inputs.segments import market_segments, whole_accounts

    rows = load_segments()
    for code, plan in plans.items():
        sizes = [s.accounts for s in market_segments(plan.market, rows)]
        assert all(size == int(size) for size in sizes), (code, sizes)
        assert sum(sizes) == plan.market.accounts, code
        for tier in plan.tiers:
            assert tier.accounts == int(tier.accounts), (code, tier.name, tier.accounts)
    indonesia = [s.accounts for s in market_segments(plans["ID"].market, rows)]
    assert plans["ID"].market.accounts == 35 and indonesia == [21, 11, 3]
    assert whole_accounts(7, [1 / 3, 1 / 3, 1 / 3]) == [3, 2, 2]
    assert whole_accounts(0, [0.6, 0.3, 0.1]) == [0, 0, 0]


@pytest.mark.parametrize("total", [0, 1, 2, 3, 17, 35, 420, 9_999_999])
def test_whole_accounts_are_the_nearest_split_that_adds_up(total: int) -> None:
    from pricing.inputs.segments import whole_accounts

    shares = [0.55, 0.3, 0.15]
    split = whole_accounts(total, shares)
    assert sum(split) == total
    assert all(abs(part - total * share) < 1 for part, share in zip(split, shares, strict=True))


def test_a_plan_without_reasons_is_the_same_plan() -> None:
    """A request with ``reasons=False`` (a sensitivity case) solves no rule or alternative and
    plans the same tiers at the same prices."""
    full = make_plan(request_of(only=["DE", "IT"]))
    bare = make_plan(request_of(only=["DE", "IT"]).replace(reasons=False))
    for with_reasons, without in zip(full.markets, bare.markets, strict=True):
        assert with_reasons.rules and with_reasons.counterfactuals
        assert without.rules == () and without.counterfactuals == ()
        assert without.profit_usd == with_reasons.profit_usd
        assert [(t.name, t.options, t.quote_usd.target) for t in without.tiers] == [
            (t.name, t.options, t.quote_usd.target) for t in with_reasons.tiers
        ]
