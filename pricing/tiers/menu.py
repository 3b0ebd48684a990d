"""A solved tier model read as a menu: the tiers sold, who buys which, and prices settled exactly
(the solver's tolerance taken off where it would make the printed menu contradict itself)."""

from __future__ import annotations

import dataclasses

from pricing.errors import SolverError
from pricing.tiers.model import Model
from pricing.tiers.problem import SolvedTier, TierProblem


def value_of(item: object) -> float:
    """Value of a variable, an expression or a constant in a solved model."""
    if isinstance(item, int | float):
        return float(item)
    return float(item.value() or 0.0)  # type: ignore[attr-defined]


def settle_prices(problem: TierProblem, tiers: list[SolvedTier]) -> list[SolvedTier]:
    """Lower prices by the solver's tolerance where needed, so the published menu is exactly
    self-selecting (every buyer's surplus is >= 0 and >= what any other sold tier would leave)
    and within the most share of each buyer's contract value a tier may be.

    Solvers accept constraints violated by about 1e-7 relative; a price a millionth above a
    buyer's value would make the printed menu contradict its own assignment.
    """
    buyers = {b.name: b for b in problem.buyers}
    prices = {t.name: t.target for t in tiers if t.offered}
    options = {t.name: t.options for t in tiers}
    for _ in range(2 * len(tiers) + 2):
        changed = False
        for tier in tiers:
            if not tier.offered:
                continue
            for name in tier.buyers:
                value = problem.reservation(buyers[name], options[tier.name])
                best_elsewhere = max(
                    [0.0]
                    + [
                        problem.reservation(buyers[name], options[other]) - price
                        for other, price in prices.items()
                        if other != tier.name
                    ]
                )
                ceiling = value - best_elsewhere
                most = problem.max_share.get(tier.name)
                if most is not None and buyers[name].contract_value > 0:
                    ceiling = min(ceiling, most * buyers[name].contract_value)  # share_cap
                if prices[tier.name] > ceiling:
                    if prices[tier.name] - ceiling > 1e-5 * max(1.0, abs(ceiling)):
                        raise SolverError(
                            f"{problem.label}: solver returned a menu that is not "
                            f"self-selecting ({tier.name} is {prices[tier.name] - ceiling:g} "
                            f"above what {name} accepts or the rules allow)"
                        )
                    prices[tier.name] = ceiling
                    changed = True
        if not changed:
            break
    return [
        dataclasses.replace(t, target=_to_the_cent(prices[t.name])) if t.offered else t
        for t in tiers
    ]


def _to_the_cent(price: float) -> float:
    """A price within a millionth of a cent of a whole cent is that cent: 1819.9999999999995 is
    1820.00, as a spreadsheet recalculating the plan reads it (else a local price rounded at a
    price point's midpoint would fall on the other side there)."""
    cents = round(price, 2)
    return cents + 0.0 if abs(price - cents) < 1e-8 else price + 0.0


def read_menu(
    model: Model, problem: TierProblem | None = None
) -> tuple[list[SolvedTier], dict[str, str | None]]:
    """The tiers a solved model sells and who buys which, prices settled exactly against
    ``problem``'s values (default: the model's: :mod:`pricing.tiers.portfolio` gives those of a
    delivery model that cuts what support is worth)."""
    problem = problem or model.problem
    option_names = [o.name for o in problem.options]
    assignment: dict[str, str | None] = {}
    for b in problem.buyers:
        chosen = [t for t in problem.tiers if value_of(model.buys[b.name, t]) > 0.5]
        assignment[b.name] = chosen[0] if chosen else None
    solved = []
    # A tier's buyers' contract value is known only when every buyer's is (0: unknown).
    known = {b.name: b.contract_value > 0 for b in problem.buyers}
    contract = {b.name: b.size * b.contract_value for b in problem.buyers}
    for t in problem.tiers:
        buyers = tuple(b for b, tier in assignment.items() if tier == t)
        offered = bool(buyers)
        options = tuple(o for o in option_names if value_of(model.includes[t, o]) > 0.5)
        solved.append(
            SolvedTier(
                name=t,
                offered=offered,
                options=options if offered else (),
                unit_cost=0.0,
                target=value_of(model.price[t]) + 0.0 if offered else None,
                buyers=buyers,
                contract_value=(
                    sum(contract[b] for b in buyers) if all(known[b] for b in buyers) else 0.0
                ),
            )
        )
    return settle_prices(problem, solved), assignment
