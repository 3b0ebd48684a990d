"""The rows that size a desk several markets share, in the portfolio MILP
(:mod:`pricing.tiers.portfolio`, whose docstring states them): its agents carry every member's
load, as a market's own desk does (:mod:`pricing.tiers.desk_rows`), and the members' floors pay
for it with the margin."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pulp

from pricing.tiers.desk_rows import agents_ordered, carried_by
from pricing.tiers.model import clean

if TYPE_CHECKING:
    from pricing.delivery.shared import SharedDesk


def add(lp: pulp.LpProblem, constraint, family: str, *labels: str) -> None:
    """Add ``constraint`` to ``lp`` named ``family__labels``."""
    lp.addConstraint(constraint, "__".join([family, *map(clean, labels)]))


def revenue_ceiling(model) -> float:
    """The most the market's segments could pay: every account at its highest value."""
    return sum(b.size * model.reservation_max[b.name] for b in model.problem.buyers)


def shared_rows(portfolio, desk: SharedDesk, must_sell: tuple[str, ...]) -> None:
    """Agents of a shared desk carry every member's load (the families of a market's own desk),
    and the members' floors pay for them with the margin."""
    lp, key, tag = portfolio.lp, desk.key, clean(desk.key)
    models = portfolio.markets
    members = [m for m in desk.members if (m.market, m.delivery) in portfolio.choose]
    for g, _group in enumerate(desk.groups):
        count = _agents_needed(desk, members, g, models)
        agents = [
            pulp.LpVariable(f"agent_{tag}_g{g}_k{k}", cat=pulp.LpBinary)
            for k in range(1, count + 1)
        ]
        portfolio.agent[key, g] = agents
        for row, *labels in agents_ordered(agents, tag, f"g{g}"):
            add(lp, row, "shared_agents_in_order", *labels)
        _shared_group(portfolio, desk, members, g, agents)
    if not any(m.market in must_sell for m in members):  # else no margin rule on the desk
        _shared_floor(portfolio, desk, members)


def _member_terms(models, member, column: np.ndarray) -> list[tuple[pulp.LpVariable, float]]:
    """(variable, Erlangs) of a member's routed accounts on the sets where ``column`` > 0."""
    model = models[member.market]
    sizes = {b.name: b.size for b in model.problem.buyers}
    return [
        (variable, sizes[name] * float(column[i]))
        for (name, kind, i), variable in model.routed.items()
        if kind == member.delivery and column[i] > 0
    ]


def _largest(members, models, g: int, field: str) -> float:
    """The largest load of one kind slot group g can get: each member's busiest set, all sold."""
    return sum(
        float(getattr(m, field)[:, g].max(initial=0.0)) * _accounts(models, m) for m in members
    )


def _agents_needed(desk: SharedDesk, members, g: int, models) -> int:
    live, total = _largest(members, models, g, "live"), _largest(members, models, g, "total")
    priority = any(m.priority[:, g].any() for m in members)
    top = desk.capacity.agents(np.array(live), np.array(total), np.array(priority), np.array(0))
    opened = any(m.opens[:, g].any() for m in members)
    return max(int(top), desk.min_on_duty if opened else 0)


def _accounts(models, member) -> float:
    return sum(b.size for b in models[member.market].problem.buyers)


def _shared_group(portfolio, desk: SharedDesk, members, g: int, agents) -> None:
    lp, tag, models = portfolio.lp, clean(desk.key), portfolio.markets
    if not agents:
        return
    first = agents[min(desk.min_on_duty, len(agents)) - 1]
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
        [term for m in members for term in _member_terms(models, m, m.live[:, g])]
    )
    total = pulp.LpAffineExpression(
        [term for m in members for term in _member_terms(models, m, m.total[:, g])]
    )
    capacity = desk.capacity
    add(lp, live <= carried_by(capacity.live, agents), "shared_live_capacity", tag, f"g{g}")
    add(lp, total <= carried_by(capacity.total, agents), "shared_total_capacity", tag, f"g{g}")
    putting = {}  # (market, delivery, segment) -> its routed variables with priority in g
    for m in members:
        for (name, kind, i), variable in models[m.market].routed.items():
            if kind == m.delivery and m.priority[i, g]:
                putting.setdefault((m.market, kind, name), []).append(variable)
    if not putting:
        return
    on = pulp.LpVariable(f"priority_on_{tag}_g{g}", cat=pulp.LpBinary)
    portfolio.priority_on[desk.key, g] = on
    for labels, variables in putting.items():
        add(lp, on >= pulp.lpSum(variables), "shared_priority_on", tag, f"g{g}", *labels)
    top_live = _largest(members, models, g, "live")
    top_total = _largest(members, models, g, "total")
    carried = carried_by(capacity.live_priority, agents) + top_live * (1 - on)
    add(lp, live <= carried, "shared_live_priority_capacity", tag, f"g{g}")
    carried = carried_by(capacity.total_priority, agents) + top_total * (1 - on)
    add(lp, total <= carried, "shared_total_priority_capacity", tag, f"g{g}")


def _shared_floor(portfolio, desk: SharedDesk, members) -> None:
    lp, tag, models = portfolio.lp, clean(desk.key), portfolio.markets
    covers = []
    margin = 0.0
    for code in sorted({m.market for m in members}):
        model = models[code]
        terms = model.problem.terms
        margin = max(margin, terms.min_margin)
        kinds = [m.delivery for m in members if m.market == code]
        on_desk = pulp.lpSum(portfolio.choose[code, kind] for kind in kinds)
        cover = pulp.LpVariable(f"covers_{tag}_{model.tag}", 0)
        leftover = terms.floor_ratio * model.revenue() - (1.0 + terms.min_margin) * model.cost()
        add(lp, cover <= leftover, "covers_floor", tag, code)
        ceiling = terms.floor_ratio * revenue_ceiling(model)
        add(lp, cover <= ceiling * on_desk, "covers_member", tag, code)
        covers.append(cover)
    staff = portfolio.staff_cost(desk.key)
    add(lp, pulp.lpSum(covers) >= (1.0 + margin) * staff, "shared_floor", tag)
