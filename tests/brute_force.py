"""An independent check of the tier optimiser: simulate buyers facing every menu.

Nothing here shares code with the MILP. For every tier design (nested option sets) and every
price vector on an integer grid, each segment buys the tier that leaves it the most surplus
(ties to the seller, nothing when every surplus is negative), and the seller's profit is counted.
With integer values and costs, no discounts and no margin, optimal prices are integers, so the
grid is exhaustive and the best profit found is the true optimum.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from pricing.tiers.problem import TierProblem


def nested_designs(problem: TierProblem) -> Iterator[tuple[frozenset[str], ...]]:
    """Every assignment of options to tiers that is nested (tier t+1 holds tier t's options)."""
    if problem.fixed_tiers is not None:
        yield tuple(frozenset(problem.fixed_tiers[t]) for t in problem.tiers)
        return
    names = [o.name for o in problem.options]
    count = len(problem.tiers)
    # Each option enters at some tier (0-based) or never (= count).
    for entry in itertools.product(range(count + 1), repeat=len(names)):
        yield tuple(
            frozenset(n for n, e in zip(names, entry, strict=True) if e <= t) for t in range(count)
        )


def menu_is_allowed(problem: TierProblem, design, sold: set[int]) -> bool:
    """The menu rules of designed tiers: sold tiers fill from the bottom, each holds more."""
    if problem.fixed_tiers is not None:
        return True
    if sold != set(range(len(sold))):
        return False
    return all(len(design[t + 1]) > len(design[t]) for t in range(len(sold) - 1))


def choice(values, prices, unit) -> int | None:
    """The tier a segment buys: the most surplus, ties to the seller's margin; None when every
    surplus is negative (buying nothing leaves none and earns nothing)."""
    pick, pick_key = None, (0.0, 0.0)
    for t, price in enumerate(prices):
        if price is None:
            continue
        key = (values[t] - price, price - unit[t])
        if key > pick_key:
            pick, pick_key = t, key
    return pick


def variable_total(problem: TierProblem, reservations, prices, unit) -> float:
    """Accounts x unit cost of what each segment buys."""
    total = 0.0
    for b, values in zip(problem.buyers, reservations, strict=True):
        pick = choice(values, prices, unit)
        if pick is not None:
            total += b.size * unit[pick]
    return total


def best_profit(problem: TierProblem, price_grid: range) -> float:
    costs = {o.name: (o.unit_cost, o.fixed_cost) for o in problem.options}
    terms = problem.terms
    best = 0.0  # selling nothing is always possible
    for design in nested_designs(problem):
        reservations = [
            [problem.reservation(b, design[t]) for t in range(len(design))] for b in problem.buyers
        ]
        unit = [problem.unit_cost(tuple(design[t])) for t in range(len(design))]
        choices = [None, *price_grid]
        for prices in itertools.product(choices, repeat=len(design)):
            profit = 0.0
            sold: set[int] = set()
            for b, values in zip(problem.buyers, reservations, strict=True):
                pick = choice(values, prices, unit)
                if pick is not None:
                    sold.add(pick)
                    profit += b.size * (prices[pick] - unit[pick])
            if not sold or not menu_is_allowed(problem, design, sold):
                continue
            ladder_holds = (
                all(
                    prices[b] >= (1 + terms.price_step) * prices[a] - 1e-9
                    for a in sold
                    for b in sold
                    if a < b
                )
                if terms.price_step > 0
                else True
            )
            if not ladder_holds:
                continue
            used = {o for t in sold for o in design[t]}
            fixed = problem.base_fixed_cost + sum(costs[o][1] for o in used)
            # The floor holds on the market as a whole: every account at its floor price
            # still earns the minimum margin on the whole cost.
            revenue = profit + variable_total(problem, reservations, prices, unit)
            if (
                terms.floor_ratio * revenue
                < (1 + terms.min_margin) * (revenue - profit + fixed) - 1e-9
            ):
                continue
            best = max(best, profit - fixed)
    return best
