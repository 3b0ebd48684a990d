"""The tier MILP of one market: which options go in which tier, at what price, with whose staff.

Product-line pricing with self-selection (Dobson and Kalish, Marketing Science 1988), the seller's
negotiation headroom and the exact step cost of the market's desks. Each constraint family is
built by its own function in :mod:`pricing.tiers.constraints`; with :mod:`pricing.tiers.solve`
these are the only modules that import PuLP.

Sets
    segments s (``N_s`` accounts), tiers t = 1..T in order, options o; with a workload also
    option sets S (every subset of the options), slot groups g of the market's desks and
    agents k = 1..K_g (K_g carries the largest load g can get).

Data
    ``base_s``: what s pays for bare support; ``v_so``: what option o adds for s; ``c0``,
    ``c_o``: linear cost per account (generic engine only; zero with a workload); ``F0``,
    ``F_o``: fixed costs of serving at all and of each option (office rent and set-up,
    holiday cover); expected discount d, maximum discount D, floor ratio r = (1 - D) / (1 - d),
    minimum margin m, ladder step k. Workload: ``live_Sg``, ``total_Sg`` Erlangs per account of
    set S in group g; ``cap_k`` the largest load k agents carry (``pcap_k`` with a priority
    class), ``H_g`` the annual cost of one agent on duty in g, ``M_g`` the largest load of g.

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
    pays_option:            uses[o] >= includes[t,o] + offered[t] - 1
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

from collections.abc import Callable
from dataclasses import dataclass, field

import pulp

from pricing.tiers.constraints import (
    _allowed,
    _bought,
    _designed_tiers,
    _floor_margin,
    _ladder,
    _must_offer,
    _no_purchase_no_surplus,
    _offered_if_sold,
    _one_tier,
    _pays_option,
    _pays_price,
    _rent,
    _required,
    _self_selection,
    _sold_if_offered,
    _staffing,
    _workload_sets,
    clean,
)
from pricing.tiers.problem import TierProblem

# More accounts served breaks ties between equally profitable menus (USD per account a year).
TIE_BREAK_USD = 1e-4


@dataclass
class Model:
    """The built MILP and its variables, keyed by domain labels."""

    problem: TierProblem
    lp: pulp.LpProblem
    tag: str
    includes: dict[tuple[str, str], object]
    price: dict[str, pulp.LpVariable]
    offered: dict[str, pulp.LpVariable]
    buys: dict[tuple[str, str], pulp.LpVariable]
    surplus: dict[str, pulp.LpVariable]
    uses: dict[str, pulp.LpVariable]
    serves: pulp.LpVariable
    bought: dict[tuple[str, str, str], object] = field(default_factory=dict)
    sold_set: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    agent: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)
    price_cap: float = 0.0
    match_m: dict[str, float] = field(default_factory=dict)
    reservation_max: dict[str, float] = field(default_factory=dict)

    def add(self, family: str, constraint: pulp.LpConstraint, *labels: str) -> None:
        name = "__".join([family, self.tag, *(clean(label) for label in labels)])
        self.lp.addConstraint(constraint, name)

    def binary(self, name: str, *labels: str) -> pulp.LpVariable:
        """A 0..1 binary; a rule that fixes it is a named constraint, never a bound."""
        return pulp.LpVariable(
            "_".join([name, self.tag, *(clean(label) for label in labels)]), cat=pulp.LpBinary
        )

    @property
    def options(self) -> list[str]:
        return [o.name for o in self.problem.options]

    def reservation(self, buyer, tier: str):
        return buyer.base_value + pulp.lpSum(
            buyer.values.get(o, 0.0) * self.includes[tier, o] for o in self.options
        )

    def revenue(self):
        """Value bought less surplus left: payment without price x buys products."""
        return pulp.lpSum(
            b.size
            * (
                pulp.lpSum(b.base_value * self.buys[b.name, t] for t in self.problem.tiers)
                + pulp.lpSum(
                    b.values.get(o, 0.0) * self.bought[b.name, t, o]
                    for t in self.problem.tiers
                    for o in self.options
                )
                - self.surplus[b.name]
            )
            for b in self.problem.buyers
        )

    def cost(self):
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
        return (
            linear
            + problem.base_fixed_cost * self.serves
            + pulp.lpSum(fixed[o] * self.uses[o] for o in self.options)
            + staff
        )


def _variables(problem: TierProblem) -> Model:
    tag = clean(problem.label)
    lp = pulp.LpProblem(f"tiers_{tag}", pulp.LpMaximize)
    option_names = [o.name for o in problem.options]
    terms = problem.terms
    model = Model(problem, lp, tag, {}, {}, {}, {}, {}, {}, None)  # type: ignore[arg-type]
    reservation_max = {
        b.name: b.base_value + sum(max(b.values.get(o, 0.0), 0.0) for o in option_names)
        for b in problem.buyers
    }
    cost_cap = abs(problem.base_unit_cost) + sum(abs(o.unit_cost) for o in problem.options)
    # A tier nobody buys is priced out of reach (so self-selection needs no big-M); the cap
    # leaves room for the ladder above any price a segment would pay.
    price_cap = (1.0 + terms.price_step) * max(
        max(reservation_max.values()), (1.0 + terms.min_margin) * cost_cap / terms.floor_ratio, 0.0
    ) + 1.0
    lowest_value = {
        b.name: b.base_value + sum(min(b.values.get(o, 0.0), 0.0) for o in option_names)
        for b in problem.buyers
    }
    model.price_cap = price_cap
    model.reservation_max = reservation_max
    model.match_m = {
        b.name: price_cap + reservation_max[b.name] - min(lowest_value[b.name], 0.0) + 1.0
        for b in problem.buyers
    }
    for t in problem.tiers:
        for o in option_names:
            if problem.fixed_tiers is not None:
                model.includes[t, o] = 1 if o in problem.fixed_tiers.get(t, frozenset()) else 0
            else:
                model.includes[t, o] = model.binary("includes", t, o)
        model.price[t] = pulp.LpVariable(f"price_{tag}_{clean(t)}", 0, price_cap)
        model.offered[t] = model.binary("offered", t)
    for b in problem.buyers:
        model.surplus[b.name] = pulp.LpVariable(f"surplus_{tag}_{clean(b.name)}", 0)
        for t in problem.tiers:
            model.buys[b.name, t] = model.binary("buys", b.name, t)
    model.uses = {o: model.binary("uses", o) for o in option_names}
    model.serves = model.binary("serves")
    return model


FAMILIES: tuple[tuple[str, Callable[[Model], None]], ...] = (
    ("one_tier", _one_tier),
    ("sold_if_offered", _sold_if_offered),
    ("offered_if_sold", _offered_if_sold),
    ("self_selection", _self_selection),
    ("pays_price", _pays_price),
    ("no_purchase_no_surplus", _no_purchase_no_surplus),
    ("bought", _bought),
    ("rent", _rent),
    ("designed", _designed_tiers),
    ("allowed", _allowed),
    ("required", _required),
    ("must_offer", _must_offer),
    ("ladder", _ladder),
    ("pays_option", _pays_option),
    ("workload_sets", _workload_sets),
    ("staffing", _staffing),
    ("floor_margin", _floor_margin),
)
# Families that can be dropped to find which one makes a problem infeasible.
RELAXABLE = frozenset({"self_selection", "rent", "ladder", "floor_margin", "required"})


def build_model(problem: TierProblem, *, relax: frozenset[str] = frozenset()) -> Model:
    """The MILP of one market (see the module docstring); ``relax`` drops constraint families."""
    model = _variables(problem)
    # ``bought`` must exist before anything that reads it, whatever the order above says.
    _bought(model)
    for name, build in FAMILIES:
        if name == "bought" or name in relax:
            continue
        if name == "designed" and not problem.designed:
            continue
        if name in ("workload_sets", "staffing") and problem.workload is None:
            continue
        if name == "rent" and "self_selection" in relax:
            continue
        build(model)
    served = pulp.lpSum(
        b.size * model.buys[b.name, t] for b in problem.buyers for t in problem.tiers
    )
    model.lp += model.revenue() - model.cost() + TIE_BREAK_USD * served, f"profit_{model.tag}"
    return model
