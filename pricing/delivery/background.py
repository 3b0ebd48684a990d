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


def held_workloads(held: Held, kinds: Mapping[str, tuple[str, ...]]) -> dict[str, Workload]:
    """The workload of every held market of ``kinds``, as its community's answer has it."""
    solved = held.answer.portfolio
    found = {c: solved.markets[c].workload for c in kinds if c != held.code}
    return {c: w for c, w in found.items() if w is not None}


def held_kinds(held: Held, joinable: set[str]) -> dict[str, tuple[str, ...]]:
    """The shared-desk models held markets take onto the desks to build again: those the
    probed market may join (``joinable``) and those it was a member of. Each desk is sized with
    the members it had, whatever the probed market may now join; every other desk of the
    answer stays as it was (:func:`left_out`)."""
    found: dict[str, tuple[str, ...]] = {}
    for desk in held.answer.portfolio.desks.values():
        if desk.key not in joinable and all(m.market != held.code for m in desk.members):
            continue
        for m in desk.members:
            if m.market != held.code and m.delivery not in found.get(m.market, ()):
                found[m.market] = (*found.get(m.market, ()), m.delivery)
    return found


def left_out(
    held: Held, desks: Mapping[str, SharedDesk]
) -> tuple[dict[str, SharedDesk], tuple[dict[str, Background], float]]:
    """The desks of ``desks`` the probed market may join, and (for :func:`build_portfolio`)
    what the held markets bring to each and what they earn less the other desks' cost (USD a
    year): those of ``desks`` and the answer's desks not built again. Raises
    :class:`InfeasibleError` when the held sales' floors no longer pay for a desk the probed
    market cannot join, as the whole community's MILP would find."""
    answer, others = held.answer, _others(held)
    kept, found, staff = {}, {}, 0.0
    for key, desk in desks.items():
        sold = _sold(answer, desk, others)
        if any(m.market == held.code for m in desk.members):
            kept[key] = desk
            covers, margin = _floors(answer, desk, others)
            found[key] = Background(sold, *desk.loads(sold), covers=covers, margin=margin)
        else:
            staff += _paid(held, desk, sold)
    for key, desk in answer.portfolio.desks.items():
        if key not in desks:  # held.code is not on it: the same for every market probed
            if ("paid", key) not in answer.read:
                answer.read[("paid", key)] = _paid(held, desk, _sold(answer, desk, others))
            staff += answer.read[("paid", key)]
    earned = _earned(answer) - _earned(answer, held.code)
    return kept, (found, earned - staff)


def _sold(answer: Answer, desk: SharedDesk, others: tuple[str, ...]) -> dict:
    """What the held markets sell on ``desk``: accounts per option set, per member."""
    solved = answer.portfolio
    return {
        (m.market, m.delivery): solved.routed_accounts(m.market, m.delivery)
        for m in desk.members
        if m.market in others
    }


def _paid(held: Held, desk: SharedDesk, sold: dict) -> float:
    """What ``desk`` costs for the held sales alone, in whole agents, once their floors are
    seen to pay for it."""
    covers, margin = _floors(held.answer, desk, _others(held))
    cost = desk.staff_usd(sold)
    if covers < (1.0 + margin) * cost - FEASIBLE_USD:
        raise InfeasibleError(
            f"delivery: the floors of the markets on the shared desk {desk.key} would not "
            f"pay for it with the {margin:.0%} margin without {held.code}"
        )
    return cost


def _earned(answer: Answer, code: str | None = None) -> float:
    """What market ``code`` (every market when None) earns less its own costs in ``answer``,
    read once."""
    if ("earned", code) not in answer.read:
        solved = answer.portfolio
        codes = answer.chosen if code is None else (code,)
        earned = sum(solved.revenue_usd(c) - solved.own_cost_usd(c) for c in codes)
        answer.read[("earned", code)] = earned
    return answer.read[("earned", code)]


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
