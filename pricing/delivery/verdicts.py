"""A verdict for every market: sold (how, what it earns, what the portfolio would lose without
it) or not sold, with the reason solved and the cheapest changes that would make it pay.

Every figure is a solve. Why a market is not sold: the portfolio solved again with the market
made to sell under each delivery model (what that would cost the portfolio). A fix: the market
alone with one input changed (its accounts, its price level), at the least change that makes it
pay, found by search over solves; each carries the scenario fragment with which
``plan --market CODE --scenario`` plans that change and earns the stated profit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from pricing.delivery.decision import Communities, MarketDecision, PortfolioDecision, decide
from pricing.delivery.shared import Delivery
from pricing.errors import InfeasibleError, SolverError
from pricing.inputs.limits import BOUNDS
from pricing.request import PlanRequest

MODEL_WORDS = {
    Delivery.HUB: "on desks of its own at its regional hub",
    Delivery.POOLED: "on a desk shared with other markets",
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
    found = {}
    for code, market in decision.markets.items():
        if market.sold:
            found[code] = Verdict(code, "sold", _sold_reason(market, request))
        else:
            reason = _unsold_reason(communities, decision, code)
            found[code] = Verdict(code, "not_sold", reason, tuple(_fixes(request, decision, code)))
    return found


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
    parts = []
    for kind in (Delivery.HUB, Delivery.POOLED, Delivery.DISTRIBUTOR):
        if decision.forced.get(code, kind) != kind:
            continue
        try:
            sold = communities.solve(group, must_sell=(code,), forced={code: kind})
        except (SolverError, InfeasibleError):
            continue
        gain = sold.profit_usd - answer.profit_usd
        revenue = _revenue(sold, code)
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
    return f"{name}: not sold, since no way of serving it pays: {said}."


def _revenue(answer, code: str) -> float:
    from pulp import value

    return value(answer.portfolio.markets[code].revenue()) or 0.0


def _fixes(request: PlanRequest, decision: PortfolioDecision, code: str) -> list[Fix]:
    """The least change of accounts and of price level that makes the market pay alone."""
    market = request.catalogue.by_code[code]
    delivery = {code: decision.forced[code]} if code in decision.forced else {}

    def alone(min_margin: float | None = None, **changes: float) -> float:
        changed = dataclasses.replace(market, **changes)
        catalogue = request.catalogue.with_markets(
            tuple(changed if m.code == code else m for m in request.catalogue.markets)
        )
        single = request.replace(catalogue=catalogue, only=(code,), reasons=False)
        if min_margin is not None:
            rules = dataclasses.replace(request.settings, min_margin=min_margin)
            single = single.replace(settings=rules)
        return decide(single, delivery).markets[code].profit_usd

    found = []
    margin = request.settings.min_margin
    lower = _least(
        lambda k: alone(min_margin=round(margin - k * MARGIN_STEP, 4)),
        1,
        round(margin / MARGIN_STEP),
    )
    if lower is not None:
        steps, profit = lower
        kept = round(margin - steps * MARGIN_STEP, 4)
        found.append(
            Fix(
                f"a minimum margin at the floor of {kept:.0%} instead of {margin:.0%}",
                profit,
                {"min_margin": kept, **_delivery_fragment(delivery)},
            )
        )

    accounts = _least(
        lambda n: alone(accounts=float(n)),
        int(market.accounts) + 1,
        int(min(market.accounts * ACCOUNT_SEARCH_LIMIT, BOUNDS["accounts"].high)),
    )
    if accounts is not None:
        n, profit = accounts
        found.append(
            Fix(
                f"{n:,} accounts instead of {market.accounts:,.0f}",
                profit,
                {"market_changes": {code: {"accounts": n}}, **_delivery_fragment(delivery)},
            )
        )
    level = _least(
        lambda p: alone(price_level=p * PRICE_LEVEL_STEP),
        round(market.price_level / PRICE_LEVEL_STEP) + 1,
        round(BOUNDS["price_level"].high / PRICE_LEVEL_STEP),
    )
    if level is not None:
        steps, profit = level
        price = round(steps * PRICE_LEVEL_STEP, 2)
        found.append(
            Fix(
                f"a price level of {price:g} instead of {market.price_level:g} (segments pay "
                f"{price / market.price_level - 1:+.0%})",
                profit,
                {"market_changes": {code: {"price_level": price}}, **_delivery_fragment(delivery)},
            )
        )
    return sorted(found, key=lambda fix: -fix.profit_usd)


def _delivery_fragment(delivery: dict) -> dict:
    return {"delivery": delivery} if delivery else {}


def _least(earns: Callable[[int], float], low: int, high: int) -> tuple[int, float] | None:
    """An integer in [low, high] at which ``earns`` turns positive, with what it earns: the
    least one where profit rises with it (whole agents make it fall back a little at each step,
    so a search by doubling and halving may land just past such a dip); None when the search
    reaches ``high`` without a profit."""
    if high < low:
        return None
    step, probe, known = 1, low, {}
    while True:  # doubling: find a paying point
        known[probe] = earns(probe)
        if known[probe] > 0.005:
            break
        if probe >= high:
            return None
        low = probe + 1
        probe = min(high, probe + step)
        step *= 2
    high = probe
    while low < high:  # bisection between the last loss and the first profit
        middle = (low + high) // 2
        known[middle] = earns(middle)
        if known[middle] > 0.005:
            high = middle
        else:
            low = middle + 1
    return high, known[high]
