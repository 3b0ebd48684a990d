"""Reasons that name an alternative are computed: the market is planned again with it.

"24/7 is in no tier" is only half a reason; what finance needs is what the plan would earn with
it. Each counterfactual here is one change to the rules (an option the tiers leave out required
in the top tier sold, where it may hold it; an option the tiers hold taken out of them; no margin
kept at the floor where nothing sells), the market solved again under it, and the scenario file
that makes it:
``plan --market CODE --scenario`` with ``scenario`` earns exactly ``profit_usd``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from pricing.costing.service import OPTION_LABELS, TIER_OPTIONS
from pricing.errors import InfeasibleError, InputError
from pricing.market_model import MarketSolves
from pricing.settings import PlanSettings
from pricing.tiers.problem import Solution, TierProblem


@dataclass(frozen=True)
class Counterfactual:
    """One alternative to a market's plan, solved: what changes, its rules, what it earns."""

    change: str
    scenario: dict
    profit_usd: float | None  # None: the alternative cannot hold (it is refused)
    why_not: str = ""
    # A market on a shared desk: its community solved again with the change for it alone,
    # these markets' sales held as planned; ``profit_usd`` is then its profit now plus what the
    # community gains (the scenario changes the rule for every market of a plan).
    others_held: tuple[str, ...] = ()
    unsold: tuple[str, ...] = ()  # tiers sold in the plan that the alternative leaves unsold

    def sentence(self, profit_now: float) -> str:
        if self.profit_usd is None:
            return f"{self.change}: not possible here ({self.why_not})."
        delta = self.profit_usd - profit_now
        verdict = "the plan as it is earns more" if delta < -0.005 else "as good or better"
        if self.others_held:  # on a shared desk: what the portfolio gains or loses
            more = "more" if delta > 0.005 else ("less" if delta < -0.005 else "no more")
            said = (
                f"{self.change}: the portfolio would earn {abs(delta):,.0f} USD a year {more}, "
                f"the other markets it can share a desk with selling as planned ({verdict})"
            )
        else:
            said = (
                f"{self.change}: the market would earn {self.profit_usd:,.0f} USD a year, "
                f"{delta:+,.0f} against this plan ({verdict})"
            )
        if self.unsold:
            said += f"; {' and '.join(self.unsold)} would then not be sold"
        return said + "."

    def as_json(self) -> dict:
        return {
            "change": self.change,
            "scenario": self.scenario,
            "profit_usd": None if self.profit_usd is None else round(self.profit_usd, 2) + 0.0,
            "others_held": list(self.others_held),
            "tiers_unsold": list(self.unsold),
        }


def alternatives_of(
    problem: TierProblem, solution: Solution, settings: PlanSettings
) -> list[tuple[str, PlanSettings]]:
    sold = [t for t in solution.tiers if t.offered]
    alternatives: list[tuple[str, PlanSettings]] = []
    if not sold:
        if settings.min_margin > 0:
            alternatives.append(
                ("Keep no margin at the floor", dataclasses.replace(settings, min_margin=0.0))
            )
        return alternatives
    valued = {o for b in problem.buyers for o, v in b.values.items() if v > 0}
    top = sold[-1].name
    for option in (o.name for o in problem.options):
        label = OPTION_LABELS.get(option, option)
        holders = [t.name for t in sold if option in t.options]
        may_hold = (settings.allowed or {}).get(top, frozenset(TIER_OPTIONS))
        if not holders and option in valued and option in may_hold:
            required = {k: set(v) for k, v in (settings.required or {}).items()}
            required[top] = required.get(top, set()) | {option}
            alternatives.append(
                (
                    f"Add {label} to {top}",
                    dataclasses.replace(
                        settings, required={k: frozenset(v) for k, v in required.items()}
                    ),
                )
            )
        elif holders:
            allowed = dict(settings.allowed or {})
            for tier in holders:
                allowed[tier] = frozenset(allowed.get(tier, TIER_OPTIONS)) - {option}
            required = {k: frozenset(v - {option}) for k, v in (settings.required or {}).items()}
            alternatives.append(
                (
                    f"Take {label} out of {' and '.join(holders)}",
                    dataclasses.replace(settings, allowed=allowed, required=required or None),
                )
            )
    return alternatives


def counterfactuals(
    solves: MarketSolves, problem: TierProblem, solution: Solution
) -> tuple[Counterfactual, ...]:
    """Each alternative to the plan of the market of ``solves``, solved on the market's own
    desks, with its scenario file (which keeps the market there: ``"delivery"``)."""
    found = []
    code = solves.market.code
    now = [t.name for t in solution.tiers if t.offered]
    for change, rules in alternatives_of(problem, solution, solves.request.settings):
        scenario = {**rules.as_scenario(), "delivery": {**rules.delivery, code: "hub"}}
        try:
            other = solves(rules)
        except (InfeasibleError, InputError) as exc:  # the alternative cannot hold
            found.append(Counterfactual(change, scenario, None, str(exc)))
            continue
        kept = {t.name for t in other.tiers if t.offered}
        unsold = tuple(t for t in now if t not in kept)
        found.append(Counterfactual(change, scenario, other.profit, unsold=unsold))
    return tuple(found)
