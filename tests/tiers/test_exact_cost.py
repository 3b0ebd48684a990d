"""The tier MILP priced on the exact step cost of staffing, against the real solvers.

Every optimum here is checked against :mod:`tests.exact_menus`, an exhaustive search over menus
that shares no code with the MILP: it costs each sale on the workload itself and prices it by
shortest paths (or ``linprog`` with a ladder).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from concurrent.futures import ThreadPoolExecutor

import highspy
import numpy as np
import pulp
import pytest
from scipy.optimize import linprog

from pricing.errors import InfeasibleError
from pricing.inputs.catalog import load_markets
from pricing.inputs.segments import load_segments
from pricing.outputs.payload import market_payload
from pricing.settings import TIER_NAMES, PlanSettings
from pricing.tiers import model as tier_model
from pricing.tiers.constraints import build_model
from pricing.tiers.model import TIE_BREAK_USD
from pricing.tiers.solve import solve, write_mps
from tests.exact_menus import _greatest_prices, best_menu, best_prices, best_profit
from tests.helpers import market_plan, on_own_desks, plan_of

MARKETS = load_markets()
CATALOG = {m.code: m for m in MARKETS}
CODES = [m.code for m in MARKETS]
ROWS = load_segments()
F = frozenset
# A spread of markets: own hub, remote hub, Sunday-Thursday week, half-hour zone, several
# languages, a local office in the default menu, nothing sold by default.
SAMPLE = ["US", "CA", "MX", "DE", "PL", "SA", "IL", "IN", "SG", "AU", "EG", "ZA"]


def accounts(problem) -> float:
    return sum(b.size for b in problem.buyers)


def assert_same_optimum(found: float, exact: float, problem) -> None:
    """Equal within max(1 USD, 1e-6 relative), plus the tie-break the MILP adds per account."""
    slack = max(1.0, 1e-6 * max(abs(found), abs(exact))) + TIE_BREAK_USD * accounts(problem)
    assert abs(found - exact) <= slack, (problem.label, found, exact)


def menu(plan) -> tuple:
    """What a plan sells: tiers, their options and buyers."""
    return tuple((t.name, t.options, t.buyers) for t in plan.tiers)


def solution_menu(solution) -> tuple:
    return tuple((t.name, t.options, t.buyers) for t in solution.tiers if t.offered)


@pytest.fixture(scope="module")
def plans() -> dict:
    return {p.market.code: p for p in plan_of(MARKETS, on_own_desks(), reasons=False).markets}


def _plans(settings: PlanSettings, codes=SAMPLE, rows=ROWS) -> dict:
    return {
        p.market.code: p
        for p in plan_of(
            MARKETS, on_own_desks(settings), segment_rows=rows, only=codes, reasons=False
        ).markets
    }


# --- The optimum is the brute-force optimum ----------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_cbc_finds_the_exact_cost_optimum_in_every_market(plans, code: str) -> None:
    plan = plans[code]
    exact = best_menu(plan.problem)
    assert exact is not None
    assert plan.solution.status == "optimal"
    assert_same_optimum(plan.solution.profit, exact.profit, plan.problem)


@pytest.mark.parametrize("code", ["US", "CA", "DE", "SA", "IN", "SG", "EG", "AU"])
def test_highs_finds_the_exact_cost_optimum(plans, code: str) -> None:
    problem = plans[code].problem
    solution = solve(problem, solver="highs")
    assert solution.solver == "highs"
    assert_same_optimum(solution.profit, best_menu(problem).profit, problem)
    assert_same_optimum(solution.profit, plans[code].solution.profit, problem)


def _lp_revenue(problem, sold: list, sale: dict) -> tuple[int, float, np.ndarray]:
    """The pricing LP of one map, written out row by row for ``linprog``."""
    k = len(sold)
    rows, rhs, weights = [], [], np.zeros(k)
    buyers = {b.name: b for b in problem.buyers}
    for name, options in sale.items():
        buyer = buyers[name]
        for u, s in enumerate(sold):
            row = np.zeros(k)
            if options is None:  # a non-buyer gains nothing: p_u >= R
                row[u] = -1.0
                rhs.append(-problem.reservation(buyer, s))
            elif s == options:  # participation: p_t <= R
                weights[u] += buyer.size
                row[u] = 1.0
                rhs.append(problem.reservation(buyer, s))
            else:  # self-selection: p_t - p_u <= R(t) - R(u)
                row[sold.index(options)], row[u] = 1.0, -1.0
                rhs.append(problem.reservation(buyer, options) - problem.reservation(buyer, s))
            rows.append(row)
    lp = linprog(-weights, A_ub=np.array(rows), b_ub=np.array(rhs), method="highs")
    return lp.status, (-lp.fun if lp.status == 0 else float("nan")), weights


def test_brute_force_prices_are_the_lp_optimum() -> None:
    """The helper's closed form (greatest point of the difference constraints) is the LP
    optimum, on a sample of the chain maps of a few markets: the brute force is itself right."""
    rng = np.random.default_rng(7)
    checked = infeasible = 0
    for code in ("US", "SA", "PL"):
        problem = market_plan(code).problem
        names = tuple(o.name for o in problem.options)
        sets = [F(c) for r in range(len(names) + 1) for c in itertools.combinations(names, r)]
        for choice in itertools.product([None, *sets], repeat=len(problem.buyers)):
            sold = sorted({c for c in choice if c is not None}, key=len)
            if not sold or any(not a < b for a, b in itertools.pairwise(sold)):
                continue
            if len(sold) > 3 or rng.random() > 0.3:
                continue
            sale = {b.name: c for b, c in zip(problem.buyers, choice, strict=True)}
            closed = best_prices(problem, tuple(sold), sale)
            status, revenue, weights = _lp_revenue(problem, sold, sale)
            if status == 2:
                assert closed is None, (code, sale)
                infeasible += 1
                continue
            assert status == 0
            assert closed is not None, (code, sale)
            assert float(weights @ np.array(closed)) == pytest.approx(revenue, abs=1e-4)
            checked += 1
    assert checked > 50 and infeasible > 5
    # And a hand-checked instance: R(low) = 40/50, R(high) = 60/100 on two tiers: Basic at
    # 40, Premium at 100 - (60 - 40) = 80 (the classic screening answer).
    assert _greatest_prices(
        [1, 1], {0: 40.0, 1: 100.0}, [], [(1, 0, 100.0 - 60.0), (0, 1, 40.0 - 50.0)], 2
    ) == pytest.approx([40.0, 80.0])


# --- Money adds up ---------------------------------------------------------------------


def test_money_adds_up_on_the_shipped_plan(plans) -> None:
    payload = {code: market_payload(p) for code, p in plans.items()}
    sold_markets = 0
    for code, plan in plans.items():
        solution, problem = plan.solution, plan.problem
        assert solution.profit == pytest.approx(solution.revenue - solution.cost, abs=0.01)
        shares = sum(t.unit_cost_usd * t.accounts for t in plan.tiers)
        assert shares == pytest.approx(solution.cost, abs=0.01), code
        revenue = sum(t.quote_usd.target * t.accounts for t in plan.tiers)
        assert revenue == pytest.approx(solution.revenue, abs=0.01), code
        # The cost is the workload's exact step cost of what is sold, recomputed here.
        workload = problem.workload
        sold = np.zeros(len(workload.sets))
        sizes = {b.name: b.size for b in problem.buyers}
        for tier in plan.tiers:
            for buyer in tier.buyers:
                sold[workload.set_index(tier.options)] += sizes[buyer]
        assert float(workload.evaluate(sold).cost_usd[0]) == pytest.approx(
            solution.cost, abs=0.01
        ), code
        for tier in plan.tiers:
            assert tier.unit_cost_usd > 0, (code, tier.name)
            assert tier.accounts > 0
        if plan.tiers:
            sold_markets += 1
            margin = problem.terms.min_margin
            assert solution.floor_revenue >= (1 + margin) * solution.cost - 0.01, code
            assert solution.floor_revenue == pytest.approx(
                problem.terms.floor_ratio * solution.revenue, abs=0.01
            )
        else:
            assert solution.cost == 0 and solution.revenue == 0
        entry = payload[code]
        for key in ("cost_usd", "revenue_usd", "profit_usd", "floor_revenue_usd", "working_days"):
            assert key in entry, (code, key)
        assert entry["cost_usd"] == round(solution.cost, 2)
        assert entry["profit_usd"] == round(solution.profit, 2)
        assert entry["working_days"] == workload.week.working_day_names
        assert len(entry["tiers"]) == len(plan.tiers)
        for tier, row in zip(plan.tiers, entry["tiers"], strict=True):
            for key in ("accounts", "unit_cost_usd", "marginal_cost_usd"):
                assert key in row, (code, key)
            assert row["unit_cost_usd"] == round(tier.unit_cost_usd, 2)
            assert row["accounts"] == round(tier.accounts, 2)
    assert sold_markets >= 25


def test_marginal_cost_is_what_the_market_saves_without_the_tier(plans) -> None:
    plan = plans["US"]
    workload, sizes = plan.workload, {b.name: b.size for b in plan.problem.buyers}
    whole = plan.solution.cost
    for tier in plan.tiers:
        sold = np.zeros(len(workload.sets))
        for other in plan.tiers:
            if other.name != tier.name:
                for buyer in other.buyers:
                    sold[workload.set_index(other.options)] += sizes[buyer]
        saved = whole - float(workload.evaluate(sold).cost_usd[0])
        assert tier.marginal_cost_usd == pytest.approx(saved / tier.accounts, abs=1e-6)


# --- The minimum margin bites ------------------------------------------------------------


def test_profit_never_rises_with_the_minimum_margin(plans) -> None:
    margins = [0.0, 0.15, 0.3, 0.5, 0.8]

    def at(margin: float, code: str):
        problem = plans[code].problem
        return solve(
            dataclasses.replace(
                problem, terms=dataclasses.replace(problem.terms, min_margin=margin)
            )
        )

    with ThreadPoolExecutor(max_workers=2) as pool:  # CBC runs in its own process
        results = {
            m: dict(zip(CODES, pool.map(lambda c, m=m: at(m, c), CODES), strict=True))
            for m in margins
        }
    for code in CODES:
        problem = plans[code].problem
        profits = [results[m][code].profit for m in margins]
        for low, high in itertools.pairwise(profits):
            assert high <= low + 1.0 + TIE_BREAK_USD * accounts(problem), (code, profits)
        for m in margins:
            solution = results[m][code]
            assert solution.floor_revenue >= (1 + m) * solution.cost - 0.01, (code, m)
    changed = [c for c in CODES if solution_menu(results[0.5][c]) != solution_menu(results[0.0][c])]
    assert changed, "a 50 % margin changes no market's menu"
    lower = [c for c in CODES if results[0.5][c].profit < results[0.0][c].profit - 1.0]
    assert lower
    for code in changed[:6]:  # and the tighter optimum is still the exact one
        problem = plans[code].problem
        tight = dataclasses.replace(
            problem, terms=dataclasses.replace(problem.terms, min_margin=0.5)
        )
        assert_same_optimum(results[0.5][code].profit, best_menu(tight).profit, tight)


# --- Rules: each one changes the plan and holds in it -------------------------------------


def test_nothing_allowed_means_bare_tiers(plans) -> None:
    rule = {"Basic": F(), "Standard": F(), "Premium": F()}
    ruled = _plans(PlanSettings(allowed=rule))
    assert any(menu(ruled[c]) != menu(plans[c]) for c in SAMPLE)
    for code, plan in ruled.items():
        for tier in plan.tiers:
            assert tier.options == (), (code, tier)
        assert len(plan.tiers) <= 1  # one bare tier at most: tiers must differ
        assert plan.profit_usd <= plans[code].profit_usd + 1.0
        assert_same_optimum(plan.profit_usd, best_menu(plan.problem).profit, plan.problem)


def test_a_required_option_is_held_by_its_tier(plans) -> None:
    premium = _plans(PlanSettings(required={"Premium": F({"coverage_24x7"})}))
    for code, plan in premium.items():
        for tier in plan.tiers:
            if tier.name == "Premium":
                assert "coverage_24x7" in tier.options, code
                assert tier.coverage == "24/7"
        assert_same_optimum(plan.profit_usd, best_menu(plan.problem).profit, plan.problem)
    assert any(t.name == "Premium" for p in premium.values() for t in p.tiers)
    assert any(menu(premium[c]) != menu(plans[c]) for c in SAMPLE)  # PL: Premium dropped
    # Where the default sells Standard without 24/7, requiring it there changes a sold tier.
    standard = _plans(PlanSettings(required={"Standard": F({"coverage_24x7"})}), ["US", "DE"])
    for code, plan in standard.items():
        held = [t for t in plan.tiers if t.name in ("Standard", "Premium")]
        assert held, code
        assert all("coverage_24x7" in t.options for t in held)
        assert "coverage_24x7" not in plans[code].solution.tier("Standard").options
        assert menu(plan) != menu(plans[code])
        assert_same_optimum(plan.profit_usd, best_menu(plan.problem).profit, plan.problem)


def test_a_required_option_nobody_values_is_still_required() -> None:
    """With no segment valuing a local team, the default menu in Germany has no local office
    at all; requiring it in Basic puts it in every sold tier, at its cost."""
    rows = tuple(dataclasses.replace(r, local_office_usd=0.0) for r in ROWS)
    free = market_plan("DE", segment_rows=rows)
    assert "local_office" not in [o.name for o in free.problem.options]
    ruled = market_plan(
        "DE", PlanSettings(required={"Basic": F({"local_office"})}), segment_rows=rows
    )
    assert "local_office" in [o.name for o in ruled.problem.options]
    assert ruled.tiers, "something is still sold"
    for tier in ruled.tiers:
        assert "local_office" in tier.options
    assert menu(ruled) != menu(free)
    assert ruled.profit_usd < free.profit_usd - 1.0  # an office nobody pays for costs money
    assert_same_optimum(ruled.profit_usd, best_menu(ruled.problem).profit, ruled.problem)


def test_a_tier_that_must_be_offered_is_sold(plans) -> None:
    plan = plans["NL"]
    assert not any(t.name == "Premium" for t in plan.tiers)
    problem = dataclasses.replace(plan.problem, must_offer=F({"Premium"}))
    solution = solve(problem)
    assert solution.tier("Premium").offered
    assert all(t.offered for t in solution.tiers)  # filled from the bottom
    assert solution.profit < plan.solution.profit - 1.0
    assert_same_optimum(solution.profit, best_menu(problem).profit, problem)
    # Where no menu with Premium earns the floor, the answer says which constraint fails.
    sweden = dataclasses.replace(plans["SE"].problem, must_offer=F({"Premium"}))
    assert best_menu(sweden) is None
    with pytest.raises(InfeasibleError, match="floor_margin"):
        solve(sweden)


def test_the_price_ladder_holds_between_sold_tiers(plans) -> None:
    step = 1.0
    laddered = _plans(PlanSettings(price_step=step))
    changed = 0
    for code, plan in laddered.items():
        targets = [t.quote_usd.target for t in plan.tiers]
        for low, high in itertools.pairwise(targets):
            assert high >= (1 + step) * low * (1 - 1e-9) - 1e-6, (code, targets)
        changed += menu(plan) != menu(plans[code]) or any(
            abs(a.quote_usd.target - b.quote_usd.target) > 0.01
            for a, b in zip(plan.tiers, plans[code].tiers, strict=False)
        )
        assert plan.profit_usd <= plans[code].profit_usd + 1.0
        assert_same_optimum(plan.profit_usd, best_menu(plan.problem).profit, plan.problem)
    assert changed
    # Germany's default targets (1,800, 3,420, ...) are less than double each other.
    de = [t.quote_usd.target for t in plans["DE"].tiers]
    assert any(high < 2 * low for low, high in itertools.pairwise(de))


def test_the_number_of_tiers_caps_the_menu(plans) -> None:
    codes = ["US", "DE", "SA", "PL"]
    by_count = {n: _plans(PlanSettings(tiers=n), codes) for n in (1, 2, 4)}
    by_count[3] = {c: plans[c] for c in codes}
    for code in codes:
        profits = []
        for n in sorted(by_count):
            plan = by_count[n][code]
            names = [t.name for t in plan.tiers]
            assert len(names) <= n
            assert names == list(TIER_NAMES[n][: len(names)])  # filled from the bottom
            profits.append(plan.profit_usd)
        for low, high in itertools.pairwise(profits):  # another tier never costs profit
            assert high >= low - 1.0 - TIE_BREAK_USD * accounts(plans[code].problem), code
    assert any(menu(by_count[1][c]) != menu(plans[c]) for c in codes)
    for code in ("US", "PL"):
        for n in (1, 4):
            plan = by_count[n][code]
            assert_same_optimum(plan.profit_usd, best_menu(plan.problem).profit, plan.problem)


def test_rules_on_an_unsold_tier_do_not_make_a_market_infeasible() -> None:
    settings = PlanSettings(
        required={"Standard": F({"priority_response"})},
        allowed={"Premium": F({"coverage_24x7"})},
    )
    """Standard must hold priority and Premium may hold only 24/7: Premium cannot sit above a
    sold Standard, so it is not sold; its rule binds nothing else (it made the model infeasible
    when unsold tiers were nested too)."""
    plan = market_plan("DE", settings)
    assert all(t.name != "Premium" for t in plan.tiers)
    standard = [t for t in plan.tiers if t.name == "Standard"]
    assert all("priority_response" in t.options for t in standard)
    assert plan.solution.profit == pytest.approx(best_profit(plan.problem), abs=1.0 + 1e-4 * 180)


# --- The model's structure ------------------------------------------------------------


def _every_family_problem():
    """US with a ladder bounded both ways, allowed, required, shares of contract value and
    must_offer: every family of the docstring."""
    settings = PlanSettings(
        price_step=0.2,
        max_price_step=3.0,
        min_share={"Basic": 0.05},
        max_share={"Premium": 0.5},
        allowed={"Basic": F({"priority_response"})},
        required={"Premium": F({"coverage_24x7"})},
    )
    plan = market_plan("US", settings)
    return dataclasses.replace(plan.problem, must_offer=F({"Basic"}))


def _documented_families() -> set[str]:
    doc = tier_model.__doc__
    section = doc.split("\nConstraints", 1)[1].split("\nTies in", 1)[0]
    found: set[str] = set()
    for line in section.splitlines()[1:]:
        head = re.match(r"^    ([a-z_]+(?:,\s*[a-z_]+)*):", line)
        if head:
            found |= {name.strip() for name in head.group(1).split(",")}
    return found


def test_every_binary_is_declared_zero_one() -> None:
    for problem in (_every_family_problem(), market_plan("SA").problem):
        model = build_model(problem)
        integers = [v for v in model.lp.variables() if v.cat in (pulp.LpInteger, pulp.LpBinary)]
        assert len(integers) > 50
        for variable in integers:
            assert (variable.lowBound, variable.upBound) == (0, 1), variable.name
        # The rules are constraints, not bounds: every includes binary is still free.
        for key, item in model.includes.items():
            assert isinstance(item, pulp.LpVariable), key


def test_constraint_families_are_the_documented_ones() -> None:
    documented = _documented_families()
    assert {"one_tier", "floor_margin", "bought_ge_both", "total_priority_capacity"} <= documented
    assert len(documented) >= 25
    model = build_model(_every_family_problem())
    built = {name.split("__", 1)[0] for name in model.lp.constraints}
    assert built - documented == set(), "built but not documented"
    assert documented - built == set(), "documented but not built"


# --- The exported model --------------------------------------------------------------


@pytest.mark.parametrize("code", ["US", "SA", "DE"])
def test_mps_file_resolves_to_the_cbc_objective(plans, code: str, tmp_path) -> None:
    problem = plans[code].problem
    path = write_mps(problem, tmp_path / f"tiers_{code}.mps")
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    assert highs.readModel(str(path)) == highspy.HighsStatus.kOk
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    from_file = highs.getInfo().objective_function_value
    # CBC on the same model, read off the PuLP objective...
    model = build_model(problem)
    model.lp.solve(pulp.PULP_CBC_CMD(msg=False))
    assert pulp.LpStatus[model.lp.status] == "Optimal"
    cbc = pulp.value(model.lp.objective)
    # ... and as the solution reports it: profit plus the tie-break per account served.
    solution = plans[code].solution
    reported = solution.profit + TIE_BREAK_USD * sum(t.accounts for t in solution.tiers)
    assert from_file > 0
    assert from_file == pytest.approx(cbc, rel=1e-3)
    assert from_file == pytest.approx(reported, rel=1e-3)


def test_the_model_cost_at_its_optimum_is_the_exact_cost(plans) -> None:
    """At the solver's answer the model's agents and fixed costs cost exactly what the
    workload says the sale needs: no agent short (the step is held), none spare."""
    for code in ("CA", "US", "SA", "PL"):
        plan = plans[code]
        model = build_model(plan.problem)
        model.lp.solve(pulp.PULP_CBC_CMD(msg=False))
        assert pulp.value(model.cost()) == pytest.approx(plan.solution.cost, abs=0.01), code


# --- The floor policy by tier ------------------------------------------------------------

TIER_FLOORS = on_own_desks(PlanSettings(floor_policy="tier"))


@pytest.mark.parametrize("code", ["CA", "ZA", "PH", "CL", "DE"])
def test_the_floor_policy_by_tier_is_the_brute_force_optimum(plans, code: str) -> None:
    """With every sold tier's floor held to its own fully loaded cost plus the margin, the
    optimiser's menu is the best menu that keeps it, searched exhaustively; and each tier keeps
    it, on the cost the plan reports."""
    plan = market_plan(code, TIER_FLOORS)
    exact = best_menu(plan.problem)
    assert exact is not None
    assert_same_optimum(plan.solution.profit, exact.profit, plan.problem)
    margin = TIER_FLOORS.min_margin
    for tier in plan.tiers:
        assert tier.quote_usd.floor >= (1 + margin) * tier.unit_cost_usd - 0.005, tier.name
    # Where the market-wide rule let a floor fall below its tier's cost, the policy changes
    # the plan and costs profit; elsewhere it changes nothing.
    before = plans[code]
    short = [t for t in before.tiers if t.quote_usd.floor < (1 + margin) * t.unit_cost_usd - 0.005]
    if short:
        assert plan.profit_usd < before.profit_usd - 1.0
        assert menu(plan) != menu(before)
    else:
        assert menu(plan) == menu(before)


def test_the_floor_policy_by_tier_refuses_a_tier_that_must_be_offered_and_cannot_pay() -> None:
    """South Africa must offer Basic, whose buyers cannot pay its fully loaded cost plus the
    margin at any floor (no such menu exists, searched exhaustively): refused, naming why."""
    settings = on_own_desks(PlanSettings(floor_policy="tier", must_offer=frozenset({"Basic"})))
    problem = market_plan("ZA", on_own_desks()).problem
    policy = dataclasses.replace(
        problem,
        must_offer=frozenset({"Basic"}),
        terms=dataclasses.replace(problem.terms, tier_floors=True),
    )
    assert best_menu(policy) is None
    with pytest.raises(InfeasibleError, match=r"floor_policy: in ZA no menu offering Basic"):
        market_plan("ZA", settings)
