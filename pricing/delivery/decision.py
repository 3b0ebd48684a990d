"""The portfolio decided: the portfolio MILP (:mod:`pricing.delivery.portfolio`) solved for a
request, and each market's delivery model, site and money read from the answer.

Markets meet only on a shared desk, and each market can join the desks of its hub site in its
first language and in English, so the portfolio falls apart into independent communities: the
markets linked through the desks they can join. Each community is one exact MILP; the
portfolio's gap is what their gaps add up to.

What a market earns on a shared desk is a convention, since the desk's agents serve all its
markets at once. Here each desk's staff cost is shared by the markets sold on it in proportion
to what sharing gains each (separable costs, remaining benefits): a market's gain is what it
earns with the desk free (revenue - own costs) less what it would earn on desks of its own (its
plan with no delivery model but its own desks). So the parts add up to the desk's cost, no
market pays less than nothing for it, and, where the desk's markets gain together at least what
it costs (as an optimum has them, or they would be better off on desks of their own), none earns
less than on desks of its own. Its *marginal* profit is what the portfolio would lose without it,
the other markets' sales unchanged: its revenue less its own costs and what the shared desk would
cost less without its accounts (whole agents per slot, counted as the desk is staffed). A market
sold only with others is one that no delivery model sells by itself.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from pricing.costing.workload import Workload
from pricing.delivery import tier_floors
from pricing.delivery.allocation import allocate, own_desk_start, own_profit
from pricing.delivery.answers import Answer, Held, MarketDecision, PortfolioDecision
from pricing.delivery.background import held_kinds, held_workloads, left_out
from pricing.delivery.infeasible import diagnose, holding
from pricing.delivery.memo import SOLVED, fingerprint
from pricing.delivery.shared import (
    OWN_DESKS,
    VARIANTS,
    Delivery,
    as_served,
    desk_key,
    english_value_loss,
    models_of,
    partner_terms,
    routes,
    shared_desks,
)
from pricing.errors import InfeasibleError
from pricing.market_model import MarketSolves
from pricing.models import CostParameters
from pricing.request import PlanRequest
from pricing.settings import PlanSettings, check_delivery
from pricing.tiers.model import clean
from pricing.tiers.portfolio import Portfolio, build_portfolio
from pricing.tiers.problem import TierProblem


class Communities:
    """The request's markets, their problems and shared desks, and each community solved under
    the request's rules (with ``forced`` delivery models), each set of markets once."""

    def __init__(
        self,
        request: PlanRequest,
        forced: Mapping[str, str] | None = None,
        rules: Mapping[str, PlanSettings] | None = None,
        desks: dict[tuple[str, str], str] | None = None,
    ) -> None:
        """``rules`` plans a market under rules of its own (the request's for the rest): what a
        rule costs one market on a shared desk (:mod:`pricing.delivery.held_rules`); ``desks``
        the desk keys already found for the request's markets (:meth:`desk`)."""
        self.request = request
        self.rules = dict(rules or {})
        self.params = request.params or CostParameters()
        self.markets = request.catalogue.by_code
        # A market's answer depends on its community only, but on all of it: the request's
        # markets are decided with every market of the file they can share a desk with.
        self.codes = list(self.markets)
        check_delivery(dict(forced or {}))
        self.forced = {c: as_served(self.markets[c], kind) for c, kind in (forced or {}).items()}
        self._problems: dict[tuple[str, str | None], TierProblem] = {}
        # What decides every answer (pricing.delivery.memo): the same inputs, the same solves.
        self.fingerprint = fingerprint(
            request.catalogue.markets, request.settings, request.segment_rows, self.params
        )
        self._answers: dict[tuple, Answer] = {}
        self._desks = desks if desks is not None else {}

    def problem(self, code: str, variant: str | None = None) -> TierProblem:
        """Market ``code``'s tier problem under the request's rules (built once); with a
        ``variant`` (:data:`VARIANTS`), as that model serves it: from a local office every
        tier holds, or with bot nights."""
        if (code, variant) not in self._problems:
            solves = MarketSolves(self.request, code)
            rules = self.rules.get(code, self.request.settings)
            # Its delivery model is the decision's (``forced``), not the request's.
            served = {code: variant} if variant else {}
            problem = solves.problem(dataclasses.replace(rules, delivery=served))
            self._problems[code, variant] = problem
        return self._problems[code, variant]

    def workload(self, code: str) -> Workload:
        found = self.problem(code, variant_of(self.forced.get(code))).workload
        assert found is not None
        return found

    def models(self, code: str) -> tuple[str, ...]:
        """The delivery models market ``code`` may use: the one fixed, or every one it has."""
        if code in self.forced:
            return (self.forced[code],)
        return models_of(self.markets[code])

    def desk(self, code: str, kind: str) -> str:
        """The shared desk market ``code`` is on when served by ``kind`` (found once)."""
        if (code, kind) not in self._desks:
            self._desks[code, kind] = desk_key(self.markets[code], self.markets, self.params, kind)
        return self._desks[code, kind]

    def groups(self) -> list[tuple[str, ...]]:
        """The communities: markets linked through the shared desks they may join (a desk
        two markets may join links them), every market kept on desks of its own alone."""
        joins = [
            (n, self.desk(code, kind))
            for n, code in enumerate(self.codes)
            for kind in self.models(code)
            if kind not in OWN_DESKS
        ]
        desks = {
            key: len(self.codes) + n for n, key in enumerate(dict.fromkeys(k for _, k in joins))
        }
        size = len(self.codes) + len(desks)
        links = ([n for n, _ in joins], [desks[key] for _, key in joins])
        _, label = connected_components(coo_array((np.ones(len(joins)), links), (size, size)))
        found: dict[int, list[str]] = {}
        for n, code in enumerate(self.codes):
            found.setdefault(int(label[n]), []).append(code)
        return [tuple(codes) for codes in found.values()]

    def own_desks(self, code: str) -> Answer | None:
        """Market ``code`` on desks of its own, by itself; None when its rules cannot hold."""
        return self.alone(code, forced={code: Delivery.HUB.value})

    def alone(self, code: str, **extra: object) -> Answer | None:
        """Market ``code`` decided by itself; None when its rules cannot hold so."""
        try:
            return self.solve((code,), **extra)
        except InfeasibleError:
            return None

    def solve(self, codes: tuple[str, ...], **extra: object) -> Answer:
        """The markets ``codes`` decided together (the rest of the portfolio left out);
        ``extra`` passes ``must_sell`` or other delivery rules to :func:`build_portfolio`."""
        key = (codes, tuple(sorted((k, repr(v)) for k, v in extra.items())))
        if key not in self._answers:
            # Only the solved markets' own rules count: an alternative is solved once for all.
            own = tuple((c, repr(self.rules[c])) for c in codes if c in self.rules)
            known = (self.fingerprint, own, tuple(sorted(self.forced.items())), key)
            # An answer that left markets out holds only for the markets asked for then.
            asked = (*known, tuple(c for c in self.request.codes if c in codes))
            found = SOLVED.get(known) or SOLVED.get(asked)
            if found is None:
                found = self._solve(codes, **extra)
                SOLVED.put(known if len(found.chosen) == len(codes) else asked, found)
            self._answers[key] = found
        return self._answers[key]

    def _kinds(self, codes: tuple[str, ...], served: Mapping[str, str]) -> dict:
        """The delivery models each market of ``codes`` may use in their MILP: the one fixed
        (a variant, the local office or bot nights, is the market's own desks with its problem
        built so), or else every one it has but the variants: the free choice finds the local
        office on its own desks, where the tiers choose their options, and weighs bot nights as
        a constant (:meth:`alternative`). Alone on its desk, a market pooled pays what its own
        desks cost and more (the shared desk stays open on its public holidays): pooling is a
        choice only on a desk another market of ``codes`` may join."""
        pooling = (Delivery.POOLED, Delivery.ENGLISH)
        free = {
            c: tuple(d for d in models_of(self.markets[c]) if d not in VARIANTS)
            for c in codes
            if c not in served
        }
        on_desk: dict[str, set[str]] = {}
        for c in codes:
            for d in (served[c],) if c in served else free[c]:
                if d not in OWN_DESKS:
                    on_desk.setdefault(self.desk(c, d), set()).add(c)
        return {
            c: (
                (Delivery.HUB.value if served[c] in VARIANTS else served[c],)
                if c in served
                else tuple(
                    d for d in free[c] if d not in pooling or len(on_desk[self.desk(c, d)]) > 1
                )
            )
            for c in codes
        }

    def alternative(self, code: str) -> Answer | None:
        """Market ``code`` with bot nights, by itself, where the optimiser may choose that for
        it (a 24/7 tier it can sell; not held to a model); None elsewhere or when it sells
        nothing so."""
        if code in self.forced or "coverage_24x7" not in self.workload(code).options:
            return None
        answer = self.alone(code, forced={code: Delivery.BOT.value})
        return answer if answer is not None and answer.chosen[code] is not None else None

    def _alternatives(self, codes: tuple[str, ...], served: Mapping[str, str], held=()) -> dict:
        """Each market the optimiser serves freely, solved by itself with bot nights: what it
        earns so is a constant of the MILP, since a market on desks of its own meets no other
        market. A market whose choice is ``held`` needs it only when held to it."""
        fixed, taken = {n for n, _ in held}, {n for n, v in held if v > 0.5}

        def wanted(code: str) -> bool:
            choose = f"choose_{clean(self.problem(code).label)}_"
            # Free to choose, or held to bot nights (whose constant the MILP then weighs).
            return choose + "hub" not in fixed or choose + Delivery.BOT in taken

        found = {c: self.alternative(c) for c in codes if c not in served and wanted(c)}
        return {c: answer for c, answer in found.items() if answer is not None}

    def _solve(self, codes: tuple[str, ...], **extra) -> Answer:
        settings, asked = self.request.settings, dict(extra)
        # Solved as the request has it, a community starts from its markets on their own desks.
        start = own_desk_start(self, codes) if len(codes) > 1 and not extra else None
        portfolio, inside, alone = self._build(codes, extra)
        found, gap = portfolio.solve(settings.solver, settings.community_limit_seconds, start)
        if not found:
            infeasible = portfolio.status == "Infeasible" and "background" not in extra
            kept = holding(self.request, codes) if infeasible else codes
            if kept != codes:
                return self._solve(kept, **asked)
            diagnose(self.request, self.forced, inside, portfolio.status)
        terms = {c: partner_terms(self.markets[c]) for c in inside}

        def answered(gap: float) -> Answer:
            chosen = {code: portfolio.chosen(code) for code in inside}
            portfolio.check_staffing()
            return Answer(portfolio, portfolio.profit_usd(), gap, chosen, terms, alone)

        if settings.floor_policy != "tier":
            return answered(gap)

        def again() -> Answer | None:
            found, gap = portfolio.solve(settings.solver, settings.community_limit_seconds)
            return answered(gap) if found else None

        def parts(answer: Answer) -> dict[str, MarketDecision]:
            return allocate(self, inside, answer)

        return tier_floors.hold(answered(gap), settings.solver, parts, again)

    def _build(self, codes: tuple[str, ...], extra: dict) -> tuple[Portfolio, tuple, dict]:
        """The MILP of markets ``codes`` (``extra`` as :meth:`solve` takes it, made ready to
        build it again), the markets in it and each one's bot-night alternative."""
        forced = dict(self.forced)
        forced.update(extra.pop("forced", {}))
        served = {c: as_served(self.markets[c], forced[c]) for c in codes if c in forced}
        # Every market but one held: the held ones left out of the MILP (the floors by tier
        # read every market's allocation, so there they stay in it, held by their bounds).
        held = extra.pop("held", ())
        apart = isinstance(held, Held) and self.request.settings.floor_policy != "tier"
        if isinstance(held, Held) and not apart:
            held = held.binaries
        inside = (held.code,) if apart else codes
        problems = {c: self.problem(c, variant_of(served.get(c))) for c in inside}
        workloads = {c: problems[c].workload for c in inside}
        kinds = self._kinds(codes, served)
        if apart:
            joinable = {self.desk(held.code, k) for k in kinds[held.code] if k not in OWN_DESKS}
            kinds = {**held_kinds(held, joinable), held.code: kinds[held.code]}
        alone = self._alternatives(inside, served, () if apart else held)
        earns = {
            c: (a.portfolio.revenue_usd(c), a.portfolio.own_cost_usd(c)) for c, a in alone.items()
        }
        extra.setdefault("alternatives", {c: {Delivery.BOT.value: e} for c, e in earns.items()})
        every = {**workloads, **(held_workloads(held, kinds) if apart else {})}
        desks = shared_desks(every, self.markets, self.params, kinds)
        if apart:
            desks, extra["background"] = left_out(held, desks)
        else:
            extra["held"] = held
        loss = {c: english_value_loss(self.markets[c], self.params) for c in inside}
        portfolio = build_portfolio(
            problems,
            {c: routes(workloads[c], kinds[c], loss[c]) for c in inside},
            desks,
            {c: partner_terms(self.markets[c]) for c in inside},
            {c: kinds[c][0] for c in served if c in inside},
            **extra,
        )
        return portfolio, inside, alone


def decide(request: PlanRequest, forced: Mapping[str, str] | None = None) -> PortfolioDecision:
    """The portfolio's most profitable tier menus and delivery models under the request's
    rules; ``forced`` maps a market (or ``"*"``: every market) to the model it must use."""
    forced = dict(forced or {})
    everyone = forced.pop("*", None)
    codes = request.codes
    if everyone is not None:
        forced = {c: forced.get(c, everyone) for c in codes}
    communities = Communities(request, forced)
    wanted = set(codes)
    groups = [g for g in communities.groups() if wanted.intersection(g)]
    # Every MILP the decision reads, ``workers`` at a time (the solvers run outside the
    # interpreter lock): each community and each of its markets on desks of its own; then, for
    # a market sold only with others there, whether any delivery model sells it by itself.
    # The largest communities first: the longest solves start at once and the small ones
    # fill the other worker meanwhile.
    largest = sorted(groups, key=len, reverse=True)
    # Community by community: what each market earns with bot nights by itself (the MILP
    # reads it), each on desks of its own (where the MILP starts from), then the MILP, which
    # so starts while the other workers go on with the next community's small solves.
    jobs = []
    for group in largest:
        jobs += [functools.partial(communities.alternative, c) for c in group]
        jobs += [functools.partial(communities.own_desks, c) for c in group if len(group) > 1]
        jobs.append(functools.partial(communities.solve, group))
    with ThreadPoolExecutor(max_workers=max(request.settings.workers, 1)) as pool:
        list(pool.map(lambda job: job(), jobs))
        alone = [
            functools.partial(communities.alone, code)
            for group in groups
            for code in group
            if len(group) > 1
            and communities.solve(group).chosen.get(code) is not None
            and own_profit(communities, code) is None
        ]
        list(pool.map(lambda job: job(), alone))
    decisions, answers, slack, whole = {}, {}, 0.0, 0.0
    for group in groups:
        answer = communities.solve(group)
        # A community the solver proved no bound for leaves the portfolio's gap unknown.
        slack += answer.gap * abs(answer.profit_usd) if answer.gap is not None else math.inf
        whole += answer.profit_usd
        for code, decision in allocate(communities, tuple(answer.chosen), answer).items():
            decisions[code] = decision
            answers[code] = answer
    gap = (slack / abs(whole) if whole else 0.0) if math.isfinite(slack) else None
    ordered = {c: decisions[c] for c in codes}
    return PortfolioDecision(ordered, gap, forced, answers)


def variant_of(kind: str | None) -> str | None:
    """The own-desk variant a delivery model builds the market's problem for, if any."""
    return kind if kind in VARIANTS else None
