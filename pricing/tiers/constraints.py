"""The constraint families of the tier MILP, one function each, in the order of the model's
docstring (:mod:`pricing.tiers.model`, which states them all and builds them)."""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pulp

if TYPE_CHECKING:
    from pricing.tiers.model import Model


@cache
def clean(text: str) -> str:
    """A name PuLP and MPS files accept: letters, digits and single underscores."""
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", text)).strip("_") or "x"


def _one_tier(m: Model) -> None:
    for b in m.problem.buyers:
        m.add("one_tier", pulp.lpSum(m.buys[b.name, t] for t in m.problem.tiers) <= 1, b.name)


def _sold_if_offered(m: Model) -> None:
    for b in m.problem.buyers:
        for t in m.problem.tiers:
            m.add("sold_if_offered", m.buys[b.name, t] <= m.offered[t], b.name, t)


def _offered_if_sold(m: Model) -> None:
    for t in m.problem.tiers:
        sold = pulp.lpSum(m.buys[b.name, t] for b in m.problem.buyers)
        m.add("offered_if_sold", m.offered[t] <= sold, t)


def _self_selection(m: Model) -> None:
    for b in m.problem.buyers:
        for t in m.problem.tiers:
            m.add(
                "self_selection",
                m.surplus[b.name] >= m.reservation(b, t) - m.price[t],
                b.name,
                t,
            )


def _pays_price(m: Model) -> None:
    for b in m.problem.buyers:
        for t in m.problem.tiers:
            slack = m.match_m[b.name] * (1 - m.buys[b.name, t])
            m.add(
                "pays_price",
                m.price[t] <= m.reservation(b, t) - m.surplus[b.name] + slack,
                b.name,
                t,
            )


def _no_purchase_no_surplus(m: Model) -> None:
    for b in m.problem.buyers:
        bought = pulp.lpSum(m.buys[b.name, t] for t in m.problem.tiers)
        m.add(
            "no_purchase_no_surplus",
            m.surplus[b.name] <= m.reservation_max[b.name] * bought,
            b.name,
        )


def _rent(m: Model) -> None:
    """Implied by self-selection, but stated directly they tighten the relaxation a lot:
    whatever tier t segment a buys, b could buy it too, so surplus[b] >= surplus[a] + R_bt - R_at.
    """
    for a in m.problem.buyers:
        for b in m.problem.buyers:
            if a.name == b.name:
                continue
            rent = pulp.lpSum(
                (b.base_value - a.base_value) * m.buys[a.name, t]
                + pulp.lpSum(
                    (b.values.get(o, 0.0) - a.values.get(o, 0.0)) * m.bought[a.name, t, o]
                    for o in m.options
                )
                for t in m.problem.tiers
            )
            m.add("rent", m.surplus[b.name] >= m.surplus[a.name] + rent, b.name, "over", a.name)


def _bought(m: Model) -> None:
    """bought = buys * includes, linearised only where includes is a variable."""
    for b in m.problem.buyers:
        for t in m.problem.tiers:
            y = m.buys[b.name, t]
            for o in m.options:
                x = m.includes[t, o]
                if isinstance(x, int):
                    m.bought[b.name, t, o] = y if x == 1 else 0
                    continue
                q = pulp.LpVariable(f"bought_{m.tag}_{clean(b.name)}_{clean(t)}_{clean(o)}", 0, 1)
                m.add("bought_le_includes", q <= x, b.name, t, o)
                m.add("bought_le_buys", q <= y, b.name, t, o)
                m.add("bought_ge_both", q >= x + y - 1, b.name, t, o)
                m.bought[b.name, t, o] = q


def _designed_tiers(m: Model) -> None:
    """Nested, distinct and filled from the bottom: only when the optimiser designs the tiers."""
    tiers = m.problem.tiers
    for low, up in itertools.pairwise(tiers):
        for o in m.options:
            # Only a sold tier above bounds a tier's contents: an unsold one holds what its
            # rules say and constrains nothing.
            m.add(
                "nested",
                m.includes[low, o] <= m.includes[up, o] + 1 - m.offered[up],
                low,
                o,
            )
        m.add(
            "distinct",
            pulp.lpSum(m.includes[up, o] for o in m.options)
            >= pulp.lpSum(m.includes[low, o] for o in m.options)
            + 1
            - (len(m.options) + 1) * (1 - m.offered[up]),
            up,
        )
        m.add("fill_from_bottom", m.offered[up] <= m.offered[low], up)


def _allowed(m: Model) -> None:
    allowed = m.problem.allowed
    if allowed is None:
        return
    for t, permitted in allowed.items():
        for o in m.options:
            if o not in permitted:
                m.add("allowed", m.includes[t, o] == 0, t, o)


def _required(m: Model) -> None:
    for t, wanted in (m.problem.required or {}).items():
        for o in sorted(wanted):
            m.add("required", m.includes[t, o] == 1, t, o)


def _must_offer(m: Model) -> None:
    for t in m.problem.tiers:
        if t in m.problem.must_offer:
            m.add("must_offer", m.offered[t] == 1, t)


def _ladder(m: Model) -> None:
    terms, tiers = m.problem.terms, m.problem.tiers
    if terms.price_step <= 0:
        return
    step = 1.0 + terms.price_step
    pairs = (
        list(itertools.pairwise(tiers))
        if m.problem.designed
        else [(a, b) for i, a in enumerate(tiers) for b in tiers[i + 1 :]]
    )
    for low, high in pairs:
        both_off = 2 - m.offered[low] - m.offered[high]
        m.add(
            "ladder",
            m.price[high] >= step * m.price[low] - step * m.price_cap * both_off,
            low,
            high,
        )


def _pays_option(m: Model) -> None:
    for t in m.problem.tiers:
        for o in m.options:
            m.add("pays_option", m.uses[o] >= m.includes[t, o] + m.offered[t] - 1, o, t)
        m.add("serves_if_offered", m.serves >= m.offered[t], t)


def _floor_margin(m: Model) -> None:
    terms = m.problem.terms
    m.add("floor_margin", terms.floor_ratio * m.revenue() >= (1.0 + terms.min_margin) * m.cost())


def _workload_sets(m: Model) -> None:
    """Which option set each segment's tier holds (the load of an account depends on it)."""
    workload = m.problem.workload
    assert workload is not None
    for b in m.problem.buyers:
        for i, option_set in enumerate(workload.sets):
            m.sold_set[b.name, i] = m.binary(
                "sold_set", b.name, "_".join(sorted(option_set)) or "bare"
            )
        bought = pulp.lpSum(m.buys[b.name, t] for t in m.problem.tiers)
        m.add(
            "set_of_segment",
            pulp.lpSum(m.sold_set[b.name, i] for i in range(len(workload.sets))) == bought,
            b.name,
        )
        for o in m.options:
            holds = pulp.lpSum(m.sold_set[b.name, i] for i, s in enumerate(workload.sets) if o in s)
            m.add(
                "set_holds",
                holds == pulp.lpSum(m.bought[b.name, t, o] for t in m.problem.tiers),
                b.name,
                o,
            )


def _group_bounds(m: Model) -> list[tuple[int, float, float, bool]]:
    """Per group: agents needed at the largest load it can get, those loads, priority possible."""
    workload = m.problem.workload
    assert workload is not None
    accounts = sum(b.size for b in m.problem.buyers)
    bounds = []
    for g in range(len(workload.groups)):
        live = float(workload.live[:, g].max(initial=0.0)) * accounts
        total = float(workload.total[:, g].max(initial=0.0)) * accounts
        can_prioritise = bool(workload.priority[:, g].any())
        top = workload.capacity.agents(
            np.array(live), np.array(total), np.array(can_prioritise), np.array(0)
        )
        needed = max(int(top), workload.min_on_duty if workload.opens[:, g].any() else 0)
        bounds.append((needed, live, total, can_prioritise))
    return bounds


def _load(m: Model, column: np.ndarray):
    """Erlangs in a slot group: accounts on each option set times its load per account."""
    return pulp.LpAffineExpression(
        [
            (m.sold_set[b.name, i], b.size * float(column[i]))
            for b in m.problem.buyers
            for i in range(len(column))
            if column[i] > 0
        ]
    )


def _carried(capacity: np.ndarray, agents: list) -> object:
    """Load the first k agents carry: sum of the capacity table's steps over those on duty."""
    steps = np.diff(capacity[: len(agents) + 1])
    return pulp.LpAffineExpression(
        [(agent, float(step)) for step, agent in zip(steps, agents, strict=True)]
    )


def _staffing(m: Model) -> None:
    """Whole agents per slot group, each meeting the targets: the exact step cost."""
    workload = m.problem.workload
    assert workload is not None
    table = workload.capacity
    for g, (top, live_max, total_max, can_prioritise) in enumerate(_group_bounds(m)):
        label = f"g{g}"
        agents = [m.binary("agent", label, f"k{k}") for k in range(1, top + 1)]
        for k, variable in enumerate(agents, start=1):
            m.agent[g, k] = variable
            if k > 1:
                m.add("agents_in_order", variable <= agents[k - 2], label, f"k{k}")
        openers = np.flatnonzero(workload.opens[:, g])
        for b in m.problem.buyers:
            need = pulp.lpSum(m.sold_set[b.name, i] for i in openers)
            if openers.size and top:
                m.add("opens", agents[min(workload.min_on_duty, top) - 1] >= need, label, b.name)

        live, total = _load(m, workload.live[:, g]), _load(m, workload.total[:, g])
        m.add("live_capacity", live <= _carried(table.live, agents), label)
        m.add("total_capacity", total <= _carried(table.total, agents), label)
        if can_prioritise:
            flag = m.binary("priority_on", label)
            for b in m.problem.buyers:
                putting = pulp.lpSum(
                    m.sold_set[b.name, i] for i in np.flatnonzero(workload.priority[:, g])
                )
                m.add("priority_on", flag >= putting, label, b.name)
            m.add(
                "live_priority_capacity",
                live <= _carried(table.live_priority, agents) + live_max * (1 - flag),
                label,
            )
            m.add(
                "total_priority_capacity",
                total <= _carried(table.total_priority, agents) + total_max * (1 - flag),
                label,
            )
