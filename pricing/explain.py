"""Why a tier menu is what it is: the binding constraints of a solved market, in plain words.

Everything here is read off the solution (prices, tiers, who buys what), so finance sees the same
reasons whichever solver produced it: a constraint binds when its two sides are equal.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from pricing.segments import OPTION_LABELS

if TYPE_CHECKING:
    from pricing.optimizer import Solution, TierProblem

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

    for tier in offered:
        price = tier.target or 0.0
        floor = price * terms.floor_ratio
        needed = (1.0 + terms.min_margin) * tier.unit_cost
        if abs(floor - needed) <= EQUAL * max(1.0, abs(needed) / 100):
            notes.append(
                f"{tier.name}: the floor binds. At target {_money(price)} the walk-away price "
                f"{_money(floor)} just covers the cost of {_money(tier.unit_cost)} per account "
                f"plus the {terms.min_margin:.0%} minimum margin; the target cannot go lower."
            )
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
        bare_floor = (1.0 + terms.min_margin) * problem.base_unit_cost / terms.floor_ratio
        if buyer.base_value + TOLERANCE_VALUE < bare_floor:
            notes.append(
                f"{name}: even the barest tier needs a target of {_money(bare_floor)} to keep its "
                f"floor above cost plus margin, more than {name} pays for it "
                f"({_money(buyer.base_value)})."
            )
    fixed_costs = {o.name: o.fixed_cost for o in problem.options}
    for option in problem.options:
        name = option.name
        label = OPTION_LABELS.get(name, name)
        if name in solution.options_paid:
            tiers = [t.name for t in offered if name in t.options]
            if fixed_costs[name] > 0:
                notes.append(
                    f"{label} is in {', '.join(tiers)}: its fixed cost of "
                    f"{_money(fixed_costs[name])} a year is worth paying for what it adds."
                )
        elif (
            problem.designed and offered and any(b.values.get(name, 0) > 0 for b in problem.buyers)
        ):
            notes.append(
                f"{label} is in no tier: its cost ({_money(fixed_costs[name])} a year"
                + (
                    f" plus {_money(option.unit_cost)} per account"
                    if option.unit_cost >= 0
                    else f", less {_money(-option.unit_cost)} saved per account"
                )
                + ") is more than segments would pay for it."
            )
    message = None
    if not offered:
        top = max(
            problem.reservation(b, tuple(o.name for o in problem.options)) for b in problem.buyers
        )
        message = (
            f"Nothing can be sold profitably in {problem.label}: serving the market costs "
            f"{_money(problem.base_fixed_cost)} a year plus {_money(problem.base_unit_cost)} per "
            f"account, and no tier earns that back (the most any segment would pay is "
            f"{_money(top)} per account)."
        )
    return tuple(notes), message
