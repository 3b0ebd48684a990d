"""The menu of a market served on a shared desk or through a distributor, read from the solved
portfolio and costed exactly, so that it reads like any market's plan.

Its cost is what it pays for itself (its own desks, its options' fixed costs: exact, as
:func:`pricing.tiers.accounts.costed_solution` counts them), the distributor's fee per account,
management fee and revenue share, and its part of the shared desk's staff cost
(:mod:`pricing.delivery.decision`). Each segment carries its own costs, the partner's fees on
its accounts and revenue, and the desk part in proportion to its load on the desk
(Erlang-hours a year), so a tier's unit cost times its accounts adds up to the market's cost.
A tier's marginal cost adds to its own the partner's fee and share and what the shared desk
would cost less without the tier's buyers (the other markets' sales unchanged).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from pricing.delivery.answers import Answer, MarketDecision
from pricing.delivery.shared import OWN_DESKS, Delivery, routes
from pricing.errors import SolverError
from pricing.tiers.accounts import costed_solution
from pricing.tiers.problem import Solution, SolvedTier, TierProblem

# A community's gap below this is its optimum proven (the solver's own tolerance is finer).
PROVEN = 1e-6


def delivered_solution(
    answer: Answer, decision: MarketDecision, solver: str
) -> tuple[TierProblem, Solution]:
    """The market's own problem (its own desks only) and its costed menu."""
    code, kind = decision.market, decision.delivery
    problem = answer.portfolio.problem(code)  # at the values its buyers have as it is served
    assert problem.workload is not None and kind is not None
    own = problem  # on desks of its own: every load stays there
    if kind not in OWN_DESKS:
        share = routes(problem.workload, (kind,))[kind].private_share
        own = dataclasses.replace(problem, workload=problem.workload.keeping(share))
    tiers, assignment = answer.portfolio.menu(code)
    proven = answer.gap is not None and answer.gap < PROVEN
    status = "optimal" if proven else "time_limit"
    costed = costed_solution(own, tiers, assignment, solver, answer.gap, 0.0, status)
    sizes = {b.name: b.size for b in problem.buyers}
    price = {t.name: t.target or 0.0 for t in costed.tiers if t.offered}
    extra = dict.fromkeys(sizes, 0.0)
    per_account = dict.fromkeys(price, 0.0)
    if kind == Delivery.DISTRIBUTOR:
        fee, fixed, cut = _partner(answer, code)
        buying = {s: t for s, t in assignment.items() if t is not None}
        accounts = sum(sizes[s] for s in buying)
        for segment, tier in buying.items():
            extra[segment] += sizes[segment] * (fee + cut * price[tier]) + fixed * sizes[
                segment
            ] / (accounts or 1.0)
        per_account = {t: fee + cut * p for t, p in price.items()}
    desk = answer.portfolio.desks.get(decision.desk or "")
    if desk is not None:
        load = _desk_load(desk, code, kind, assignment, costed.tiers, sizes, problem)
        whole = sum(load.values())
        for segment, erlang_hours in load.items():
            portion = erlang_hours / whole if whole > 0 else sizes[segment] / sum(sizes.values())
            extra[segment] += decision.shared_cost_usd * portion
        for tier in costed.tiers:
            if tier.offered:
                saved = desk.saving(answer.portfolio, code, tuple(tier.buyers))
                per_account[tier.name] += saved / tier.accounts
    return own, _with_extra(costed, extra, per_account)


def unsold_solution(problem: TierProblem, solver: str) -> Solution:
    """Nothing sold: every tier unsold, no cost."""
    bare = [SolvedTier(t, False, (), 0.0, None, ()) for t in problem.tiers]
    nobody = {b.name: None for b in problem.buyers}
    return costed_solution(problem, bare, nobody, solver, 0.0, 0.0, "optimal")


def _partner(answer: Answer, code: str) -> tuple[float, float, float]:
    terms = answer.partner_terms.get(code)
    if terms is None:
        raise SolverError(f"{code}: served through a distributor without its terms")
    return terms


def _desk_load(desk, code, kind, assignment, tiers, sizes, problem) -> dict[str, float]:
    """Each buying segment's Erlang-hours a year on the shared desk."""
    member = next(m for m in desk.members if m.market == code and m.delivery == kind)
    hours = np.array([g.hours_per_year for g in desk.groups])
    options = {t.name: frozenset(t.options) for t in tiers}
    workload = problem.workload
    return {
        segment: sizes[segment] * float(member.total[workload.set_index(options[tier])] @ hours)
        for segment, tier in assignment.items()
        if tier is not None
    }


def _with_extra(solution: Solution, extra: dict, per_account: dict) -> Solution:
    """``solution`` with each segment's ``extra`` cost added to its tier and the market."""
    tiers = []
    for tier in solution.tiers:
        if not tier.offered or not tier.accounts:
            tiers.append(tier)
            continue
        added = sum(extra[b] for b in tier.buyers)
        tiers.append(
            dataclasses.replace(
                tier,
                unit_cost=tier.unit_cost + added / tier.accounts,
                marginal_cost=tier.marginal_cost + per_account.get(tier.name, 0.0),
            )
        )
    cost = solution.cost + sum(extra.values())
    return dataclasses.replace(
        solution, tiers=tuple(tiers), cost=cost, profit=solution.revenue - cost
    )
