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
    max  sum_m profit_m - sum_q,g H_qg sum_k agent[q,g,k] + sum_m,a P_ma choose[m,a]
    profit_m is the market's own (revenue - own desks - fixed costs - distributor costs);
    P_ma what market m earns by itself under alternative a (bot nights on its own desks: it
    meets no other market there), a constant; choosing it sells nothing in m's own model.

Constraints (each named ``family__label``)
    one_model:        sum_d choose[m,d] <= 1
    own_desks:        sum_S sold_set[s,S] <= choose[m,hub]             (each segment s)
    served_by:        sum_S routed[s,d,S] <= choose[m,d]               (each segment, each d)
    forced:           choose[m,d] = 0 for a model the user ruled out
    must_sell:        sum_t offered[t] >= 1 for a market that must sell (what selling it would
                      cost), whose floor margin is then dropped
    partner_fees:     a distributor's fee per account and management fee join m's cost
    partner_share:    revenue_share[m] >= share * sum_s N_s (sum_S V_sS routed[s,dist,S]
                      - surplus[s]), V_sS = base_s + sum_{o in S} v_so: m's revenue when the
                      partner serves it, at most nothing when it does not (no big-M)
    shared agents_in_order, opens, live/total (priority) capacity: as a market's own desk, with
                      the load of every member's routed accounts; K and M count each market
                      once (it has one delivery model), and slot groups every member loads,
                      opens and prioritises alike share one set of agents
    covers_floor:     covers[q,m] <= r_m revenue_m - (1 + min_margin) cost_m
    covers_member:    covers[q,m] <= r_m sum_s N_s sum_{d on q} sum_S V_sS routed[s,d,S]
    shared_floor:     sum_m covers[q,m] >= (1 + min_margin) * staff cost of q: the members' floors
                      pay the shared desk with the margin, as a market's floors pay its own

A model that cuts what support is worth (the English desk: a share f of what every tier is worth
to every buyer, ``Route.value_loss``) enters the market's model as ``value_cut``: R_st loses
f (base_s choose[m,d] + sum_o v_so cut[t,o]), cut = choose[m,d] x includes[t,o] (cut_le_includes,
cut_le_chosen, cut_ge_both: exact for binaries); revenue loses f N_s sum_S routed[s,d,S] (base_s
+ sum_{o in S} v_so), and ``rent`` (b over a) the same difference of b's and a's values on a's
routed set: linear, since a segment served by d buys one tier, whose options are its set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pulp

from pricing.errors import SolverError
from pricing.tiers import floors
from pricing.tiers.constraints import add_families
from pricing.tiers.menu import read_menu, value_of
from pricing.tiers.model import Model, Route, clean, declare
from pricing.tiers.problem import SolvedTier, TierProblem
from pricing.tiers.shared_rows import Background, add, routed_value, shared_rows, value_cut
from pricing.tiers.solve import run_from

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
    # (market, model) -> (revenue, cost) a year: a model the market may take instead, solved by
    # itself (bot nights on its own desks), a constant of the objective when chosen
    alternatives: dict[tuple[str, str], tuple[float, float]] = dataclasses.field(
        default_factory=dict
    )
    # Markets held and left out of the MILP (pricing.delivery.background): on each desk, what
    # they sell there; and what they earn, less the desks none of the MILP's markets may join.
    background: dict[str, Background] = dataclasses.field(default_factory=dict)
    held_usd: float = 0.0

    def staff_cost(self, key: str):
        desk = self.desks[key]
        return pulp.lpSum(
            desk.groups[g].usd_per_agent * pulp.lpSum(self.agent[key, g])
            for g in range(len(desk.groups))
        )

    # What the solved portfolio says (USD a year unless said otherwise).

    def staff_usd(self, key: str) -> float:
        return value_of(self.staff_cost(key))

    def revenue_usd(self, code: str) -> float:
        taken = self._alternative(code)
        return self.alternatives[taken][0] if taken else value_of(self.markets[code].revenue())

    def own_cost_usd(self, code: str) -> float:
        """The market's own desks, fixed costs and a distributor's fees and share."""
        taken = self._alternative(code)
        return self.alternatives[taken][1] if taken else value_of(self.markets[code].cost())

    def _alternative(self, code: str) -> tuple[str, str] | None:
        """The (market, model) of the alternative the market takes, if it takes one."""
        taken = (k for k in self.alternatives if k[0] == code and value_of(self.choose[k]) > 0.5)
        return next(taken, None)

    def profit_usd(self) -> float:
        """Revenue less every cost, without the tie-break of the objective."""
        own = sum(self.revenue_usd(c) - self.own_cost_usd(c) for c in self.markets)
        return self.held_usd + own - sum(self.staff_usd(key) for key in self.desks)

    def chosen(self, code: str) -> str | None:
        """The delivery model serving the market, None when it sells nothing."""
        taken = self._alternative(code)
        if taken:
            return taken[1]
        model = self.markets[code]
        if sum(value_of(v) for v in model.buys.values()) <= 0.5:
            return None
        return next(
            (k for (c, k), v in self.choose.items() if c == code and value_of(v) > 0.5), None
        )

    def routed_accounts(self, code: str, kind: str, left_out: tuple[str, ...] = ()):
        """Accounts on each option set served by delivery model ``kind`` (segments
        ``left_out`` not counted)."""
        model = self.markets[code]
        counts = np.zeros(len(model.workload.sets))
        sizes = {b.name: b.size for b in model.problem.buyers}
        for (name, routed_kind, i), variable in model.routed.items():
            if routed_kind == kind and value_of(variable) > 0.5 and name not in left_out:
                counts[i] += sizes[name]
        return counts

    def check_staffing(self) -> None:
        """Each shared desk's agents in the solved model carry what was sold on it: the step
        cost was held exactly (counted again by :meth:`SharedDesk.staff_usd`)."""
        for key, desk in self.desks.items():
            modelled = self.staff_usd(key)
            exact = desk.staff_usd(desk.sold(self))
            if exact > modelled + 1e-3 * max(1.0, exact):
                raise SolverError(
                    f"shared desk {key}: the model's staffing ({modelled:,.2f} a year) is below "
                    f"what the sales on it need ({exact:,.2f}); the step cost was not held"
                )

    def binaries(self, codes) -> tuple[tuple[str, int], ...]:
        """The solved value of every binary of markets ``codes``: what they sell, with which
        options, how they are served (to hold them while another market is probed)."""
        found = []
        for code in codes:
            model = self.markets[code]
            families = [model.includes, model.buys, model.offered, model.uses, model.sold_set]
            families += [model.routed, {k: v for k, v in self.choose.items() if k[0] == code}]
            for family in families:
                for variable in family.values():
                    if isinstance(variable, pulp.LpVariable):
                        found.append((variable.name, round(value_of(variable))))
        return tuple(sorted(found))

    def integers(self) -> dict[str, int]:
        """Every integer variable's solved value, by name (a start for a larger MILP)."""
        return {v.name: round(value_of(v)) for v in self.lp.variables() if v.cat == pulp.LpInteger}

    def sale_pattern(self, codes) -> floors.Pattern:
        """What markets ``codes`` sell and how they are served, as (binary, value) pairs: who
        buys which tier, what each sold tier holds, the delivery model chosen."""
        found: floors.Pattern = []
        for code in codes:
            found += floors.sale_pattern(self.markets[code])
            found += [(v, int(value_of(v) > 0.5)) for (c, _), v in self.choose.items() if c == code]
        return found

    def cut_off(self, pattern: floors.Pattern, n: int) -> None:
        """Refuse the sale ``pattern`` (the floor policy by tier, :mod:`pricing.tiers.floors`)."""
        floors.cut_off(self.lp, pattern, n)

    def menu(self, code: str) -> tuple[list[SolvedTier], dict[str, str | None]]:
        """The market's tiers and who buys which (prices settled exactly)."""
        return read_menu(self.markets[code], self.problem(code))

    def problem(self, code: str) -> TierProblem:
        """The market's problem as it is served: on a model that cuts what support is worth
        (the English desk), each buyer's values at what is left of them."""
        model = self.markets[code]
        kind = self.chosen(code)
        cut = sum(share for share, _, k, _ in model.value_cut if k == kind)
        if not cut:
            return model.problem
        buyers = tuple(
            dataclasses.replace(
                b,
                base_value=b.base_value * (1.0 - cut),
                values={o: v * (1.0 - cut) for o, v in b.values.items()},
            )
            for b in model.problem.buyers
        )
        return dataclasses.replace(model.problem, buyers=buyers)

    def solve(self, solver: str, time_limit: float, start=None) -> tuple[bool, float | None]:
        """Solve; whether an answer was found, and the relative gap proven (None when the
        solver proves no bound). A community of one market on desks of its own is one market's
        model. ``start`` maps integer variables (by name) to a feasible answer's values (0 for
        the rest): the answer is never worse (:func:`pricing.tiers.solve.run_from`)."""
        small = len(self.markets) == 1 and not self.desks
        return run_from(self.lp, solver, time_limit, start, small)

    @property
    def status(self) -> str:
        return pulp.LpStatus[self.lp.status]

    def write_mps(self, path):
        """The model as an MPS file (maximisation, ``OBJSENSE MAX``)."""
        self.lp.writeMPS(str(path), with_objsense=True)
        return path


def build_portfolio(
    problems: Mapping[str, TierProblem],
    routes: Mapping[str, Mapping[str, Route]],
    desks: Mapping[str, SharedDesk],
    distributor_terms: Mapping[str, tuple[float, float, float]],
    forced: Mapping[str, str] | None = None,
    must_sell: tuple[str, ...] = (),
    held: tuple[tuple[str, float], ...] = (),
    alternatives: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
    relax: frozenset[str] = frozenset(),
    background: tuple[Mapping[str, Background], float] = ({}, 0.0),
) -> Portfolio:
    """The portfolio MILP (module docstring). ``distributor_terms[m]`` is the partner's fee per
    account, management fee and revenue share; ``forced[m]`` a delivery model m must use;
    ``must_sell`` markets that must sell a tier (to price what not selling them saves);
    ``held`` variables (by name) held at a value by their bounds: other markets' sales as a
    solved portfolio has them (:meth:`Portfolio.binaries`); ``alternatives[m]`` models m may
    take instead, each
    with the revenue and cost it earns so by itself (:attr:`Portfolio.alternatives`);
    ``relax`` drops constraint families for every market (with ``floor_margin``, the shared
    desks' floors too): a plan held and tested in another world obeys no design rule;
    ``background`` the held markets left out (:attr:`Portfolio.background`, ``held_usd``)."""
    lp = pulp.LpProblem("portfolio", pulp.LpMaximize)
    models, choose = {}, {}
    taken = {(c, k): e for c, found in (alternatives or {}).items() for k, e in found.items()}
    for code, problem in problems.items():
        model = declare(problem, routes.get(code, {}))
        kinds = (HUB, *routes.get(code, {}), *(k for c, k in taken if c == code))
        for kind in kinds:
            choose[code, kind] = pulp.LpVariable(
                f"choose_{model.tag}_{clean(kind)}", cat=pulp.LpBinary
            )
        if PARTNER in kinds:
            chosen = choose[code, PARTNER]
            _partner_costs(lp, model, chosen, distributor_terms[code])
        for kind, route in routes.get(code, {}).items():
            if route.value_loss > 0:
                value_cut(lp, model, kind, route.value_loss, choose[code, kind])
        # A market made to sell is priced at its least loss: the margin rule cannot hold there.
        add_families(model, lp, relax | ({"floor_margin"} if code in must_sell else set()))
        _choice_rows(lp, model, {k: choose[code, k] for k in kinds}, (forced or {}).get(code))
        if code in must_sell:
            add(lp, pulp.lpSum(model.offered.values()) >= 1, "must_sell", model.tag)
        models[code] = model
    taken = {key: earned for key, earned in taken.items() if key[0] in models}
    portfolio = Portfolio(lp, models, choose, dict(desks), {}, {}, taken, *background)
    for desk in desks.values():
        shared_rows(portfolio, desk, tuple(models) if "floor_margin" in relax else must_sell)
    staff = pulp.lpSum(portfolio.staff_cost(key) for key in desks)
    constant = pulp.lpSum((r - c) * choose[key] for key, (r, c) in taken.items())
    lp += pulp.lpSum(model.profit() for model in models.values()) + constant - staff, "profit"
    values = dict(held)
    for variable in lp.variables() if values else ():
        if variable.name in values:  # held by its bounds: no row to build, presolve drops it
            variable.bounds(values[variable.name], values[variable.name])
    return portfolio


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
        # Served through the partner, the revenue is what its routed accounts value their sets
        # at less the surplus left them; served otherwise, that is at most nothing: exact, with
        # no big-M.
        paid = pulp.LpVariable(f"revenue_share_{model.tag}", 0)
        left = pulp.lpSum(b.size * model.surplus[b.name] for b in model.problem.buyers)
        revenue = routed_value(model, (PARTNER,)) - left
        add(lp, paid >= share * revenue, "partner_share", model.tag)
        model.extra_cost.append(paid)


def _choice_rows(lp, model: Model, choose: dict[str, pulp.LpVariable], forced: str | None):
    tag = model.tag
    add(lp, pulp.lpSum(choose.values()) <= 1, "one_model", tag)
    routed = {k for _, k, _ in model.routed}
    for b in model.problem.buyers:
        own = pulp.lpSum(v for (name, _), v in model.sold_set.items() if name == b.name)
        add(lp, own <= choose[HUB], "own_desks", tag, b.name)
        for kind in choose:
            if kind not in routed:  # its own desks, or an alternative solved by itself
                continue
            served = pulp.lpSum(
                v for (name, k, _), v in model.routed.items() if name == b.name and k == kind
            )
            add(lp, served <= choose[kind], "served_by", tag, b.name, kind)
    if forced is not None:
        for kind, variable in choose.items():
            if kind != forced:
                add(lp, variable == 0, "forced", tag, kind)
