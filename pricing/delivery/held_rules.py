"""What each rule and each alternative does to a market served on a shared desk or through a
distributor.

A market on desks of its own is planned again without a rule by itself (:mod:`pricing.rules`).
A market sharing a desk is planned with its community, so here its community is solved again
with the rule taken away from that market alone and the other markets' sales held as planned
(what they sell, with which options, how they are served): the change in what the community
earns is what the rule costs the market, and the market's menu without the rule says whether
the rule binds, changes nothing, or leaves a tier unsold. The market may then be served another
way, which the report says. Each alternative of :mod:`pricing.counterfactuals` (an option
added to or taken out of its tiers) is solved the same way, for that market alone.
"""

from __future__ import annotations

from pricing.counterfactuals import Counterfactual, alternatives_of
from pricing.delivery.answers import Answer, PortfolioDecision
from pricing.delivery.decision import Communities
from pricing.delivery.verdicts import MODEL_WORDS
from pricing.errors import InfeasibleError, SolverError
from pricing.request import PlanRequest
from pricing.rules import Menu, RuleEffect, menu_of, rules_of, same_menu, without_every_rule
from pricing.tiers.problem import Solution, TierProblem


def held_rule_effects(
    request: PlanRequest, decision: PortfolioDecision, code: str
) -> tuple[RuleEffect, ...]:
    """The effect of every rule of the request on market ``code``, sold as ``decision`` has
    it, its community's other sales held."""
    rules = rules_of(request.settings)
    if not rules:
        return ()
    answer = decision.answers[code]
    group = tuple(answer.chosen)
    held = answer.held(code)
    profit = decision.markets[code].profit_usd
    now = _menu(answer, code)
    served = answer.chosen.get(code)

    def without(settings) -> Answer | None:
        communities = Communities(request, decision.forced, {code: settings}, answer.desks)
        try:
            return communities.solve(group, held=held)
        except (InfeasibleError, SolverError):  # not expected: a rule removed only relaxes
            return None

    def _as_now(other: Answer) -> bool:
        """The same menu, served the same way."""
        return other.chosen.get(code) == served and same_menu(now, _menu(other, code))

    if len(rules) > 1:
        loosest = without(without_every_rule(request.settings))
        if loosest is not None and _as_now(loosest):
            return tuple(RuleEffect(text, "slack", 0.0, profit) for text, _ in rules)
    effects = []
    for text, settings in rules:
        other = without(settings)
        if other is None:
            continue
        menu = _menu(other, code)
        gain = other.profit_usd - answer.profit_usd
        unsold = tuple(t for t in request.settings.tier_names if t in menu and t not in now)
        status = "tier_unsold" if unsold else ("slack" if _as_now(other) else "binds")
        moved = other.chosen.get(code)
        detail = MODEL_WORDS[moved] if moved and moved != served else ""
        effects.append(RuleEffect(text, status, -gain, profit + gain, unsold, served=detail))
    return tuple(effects)


def _menu(answer: Answer, code: str) -> Menu:
    """The market's sold tiers in ``answer``: options and target price (USD a year)."""
    if answer.chosen.get(code) is None:
        return {}
    tiers, _ = answer.portfolio.menu(code)
    return menu_of(tiers)


def held_counterfactuals(
    request: PlanRequest,
    decision: PortfolioDecision,
    code: str,
    problem: TierProblem,
    solution: Solution,
) -> tuple[Counterfactual, ...]:
    """Each alternative to market ``code``'s menu, its community solved again with the change
    for that market alone and the other markets' sales held: what the market would earn is
    its profit plus what the community gains."""
    answer = decision.answers[code]
    group = tuple(answer.chosen)
    others = tuple(c for c in group if c != code)
    held = answer.held(code)
    profit = decision.markets[code].profit_usd
    now = _menu(answer, code)
    found = []
    for change, settings in alternatives_of(problem, solution, request.settings):
        scenario = settings.as_scenario()
        try:
            probe = Communities(request, decision.forced, {code: settings}, answer.desks)
            other = probe.solve(group, held=held)
        except (InfeasibleError, SolverError) as exc:  # the alternative cannot hold
            found.append(Counterfactual(change, scenario, None, str(exc), others))
            continue
        gain = other.profit_usd - answer.profit_usd
        kept = _menu(other, code)
        unsold = tuple(t for t in request.settings.tier_names if t in now and t not in kept)
        found.append(
            Counterfactual(change, scenario, profit + gain, others_held=others, unsold=unsold)
        )
    return tuple(found)
