"""The portfolio plan: tier menus for every market, from market data to quotable prices.

For each market: its desks and the load each sold account adds (:mod:`pricing.costing.workload`),
the segments and what they value (:mod:`pricing.segments`), the tier MILP with the exact step cost
of staffing (:mod:`pricing.tiers`), list and floor around each target
(:mod:`pricing.tiers.negotiation`) and the prices in local currency (:mod:`pricing.fx`). Every
market is on desks of its own, so markets are solved separately, two at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pricing.catalog import chosen_codes
from pricing.costing.workload import Workload, build_workload
from pricing.errors import InputError
from pricing.fx import DEFAULT_BOOK, Rate, RateBook
from pricing.models import CostParameters, Market
from pricing.pricepoints import LocalPrices, local_price_points
from pricing.segments import TIER_OPTIONS, Segment, SegmentRow, load_segments, market_segments
from pricing.tiers.accounts import total_cost
from pricing.tiers.negotiation import Quote, quote
from pricing.tiers.problem import Buyer, Option, Solution, SolverName, Terms, TierProblem
from pricing.tiers.solve import solve, write_mps

TIER_NAMES: dict[int, tuple[str, ...]] = {
    1: ("Standard",),
    2: ("Basic", "Premium"),
    3: ("Basic", "Standard", "Premium"),
    4: ("Basic", "Standard", "Premium", "Enterprise"),
    5: ("Essential", "Basic", "Standard", "Premium", "Enterprise"),
}


@dataclass(frozen=True)
class PlanSettings:
    """What finance chooses: how many tiers, the margin kept at the floor, the ladder, solver.

    ``allowed`` and ``required`` map a tier name to the options it may or must hold.
    """

    tiers: int = 3
    min_margin: float = 0.15
    price_step: float = 0.0
    solver: SolverName = "cbc"
    time_limit_seconds: float = 20.0
    allowed: Mapping[str, frozenset[str]] | None = None
    required: Mapping[str, frozenset[str]] | None = None
    workers: int = 2
    rates: RateBook = DEFAULT_BOOK

    def __post_init__(self) -> None:
        if self.tiers not in TIER_NAMES:
            raise InputError(
                f"tiers must be 1 to 5, got {self.tiers!r}", field="tiers", value=self.tiers
            )
        for rule in ("allowed", "required"):
            unknown = sorted(set(getattr(self, rule) or {}) - set(TIER_NAMES[self.tiers]))
            if unknown:
                raise InputError(
                    f"{rule}: tier(s) {', '.join(unknown)} are not among the {self.tiers} "
                    f"tier(s) planned ({', '.join(TIER_NAMES[self.tiers])})",
                    field=rule,
                    value=unknown,
                )
        if not 1 <= self.workers <= 16:
            raise InputError(
                f"workers must be 1 to 16, got {self.workers!r}",
                field="workers",
                value=self.workers,
            )

    @property
    def tier_names(self) -> tuple[str, ...]:
        return TIER_NAMES[self.tiers]


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


def _market_options(market: Market, segments: tuple[Segment, ...], settings: PlanSettings) -> tuple:
    """The options a market's tiers can hold: those some segment values, and those a rule
    requires (a required option stays required even where nobody values it). Multilingual
    support means something only where the market has several support languages; required in
    a one-language market it costs nothing and promises the one language."""
    required = {o for chosen in (settings.required or {}).values() for o in chosen}
    valued = {
        name
        for name in TIER_OPTIONS
        if any(s.option_values_usd[name] > 0 for s in segments)
        and not (name == "multilingual" and len(market.support_languages) < 2)
    }
    return tuple(o for o in TIER_OPTIONS if o in valued or o in required)


def market_problem(
    market: Market,
    workload: Workload,
    segments: tuple[Segment, ...],
    settings: PlanSettings,
) -> TierProblem:
    """The tier MILP of one market, on the exact step cost of its desks."""
    kept = set(workload.options)
    options = tuple(
        Option(name, 0.0, sum(workload.fixed_usd.get(name, {}).values()))
        for name in workload.options
    )
    buyers = tuple(
        Buyer(
            s.name,
            s.accounts,
            s.base_value_usd,
            {o: v for o, v in s.option_values_usd.items() if o in kept},
        )
        for s in segments
    )

    def restrict(mapping: Mapping[str, frozenset[str]] | None) -> dict | None:
        if mapping is None:
            return None
        return {t: frozenset(mapping.get(t, frozenset())) & kept for t in settings.tier_names}

    allowed = restrict(settings.allowed)
    if settings.allowed is not None and allowed is not None:
        # A tier the caller did not mention keeps every option.
        allowed = {
            t: (allowed[t] if t in settings.allowed else frozenset(kept))
            for t in settings.tier_names
        }
    return TierProblem(
        label=market.code,
        tiers=settings.tier_names,
        options=options,
        buyers=buyers,
        terms=Terms(
            min_margin=settings.min_margin,
            expected_discount=market.expected_discount,
            max_discount=market.max_discount,
            price_step=settings.price_step,
        ),
        allowed=allowed,
        required=restrict(settings.required),
        workload=workload,
    )


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
    segments = market_segments(market, segment_rows)
    options = _market_options(market, segments, settings)
    workload = build_workload(market, markets, params, options=options)
    problem = market_problem(market, workload, segments, settings)
    solution = solve(
        problem, solver=settings.solver, time_limit_seconds=settings.time_limit_seconds
    )
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
    return MarketPlan(
        market, problem, solution, tuple(priced), option_costs(problem), segments, used, buffer
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
                "explanations": list(solution.explanations),
                "message": solution.message,
            }
        )
    return {"markets": markets}


def export_models(plans: Iterable[MarketPlan], folder: Path) -> list[Path]:
    """Each market's MILP as ``tiers_<CODE>.mps``, to audit or re-solve in another solver."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_mps(plan.problem, folder / f"tiers_{plan.market.code}.mps") for plan in plans]
