"""The reasons share their solves: one solve without every rule stands for all of them when the
plan is the same without them, each rule set is solved once per market, and every model solved
for a reason can be exported and re-solved elsewhere to the profit the plan reports."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import highspy
import pytest

from pricing.market_model import MarketSolves, solve_in
from pricing.plan import export_models
from pricing.rules import rule_effects, rules_of, without_every_rule
from pricing.settings import PlanSettings
from pricing.tiers.model import TIE_BREAK_USD
from tests.helpers import on_own_desks, plan_of, request_of

# Four rules: Premium must hold 24/7, a margin at the floor, a ladder, at most three tiers.
SEVERAL = on_own_desks(
    PlanSettings(
        min_margin=0.2, price_step=0.05, required={"Premium": frozenset({"coverage_24x7"})}
    )
)


def _one_by_one(request, code: str, solution) -> list[tuple[str, float]]:
    """Each rule's profit without it, each solved on its own (no shared solve)."""
    return [
        (text, solve_in(request, code, without)[1].profit)
        for text, without in rules_of(request.settings)
    ]


@pytest.mark.parametrize("code", ["US", "PL", "DE", "AR", "JP"])
def test_shared_solves_report_what_each_rule_alone_reports(code: str) -> None:
    request = request_of(settings=SEVERAL, only=[code])
    solves = MarketSolves(request, code)
    _, solution = solves.solve()
    effects = rule_effects(solves, solution)
    expected = _one_by_one(request, code, solution)
    assert [e.rule for e in effects] == [text for text, _ in expected]
    for effect, (_, profit_without) in zip(effects, expected, strict=True):
        assert effect.profit_without_usd == pytest.approx(profit_without, abs=0.01), effect.rule
        assert effect.profit_change_usd == pytest.approx(solution.profit - profit_without, abs=0.01)


def test_when_no_rule_binds_one_solve_stands_for_all() -> None:
    """The US sells the same menu with and without every rule: the base and one more solve."""
    request = request_of(settings=SEVERAL, only=["US"])
    solves = MarketSolves(request, "US")
    _, solution = solves.solve()
    effects = rule_effects(solves, solution)
    assert len(effects) == len(rules_of(SEVERAL)) == 4
    assert all(e.status == "slack" and e.profit_change_usd == 0.0 for e in effects)
    assert solves.solved == [SEVERAL, without_every_rule(SEVERAL)]


def test_when_a_rule_binds_each_rule_is_solved() -> None:
    """Argentina sells nothing under its margin and something without it: every rule is solved
    on its own after the shared solve, and the alternative of no margin is not solved twice."""
    plan = plan_of(settings=SEVERAL, only=["AR"]).market("AR")
    assert plan.profit_usd == 0.0
    [margin] = [e for e in plan.rules if e.rule.startswith("at the floor")]
    assert margin.profit_without_usd > 0
    assert len(plan.reason_solves) == 1 + len(plan.rules)
    [no_margin] = [c for c in plan.counterfactuals if c.change == "Keep no margin at the floor"]
    assert no_margin.profit_usd == pytest.approx(margin.profit_without_usd, abs=1e-9)
    keys = [dataclasses.astuple(s) for s in plan.reason_solves]
    assert len(keys) == len({repr(k) for k in keys})


def _objective(path: Path) -> float:
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.readModel(str(path))
    solver.run()
    assert solver.getModelStatus() == highspy.HighsModelStatus.kOptimal, path.name
    return solver.getInfo().objective_function_value


def test_every_model_solved_for_a_reason_exports_and_resolves_to_its_profit(
    tmp_path: Path,
) -> None:
    plan = plan_of(settings=SEVERAL, only=["PL", "AR"])
    paths = export_models(plan, tmp_path, reasons=True)
    assert len(paths) == sum(1 + len(p.reason_solves) for p in plan.markets)
    for market_plan in plan.markets:
        code = market_plan.market.code
        reported = {round(market_plan.profit_usd, 2)}
        reported |= {round(e.profit_without_usd, 2) for e in market_plan.rules}
        reported |= {
            round(c.profit_usd, 2) for c in market_plan.counterfactuals if c.profit_usd is not None
        }
        files = sorted((tmp_path / "reasons").glob(f"tiers_{code}_*.mps"))
        assert len(files) == len(market_plan.reason_solves) > 0
        for path in files:
            found = _objective(path)
            # The objective carries the tie-break on accounts served (at most one cent each).
            assert any(
                -0.01 <= found - profit <= 0.01 + TIE_BREAK_USD * 10_000 for profit in reported
            ), (path.name, found, sorted(reported))
