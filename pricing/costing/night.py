"""24/7 by self-service at night: what a 24/7 tier's night line costs when a bot answers first.

Outside business hours a bot resolves ``bot_resolution_share`` of a 24/7 account's contacts, at
``bot_usd_per_resolution`` each; of the rest, ``urgent_share`` is answered by an agent on call at
the hub and the others wait for the morning, worked with the business-hours backlog like the
night contacts of a tier without 24/7. The agent on call is staffed as any desk (whole agents
per slot, at least the minimum in every night slot) at ``on_call_pay_share`` of an hour on duty
(standby: wages and premiums only, at home: no seat or site), and every hour worked on call is
paid as an hour on duty (the hub's mean night rate), less the standby already paid. Each
figure's source is in data/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pricing.costing.desks import STAFF_COMPONENTS, Site, hourly_rates
from pricing.costing.week import MarketWeek, shift_slots
from pricing.models import CostParameters, Market

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

# The rate components an agent on call is paid standby for (not a seat or site: at home).
STANDBY_PAID = ("agent_wages_usd", "night_weekend_premium_usd", "language_premium_usd")
# What a 24/7 account adds besides agents on duty (USD a year per account, by component).
SELF_SERVICE, ON_CALL_WORKED = "self_service_usd", "on_call_worked_usd"


@dataclass(frozen=True)
class BotNights:
    """The shares of a 24/7 account's night contacts: resolved by the bot, answered on call,
    waiting for the morning; and an on-call hour's pay against an hour on duty."""

    resolved: float
    urgent: float
    pay_share: float

    @classmethod
    def of(cls, params: CostParameters) -> BotNights:
        return cls(params.bot_resolution_share, params.urgent_share, params.on_call_pay_share)

    @property
    def on_call(self) -> float:
        return (1.0 - self.resolved) * self.urgent

    @property
    def waiting(self) -> float:
        return (1.0 - self.resolved) * (1.0 - self.urgent)


def standby_rates(rates: FloatArray, business: BoolArray, pay_share: float) -> FloatArray:
    """A desk's rates per slot (columns ``STAFF_COMPONENTS``) with its night slots paid as
    standby: ``pay_share`` of wages and premiums, no seat or site."""
    paid = np.array([pay_share if c in STANDBY_PAID else 0.0 for c in STAFF_COMPONENTS])
    scaled = rates.copy()
    scaled[~business] = rates[~business] * paid
    return scaled


def per_account_usd(
    market: Market,
    bot: BotNights,
    hub: Site,
    shift: int,
    business: BoolArray,
    params: CostParameters,
) -> dict[str, float]:
    """What one 24/7 account adds a year at night besides the agents on call: the bot's
    resolutions, and the hours worked on call paid in full (their standby is in the staffing)."""
    night_contacts = market.contacts_per_account_month * 12.0 * market.off_hours_contact_share
    rates = hourly_rates(hub, shift, market.primary_language, params)
    # An hour worked on call is paid as an hour on duty; its standby is already paid.
    extra = (rates - standby_rates(rates, np.zeros_like(business), bot.pay_share)).sum(axis=1)
    worked_rate = float(extra[~business].mean()) if (~business).any() else 0.0
    worked_hours = night_contacts * bot.on_call * market.aht_seconds / 3600.0
    return {
        SELF_SERVICE: night_contacts * bot.resolved * params.bot_usd_per_resolution,
        ON_CALL_WORKED: worked_hours * worked_rate,
    }


def night_costs(
    market: Market,
    bot: BotNights | None,
    hub: Site,
    week: MarketWeek,
    options: tuple[str, ...],
    params: CostParameters,
) -> dict[str, dict[str, float]]:
    """A workload's costs per account by option (``Workload.per_account_usd``): with ``bot``,
    a 24/7 account's :func:`per_account_usd`; none otherwise."""
    if bot is None or "coverage_24x7" not in options:
        return {}
    shift = shift_slots(week.utc_offset_minutes, hub.week.utc_offset_minutes)
    return {"coverage_24x7": per_account_usd(market, bot, hub, shift, week.business, params)}
