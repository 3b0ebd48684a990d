"""Why a tier menu is what it is: the binding constraints of a solved market, in plain words.

Everything here is read off the solution (prices, tiers, who buys what), so finance sees the same
reasons whichever solver produced it: a constraint binds when its two sides are equal.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from pricing.costing.service import OPTION_LABELS

if TYPE_CHECKING:
    from pricing.tiers.problem import Solution, TierProblem

# Prices are money: two sides within a cent (or a millionth) are equal.
EQUAL = 0.01
TOLERANCE_VALUE = 1e-9


def _money(value: float) -> str:
    return f"{value:,.0f}"


def explain(problem: TierProblem, solution: Solution) -> tuple[tuple[str, ...], str | None]:
    """Plain-language reasons for each price and each segment's choice; and a headline message
    when nothing can be sold profitably."""
    terms = problem.terms
    offered = [t for t in solution.tiers if t.offered]
    buyers = {b.name: b for b in problem.buyers}
    notes: list[str] = []

    def surplus(buyer_name: str, tier) -> float:
        return problem.reservation(buyers[buyer_name], tier.options) - (tier.target or 0.0)

    needed = (1.0 + terms.min_margin) * solution.cost
    if offered and abs(solution.floor_revenue - needed) <= EQUAL * max(1.0, needed / 100):
        notes.append(
            f"The floor binds: with every account at its walk-away price the market earns "
            f"{_money(solution.floor_revenue)} a year, just its cost of {_money(solution.cost)} "
            f"plus the {terms.min_margin:.0%} minimum margin; prices cannot go lower."
        )
    for tier in offered:
        for name in tier.buyers:
            own = surplus(name, tier)
            if abs(own) <= EQUAL:
                notes.append(
                    f"{tier.name} is priced at {name}'s full value "
                    f"({_money(problem.reservation(buyers[name], tier.options))}): "
                    f"any higher and {name} would buy nothing (participation binds)."
                )
            for other in offered:
                if other.name == tier.name:
                    continue
                if abs(own - surplus(name, other)) <= EQUAL and own > EQUAL:
                    notes.append(
                        f"{tier.name}'s price is held down by {name}'s alternative, {other.name}: "
                        f"both leave {name} the same surplus ({_money(own)}). Charging more for "
                        f"{tier.name} would move {name} to {other.name} (self-selection binds)."
                    )
    if terms.price_step > 0:
        for low, high in itertools.pairwise(offered):
            if abs((high.target or 0) - (1 + terms.price_step) * (low.target or 0)) <= EQUAL:
                notes.append(
                    f"{high.name} sits exactly {terms.price_step:.0%} above {low.name}: "
                    "the price ladder binds."
                )
    for name, tier_name in solution.assignment.items():
        if tier_name is not None:
            continue
        buyer = buyers[name]
        if offered:
            best = max(offered, key=lambda t: surplus(name, t))
            notes.append(
                f"{name} buys nothing: the best tier for it, {best.name} at "
                f"{_money(best.target or 0)}, is worth only "
                f"{_money(problem.reservation(buyer, best.options))} to it."
            )
    fixed_costs = {o.name: o.fixed_cost for o in problem.options}
    # On a market's exact step cost an option's cost is not one figure (its staff depend on the
    # whole menu): what an alternative would earn is computed by solving it again
    # (pricing.counterfactuals), never narrated here.
    for option in problem.options if problem.workload is None else ():
        name = option.name
        label = OPTION_LABELS.get(name, name)
        if name in solution.options_paid:
            tiers = [t.name for t in offered if name in t.options]
            if fixed_costs[name] > 0 and not problem.designed:  # a given tier is its option
                if name in problem.must_offer:
                    continue  # offered because it must be: optimality says nothing about it
                notes.append(
                    f"{', '.join(tiers)} pays its fixed cost of {_money(fixed_costs[name])} a "
                    "year: offering it earns more than leaving it out."
                )
            elif fixed_costs[name] > 0:
                notes.append(
                    f"{label} is in {', '.join(tiers)}: its fixed cost of "
                    f"{_money(fixed_costs[name])} a year is worth paying for what it adds."
                )
        elif (
            problem.designed and offered and any(b.values.get(name, 0) > 0 for b in problem.buyers)
        ):
            top = offered[-1]
            extra, worth = _cost_of_adding(problem, solution, top, name)
            notes.append(
                f"{label} is in no tier: adding it to {top.name} would cost {_money(extra)} a "
                f"year more, and {top.name}'s buyers would pay at most {_money(worth)} more "
                "for it."
            )
    message = None
    if not offered:
        cheapest, buyer = _cheapest_service(problem)
        everything = tuple(o.name for o in problem.options)
        worth = buyer.size * problem.reservation(buyer, everything)
        message = (
            f"Nothing can be sold profitably in {problem.label}: serving even one segment alone "
            f"(the cheapest, {buyer.name}: {buyer.size:,.0f} accounts) costs {_money(cheapest)} "
            f"a year, and with every option it would pay at most {_money(worth)} a year in all "
            f"({_money(problem.reservation(buyer, everything))} per account), short of that "
            f"cost with the {terms.min_margin:.0%} margin kept at the floor."
        )
    return tuple(notes), message


def _cost_of_adding(problem: TierProblem, solution: Solution, tier, option: str):
    """Extra annual cost of adding an option to a sold tier, and what its buyers would add."""
    from pricing.tiers.accounts import total_cost

    options = {t.name: frozenset(t.options) for t in solution.tiers}
    sale = {b: (options[t] if t else None) for b, t in solution.assignment.items()}
    more = {b: (opts | {option} if b in tier.buyers else opts) for b, opts in sale.items()}
    sizes = {b.name: b for b in problem.buyers}
    worth = sum(sizes[b].size * sizes[b].values.get(option, 0.0) for b in tier.buyers)
    return total_cost(problem, more) - total_cost(problem, sale), worth


def _cheapest_service(problem: TierProblem):
    """What serving one segment alone on bare support costs at the least, and that segment."""
    from pricing.tiers.accounts import total_cost

    def alone(one) -> float:
        return total_cost(
            problem, {b.name: (frozenset() if b.name == one.name else None) for b in problem.buyers}
        )

    return min(((alone(one), one) for one in problem.buyers), key=lambda pair: pair[0])
