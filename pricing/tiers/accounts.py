"""What a menu costs once it is sold: the exact cost, each tier's share of it and its marginal cost.

Everything here is computed from the assignment (which segment buys which tier holding which
options), never from the solver's variables, so every report prices what is sold the same way:
with a workload, its exact step cost (:meth:`pricing.costing.workload.Workload.evaluate`); for
the generic engine, unit and fixed costs as given.

A tier's fully loaded unit cost is its buyers' share of the market's cost divided by their
accounts. Each slot group's staff cost is shared by the segments' load in it (by accounts where
the group is open with no load), an option's fixed cost by the load of the segments holding it;
so the shares add up to the market's cost. The marginal cost is what the market would save
without the tier's buyers, per account.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from pricing.tiers.problem import Solution, SolvedTier, TierProblem

Sale = Mapping[str, frozenset[str] | None]  # segment -> options of the tier it buys, or nothing


@dataclass(frozen=True)
class CostOfSale:
    cost: float
    by_segment: dict[str, float]  # fully loaded: adds up to ``cost``
    components: dict[str, float]


def cost_of_sale(problem: TierProblem, sale: Sale) -> CostOfSale:
    """Exact annual cost of serving what is sold, and each segment's share of it."""
    if problem.workload is not None:
        return _workload_cost(problem, sale)
    return _linear_cost(problem, sale)


def total_cost(problem: TierProblem, sale: Sale) -> float:
    return cost_of_sale(problem, sale).cost


def _workload_cost(problem: TierProblem, sale: Sale) -> CostOfSale:
    workload = problem.workload
    assert workload is not None
    sizes = {b.name: b.size for b in problem.buyers}
    names = [b.name for b in problem.buyers]
    # One row per segment: its accounts on the set it buys.
    rows = np.zeros((len(names), len(workload.sets)))
    for row, name in enumerate(names):
        options = sale.get(name)
        if options is not None:
            rows[row, workload.set_index(options)] = sizes[name]
    evaluation = workload.evaluate(rows.sum(axis=0))
    agents = evaluation.agents[0]
    group_cost = agents * np.array([g.usd_per_agent for g in workload.groups])
    load = rows @ workload.total  # (segments, groups)
    opened = (rows > 0).astype(float) @ workload.opens.astype(float) > 0
    weight = np.where(
        load.sum(axis=0) > 0, load, opened * rows.sum(axis=1, keepdims=True)
    )  # who carries each group's cost
    carried = weight.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(carried > 0, weight / carried, 0.0)
    by_segment = share @ group_cost
    workload_of = load.sum(axis=1)
    for option, parts in workload.fixed_usd.items():
        holders = np.array([(sale.get(n) is not None and option in sale[n]) for n in names])
        if not holders.any():
            continue
        basis = np.where(holders, workload_of, 0.0)
        if basis.sum() <= 0:
            basis = np.where(holders, rows.sum(axis=1), 0.0)
        if basis.sum() <= 0:  # holders without accounts (a market at 0): split evenly
            basis = holders.astype(float)
        by_segment = by_segment + basis / basis.sum() * sum(parts.values())
    for option, parts in workload.per_account_usd.items():  # each account holding it pays
        holding = np.array([float(sale.get(n) is not None and option in sale[n]) for n in names])
        by_segment = by_segment + holding * rows.sum(axis=1) * sum(parts.values())
    components = {name: float(values[0]) for name, values in evaluation.components.items()}
    return CostOfSale(
        float(evaluation.cost_usd[0]),
        {n: float(v) for n, v in zip(names, by_segment, strict=True)},
        components,
    )


def _linear_cost(problem: TierProblem, sale: Sale) -> CostOfSale:
    sizes = {b.name: b.size for b in problem.buyers}
    fixed = {o.name: o.fixed_cost for o in problem.options}
    sold = {n: opts for n, opts in sale.items() if opts is not None}
    by_segment = {b.name: 0.0 for b in problem.buyers}
    for name, options in sold.items():
        by_segment[name] += sizes[name] * problem.unit_cost(tuple(options))
    shared = [(problem.base_fixed_cost, list(sold))] + [
        (fixed[o], [n for n, options in sold.items() if o in options]) for o in fixed
    ]
    for amount, holders in shared:
        if not holders or amount == 0:
            continue
        accounts = sum(sizes[n] for n in holders)
        for name in holders:
            by_segment[name] += amount * (sizes[name] / accounts if accounts else 1 / len(holders))
    cost = sum(by_segment.values())
    return CostOfSale(cost, by_segment, {"total_usd": cost})


def marginal_costs(problem: TierProblem, sale: Sale, tiers: Mapping[str, tuple[str, ...]]) -> dict:
    """Per tier: what the market saves per account without the tier's buyers."""
    whole = total_cost(problem, sale)
    sizes = {b.name: b.size for b in problem.buyers}
    result = {}
    for tier, buyers in tiers.items():
        accounts = sum(sizes[b] for b in buyers)
        without = {n: (None if n in buyers else opts) for n, opts in sale.items()}
        saved = whole - total_cost(problem, without)
        result[tier] = saved / accounts if accounts else 0.0
    return result


def costed_solution(
    problem: TierProblem,
    tiers: list[SolvedTier],
    assignment: dict[str, str | None],
    solver: str,
    found_gap: float | None,
    seconds: float,
    status: Literal["optimal", "time_limit"],
) -> Solution:
    """The solution with exact costs: the market's, each tier's share and marginal cost."""
    by_name = {t.name: t for t in tiers}
    sale = {
        b: (frozenset(by_name[t].options) if t is not None else None) for b, t in assignment.items()
    }
    costed = cost_of_sale(problem, sale)
    sizes = {b.name: b.size for b in problem.buyers}
    marginal = marginal_costs(problem, sale, {t.name: t.buyers for t in tiers if t.offered})
    priced = []
    for tier in tiers:
        accounts = sum(sizes[b] for b in tier.buyers)
        share = sum(costed.by_segment[b] for b in tier.buyers)
        priced.append(
            dataclasses.replace(
                tier,
                accounts=accounts,
                unit_cost=share / accounts if accounts else 0.0,
                marginal_cost=marginal.get(tier.name, 0.0),
            )
        )
    revenue = sum(sizes[b] * (by_name[t].target or 0.0) for b, t in assignment.items() if t)
    option_names = [o.name for o in problem.options]
    paid = tuple(o for o in option_names if any(o in t.options for t in tiers if t.offered))
    return Solution(
        label=problem.label,
        status=status,
        profit=revenue - costed.cost,
        revenue=revenue,
        cost=costed.cost,
        floor_revenue=revenue * problem.terms.floor_ratio,
        tiers=tuple(priced),
        assignment=assignment,
        options_paid=paid,
        gap=found_gap,
        solver=solver,
        seconds=seconds,
    )
