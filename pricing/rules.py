"""What each rule finance sets does in each market: the market solved again without it.

A rule (a tier that must hold an option, a tier that may hold only some, a tier that must be
offered, the margin kept at the floor, the least step between tiers) is a constraint of the tier
MILP. Its effect is never guessed: the market is solved once more with that rule alone removed,
and the two plans are compared.

* ``profit_change_usd``: the market's profit with the rule minus its profit without it (what the
  policy costs; 0 or less, as a rule only takes choices away);
* ``status``: ``tier_unsold`` when a tier sold without the rule is not sold with it, ``slack``
  when the plan is the same without it (the same tiers, options and prices), ``binds`` otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pricing.costing.service import OPTION_SHORT, TIER_OPTIONS
from pricing.market_model import PlanSettings, solve_market
from pricing.models import CostParameters, Market
from pricing.segments import SegmentRow
from pricing.tiers.problem import Solution

RuleStatus = Literal["binds", "slack", "tier_unsold"]
# Two plans whose every price is this close (USD a year) are the same plan.
SAME_PRICE_USD = 0.01


@dataclass(frozen=True)
class RuleEffect:
    """One rule in one market, against the same market planned without it."""

    rule: str
    status: RuleStatus
    profit_change_usd: float
    profit_without_usd: float
    unsold: tuple[str, ...] = ()  # tiers sold without the rule and not with it

    @property
    def sentence(self) -> str:
        """The effect in words, as the Tier designer and the brief say it."""
        change = f"{-self.profit_change_usd:,.0f} USD a year"
        if self.status == "tier_unsold":
            tiers = " and ".join(self.unsold)
            return (
                f"The rule “{self.rule}” leaves {tiers} unsold: without it {tiers} would sell "
                f"and the market would earn {change} more."
            )
        if self.status == "slack":
            return f"The rule “{self.rule}” changes nothing here: the plan is the same without it."
        return f"The rule “{self.rule}” binds: without it the market would earn {change} more."

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "status": self.status,
            "profit_change_usd": round(self.profit_change_usd, 2) + 0.0,
        }


def _options(options: frozenset[str]) -> str:
    names = [OPTION_SHORT.get(o, o) for o in TIER_OPTIONS if o in options]
    return ", ".join(names) if names else "no option"


def rules_of(settings: PlanSettings) -> list[tuple[str, PlanSettings]]:
    """Each rule in ``settings`` as words, with the settings that lack only that rule.

    A tier allowed every option is not a rule (nothing is taken away), nor a margin or a step
    of 0.
    """
    rules: list[tuple[str, PlanSettings]] = []
    required = dict(settings.required or {})
    for tier, options in required.items():
        if options:
            rest = {t: o for t, o in required.items() if t != tier}
            rules.append(
                (
                    f"{tier} must hold {_options(options)}",
                    dataclasses.replace(settings, required=rest),
                )
            )
    allowed = dict(settings.allowed or {})
    for tier, options in allowed.items():
        if not set(TIER_OPTIONS) <= set(options):
            rest = {t: o for t, o in allowed.items() if t != tier}
            rules.append(
                (
                    f"{tier} may hold only {_options(options)}",
                    dataclasses.replace(settings, allowed=rest),
                )
            )
    for tier in sorted(settings.must_offer):
        rest_offer = frozenset(settings.must_offer - {tier})
        rules.append(
            (f"{tier} must be offered", dataclasses.replace(settings, must_offer=rest_offer))
        )
    if settings.min_margin > 0:
        rules.append(
            (
                f"at the floor, a margin of at least {settings.min_margin:.0%} on the whole cost",
                dataclasses.replace(settings, min_margin=0.0),
            )
        )
    if settings.price_step > 0:
        rules.append(
            (
                f"each tier at least {settings.price_step:.0%} above the one below",
                dataclasses.replace(settings, price_step=0.0),
            )
        )
    return rules


def _menu(solution: Solution) -> dict[str, tuple[tuple[str, ...], float]]:
    return {
        t.name: (tuple(sorted(t.options)), t.target or 0.0) for t in solution.tiers if t.offered
    }


def _same(one: Solution, other: Solution) -> bool:
    mine, theirs = _menu(one), _menu(other)
    return mine.keys() == theirs.keys() and all(
        mine[t][0] == theirs[t][0] and abs(mine[t][1] - theirs[t][1]) <= SAME_PRICE_USD
        for t in mine
    )


def rule_effects(
    market: Market,
    markets: Mapping[str, Market],
    segment_rows: tuple[SegmentRow, ...],
    settings: PlanSettings,
    solution: Solution,
    params: CostParameters | None = None,
) -> tuple[RuleEffect, ...]:
    """The effect of every rule of ``settings`` on ``market``, whose plan is ``solution``."""
    effects = []
    sold = set(_menu(solution))
    for text, without in rules_of(settings):
        _, other = solve_market(market, markets, segment_rows, without, params)
        unsold = tuple(t for t in settings.tier_names if t in set(_menu(other)) - sold)
        if unsold:
            status: RuleStatus = "tier_unsold"
        elif _same(solution, other):
            status = "slack"
        else:
            status = "binds"
        effects.append(
            RuleEffect(text, status, solution.profit - other.profit, other.profit, unsold)
        )
    return tuple(effects)
