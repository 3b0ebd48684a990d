"""Reasons that name an alternative are the alternative solved: each counterfactual's scenario
file re-plays to its stated profit (Germany's "24/7 would cost 89,191 more and Standard's buyers
would pay 116,640 more" read as a gain of 27k; solved, adding 24/7 to Standard loses 44,757)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pricing.inputs.catalog import load_markets
from pricing.inputs.schemas import parse_scenario
from pricing.outputs.payload import market_payload
from tests.cli_helpers import run
from tests.helpers import on_own_desks, plan_of

MARKETS = load_markets()
CODES = ["DE", "US", "ID", "SA", "PL"]


@pytest.fixture(scope="module")
def plans() -> dict:
    return {p.market.code: p for p in plan_of(MARKETS, on_own_desks(), only=CODES).markets}


def test_every_counterfactual_replays_to_its_profit(plans) -> None:
    seen = 0
    for code, plan in plans.items():
        assert plan.counterfactuals, code
        for alternative in plan.counterfactuals:
            settings = parse_scenario(alternative.scenario).settings()
            [replayed] = plan_of(MARKETS, settings, only=[code]).markets
            assert alternative.profit_usd == pytest.approx(replayed.profit_usd, abs=0.01), (
                code,
                alternative.change,
            )
            seen += 1
    assert seen >= 8


def test_germanys_24_7_is_solved_not_narrated(plans) -> None:
    germany = plans["DE"]
    [add] = [c for c in germany.counterfactuals if c.change == "Add 24/7 coverage to Standard"]
    assert add.profit_usd - germany.profit_usd == pytest.approx(-44_757, abs=1)
    assert add.scenario["required"] == {"Standard": ["coverage_24x7"]}
    reasons = " ".join(germany.reasons)
    assert "Add 24/7 coverage to Standard: the market would earn 320,653 USD a year, -44,757" in (
        reasons
    )
    # No reason quotes an option cost of its own: costs are the Option costs sheet's.
    assert "fixed cost of" not in reasons and "would cost" not in reasons


def test_an_unsold_market_compares_a_year_with_a_year(plans) -> None:
    message = plans["ID"].solution.message
    assert "a year in all" in message and "costs 34,110 a year" in message
    [no_margin] = plans["ID"].counterfactuals
    assert no_margin.change == "Keep no margin at the floor" and no_margin.profit_usd > 0


def test_the_cli_prints_counterfactuals_that_replay(tmp_path: Path, plans) -> None:
    done = run("plan", "--market", "DE", "--delivery", "hub")
    assert done.returncode == 0, done.stderr
    [market] = json.loads(done.stdout)["markets"]
    assert market == market_payload(plans["DE"])
    [first, *_] = market["counterfactuals"]
    path = tmp_path / "alternative.json"
    path.write_text(json.dumps(first["scenario"]))
    again = run("plan", "--market", "DE", "--scenario", str(path))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["markets"][0]["profit_usd"] == pytest.approx(
        first["profit_usd"], abs=0.01
    )
