"""The tier problem and its answer: what the optimiser is asked and what it returns.

A market's problem is its tiers (names, in order), the options a tier can hold, the segments
(accounts and what each option is worth to them), the negotiation terms and the user's rules.
Its cost is either linear (the generic engine: a unit and a fixed cost per option) or the exact
step cost of the market's desks (:class:`pricing.costing.workload.Workload`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pricing.errors import InputError
from pricing.inputs.limits import check

if TYPE_CHECKING:
    from pricing.costing.workload import Workload

SolverName = Literal["cbc", "highs"]
SOLVERS: tuple[str, ...] = ("cbc", "highs")


@dataclass(frozen=True)
class Terms:
    """Negotiation and margin terms of a market (fractions)."""

    min_margin: float = 0.0
    expected_discount: float = 0.0
    max_discount: float = 0.0
    price_step: float = 0.0
    # The most a tier's price may rise over the one below (a fraction; 0: no bound).
    max_price_step: float = 0.0
    # The floor policy by tier: every sold tier's floor covers its own fully loaded cost plus
    # the margin, not only the market's floors its whole cost (pricing.tiers.floors).
    tier_floors: bool = False

    def __post_init__(self) -> None:
        names = ("min_margin", "expected_discount", "max_discount", "price_step", "max_price_step")
        for name in names:
            value = getattr(self, name)
            try:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"{value!r} is not a number")
                check(name, value)
            except ValueError as exc:
                raise InputError(f"{name}: {exc}", field=name, value=value) from None
        if self.max_discount < self.expected_discount:
            raise InputError(
                f"max_discount {self.max_discount:g} is below expected_discount "
                f"{self.expected_discount:g}",
                field="max_discount",
                value=self.max_discount,
            )
        if 0 < self.max_price_step < self.price_step:
            raise InputError(
                f"max_price_step {self.max_price_step:g} is below price_step {self.price_step:g}",
                field="max_price_step",
                value=self.max_price_step,
            )

    @property
    def floor_ratio(self) -> float:
        """Floor over target: F / T = (1 - D) / (1 - d)."""
        return (1.0 - self.max_discount) / (1.0 - self.expected_discount)


def _check_costs(problem: TierProblem) -> None:
    """Costs are finite and never negative: a negative cost would be counted as income."""
    costs = {"base_unit_cost": problem.base_unit_cost, "base_fixed_cost": problem.base_fixed_cost}
    for option in problem.options:
        costs[f"{option.name}.unit_cost"] = option.unit_cost
        costs[f"{option.name}.fixed_cost"] = option.fixed_cost
    for name, value in costs.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise InputError(
                f"{problem.label}: {name} must be a finite cost >= 0, got {value!r}",
                field=name,
                value=value,
            )


@dataclass(frozen=True)
class Option:
    name: str
    unit_cost: float
    fixed_cost: float = 0.0


@dataclass(frozen=True)
class Buyer:
    """A segment as the optimiser sees it: its size and its values; ``contract_value`` is what
    one of its accounts pays for the product the support is for (USD a year; 0 when unknown),
    which a tier's share rules are set against."""

    name: str
    size: float
    base_value: float
    values: Mapping[str, float]
    contract_value: float = 0.0


@dataclass(frozen=True)
class TierProblem:
    """One market's tier-design problem.

    ``fixed_tiers`` maps a tier to its options when tiers are given rather than designed; then
    nesting, distinctness and filling from the bottom are not imposed. ``workload``, when given,
    is the market's exact step cost (its options must be the problem's); the options' unit
    costs are then zero and their fixed costs those of the sites they open.
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
    # A tier's price as a share of each buyer's contract value: at least min_share[t], at most
    # max_share[t] (fractions).
    min_share: Mapping[str, float] = field(default_factory=dict)
    max_share: Mapping[str, float] = field(default_factory=dict)
    workload: Workload | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        _check_tiers(self)
        _check_segment_names(self)
        _check_costs(self)
        _check_segments(self)
        _check_rules(self)
        _check_rules_agree(self)
        _check_workload(self)

    @property
    def designed(self) -> bool:
        return self.fixed_tiers is None

    def reservation(self, buyer: Buyer, options: frozenset[str] | tuple[str, ...]) -> float:
        return buyer.base_value + sum(buyer.values.get(o, 0.0) for o in options)

    def unit_cost(self, options: frozenset[str] | tuple[str, ...]) -> float:
        costs = {o.name: o.unit_cost for o in self.options}
        return self.base_unit_cost + sum(costs[o] for o in options)


def _check_tiers(problem: TierProblem) -> None:
    tiers = problem.tiers
    if not 1 <= len(tiers) <= 10 or len(set(tiers)) != len(tiers):
        raise InputError(
            f"{problem.label}: give 1 to 10 distinct tier names, got {tiers}",
            field="tiers",
            value=tiers,
        )


def _check_segment_names(problem: TierProblem) -> None:
    if not problem.buyers:
        raise InputError(f"{problem.label}: no segments to sell to", field="segments")
    names = [b.name for b in problem.buyers]
    if len(set(names)) != len(names):
        raise InputError(f"{problem.label}: segment names repeat: {names}", field="segments")


def _check_segments(problem: TierProblem) -> None:
    """Every segment has accounts (>= 0) and finite values of the problem's options only."""
    option_names = {o.name for o in problem.options}
    for buyer in problem.buyers:
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


def _check_rules(problem: TierProblem) -> None:
    """The user's rules name the problem's tiers and options only."""
    option_names = {o.name for o in problem.options}
    for mapping_name in ("allowed", "required", "fixed_tiers"):
        mapping = getattr(problem, mapping_name) or {}
        for tier, chosen in mapping.items():
            if tier not in problem.tiers:
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
    for name in ("min_share", "max_share"):
        unknown = sorted(set(getattr(problem, name)) - set(problem.tiers))
        if unknown:
            raise InputError(f"{name}: unknown tier(s) {unknown}", field=name, value=unknown)
    if problem.min_share or problem.max_share:
        unpriced = [b.name for b in problem.buyers if not b.contract_value > 0]
        if unpriced:
            raise InputError(
                f"{problem.label}: a share of contract value is set, but segment(s) "
                f"{', '.join(unpriced)} have no contract value (contract_value_usd)",
                field="contract_value_usd",
                value=unpriced,
            )
    for tier in problem.tiers:
        low, high = problem.min_share.get(tier, 0.0), problem.max_share.get(tier)
        if high is not None and low > high:
            raise InputError(
                f"{tier}: least share of contract value {low:g} is above the most {high:g}",
                field="min_share",
                value=low,
            )
    unknown_tiers = set(problem.must_offer) - set(problem.tiers)
    if unknown_tiers:
        raise InputError(
            f"must_offer: unknown tier(s) {sorted(unknown_tiers)}",
            field="must_offer",
            value=sorted(unknown_tiers),
        )


def _check_rules_agree(problem: TierProblem) -> None:
    """No option is both required in a tier and not allowed in it."""
    option_names = {o.name for o in problem.options}
    for tier in problem.tiers:
        clash = (problem.required or {}).get(tier, frozenset()) - (
            (problem.allowed or {}).get(tier, option_names)
        )
        if clash:
            raise InputError(
                f"{problem.label}: option(s) {sorted(clash)} both required and not allowed "
                f"in {tier}",
                field="required",
                value=sorted(clash),
            )


def _check_workload(problem: TierProblem) -> None:
    """The workload prices exactly the problem's options."""
    option_names = {o.name for o in problem.options}
    if problem.workload is not None and set(problem.workload.options) != option_names:
        raise InputError(
            f"{problem.label}: the workload prices options {list(problem.workload.options)}, "
            f"the problem has {sorted(option_names)}",
            field="options",
        )


@dataclass(frozen=True)
class SolvedTier:
    """A tier of the answer. Costs are per account per year: ``unit_cost`` fully loaded (the
    tier's share of the market's cost, by workload; times ``accounts`` they add up to the
    market's cost), ``marginal_cost`` what the market saves per account without the tier's
    buyers."""

    name: str
    offered: bool
    options: tuple[str, ...]
    unit_cost: float
    target: float | None
    buyers: tuple[str, ...]
    accounts: float = 0.0
    marginal_cost: float = 0.0
    # What its buyers' accounts pay for the product, together (USD a year; 0 when unknown).
    contract_value: float = 0.0


@dataclass(frozen=True)
class Solution:
    """The optimal tier menu of one market and why it is what it is."""

    label: str
    status: Literal["optimal", "time_limit"]
    profit: float
    revenue: float
    cost: float
    floor_revenue: float
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
