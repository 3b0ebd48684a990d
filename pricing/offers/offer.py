"""The sales offer for one market, as two documents: the customer's offer and the internal brief.

The **customer offer** holds what a buyer may read: the tiers at their list price in the quoted
currency (with the exchange rate's figure, date and source), what each tier includes (languages,
the days and hours served, answer times), notes for the customer and the terms. The **internal
negotiation brief** adds what must never reach the buyer: target and walk-away floor in the quoted
currency and USD, who may approve which discount, what to do and avoid, and the risks where the
market's expectations and the offer disagree. Both are written as PDF (:mod:`pricing.offers.pdf`)
and XLSX; :func:`customer_tables` and :func:`internal_tables` are the split, in one place.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, timedelta

from babel.numbers import get_currency_name

from pricing.errors import InputError
from pricing.inputs.limits import check_text
from pricing.money.fx import DEFAULT_BOOK, ECB_SOURCE, LIVE_SOURCE, Rate, RateBook
from pricing.money.pricepoints import LocalPrices, format_money, local_price_points
from pricing.offers.guidance import Advice, customer_notes, guidance, language_name
from pricing.offers.promises import (
    inclusions,
    offered_languages,
    served_languages,
    ticket_promise,
)
from pricing.offers.risks import risks
from pricing.plan import MarketPlan, PricedTier
from pricing.tiers.negotiation import REP_SHARE_OF_EXPECTED

VALID_FOR_DAYS = 30
MAX_CUSTOMER_CHARS = 120
KINDS = ("customer", "internal")


@dataclass(frozen=True)
class Band:
    approver: str
    lowest_local: float
    highest_local: float
    max_discount: float
    note: str


@dataclass(frozen=True)
class OfferTier:
    name: str
    inclusions: tuple[str, ...]
    answer_within_seconds: float
    ticket_response_seconds: float
    ticket_promise: str  # the first response promised on e-mail and tickets, in words
    coverage: str
    list_local: float
    target_local: float
    floor_local: float
    list_usd: float
    target_usd: float
    floor_usd: float
    bands: tuple[Band, ...]
    step: float


@dataclass(frozen=True)
class Offer:
    market_code: str
    market_name: str
    currency: str  # the currency quoted (the market's own unless asked otherwise)
    tiers: tuple[OfferTier, ...]
    advice: tuple[Advice, ...]
    risks: tuple[str, ...]
    notes: tuple[str, ...]  # for the customer
    rate: Rate  # USD to the quoted currency
    buffer: float
    prepared: date
    valid_until: date
    customer: str  # "" when the offer names no customer
    message: str | None

    @property
    def rate_line(self) -> str:
        return self.rate.line

    @property
    def rate_stale(self) -> bool:
        return self.rate.is_stale(self.prepared)

    @property
    def currency_name(self) -> str:
        return get_currency_name(self.currency, count=1, locale="en")

    def money(self, amount: float, step: float = 1.0) -> str:
        return format_money(amount, self.currency, step=step)

    def amount(self, value: float, step: float = 1.0) -> str:
        """Money with the ISO code, as the documents print it: ``SAR 5,950``."""
        return f"{self.currency} {value:,.{0 if step >= 1 else 2}f}"


def _bands(local: LocalPrices, tier: PricedTier, expected: float) -> tuple[Band, ...]:
    # The rep's lowest price sits on the quote's price step, rounded up: within authority.
    raw = local.list_price * (1 - REP_SHARE_OF_EXPECTED * expected)
    rep_lowest = min(
        max(math.ceil(raw / local.step - 1e-9) * local.step, local.target), local.list_price
    )
    notes = [band.note for band in tier.quote_usd.bands]
    limits = [band.max_discount for band in tier.quote_usd.bands]
    return (
        Band("sales rep", rep_lowest, local.list_price, limits[0], notes[0]),
        Band("sales manager", local.target, rep_lowest, limits[1], notes[1]),
        Band("executive", local.floor, local.target, limits[2], notes[2]),
    )


def customer_name(text: str | None) -> str:
    """The customer's name as typed, trimmed; refused if it holds control characters."""
    if not (text or "").strip():
        return ""
    try:
        return check_text(text, "customer name", MAX_CUSTOMER_CHARS)
    except ValueError as exc:
        raise InputError(str(exc), field="customer", value=text) from None


def validity(prepared: date, valid_until: date | None = None) -> date:
    """The last day the offer holds: 30 days after ``prepared`` unless given; never before it."""
    valid_until = valid_until or prepared + timedelta(days=VALID_FOR_DAYS)
    if valid_until < prepared:
        raise InputError(
            f"valid-until date {valid_until.isoformat()} is in the past (the offer is dated "
            f"{prepared.isoformat()})",
            field="valid_until",
            value=valid_until.isoformat(),
        )
    return valid_until


def _risks(plan: MarketPlan, offered: frozenset[str]) -> tuple[str, ...]:
    """The brief's risks: the market's, and each rule of finance's that leaves a tier unsold."""
    fastest = min((t.answer_within_seconds for t in plan.tiers), default=None)
    return (
        risks(plan.market, offered, answer_within_seconds=fastest)
        + _english_desk(plan)
        + _bot_nights(plan, offered)
        + tuple(t.floor_warning for t in plan.tiers if t.floor_warning)
        + tuple(f"Rule: {e.sentence}" for e in plan.rules if e.status == "tier_unsold")
    )


def _bot_nights(plan: MarketPlan, offered: frozenset[str]) -> tuple[str, ...]:
    """A 24/7 tier whose nights a bot answers: what the rep must say, and what live 24/7
    would change."""
    if not plan.workload.bot_nights or "coverage_24x7" not in offered:
        return ()
    expect = plan.market.share_expecting_24x7
    return (
        f"24/7 here is a support bot at night with an agent on call for urgent contacts, not "
        f"agents round the clock ({expect:.0%} of buyers here expect round-the-clock support): "
        "say so before the deal, as the offer does; a buyer who needs people at night is a "
        "case for live 24/7, which costs more (Cost to serve: the delivery models side by "
        "side).",
    )


def _english_desk(plan: MarketPlan) -> tuple[str, ...]:
    """A market served on its hub site's English desk: its first line answers in English."""
    languages = plan.market.support_languages
    if served_languages(plan)[:1] == languages[:1]:
        return ()
    own = language_name(languages[0])
    return (
        f"First-line support for this market is answered in English on a desk shared with "
        f"other markets, not in {own}: the offer says so. Buyers who need {own} should hear it "
        "before they sign; the plan prices every tier at what support in English is worth "
        "to them.",
    )


def _offer_tier(plan: MarketPlan, tier: PricedTier, code: str, rate: Rate, buffer: float):
    """One tier as offered in currency ``code``: its promises, prices and approval bands."""
    usd = tier.quote_usd
    local = (
        tier.local
        if code == plan.market.currency
        else local_price_points(usd.list_price, usd.target, usd.floor, rate, buffer)
    )
    return OfferTier(
        name=tier.name,
        inclusions=inclusions(plan, tier),
        answer_within_seconds=tier.answer_within_seconds,
        ticket_response_seconds=tier.ticket_response_seconds,
        ticket_promise=ticket_promise(tier, plan.workload.bot_nights),
        coverage=tier.coverage,
        list_local=local.list_price,
        target_local=local.target,
        floor_local=local.floor,
        list_usd=usd.list_price,
        target_usd=usd.target,
        floor_usd=usd.floor,
        bands=_bands(local, tier, plan.market.expected_discount),
        step=local.step,
    )


def build_offer(
    plan: MarketPlan,
    prepared: date | None = None,
    *,
    customer: str | None = "",
    valid_until: date | None = None,
    currency: str | None = None,
    book: RateBook = DEFAULT_BOOK,
) -> Offer:
    """The offer of ``plan``'s tiers to ``customer``, quoted in ``currency`` (default: the
    market's own, at the plan's rate; another currency at ``book``'s rate and buffer), valid
    from ``prepared`` (today) until ``valid_until`` (30 days later; never before ``prepared``)."""
    prepared = prepared or date.today()
    valid_until = validity(prepared, valid_until)
    market = plan.market
    code = (currency or market.currency).strip().upper()
    if code == market.currency:
        rate, buffer = plan.rate, plan.buffer
    else:
        rate, buffer = book.rate("USD", code), book.buffer(code)[0]
    tiers = [_offer_tier(plan, tier, code, rate, buffer) for tier in plan.tiers]
    offered = {option for tier in plan.tiers for option in tier.options}
    quoted = market if code == market.currency else dataclasses.replace(market, currency=code)
    return Offer(
        market_code=market.code,
        market_name=market.name,
        currency=code,
        tiers=tuple(tiers),
        advice=guidance(market, languages=offered_languages(plan)),
        risks=_risks(plan, frozenset(offered)),
        notes=customer_notes(quoted),
        rate=rate,
        buffer=buffer,
        prepared=prepared,
        valid_until=valid_until,
        customer=customer_name(customer),
        message=plan.solution.message,
    )


def terms(offer: Offer) -> str:
    """The company's terms, printed on every customer offer."""
    return (
        f"All prices are per account per year in {offer.currency} and exclude taxes. This offer "
        f"is valid until {offer.valid_until.isoformat()} and is subject to contract: it binds "
        "neither party until both have signed a support agreement."
    )


def _public_source(source: str) -> str:
    """A rate's source as a customer may read it: the institution, not our working notes."""
    parts = []
    for part in source.split("; "):
        if part.startswith(ECB_SOURCE):
            part = "European Central Bank euro reference rate"
        elif part.startswith(LIVE_SOURCE):
            part = "market rate on the day"
        elif part.startswith("budget rate"):
            part = "our planning rate"
        elif "refresh before quoting" in part:
            continue
        parts.append(part.removeprefix("assumption: "))
    return "; ".join(dict.fromkeys(parts)) or "our planning rate"


def rate_explained(offer: Offer) -> str:
    """The exchange rate for the customer: its figure, its date and its source."""
    rate = offer.rate
    if rate.base == rate.quote:
        return f"Prices are set in {offer.currency_name} ({offer.currency}); no conversion."
    pegged = rate.kinds and all(kind == "peg" for kind in rate.kinds)
    when = f"pegged since {rate.as_of.isoformat()}" if pegged else rate.as_of.isoformat()
    return (
        f"Reference exchange rate: 1 {rate.base} = {rate.rate:,.4f} {rate.quote}; "
        f"date: {when}; source: {_public_source(rate.source)}."
    )


def chart_tiers(offer: Offer) -> list[dict]:
    """The offer's tiers as :func:`pricing.outputs.negotiation_chart.negotiation_chart` draws
    them: approval bands and list, target and floor markers, in the quoted currency."""
    return [
        {
            "name": t.name,
            "bands": [(b.approver, b.lowest_local, b.highest_local) for b in t.bands],
            "list": t.list_local,
            "target": t.target_local,
            "floor": t.floor_local,
        }
        for t in offer.tiers
    ]
