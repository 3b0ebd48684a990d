"""A community solved again with every market's sales held but one: the held markets left out
of the MILP, as the background of the desks they share with it.

What a rule or an alternative does to a market on a shared desk, what selling an unsold market
would cost, and the least change that sells it are each a solve of the market's community with
the other markets' sales held as solved (:meth:`pricing.delivery.answers.Answer.held`). Held,
another market meets the one probed only on the shared desks they may both join: there what it
sells puts a known load on each slot group (whole agents are still sized for the sum), and what
its floors leave over its costs is a known part of the desk's floor. Everything else it earns,
and what the desks the probed market cannot join cost for the held sales, is a constant. So the
MILP holds the probed market alone, and its answer is the whole community's with those sales
held: a held market's prices settle where its own rows put them, since its profit is largest
there and what its floors leave towards a desk is too.
"""

from __future__ import annotations

from collections.abc import Mapping

from pricing.costing.workload import Workload
from pricing.delivery.answers import Answer, Held
from pricing.delivery.shared import SharedDesk
from pricing.errors import InfeasibleError
from pricing.tiers.menu import value_of
from pricing.tiers.shared_rows import Background, routed_value

# How far short of a desk's floor rounding may leave what held sales cover (USD a year).
FEASIBLE_USD = 0.01


def held_workloads(held: Held) -> dict[str, Workload]:
    """The workload of every held market, as its community's answer has it."""
    solved = held.answer.portfolio
    found = {c: solved.markets[c].workload for c in _others(held)}
    return {c: w for c, w in found.items() if w is not None}


def held_kinds(held: Held) -> dict[str, tuple[str, ...]]:
    """The shared-desk models each held market could take in its community's answer: the
    desks it was sized on stay as they were, whatever the probed market may now join."""
    found: dict[str, tuple[str, ...]] = {c: () for c in _others(held)}
    for desk in held.answer.portfolio.desks.values():
        for m in desk.members:
            if m.market in found and m.delivery not in found[m.market]:
                found[m.market] += (m.delivery,)
    return found


def left_out(
    held: Held, desks: Mapping[str, SharedDesk]
) -> tuple[dict[str, SharedDesk], tuple[dict[str, Background], float]]:
    """The desks of ``desks`` the probed market may join, and (for :func:`build_portfolio`)
    what the held markets bring to each and what they earn less the other desks' cost (USD a
    year). Raises :class:`InfeasibleError` when the held sales' floors no longer pay for a desk
    the probed market cannot join, as the whole community's MILP would find."""
    solved, others = held.answer.portfolio, _others(held)
    kept, found, staff = {}, {}, 0.0
    for key, desk in desks.items():
        sold = {
            (m.market, m.delivery): solved.routed_accounts(m.market, m.delivery)
            for m in desk.members
            if m.market in others
        }
        covers, margin = _floors(held.answer, desk, others)
        if not any(m.market == held.code for m in desk.members):
            cost = desk.staff_usd(sold)  # the held sales alone, in whole agents
            if covers < (1.0 + margin) * cost - FEASIBLE_USD:
                raise InfeasibleError(
                    f"delivery: the floors of the markets on the shared desk {key} would not "
                    f"pay for it with the {margin:.0%} margin without {held.code}"
                )
            staff += cost
            continue
        kept[key] = desk
        found[key] = Background(sold, *desk.loads(sold), covers=covers, margin=margin)
    earned = sum(solved.revenue_usd(c) - solved.own_cost_usd(c) for c in others)
    return kept, (found, earned - staff)


def _others(held: Held) -> tuple[str, ...]:
    return tuple(c for c in held.answer.chosen if c != held.code)


def _floors(answer: Answer, desk: SharedDesk, others: tuple[str, ...]) -> tuple[float, float]:
    """What the held markets' floors leave over their costs towards ``desk`` (each at most
    what its accounts routed there value their sets at, and nothing below zero), and the
    largest minimum margin among them: their ``covers`` rows at their largest."""
    covers, margin = 0.0, 0.0
    for code in sorted({m.market for m in desk.members if m.market in others}):
        model = answer.portfolio.markets[code]
        terms = model.problem.terms
        margin = max(margin, terms.min_margin)
        if code not in answer.leftover:
            revenue, cost = value_of(model.revenue()), value_of(model.cost())
            answer.leftover[code] = terms.floor_ratio * revenue - (1 + terms.min_margin) * cost
        kinds = [m.delivery for m in desk.members if m.market == code]
        ceiling = terms.floor_ratio * value_of(routed_value(model, kinds))
        covers += max(0.0, min(answer.leftover[code], ceiling))
    return covers, margin
