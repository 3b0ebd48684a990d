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


def candidates(values, prices) -> list[int | None]:
    """Every tier a segment may buy: those leaving it the most surplus, and nothing when that
    surplus is 0 or when every surplus is negative. A seller's rule can decide between them, as
    the MILP's weak self-selection lets it."""
    offered = [t for t, price in enumerate(prices) if price is not None]
    if not offered:
        return [None]
    best = max(values[t] - prices[t] for t in offered)
    if best < -1e-9:
        return [None]
    tied: list[int | None] = [t for t in offered if values[t] - prices[t] >= best - 1e-9]
    return [*tied, None] if abs(best) <= 1e-9 else tied


def rules_hold(problem: TierProblem, prices, picks: list[int | None]) -> bool:
    """The price rules a menu must meet: the ladder's least step between any two sold tiers,
    its most step between consecutive sold ones, and each buyer's share of contract value."""
    terms = problem.terms
    sold = sorted({t for t in picks if t is not None})
    if terms.price_step > 0 and any(
        prices[b] < (1 + terms.price_step) * prices[a] - 1e-9 for a in sold for b in sold if a < b
    ):
        return False
    if terms.max_price_step > 0 and any(
        prices[t + 1] > (1 + terms.max_price_step) * prices[t] + 1e-9 for t in sold if t + 1 in sold
    ):
        return False
    for buyer, pick in zip(problem.buyers, picks, strict=True):
        if pick is None:
            continue
        tier = problem.tiers[pick]
        low, high = problem.min_share.get(tier, 0.0), problem.max_share.get(tier)
        if prices[pick] < low * buyer.contract_value - 1e-9:
            return False
        if high is not None and prices[pick] > high * buyer.contract_value + 1e-9:
            return False
    return True


def best_profit(problem: TierProblem, price_grid) -> float:
    costs = {o.name: (o.unit_cost, o.fixed_cost) for o in problem.options}
    best = 0.0  # selling nothing is always possible
    for design in nested_designs(problem):
        reservations = [
            [problem.reservation(b, design[t]) for t in range(len(design))] for b in problem.buyers
        ]
        unit = [problem.unit_cost(tuple(design[t])) for t in range(len(design))]
        choices = [None, *price_grid]
        for prices in itertools.product(choices, repeat=len(design)):
            options = [candidates(values, prices) for values in reservations]
            for picks in itertools.product(*options):
                best = max(best, _profit(problem, design, prices, list(picks), unit, costs))
    return best


def _profit(problem: TierProblem, design, prices, picks, unit, costs) -> float:
    """The seller's profit when each segment buys its pick; 0 when the menu breaks a rule."""
    terms = problem.terms
    sold = {pick for pick in picks if pick is not None}
    if not sold or not menu_is_allowed(problem, design, sold):
        return 0.0
    if not rules_hold(problem, prices, picks):
        return 0.0
    revenue = variable = 0.0
    for b, pick in zip(problem.buyers, picks, strict=True):
        if pick is not None:
            revenue += b.size * prices[pick]
            variable += b.size * unit[pick]
    used = {o for t in sold for o in design[t]}
    fixed = problem.base_fixed_cost + sum(costs[o][1] for o in used)
    # The floor holds on the market as a whole: every account at its floor price still earns
    # the minimum margin on the whole cost.
    if terms.floor_ratio * revenue < (1 + terms.min_margin) * (variable + fixed) - 1e-9:
        return 0.0
    return revenue - variable - fixed
