"""The rows that size a desk several markets share, in the portfolio MILP
(:mod:`pricing.tiers.portfolio`, whose docstring states them): its agents carry every member's
load, as a market's own desk does (:mod:`pricing.tiers.desk_rows`), and the members' floors pay
for it with the margin; and the value the English desk cuts.

Markets whose sales are held may be left out of the MILP (:class:`Background`): what they put
on each slot group of the desk is then a constant of its rows, and what their floors leave
towards it a constant of its floor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pulp

from pricing.tiers.bounds import twins
from pricing.tiers.desk_rows import agents_ordered, carried_by, priority_slack
from pricing.tiers.model import Model, clean

if TYPE_CHECKING:
    from pricing.delivery.shared import SharedDesk


@dataclass(frozen=True)
class Background:
    """What markets held and left out of the MILP bring to a shared desk: ``sold[market,
    delivery]`` their accounts on each option set there (as :meth:`SharedDesk.sold`); per
    slot group their ``live`` and ``total`` Erlangs, whether they have ``priority`` contacts
    and ``open`` it; what their floors leave over their costs towards it (``covers``, USD a
    year) and the largest minimum margin among them."""

    sold: dict
    live: np.ndarray
    total: np.ndarray
    priority: np.ndarray
    open: np.ndarray
    covers: float
    margin: float


def add(lp: pulp.LpProblem, constraint, family: str, *labels: str) -> None:
    """Add ``constraint`` to ``lp`` named ``family__labels``."""
    lp.addConstraint(constraint, "__".join([family, *map(clean, labels)]))


def routed_value(model, kinds) -> pulp.LpAffineExpression:
    """What the accounts routed to delivery models ``kinds`` value their option sets at:
    the market's revenue (and surplus) when one of them serves it, nothing when none does."""
    sets = model.workload.sets
    buyers = {b.name: b for b in model.problem.buyers}
    return pulp.LpAffineExpression(
        [
            (variable, buyers[name].size * _set_value(buyers[name], sets[i]))
            for (name, kind, i), variable in model.routed.items()
            if kind in kinds
        ]
    )


def _set_value(buyer, option_set) -> float:
    return buyer.base_value + sum(buyer.values.get(o, 0.0) for o in option_set)


def shared_rows(portfolio, desk: SharedDesk, must_sell: tuple[str, ...]) -> None:
    """Agents of a shared desk carry every member's load (the families of a market's own desk),
    and the members' floors pay for them with the margin."""
    lp, key, tag = portfolio.lp, desk.key, clean(desk.key)
    models = portfolio.markets
    members = [m for m in desk.members if (m.market, m.delivery) in portfolio.choose]
    held = portfolio.background.get(key) or _nothing(len(desk.groups))
    first = twins([_signature(members, g, held) for g in range(len(desk.groups))])
    for g, _group in enumerate(desk.groups):
        if first[g] != g:
            # A group whose every member loads, opens and prioritises it as an earlier one
            # does needs the same agents: it shares them (and their rows), at both rates.
            portfolio.agent[key, g] = portfolio.agent[key, first[g]]
            if (key, first[g]) in portfolio.priority_on:
                portfolio.priority_on[key, g] = portfolio.priority_on[key, first[g]]
            continue
        count = _agents_needed(desk, members, g, models, held)
        agents = [
            pulp.LpVariable(f"agent_{tag}_g{g}_k{k}", cat=pulp.LpBinary)
            for k in range(1, count + 1)
        ]
        portfolio.agent[key, g] = agents
        for row, *labels in agents_ordered(agents, tag, f"g{g}"):
            add(lp, row, "shared_agents_in_order", *labels)
        _shared_group(portfolio, desk, members, g, agents, held)
    if not any(m.market in must_sell for m in members):  # else no margin rule on the desk
        _shared_floor(portfolio, desk, members, held)


def _nothing(width: int) -> Background:
    """No market held: nothing in the background."""
    none = np.zeros(width)
    return Background({}, none, none, none.astype(bool), none.astype(bool), 0.0, 0.0)


def _signature(members, g: int, held: Background) -> tuple:
    """What decides the agents of slot group g: every member's loads, openings and priority,
    and the background's."""
    columns = [(m.live[:, g], m.total[:, g], m.opens[:, g], m.priority[:, g]) for m in members]
    fixed = (held.live[g], held.total[g], held.open[g], held.priority[g])
    return (*(tuple(column.tolist()) for four in columns for column in four), fixed)


def _member_terms(models, member, column: np.ndarray) -> list[tuple[pulp.LpVariable, float]]:
    """(variable, Erlangs) of a member's routed accounts on the sets where ``column`` > 0."""
    model = models[member.market]
    sizes = {b.name: b.size for b in model.problem.buyers}
    return [
        (variable, sizes[name] * float(column[i]))
        for (name, kind, i), variable in model.routed.items()
        if kind == member.delivery and column[i] > 0
    ]


def _largest(members, models, g: int, field: str, held: Background) -> float:
    """The largest load of one kind slot group g can get: each market's busiest set, all sold,
    under whichever of its delivery models on the desk puts most there (a market is served
    by one model, so its members' loads never add up), with the background's."""
    busiest: dict[str, float] = {}
    for m in members:
        load = float(getattr(m, field)[:, g].max(initial=0.0)) * _accounts(models, m)
        busiest[m.market] = max(busiest.get(m.market, 0.0), load)
    return sum(busiest.values()) + float(getattr(held, field)[g])


def _agents_needed(desk: SharedDesk, members, g: int, models, held: Background) -> int:
    live = _largest(members, models, g, "live", held)
    total = _largest(members, models, g, "total", held)
    priority = any(m.priority[:, g].any() for m in members) or bool(held.priority[g])
    top = desk.capacity.agents(np.array(live), np.array(total), np.array(priority), np.array(0))
    opened = any(m.opens[:, g].any() for m in members) or bool(held.open[g])
    return max(int(top), desk.min_on_duty if opened else 0)


def _accounts(models, member) -> float:
    return sum(b.size for b in models[member.market].problem.buyers)


def _shared_group(portfolio, desk: SharedDesk, members, g: int, agents, held) -> None:
    lp, tag, models = portfolio.lp, clean(desk.key), portfolio.markets
    if not agents:
        return
    first = agents[min(desk.min_on_duty, len(agents)) - 1]
    if held.open[g]:
        add(lp, first >= 1, "shared_opens", tag, f"g{g}", "held")
    for member in members:
        for b in models[member.market].problem.buyers:
            opening = [
                v
                for (name, kind, i), v in models[member.market].routed.items()
                if name == b.name and kind == member.delivery and member.opens[i, g]
            ]
            if opening:
                label = (tag, f"g{g}", member.market, member.delivery, b.name)
                add(lp, first >= pulp.lpSum(opening), "shared_opens", *label)
    live = pulp.LpAffineExpression(
        [term for m in members for term in _member_terms(models, m, m.live[:, g])],
        constant=float(held.live[g]),
    )
    total = pulp.LpAffineExpression(
        [term for m in members for term in _member_terms(models, m, m.total[:, g])],
        constant=float(held.total[g]),
    )
    capacity = desk.capacity
    add(lp, live <= carried_by(capacity.live, agents), "shared_live_capacity", tag, f"g{g}")
    add(lp, total <= carried_by(capacity.total, agents), "shared_total_capacity", tag, f"g{g}")
    putting = {}  # (market, delivery, segment) -> its routed variables with priority in g
    for m in members:
        for (name, kind, i), variable in models[m.market].routed.items():
            if kind == m.delivery and m.priority[i, g]:
                putting.setdefault((m.market, kind, name), []).append(variable)
    if not putting and not held.priority[g]:
        return
    on = pulp.LpVariable(f"priority_on_{tag}_g{g}", cat=pulp.LpBinary)
    portfolio.priority_on[desk.key, g] = on
    for labels, variables in putting.items():
        add(lp, on >= pulp.lpSum(variables), "shared_priority_on", tag, f"g{g}", *labels)
    if held.priority[g]:
        add(lp, on >= 1, "shared_priority_on", tag, f"g{g}", "held")
    top_live = _largest(members, models, g, "live", held)
    top_total = _largest(members, models, g, "total", held)
    free = priority_slack(capacity.live, capacity.live_priority, len(agents), top_live)
    carried = carried_by(capacity.live_priority, agents) + free * (1 - on)
    add(lp, live <= carried, "shared_live_priority_capacity", tag, f"g{g}")
    free = priority_slack(capacity.total, capacity.total_priority, len(agents), top_total)
    carried = carried_by(capacity.total_priority, agents) + free * (1 - on)
    add(lp, total <= carried, "shared_total_priority_capacity", tag, f"g{g}")


def _shared_floor(portfolio, desk: SharedDesk, members, held: Background) -> None:
    lp, tag, models = portfolio.lp, clean(desk.key), portfolio.markets
    covers: list = [held.covers]
    margin = held.margin
    for code in sorted({m.market for m in members}):
        model = models[code]
        terms = model.problem.terms
        margin = max(margin, terms.min_margin)
        kinds = [m.delivery for m in members if m.market == code]
        cover = pulp.LpVariable(f"covers_{tag}_{model.tag}", 0)
        leftover = terms.floor_ratio * model.revenue() - (1.0 + terms.min_margin) * model.cost()
        add(lp, cover <= leftover, "covers_floor", tag, code)
        # Off the desk nothing is routed to it; on it, the revenue is at most that value.
        ceiling = terms.floor_ratio * routed_value(model, kinds)
        add(lp, cover <= ceiling, "covers_member", tag, code)
        covers.append(cover)
    staff = portfolio.staff_cost(desk.key)
    add(lp, pulp.lpSum(covers) >= (1.0 + margin) * staff, "shared_floor", tag)


def value_cut(lp, model: Model, kind: str, share: float, chosen: pulp.LpVariable) -> None:
    """Delivery model ``kind`` cuts ``share`` of what every tier is worth to every buyer: the
    products chosen x includes it needs, exact for binaries (McCormick)."""
    cut = {}
    for (tier, option), included in model.includes.items():
        if isinstance(included, int):
            cut[tier, option] = chosen * included
            continue
        name = f"cut_{model.tag}_{clean(kind)}_{clean(tier)}_{clean(option)}"
        both = pulp.LpVariable(name, 0, 1)
        add(lp, both <= included, "cut_le_includes", model.tag, kind, tier, option)
        add(lp, both <= chosen, "cut_le_chosen", model.tag, kind, tier, option)
        add(lp, both >= included + chosen - 1, "cut_ge_both", model.tag, kind, tier, option)
        cut[tier, option] = both
    model.value_cut.append((share, chosen, kind, cut))
