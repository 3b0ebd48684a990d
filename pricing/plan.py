"""The portfolio plan: tier menus for every market, from market data to quotable prices.

For each market: its desks and the load each sold account adds (:mod:`pricing.costing.workload`),
the segments and what they value (:mod:`pricing.inputs.segments`), the tier MILP with the exact
step cost of staffing (:mod:`pricing.tiers`), list and floor around each target
(:mod:`pricing.tiers.negotiation`) and the prices in local currency (:mod:`pricing.money.fx`).
The portfolio is decided first (:mod:`pricing.delivery.decision`: each market's delivery model);
a market on desks of its own is then planned by itself, one on a shared desk or with a
distributor read from its community's answer, two at a time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pricing.costing.workload import Workload
from pricing.counterfactuals import Counterfactual, counterfactuals
from pricing.delivery.decision import MarketDecision, PortfolioDecision, decide
from pricing.delivery.delivered import delivered_solution, unsold_solution
from pricing.delivery.held_rules import held_counterfactuals, held_rule_effects
from pricing.delivery.shared import OWN_DESKS, Delivery
from pricing.delivery.verdicts import Verdict, verdicts
from pricing.inputs.segments import Segment, market_segments
from pricing.market_model import MarketSolves
from pricing.models import Market
from pricing.money.fx import Rate
from pricing.money.pricepoints import local_price_points
from pricing.priced_tier import PricedTier, coverage_of
from pricing.request import PlanRequest
from pricing.rules import RuleEffect, budget_rate_effect, rule_effects
from pricing.settings import PlanSettings
from pricing.tiers.accounts import total_cost
from pricing.tiers.explain import explain_prices
from pricing.tiers.negotiation import quote
from pricing.tiers.problem import Solution, TierProblem
from pricing.tiers.solve import write_mps


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
    reason_solves: tuple[PlanSettings, ...] = ()  # the rule sets solved for the reasons
    delivery: MarketDecision | None = None  # how the portfolio serves it (pricing.delivery)
    verdict: Verdict | None = None

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


@dataclass(frozen=True)
class Plan:
    """A plan as a value: its request (what it was made from), each market's plan, in the
    request's order, and when it was made (UTC)."""

    request: PlanRequest
    markets: tuple[MarketPlan, ...]
    made: datetime
    decision: PortfolioDecision | None = None

    @property
    def settings(self) -> PlanSettings:
        return self.request.settings

    def market(self, code: str) -> MarketPlan:
        """The plan of market ``code`` (KeyError when it was not planned)."""
        for plan in self.markets:
            if plan.market.code == code:
                return plan
        raise KeyError(code)


def plan_market(request: PlanRequest, code: str) -> MarketPlan:
    """Cost, optimise and quote one market of ``request``."""
    market = request.catalogue.by_code[code]
    solves = MarketSolves(request, code)
    problem, solution = solves.solve()
    workload = problem.workload
    assert workload is not None
    used = request.rates.rate("USD", market.currency)
    buffer, _ = request.rates.buffer(market.currency)
    priced = tuple(_priced(market, workload, tier, used, buffer) for tier in _sold(solution))
    rules, alternatives = (), ()
    if request.reasons:
        rules = rule_effects(solves, solution)
        alternatives = counterfactuals(solves, problem, solution)
    budget = budget_rate_effect(request.rates, priced, market.currency, buffer, solution.profit)
    return MarketPlan(
        market,
        problem,
        solution,
        priced,
        option_costs(problem),
        solves.segments,
        used,
        buffer,
        (*rules, budget) if budget is not None else rules,
        alternatives,
        tuple(solves.solved[1:]),
    )


def _sold(solution: Solution) -> list:
    return [t for t in solution.tiers if t.offered and t.target is not None]


def _priced(market: Market, workload: Workload, tier, used: Rate, buffer: float) -> PricedTier:
    """A sold tier of the solution, quoted: list, target and floor in USD and local currency."""
    offer = quote(
        tier.target,
        market.expected_discount,
        market.max_discount,
        senior_signoff=market.senior_signoff_expected,
    )
    fast = "priority_response" in tier.options
    mix = workload.mix
    return PricedTier(
        name=tier.name,
        options=tier.options,
        answer_within_seconds=mix.live_priority_seconds if fast else mix.live_seconds,
        ticket_response_seconds=(mix.async_priority_seconds if fast else mix.async_seconds),
        coverage=coverage_of(workload, tier.options),
        unit_cost_usd=tier.unit_cost,
        marginal_cost_usd=tier.marginal_cost,
        quote_usd=offer,
        local=local_price_points(offer.list_price, offer.target, offer.floor, used, buffer),
        buyers=tier.buyers,
        accounts=tier.accounts,
        contract_value_usd=tier.contract_value / tier.accounts if tier.accounts else 0.0,
    )


def make_plan(
    request: PlanRequest,
    *,
    made: datetime | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    plan_one: Callable[[PlanRequest, str], MarketPlan] = plan_market,
    workers: int | None = None,
    decide_with: Callable[[PlanRequest], Decided] | None = None,
) -> Plan:
    """The plan of ``request``: the portfolio decided (:func:`pricing.delivery.decision.decide`:
    every market's delivery model, with the markets it can share a desk with), then every market
    it names planned, ``workers`` at a time (the rules' ``workers`` by default; the solvers run
    outside the interpreter lock, CBC in its own process, so threads overlap). A market on
    desks of its own is planned by ``plan_one`` (the app passes its cached :func:`plan_market`),
    one on a shared desk or with a distributor read from the portfolio's answer.
    ``progress`` is told (done, of, code) as each market is planned; ``made`` defaults to now
    (UTC); ``decide_with`` decides the portfolio and says each market's verdict (default
    :func:`decided`; the app passes a cached one)."""
    codes = request.codes
    made = made or datetime.now(UTC).replace(microsecond=0)
    workers = workers or request.settings.workers
    decision, said = (decide_with or decided)(request)

    def one(code: str) -> MarketPlan:
        chosen = decision.markets[code]
        found = None
        if _own_desks(decision, code):
            found = plan_one(_as_served(request, code, chosen), code)
        if found is None:
            found = delivered_plan(request, code, decision)
        return dataclasses.replace(found, delivery=chosen, verdict=said.get(code))

    if workers == 1 or len(codes) < 2:
        return Plan(request, _collect(codes, map(one, codes), progress), made, decision)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return Plan(request, _collect(codes, pool.map(one, codes), progress), made, decision)


Decided = tuple[PortfolioDecision, Mapping[str, Verdict]]


def decided(request: PlanRequest) -> Decided:
    """The portfolio of ``request`` decided, and each market's verdict (when it asks for
    reasons)."""
    decision = decide(request, request.settings.delivery)
    return decision, (verdicts(request, decision) if request.reasons else {})


def _as_served(request: PlanRequest, code: str, chosen: MarketDecision) -> PlanRequest:
    """``request`` with the market held to the model chosen for it where that model changes its
    own problem (bot nights, chosen freely: a constant of the portfolio's MILP)."""
    if chosen.delivery != Delivery.BOT:
        return request
    delivery = {**request.settings.delivery, code: chosen.delivery}
    return request.replace(settings=dataclasses.replace(request.settings, delivery=delivery))


def _own_desks(decision: PortfolioDecision, code: str) -> bool:
    """Whether the market is planned on desks of its own: served so, or not sold with its own
    desks allowed (its plan then says why, as any market's)."""
    chosen = decision.markets[code].delivery
    if chosen is not None:
        return chosen in OWN_DESKS
    return decision.forced.get(code, Delivery.HUB) in OWN_DESKS


def delivered_plan(request: PlanRequest, code: str, decision: PortfolioDecision) -> MarketPlan:
    """A market served on a shared desk or through a distributor (or not sold, its own desks
    ruled out), read from the solved portfolio (:mod:`pricing.delivery.delivered`)."""
    market = request.catalogue.by_code[code]
    chosen, answer = decision.markets[code], decision.answers[code]
    solver = request.settings.solver
    if chosen.delivery is None:
        problem = answer.portfolio.markets[code].problem
        solution = unsold_solution(problem, solver)
    else:
        problem, solution = delivered_solution(answer, chosen, solver)
        solution = dataclasses.replace(solution, explanations=explain_prices(problem, solution))
    workload = problem.workload
    assert workload is not None
    used = request.rates.rate("USD", market.currency)
    buffer, _ = request.rates.buffer(market.currency)
    priced = tuple(_priced(market, workload, tier, used, buffer) for tier in _sold(solution))
    segments = market_segments(market, request.segment_rows)
    rules, alternatives = (), ()  # what each rule and each alternative does there
    if request.reasons and chosen.delivery is not None:
        rules = held_rule_effects(request, decision, code)
        alternatives = held_counterfactuals(request, decision, code, problem, solution)
    budget = budget_rate_effect(request.rates, priced, market.currency, buffer, solution.profit)
    return MarketPlan(
        market,
        problem,
        solution,
        priced,
        option_costs(problem),
        segments,
        used,
        buffer,
        (*rules, budget) if budget is not None else rules,
        alternatives,
    )


def _collect(
    codes: tuple[str, ...],
    plans: Iterable[MarketPlan],
    progress: Callable[[int, int, str], None] | None,
) -> tuple[MarketPlan, ...]:
    done = []
    for code, plan in zip(codes, plans, strict=True):
        done.append(plan)
        if progress is not None:
            progress(len(done), len(codes), code)
    return tuple(done)


def export_models(plan: Plan, folder: Path, *, reasons: bool = False) -> list[Path]:
    """Each market's MILP as ``tiers_<CODE>.mps``, or for markets sharing a desk their
    community's as ``portfolio_<CODE>-<CODE>....mps``, with each of its markets solved by itself
    with bot nights (the constant the community weighs) as ``alternative_<CODE>_bot_nights.mps``,
    to audit or re-solve in another solver; with ``reasons``, also every MILP solved for a
    market's reasons (each rule removed, each alternative) as ``reasons/tiers_<CODE>_<n>.mps``,
    in the order they were solved."""
    folder.mkdir(parents=True, exist_ok=True)
    paths, written = [], set()
    for p in plan.markets:
        code = p.market.code
        if p.delivery is None or p.delivery.desk is None:
            paths.append(write_mps(p.problem, folder / f"tiers_{code}.mps"))
            continue
        answer = plan.decision.answers[code] if plan.decision else None
        if answer is not None and id(answer.portfolio) not in written:
            written.add(id(answer.portfolio))
            name = "-".join(answer.portfolio.markets)
            paths.append(answer.portfolio.write_mps(folder / f"portfolio_{name}.mps"))
            for other, alone in answer.alone.items():
                path = folder / f"alternative_{other}_bot_nights.mps"
                paths.append(alone.portfolio.write_mps(path))
    if reasons:
        (folder / "reasons").mkdir(exist_ok=True)
        for market_plan in plan.markets:
            code = market_plan.market.code
            solves = MarketSolves(plan.request, code)
            for n, settings in enumerate(market_plan.reason_solves, start=1):
                path = folder / "reasons" / f"tiers_{code}_{n}.mps"
                paths.append(write_mps(solves.problem(settings), path))
    return paths
