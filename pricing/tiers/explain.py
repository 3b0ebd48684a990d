"""Why a tier menu is what it is: the binding constraints of a solved market, in plain words.

Everything here is read off the solution (prices, tiers, who buys what), so finance sees the same
reasons whichever solver produced it: a constraint binds when its two sides are equal.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from pricing.costing.service import OPTION_LABELS
from pricing.tiers.accounts import total_cost

if TYPE_CHECKING:
    from pricing.tiers.problem import Buyer, Option, Solution, SolvedTier, TierProblem

# Prices are money: two sides within a cent (or a millionth) are equal.
EQUAL = 0.01
TOLERANCE_VALUE = 1e-9


def _money(value: float) -> str:
    return f"{value:,.0f}"


def explain(problem: TierProblem, solution: Solution) -> tuple[tuple[str, ...], str | None]:
    """Plain-language reasons for each price and each segment's choice; and a headline message
    when nothing can be sold profitably."""
    offered = [t for t in solution.tiers if t.offered]
    notes = [
        *_floor_binds(problem, solution, offered),
        *(
            note
            for tier in offered
            for name in tier.buyers
            for note in _why_this_price(problem, tier, name, offered)
        ),
        *_ladder_binds(problem, offered),
        *_buying_nothing(problem, solution, offered),
        *_why_these_options(problem, solution, offered),
    ]
    return tuple(notes), (None if offered else _nothing_sells(problem))


def explain_prices(problem: TierProblem, solution: Solution) -> tuple[str, ...]:
    """The reasons read off prices and values alone (participation, self-selection, the
    ladder, who buys nothing), for a menu whose costs are shared with other markets."""
    offered = [t for t in solution.tiers if t.offered]
    return (
        *(
            note
            for tier in offered
            for name in tier.buyers
            for note in _why_this_price(problem, tier, name, offered)
        ),
        *_ladder_binds(problem, offered),
        *_buying_nothing(problem, solution, offered),
    )


def _surplus(problem: TierProblem, buyer: Buyer, tier: SolvedTier) -> float:
    return problem.reservation(buyer, tier.options) - (tier.target or 0.0)


def _floor_binds(problem: TierProblem, solution: Solution, offered: list[SolvedTier]) -> list[str]:
    terms = problem.terms
    needed = (1.0 + terms.min_margin) * solution.cost
    if not (offered and abs(solution.floor_revenue - needed) <= EQUAL * max(1.0, needed / 100)):
        return []
    return [
        f"The floor binds: with every account at its walk-away price the market earns "
        f"{_money(solution.floor_revenue)} a year, just its cost of {_money(solution.cost)} "
        f"plus the {terms.min_margin:.0%} minimum margin; prices cannot go lower."
    ]


def _why_this_price(
    problem: TierProblem, tier: SolvedTier, name: str, offered: list[SolvedTier]
) -> list[str]:
    """What holds a tier's price where it is for one of its buyers: the buyer's full value
    (participation) or another tier the buyer likes as much (self-selection)."""
    buyer = next(b for b in problem.buyers if b.name == name)
    own = _surplus(problem, buyer, tier)
    notes = []
    if abs(own) <= EQUAL:
        notes.append(
            f"{tier.name} is priced at {name}'s full value "
            f"({_money(problem.reservation(buyer, tier.options))}): "
            f"any higher and {name} would buy nothing (participation binds)."
        )
    for other in offered:
        if other.name == tier.name:
            continue
        if abs(own - _surplus(problem, buyer, other)) <= EQUAL and own > EQUAL:
            notes.append(
                f"{tier.name}'s price is held down by {name}'s alternative, {other.name}: "
                f"both leave {name} the same surplus ({_money(own)}). Charging more for "
                f"{tier.name} would move {name} to {other.name} (self-selection binds)."
            )
    return notes


def _ladder_binds(problem: TierProblem, offered: list[SolvedTier]) -> list[str]:
    step = problem.terms.price_step
    if step <= 0:
        return []
    return [
        f"{high.name} sits exactly {step:.0%} above {low.name}: the price ladder binds."
        for low, high in itertools.pairwise(offered)
        if abs((high.target or 0) - (1 + step) * (low.target or 0)) <= EQUAL
    ]


def _buying_nothing(
    problem: TierProblem, solution: Solution, offered: list[SolvedTier]
) -> list[str]:
    """Why a segment buys nothing: even its best tier costs more than it is worth to it."""
    if not offered:
        return []
    buyers = {b.name: b for b in problem.buyers}
    notes = []
    for name, tier_name in solution.assignment.items():
        if tier_name is not None:
            continue
        buyer = buyers[name]
        best = max(offered, key=lambda t: _surplus(problem, buyer, t))
        notes.append(
            f"{name} buys nothing: the best tier for it, {best.name} at "
            f"{_money(best.target or 0)}, is worth only "
            f"{_money(problem.reservation(buyer, best.options))} to it."
        )
    return notes


def _why_these_options(
    problem: TierProblem, solution: Solution, offered: list[SolvedTier]
) -> list[str]:
    """Why an option with a fixed cost is paid for, or one segments value is left out.

    On a market's exact step cost an option's cost is not one figure (its staff depend on the
    whole menu): what an alternative would earn is computed by solving it again
    (pricing.counterfactuals), never narrated here.
    """
    if problem.workload is not None:
        return []
    notes = []
    for option in problem.options:
        if option.name in solution.options_paid:
            note = _option_paid_for(problem, option, offered)
        elif (
            problem.designed
            and offered
            and any(b.values.get(option.name, 0) > 0 for b in problem.buyers)
        ):
            note = _option_left_out(problem, solution, option, offered[-1])
        else:
            note = None
        if note is not None:
            notes.append(note)
    return notes


def _option_paid_for(problem: TierProblem, option: Option, offered: list[SolvedTier]) -> str | None:
    if option.fixed_cost <= 0:
        return None
    tiers = ", ".join(t.name for t in offered if option.name in t.options)
    if problem.designed:
        return (
            f"{OPTION_LABELS.get(option.name, option.name)} is in {tiers}: its fixed cost of "
            f"{_money(option.fixed_cost)} a year is worth paying for what it adds."
        )
    if option.name in problem.must_offer:
        return None  # offered because it must be: optimality says nothing about it
    # A given tier is its own option.
    return (
        f"{tiers} pays its fixed cost of {_money(option.fixed_cost)} a year: offering it earns "
        "more than leaving it out."
    )


def _option_left_out(
    problem: TierProblem, solution: Solution, option: Option, top: SolvedTier
) -> str:
    extra, worth = _cost_of_adding(problem, solution, top, option.name)
    return (
        f"{OPTION_LABELS.get(option.name, option.name)} is in no tier: adding it to {top.name} "
        f"would cost {_money(extra)} a year more, and {top.name}'s buyers would pay at most "
        f"{_money(worth)} more for it."
    )


def _nothing_sells(problem: TierProblem) -> str:
    """Why nothing is sold: serving even the cheapest segment alone costs more than it pays."""
    cheapest, buyer = _cheapest_service(problem)
    everything = tuple(o.name for o in problem.options)
    worth = buyer.size * problem.reservation(buyer, everything)
    return (
        f"Nothing can be sold profitably in {problem.label}: serving even one segment alone "
        f"(the cheapest, {buyer.name}: {buyer.size:,.0f} accounts) costs {_money(cheapest)} "
        f"a year, and with every option it would pay at most {_money(worth)} a year in all "
        f"({_money(problem.reservation(buyer, everything))} per account), short of that "
        f"cost with the {problem.terms.min_margin:.0%} margin kept at the floor."
    )


def _cost_of_adding(problem: TierProblem, solution: Solution, tier, option: str):
    """Extra annual cost of adding an option to a sold tier, and what its buyers would add."""
    options = {t.name: frozenset(t.options) for t in solution.tiers}
    sale = {b: (options[t] if t else None) for b, t in solution.assignment.items()}
    more = {b: (opts | {option} if b in tier.buyers else opts) for b, opts in sale.items()}
    sizes = {b.name: b for b in problem.buyers}
    worth = sum(sizes[b].size * sizes[b].values.get(option, 0.0) for b in tier.buyers)
    return total_cost(problem, more) - total_cost(problem, sale), worth


def _cheapest_service(problem: TierProblem):
    """What serving one segment alone on bare support costs at the least, and that segment."""

    def alone(one) -> float:
        return total_cost(
            problem, {b.name: (frozenset() if b.name == one.name else None) for b in problem.buyers}
        )

    return min(((alone(one), one) for one in problem.buyers), key=lambda pair: pair[0])
