"""The floor policy by tier in a solved community (:mod:`pricing.tiers.floors` states it for one
market's model).

Each sold market's tiers are costed as its plan reports them (:mod:`pricing.delivery.delivered`:
its own costs, a distributor's fees and share, its part of a shared desk), and while a tier's
floor falls short of its fully loaded cost plus the margin the community's sale is cut off and
the community solved again. A market on desks of its own is cut off alone (its tiers' costs are
its own); a market sharing a desk with the whole community's sale, since its part of the desk
depends on the other markets' sales. A shared desk's part follows what sharing gains each
market at the menu's prices, which for a given sale are the highest its buyers accept (as every
plan prices a sale): the policy is held for menus priced so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from pricing.delivery.answers import Answer, MarketDecision
from pricing.delivery.delivered import delivered_solution
from pricing.errors import InfeasibleError, SolverError
from pricing.tiers import floors

# Sales refused for a floor short only through a shared desk's part before the policy is
# refused (the part depends on every market on the desk: a search over their menus).
SHARED_ROUNDS = 3


def hold(
    answer: Answer,
    solver: str,
    allocate: Callable[[Answer], dict[str, MarketDecision]],
    again: Callable[[], Answer | None],
) -> Answer:
    """``answer``, or while a sold tier's floor falls short, the community solved ``again``
    with that sale cut off (``allocate`` says each market's part of the shared desks)."""
    portfolio = answer.portfolio
    shared_rounds = 0
    for n in range(1, floors.MAX_ROUNDS + 1):
        decisions = allocate(answer)
        own, whole = _short(answer, solver, decisions)
        if not whole:
            return answer
        if own:  # short on its own costs, whatever the other markets sell
            codes = tuple(own)
        else:
            shared_rounds += 1
            if shared_rounds > SHARED_ROUNDS:
                raise InfeasibleError(_refused_shared(whole, decisions))
            desks = {decisions[c].desk for c in whole}
            codes = tuple(c for c, d in decisions.items() if d.desk in desks or c in whole)
        portfolio.cut_off(portfolio.sale_pattern(codes), n)
        found = again()
        if found is None:
            code, words = next(iter(whole.items()))
            problem = portfolio.markets[code].problem
            raise InfeasibleError(floors.refused(", ".join(answer.chosen), problem, words))
        answer = found
    raise SolverError(
        f"floor_policy: {', '.join(answer.chosen)} still had floors below their tier's cost "
        f"after {floors.MAX_ROUNDS} menus refused: choose the market-wide floor policy"
    )


def _short(answer: Answer, solver: str, decisions: dict[str, MarketDecision]):
    """The sold markets whose tiers' floors fall short of their own costs (without a shared
    desk's part) and of their whole cost, each with those tiers in words."""
    own, whole = {}, {}
    for code, decision in decisions.items():
        if decision.delivery is None:
            continue
        problem, solution = delivered_solution(answer, decision, solver)
        if short := floors.short_floors(problem.terms, solution.tiers):
            whole[code] = short
        if short and decision.shared_cost_usd > 0:
            alone = dataclasses.replace(decision, shared_cost_usd=0.0)
            problem, solution = delivered_solution(answer, alone, solver)
            short = floors.short_floors(problem.terms, solution.tiers)
        if short:
            own[code] = short
    return own, whole


def _refused_shared(whole: dict, decisions: dict[str, MarketDecision]) -> str:
    """Why the policy is refused for markets short only through their part of a shared desk."""
    said = "; ".join(
        f"{code} on {decisions[code].desk}: {', '.join(words)}" for code, words in whole.items()
    )
    hub = ", ".join(f'"{code}": "hub"' for code in whole)
    return (
        f"floor_policy: tier floors below their fully loaded cost plus the margin with their "
        f"part of a shared desk ({said}); that part depends on every market on the desk, and "
        f"no menu held the policy in {SHARED_ROUNDS} tries: serve these markets on desks of "
        f'their own (scenario "delivery": {{{hub}}}) or choose the market-wide floor policy'
    )
