"""Coverage maths: which hours of the week are staffed, where, and at what premium.

A week is 168 hours, index ``day * 24 + hour`` in the market's local time, Monday 00:00 = 0.
Contacts arrive in business hours and, less often, outside them (``off_hours_contact_share``).
Hours the support desk does not cover are not lost: their contacts wait and are worked as a
backlog in the business hours (more work, but no answer-time target: they are already late).
Hours outside the agent's local daytime or at the weekend pay the night/weekend premium, in the
time zone of the agent: that is what makes follow-the-sun cheaper than night shifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from pricing.models import CostParameters

HOURS_PER_WEEK = 168
WEEKS_PER_YEAR = 52.0
WEEKDAYS = range(5)
MONDAY_TO_SATURDAY = range(6)
ALL_DAYS = range(7)

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


class Coverage(StrEnum):
    """Hours a support desk answers live, in the market's local time."""

    BUSINESS_HOURS = "business_hours"
    EXTENDED_HOURS = "extended_hours"
    ALWAYS = "24x7"


def week_mask(days: range, window: tuple[int, int]) -> BoolArray:
    """True for the hours ``window[0] <= hour < window[1]`` on the given days (0 = Monday)."""
    mask = np.zeros((7, 24), dtype=bool)
    start, end = window
    mask[list(days), start:end] = True
    return mask.reshape(HOURS_PER_WEEK)


def business_mask(params: CostParameters) -> BoolArray:
    return week_mask(WEEKDAYS, params.business_hours)


def covered_mask(coverage: Coverage, params: CostParameters) -> BoolArray:
    """Hours staffed live under a coverage level; business hours are always covered."""
    if coverage is Coverage.ALWAYS:
        return np.ones(HOURS_PER_WEEK, dtype=bool)
    if coverage is Coverage.EXTENDED_HOURS:
        return week_mask(MONDAY_TO_SATURDAY, params.extended_hours) | business_mask(params)
    return business_mask(params)


def premium_mask(params: CostParameters) -> BoolArray:
    """Hours (in the agent's own local time) paid at the night/weekend premium."""
    return ~week_mask(WEEKDAYS, params.day_hours)


def arrival_weights(off_hours_contact_share: float, params: CostParameters) -> FloatArray:
    """Share of a week's contacts arriving in each hour (sums to 1).

    Within business hours and within the other hours arrivals are spread evenly; a profile per
    hour would sharpen the peaks, but market files rarely know one.
    """
    business = business_mask(params)
    weights = np.where(
        business,
        (1.0 - off_hours_contact_share) / business.sum(),
        off_hours_contact_share / (~business).sum(),
    )
    return weights.astype(float)


def workload_weights(
    off_hours_contact_share: float, coverage: Coverage, params: CostParameters
) -> tuple[FloatArray, FloatArray]:
    """Share of a week's contacts handled in each hour: (live, deferred).

    Live contacts arrive while the desk is open and are answered against the service level.
    Contacts that arrive while it is closed are worked as a backlog spread over the business
    hours: they add work (occupancy) but no answer-time target, since they are already late.
    """
    arrivals = arrival_weights(off_hours_contact_share, params)
    covered = covered_mask(coverage, params)
    business = business_mask(params)
    live = np.where(covered, arrivals, 0.0)
    deferred = np.where(business, arrivals[~covered].sum() / business.sum(), 0.0)
    return live, deferred


def shift_hours(offset_from_hours: float, offset_to_hours: float) -> int:
    """Whole hours to add to a local hour of one zone to read it in another.

    Half-hour zones (India, +5:30) are rounded: staffing is planned in whole hours.
    """
    return round(offset_to_hours - offset_from_hours)


def in_zone(mask: BoolArray, shift: int) -> BoolArray:
    """A mask defined in another zone's local hours, read at this zone's hours.

    ``result[h] = mask[h + shift]``: hour ``h`` here is hour ``h + shift`` there.
    """
    return np.roll(mask, -shift)


@dataclass(frozen=True)
class Site:
    """A place agents work from: its wage, time zone and the languages its people speak."""

    code: str
    agent_cost_usd: float
    seat_cost_usd: float
    utc_offset_hours: float
    languages: frozenset[str]


def follow_the_sun(
    home: Site,
    hubs: tuple[Site, ...],
    language: str,
    params: CostParameters,
    market_offset_hours: float,
) -> tuple[Site, ...]:
    """Which site staffs each hour of the market's week under follow-the-sun 24/7.

    The market's business hours stay with its home hub. Every other hour goes to the cheapest
    hub (wage plus any language premium) for which it is a weekday daytime hour locally; hours
    that are nobody's weekday daytime (weekends) stay with the home hub at its premium.
    """
    business = business_mask(params)
    daytime = week_mask(WEEKDAYS, params.day_hours)

    def hourly(site: Site) -> float:
        premium = 0.0 if language in site.languages else params.language_premium
        return site.agent_cost_usd * (1.0 + premium)

    ranked = sorted(hubs, key=hourly)
    plan: list[Site] = []
    for hour in range(HOURS_PER_WEEK):
        chosen = home
        if not business[hour]:
            for hub in ranked:
                local = (hour + shift_hours(market_offset_hours, hub.utc_offset_hours)) % 168
                if daytime[local]:
                    chosen = hub
                    break
        plan.append(chosen)
    return tuple(plan)
