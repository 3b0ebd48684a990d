"""The step cost of a market's own desks in the tier MILP (families stated in
:mod:`pricing.tiers.model`), and the rows a shared desk of several markets is sized by
(:mod:`pricing.delivery.portfolio`).

A segment's accounts buy one option set, served either on the market's own desks
(``sold_set``) or by another delivery model (``routed``, only in a portfolio model): then a
share of the set's load per own slot group (``Model.private_share``) stays on the own desks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pulp

from pricing.tiers.model import Model
from pricing.tiers.problem import Buyer

Rows = Iterator[tuple[pulp.LpConstraint, *tuple[str, ...]]]


def set_of_segment(m: Model, b: Buyer) -> Rows:
    sets = range(len(m.workload.sets))
    bought = pulp.lpSum(m.buys[b.name, t] for t in m.problem.tiers)
    served = pulp.lpSum(m.sold_set[b.name, i] for i in sets) + _routed(m, b, lambda i, d: True)
    yield served == bought, b.name


def set_holds(m: Model, b: Buyer) -> Rows:
    sets = m.workload.sets
    for o in m.options:
        holds = pulp.lpSum(m.sold_set[b.name, i] for i, s in enumerate(sets) if o in s)
        holds += _routed(m, b, lambda i, d, o=o: o in sets[i])
        yield holds == pulp.lpSum(m.bought[b.name, t, o] for t in m.problem.tiers), b.name, o


def agents_in_order(m: Model, g: int) -> Rows:
    yield from agents_ordered(m.agents(g), f"g{g}")


def agents_ordered(agents: list, *labels: str) -> Rows:
    for k in range(2, len(agents) + 1):
        yield agents[k - 1] <= agents[k - 2], *labels, f"k{k}"


def opens(m: Model, g: int) -> Rows:
    """A group some sold set opens keeps its minimum on duty in every slot."""
    agents, openers = m.agents(g), np.flatnonzero(m.workload.opens[:, g])
    if not (openers.size and agents):
        return
    first_needed = agents[min(m.workload.min_on_duty, len(agents)) - 1]
    for b in m.problem.buyers:
        sold = pulp.lpSum(m.sold_set[b.name, i] for i in openers)
        sold += _routed(m, b, lambda i, d: i in openers and m.private_share[d][g] > 0)
        yield first_needed >= sold, f"g{g}", b.name


def live_capacity(m: Model, g: int) -> Rows:
    carried = carried_by(m.workload.capacity.live, m.agents(g))
    yield _load(m, g, m.workload.live[:, g]) <= carried, f"g{g}"


def total_capacity(m: Model, g: int) -> Rows:
    carried = carried_by(m.workload.capacity.total, m.agents(g))
    yield _load(m, g, m.workload.total[:, g]) <= carried, f"g{g}"


def priority_on(m: Model, g: int) -> Rows:
    if g in m.priority_on:
        putting = np.flatnonzero(m.workload.priority[:, g])
        for b in m.problem.buyers:
            sold = pulp.lpSum(m.sold_set[b.name, i] for i in putting)
            sold += _routed(m, b, lambda i, d: i in putting and m.private_share[d][g] > 0)
            yield m.priority_on[g] >= sold, f"g{g}", b.name


def live_priority_capacity(m: Model, g: int) -> Rows:
    """With priority contacts sold in g the priority table holds; without, M_g frees it."""
    if g in m.priority_on:
        capacity, agents = m.workload.capacity, m.agents(g)
        carried = carried_by(capacity.live_priority, agents)
        top = m.group_limits[g].live_erlangs
        free = priority_slack(capacity.live, capacity.live_priority, len(agents), top)
        unless_off = free * (1 - m.priority_on[g])
        yield _load(m, g, m.workload.live[:, g]) <= carried + unless_off, f"g{g}"


def total_priority_capacity(m: Model, g: int) -> Rows:
    if g in m.priority_on:
        capacity, agents = m.workload.capacity, m.agents(g)
        carried = carried_by(capacity.total_priority, agents)
        top = m.group_limits[g].total_erlangs
        free = priority_slack(capacity.total, capacity.total_priority, len(agents), top)
        unless_off = free * (1 - m.priority_on[g])
        yield _load(m, g, m.workload.total[:, g]) <= carried + unless_off, f"g{g}"


def priority_slack(plain: np.ndarray, priority: np.ndarray, agents: int, largest: float) -> float:
    """M_g of a priority capacity row: room enough that, with no priority contacts, the row
    never binds where the plain table holds. Whole agents k carry at most plain[k] there, so
    the most the priority table falls short of it (never more than the largest load) will do:
    a far smaller M than the largest load, and a tighter relaxation."""
    short = np.asarray(plain[: agents + 1]) - np.asarray(priority[: agents + 1])
    return min(largest, max(float(short.max(initial=0.0)), 0.0))


def _routed(m: Model, b: Buyer, keep) -> pulp.LpAffineExpression:
    """The segment's ``routed`` variables (other delivery models) where ``keep(set, model)``."""
    return pulp.lpSum(
        variable for (name, d, i), variable in m.routed.items() if name == b.name and keep(i, d)
    )


def _load(m: Model, g: int, column: np.ndarray):
    """Erlangs in a slot group: accounts on each option set times its load per account."""
    terms = [
        (m.sold_set[b.name, i], b.size * float(column[i]))
        for b in m.problem.buyers
        for i in range(len(column))
        if column[i] > 0
    ]
    sizes = {b.name: b.size for b in m.problem.buyers}
    terms += [
        (variable, sizes[name] * float(column[i]) * m.private_share[d][g])
        for (name, d, i), variable in m.routed.items()
        if column[i] > 0 and m.private_share[d][g] > 0
    ]
    return pulp.LpAffineExpression(terms)


def carried_by(capacity: np.ndarray, agents: list) -> object:
    """Load the first k agents carry: sum of the capacity table's steps over those on duty."""
    steps = np.diff(capacity[: len(agents) + 1])
    return pulp.LpAffineExpression(
        [(agent, float(step)) for step, agent in zip(steps, agents, strict=True)]
    )


DESK_FAMILIES: tuple = (
    agents_in_order,
    opens,
    live_capacity,
    total_capacity,
    priority_on,
    live_priority_capacity,
    total_priority_capacity,
)


def each_slot_group(m: Model) -> Iterable[tuple[int]]:
    """The slot groups of the market's desks (none without a workload)."""
    return [(g,) for g in range(len(m.group_limits))]
