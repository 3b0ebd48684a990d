"""One market's tier problem: the MILP the rules finance sets (:mod:`pricing.settings`) make.

:class:`MarketSolves` builds a market's problem from its segments and the exact step cost of its
desks and solves it, under the request's rules or others; the plan (:mod:`pricing.plan`) prices
what it sells, and the rules report (:mod:`pricing.rules`) and the alternatives
(:mod:`pricing.counterfactuals`) solve it again to say what a rule costs or a change earns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from pricing.costing.workload import Workload, build_workload
from pricing.errors import InputError
from pricing.inputs.segments import TIER_OPTIONS, Segment, market_segments
from pricing.models import CostParameters, Market
from pricing.request import PlanRequest
from pricing.settings import PlanSettings
from pricing.tiers.problem import Buyer, Option, Solution, Terms, TierProblem
from pricing.tiers.solve import solve


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


def delivery_of(market: Market, settings: PlanSettings) -> str | None:
    """The delivery model ``settings`` fix for ``market`` (its own, or every market's)."""
    return settings.delivery.get(market.code, settings.delivery.get("*"))


def at_bot_value(segments: tuple[Segment, ...], share: float) -> tuple[Segment, ...]:
    """The segments valuing 24/7 support at ``share`` of live 24/7: its nights answered by a
    bot and an agent on call (delivery model ``bot_nights``)."""
    return tuple(
        dataclasses.replace(
            s,
            option_values_usd={
                o: v * share if o == "coverage_24x7" else v for o, v in s.option_values_usd.items()
            },
        )
        for s in segments
    )


def local_rules(market: Market, settings: PlanSettings) -> PlanSettings:
    """``settings`` as they hold for ``market``: served from a local office (its delivery model
    ``local``, for a market whose hub is elsewhere), every tier must hold the local office."""
    if delivery_of(market, settings) != "local" or market.remote_hub == market.code:
        return settings
    for tier, options in (settings.allowed or {}).items():
        if "local_office" not in options:
            raise InputError(
                f"delivery of {market.code} is local: every tier holds the local office, but "
                f"the options allowed in {tier} leave it out",
                field="delivery",
                value="local",
            )
    required = dict(settings.required or {})
    for tier in settings.tier_names:
        required[tier] = frozenset(required.get(tier, frozenset())) | {"local_office"}
    return dataclasses.replace(settings, required=required)


def market_problem(
    market: Market,
    workload: Workload,
    segments: tuple[Segment, ...],
    settings: PlanSettings,
) -> TierProblem:
    """The tier MILP of one market, on the exact step cost of its desks."""
    kept = set(workload.options)
    options = tuple(
        Option(
            name,
            sum(workload.per_account_usd.get(name, {}).values()),
            sum(workload.fixed_usd.get(name, {}).values()),
        )
        for name in workload.options
    )
    buyers = tuple(
        Buyer(
            s.name,
            s.accounts,
            s.base_value_usd,
            {o: v for o, v in s.option_values_usd.items() if o in kept},
            s.contract_value_usd,
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
            max_price_step=settings.max_price_step,
            tier_floors=settings.floor_policy == "tier",
        ),
        allowed=allowed,
        required=restrict(settings.required),
        must_offer=frozenset(settings.must_offer),
        min_share=dict(settings.min_share),
        max_share=dict(settings.max_share),
        workload=workload,
    )


def solve_in(
    request: PlanRequest, code: str, settings: PlanSettings | None = None
) -> tuple[TierProblem, Solution]:
    """Market ``code`` of ``request`` solved under its rules, or under ``settings`` (the same
    market without one rule, or with an alternative)."""
    return MarketSolves(request, code).solve(settings)


def _key(settings: PlanSettings) -> tuple:
    """What makes two rule sets the same MILP (their mappings as sorted items)."""

    def items(mapping: Mapping[str, frozenset[str]] | None) -> tuple | None:
        if mapping is None:
            return None
        return tuple(sorted((tier, tuple(sorted(options))) for tier, options in mapping.items()))

    return (
        settings.tiers,
        settings.min_margin,
        settings.price_step,
        settings.solver,
        settings.time_limit_seconds,
        items(settings.allowed),
        items(settings.required),
        tuple(sorted(settings.must_offer)),
        tuple(sorted(settings.min_share.items())),
        tuple(sorted(settings.max_share.items())),
        settings.max_price_step,
        settings.floor_policy,
        tuple(sorted(settings.delivery.items())),
    )


class MarketSolves:
    """One market of a request solved under several rule sets (its rules, each without one rule,
    each alternative), sharing what they can: the step cost of its desks for each set of options,
    and each rule set solved once. ``solved`` lists the rule sets the solver ran on, in order;
    :meth:`settle` records a rule set's answer proven without solving it."""

    def __init__(self, request: PlanRequest, code: str) -> None:
        self.request = request
        self.market = request.catalogue.by_code[code]
        self.segments = market_segments(self.market, request.segment_rows)
        self.solved: list[PlanSettings] = []
        self._workloads: dict[tuple[tuple[str, ...], bool], Workload] = {}
        self._answers: dict[tuple, Solution] = {}

    def problem(self, settings: PlanSettings) -> TierProblem:
        """The market's MILP under ``settings``: served from a local office every tier holds it
        (:func:`local_rules`); with bot nights, a 24/7 tier's nights answered by a bot and an
        agent on call, and worth what its buyers think of that (:func:`at_bot_value`)."""
        settings = local_rules(self.market, settings)
        bot = delivery_of(self.market, settings) == "bot_nights"
        segments = self.segments
        if bot:
            params = self.request.params or CostParameters()
            segments = at_bot_value(segments, params.bot_night_value_share)
        options = _market_options(self.market, segments, settings)
        if (options, bot) not in self._workloads:
            catalog = self.request.catalogue.by_code
            self._workloads[options, bot] = build_workload(
                self.market, catalog, self.request.params, options=options, bot_nights=bot
            )
        return market_problem(self.market, self._workloads[options, bot], segments, settings)

    def solve(self, settings: PlanSettings | None = None) -> tuple[TierProblem, Solution]:
        """The market solved under ``settings`` (the request's rules by default)."""
        settings = settings if settings is not None else self.request.settings
        problem = self.problem(settings)
        solution = solve(
            problem, solver=settings.solver, time_limit_seconds=settings.time_limit_seconds
        )
        self.solved.append(settings)
        self._answers[_key(settings)] = solution
        return problem, solution

    def __call__(self, settings: PlanSettings) -> Solution:
        """The optimum under ``settings``: solved, or known from an earlier solve or proof."""
        known = self._answers.get(_key(settings))
        return known if known is not None else self.solve(settings)[1]

    def settle(self, settings: PlanSettings, solution: Solution) -> None:
        """Record that ``solution`` is optimal under ``settings`` (proven by its caller)."""
        self._answers.setdefault(_key(settings), solution)
