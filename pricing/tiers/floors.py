"""The floor policy by tier: every sold tier's floor covers its fully loaded cost plus the margin.

The market-wide rule (``floor_margin`` in :mod:`pricing.tiers.model`) keeps the margin on the
market's whole cost with every account at its floor; a tier may still be floored below its own
fully loaded cost (its share of the market's cost, :mod:`pricing.tiers.accounts`), which a rep
who goes to that floor books as a loss. With ``Terms.tier_floors`` that menu is refused too.

A tier's fully loaded cost is a share of an exact step cost: not linear in the model's
variables. The policy is therefore held lazily and exactly. A menu is what is sold (which
segment buys which tier, what each sold tier holds, how the market is served) at its prices;
for a given sale the model's prices are the highest its buyers accept (every rule on prices
is kept by the componentwise largest of two price vectors that keep it, and the objective
rewards every sold price), so a sale whose floors fall short at those prices falls short at
any price. Each time the optimum's floors fall short, that sale is cut off (a no-good cut on
its binaries) and the model solved again, until the optimum keeps the policy or no sale is
left that does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pulp

from pricing.errors import InfeasibleError, SolverError
from pricing.tiers.problem import Solution, SolvedTier, Terms, TierProblem

# Floors short of cost plus margin by less than this (USD per account a year) are rounding.
FLOOR_TOLERANCE_USD = 0.005
# Re-solves allowed before the policy is refused as too costly to hold for these markets.
MAX_ROUNDS = 200

Pattern = list[tuple[pulp.LpVariable, int]]


def short_floors(terms: Terms, tiers: Iterable[SolvedTier]) -> list[str]:
    """The sold tiers (costed: ``unit_cost`` fully loaded) whose floor is below their cost
    plus the margin, each as words."""
    short = []
    for tier in tiers:
        if not tier.offered or tier.target is None:
            continue
        floor = tier.target * terms.floor_ratio
        needed = (1.0 + terms.min_margin) * tier.unit_cost
        if floor < needed - FLOOR_TOLERANCE_USD:
            short.append(
                f"{tier.name} (floor {floor:,.2f} against {needed:,.2f} USD per account a year)"
            )
    return short


def hold(
    problem: TierProblem, model, solution: Solution, again: Callable[[], Solution | None]
) -> Solution:
    """``solution`` of ``model``, or while a sold tier's floor falls short, the model solved
    ``again`` with that sale cut off; refused when no sale keeps the policy (a tier must be
    offered) or it takes more than ``MAX_ROUNDS`` rounds."""
    for n in range(1, MAX_ROUNDS + 1):
        short = short_floors(problem.terms, solution.tiers)
        if not short:
            return solution
        cut_off(model.lp, sale_pattern(model), n)
        found = again()
        if found is None:
            raise InfeasibleError(refused(problem.label, problem, short))
        solution = found
    raise SolverError(
        f"floor_policy: {problem.label} still had floors below their tier's cost after "
        f"{MAX_ROUNDS} menus refused: choose the market-wide floor policy"
    )


def refused(label: str, problem: TierProblem, short: Sequence[str]) -> str:
    """Why no menu of ``label`` keeps the policy: the tiers that must be offered, and the
    floors of the last menu refused."""
    offering = ", ".join(sorted(problem.must_offer)) or "a tier"
    return (
        f"floor_policy: in {label} no menu offering {offering} has every sold tier's floor "
        f"cover its fully loaded cost plus the {problem.terms.min_margin:.0%} margin (the last "
        f"refused: {'; '.join(short)}): choose the market-wide floor policy, or stop requiring "
        "every tier"
    )


def sale_pattern(model) -> Pattern:
    """The binaries that say what a solved market model sells, at their values: who buys
    which tier and what each sold tier holds."""
    found: Pattern = []
    offered = {tier for (_, tier), variable in model.buys.items() if _on(variable)}
    for variable in model.buys.values():
        found.append((variable, int(_on(variable))))
    for (tier, _), variable in model.includes.items():
        if tier in offered and isinstance(variable, pulp.LpVariable):
            found.append((variable, int(_on(variable))))
    return found


def cut_off(lp: pulp.LpProblem, pattern: Sequence[tuple[pulp.LpVariable, int]], n: int) -> None:
    """A no-good cut: at least one binary of ``pattern`` differs from its value."""
    differs = pulp.lpSum((1 - v) if value else v for v, value in pattern)
    lp.addConstraint(differs >= 1, f"tier_floor_policy__{n}")


def _on(variable) -> bool:
    if not isinstance(variable, pulp.LpVariable):
        return bool(variable)
    return (variable.varValue or 0.0) > 0.5
