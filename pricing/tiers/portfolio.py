"""The portfolio decision: every market's tier menu and delivery model chosen together, with
the desks markets share sized in whole agents per slot for all the markets on them.

One MILP. Each market keeps its own tier model (:mod:`pricing.tiers.model`, every family of
:mod:`pricing.tiers.constraints`), declared with a ``routed`` variable per segment, option set
and other delivery model (:func:`pricing.delivery.shared.routes`). To them it adds

Variables
    ``choose[m,d]`` binary, market m is served by delivery model d; ``agent[q,g,k]`` binary,
    the k-th agent on duty in slot group g of shared desk q; ``priority_on[q,g]``;
    ``revenue_share[m] >= 0``, the distributor's share of m's revenue; ``covers[q,m] >= 0``,
    what m's floors leave over its own costs towards desk q.

Objective (USD a year)
    max  sum_m profit_m - sum_q,g H_qg sum_k agent[q,g,k]
    profit_m is the market's own (revenue - own desks - fixed costs - distributor costs).

Constraints (each named ``family__label``)
    one_model:        sum_d choose[m,d] <= 1
    own_desks:        sum_S sold_set[s,S] <= choose[m,hub]             (each segment s)
    served_by:        sum_S routed[s,d,S] <= choose[m,d]               (each segment, each d)
    forced:           choose[m,d] = 0 for a model the user ruled out
    must_sell:        sum_t offered[t] >= 1 for a market that must sell (what selling it would
                      cost), whose floor margin is then dropped
    partner_fees:     a distributor's fee per account and management fee join m's cost
    partner_share:    revenue_share[m] >= share * revenue_m - share * Rmax_m (1 - choose[m,dist])
    shared agents_in_order, opens, live/total (priority) capacity: as a market's own desk, with
                      the load of every member's routed accounts
    covers_floor:     covers[q,m] <= r_m revenue_m - (1 + min_margin) cost_m
    covers_member:    covers[q,m] <= r_m Rmax_m sum_{d on q} choose[m,d]
    shared_floor:     sum_m covers[q,m] >= (1 + min_margin) * staff cost of q: the members' floors
                      pay the shared desk with the margin, as a market's floors pay its own
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pulp

from pricing.tiers.constraints import add_families
from pricing.tiers.desk_rows import agents_ordered, carried_by
from pricing.tiers.model import Model, Route, clean, declare
from pricing.tiers.problem import SolvedTier, TierProblem
from pricing.tiers.solve import settle_prices, solver_for

if TYPE_CHECKING:
    from pricing.delivery.shared import SharedDesk

# Delivery models by name (pricing.delivery.shared.Delivery): a market's own desks, and the
# model whose partner is paid.
HUB, PARTNER = "hub", "distributor"


@dataclass(frozen=True)
class Portfolio:
    """The built portfolio MILP and its variables."""

    lp: pulp.LpProblem
    markets: dict[str, Model]
    choose: dict[tuple[str, str], pulp.LpVariable]
    desks: dict[str, SharedDesk]
    agent: dict[tuple[str, int], list[pulp.LpVariable]]
    priority_on: dict[tuple[str, int], pulp.LpVariable]

    def staff_cost(self, key: str):
        desk = self.desks[key]
        return pulp.lpSum(
            desk.groups[g].usd_per_agent * pulp.lpSum(self.agent[key, g])
            for g in range(len(desk.groups))
        )

    # What the solved portfolio says (USD a year unless said otherwise).

    def staff_usd(self, key: str) -> float:
        return _value(self.staff_cost(key))

    def revenue_usd(self, code: str) -> float:
        return _value(self.markets[code].revenue())

    def own_cost_usd(self, code: str) -> float:
        """The market's own desks, fixed costs and a distributor's fees and share."""
        return _value(self.markets[code].cost())

    def profit_usd(self) -> float:
        """Revenue less every cost, without the tie-break of the objective."""
        own = sum(self.revenue_usd(c) - self.own_cost_usd(c) for c in self.markets)
        return own - sum(self.staff_usd(key) for key in self.desks)

    def chosen(self, code: str) -> str | None:
        """The delivery model serving the market, None when it sells nothing."""
        model = self.markets[code]
        if sum(_value(v) for v in model.buys.values()) <= 0.5:
            return None
        return next((k for (c, k), v in self.choose.items() if c == code and _value(v) > 0.5), None)

    def routed_accounts(self, code: str, kind: str, left_out: tuple[str, ...] = ()):
        """Accounts on each option set served by delivery model ``kind`` (segments
        ``left_out`` not counted)."""
        model = self.markets[code]
        counts = np.zeros(len(model.workload.sets))
        sizes = {b.name: b.size for b in model.problem.buyers}
        for (name, routed_kind, i), variable in model.routed.items():
            if routed_kind == kind and _value(variable) > 0.5 and name not in left_out:
                counts[i] += sizes[name]
        return counts

    def menu(self, code: str) -> tuple[list[SolvedTier], dict[str, str | None]]:
        """The market's tiers and who buys which (prices settled exactly)."""
        model = self.markets[code]
        problem = model.problem
        options = [o.name for o in problem.options]
        assignment = {}
        for b in problem.buyers:
            chosen = [t for t in problem.tiers if _value(model.buys[b.name, t]) > 0.5]
            assignment[b.name] = chosen[0] if chosen else None
        tiers = []
        for t in problem.tiers:
            buyers = tuple(b for b, tier in assignment.items() if tier == t)
            held = tuple(o for o in options if _value(model.includes[t, o]) > 0.5)
            price = _value(model.price[t]) + 0.0 if buyers else None
            tiers.append(SolvedTier(t, bool(buyers), held if buyers else (), 0.0, price, buyers))
        return settle_prices(problem, tiers), assignment

    def solve(self, solver: str, time_limit: float) -> tuple[bool, float]:
        """Solve; whether an answer was found, and the relative gap proven (NaN when CBC does
        not say). A community of one market on desks of its own is one market's model."""
        small = len(self.markets) == 1 and not self.desks
        self.lp.solve(solver_for(solver, time_limit, 0.0, None, small=small))
        status = self.lp.sol_status
        found = status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        if solver == "highs":
            return found, float(self.lp.solverModel.getInfo().mip_gap)
        return found, 0.0 if status == pulp.LpSolutionOptimal else float("nan")

    @property
    def status(self) -> str:
        return pulp.LpStatus[self.lp.status]


def _value(item) -> float:
    """Value of a variable, an expression or a constant in the solved model."""
    if isinstance(item, int | float):
        return float(item)
    return float(pulp.value(item) or 0.0)


def build_portfolio(
    problems: Mapping[str, TierProblem],
    routes: Mapping[str, Mapping[str, Route]],
    desks: Mapping[str, SharedDesk],
    distributor_terms: Mapping[str, tuple[float, float, float]],
    forced: Mapping[str, str] | None = None,
    must_sell: tuple[str, ...] = (),
) -> Portfolio:
    """The portfolio MILP (module docstring). ``distributor_terms[m]`` is the partner's fee per
    account, management fee and revenue share; ``forced[m]`` a delivery model m must use;
    ``must_sell`` markets that must sell a tier (to price what not selling them saves)."""
    lp = pulp.LpProblem("portfolio", pulp.LpMaximize)
    models, choose = {}, {}
    for code, problem in problems.items():
        model = declare(problem, routes.get(code, {}))
        kinds = (HUB, *routes.get(code, {}))
        for kind in kinds:
            choose[code, kind] = pulp.LpVariable(
                f"choose_{model.tag}_{clean(kind)}", cat=pulp.LpBinary
            )
        if PARTNER in kinds:
            chosen = choose[code, PARTNER]
            _partner_costs(lp, model, chosen, distributor_terms[code])
        # A market made to sell is priced at its least loss: the margin rule cannot hold there.
        add_families(model, lp, frozenset({"floor_margin"}) if code in must_sell else frozenset())
        _choice_rows(lp, model, {k: choose[code, k] for k in kinds}, (forced or {}).get(code))
        if code in must_sell:
            _add(lp, pulp.lpSum(model.offered.values()) >= 1, "must_sell", model.tag)
        models[code] = model
    portfolio = Portfolio(lp, models, choose, dict(desks), {}, {})
    for desk in desks.values():
        _shared_rows(portfolio, desk, must_sell)
    staff = pulp.lpSum(portfolio.staff_cost(key) for key in desks)
    lp += pulp.lpSum(model.profit() for model in models.values()) - staff, "profit"
    return portfolio


def _add(lp: pulp.LpProblem, constraint, family: str, *labels: str) -> None:
    lp.addConstraint(constraint, "__".join([family, *map(clean, labels)]))


def _partner_costs(
    lp: pulp.LpProblem, model: Model, chosen: pulp.LpVariable, terms: tuple[float, float, float]
) -> None:
    """The distributor's fee per account served through it, its management fee, and its share
    of the market's revenue (exact when it serves the market, nothing when it does not)."""
    fee, fixed, share = terms
    sizes = {b.name: b.size for b in model.problem.buyers}
    fees = pulp.lpSum(
        sizes[name] * fee * variable
        for (name, kind, _), variable in model.routed.items()
        if kind == PARTNER
    )
    model.extra_cost.extend([fees, fixed * chosen])
    if share > 0:
        paid = pulp.LpVariable(f"revenue_share_{model.tag}", 0)
        ceiling = share * _revenue_ceiling(model)
        _add(
            lp, paid >= share * model.revenue() - ceiling * (1 - chosen), "partner_share", model.tag
        )
        model.extra_cost.append(paid)


def _revenue_ceiling(model: Model) -> float:
    return sum(b.size * model.reservation_max[b.name] for b in model.problem.buyers)


def _choice_rows(lp, model: Model, choose: dict[str, pulp.LpVariable], forced: str | None):
    tag = model.tag
    _add(lp, pulp.lpSum(choose.values()) <= 1, "one_model", tag)
    for b in model.problem.buyers:
        own = pulp.lpSum(v for (name, _), v in model.sold_set.items() if name == b.name)
        _add(lp, own <= choose[HUB], "own_desks", tag, b.name)
        for kind in choose:
            if kind == HUB:
                continue
            served = pulp.lpSum(
                v for (name, k, _), v in model.routed.items() if name == b.name and k == kind
            )
            _add(lp, served <= choose[kind], "served_by", tag, b.name, kind)
    if forced is not None:
        for kind, variable in choose.items():
            if kind != forced:
                _add(lp, variable == 0, "forced", tag, kind)


def _shared_rows(portfolio: Portfolio, desk: SharedDesk, must_sell: tuple[str, ...]) -> None:
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
            _add(lp, row, "shared_agents_in_order", *labels)
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


def _shared_group(portfolio: Portfolio, desk: SharedDesk, members, g: int, agents) -> None:
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
                _add(lp, first >= pulp.lpSum(opening), "shared_opens", *label)
    live = pulp.LpAffineExpression(
        [term for m in members for term in _member_terms(models, m, m.live[:, g])]
    )
    total = pulp.LpAffineExpression(
        [term for m in members for term in _member_terms(models, m, m.total[:, g])]
    )
    capacity = desk.capacity
    _add(lp, live <= carried_by(capacity.live, agents), "shared_live_capacity", tag, f"g{g}")
    _add(lp, total <= carried_by(capacity.total, agents), "shared_total_capacity", tag, f"g{g}")
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
        _add(lp, on >= pulp.lpSum(variables), "shared_priority_on", tag, f"g{g}", *labels)
    top_live = _largest(members, models, g, "live")
    top_total = _largest(members, models, g, "total")
    carried = carried_by(capacity.live_priority, agents) + top_live * (1 - on)
    _add(lp, live <= carried, "shared_live_priority_capacity", tag, f"g{g}")
    carried = carried_by(capacity.total_priority, agents) + top_total * (1 - on)
    _add(lp, total <= carried, "shared_total_priority_capacity", tag, f"g{g}")


def _shared_floor(portfolio: Portfolio, desk: SharedDesk, members) -> None:
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
        _add(lp, cover <= leftover, "covers_floor", tag, code)
        ceiling = terms.floor_ratio * _revenue_ceiling(model)
        _add(lp, cover <= ceiling * on_desk, "covers_member", tag, code)
        covers.append(cover)
    staff = portfolio.staff_cost(desk.key)
    _add(lp, pulp.lpSum(covers) >= (1.0 + margin) * staff, "shared_floor", tag)
