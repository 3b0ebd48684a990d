"""What each rule finance sets does in each market: the market solved again without it.

A rule (the number of tiers, a tier that must hold an option, a tier that may hold only some, a
tier that must be offered, the margin kept at the floor, the least and the most step between
tiers, the least and the most share of contract value a tier's price may be) is a
constraint of the tier MILP. Its effect is never guessed: the market is solved once more with that
rule alone removed (for the number of tiers: with one tier more), and the two plans are compared.
A budget rate finance sets is a rule on the local prices: the plan's tiers are priced again at the
market rate, and the report says which local prices it moves (the profit, in USD, is the same).

* ``profit_change_usd``: the market's profit with the rule minus its profit without it (what the
  policy costs; 0 or less, as a rule only takes choices away);
* ``status``: ``tier_unsold`` when a tier sold without the rule is not sold with it, ``slack``
  when the plan is the same without it (the same tiers, options and prices), ``binds`` otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from pricing.costing.service import OPTION_SHORT, TIER_OPTIONS
from pricing.market_model import MarketSolves
from pricing.money.fx import RateBook
from pricing.money.pricepoints import local_price_points
from pricing.settings import TIER_NAMES, PlanSettings
from pricing.tiers.negotiation import Quote
from pricing.tiers.problem import Solution


class QuotedTier(Protocol):
    """What the budget-rate report reads of a priced tier (:class:`pricing.plan.PricedTier`)."""

    name: str
    quote_usd: Quote
    list_local: float
    floor_local: float


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
    detail: str = ""  # what differs without it, when that is not the profit (a budget rate)
    served: str = ""  # how the market would be served without it, when that changes

    @property
    def sentence(self) -> str:
        """The effect in words, as the Tier designer and the brief say it."""
        change = f"{-self.profit_change_usd:,.0f} USD a year"
        if self.detail:
            verb = "binds" if self.status == "binds" else "changes nothing here"
            return f"The rule “{self.rule}” {verb}: {self.detail}."
        served = f", served {self.served}" if self.served else ""
        if self.status == "tier_unsold":
            tiers = " and ".join(self.unsold)
            return (
                f"The rule “{self.rule}” leaves {tiers} unsold: without it {tiers} would sell "
                f"and the market would earn {change} more{served}."
            )
        if self.status == "slack":
            return f"The rule “{self.rule}” changes nothing here: the plan is the same without it."
        return (
            f"The rule “{self.rule}” binds: without it the market would earn {change} more{served}."
        )

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
    more = settings.tiers + 1
    # "At most N tiers", against one tier more; not where one more tier renames the tiers a
    # rule is set on (one tier is "Standard", two are "Basic" and "Premium").
    if more in TIER_NAMES and set(_named(settings)) <= set(TIER_NAMES[more]):
        rules.append(
            (
                f"at most {settings.tiers} tier{'s' if settings.tiers > 1 else ''}",
                dataclasses.replace(settings, tiers=more),
            )
        )
    return [*rules, *_tier_rules(settings), *_number_rules(settings)]


def _tier_rules(settings: PlanSettings) -> list[tuple[str, PlanSettings]]:
    """What a tier must or may hold, must be offered, or be priced at as a share of contract
    value: each with the settings that lack only it."""
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
    for name, word in (("min_share", "at least"), ("max_share", "at most")):
        shares = dict(getattr(settings, name))
        for tier, share in shares.items():
            rest = {t: v for t, v in shares.items() if t != tier}
            rules.append(
                (
                    f"{tier} priced {word} {share:.0%} of its buyers' contract value",
                    dataclasses.replace(settings, **{name: rest}),
                )
            )
    return rules


def _number_rules(settings: PlanSettings) -> list[tuple[str, PlanSettings]]:
    """The floor margin and the ladder's least and most step, each with the settings that
    lack only it."""
    rules: list[tuple[str, PlanSettings]] = []
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
    if settings.max_price_step > 0:
        rules.append(
            (
                f"each tier at most {settings.max_price_step:.0%} above the one below",
                dataclasses.replace(settings, max_price_step=0.0),
            )
        )
    return rules


def _named(settings: PlanSettings) -> set[str]:
    """The tiers a rule is set on."""
    return {
        *(settings.required or {}),
        *(settings.allowed or {}),
        *settings.must_offer,
        *settings.min_share,
        *settings.max_share,
    }


def budget_rate_effect(
    rates: RateBook,
    tiers: Sequence[QuotedTier],
    currency: str,
    buffer: float,
    profit_usd: float,
) -> RuleEffect | None:
    """What finance's budget rate for ``currency`` (in ``rates``) does to the plan's local
    prices: ``tiers`` priced again at the market rate. None without a budget rate for it."""
    if currency not in rates.overrides or currency == "USD":
        return None
    budget = rates.overrides[currency].per_usd
    market = rates.without_override(currency).rate("USD", currency)
    rule = f"{currency} at the budget rate of {budget:,.4f} per USD"
    before, after = [], []
    for tier in tiers:
        q = tier.quote_usd
        at_market = local_price_points(q.list_price, q.target, q.floor, market, buffer)
        if at_market.list_price != tier.list_local or at_market.floor != tier.floor_local:
            before.append(f"{tier.name} {at_market.format(at_market.list_price)}")
            after.append(at_market.format(tier.list_local))
    rate = f"at the market rate of {market.rate:,.4f} per USD ({market.as_of.isoformat()})"
    if not before:
        detail = f"{rate} every local price would be the same"
        return RuleEffect(rule, "slack", 0.0, profit_usd, detail=detail)
    detail = (
        f"{rate} the list prices would be {', '.join(before)} rather than {', '.join(after)}; "
        "the profit in USD is the same"
    )
    return RuleEffect(rule, "binds", 0.0, profit_usd, detail=detail)


Menu = dict[str, tuple[tuple[str, ...], float]]  # sold tier -> (options, target USD a year)


def menu_of(tiers) -> Menu:
    """The sold tiers of ``tiers`` (solved tiers): their options and target prices."""
    return {t.name: (tuple(sorted(t.options)), t.target or 0.0) for t in tiers if t.offered}


def _menu(solution: Solution) -> Menu:
    return menu_of(solution.tiers)


def _same(one: Solution, other: Solution) -> bool:
    return same_menu(_menu(one), _menu(other))


def same_menu(mine: Menu, theirs: Menu) -> bool:
    """Whether two menus are the same plan: the same tiers, options and prices."""
    return mine.keys() == theirs.keys() and all(
        mine[t][0] == theirs[t][0] and abs(mine[t][1] - theirs[t][1]) <= SAME_PRICE_USD
        for t in mine
    )


def without_every_rule(settings: PlanSettings) -> PlanSettings:
    """``settings`` with every rule of :func:`rules_of` removed at once: a relaxation of each
    one-rule-removed rule set."""
    more = settings.tiers + 1
    counted = more in TIER_NAMES and set(_named(settings)) <= set(TIER_NAMES[more])
    return dataclasses.replace(
        settings,
        tiers=more if counted else settings.tiers,
        required=None,
        allowed=None,
        must_offer=frozenset(),
        min_margin=0.0,
        price_step=0.0,
        max_price_step=0.0,
        min_share={},
        max_share={},
    )


def rule_effects(solves: MarketSolves, solution: Solution) -> tuple[RuleEffect, ...]:
    """The effect of every rule of the request on the market of ``solves``, whose plan is
    ``solution``.

    With several rules the market is first solved once without all of them: when that plan is
    the same, no rule binds (each one-rule-removed optimum lies between the two), and each
    rule's answer is recorded in ``solves`` without solving it.
    """
    settings = solves.request.settings
    rules = rules_of(settings)
    if len(rules) > 1 and _same(solution, solves(without_every_rule(settings))):
        for _, without in rules:
            solves.settle(without, solution)
    effects = []
    sold = set(_menu(solution))
    for text, without in rules:
        other = solves(without)
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
