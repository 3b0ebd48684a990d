"""The tier MILP of one market: which options go in which tier, at what price, with whose staff.

Product-line pricing with self-selection (Dobson and Kalish, Marketing Science 1988), the seller's
negotiation headroom and the exact step cost of the market's desks. Here its variables and
objective (:class:`Model`); each constraint family is built by its own function in
:mod:`pricing.tiers.constraints`, whose ``build_model`` assembles the model. With
:mod:`pricing.tiers.solve` these are the only modules that import PuLP.

Sets
    segments s (``N_s`` accounts), tiers t = 1..T in order, options o; with a workload also
    option sets S (every subset of the options), slot groups g of the market's desks and
    agents k = 1..K_g (K_g carries the largest load g can get).

Data
    ``base_s``, ``v_so``: what s pays for bare support and what option o adds; ``cv_s`` what it
    pays for the product; ``c0``, ``c_o``: linear cost per account (generic engine only);
    ``F0``, ``F_o``: fixed costs of serving and of each option (office, holiday cover); discounts
    d (expected) and D (maximum), floor ratio r = (1 - D) / (1 - d), minimum margin m, ladder
    step k (least) and K (most), shares lo_t, hi_t of cv_s t's price may be. Workload:
    ``live_Sg``, ``total_Sg`` Erlangs per account of set S in group g; ``cap_k`` the largest
    load k agents carry (``pcap_k`` with a priority class), ``H_g`` the annual cost of one agent
    on duty in g, ``M_g`` the most ``pcap_k`` falls short of ``cap_k`` (at most g's largest load).

Variables
    ``includes[t,o]`` binary, option o is in tier t (a constant when tiers are given);
    ``price[t] >= 0`` target price T_t; ``offered[t]`` binary, t is sold to someone;
    ``buys[s,t]`` binary; ``surplus[s] >= 0``; ``bought[s,t,o] = buys * includes`` in [0, 1];
    ``uses[o]`` binary, o is in a sold tier; ``serves`` binary;
    workload: ``sold_set[s,S]`` binary, s buys a tier holding exactly S; ``agent[g,k]`` binary,
    the k-th agent on duty in every slot of g; ``priority_on[g]`` binary, g has priority contacts.
    Every binary is declared 0..1; rules that fix one are constraints (PuLP resets a binary's
    bounds).

Objective (USD a year)
    max  revenue - cost + e * sum_s N_s sum_t buys[s,t]
    revenue = sum_s N_s (base_s sum_t buys + sum_t,o v_so bought - surplus[s])
    cost    = sum_s N_s sum_t (c0 buys + sum_o c_o bought) + F0 serves + sum_o F_o uses[o]
              + sum_g H_g sum_k agent[g,k]
    e (``TIE_BREAK_USD``) breaks ties between equally profitable menus the same way in every
    solver: more accounts served.

Constraints (each named ``family__market_...``)
    one_tier:               sum_t buys[s,t] <= 1
    sold_if_offered:        buys[s,t] <= offered[t]
    offered_if_sold:        offered[t] <= sum_s buys[s,t]
    self_selection:         surplus[s] >= R_st - price[t], R_st = base_s + sum_o v_so includes[t,o]
                            (a tier nobody buys is priced out of reach: no big-M)
    pays_price:             price[t] <= R_st - surplus[s] + P (1 - buys[s,t])
    no_purchase_no_surplus: surplus[s] <= Rmax_s sum_t buys[s,t]
    rent:                   surplus[b] >= surplus[a] + sum_t (R_bt - R_at) buys[a,t]
    bought_le_includes, bought_le_buys, bought_ge_both: the product bought = buys * includes
    nested:                 includes[t,o] <= includes[t+1,o] + 1 - offered[t+1] (designed)
    distinct:               tier t+1 holds more options than tier t          (designed tiers)
    fill_from_bottom:       offered[t+1] <= offered[t]                       (designed tiers)
    allowed:                includes[t,o] = 0 for an option tier t may not hold
    required:               includes[t,o] = 1 for an option tier t must hold
    must_offer:             offered[t] = 1
    ladder:                 price[u] >= (1 + k) price[t] when both are offered (k > 0)
    ladder_cap:             price[t+1] <= (1 + K) price[t] when both are offered (K > 0)
    share_floor:            price[t] >= lo_t cv_s buys[s,t]: a buyer pays at least lo_t of
                            its contract value cv_s
    share_cap:              price[t] <= hi_t cv_s + P (1 - buys[s,t])
    pays_option:            uses[o] >= includes[t,o] + offered[t] - 1
    pays_for_sales:         uses[o] >= sum_t bought[s,t,o]      (implied; tightens the relaxation)
    serves_if_offered:      serves >= offered[t]
    floor_margin:           r * revenue >= (1 + m) * cost: every sold account at its floor
                            F = L (1 - D), list L = T / (1 - d), still earns the minimum margin
                            on the market's whole cost
    set_of_segment:         sum_S sold_set[s,S] = sum_t buys[s,t]
    set_holds:              sum_{S holds o} sold_set[s,S] = sum_t bought[s,t,o]
    agents_in_order:        agent[g,k] <= agent[g,k-1]
    opens:                  agent[g,minimum] >= sum_{S opens g} sold_set[s,S]
    priority_on:            priority_on[g] >= sum_{S puts priority in g} sold_set[s,S]
    live_capacity:          sum_s,S N_s live_Sg sold_set <= sum_k (cap_k - cap_k-1) agent[g,k]
    total_capacity:         the same for the whole load (live + async) with its table
    live_priority_capacity, total_priority_capacity: the same with the priority tables,
                            + M_g (1 - priority_on[g])

Ties in a segment's surplus go to the seller: the self-selection constraints are weak
inequalities, so an indifferent segment is assigned the tier that earns most.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pulp

from pricing.tiers import bounds
from pricing.tiers.problem import Buyer, TierProblem

if TYPE_CHECKING:
    from pricing.costing.workload import Workload

# More accounts served breaks ties between equally profitable menus (USD per account a year).
TIE_BREAK_USD = 1e-4


@cache
def clean(text: str) -> str:
    """A name PuLP and MPS files accept: letters, digits and single underscores."""
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", text)).strip("_") or "x"


@dataclass(frozen=True)
class Model:
    """The built MILP and its variables, keyed by domain labels (see the module docstring)."""

    problem: TierProblem
    lp: pulp.LpProblem
    tag: str
    includes: dict[tuple[str, str], pulp.LpVariable | int]
    price: dict[str, pulp.LpVariable]
    offered: dict[str, pulp.LpVariable]
    buys: dict[tuple[str, str], pulp.LpVariable]
    surplus: dict[str, pulp.LpVariable]
    bought: dict[tuple[str, str, str], pulp.LpVariable | int]
    uses: dict[str, pulp.LpVariable]
    serves: pulp.LpVariable
    sold_set: dict[tuple[str, int], pulp.LpVariable]
    agent: dict[tuple[int, int], pulp.LpVariable]
    priority_on: dict[int, pulp.LpVariable]
    group_limits: tuple[bounds.GroupLimits, ...]
    price_cap: float
    match_m: dict[str, float]
    reservation_max: dict[str, float]
    # Portfolio models only (:mod:`pricing.delivery.portfolio`): the segment's accounts on set S
    # served by delivery model d, the share of that load per own slot group that stays on the
    # market's own desks under d, and costs d adds (a distributor's fees).
    routed: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    private_share: dict[str, np.ndarray] = field(default_factory=dict)
    extra_cost: list = field(default_factory=list)
    # (f, choose[m,d], d, cut): delivery model d, when chosen, cuts a share f of what every tier
    # is worth to every buyer; cut[t,o] = choose[m,d] x includes[t,o] (pricing.tiers.portfolio).
    value_cut: list = field(default_factory=list)
    _built: dict = field(default_factory=dict, repr=False, compare=False)  # by _once

    def _once(self, name: str, build) -> pulp.LpAffineExpression:
        """``build()`` made once while the costs and cuts added stay (a copy: callers add)."""
        key = (name, len(self.extra_cost), len(self.value_cut))
        return (self._built.get(key) or self._built.setdefault(key, build())).copy()

    @property
    def options(self) -> list[str]:
        return [o.name for o in self.problem.options]

    @property
    def workload(self) -> Workload:
        """The market's step-cost data: only read where the problem has it."""
        assert self.problem.workload is not None
        return self.problem.workload

    def agents(self, group: int) -> list[pulp.LpVariable]:
        """Agents k = 1..K_g of a slot group, in order."""
        count = self.group_limits[group].agents
        return [self.agent[group, k] for k in range(1, count + 1)]

    def reservation(self, buyer: Buyer, tier: str):
        value = buyer.base_value + pulp.lpSum(
            buyer.values.get(o, 0.0) * self.includes[tier, o] for o in self.options
        )
        for share, chosen, _, cut in self.value_cut:  # f (base chosen + sum_o v_o cut[t,o])
            value -= share * (
                buyer.base_value * chosen
                + pulp.lpSum(buyer.values.get(o, 0.0) * cut[tier, o] for o in self.options)
            )
        return value

    def value_lost(self, buyer: str, valuer: Buyer):
        """What ``buyer``'s purchase loses, valued as ``valuer`` values it, on the models that
        cut what support is worth (``value_cut``): linear, since a segment served by a model
        buys one tier, whose options are the set it is routed with."""
        sets = self.problem.workload.sets if self.problem.workload is not None else ()
        cuts = {kind: share for share, _, kind, _ in self.value_cut}
        return pulp.lpSum(
            cuts[kind]
            * (valuer.base_value + sum(valuer.values.get(o, 0.0) for o in sets[i]))
            * variable
            for (name, kind, i), variable in self.routed.items()
            if name == buyer and kind in cuts
        )

    def revenue(self):
        """Value bought less surplus left: payment without price x buys products."""
        return self._once(
            "revenue",
            lambda: pulp.lpSum(
                b.size
                * (
                    pulp.lpSum(b.base_value * self.buys[b.name, t] for t in self.problem.tiers)
                    - self.value_lost(b.name, b)
                    + pulp.lpSum(
                        b.values.get(o, 0.0) * self.bought[b.name, t, o]
                        for t in self.problem.tiers
                        for o in self.options
                    )
                    - self.surplus[b.name]
                )
                for b in self.problem.buyers
            ),
        )

    def cost(self):
        return self._once("cost", self._cost)

    def _cost(self):
        problem = self.problem
        unit = {o.name: o.unit_cost for o in problem.options}
        fixed = {o.name: o.fixed_cost for o in problem.options}
        linear = pulp.lpSum(
            b.size
            * pulp.lpSum(
                problem.base_unit_cost * self.buys[b.name, t]
                + pulp.lpSum(unit[o] * self.bought[b.name, t, o] for o in self.options)
                for t in problem.tiers
            )
            for b in problem.buyers
        )
        staff = 0
        if problem.workload is not None:
            groups = problem.workload.groups
            staff = pulp.lpSum(
                groups[g].usd_per_agent * variable for (g, _), variable in self.agent.items()
            )
        total = (
            linear
            + problem.base_fixed_cost * self.serves
            + pulp.lpSum(fixed[o] * self.uses[o] for o in self.options)
            + staff
        )
        return total + pulp.lpSum(self.extra_cost) if self.extra_cost else total

    def profit(self):
        """The objective: revenue - cost, plus the tie-break for accounts served."""
        served = pulp.lpSum(
            b.size * self.buys[b.name, t] for b in self.problem.buyers for t in self.problem.tiers
        )
        return self.revenue() - self.cost() + TIE_BREAK_USD * served


@dataclass(frozen=True)
class Route:
    """A delivery model other than the market's own desks, in a portfolio model: the option
    sets (indices into the workload's) it can serve, and per own slot group the share of a
    set's load that stays on the market's own desks."""

    sets: tuple[int, ...]
    private_share: np.ndarray
    value_loss: float = 0.0  # share of what each tier is worth to a buyer lost when served so


def declare(problem: TierProblem, routes: Mapping[str, Route] | None = None) -> Model:
    """The model of one market with every variable declared and no constraint yet; ``routes``
    adds the other delivery models a portfolio model may choose (keyed by name)."""
    tag = clean(problem.label)
    routes = routes or {}
    sets = problem.workload.sets if problem.workload is not None else ()
    reservation_max = bounds.reservation_max(problem)
    price_cap = bounds.price_cap(problem, reservation_max)
    includes = _includes(problem, tag)
    buys = {
        (b.name, t): _binary(tag, "buys", b.name, t) for b in problem.buyers for t in problem.tiers
    }
    limits = bounds.group_limits(problem)
    return Model(
        problem=problem,
        lp=pulp.LpProblem(f"tiers_{tag}", pulp.LpMaximize),
        tag=tag,
        includes=includes,
        price={t: pulp.LpVariable(f"price_{tag}_{clean(t)}", 0, price_cap) for t in problem.tiers},
        offered={t: _binary(tag, "offered", t) for t in problem.tiers},
        buys=buys,
        surplus={
            b.name: pulp.LpVariable(f"surplus_{tag}_{clean(b.name)}", 0) for b in problem.buyers
        },
        bought=_bought(problem, tag, includes, buys),
        uses={o.name: _binary(tag, "uses", o.name) for o in problem.options},
        serves=_binary(tag, "serves"),
        sold_set=_sold_sets(problem, tag),
        agent={
            (g, k): _binary(tag, "agent", f"g{g}", f"k{k}")
            for g, limit in enumerate(limits)
            for k in range(1, limit.agents + 1)
        },
        priority_on={
            g: _binary(tag, "priority_on", f"g{g}")
            for g, limit in enumerate(limits)
            if limit.can_prioritise
        },
        group_limits=limits,
        price_cap=price_cap,
        match_m=bounds.match_m(problem, reservation_max, price_cap),
        reservation_max=reservation_max,
        routed={
            (b.name, d, i): _binary(tag, "routed", b.name, d, "_".join(sorted(sets[i])) or "bare")
            for d, route in routes.items()
            for b in problem.buyers
            for i in route.sets
        },
        private_share={d: route.private_share for d, route in routes.items()},
    )


def _binary(tag: str, name: str, *labels: str) -> pulp.LpVariable:
    """A 0..1 binary; a rule that fixes it is a named constraint, never a bound."""
    return pulp.LpVariable("_".join([name, tag, *map(clean, labels)]), cat=pulp.LpBinary)


def _includes(problem: TierProblem, tag: str) -> dict[tuple[str, str], pulp.LpVariable | int]:
    """Binaries when the optimiser designs the tiers, constants when they are given."""
    fixed = problem.fixed_tiers
    return {
        (t, o.name): (
            _binary(tag, "includes", t, o.name)
            if fixed is None
            else int(o.name in fixed.get(t, ()))
        )
        for t in problem.tiers
        for o in problem.options
    }


def _bought(problem: TierProblem, tag: str, includes: dict, buys: dict) -> dict:
    """bought[s,t,o] = buys * includes: a variable of its own only where includes is one."""
    bought: dict[tuple[str, str, str], pulp.LpVariable | int] = {}
    for b, t, o in itertools.product(problem.buyers, problem.tiers, problem.options):
        x = includes[t, o.name]
        if isinstance(x, int):
            bought[b.name, t, o.name] = buys[b.name, t] if x == 1 else 0
        else:
            name = f"bought_{tag}_{clean(b.name)}_{clean(t)}_{clean(o.name)}"
            bought[b.name, t, o.name] = pulp.LpVariable(name, 0, 1)
    return bought


def _sold_sets(problem: TierProblem, tag: str) -> dict[tuple[str, int], pulp.LpVariable]:
    """Which option set each segment's tier holds (the load of an account depends on it)."""
    if problem.workload is None:
        return {}
    return {
        (b.name, i): _binary(tag, "sold_set", b.name, "_".join(sorted(option_set)) or "bare")
        for b in problem.buyers
        for i, option_set in enumerate(problem.workload.sets)
    }
