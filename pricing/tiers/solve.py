"""Solving a tier problem: run the solver, read and settle the menu, cost what is sold, and say
why a problem cannot be solved. The model itself is in :mod:`pricing.tiers.model`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tempfile
import time
from pathlib import Path
from typing import Literal

import numpy as np
import pulp

from pricing.errors import InfeasibleError, InputError, SolverError
from pricing.tiers import floors
from pricing.tiers.accounts import cost_of_sale, costed_solution
from pricing.tiers.constraints import RELAXABLE, build_model
from pricing.tiers.explain import explain
from pricing.tiers.menu import read_menu, value_of
from pricing.tiers.model import Model
from pricing.tiers.problem import (
    SOLVERS,
    Solution,
    SolvedTier,
    SolverName,
    TierProblem,
)

TOLERANCE = 1e-6


# Tier models have a few dozen variables: CBC's root cuts and heuristics cost ten times more
# than they save on them (measured in benchmarks/bench.py); the answers are the same, which the
# brute-force tests check.
CBC_OPTIONS = ["cuts off", "heuristics off"]


def solver_for(
    name: str,
    time_limit: float,
    gap: float,
    log: Path | None,
    presolve: bool = True,
    *,
    small: bool = True,
    started: bool = False,
) -> pulp.LpSolver:
    """The solver ``name``; ``small`` tunes CBC for one market's model (a portfolio of
    markets sharing desks keeps its cuts and heuristics: 6 s against 9 s for the shipped
    portfolio in benchmarks/cli_bench.py); ``started``: HiGHS starts from the integer
    variables' initial values (``setInitialValue``; CBC is given none, :func:`run_from`)."""
    if name == "cbc":
        return pulp.PULP_CBC_CMD(
            msg=False,
            timeLimit=time_limit,
            gapRel=gap,
            logPath=str(log) if log else None,
            threads=1,
            options=CBC_OPTIONS if small else [],
        )
    if name == "highs":
        options = {} if presolve else {"presolve": "off"}
        highs = _Started if started else pulp.HiGHS
        return highs(msg=False, timeLimit=time_limit, gapRel=gap, threads=1, **options)
    raise InputError(
        f"solver must be one of {', '.join(SOLVERS)}, got {name!r}", field="solver", value=name
    )


class _Started(pulp.HiGHS):
    """HiGHS given the integer variables' initial values as a solution to start from (its
    continuous values completed by HiGHS); PuLP passes a start to CBC only."""

    def callSolver(self, lp: pulp.LpProblem) -> None:
        given = [
            (v.index, v.varValue)
            for v in lp.variables()
            if v.cat == pulp.LpInteger and v.varValue is not None
        ]
        if given:
            index, value = zip(*given, strict=True)
            lp.solverModel.setSolution(
                len(given), np.array(index, dtype=np.int32), np.array(value, dtype=float)
            )
        super().callSolver(lp)


def _cbc_gap(log: Path) -> float | None:
    """The relative gap from CBC's closing summary: 'Gap: x' when it stopped early, none
    printed (so zero) when it proved optimality."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return None
    found = re.findall(r"^Gap:\s+(\S+)", text, flags=re.MULTILINE)
    if found:  # negative for a maximisation; "-" when no bound was proven
        try:
            gap = abs(float(found[-1]))
        except ValueError:
            return None
        return gap if math.isfinite(gap) else None
    return 0.0 if "Result - Optimal solution found" in text else None


def run(
    lp: pulp.LpProblem, solver: str, time_limit: float, gap: float, presolve: bool = True, **how
) -> tuple[int, float | None]:
    """Solve (``how``: :func:`solver_for`'s ``small`` and ``started``); return PuLP's solution
    status and the relative optimality gap when known."""
    if solver != "cbc":
        lp.solve(solver_for(solver, time_limit, gap, None, presolve, **how))
        return lp.sol_status, float(lp.solverModel.getInfo().mip_gap)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "cbc.log"
        lp.solve(solver_for(solver, time_limit, gap, log, presolve, **how))
        return lp.sol_status, _cbc_gap(log)


FOUND = (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)


def run_from(
    lp: pulp.LpProblem, solver: str, time_limit: float, start: dict[str, int] | None, small: bool
) -> tuple[bool, float | None]:
    """Solve ``lp`` exactly, starting from ``start`` (integer variables by name to a feasible
    answer's values, 0 for the rest); whether an answer was found, and the relative gap
    proven (None when no bound was). The answer is never worse than the start:

    * HiGHS starts from it (:class:`_Started`);
    * CBC solves without it (started, CBC took 57 s against 32 s to prove the shipped
      portfolio's communities, and it can crash on a start), and the start is weighed after
      whenever CBC stopped short of a proven optimum;
    * where the time limit ends before any answer, the start is the answer."""
    integers = [v for v in lp.variables() if v.cat == pulp.LpInteger] if start else []
    given = start if solver != "cbc" else None
    for variable in integers if given is not None else ():
        variable.setInitialValue(given.get(variable.name, 0))
    status, gap = run(lp, solver, time_limit, 0.0, small=small, started=bool(given))
    if solver == "highs" and status == pulp.LpSolutionInfeasible:
        # HiGHS's presolve has called feasible tier models infeasible (see solve): ask again
        # without it before any rule is blamed.
        status, gap = run(lp, solver, time_limit, 0.0, presolve=False)
    found = status in FOUND
    short = not found and lp.status == pulp.LpStatusNotSolved
    if start and (short or (found and given is None and gap != 0.0)):
        found, gap = _weigh_start(lp, solver, time_limit, integers, start, found, gap)
    return found, gap if gap is not None and math.isfinite(gap) else None


def _weigh_start(lp, solver, time_limit, integers, start, found, gap):
    """The better of the solver's answer (if ``found``) and ``start``, its integers held and
    its continuous values solved for. The solver's gap still bounds the better answer's; with
    no answer of the solver's, no gap is known."""
    kept = {v.name: v.varValue for v in lp.variables()} if found else {}
    before = value_of(lp.objective) if found else -math.inf
    bounds = [(v, v.lowBound, v.upBound) for v in integers]
    for v in integers:
        v.bounds(start.get(v.name, 0), start.get(v.name, 0))
    try:
        status, _ = run(lp, solver, max(time_limit, 60.0), 0.0)
    finally:
        for v, low, up in bounds:
            v.bounds(low, up)
    if status in FOUND and value_of(lp.objective) > before:
        return True, gap if found else None
    for variable in lp.variables():
        variable.varValue = kept.get(variable.name)
    return found, gap


def solve(
    problem: TierProblem,
    *,
    solver: SolverName = "cbc",
    time_limit_seconds: float = 20.0,
    gap: float = 0.0,
) -> Solution:
    """The most profitable tier menu for one market.

    Raises :class:`InfeasibleError` naming the constraint family, tier and market that cannot
    hold (only possible when tiers must be offered), and :class:`SolverError` when the solver
    ends without a usable answer.
    """
    if not (math.isfinite(time_limit_seconds) and time_limit_seconds > 0):
        raise InputError(
            f"time_limit_seconds must be > 0, got {time_limit_seconds!r}",
            field="time_limit_seconds",
            value=time_limit_seconds,
        )
    started = time.perf_counter()
    try:
        model = build_model(problem)
        status, found_gap = run(model.lp, solver, time_limit_seconds, gap)
        if solver == "highs" and status == pulp.LpSolutionInfeasible:
            # HiGHS 1.15's presolve has called feasible tier models infeasible (a generated
            # market whose menu CBC and HiGHS without presolve both find): ask again without it
            # before any constraint is blamed.
            model = build_model(problem)
            status, found_gap = run(model.lp, solver, time_limit_seconds, gap, presolve=False)
    except pulp.PulpError as exc:  # e.g. a coefficient the solver cannot take
        raise SolverError(f"{problem.label}: the solver could not run ({exc})") from None
    _check_status(problem, model, status, solver, time_limit_seconds)
    solution = _read(
        problem,
        model,
        solver,
        found_gap,
        time.perf_counter() - started,
        "optimal" if status == pulp.LpSolutionOptimal else "time_limit",
    )
    if problem.terms.tier_floors:

        def again() -> Solution | None:
            status, found_gap = run(model.lp, solver, time_limit_seconds, gap)
            if status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
                return None
            state = "optimal" if status == pulp.LpSolutionOptimal else "time_limit"
            seconds = time.perf_counter() - started
            return _read(problem, model, solver, found_gap, seconds, state)

        return floors.hold(problem, model, solution, again)
    return solution


def _check_status(
    problem: TierProblem, model: Model, status: int, solver: str, time_limit: float
) -> None:
    """Raise what a solve that found no usable menu means."""
    reported = pulp.LpStatus[model.lp.status]
    if status == pulp.LpSolutionNoSolutionFound and reported == "Not Solved":
        # Stopped (at the time limit) before any menu was found: nothing is known about the
        # constraints, so none is blamed.
        raise SolverError(
            f"{problem.label}: the solver stopped at its time limit of {time_limit:g} s "
            "before finding any menu: allow it more time (time_limit_seconds)"
        )
    if status == pulp.LpSolutionInfeasible or status == pulp.LpSolutionNoSolutionFound:
        if status == pulp.LpSolutionNoSolutionFound and reported != "Infeasible":
            raise SolverError(f"{problem.label}: the solver found no solution ({reported})")
        raise InfeasibleError(diagnose(problem, solver=solver))  # type: ignore[arg-type]
    if status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        raise SolverError(f"{problem.label}: solver status {reported}")


def _read(
    problem: TierProblem,
    model: Model,
    solver: str,
    found_gap: float | None,
    seconds: float,
    status: Literal["optimal", "time_limit"],
) -> Solution:
    solved, assignment = read_menu(model)
    if problem.workload is not None:
        _check_staffing(problem, model, solved, assignment)
    result = costed_solution(problem, solved, assignment, solver, found_gap, seconds, status)
    if result.profit < 0 and not problem.must_offer:
        # Break-even within the solver's tolerance: selling nothing is as good and exact.
        nothing = dict.fromkeys(assignment)
        bare = [SolvedTier(t.name, False, (), 0.0, None, ()) for t in solved]
        result = costed_solution(problem, bare, nothing, solver, found_gap, seconds, status)
    notes, message = explain(problem, result)
    if status == "time_limit":
        gap_text = f" (gap {found_gap:.1%})" if found_gap is not None else ""
        notes = (
            "The solver stopped at its time limit: this is the best menu it found, not one "
            f"proven optimal{gap_text}.",
            *notes,
        )
    return dataclasses.replace(result, explanations=notes, message=message)


def _check_staffing(
    problem: TierProblem, model: Model, tiers: list[SolvedTier], assignment: dict
) -> None:
    """The model's agents must carry what was sold: the step cost was held exactly."""
    by_name = {t.name: t for t in tiers}
    sale = {b: (frozenset(by_name[t].options) if t else None) for b, t in assignment.items()}
    exact = cost_of_sale(problem, sale).cost
    modelled = value_of(model.cost())
    if exact > modelled + 1e-3 * max(1.0, abs(exact)):
        raise SolverError(
            f"{problem.label}: the model's staffing ({modelled:,.2f} a year) is below what the "
            f"menu sold needs ({exact:,.2f}); the step cost was not held"
        )


def diagnose(problem: TierProblem, *, solver: SolverName = "cbc") -> str:
    """Say which constraint family cannot hold, in which market, and what would relax it.

    Each relaxable family is dropped in turn; the first whose absence makes the problem
    solvable is named, with the figures behind it.
    """
    terms = problem.terms
    offered = ", ".join(sorted(problem.must_offer)) or "the tiers"
    advice = {
        "ladder": f"lower price_step ({terms.price_step:g})",
        "ladder_cap": f"raise max_price_step ({terms.max_price_step:g})",
        "share_floor": "lower the least share of contract value (min_share)",
        "share_cap": "raise the most share of contract value (max_share)",
        "floor_margin": (
            f"lower min_margin ({terms.min_margin:g}) or max_discount ({terms.max_discount:g})"
        ),
        "required": "require fewer options",
        "self_selection": "offer fewer tiers: segments cannot be kept apart",
    }
    families = ("ladder", "ladder_cap", "share_floor", "share_cap", "floor_margin", "required")
    for family in (*families, "self_selection"):
        if family not in RELAXABLE:
            continue
        relaxed = build_model(problem, relax=frozenset({family}))
        status, _ = run(relaxed.lp, solver, 20.0, 0.0)
        if status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            continue
        detail = ""
        if family == "floor_margin":
            floor = terms.floor_ratio * value_of(relaxed.revenue())
            needed = (1.0 + terms.min_margin) * value_of(relaxed.cost())
            detail = (
                f" (at the floor the best menu earns {floor:,.0f} a year against "
                f"{needed:,.0f} of cost plus margin)"
            )
        return (
            f"{family}: the {family.replace('_', ' ')} constraints of {problem.label} cannot "
            f"hold while {offered} must be offered{detail}: {advice[family]}, or stop "
            f"requiring every tier"
        )
    return (
        f"must_offer: {problem.label} cannot sell every required tier ({offered}) at once: "
        "require fewer tiers"
    )


def write_mps(problem: TierProblem, path: Path) -> Path:
    """Write the market's MILP as an MPS file, for auditing or re-solving elsewhere."""
    model = build_model(problem)
    # OBJSENSE makes the file say "maximise" in a way every solver reads (not just a comment).
    model.lp.writeMPS(str(path), with_objsense=True)
    return path
