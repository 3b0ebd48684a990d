"""The tier MILP against optima a reader can check by hand, and against brute force."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

import highspy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.errors import InfeasibleError, InputError
from pricing.tiers.problem import Buyer, Option, Terms, TierProblem, given_tiers_problem
from pricing.tiers.solve import _cbc_gap, solve, write_mps
from tests.brute_force import best_profit

SOLVERS = ("cbc", "highs")


def two_tiers(
    low: tuple[float, float],
    high: tuple[float, float],
    *,
    sizes: tuple[float, float] = (100, 100),
    costs: tuple[float, float] = (0, 0),
    fixed: tuple[float, float] = (0, 0),
    terms: Terms | None = None,
    must_offer: frozenset[str] = frozenset(),
) -> TierProblem:
    return given_tiers_problem(
        "test",
        [("Basic", costs[0], fixed[0]), ("Premium", costs[1], fixed[1])],
        [
            ("low", sizes[0], {"Basic": low[0], "Premium": low[1]}),
            ("high", sizes[1], {"Basic": high[0], "Premium": high[1]}),
        ],
        terms or Terms(),
        must_offer,
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_contract_example(solver: str) -> None:
    """The example of docs/cli.md ("tiers"). Two menus earn 7,000, the best: Premium alone at
    100 to Enterprise (100 x (100 - 25) - 500) or Basic at 30 to SMB and Premium at 70 to Enterprise
    (150 x 20 + 100 x 45 - 500; Enterprise is indifferent between 60 - 30 and 100 - 70)."""
    problem = given_tiers_problem(
        "example",
        [("Basic", 10, 0), ("Premium", 25, 500)],
        [
            ("SMB", 150, {"Basic": 30, "Premium": 40}),
            ("Enterprise", 100, {"Basic": 60, "Premium": 100}),
        ],
        Terms(),
    )
    solution = solve(problem, solver=solver)
    assert solution.status == "optimal"
    assert solution.profit == pytest.approx(7_000)
    assert solution.assignment["Enterprise"] == "Premium"
    assert solution.tier("Premium").target in (pytest.approx(70), pytest.approx(100))


@pytest.mark.parametrize("solver", SOLVERS)
def test_two_segment_screening(solver: str) -> None:
    """Low values (40, 50), high values (60, 100), 100 accounts each, no costs.
    Basic at 40 for low; high keeps 60 - 40 = 20 of surplus on Basic, so Premium can cost
    100 - 20 = 80: profit 4,000 + 8,000 = 12,000, beating Premium alone (10,000) or
    everyone on Premium at 50 (10,000)."""
    solution = solve(two_tiers((40, 50), (60, 100)), solver=solver)
    assert solution.profit == pytest.approx(12_000)
    assert solution.tier("Basic").target == pytest.approx(40)
    assert solution.tier("Premium").target == pytest.approx(80)
    assert solution.assignment == {"low": "Basic", "high": "Premium"}
    reasons = " ".join(solution.explanations)
    assert "priced at low's full value" in reasons
    assert "held down by high's alternative, Basic" in reasons


@pytest.mark.parametrize("solver", SOLVERS)
def test_segment_dropped_when_serving_it_costs_too_much(solver: str) -> None:
    """Both tiers cost 45 per account; low pays at most 50. Serving it (everyone on Premium at
    50) earns 200 x 5 = 1,000; leaving it out and selling Premium to high at its full value 100
    earns 100 x 55 = 5,500."""
    solution = solve(two_tiers((40, 50), (60, 100), costs=(45, 45)), solver=solver)
    assert solution.assignment == {"low": None, "high": "Premium"}
    assert solution.profit == pytest.approx(100 * 55)
    assert "low buys nothing" in " ".join(solution.explanations)


@pytest.mark.parametrize("solver", SOLVERS)
def test_fixed_cost_removes_a_tier(solver: str) -> None:
    """Premium would add 8,000 - 4,000 = 4,000 over selling Basic to both (at 40: 8,000)...
    unless its fixed cost is 5,000: then Basic alone at 40 to both (8,000) beats the menu
    (12,000 - 5,000 = 7,000) and Premium alone at 100 (10,000 - 5,000)."""
    solution = solve(two_tiers((40, 50), (60, 100), fixed=(0, 5_000)), solver=solver)
    assert solution.profit == pytest.approx(8_000)
    assert solution.tier("Premium").offered is False
    assert solution.assignment == {"low": "Basic", "high": "Basic"}


@pytest.mark.parametrize("solver", SOLVERS)
def test_floor_constraint_with_negotiation_headroom(solver: str) -> None:
    """Cost 50, margin 20%, expected discount 10%, max discount 20%: the floor
    F = T x 0.8 / 0.9 must reach 60, so T >= 67.5. A segment valuing 70 pays 70 (floor 62.2);
    one valuing 65 cannot be served at all."""
    terms = Terms(min_margin=0.2, expected_discount=0.1, max_discount=0.2)
    served = solve(two_tiers((70, 70), (0, 0), costs=(50, 50), terms=terms), solver=solver)
    [tier] = [t for t in served.tiers if t.offered]  # two equal tiers: either may be sold
    assert tier.target == pytest.approx(70)
    assert tier.target * terms.floor_ratio >= 1.2 * 50 - 1e-6
    refused = solve(two_tiers((65, 65), (0, 0), costs=(50, 50), terms=terms), solver=solver)
    assert refused.profit == 0 and not any(t.offered for t in refused.tiers)
    assert refused.message and "Nothing can be sold profitably" in refused.message


@pytest.mark.parametrize("solver", SOLVERS)
def test_price_ladder(solver: str) -> None:
    """Premium must cost at least 2.5 x Basic. For high to prefer Premium, 100 - P >= 60 - B,
    so 2.5 B <= P <= 40 + B and B <= 26.67: the menu earns at most 100 B + 100 (40 + B) = 9,333.
    One tier does better: 10,000 (Premium at 100 to high, or at 50 to both)."""
    problem = two_tiers((40, 50), (60, 100), terms=Terms(price_step=1.5))
    solution = solve(problem, solver=solver)
    assert solution.profit == pytest.approx(10_000)
    assert solution.profit == pytest.approx(best_profit(problem, range(0, 101)))
    assert len([t for t in solution.tiers if t.offered]) == 1
    # Without the ladder the 40 / 80 menu (12,000) wins.
    assert solve(two_tiers((40, 50), (60, 100)), solver=solver).profit == pytest.approx(12_000)


def test_infeasible_required_tier_names_the_constraint() -> None:
    """Requiring Premium when its floor (cost 90 + 50% = 135) exceeds every value (100)."""
    problem = two_tiers(
        (40, 50),
        (60, 100),
        costs=(0, 90),
        terms=Terms(min_margin=0.5),
        must_offer=frozenset({"Premium"}),
    )
    with pytest.raises(InfeasibleError) as caught:
        solve(problem)
    text = str(caught.value)
    assert text.startswith("floor_margin")
    assert "of test" in text and "Premium must be offered" in text
    assert "lower min_margin" in text


def test_bad_problems_are_refused() -> None:
    with pytest.raises(InputError, match="unknown tier"):
        given_tiers_problem("x", [("A", 1, 0)], [("s", 1, {"B": 3})], Terms())
    with pytest.raises(InputError, match="max_discount"):
        Terms(expected_discount=0.3, max_discount=0.1)
    with pytest.raises(InputError, match="size must be >= 0"):
        given_tiers_problem("x", [("A", 1, 0)], [("s", -1, {"A": 3})], Terms())
    with pytest.raises(InputError, match="solver must be one of"):
        solve(two_tiers((1, 1), (1, 1)), solver="gurobi")  # type: ignore[arg-type]


def test_cbc_gap_is_read_from_its_log(tmp_path) -> None:
    stopped = tmp_path / "stopped.log"
    stopped.write_text("Result - Stopped on time limit\n\nObjective value: 10\nGap: 0.25\n")
    proved = tmp_path / "proved.log"
    proved.write_text("Result - Optimal solution found\n\nObjective value: 10\n")
    unbounded = tmp_path / "unbounded.log"
    unbounded.write_text("Result - Stopped on time limit\n\nObjective value: 10\nGap: -\n")
    maximised = tmp_path / "maximised.log"
    maximised.write_text("Result - Stopped on time limit\n\nGap: -1.5e-02\n")
    assert _cbc_gap(stopped) == 0.25
    assert _cbc_gap(maximised) == 0.015
    assert _cbc_gap(unbounded) is None  # no bound proven: unknown, not a parse error
    assert _cbc_gap(proved) == 0.0
    assert _cbc_gap(tmp_path / "missing.log") is None


def test_exported_model_resolves_to_the_same_optimum(tmp_path) -> None:
    problem = two_tiers((40, 50), (60, 100))
    path = write_mps(problem, tmp_path / "model.mps")
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.readModel(str(path))
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    # The objective carries the tie-break: 1e-4 USD for each of the 200 accounts served.
    assert highs.getInfo().objective_function_value == pytest.approx(12_000 + 200e-4, abs=1e-6)


values = st.integers(0, 12)


@st.composite
def fixed_tier_problems(draw) -> TierProblem:
    tiers = draw(st.integers(1, 3))
    names = ["A", "B", "C"][:tiers]
    segments = draw(st.integers(1, 3))
    return given_tiers_problem(
        "random",
        [(n, draw(st.integers(0, 6)), draw(st.sampled_from([0, 0, 10, 40]))) for n in names],
        [
            (f"s{i}", draw(st.integers(1, 20)), {n: draw(values) for n in names})
            for i in range(segments)
        ],
        Terms(),
    )


@st.composite
def designed_problems(draw) -> TierProblem:
    option_names = ["a", "b"][: draw(st.integers(1, 2))]
    segments = draw(st.integers(1, 3))
    return TierProblem(
        label="random",
        tiers=("T1", "T2"),
        options=tuple(
            Option(o, draw(st.integers(0, 3)), draw(st.sampled_from([0, 0, 15])))
            for o in option_names
        ),
        buyers=tuple(
            Buyer(
                f"s{i}",
                draw(st.integers(1, 10)),
                draw(st.integers(0, 8)),
                {o: draw(st.integers(0, 6)) for o in option_names},
            )
            for i in range(segments)
        ),
        base_unit_cost=draw(st.integers(0, 3)),
        base_fixed_cost=draw(st.sampled_from([0, 0, 20])),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=fixed_tier_problems(), solver=st.sampled_from(SOLVERS))
def test_given_tiers_match_brute_force(problem: TierProblem, solver: str) -> None:
    solution = solve(problem, solver=solver)
    assert solution.profit == pytest.approx(best_profit(problem, range(0, 13)), abs=1e-6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=designed_problems(), solver=st.sampled_from(SOLVERS))
def test_designed_tiers_match_brute_force(problem: TierProblem, solver: str) -> None:
    solution = solve(problem, solver=solver)
    assert solution.profit == pytest.approx(best_profit(problem, range(0, 21)), abs=1e-6)


@st.composite
def priced_problems(draw) -> TierProblem:
    """Random designed problems with margins and negotiation terms (no brute-force grid)."""
    expected = draw(st.floats(0, 0.3))
    terms = Terms(
        min_margin=draw(st.floats(0, 0.5)),
        expected_discount=expected,
        max_discount=expected + draw(st.floats(0, 0.3)),
        price_step=draw(st.sampled_from([0.0, 0.0, 0.2])),
    )
    names = ["a", "b", "c"][: draw(st.integers(1, 3))]
    return TierProblem(
        label="random",
        tiers=("T1", "T2", "T3")[: draw(st.integers(1, 3))],
        options=tuple(Option(o, draw(st.floats(0, 300)), draw(st.floats(0, 5_000))) for o in names),
        buyers=tuple(
            Buyer(
                f"s{i}",
                draw(st.floats(1, 200)),
                draw(st.floats(0, 3_000)),
                {o: draw(st.floats(0, 2_000)) for o in names},
            )
            for i in range(draw(st.integers(1, 4)))
        ),
        base_unit_cost=draw(st.floats(0, 800)),
        base_fixed_cost=draw(st.floats(0, 20_000)),
        terms=terms,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=priced_problems())
def test_solution_invariants(problem: TierProblem) -> None:
    solution = solve(problem)
    terms = problem.terms
    buyers = {b.name: b for b in problem.buyers}
    offered = [t for t in solution.tiers if t.offered]
    tolerance = 1e-4 * (1 + max((t.target or 0) for t in solution.tiers))
    for tier in offered:
        target = tier.target
        listed = target / (1 - terms.expected_discount)
        floor = listed * (1 - terms.max_discount)
        assert listed >= target - 1e-9 >= floor - 2e-9
    for name, chosen in solution.assignment.items():
        surpluses = {
            t.name: problem.reservation(buyers[name], t.options) - t.target for t in offered
        }
        if chosen is None:
            assert all(s <= tolerance for s in surpluses.values())
        else:
            # The chosen tier gives the segment the highest surplus, and it is not negative.
            assert surpluses[chosen] >= max(surpluses.values()) - tolerance
            assert surpluses[chosen] >= -tolerance
    # Every account at its floor still earns the minimum margin on the market's whole cost.
    assert solution.floor_revenue >= (1 + terms.min_margin) * solution.cost - tolerance * 1e3
    # Profit is revenue less the cost of what is sold; the tiers' shares add up to that cost.
    by_name = {t.name: t for t in solution.tiers}
    revenue = sum(buyers[s].size * by_name[t].target for s, t in solution.assignment.items() if t)
    assert solution.profit == pytest.approx(revenue - solution.cost, abs=1e-6)
    shares = sum(t.unit_cost * t.accounts for t in offered)
    assert shares == pytest.approx(solution.cost, abs=1e-6)
    assert solution.profit >= -1e-6  # selling nothing is always possible
    # Designed tiers are nested: each offered tier holds the options of the one below.
    for low, high in itertools.pairwise(offered):
        assert set(low.options) < set(high.options)


def test_highs_presolve_calling_a_feasible_market_infeasible_is_asked_again() -> None:
    """A generated market (BT of the benchmark's 200) whose tier model HiGHS's presolve called
    infeasible: selling nothing is always feasible, and CBC finds a 94,018 profit. HiGHS is asked
    again without presolve and agrees with CBC, instead of blaming a constraint."""
    from benchmarks.generate import generated_markets
    from pricing.market_model import solve_in
    from pricing.settings import PlanSettings
    from tests.helpers import request_of

    markets = generated_markets(200)
    answers = {
        solver: solve_in(request_of(markets, PlanSettings(solver=solver)), "BT")[1]
        for solver in ("cbc", "highs")
    }
    assert answers["highs"].profit == pytest.approx(answers["cbc"].profit, abs=0.05)
    assert answers["cbc"].profit > 90_000


def test_a_given_tier_is_not_said_to_be_in_itself() -> None:
    """The generic engine said "Premium is in Premium": a given tier is its own option."""
    from tests.cli_helpers import EXAMPLE, run

    path = Path(tempfile.mkdtemp()) / "problem.json"
    path.write_text(json.dumps(EXAMPLE))
    done = run("tiers", str(path))
    assert done.returncode == 0, done.stderr
    reasons = json.loads(done.stdout)["explanations"]
    assert not any("Premium is in Premium" in r for r in reasons), reasons
    assert (
        "Premium pays its fixed cost of 500 a year: offering it earns more than leaving it out."
        in reasons
    )
