"""The tier MILP of one market: which options go in which tier, at what price, with whose staff.

Product-line pricing with self-selection (Dobson and Kalish, Marketing Science 1988), the seller's
negotiation headroom and the exact step cost of the market's desks. With PuLP, in
:mod:`pricing.tiers.solve`, the only modules that import it.

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

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pulp

from pricing.tiers.problem import TierProblem

# More accounts served breaks ties between equally profitable menus (USD per account a year).
TIE_BREAK_USD = 1e-4


@cache
def clean(text: str) -> str:
    """A name PuLP and MPS files accept: letters, digits and single underscores."""
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", text)).strip("_") or "x"


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


# --- Constraint families: one function each, in the order of the docstring. ---------------


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
