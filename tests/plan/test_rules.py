"""Every rule accounted for: each rule's effect in each market is the difference of two plans,
the market planned with the rule and without it (rules were silent: a rule that left a tier
unsold said nothing, and a plan scenario could not ask for a tier to be offered)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from pricing.inputs.catalog import load_markets
from pricing.inputs.schemas import parse_scenario
from pricing.money.fx import DEFAULT_BOOK, RateBook
from pricing.outputs.payload import market_payload
from pricing.rules import rules_of
from pricing.settings import PlanSettings
from tests.cli_helpers import refused, run
from tests.helpers import on_own_desks, plan_of

MARKETS = load_markets()
PREMIUM_24X7 = PlanSettings(min_margin=0.2, required={"Premium": frozenset({"coverage_24x7"})})


def _plan(code: str, settings: PlanSettings, rates: RateBook = DEFAULT_BOOK):
    [plan] = plan_of(MARKETS, on_own_desks(settings), only=[code], rates=rates).markets
    return plan


def _effect(plan, text: str):
    [effect] = [e for e in plan.rules if e.rule == text]
    return effect


def test_a_rule_that_leaves_a_tier_unsold_says_so_and_what_it_costs() -> None:
    """Poland with 24/7 required in Premium: Premium no longer pays. Without the rule it sells."""
    with_rule = _plan("PL", PREMIUM_24X7)
    without = _plan("PL", dataclasses.replace(PREMIUM_24X7, required=None))
    effect = _effect(with_rule, "Premium must hold 24/7")
    assert effect.status == "tier_unsold" and effect.unsold == ("Premium",)
    assert "Premium" not in [t.name for t in with_rule.tiers]
    assert "Premium" in [t.name for t in without.tiers]
    assert effect.profit_change_usd == pytest.approx(
        with_rule.profit_usd - without.profit_usd, abs=0.01
    )
    assert effect.profit_change_usd < 0
    market = market_payload(with_rule)
    [reported] = [r for r in market["rules"] if r["rule"] == "Premium must hold 24/7"]
    assert reported["status"] == "tier_unsold"
    assert any("leaves Premium unsold" in line for line in market["explanations"])


def test_a_rule_that_changes_nothing_is_slack() -> None:
    """The US sells 24/7 in Premium anyway: requiring it changes nothing."""
    with_rule = _plan("US", PREMIUM_24X7)
    without = _plan("US", dataclasses.replace(PREMIUM_24X7, required=None))
    effect = _effect(with_rule, "Premium must hold 24/7")
    assert effect.status == "slack" and effect.profit_change_usd == pytest.approx(0, abs=0.01)
    assert with_rule.profit_usd == pytest.approx(without.profit_usd, abs=0.01)


def test_a_tier_that_must_be_offered_binds_at_its_price() -> None:
    """Germany sells two tiers; offering Premium too costs what the two plans differ by."""
    forced = PlanSettings(must_offer=frozenset({"Premium"}))
    with_rule = _plan("DE", forced)
    without = _plan("DE", PlanSettings())
    assert "Premium" in [t.name for t in with_rule.tiers]
    assert "Premium" not in [t.name for t in without.tiers]
    effect = _effect(with_rule, "Premium must be offered")
    assert effect.status == "binds"
    assert effect.profit_change_usd == pytest.approx(
        with_rule.profit_usd - without.profit_usd, abs=0.01
    )
    assert effect.profit_change_usd < 0


def test_the_margin_rule_is_measured_against_no_margin() -> None:
    with_rule = _plan("BR", PlanSettings(min_margin=0.5))
    without = _plan("BR", PlanSettings(min_margin=0.0))
    effect = _effect(with_rule, "at the floor, a margin of at least 50% on the whole cost")
    assert effect.profit_change_usd == pytest.approx(
        with_rule.profit_usd - without.profit_usd, abs=0.01
    )
    assert effect.status in ("binds", "slack", "tier_unsold")


def test_only_what_takes_a_choice_away_is_a_rule() -> None:
    everything = frozenset({"priority_response", "coverage_24x7", "multilingual", "local_office"})
    settings = PlanSettings(min_margin=0.0, allowed={"Basic": everything, "Standard": frozenset()})
    assert [text for text, _ in rules_of(settings)] == [
        "at most 3 tiers",
        "Standard may hold only no option",
    ]
    # Five tiers are the most there are: no more tiers to plan against.
    assert [text for text, _ in rules_of(PlanSettings(tiers=5, min_margin=0.0))] == []
    # One tier is "Standard", two are "Basic" and "Premium": a rule on Standard is kept whole.
    one = PlanSettings(tiers=1, min_margin=0.0, must_offer=frozenset({"Standard"}))
    assert [text for text, _ in rules_of(one)] == ["Standard must be offered"]


def test_the_number_of_tiers_is_measured_against_one_tier_more() -> None:
    """Two tiers in the US, against three: what the limit costs is the difference of the plans."""
    two = _plan("US", PlanSettings(tiers=2))
    three = _plan("US", PlanSettings(tiers=3))
    effect = _effect(two, "at most 2 tiers")
    assert effect.profit_change_usd == pytest.approx(two.profit_usd - three.profit_usd, abs=0.01)
    assert effect.profit_without_usd == pytest.approx(three.profit_usd, abs=0.01)
    assert len(three.tiers) > len(two.tiers) and effect.status == "binds"
    assert effect.profit_change_usd < 0
    # With three tiers the US sells three; a fourth adds nothing.
    assert _effect(three, "at most 3 tiers").status == "slack"


def test_a_budget_rate_reports_the_local_prices_it_moves() -> None:
    """A budget rate is a rule on local prices: the same plan in USD, other prices in euros."""
    budget = DEFAULT_BOOK.with_override("EUR", 0.95)
    at_budget, at_market = _plan("DE", PlanSettings(), budget), _plan("DE", PlanSettings())
    effect = _effect(at_budget, "EUR at the budget rate of 0.9500 per USD")
    assert effect.status == "binds" and effect.profit_change_usd == 0
    assert at_budget.profit_usd == pytest.approx(at_market.profit_usd, abs=1e-6)
    for tier, before in zip(at_budget.tiers, at_market.tiers, strict=True):
        assert tier.list_local != before.list_local
        assert f"{tier.name} {before.local.format(before.list_local)}" in effect.sentence
        assert tier.local.format(tier.list_local) in effect.sentence
    assert f"{at_market.rate.rate:,.4f} per USD" in effect.sentence
    market = market_payload(at_budget)
    assert {"rule": effect.rule, "status": "binds", "profit_change_usd": 0.0} in market["rules"]
    # The market rate typed in as a budget rate moves nothing; a rate for another currency
    # is no rule here.
    same = _plan("DE", PlanSettings(), DEFAULT_BOOK.with_override("EUR", at_market.rate.rate))
    rule = f"EUR at the budget rate of {at_market.rate.rate:,.4f} per USD"
    assert _effect(same, rule).status == "slack"
    other = _plan("DE", PlanSettings(), DEFAULT_BOOK.with_override("JPY", 120))
    assert not [e for e in other.rules if "budget rate" in e.rule]


def test_a_scenario_asks_for_tiers_to_be_offered(tmp_path: Path) -> None:
    """`must_offer` was refused in a plan scenario ("Extra inputs are not permitted")."""
    assert parse_scenario({"must_offer": ["Premium"]}).settings().must_offer == {"Premium"}
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps({"must_offer": ["Premium"]}))
    done = run("plan", "--market", "DE", "--scenario", str(path))
    assert done.returncode == 0, done.stderr
    [market] = json.loads(done.stdout)["markets"]
    assert "Premium" in [t["name"] for t in market["tiers"]]
    assert "Premium must be offered" in [r["rule"] for r in market["rules"]]
    path.write_text(json.dumps({"must_offer": ["Gold"]}))
    refused(run("plan", "--market", "DE", "--scenario", str(path)), "must_offer", "Gold")
    # An impossible combination is refused, naming the rule that cannot hold.
    path.write_text(json.dumps({"must_offer": ["Premium"], "min_margin": 5}))
    refused(run("plan", "--market", "DE", "--scenario", str(path)), "floor_margin", "Premium")


def test_the_tier_designer_sets_must_hold_and_must_offer_and_says_what_each_rule_does() -> None:
    from tests.app_helpers import button, few, no_trouble, page, table_with
    from tests.conftest import shown

    # Japan, on desks of its own, sells Standard with priority response; a local team would
    # not pay (24/7 would, its nights answered by a bot).
    app = page("tier_designer", few("JP", "BR"), market="JP")
    app.number_input(key="td_margin").set_value(20.0)
    app.multiselect(key="td_required_3_Standard").set_value(["local_office"])
    button(app, "Run the optimiser").click()
    app.run()
    no_trouble(app)
    assert "Standard" not in list(table_with(app, "tier")["tier"])
    text = shown(" ".join(m.value for m in app.markdown))
    assert "What each rule does here" in text
    assert "The rule “Standard must hold Local team” leaves Standard unsold" in text
    # A tier every market must offer: where it cannot pay (Brazil, Nigeria...), the plan is
    # refused naming the first such market and the rule, and the rules typed stay in the form.
    app.multiselect(key="td_required_3_Standard").set_value([])
    app.multiselect(key="td_must_offer_3").set_value(["Premium"])
    app.number_input(key="td_margin").set_value(15.0)
    button(app, "Run the optimiser").click()
    app.run()
    assert not app.exception
    [error] = [shown(e.value) for e in app.main.error]
    assert re.search(r"of [A-Z]{2} cannot hold while Premium must be offered", error), error
    assert app.multiselect(key="td_must_offer_3").value == ["Premium"]


def test_the_brief_says_which_rule_leaves_a_tier_unsold() -> None:
    from datetime import date

    from pricing.offers.offer import build_offer

    offer = build_offer(_plan("PL", PREMIUM_24X7), date.today())
    assert any(
        r.startswith("Rule: The rule “Premium must hold 24/7” leaves Premium unsold")
        for r in offer.risks
    ), offer.risks
    assert not any(
        r.startswith("Rule:") for r in build_offer(_plan("PL", PlanSettings()), date.today()).risks
    )


def test_a_market_left_out_for_one_market_does_not_pass_for_the_whole_portfolio() -> None:
    """Every market must offer Premium: Nigeria cannot, on any desk. Planning South Africa alone
    leaves Nigeria out of their community rather than refusing South Africa; the solve kept for
    that must not let a plan that asks for Nigeria too pass with Nigeria left out."""
    from pricing.delivery.decision import decide
    from pricing.errors import InfeasibleError
    from tests.helpers import request_of

    rules = PlanSettings(must_offer=frozenset({"Premium"}), solver="highs")
    south_africa = decide(request_of(settings=rules, only=["ZA"]).replace(reasons=False))
    assert south_africa.markets["ZA"].sold
    assert "NG" not in south_africa.answers["ZA"].chosen  # left out, not sold by rule
    with pytest.raises(InfeasibleError, match="NG cannot hold while Premium must be offered"):
        decide(request_of(settings=rules, only=["ZA", "NG"]).replace(reasons=False))
