"""Bounds of the tier MILP (:mod:`pricing.tiers.model`): the most a segment would pay, the price
cap of a tier nobody buys, and the big-M of ``pays_price``, each as small as keeps the model exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pricing.tiers.problem import TierProblem


def reservation_max(problem: TierProblem) -> dict[str, float]:
    """What each segment would pay at most for a tier: bare support and every option it values."""
    options = [o.name for o in problem.options]
    return {
        b.name: b.base_value + sum(max(b.values.get(o, 0.0), 0.0) for o in options)
        for b in problem.buyers
    }


def price_cap(problem: TierProblem, reservation_max: dict[str, float]) -> float:
    """A tier nobody buys is priced out of reach (so self-selection needs no big-M); the cap
    leaves room for the ladder above any price a segment would pay."""
    terms = problem.terms
    cost_cap = abs(problem.base_unit_cost) + sum(abs(o.unit_cost) for o in problem.options)
    return (1.0 + terms.price_step) * max(
        max(reservation_max.values()), (1.0 + terms.min_margin) * cost_cap / terms.floor_ratio, 0.0
    ) + 1.0


def match_m(
    problem: TierProblem, reservation_max: dict[str, float], price_cap: float
) -> dict[str, float]:
    """P of ``pays_price``: per segment, room enough to switch the constraint off."""
    options = [o.name for o in problem.options]
    lowest = {
        b.name: b.base_value + sum(min(b.values.get(o, 0.0), 0.0) for o in options)
        for b in problem.buyers
    }
    return {
        b.name: price_cap + reservation_max[b.name] - min(lowest[b.name], 0.0) + 1.0
        for b in problem.buyers
    }


@dataclass(frozen=True)
class GroupLimits:
    """Slot group g at its largest load: K_g agents, M_g Erlangs, priority contacts possible."""

    agents: int
    live_erlangs: float
    total_erlangs: float
    can_prioritise: bool


def group_limits(problem: TierProblem) -> tuple[GroupLimits, ...]:
    """Per slot group: agents needed at the largest load it can get, those loads, and whether
    priority is possible (none without a workload)."""
    workload = problem.workload
    if workload is None:
        return ()
    accounts = sum(b.size for b in problem.buyers)
    limits = []
    for g in range(len(workload.groups)):
        live = float(workload.live[:, g].max(initial=0.0)) * accounts
        total = float(workload.total[:, g].max(initial=0.0)) * accounts
        can_prioritise = bool(workload.priority[:, g].any())
        top = workload.capacity.agents(
            np.array(live), np.array(total), np.array(can_prioritise), np.array(0)
        )
        needed = max(int(top), workload.min_on_duty if workload.opens[:, g].any() else 0)
        limits.append(GroupLimits(needed, live, total, can_prioritise))
    return tuple(limits)


def twins(signatures: list) -> tuple[int, ...]:
    """Per slot group, the first group with the same signature (what decides its agents):
    alike groups need the same agents in every answer, so the model gives them one set."""
    first: dict = {}
    return tuple(first.setdefault(signature, g) for g, signature in enumerate(signatures))
