"""The portfolio decision on the shipped data: the free choice against every forced model, a
verdict for every market, fixes the command line reproduces, and money that adds up."""

from __future__ import annotations

import json
from pathlib import Path

import highspy
import pytest

from pricing.cli.main import main
from pricing.delivery.decision import decide
from pricing.plan import make_plan
from pricing.settings import DELIVERY_MODELS, PlanSettings
from tests.cli_helpers import run
from tests.helpers import request_of

FAST = PlanSettings(solver="highs")
# The portfolio as planned with every market on desks of its own (the plan before delivery
# models were decided): the free choice must beat it.
OWN_DESKS_PROFIT_USD = 4_090_250.43


@pytest.fixture(scope="module")
def plan():
    return make_plan(request_of(settings=FAST))


@pytest.fixture(scope="module")
def at_hub():
    """Every market on desks of its own: the markets that then go unsold, with their fixes."""
    return make_plan(request_of(settings=PlanSettings(solver="highs", delivery={"*": "hub"})))


@pytest.fixture(scope="module")
def forced():
    request = request_of(settings=FAST).replace(reasons=False)
    return {model: decide(request, {"*": model}) for model in DELIVERY_MODELS}


def test_the_free_choice_beats_every_forced_model_in_total_and_per_market(plan, forced) -> None:
    """In total the free choice earns at least what any forced model earns. Per market it earns
    at least what the market earns on desks of its own, and at least what the market itself
    would earn held to any other model (the rest of the portfolio choosing freely)."""
    free = {p.market.code: p.profit_usd for p in plan.markets}
    total = sum(free.values())
    assert forced["hub"].profit_usd == pytest.approx(OWN_DESKS_PROFIT_USD, abs=0.01)
    assert total > OWN_DESKS_PROFIT_USD + 100_000
    for model, decision in forced.items():
        assert total >= decision.profit_usd - 0.01, model
    for code, market in forced["hub"].markets.items():
        assert free[code] >= market.profit_usd - 0.01, code
    request = request_of(settings=FAST).replace(reasons=False)
    for code in ("ID", "FR", "CA"):
        for model in DELIVERY_MODELS:
            held = decide(request.replace(only=(code,)), {code: model}).markets[code]
            assert free[code] >= held.profit_usd - 0.01, (code, model)


def test_every_market_has_a_verdict_and_an_unsold_one_a_reason_and_a_fix(plan, at_hub) -> None:
    for market in plan.markets:  # the free choice sells every shipped market
        assert market.verdict is not None and market.verdict.verdict == "sold"
        assert market.verdict.reason.startswith(market.market.name)
    unsold = []
    for market in at_hub.markets:
        verdict = market.verdict
        assert verdict is not None and verdict.reason.startswith(market.market.name)
        assert verdict.verdict == ("sold" if market.tiers else "not_sold")
        if verdict.verdict == "not_sold":
            unsold.append(market.market.code)
            assert "not sold" in verdict.reason and verdict.fixes
            assert [f.profit_usd for f in verdict.fixes] == sorted(
                (f.profit_usd for f in verdict.fixes), reverse=True
            )
    # On desks of their own these markets cost more than they bring.
    assert {"NG", "KE", "ID", "VN"} <= set(unsold)


def test_every_fix_replays_to_its_profit_on_the_command_line(
    at_hub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each fix's scenario planned by the command line: the first in a process of its own, as a
    user runs it, the others through the same entry point in this process (sharing its solves)."""
    replayed = 0
    for market in at_hub.markets:
        for n, fix in enumerate(market.verdict.fixes):
            scenario = tmp_path / f"{market.market.code}_{n}.json"
            scenario.write_text(json.dumps({**fix.scenario, "solver": "highs"}))
            argv = ("plan", "--market", market.market.code, "--scenario", str(scenario))
            if replayed == 0:
                done = run(*argv)
                assert done.returncode == 0, done.stderr
                printed = done.stdout
            else:
                assert main(list(argv)) == 0
                printed = capsys.readouterr().out
            [answer] = json.loads(printed)["markets"]
            assert answer["verdict"] == "sold"
            assert answer["profit_usd"] == pytest.approx(fix.profit_usd, abs=0.01), fix.change
            replayed += 1
    assert replayed >= 2


def test_markets_that_pay_only_together_name_each_other(plan) -> None:
    together = {p.market.code: p.delivery.together_with for p in plan.markets}
    assert "KE" in together["NG"] and "NG" in together["KE"]
    for code, partners in together.items():
        for partner in partners:
            assert plan.market(partner).delivery.desk == plan.market(code).delivery.desk
    # A market sold only with others is sold on a shared desk.
    for code, partners in together.items():
        if partners:
            assert plan.market(code).delivery.delivery in (
                "pooled",
                "pooled_english",
                "distributor",
            )


def test_money_adds_up_on_shared_desks(plan) -> None:
    decision = plan.decision
    assert plan.decision.profit_usd == pytest.approx(
        sum(p.profit_usd for p in plan.markets), abs=0.05
    )
    parts: dict[str, float] = {}
    for market in plan.markets:
        solution = market.solution
        assert sum(t.unit_cost_usd * t.accounts for t in market.tiers) == pytest.approx(
            solution.cost, abs=0.01
        )
        assert solution.profit == pytest.approx(solution.revenue - solution.cost, abs=0.01)
        chosen = market.delivery
        if chosen.desk is not None:
            # A market pays its part of its desk, never less than nothing.
            assert chosen.shared_cost_usd >= -0.01, market.market.code
            parts[chosen.desk] = parts.get(chosen.desk, 0.0) + chosen.shared_cost_usd
    assert parts, "the shipped portfolio shares desks"
    for key, part in parts.items():
        answer = next(decision.answers[c] for c, m in decision.markets.items() if m.desk == key)
        assert part == pytest.approx(answer.portfolio.staff_usd(key), abs=0.05), key


def test_forcing_a_model_moves_the_plan_and_says_so(plan) -> None:
    request = request_of(settings=FAST).replace(reasons=False)
    at_hub = decide(request, {"NG": "hub", "KE": "hub"})
    assert not at_hub.markets["NG"].sold and not at_hub.markets["KE"].sold
    assert plan.market("NG").delivery.sold
    assert at_hub.profit_usd < plan.decision.profit_usd


def test_the_command_line_forces_a_delivery_model_and_refuses_an_unknown_one() -> None:
    done = run("plan", "--market", "NG", "--market", "KE", "--solver", "highs")
    free = json.loads(done.stdout)
    forced = json.loads(
        run(
            "plan", "--market", "NG", "--market", "KE", "--delivery", "hub", "--solver", "highs"
        ).stdout
    )
    assert [m["delivery_model"] for m in free["markets"]] == ["pooled", "pooled"]
    assert [m["verdict"] for m in forced["markets"]] == ["not_sold", "not_sold"]
    assert forced["profit_usd"] < free["profit_usd"]
    refused = run("plan", "--delivery", "teleport")
    assert refused.returncode == 2 and "teleport" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_every_exported_model_resolves_to_what_its_markets_earn(plan, tmp_path: Path) -> None:
    """Markets on a shared desk export their community's MILP; re-solved by HiGHS from the file
    it earns what they earn together, plus the tie-break per account served."""
    from pricing.plan import export_models
    from pricing.tiers.model import TIE_BREAK_USD

    paths = export_models(plan, tmp_path)
    shared = [p for p in paths if p.name.startswith("portfolio_")]
    assert len(shared) >= 3
    for path in shared:
        codes = path.stem.removeprefix("portfolio_").split("-")
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        assert highs.readModel(str(path)) == highspy.HighsStatus.kOk
        highs.run()
        assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        earned = sum(plan.market(c).profit_usd for c in codes)
        served = sum(t.accounts for c in codes for t in plan.market(c).tiers)
        objective = highs.getInfo().objective_function_value
        assert objective == pytest.approx(earned + TIE_BREAK_USD * served, abs=1.0), codes
    # What a market would earn with bot nights by itself, a constant of its community's MILP,
    # re-solves from its own file; where the market takes it, that is what its plan earns.
    alternatives = [p for p in paths if p.name.startswith("alternative_")]
    taken = [p.market.code for p in plan.markets if p.delivery.delivery == "bot_nights"]
    assert {f"alternative_{c}_bot_nights.mps" for c in taken} <= {p.name for p in alternatives}
    for path in alternatives:
        code = path.stem.split("_")[1]
        alone = plan.decision.answers[code].alone[code]
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        assert highs.readModel(str(path)) == highspy.HighsStatus.kOk
        highs.run()
        objective = highs.getInfo().objective_function_value
        assert objective == pytest.approx(alone.profit_usd, abs=1.0), code
        if code in taken:
            assert plan.market(code).profit_usd == pytest.approx(alone.profit_usd, abs=0.01)


def test_the_recommendation_solves_every_model_against_the_chosen_one(plan) -> None:
    from pricing.delivery.verdicts import model_outcomes, recommendation

    request = request_of(settings=FAST)
    outcomes = model_outcomes(request, plan.decision, "NG")
    assert outcomes[0].model == plan.market("NG").delivery.delivery == "pooled"
    assert outcomes[0].portfolio_usd == pytest.approx(
        plan.decision.answers["NG"].profit_usd, abs=0.01
    )
    by_model = {o.model: o for o in outcomes}
    assert not by_model["hub"].sold  # on its own desks Nigeria is not sold
    text = recommendation(outcomes, plan.decision.markets["NG"], "Nigeria")
    lost = outcomes[0].portfolio_usd - by_model["hub"].portfolio_usd
    assert f"{lost:,.0f} USD a year less (it would not be sold)" in text
