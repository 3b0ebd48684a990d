"""A plan held and tested in another world: the menus, prices and delivery models finance set
today, and what a draw's buyers and costs make of them.

Each market keeps its delivery model, every sold tier its options and its price in local
currency (so its dollar price moves with the currency factor), every unsold tier stays off the
menu. In the draw's world each segment then buys the tier that leaves it most (or nothing, when
none is worth its price), and the desks are staffed for what is sold: the same portfolio MILP as
the plan (:mod:`pricing.tiers.portfolio`), with those values held and the rules that shape a
menu (ladders, shares of contract value, tiers that must be offered, the margin at the floor)
left out, since the menu is no longer designed: it is what it is, and the world answers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from pricing.delivery.allocation import allocate
from pricing.delivery.answers import PortfolioDecision
from pricing.delivery.decision import Communities, variant_of
from pricing.delivery.shared import Delivery
from pricing.request import PlanRequest
from pricing.tiers.bounds import price_cap, reservation_max
from pricing.tiers.menu import value_of

# The families that design a menu; a held menu obeys none of them.
DESIGN_RULES = frozenset(
    {
        "nested",
        "distinct",
        "fill_from_bottom",
        "allowed",
        "required",
        "must_offer",
        "ladder",
        "ladder_cap",
        "share_floor",
        "share_cap",
        "floor_margin",
    }
)


@dataclass(frozen=True)
class HeldPlan:
    """What a plan holds: each market's delivery model (its own desks when it sells nothing),
    the options of every sold tier and the tiers left off (by variable name), and each sold
    tier's target price (USD a year, at today's rates) by the name of its price variable."""

    forced: Mapping[str, str]
    held: tuple[tuple[str, float], ...]
    prices: Mapping[str, Mapping[str, float]]  # market -> price variable -> USD


def held_plan(decision: PortfolioDecision) -> HeldPlan:
    """The plan of ``decision`` as it is held in another world."""
    forced, held, prices = {}, [], {}
    for code, chosen in decision.markets.items():
        answer = decision.answers[code]
        if chosen.delivery == Delivery.BOT and code in answer.alone:
            answer = answer.alone[code]  # solved by itself with bot nights
        model = answer.portfolio.markets[code]
        forced[code] = chosen.delivery or Delivery.HUB.value
        prices[code] = {}
        for tier in model.problem.tiers:
            if chosen.delivery is None or value_of(model.offered[tier]) < 0.5:
                held.append((model.offered[tier].name, 0.0))
                continue
            prices[code][model.price[tier].name] = value_of(model.price[tier])
            for (t, _), included in model.includes.items():
                if t == tier and not isinstance(included, int):
                    held.append((included.name, float(round(value_of(included)))))
    return HeldPlan(forced, tuple(sorted(held)), prices)


def evaluate_held(
    world: PlanRequest, plan: HeldPlan, currency_factors: Mapping[str, float]
) -> PortfolioDecision:
    """What the held ``plan`` earns in ``world``: its local prices at the draw's rates
    (``currency_factors``: the dollar value of each market's currency against today's)."""
    settings = dataclasses.replace(world.settings, floor_policy="market")
    communities = Communities(world.replace(settings=settings), plan.forced)
    decisions, answers = {}, {}
    wanted = set(world.codes)
    for group in communities.groups():
        if not wanted.intersection(group):
            continue
        held = list(plan.held)
        for code in group:
            problem = communities.problem(code, variant_of(communities.forced.get(code)))
            cap = price_cap(problem, reservation_max(problem))
            # A price beyond every buyer's reach sells to nobody, as it would at the cap.
            held += [
                (name, min(usd * currency_factors.get(code, 1.0), cap))
                for name, usd in plan.prices.get(code, {}).items()
            ]
        answer = communities.solve(group, held=tuple(sorted(held)), relax=DESIGN_RULES)
        for code, decision in allocate(communities, tuple(answer.chosen), answer).items():
            decisions[code] = decision
            answers[code] = answer
    ordered = {c: decisions[c] for c in world.codes}
    return PortfolioDecision(ordered, 0.0, dict(plan.forced), answers)
