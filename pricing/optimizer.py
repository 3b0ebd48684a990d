"""Tier pricing as a mixed-integer programme: which options go in which tier, at what price.

Product-line pricing with self-selection (Dobson and Kalish, Marketing Science 1988), with the
seller's negotiation headroom built in. This is the only module that imports PuLP.

Sets
    segments s (``N_s`` accounts), tiers t = 1..T in order, options o.

Data
    ``base_s``: what segment s pays for bare support; ``v_so``: what option o adds for s;
    ``c0``, ``c_o``: cost per account of bare support and of each option; ``F0``, ``F_o``: fixed
    costs of serving the market at all and of each option; expected discount d, maximum discount
    D, minimum margin m, price ladder step k.

Variables
    ``includes[t,o]`` (binary) option o is in tier t — fixed when tiers are given;
    ``price[t] >= 0`` the target price T_t (what the seller expects to realise);
    ``offered[t]`` (binary) tier t is sold to someone; ``buys[s,t]`` (binary) s buys t;
    ``uses[o]`` (binary) option o is in some sold tier; ``surplus[s] >= 0``;
    ``revenue[s,t] = buys[s,t] * price[t]`` and ``bought[s,t,o] = buys[s,t] * includes[t,o]``,
    both linearised with bounds.

Reservation price of s for t: ``R_st = base_s + sum_o v_so includes[t,o]`` (linear in includes).

Objective
    max  sum_s N_s sum_t (revenue[s,t] - c0 buys[s,t] - sum_o c_o bought[s,t,o])
         - F0 serves - sum_o F_o uses[o]

Constraints (every one named with its segment, tier and option)
    one_tier_s:             sum_t buys[s,t] <= 1
    sold_if_offered_s_t:    buys[s,t] <= offered[t];   offered_if_sold_t: offered[t] <= sum_s buys
    surplus_s:              surplus[s] = sum_t (base_s buys + sum_o v_so bought - revenue)
                            (participation: surplus >= 0)
    self_selection_s_t:     surplus[s] >= R_st - price[t] for every tier: a tier nobody buys
                            is priced out of reach, so no big-M is needed here
    rent_b_over_a:          surplus[b] >= surplus[a] + sum_t (R_bt - R_at) buys[a,t]
                            (self-selection seen from a's purchase; tightens the relaxation)
    revenue_*_s_t:          revenue <= Rmax_s buys, revenue <= price,
                            revenue >= price - P (1 - buys)
    bought_*_s_t_o:         bought <= includes, bought <= buys, bought >= includes + buys - 1
    nested_t_o:             includes[t,o] <= includes[t+1,o]            (designed tiers)
    distinct_t:             tier t+1 holds more options than tier t     (designed tiers)
    fill_from_bottom_t:     offered[t+1] <= offered[t]                  (designed tiers)
    ladder_t_u:             price[u] >= (1 + k) price[t] when both are offered (k > 0)
    floor_t:                price[t] (1 - D) / (1 - d) >= (1 + m) (c0 + sum_o c_o includes[t,o])
                            when t is offered: the floor F = L (1 - D), with list L = T / (1 - d),
                            covers cost plus margin, so the deepest approvable concession pays.
    pays_o_t, serves_t:     uses[o] >= includes[t,o] + offered[t] - 1;  serves >= offered[t]

Ties in a segment's surplus go to the seller: the self-selection constraints are weak
inequalities, so an indifferent segment is assigned the tier that earns most.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pulp

from pricing.errors import InfeasibleError, InputError, SolverError
from pricing.tiers.explain import explain

SolverName = Literal["cbc", "highs"]
SOLVERS: tuple[str, ...] = ("cbc", "highs")
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Terms:
    """Negotiation and margin terms of a market (fractions)."""

    min_margin: float = 0.0
    expected_discount: float = 0.0
    max_discount: float = 0.0
    price_step: float = 0.0

    def __post_init__(self) -> None:
        checks = {
            "min_margin": (self.min_margin, -0.99, 100.0),
            "expected_discount": (self.expected_discount, 0.0, 0.99),
            "max_discount": (self.max_discount, 0.0, 0.99),
            "price_step": (self.price_step, 0.0, 100.0),
        }
        for name, (value, low, high) in checks.items():
            if not (
                isinstance(value, int | float) and math.isfinite(value) and low <= value <= high
            ):
                raise InputError(
                    f"{name} must be a number in [{low:g}, {high:g}], got {value!r}",
                    field=name,
                    value=value,
                )
        if self.max_discount < self.expected_discount:
            raise InputError(
                f"max_discount {self.max_discount:g} is below expected_discount "
                f"{self.expected_discount:g}",
                field="max_discount",
                value=self.max_discount,
            )

    @property
    def floor_ratio(self) -> float:
        """Floor over target: F / T = (1 - D) / (1 - d)."""
        return (1.0 - self.max_discount) / (1.0 - self.expected_discount)


@dataclass(frozen=True)
class Option:
    name: str
    unit_cost: float
    fixed_cost: float = 0.0


@dataclass(frozen=True)
class Buyer:
    """A segment as the optimiser sees it: its size and its values."""

    name: str
    size: float
    base_value: float
    values: Mapping[str, float]


@dataclass(frozen=True)
class TierProblem:
    """One market's tier-design problem.

    ``fixed_tiers`` maps a tier to its options when tiers are given rather than designed; then
    nesting, distinctness and filling from the bottom are not imposed.
    """

    label: str
    tiers: tuple[str, ...]
    options: tuple[Option, ...]
    buyers: tuple[Buyer, ...]
    base_unit_cost: float = 0.0
    base_fixed_cost: float = 0.0
    terms: Terms = field(default_factory=Terms)
    allowed: Mapping[str, frozenset[str]] | None = None
    required: Mapping[str, frozenset[str]] | None = None
    fixed_tiers: Mapping[str, frozenset[str]] | None = None
    must_offer: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not 1 <= len(self.tiers) <= 10 or len(set(self.tiers)) != len(self.tiers):
            raise InputError(
                f"{self.label}: give 1 to 10 distinct tier names, got {self.tiers}",
                field="tiers",
                value=self.tiers,
            )
        if not self.buyers:
            raise InputError(f"{self.label}: no segments to sell to", field="segments")
        names = [b.name for b in self.buyers]
        if len(set(names)) != len(names):
            raise InputError(f"{self.label}: segment names repeat: {names}", field="segments")
        option_names = {o.name for o in self.options}
        for buyer in self.buyers:
            if not (math.isfinite(buyer.size) and buyer.size >= 0):
                raise InputError(
                    f"segment {buyer.name!r}: size must be >= 0, got {buyer.size!r}",
                    field="size",
                    value=buyer.size,
                )
            for option, value in buyer.values.items():
                if option not in option_names:
                    raise InputError(
                        f"segment {buyer.name!r} values unknown option {option!r}",
                        field="values",
                        value=option,
                    )
                if not math.isfinite(value):
                    raise InputError(
                        f"segment {buyer.name!r}: value of {option} is not finite",
                        field="values",
                        value=value,
                    )
        for mapping_name in ("allowed", "required", "fixed_tiers"):
            mapping = getattr(self, mapping_name) or {}
            for tier, chosen in mapping.items():
                if tier not in self.tiers:
                    raise InputError(
                        f"{mapping_name}: unknown tier {tier!r}", field=mapping_name, value=tier
                    )
                unknown = set(chosen) - option_names
                if unknown:
                    raise InputError(
                        f"{mapping_name}[{tier}]: unknown option(s) {sorted(unknown)}",
                        field=mapping_name,
                        value=sorted(unknown),
                    )
        unknown_tiers = set(self.must_offer) - set(self.tiers)
        if unknown_tiers:
            raise InputError(
                f"must_offer: unknown tier(s) {sorted(unknown_tiers)}",
                field="must_offer",
                value=sorted(unknown_tiers),
            )

    @property
    def designed(self) -> bool:
        return self.fixed_tiers is None

    def reservation(self, buyer: Buyer, options: frozenset[str] | tuple[str, ...]) -> float:
        return buyer.base_value + sum(buyer.values.get(o, 0.0) for o in options)

    def unit_cost(self, options: frozenset[str] | tuple[str, ...]) -> float:
        costs = {o.name: o.unit_cost for o in self.options}
        return self.base_unit_cost + sum(costs[o] for o in options)


@dataclass(frozen=True)
class SolvedTier:
    name: str
    offered: bool
    options: tuple[str, ...]
    unit_cost: float
    target: float | None
    buyers: tuple[str, ...]


@dataclass(frozen=True)
class Solution:
    """The optimal tier menu of one market and why it is what it is."""

    label: str
    status: Literal["optimal", "time_limit"]
    profit: float
    revenue: float
    variable_cost: float
    fixed_cost: float
    tiers: tuple[SolvedTier, ...]
    assignment: dict[str, str | None]
    options_paid: tuple[str, ...]
    gap: float | None
    solver: str
    seconds: float
    explanations: tuple[str, ...] = ()
    message: str | None = None

    def tier(self, name: str) -> SolvedTier:
        return next(t for t in self.tiers if t.name == name)


def _clean(text: str) -> str:
    """A name PuLP and MPS files accept: letters, digits and underscores."""
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


@dataclass
class _Model:
    problem: pulp.LpProblem
    includes: dict[tuple[str, str], object]
    price: dict[str, pulp.LpVariable]
    offered: dict[str, pulp.LpVariable]
    buys: dict[tuple[str, str], pulp.LpVariable]
    uses: dict[str, pulp.LpVariable]
    surplus: dict[str, pulp.LpVariable]


def _value(item: object) -> float:
    """Value of a variable or a constant in a solved model."""
    if isinstance(item, int | float):
        return float(item)
    return float(item.value() or 0.0)  # type: ignore[attr-defined]


def build_model(problem: TierProblem, *, relax: frozenset[str] = frozenset()) -> _Model:
    """The MILP of one market (see the module docstring); ``relax`` drops constraint families."""
    tag = _clean(problem.label)
    lp = pulp.LpProblem(f"tiers_{tag}", pulp.LpMaximize)
    tiers, buyers, options = problem.tiers, problem.buyers, problem.options
    option_names = [o.name for o in options]
    terms = problem.terms

    reservation_max = {
        b.name: b.base_value + sum(max(b.values.get(o, 0.0), 0.0) for o in option_names)
        for b in buyers
    }
    cost_cap = abs(problem.base_unit_cost) + sum(abs(o.unit_cost) for o in options)
    # A tier nobody buys is priced out of reach (so self-selection needs no big-M); the cap
    # leaves room for its floor and the ladder above any price a segment would pay.
    price_cap = (1.0 + terms.price_step) * max(
        max(reservation_max.values()), (1.0 + terms.min_margin) * cost_cap / terms.floor_ratio, 0.0
    ) + 1.0
    floor_big_m = (1.0 + terms.min_margin) * cost_cap + 1.0
    lowest_value = {
        b.name: b.base_value + sum(min(b.values.get(o, 0.0), 0.0) for o in option_names)
        for b in buyers
    }
    price_match_m = {
        b.name: price_cap + reservation_max[b.name] - min(lowest_value[b.name], 0.0) + 1.0
        for b in buyers
    }

    includes: dict[tuple[str, str], object] = {}
    for t in tiers:
        for o in option_names:
            if problem.fixed_tiers is not None:
                includes[t, o] = 1 if o in problem.fixed_tiers.get(t, frozenset()) else 0
                continue
            allowed = problem.allowed is None or o in problem.allowed.get(
                t, frozenset(option_names)
            )
            required = problem.required is not None and o in problem.required.get(t, frozenset())
            if required and not allowed:
                raise InputError(
                    f"{problem.label}: option {o} is both required and not allowed in {t}",
                    field="required",
                    value=o,
                )
            includes[t, o] = pulp.LpVariable(
                f"includes_{tag}_{_clean(t)}_{_clean(o)}",
                lowBound=1 if required else 0,
                upBound=1 if allowed else 0,
                cat=pulp.LpBinary,
            )
    price = {t: pulp.LpVariable(f"price_{tag}_{_clean(t)}", 0, price_cap) for t in tiers}
    offered = {t: pulp.LpVariable(f"offered_{tag}_{_clean(t)}", cat=pulp.LpBinary) for t in tiers}
    buys = {
        (b.name, t): pulp.LpVariable(f"buys_{tag}_{_clean(b.name)}_{_clean(t)}", cat=pulp.LpBinary)
        for b in buyers
        for t in tiers
    }
    surplus = {b.name: pulp.LpVariable(f"surplus_{tag}_{_clean(b.name)}", 0) for b in buyers}
    uses = {o: pulp.LpVariable(f"uses_{tag}_{_clean(o)}", cat=pulp.LpBinary) for o in option_names}
    serves = pulp.LpVariable(f"serves_{tag}", cat=pulp.LpBinary)

    def bought(b: str, t: str, o: str) -> object:
        """buys[b,t] * includes[t,o], linearised only where includes is a variable."""
        x = includes[t, o]
        if isinstance(x, int):
            return buys[b, t] if x == 1 else 0
        q = pulp.LpVariable(f"bought_{tag}_{_clean(b)}_{_clean(t)}_{_clean(o)}", 0, 1)
        name = f"{tag}_{_clean(b)}_{_clean(t)}_{_clean(o)}"
        lp.addConstraint(q <= x, f"bought_le_includes_{name}")
        lp.addConstraint(q <= buys[b, t], f"bought_le_buys_{name}")
        lp.addConstraint(q >= x + buys[b, t] - 1, f"bought_ge_both_{name}")
        return q

    unit_cost = {o.name: o.unit_cost for o in options}
    fixed_cost = {o.name: o.fixed_cost for o in options}
    profit_terms = []
    bought_by: dict[tuple[str, str], dict[str, object]] = {}
    for b in buyers:
        bn = _clean(b.name)
        lp.addConstraint(pulp.lpSum(buys[b.name, t] for t in tiers) <= 1, f"one_tier_{tag}_{bn}")
        for t in tiers:
            tn = _clean(t)
            y = buys[b.name, t]
            q = {o: bought(b.name, t, o) for o in option_names}
            bought_by[b.name, t] = q
            lp.addConstraint(y <= offered[t], f"sold_if_offered_{tag}_{bn}_{tn}")
            reservation = b.base_value + pulp.lpSum(
                b.values.get(o, 0.0) * includes[t, o] for o in option_names
            )
            if "self_selection" not in relax:
                lp.addConstraint(
                    surplus[b.name] >= reservation - price[t], f"self_selection_{tag}_{bn}_{tn}"
                )
            # The buyer of t pays its price: price[t] = R_bt - surplus[b] (with self-selection).
            lp.addConstraint(
                price[t] <= reservation - surplus[b.name] + price_match_m[b.name] * (1 - y),
                f"pays_price_{tag}_{bn}_{tn}",
            )
            # Revenue is value bought minus surplus left (so no price x buys products).
            profit_terms.append(
                b.size
                * (
                    b.base_value * y
                    + pulp.lpSum((b.values.get(o, 0.0) - unit_cost[o]) * q[o] for o in option_names)
                    - problem.base_unit_cost * y
                )
            )
        # Participation: surplus >= 0 (its bound); a segment that buys nothing keeps none.
        lp.addConstraint(
            surplus[b.name] <= reservation_max[b.name] * pulp.lpSum(buys[b.name, t] for t in tiers),
            f"no_purchase_no_surplus_{tag}_{bn}",
        )
        profit_terms.append(-b.size * surplus[b.name])
    if "self_selection" not in relax:
        # Implied by self-selection, but stated directly they tighten the relaxation a lot:
        # whatever tier t another segment a buys, b could buy it too, so
        # surplus[b] >= surplus[a] + R_bt - R_at.
        for a in buyers:
            for b in buyers:
                if a.name == b.name:
                    continue
                rent = pulp.lpSum(
                    (b.base_value - a.base_value) * buys[a.name, t]
                    + pulp.lpSum(
                        (b.values.get(o, 0.0) - a.values.get(o, 0.0)) * bought_by[a.name, t][o]
                        for o in option_names
                    )
                    for t in tiers
                )
                lp.addConstraint(
                    surplus[b.name] >= surplus[a.name] + rent,
                    f"rent_{tag}_{_clean(b.name)}_over_{_clean(a.name)}",
                )

    for i, t in enumerate(tiers):
        tn = _clean(t)
        lp.addConstraint(
            offered[t] <= pulp.lpSum(buys[b.name, t] for b in buyers), f"offered_if_sold_{tag}_{tn}"
        )
        lp.addConstraint(serves >= offered[t], f"serves_{tag}_{tn}")
        for o in option_names:
            lp.addConstraint(
                uses[o] >= includes[t, o] + offered[t] - 1, f"pays_{tag}_{_clean(o)}_{tn}"
            )
        if "floor" not in relax:
            tier_cost = problem.base_unit_cost + pulp.lpSum(
                unit_cost[o] * includes[t, o] for o in option_names
            )
            lp.addConstraint(
                price[t] * terms.floor_ratio
                >= (1.0 + terms.min_margin) * tier_cost - floor_big_m * (1 - offered[t]),
                f"floor_{tag}_{tn}",
            )
        if t in problem.must_offer and "must_offer" not in relax:
            lp.addConstraint(offered[t] == 1, f"must_offer_{tag}_{tn}")
        if problem.designed and i + 1 < len(tiers):
            up = tiers[i + 1]
            for o in option_names:
                lp.addConstraint(
                    includes[t, o] <= includes[up, o], f"nested_{tag}_{tn}_{_clean(o)}"
                )
            lp.addConstraint(
                pulp.lpSum(includes[up, o] for o in option_names)
                >= pulp.lpSum(includes[t, o] for o in option_names)
                + 1
                - (len(option_names) + 1) * (1 - offered[up]),
                f"distinct_{tag}_{_clean(up)}",
            )
            lp.addConstraint(offered[up] <= offered[t], f"fill_from_bottom_{tag}_{_clean(up)}")
    if terms.price_step > 0 and "ladder" not in relax:
        step = 1.0 + terms.price_step
        pairs = (
            [(tiers[i], tiers[i + 1]) for i in range(len(tiers) - 1)]
            if problem.designed
            else [(a, b) for i, a in enumerate(tiers) for b in tiers[i + 1 :]]
        )
        for low, high in pairs:
            lp.addConstraint(
                price[high]
                >= step * price[low] - step * price_cap * (2 - offered[low] - offered[high]),
                f"ladder_{tag}_{_clean(low)}_{_clean(high)}",
            )

    lp += (
        (
            pulp.lpSum(profit_terms)
            - problem.base_fixed_cost * serves
            - pulp.lpSum(fixed_cost[o] * uses[o] for o in option_names)
        ),
        f"profit_{tag}",
    )
    return _Model(lp, includes, price, offered, buys, uses, surplus)


# Tier models have a few dozen variables: CBC's root cuts and heuristics cost ten times more
# than they save on them (measured in benchmarks/bench.py); the answers are the same, which the
# brute-force tests check.
CBC_OPTIONS = ["cuts off", "heuristics off"]


def _solver(name: str, time_limit: float, gap: float, log: Path | None) -> pulp.LpSolver:
    if name == "cbc":
        return pulp.PULP_CBC_CMD(
            msg=False,
            timeLimit=time_limit,
            gapRel=gap,
            logPath=str(log) if log else None,
            threads=1,
            options=CBC_OPTIONS,
        )
    if name == "highs":
        return pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=gap, threads=1)
    raise InputError(
        f"solver must be one of {', '.join(SOLVERS)}, got {name!r}", field="solver", value=name
    )


def _cbc_gap(log: Path) -> float | None:
    """The relative gap from CBC's closing summary: 'Gap: x' when it stopped early, none
    printed (so zero) when it proved optimality."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return None
    found = re.findall(r"^Gap:\s+([-+0-9.eE]+)", text, flags=re.MULTILINE)
    if found:
        return float(found[-1])
    return 0.0 if "Result - Optimal solution found" in text else None


def _run(model: _Model, solver: str, time_limit: float, gap: float) -> tuple[int, float | None]:
    """Solve; return PuLP's solution status and the relative optimality gap when known."""
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "cbc.log" if solver == "cbc" else None
        model.problem.solve(_solver(solver, time_limit, gap, log))
        if solver == "cbc":
            found_gap = _cbc_gap(log) if log else None
        else:
            found_gap = float(model.problem.solverModel.getInfo().mip_gap)
    return model.problem.sol_status, found_gap


def solve(
    problem: TierProblem,
    *,
    solver: SolverName = "cbc",
    time_limit_seconds: float = 20.0,
    gap: float = 0.0,
) -> Solution:
    """The most profitable tier menu for one market.

    Raises :class:`InfeasibleError` naming the constraint family, tier and market that cannot
    hold (only possible when tiers must be offered), and :class:`SolverError` when the solver
    ends without a usable answer.
    """
    if not (math.isfinite(time_limit_seconds) and time_limit_seconds > 0):
        raise InputError(
            f"time_limit_seconds must be > 0, got {time_limit_seconds!r}",
            field="time_limit_seconds",
            value=time_limit_seconds,
        )
    started = time.perf_counter()
    model = build_model(problem)
    status, found_gap = _run(model, solver, time_limit_seconds, gap)
    if status == pulp.LpSolutionInfeasible or status == pulp.LpSolutionNoSolutionFound:
        if status == pulp.LpSolutionNoSolutionFound and pulp.LpStatus[model.problem.status] not in (
            "Infeasible",
            "Not Solved",
        ):
            raise SolverError(
                f"{problem.label}: the solver found no solution "
                f"({pulp.LpStatus[model.problem.status]})"
            )
        raise InfeasibleError(diagnose(problem, solver=solver))
    if status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        raise SolverError(f"{problem.label}: solver status {pulp.LpStatus[model.problem.status]}")
    solution = _read(
        problem,
        model,
        solver,
        found_gap,
        time.perf_counter() - started,
        "optimal" if status == pulp.LpSolutionOptimal else "time_limit",
    )
    return solution


def _settle(problem: TierProblem, tiers: list[SolvedTier]) -> list[SolvedTier]:
    """Lower prices by the solver's tolerance where needed, so the published menu is exactly
    self-selecting: every buyer's surplus is >= 0 and >= what any other sold tier would leave.

    Solvers accept constraints violated by about 1e-7 relative; a price a millionth above a
    buyer's value would make the printed menu contradict its own assignment.
    """
    buyers = {b.name: b for b in problem.buyers}
    prices = {t.name: t.target for t in tiers if t.offered}
    options = {t.name: t.options for t in tiers}
    for _ in range(2 * len(tiers) + 2):
        changed = False
        for tier in tiers:
            if not tier.offered:
                continue
            for name in tier.buyers:
                value = problem.reservation(buyers[name], options[tier.name])
                best_elsewhere = max(
                    [0.0]
                    + [
                        problem.reservation(buyers[name], options[other]) - price
                        for other, price in prices.items()
                        if other != tier.name
                    ]
                )
                ceiling = value - best_elsewhere
                if prices[tier.name] > ceiling:
                    if prices[tier.name] - ceiling > 1e-5 * max(1.0, abs(ceiling)):
                        raise SolverError(
                            f"{problem.label}: solver returned a menu that is not "
                            f"self-selecting ({tier.name} is {prices[tier.name] - ceiling:g} "
                            f"above what {name} accepts)"
                        )
                    prices[tier.name] = ceiling
                    changed = True
        if not changed:
            break
    return [dataclasses.replace(t, target=prices[t.name] + 0.0) if t.offered else t for t in tiers]


def _read(
    problem: TierProblem,
    model: _Model,
    solver: str,
    found_gap: float | None,
    seconds: float,
    status: Literal["optimal", "time_limit"],
) -> Solution:
    option_names = [o.name for o in problem.options]
    assignment: dict[str, str | None] = {}
    for b in problem.buyers:
        chosen = [t for t in problem.tiers if _value(model.buys[b.name, t]) > 0.5]
        assignment[b.name] = chosen[0] if chosen else None
    solved = []
    for t in problem.tiers:
        buyers = tuple(b for b, tier in assignment.items() if tier == t)
        offered = bool(buyers)
        options = tuple(o for o in option_names if _value(model.includes[t, o]) > 0.5)
        solved.append(
            SolvedTier(
                name=t,
                offered=offered,
                options=options if offered else (),
                unit_cost=problem.unit_cost(options),
                target=_value(model.price[t]) + 0.0 if offered else None,
                buyers=buyers,
            )
        )
    solved = _settle(problem, solved)
    sizes = {b.name: b.size for b in problem.buyers}
    by_name = {s.name: s for s in solved}
    revenue = sum(sizes[b] * (by_name[t].target or 0.0) for b, t in assignment.items() if t)
    variable = sum(sizes[b] * by_name[t].unit_cost for b, t in assignment.items() if t)
    paid = tuple(o for o in option_names if any(o in s.options for s in solved if s.offered))
    fixed_costs = {o.name: o.fixed_cost for o in problem.options}
    fixed = (problem.base_fixed_cost if any(s.offered for s in solved) else 0.0) + sum(
        fixed_costs[o] for o in paid
    )
    if revenue - variable - fixed < 0 and not problem.must_offer:
        # Break-even within the solver's tolerance: selling nothing is as good and exact.
        assignment = dict.fromkeys(assignment)
        solved = [SolvedTier(t.name, False, (), problem.unit_cost(()), None, ()) for t in solved]
        revenue = variable = fixed = 0.0
        paid = ()
    result = Solution(
        label=problem.label,
        status=status,
        profit=revenue - variable - fixed,
        revenue=revenue,
        variable_cost=variable,
        fixed_cost=fixed,
        tiers=tuple(solved),
        assignment=assignment,
        options_paid=paid,
        gap=found_gap,
        solver=solver,
        seconds=seconds,
    )
    notes, message = explain(problem, result)
    return Solution(**{**result.__dict__, "explanations": notes, "message": message})


def diagnose(problem: TierProblem, *, solver: SolverName = "cbc") -> str:
    """Say which constraint cannot hold, for which tier and market, and what would relax it."""
    terms = problem.terms
    for tier in problem.tiers:
        if tier not in problem.must_offer:
            continue
        options = (
            problem.fixed_tiers.get(tier, frozenset())
            if problem.fixed_tiers is not None
            else (problem.required or {}).get(tier, frozenset())
        )
        floor = (1.0 + terms.min_margin) * problem.unit_cost(tuple(options))
        best = max(problem.reservation(b, tuple(options)) for b in problem.buyers)
        lowest_target = floor / terms.floor_ratio
        if lowest_target > best + TOLERANCE:
            hint = f"remove {', '.join(sorted(options))} from {tier}, " if options else ""
            return (
                f"floor_{tier}: floor {floor:,.0f} for {tier} in {problem.label} needs a target "
                f"of at least {lowest_target:,.0f}, above what any segment will pay "
                f"({best:,.0f}): lower min_margin ({terms.min_margin:g}) or max_discount "
                f"({terms.max_discount:g}), {hint}or stop requiring {tier} to be offered"
            )
    for family, advice in (
        ("ladder", f"lower price_step ({terms.price_step:g})"),
        (
            "floor",
            f"lower min_margin ({terms.min_margin:g}) or max_discount ({terms.max_discount:g})",
        ),
        ("self_selection", "offer fewer tiers: segments cannot be kept apart"),
    ):
        relaxed = build_model(problem, relax=frozenset({family}))
        status, _ = _run(relaxed, solver, 20.0, 0.0)
        if status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            offered = ", ".join(sorted(problem.must_offer))
            return (
                f"{family}: the {family.replace('_', '-')} constraints of {problem.label} "
                f"cannot hold while {offered} must be offered: {advice}, or stop requiring "
                f"every tier"
            )
    return (
        f"must_offer: {problem.label} cannot sell every required tier "
        f"({', '.join(sorted(problem.must_offer))}) at once: require fewer tiers"
    )


def given_tiers_problem(
    label: str,
    tiers: Sequence[tuple[str, float, float]],
    segments: Sequence[tuple[str, float, Mapping[str, float]]],
    terms: Terms,
    must_offer: frozenset[str] = frozenset(),
) -> TierProblem:
    """The generic engine: tiers given as (name, unit cost, fixed cost); segments as (name, size,
    reservation price per tier). A tier is then an option of its own, held by that tier only."""
    names = tuple(name for name, _, _ in tiers)
    for segment, _, prices in segments:
        unknown = set(prices) - set(names)
        if unknown:
            raise InputError(
                f"segment {segment!r}: reservation price for unknown tier(s) {sorted(unknown)}",
                field="reservation_prices",
                value=sorted(unknown),
            )
    return TierProblem(
        label=label,
        tiers=names,
        options=tuple(Option(name, unit, fixed) for name, unit, fixed in tiers),
        buyers=tuple(
            Buyer(segment, size, 0.0, {n: float(prices.get(n, 0.0)) for n in names})
            for segment, size, prices in segments
        ),
        terms=terms,
        fixed_tiers={name: frozenset({name}) for name in names},
        must_offer=must_offer,
    )


def write_mps(problem: TierProblem, path: Path) -> Path:
    """Write the market's MILP as an MPS file, for auditing or re-solving elsewhere."""
    model = build_model(problem)
    # OBJSENSE makes the file say "maximise" in a way every solver reads (not just a comment).
    model.problem.writeMPS(str(path), with_objsense=True)
    return path
