"""The portfolio plan: tier menus for every market, from market data to quotable prices.

For each market: its desks and the load each sold account adds (:mod:`pricing.costing.workload`),
the segments and what they value (:mod:`pricing.inputs.segments`), the tier MILP with the exact
step cost of staffing (:mod:`pricing.tiers`), list and floor around each target
(:mod:`pricing.tiers.negotiation`) and the prices in local currency (:mod:`pricing.money.fx`).
Every market is on desks of its own, so markets are solved separately, two at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pricing.costing.workload import Workload
from pricing.counterfactuals import Counterfactual, counterfactuals
from pricing.inputs.catalog import chosen_codes
from pricing.inputs.segments import Segment, SegmentRow, load_segments, market_segments
from pricing.market_model import PlanSettings, solve_market
from pricing.models import CostParameters, Market
from pricing.money.fx import Rate
from pricing.money.pricepoints import LocalPrices, local_price_points
from pricing.rules import RuleEffect, budget_rate_effect, rule_effects
from pricing.tiers.accounts import total_cost
from pricing.tiers.negotiation import Quote, quote
from pricing.tiers.problem import Solution, TierProblem
from pricing.tiers.solve import write_mps


@dataclass(frozen=True)
class PricedTier:
    """A tier as sales quote it: contents, promises, costs, and prices in USD and local currency.

    Costs are USD per account per year: ``unit_cost_usd`` fully loaded (the tier's share of the
    market's cost by workload), ``marginal_cost_usd`` what the market saves per account without
    the tier's buyers.
    """

    name: str
    options: tuple[str, ...]
    answer_within_seconds: float  # live contacts (phone, chat), 80 % within
    ticket_response_seconds: float  # messages, e-mail and portal tickets, 80 % within
    coverage: str
    unit_cost_usd: float
    marginal_cost_usd: float
    quote_usd: Quote
    local: LocalPrices
    buyers: tuple[str, ...]
    accounts: float

    @property
    def target_local(self) -> float:
        return self.local.target

    @property
    def list_local(self) -> float:
        return self.local.list_price

    @property
    def floor_local(self) -> float:
        return self.local.floor

    @property
    def margin_at_target(self) -> float:
        target = self.quote_usd.target
        return (target - self.unit_cost_usd) / target if target else 0.0

    @property
    def margin_at_floor(self) -> float:
        floor = self.quote_usd.floor
        return (floor - self.unit_cost_usd) / floor if floor else 0.0


@dataclass(frozen=True)
class OptionCost:
    """What an option adds to the market's annual cost when every account takes it."""

    option: str
    annual_usd: float
    per_account_usd: float
    delivered_by: str


@dataclass(frozen=True)
class MarketPlan:
    market: Market
    problem: TierProblem
    solution: Solution
    tiers: tuple[PricedTier, ...]
    option_costs: Mapping[str, OptionCost]
    segments: tuple[Segment, ...]
    rate: Rate
    buffer: float = 0.0
    rules: tuple[RuleEffect, ...] = ()  # what each rule does here (pricing.rules)
    counterfactuals: tuple[Counterfactual, ...] = ()  # alternatives, solved

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the plan is what it is: the binding constraints, each alternative solved, and
        each rule that leaves a tier unsold."""
        return (
            *self.solution.explanations,
            *(c.sentence(self.profit_usd) for c in self.counterfactuals),
            *(e.sentence for e in self.rules if e.status == "tier_unsold"),
        )

    @property
    def workload(self) -> Workload:
        assert self.problem.workload is not None
        return self.problem.workload

    @property
    def profit_usd(self) -> float:
        return self.solution.profit

    @property
    def cost_usd(self) -> float:
        return self.solution.cost

    @property
    def working_days(self) -> list[str]:
        return self.workload.week.working_day_names


def option_costs(problem: TierProblem) -> dict[str, OptionCost]:
    """Bare support for every account, and what each option adds when every account takes it."""
    everyone = {b.name: frozenset() for b in problem.buyers}
    accounts = sum(b.size for b in problem.buyers)
    bare = total_cost(problem, everyone)
    result = {"baseline": OptionCost("baseline", bare, bare / accounts if accounts else 0.0, "")}
    for option in problem.options:
        extra = total_cost(problem, {b: frozenset({option.name}) for b in everyone}) - bare
        result[option.name] = OptionCost(
            option.name, extra, extra / accounts if accounts else 0.0, _delivery(option.name)
        )
    return result


def _delivery(option: str) -> str:
    return {
        "priority_response": "a priority class on the same desk, answered first",
        "coverage_24x7": "the hub desk kept open around the clock, each night slot staffed "
        "where it costs least (night shift or follow-the-sun)",
        "multilingual": "a desk per other support language at the hub, business hours",
        "local_office": "a team in the market, business hours",
    }.get(option, "")


def plan_market(
    market: Market,
    markets: Mapping[str, Market],
    segment_rows: tuple[SegmentRow, ...],
    settings: PlanSettings | None = None,
    params: CostParameters | None = None,
) -> MarketPlan:
    """Cost, optimise and quote one market."""
    settings = settings or PlanSettings()
    problem, solution = solve_market(market, markets, segment_rows, settings, params)
    workload = problem.workload
    assert workload is not None
    segments = market_segments(market, segment_rows)
    used = settings.rates.rate("USD", market.currency)
    buffer, _ = settings.rates.buffer(market.currency)
    mix = workload.mix
    priced = []
    for tier in solution.tiers:
        if not tier.offered or tier.target is None:
            continue
        offer = quote(
            tier.target,
            market.expected_discount,
            market.max_discount,
            senior_signoff=market.senior_signoff_expected,
        )
        fast = "priority_response" in tier.options
        priced.append(
            PricedTier(
                name=tier.name,
                options=tier.options,
                answer_within_seconds=mix.live_priority_seconds if fast else mix.live_seconds,
                ticket_response_seconds=(mix.async_priority_seconds if fast else mix.async_seconds),
                coverage="24/7" if "coverage_24x7" in tier.options else workload.week.label,
                unit_cost_usd=tier.unit_cost,
                marginal_cost_usd=tier.marginal_cost,
                quote_usd=offer,
                local=local_price_points(offer.list_price, offer.target, offer.floor, used, buffer),
                buyers=tier.buyers,
                accounts=tier.accounts,
            )
        )
    rules = rule_effects(market, markets, segment_rows, settings, solution, params)
    budget = budget_rate_effect(settings, priced, market.currency, buffer, solution.profit)
    if budget is not None:
        rules = (*rules, budget)
    alternatives = counterfactuals(
        market, markets, segment_rows, settings, problem, solution, params
    )
    return MarketPlan(
        market,
        problem,
        solution,
        tuple(priced),
        option_costs(problem),
        segments,
        used,
        buffer,
        rules,
        alternatives,
    )


def plan_portfolio(
    markets: Iterable[Market],
    settings: PlanSettings | None = None,
    params: CostParameters | None = None,
    *,
    segment_rows: tuple[SegmentRow, ...] | None = None,
    only: Iterable[str] | None = None,
) -> tuple[MarketPlan, ...]:
    """Plan every market (or ``only`` those codes); markets are solved in parallel."""
    settings = settings or PlanSettings()
    catalog = {m.code: m for m in markets}
    rows = segment_rows if segment_rows is not None else load_segments()
    codes = chosen_codes(catalog, only)

    def one(code: str) -> MarketPlan:
        return plan_market(catalog[code], catalog, rows, settings, params)

    if settings.workers == 1 or len(codes) < 2:
        return tuple(one(code) for code in codes)
    # The solvers run outside the interpreter lock (CBC in its own process), so threads overlap.
    with ThreadPoolExecutor(max_workers=settings.workers) as pool:
        return tuple(pool.map(one, codes))


def plan_payload(plans: Iterable[MarketPlan]) -> dict:
    """The plan as the CLI prints it (docs/cli.md, "plan")."""
    markets = []
    for plan in plans:
        solution = plan.solution
        markets.append(
            {
                "market": plan.market.code,
                "name": plan.market.name,
                "currency": plan.market.currency,
                "cost_usd": round(solution.cost, 2),
                "revenue_usd": round(solution.revenue, 2),
                "profit_usd": round(solution.profit, 2),
                "floor_revenue_usd": round(solution.floor_revenue, 2),
                "working_days": plan.working_days,
                "business_hours": plan.workload.week.label,
                "public_holidays": len(plan.workload.week.holidays),
                "status": solution.status,
                "gap": solution.gap,
                "assignment": dict(solution.assignment),
                "tiers": [
                    {
                        "name": tier.name,
                        "options": list(tier.options),
                        "answer_within_seconds": tier.answer_within_seconds,
                        "ticket_response_seconds": tier.ticket_response_seconds,
                        "coverage": tier.coverage,
                        "accounts": round(tier.accounts, 2),
                        "unit_cost_usd": round(tier.unit_cost_usd, 2),
                        "marginal_cost_usd": round(tier.marginal_cost_usd, 2),
                        "target_usd": round(tier.quote_usd.target, 2),
                        "list_usd": round(tier.quote_usd.list_price, 2),
                        "floor_usd": round(tier.quote_usd.floor, 2),
                        "target_local": tier.target_local,
                        "list_local": tier.list_local,
                        "floor_local": tier.floor_local,
                        "margin_at_floor": round(tier.margin_at_floor, 4),
                        "buyers": list(tier.buyers),
                    }
                    for tier in plan.tiers
                ],
                "rate": {
                    "rate": plan.rate.rate,
                    "as_of": plan.rate.as_of.isoformat(),
                    "source": plan.rate.source,
                    "stale": plan.rate.is_stale(),
                    "buffer": plan.buffer,
                },
                "rules": [effect.as_json() for effect in plan.rules],
                "counterfactuals": [c.as_json() for c in plan.counterfactuals],
                "explanations": list(plan.reasons),
                "message": solution.message,
            }
        )
    return {"markets": markets}


def export_models(plans: Iterable[MarketPlan], folder: Path) -> list[Path]:
    """Each market's MILP as ``tiers_<CODE>.mps``, to audit or re-solve in another solver."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_mps(plan.problem, folder / f"tiers_{plan.market.code}.mps") for plan in plans]
