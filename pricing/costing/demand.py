"""The load an account brings a market's desks: its contacts spread over the week (business
hours, off hours, the backlog of the closed hours), how they are answered (live or not) and which
desk each reaches (routing by option set and language); and, from it, the peak load a market
puts on one server, estimated before anything is costed (:mod:`pricing.inputs.limits`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pricing.costing.night import BotNights
from pricing.costing.service import ChannelMix, channel_mix
from pricing.costing.week import (
    SLOT_HOURS,
    SLOTS_PER_WEEK,
    WEEKS_PER_YEAR,
    MarketWeek,
    market_week,
)
from pricing.inputs.limits import MAX_PEAK_ERLANGS
from pricing.models import CostParameters, Market

BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Demand:
    """Erlangs per account in a slot, by when the contact arrives and how it is answered."""

    business: float  # a business-hours slot, arriving then
    off: float  # an off-hours slot, arriving then
    backlog: float  # a business-hours slot, worked from the closed hours before it
    live_share: float  # answered live (phone, chat); the rest async
    shares: Mapping[str, float]  # contacts by support language
    first: str
    has_local: bool

    def route(self, option_set: frozenset[str], desk: str) -> float:
        """Share of an account's business-hours contacts on this set that reach the desk."""
        local = "local_office" in option_set and self.has_local
        if desk == "local":
            return 1.0 if local else 0.0
        if local:
            return 0.0
        split = "multilingual" in option_set and len(self.shares) > 1
        language = self.first if desk == "hub" else desk.removeprefix("lang:")
        return self.shares.get(language, 0.0) if split else (1.0 if desk == "hub" else 0.0)


def demand_of(market: Market, week: MarketWeek, mix: ChannelMix, has_local: bool) -> Demand:
    business = week.business
    business_hours = business.sum() * SLOT_HOURS
    off_hours = (~business).sum() * SLOT_HOURS
    erlangs = market.contacts_per_account_month * 12.0 / WEEKS_PER_YEAR * market.aht_seconds / 3600
    off = market.off_hours_contact_share
    return Demand(
        business=erlangs * (1.0 - off) / business_hours,
        off=erlangs * off / off_hours if off_hours else 0.0,
        backlog=erlangs * off / business_hours,
        live_share=mix.live_share,
        shares=dict(zip(market.support_languages, market.language_shares, strict=True)),
        first=market.primary_language,
        has_local=has_local,
    )


def peak_erlangs_per_account(market: Market, params: CostParameters | None = None) -> float:
    """Erlangs one account adds to the busiest slot any desk can have (the load the capacity
    tables are sized on): its business-hours contacts plus the backlog of the closed hours, or
    a 24/7 line's night load where that is higher. Cheap: no desk is built."""
    params = params or CostParameters()
    week = market_week(market.code, market.timezone, params.business_hours)
    mix = channel_mix(market.preferred_channels, market.answer_target_seconds)
    demand = demand_of(market, week, mix, has_local=False)
    return max(demand.business + demand.backlog, demand.off)


def peak_load_problem(
    market: Market, accounts: float | None = None, params: CostParameters | None = None
) -> str | None:
    """Why one server cannot cost ``market`` at ``accounts`` (default: its own), or None.

    The peak load (agents busy at once) is estimated before anything is computed and held to
    :data:`~pricing.inputs.limits.MAX_PEAK_ERLANGS`; the message names the figures that make it.
    """
    accounts = market.accounts if accounts is None else accounts
    per_account = peak_erlangs_per_account(market, params)
    peak = accounts * per_account
    if peak <= MAX_PEAK_ERLANGS:
        return None
    most = int(MAX_PEAK_ERLANGS / per_account)
    return (
        f"{accounts:,.0f} accounts × {market.contacts_per_account_month:,g} contacts a month × "
        f"{market.aht_seconds:,g} s each need {erlangs_text(peak)} agents busy at once at the "
        "peak; "
        f"one server costs markets up to {MAX_PEAK_ERLANGS:,.0f} (here: at most {most:,} "
        "accounts)"
    )


def erlangs_text(load: float) -> str:
    return f"{load:,.0f}" if load < 1e12 else f"{load:.2g}"


def desk_loads(name: str, sets, demand: Demand, business: BoolArray, bot: BotNights | None = None):
    """(live, total, opens) per option set and slot of one desk; with ``bot``, a 24/7 set's
    night contacts are answered by self-service first (:mod:`pricing.costing.night`)."""
    live = np.zeros((len(sets), SLOTS_PER_WEEK))
    total = np.zeros((len(sets), SLOTS_PER_WEEK))
    opens = np.zeros((len(sets), SLOTS_PER_WEEK), dtype=bool)
    for i, option_set in enumerate(sets):
        share = demand.route(option_set, name)
        always = "coverage_24x7" in option_set
        # Night contacts left for the morning: all without 24/7, the bot's unresolved and not
        # urgent with it; the rest of a 24/7 set's are answered at night.
        waiting = (bot.waiting if bot else 0.0) if always else 1.0
        answered = bot.on_call if bot else 1.0
        live[i, business] = demand.business * demand.live_share * share
        total[i, business] = (demand.business + waiting * demand.backlog) * share
        opens[i, business] = share > 0
        if name == "hub" and always:  # the night line answers every language
            live[i, ~business] = demand.off * demand.live_share * answered
            total[i, ~business] = demand.off * answered
            opens[i, ~business] = True
    return live, total, opens
