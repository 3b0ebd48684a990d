"""A verdict for every market: sold (how, what it earns, what the portfolio would lose without
it) or not sold, with the reason solved and the cheapest changes that would make it pay.

Every figure is a solve. Why a market is not sold: its community (the markets it could share a
desk with) solved again with the market made to sell under each delivery model: what that would
cost the portfolio. A fix: the market planned with one input changed (its accounts, its price
level, the margin kept at the floor), at the least change that makes it pay with the rest of its
community as planned (a search over solves of the market with the others' sales held), then
planned with the whole community; each carries the scenario fragment with which
``plan --market CODE --scenario`` plans that change and earns the stated profit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pricing.delivery.decision import Communities, MarketDecision, PortfolioDecision, decide
from pricing.delivery.shared import Delivery
from pricing.errors import InfeasibleError, SolverError
from pricing.inputs.limits import BOUNDS
from pricing.request import PlanRequest

MODEL_WORDS = {
    Delivery.HUB: "on desks of its own at its regional hub",
    Delivery.LOCAL: "from a local office of its own",
    Delivery.BOT: "on desks of its own at its regional hub, a 24/7 tier's nights answered by a "
    "bot and an agent on call",
    Delivery.POOLED: "on a desk shared with other markets",
    Delivery.ENGLISH: "on its hub site's English desk, shared with other markets",
    Delivery.DISTRIBUTOR: "through a distributor, escalating to a shared desk",
}
# How far a fix may move an input: past it the market is called out of reach.
ACCOUNT_SEARCH_LIMIT = 20.0  # times today's accounts
PRICE_LEVEL_STEP = 0.01
MARGIN_STEP = 0.01


@dataclass(frozen=True)
class Fix:
    change: str
    profit_usd: float
    scenario: dict


@dataclass(frozen=True)
class Verdict:
    market: str
    verdict: str  # "sold" | "not_sold"
    reason: str
    fixes: tuple[Fix, ...] = ()


def verdicts(request: PlanRequest, decision: PortfolioDecision) -> dict[str, Verdict]:
    """The verdict of every market of ``decision``."""
    communities = Communities(request, decision.forced)

    def verdict(code: str) -> Verdict:
        market = decision.markets[code]
        if market.sold:
            return Verdict(code, "sold", _sold_reason(market, request))
        if request.catalogue.by_code[code].accounts <= 0:
            # Nothing to sell to: no delivery model, margin or price level changes that.
            name = request.catalogue.by_code[code].name
            reason = f"{name}: not sold, since it has no accounts (0 in the market file)."
            return Verdict(code, "not_sold", reason)
        reason = _unsold_reason(communities, decision, code)
        return Verdict(code, "not_sold", reason, tuple(_fixes(request, decision, code)))

    # The searches solve one small community at a time: ``workers`` markets at once.
    with ThreadPoolExecutor(max_workers=max(request.settings.workers, 1)) as pool:
        return dict(zip(decision.markets, pool.map(verdict, decision.markets), strict=True))


def _sold_reason(market: MarketDecision, request: PlanRequest) -> str:
    name = request.catalogue.by_code[market.market].name
    where = f"{MODEL_WORDS[market.delivery]} ({market.desk or market.site})"
    text = (
        f"{name}: sold {where}; earns {market.profit_usd:,.0f} USD a year, and the portfolio "
        f"would earn {market.marginal_profit_usd:,.0f} USD a year less without it."
    )
    if market.together_with:
        text += (
            f" It pays only together with {', '.join(market.together_with)} on that desk: "
            "alone it would not be sold."
        )
    return text


def _unsold_reason(communities: Communities, decision: PortfolioDecision, code: str) -> str:
    """Why not: what selling it would cost the portfolio under each delivery model."""
    name = communities.markets[code].name
    margin = communities.request.settings.min_margin
    answer = decision.answers[code]
    group = tuple(answer.chosen)
    # The other markets of its community held as planned: what selling it costs with their
    # sales unchanged.
    held = answer.held(code)
    parts = []
    for kind in communities.models(code):
        try:
            sold = communities.solve(group, must_sell=(code,), forced={code: kind}, held=held)
        except (SolverError, InfeasibleError):
            continue
        gain = sold.profit_usd - answer.profit_usd
        revenue = sold.portfolio.revenue_usd(code)
        if gain > 0:
            text = (
                f"{MODEL_WORDS[kind]}, its best menu would earn {gain:,.0f} USD a year "
                f"({revenue:,.0f} of revenue), but its floors would not cover its cost plus the "
                f"{margin:.0%} margin the rule keeps"
            )
        else:
            text = (
                f"{MODEL_WORDS[kind]}, its best menu would bring {revenue:,.0f} USD a year and "
                f"cost the portfolio {-gain:,.0f} USD a year"
            )
        parts.append((-gain, text))
    said = "; ".join(text for _, text in sorted(parts))
    others = " (the other markets' sales as planned)" if len(group) > 1 else ""
    return f"{name}: not sold, since no way of serving it pays{others}: {said}."


def _fixes(request: PlanRequest, decision: PortfolioDecision, code: str) -> list[Fix]:
    """The least change of the floor margin, of accounts and of price level that makes the
    market sell, and for a market held to a delivery model the one the optimiser would choose,
    each with what it then earns."""
    market = request.catalogue.by_code[code]
    delivery = {code: decision.forced[code]} if code in decision.forced else {}
    group = tuple(decision.answers[code].chosen)
    fragment = {"delivery": delivery} if delivery else {}
    margin = request.settings.min_margin

    def changed(step: int, kind: str) -> dict:
        """The scenario fragment of the ``step``-th change of this kind."""
        if kind == "min_margin":
            return {"min_margin": round(margin - step * MARGIN_STEP, 4)}
        value = step if kind == "accounts" else round(step * PRICE_LEVEL_STEP, 2)
        return {"market_changes": {code: {kind: value}}}

    # The rest of the community held as planned, so that a probe solves little more than this
    # market; what the fix earns is then planned with the whole community.
    held = decision.answers[code].held(code)

    def sells(step: int, kind: str) -> bool:
        probe = _changed(request, code, changed(step, kind))
        if probe.settings.floor_policy == "tier" and not sells_under(
            probe.replace(settings=dataclasses.replace(probe.settings, floor_policy="market"))
        ):
            return False  # the floors by tier only take menus away: a quick answer first
        return sells_under(probe)

    def sells_under(probe: PlanRequest) -> bool:
        try:
            answer = Communities(probe, decision.forced).solve(group, held=held)
        except InfeasibleError:  # the rules refuse it so (the floor policy by tier)
            return False
        return answer.chosen[code] is not None

    found = []
    for kind, (low, high) in _search_ranges(market, margin).items():
        step = _least(lambda s, kind=kind: sells(s, kind), low, high)
        if step is None:
            continue
        scenario = {**changed(step, kind), **fragment}
        try:
            planned = decide(_changed(request, code, scenario), delivery).markets[code]
        except InfeasibleError:
            continue
        if planned.sold:
            found.append(Fix(_change_text(market, kind, scenario), planned.profit_usd, scenario))
    if delivery:
        found += _another_model(request, code, delivery[code])
    return sorted(found, key=lambda fix: -fix.profit_usd)


def _search_ranges(market, margin: float) -> dict[str, tuple[int, int]]:
    """The steps each fix's search may take: the floor margin down to 0, accounts up to
    ``ACCOUNT_SEARCH_LIMIT`` times today's, the price level up to its bound."""
    return {
        "min_margin": (1, round(margin / MARGIN_STEP)),
        "accounts": (
            int(market.accounts) + 1,
            int(min(market.accounts * ACCOUNT_SEARCH_LIMIT, BOUNDS["accounts"].high)),
        ),
        "price_level": (
            round(market.price_level / PRICE_LEVEL_STEP) + 1,
            round(BOUNDS["price_level"].high / PRICE_LEVEL_STEP),
        ),
    }


def _another_model(request: PlanRequest, code: str, fixed: str) -> list[Fix]:
    """A market held to a delivery model that does not sell it: the model the optimiser would
    choose, when that sells it, with what it then earns."""
    try:
        free = decide(request.replace(only=(code,), reasons=False)).markets[code]
    except InfeasibleError:  # its free choice cannot hold the rules (the floor policy by tier)
        return []
    if not free.sold or free.delivery == fixed:
        return []
    change = (
        f"served {MODEL_WORDS[free.delivery]} ({free.desk or free.site}), as the optimiser "
        f"would choose, instead of {MODEL_WORDS[fixed]}"
    )
    return [Fix(change, free.profit_usd, {"delivery": {code: free.delivery}})]


def _changed(request: PlanRequest, code: str, scenario: dict) -> PlanRequest:
    """``request`` for market ``code`` with a fix's scenario fragment applied."""
    changes = scenario.get("market_changes", {}).get(code, {})
    market = dataclasses.replace(request.catalogue.by_code[code], **changes)
    catalogue = request.catalogue.with_markets(
        tuple(market if m.code == code else m for m in request.catalogue.markets)
    )
    changed = request.replace(catalogue=catalogue, only=(code,), reasons=False)
    if "min_margin" in scenario:
        rules = dataclasses.replace(request.settings, min_margin=scenario["min_margin"])
        changed = changed.replace(settings=rules)
    return changed


def _change_text(market, kind: str, scenario: dict) -> str:
    if kind == "min_margin":
        return (
            f"a minimum margin at the floor of {scenario['min_margin']:.0%} instead of the rule's"
        )
    value = scenario["market_changes"][market.code][kind]
    if kind == "accounts":
        return f"{value:,.0f} accounts instead of {market.accounts:,.0f}"
    return (
        f"a price level of {value:g} instead of {market.price_level:g} (segments pay "
        f"{value / market.price_level - 1:+.0%})"
    )


def _least(pays: Callable[[int], bool], low: int, high: int) -> int | None:
    """An integer in [low, high] at which ``pays`` turns true: the least one where it stays
    true above (whole agents can make a market pay and then not at the next account, so a
    search by doubling and halving may land just past such a dip); None when the search
    reaches ``high`` without it."""
    if high < low:
        return None
    step, probe = max(1, low // 10), low  # first steps of about a tenth
    while not pays(probe):  # doubling: find a point that pays
        if probe >= high:
            return None
        low = probe + 1
        probe = min(high, probe + step)
        step *= 2
    high = probe
    while low < high:  # halving between the last that does not pay and the first that does
        middle = (low + high) // 2
        if pays(middle):
            high = middle
        else:
            low = middle + 1
    return high


@dataclass(frozen=True)
class ModelOutcome:
    """The market's community solved with the market served one way: what the portfolio earns
    (USD a year) and whether the market is sold that way."""

    model: str
    portfolio_usd: float
    sold: bool


def model_outcomes(
    request: PlanRequest, decision: PortfolioDecision, code: str
) -> list[ModelOutcome]:
    """Every delivery model the market may use, each solved (its community re-decided with the
    market held to it), best first: the recommendation and its runners-up."""
    communities = Communities(request, decision.forced)
    group = tuple(decision.answers[code].chosen)
    found = []
    for kind in communities.models(code):
        answer = communities.solve(group, forced={code: kind})
        found.append(ModelOutcome(str(kind), answer.profit_usd, answer.chosen[code] is not None))
    return sorted(found, key=lambda outcome: -outcome.portfolio_usd)


def recommendation(outcomes: list[ModelOutcome], market: MarketDecision, name: str) -> str:
    """The chosen model, what it earns the portfolio, and each other model against it."""
    if not outcomes:
        return ""
    best = outcomes[0]
    head = (
        f"{name}: served {MODEL_WORDS[market.delivery]}, the portfolio earns "
        f"{best.portfolio_usd:,.0f} USD a year with the markets it can share a desk with."
        if market.sold
        else f"{name}: not sold; no way of serving it pays."
    )
    others = [
        f"{MODEL_WORDS[o.model]}: {best.portfolio_usd - o.portfolio_usd:,.0f} USD a year less"
        + ("" if o.sold else " (it would not be sold)")
        for o in outcomes[1:]
    ]
    return head + (" Instead, " + "; ".join(others) + "." if others else "")
