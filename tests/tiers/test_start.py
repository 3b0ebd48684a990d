"""A start is never lost: the solver's answer is weighed against it (pricing.tiers.solve)."""

from __future__ import annotations

import pulp
import pytest

from pricing.tiers.solve import _weigh_start, run_from


def _small() -> tuple[pulp.LpProblem, dict[str, pulp.LpVariable]]:
    """max 3x + 2y + z, x + y <= 1, z <= x: x wins (4), y earns 2."""
    lp = pulp.LpProblem("start", pulp.LpMaximize)
    x, y = (pulp.LpVariable(n, cat=pulp.LpBinary) for n in "xy")
    z = pulp.LpVariable("z", 0, 5)
    lp += 3 * x + 2 * y + z
    lp += x + y <= 1
    lp += z <= x
    return lp, {"x": x, "y": y, "z": z}


def _answer(lp, solver: str, held: dict[str, int]) -> None:
    """Solve with ``held`` integers fixed, then free them again: a solver's worse answer."""
    variables = {v.name: v for v in lp.variables()}
    for name, value in held.items():
        variables[name].bounds(value, value)
    lp.solve(pulp.PULP_CBC_CMD(msg=False) if solver == "cbc" else pulp.HiGHS(msg=False))
    for name in held:
        variables[name].bounds(0, 1)


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_a_better_start_replaces_a_worse_answer(solver: str) -> None:
    lp, v = _small()
    _answer(lp, solver, {"x": 0, "y": 1})
    integers = [v["x"], v["y"]]
    found, gap = _weigh_start(lp, solver, 5.0, integers, {"x": 1}, True, 0.3)
    assert found and gap == 0.3  # the solver's bound still holds for the better answer
    assert (v["x"].varValue, v["y"].varValue, v["z"].varValue) == (1, 0, 1)
    assert v["x"].lowBound == 0 and v["x"].upBound == 1  # the start's bounds are let go


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_a_better_answer_is_kept_over_a_worse_start(solver: str) -> None:
    lp, v = _small()
    _answer(lp, solver, {"x": 1, "y": 0})
    found, gap = _weigh_start(lp, solver, 5.0, [v["x"], v["y"]], {"y": 1}, True, 0.1)
    assert found and gap == 0.1
    assert (v["x"].varValue, v["y"].varValue, v["z"].varValue) == (1, 0, 1)


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_a_proven_optimum_needs_no_start(solver: str) -> None:
    lp, _ = _small()
    found, gap = run_from(lp, solver, 5.0, {"y": 1}, small=True)
    assert found and gap == 0.0
    assert pulp.value(lp.objective) == pytest.approx(4.0)
