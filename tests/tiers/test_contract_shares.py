"""Prices as B2B vendors quote them: a tier's price as a share of what its buyers pay for the
product (their contract value), with a least and a most share per tier, and a ladder bounded
above as well as below. Hand-checked cases, brute force, and the shipped markets."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.cli.main import main
from pricing.errors import InputError
from pricing.inputs.catalog import load_markets
from pricing.inputs.segments import load_segments, market_segments
from pricing.settings import PlanSettings
from pricing.tiers.problem import Buyer, Option, Terms, TierProblem
from pricing.tiers.solve import solve
from tests.brute_force import best_profit
from tests.helpers import market_plan, on_own_desks

SOLVERS = ("cbc", "highs")


def one_segment(value: float, contract: float, **rules: object) -> TierProblem:
    """100 accounts valuing bare support at ``value``; one tier, no cost."""
    return TierProblem(
        label="test",
        tiers=("Standard",),
        options=(Option("extra", 0.0),),
        buyers=(Buyer("all", 100, value, {"extra": 0.0}, contract),),
        **rules,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_most_share_caps_the_price_at_that_share_of_the_contract(solver: str) -> None:
    free = solve(one_segment(3_000, 10_000), solver=solver)
    assert free.tier("Standard").target == pytest.approx(3_000)
    capped = solve(one_segment(3_000, 10_000, max_share={"Standard": 0.2}), solver=solver)
    tier = capped.tier("Standard")
    assert tier.target == pytest.approx(2_000)  # 20 % of 10,000
    assert tier.contract_value == pytest.approx(100 * 10_000)
    assert capped.profit == pytest.approx(100 * 2_000)


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_least_share_leaves_unsold_a_segment_that_values_support_below_it(
    solver: str,
) -> None:
    # The segment pays at most 1,000 = 10 % of its contract: a 15 % minimum cannot be met.
    assert (
        solve(one_segment(1_000, 10_000, min_share={"Standard": 0.15}), solver=solver).profit == 0
    )
    met = solve(one_segment(1_000, 10_000, min_share={"Standard": 0.10}), solver=solver)
    assert met.tier("Standard").target == pytest.approx(1_000)


def two_segments(**rules: object) -> TierProblem:
    """Small firms (150 accounts) value support at 40 and 24/7 at 10 more; large ones (100)
    at 60 and 24/7 at 60 more. Contract values 400 and 1,000."""
    terms = rules.pop("terms", Terms())
    return TierProblem(
        label="test",
        tiers=("Basic", "Premium"),
        options=(Option("coverage_24x7", 0.0),),
        buyers=(
            Buyer("small", 150, 40, {"coverage_24x7": 10}, 400),
            Buyer("large", 100, 60, {"coverage_24x7": 60}, 1_000),
        ),
        terms=terms,  # type: ignore[arg-type]
        **rules,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_ladders_most_step_holds_premium_near_basic(solver: str) -> None:
    # Free: Basic 40 to small, Premium 120 - (60 - 40) = 100 to large (large keeps 20 surplus
    # at most: 120 - 100 = 20 = 60 - 40): 3 times Basic.
    free = solve(two_segments(), solver=solver)
    assert free.tier("Basic").target == pytest.approx(40)
    assert free.tier("Premium").target == pytest.approx(100)
    # At most 100 % above Basic: Premium 80, and the large still prefer it (surplus 40 >= 20).
    # It beats one tier with 24/7 at 50 for all (12,500) or at 120 for the large (12,000).
    capped = solve(two_segments(terms=Terms(max_price_step=1.0)), solver=solver)
    assert capped.tier("Premium").target == pytest.approx(80)
    assert capped.profit == pytest.approx(150 * 40 + 100 * 80)
    assert capped.profit == pytest.approx(
        best_profit(two_segments(terms=Terms(max_price_step=1.0)), range(0, 121))
    )


def test_a_most_step_below_the_least_step_is_refused() -> None:
    with pytest.raises(InputError, match="max_price_step"):
        Terms(price_step=0.5, max_price_step=0.2)
    with pytest.raises(InputError, match="max_price_step"):
        PlanSettings(price_step=0.5, max_price_step=0.2)
    with pytest.raises(InputError, match="least share of contract value"):
        PlanSettings(min_share={"Basic": 0.3}, max_share={"Basic": 0.2})
    with pytest.raises(InputError, match="not among the 3 tier"):
        PlanSettings(min_share={"Gold": 0.3})


def test_a_share_rule_needs_every_segments_contract_value() -> None:
    problem = dataclasses.replace(
        one_segment(3_000, 0.0), max_share={}
    )  # no rule: no contract value needed
    assert solve(problem).tier("Standard").target == pytest.approx(3_000)
    with pytest.raises(InputError, match="no contract value"):
        one_segment(3_000, 0.0, max_share={"Standard": 0.2})


@st.composite
def ruled_problems(draw) -> TierProblem:
    """Designed two-tier problems with contract values and share and ladder rules on a grid
    where the optimal prices are whole numbers."""
    options = ["a", "b"][: draw(st.integers(1, 2))]
    shares = st.sampled_from([None, 0.1, 0.2, 0.3, 0.5])

    def rule(pick: float | None) -> dict[str, float]:
        return {} if pick is None else {"T1": pick}

    low, high = draw(shares), draw(shares)
    if low is not None and high is not None and low > high:
        low, high = high, low
    tier_two_high = draw(shares)
    return TierProblem(
        label="random",
        tiers=("T1", "T2"),
        options=tuple(Option(o, draw(st.integers(0, 2))) for o in options),
        buyers=tuple(
            Buyer(
                f"s{i}",
                draw(st.integers(1, 10)),
                draw(st.integers(0, 8)),
                {o: draw(st.integers(0, 6)) for o in options},
                draw(st.sampled_from([10, 20, 30, 40])),
            )
            for i in range(draw(st.integers(1, 3)))
        ),
        base_unit_cost=draw(st.integers(0, 2)),
        terms=Terms(max_price_step=draw(st.sampled_from([0.0, 1.0, 2.0]))),
        min_share=rule(low),
        max_share={**rule(high), **({"T2": tier_two_high} if tier_two_high else {})},
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=ruled_problems(), solver=st.sampled_from(SOLVERS))
def test_share_and_ladder_rules_match_brute_force(problem: TierProblem, solver: str) -> None:
    solution = solve(problem, solver=solver)
    assert solution.profit == pytest.approx(best_profit(problem, range(0, 21)), abs=1e-6)
    buyers = {b.name: b for b in problem.buyers}
    for tier in solution.tiers:
        if not tier.offered:
            continue
        for name in tier.buyers:
            contract = buyers[name].contract_value
            assert tier.target >= problem.min_share.get(tier.name, 0) * contract - 1e-6
            most = problem.max_share.get(tier.name)
            assert most is None or tier.target <= most * contract + 1e-6


def test_shipped_segments_carry_contract_values_scaled_by_price_level() -> None:
    markets = {m.code: m for m in load_markets()}
    rows = load_segments()
    us, india = (market_segments(markets[c], rows) for c in ("US", "IN"))
    for here, there in zip(us, india, strict=True):
        assert here.contract_value_usd > 0
        assert there.contract_value_usd == pytest.approx(
            here.contract_value_usd * markets["IN"].price_level / markets["US"].price_level
        )


def test_a_shipped_market_answers_each_tiers_share_and_a_cap_moves_it() -> None:
    free = market_plan("US", on_own_desks())
    shares = {t.name: t.share_of_contract_value for t in free.tiers}
    assert all(share is not None and share > 0 for share in shares.values())
    for tier in free.tiers:  # target / the buyers' contract value per account
        assert tier.share_of_contract_value == pytest.approx(
            tier.quote_usd.target / tier.contract_value_usd
        )
    highest = max(shares, key=shares.get)
    cap = round(shares[highest] - 0.05, 2)
    capped = market_plan("US", on_own_desks(PlanSettings(max_share={highest: cap})))
    assert capped.profit_usd < free.profit_usd
    after = {t.name: t for t in capped.tiers}
    if highest in after:
        assert after[highest].share_of_contract_value <= cap + 1e-6
    # The rule says what it costs: the plan without it, less the plan with it.
    [effect] = [r for r in capped.rules if "contract value" in r.rule]
    assert effect.status in ("binds", "tier_unsold")
    assert effect.profit_change_usd == pytest.approx(capped.profit_usd - free.profit_usd, abs=0.01)


def test_the_scenario_file_sets_share_rules_and_the_cli_answers_each_share(
    tmp_path, capsys
) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(
        json.dumps(
            {
                "delivery": {"*": "hub"},
                "share_of_contract_value": {"Premium": {"max": 0.15}, "Basic": {"min": 0.1}},
                "max_price_step": 3.0,
            }
        )
    )
    assert main(["plan", "--market", "US", "--scenario", str(scenario)]) == 0
    [market] = json.loads(capsys.readouterr().out)["markets"]
    tiers = {t["name"]: t for t in market["tiers"]}
    assert tiers, market
    for tier in tiers.values():
        assert tier["share_of_contract_value"] == pytest.approx(
            tier["target_usd"] / tier["contract_value_usd"], abs=1e-4
        )
    if "Premium" in tiers:
        assert tiers["Premium"]["share_of_contract_value"] <= 0.15 + 1e-4
    if "Basic" in tiers:
        assert tiers["Basic"]["share_of_contract_value"] >= 0.1 - 1e-4
    scenario.write_text(
        json.dumps({"share_of_contract_value": {"Basic": {"min": 0.3, "max": 0.2}}})
    )
    assert main(["plan", "--market", "US", "--scenario", str(scenario)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "min 0.3 is above max 0.2" in error, error
    assert str(tmp_path) not in error


def test_a_contract_value_cleared_in_the_table_editor_is_blank_not_refused() -> None:
    """The Tier designer's segment table leaves NaN in a cleared number cell: a blank contract
    value, allowed (no share is then known), not "nan is not a finite number"."""
    from pricing.inputs.segments import segment_rows_from_frame, segments_frame

    frame = segments_frame(load_segments())
    frame.loc[0, "contract_value_usd"] = None  # NaN in a float column
    rows = segment_rows_from_frame(frame)
    assert rows[0].contract_value_usd is None
    assert rows[1].contract_value_usd == load_segments()[1].contract_value_usd


def test_a_tier_with_a_buyer_of_unknown_contract_value_has_no_share() -> None:
    """Two segments buy the one tier, one of them with no contract value: the tier's share is
    unknown, not its price over the other segment's value alone."""
    problem = TierProblem(
        label="test",
        tiers=("Standard",),
        options=(Option("extra", 0.0),),
        buyers=(
            Buyer("known", 100, 1_000, {"extra": 0.0}, 10_000),
            Buyer("unknown", 100, 1_000, {"extra": 0.0}, 0.0),
        ),
    )
    tier = solve(problem).tier("Standard")
    assert tier.buyers == ("known", "unknown") and tier.contract_value == 0.0


def test_the_tier_designer_sets_share_rules_and_the_most_step_for_every_page() -> None:
    """Typed in the Tier designer's fields, the rules are in force on every page, and a
    scenario made of them puts them back in those fields."""
    from pricing.inputs.schemas import parse_scenario
    from tests.app_helpers import button, few, no_trouble, page
    from ui.scenario_picker import tier_rule_widgets

    app = page("tier_designer", few("DE", "PL"), market="DE")
    app.number_input(key="td_share_max_3_Premium").set_value(15.0)
    app.number_input(key="td_share_min_3_Basic").set_value(8.0)
    app.number_input(key="td_step_max").set_value(300.0)
    button(app, "Run the optimiser").click()
    app.run()
    no_trouble(app)
    settings, _ = app.session_state["plan_rules"]
    assert dict(settings.max_share) == {"Premium": 0.15}
    assert dict(settings.min_share) == {"Basic": 0.08}
    assert settings.max_price_step == 3.0
    # Round trip through a scenario file: the same rules, the same fields.
    again = parse_scenario(settings.as_scenario()).settings()
    assert again.max_share == settings.max_share and again.min_share == settings.min_share
    widgets = tier_rule_widgets(again)
    assert widgets["td_share_max_3_Premium"] == pytest.approx(15.0)
    assert widgets["td_share_min_3_Basic"] == pytest.approx(8.0)
    assert widgets["td_share_max_3_Basic"] is None


def test_a_price_at_its_share_cap_is_published_at_the_cap_not_a_tolerance_above() -> None:
    """HiGHS holds the cap to about 1e-7: T1 at most half of s0's contract value (15) came back
    at 15.0000005. The published price is the cap, and the profit the brute force's."""
    problem = TierProblem(
        label="cap",
        tiers=("T1", "T2"),
        options=(Option("a", 0, 0.0), Option("b", 0, 0.0)),
        buyers=(
            Buyer("s0", 2, 5, {"a": 5, "b": 6}, 30),
            Buyer("s1", 1, 0, {"a": 0, "b": 5}, 10),
        ),
        base_unit_cost=0,
        base_fixed_cost=0.0,
        terms=Terms(),
        max_share={"T1": 0.5},
    )
    for solver in ("highs", "cbc"):
        solution = solve(problem, solver=solver)
        assert solution.profit == pytest.approx(best_profit(problem, range(0, 21)), abs=1e-9)
        for tier in solution.tiers:
            if tier.offered:
                assert tier.target <= 0.5 * 30, tier
