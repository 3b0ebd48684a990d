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
    seen = unsold = 0
    for code, plan in plans.items():
        assert plan.counterfactuals, code
        for alternative in plan.counterfactuals:
            settings = parse_scenario(alternative.scenario).settings()
            [replayed] = plan_of(MARKETS, settings, only=[code]).markets
            assert alternative.profit_usd == pytest.approx(replayed.profit_usd, abs=0.01), (
                code,
                alternative.change,
            )
            # The tiers it says would no longer be sold are those the replay does not sell.
            gone = {t.name for t in plan.tiers} - {t.name for t in replayed.tiers}
            assert set(alternative.unsold) == gone, (code, alternative.change)
            if gone:
                said = alternative.sentence(plan.profit_usd)
                assert f"{' and '.join(alternative.unsold)} would then not be sold" in said
                unsold += 1
            seen += 1
    assert seen >= 8 and unsold >= 1


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


def test_a_market_on_a_shared_desk_gets_its_alternatives_solved_with_the_others_held() -> None:
    """Botswana and Zimbabwe share the South Africa desk; their one tier holds priority answers,
    worth 300 USD an account. Taking them out of one market's tier, the other selling as
    planned, loses that market's 50 x 300 and saves no agent (the desk's load is light)."""
    from pricing.plan import make_plan
    from tests.small_markets import market, one_segment, request_for

    pair = request_for(market("BW", 50, currency="USD"), market("ZW", 50, currency="USD"))
    plan = make_plan(pair.replace(segment_rows=one_segment(priority_response_usd=300.0)))
    for mine, other in (("BW", "ZW"), ("ZW", "BW")):
        [shared] = [p for p in plan.markets if p.market.code == mine]
        assert shared.delivery is not None and shared.delivery.desk == "ZA:en"
        [take] = shared.counterfactuals
        assert take.change.startswith("Take Priority response out of")
        assert take.others_held == (other,)
        assert take.profit_usd - shared.profit_usd == pytest.approx(-50 * 300.0, abs=0.01)
        assert take.as_json()["others_held"] == [other]
        # Its one tier is still sold without priority answers (at 300 less an account).
        assert take.unsold == () and take.as_json()["tiers_unsold"] == []
        assert (
            f"{take.change}: the portfolio would earn 15,000 USD a year less, the other markets "
            "it can share a desk with selling as planned" in " ".join(shared.reasons)
        )
