"""Desks: where agents sit, what an hour of theirs costs, and which slots of a desk are alike.

A desk answers one market's contacts in one language (the hub's desk, a language desk, the local
team). Its agents sit at a site (a market's wage, seats, clock and working week); outside
business hours a hub desk's slots may be staffed at another hub where it is daytime
(follow-the-sun). Slots alike in every respect that staffing and money depend on are grouped,
so a desk has a handful of groups rather than 672 slots.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pricing.costing.week import (
    SLOT_HOURS,
    SLOTS_PER_WEEK,
    WEEKS_PER_YEAR,
    MarketWeek,
    in_zone,
    market_week,
)
from pricing.errors import InputError
from pricing.inputs.sites import HubSite, shipped_sites
from pricing.models import CostParameters, Market

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


STAFF_COMPONENTS: tuple[str, ...] = (
    "agent_wages_usd",
    "night_weekend_premium_usd",
    "language_premium_usd",
    "seat_costs_usd",
    "site_overhead_usd",
)


@dataclass(frozen=True)
class Site:
    """Where agents work: wage, seat cost, clock, working week and native languages.

    ``overhead_per_fte_usd`` is a hub's site lead and shared space (its ``office_fixed_usd``)
    shared by the seats it holds; a local office pays its rent in full instead.
    """

    code: str
    agent_cost_usd: float
    seat_cost_usd: float
    week: MarketWeek
    languages: frozenset[str]
    overhead_per_fte_usd: float = 0.0


def site_of(market: Market, params: CostParameters, *, hub: bool = True) -> Site:
    """Agents hired in a market. English is taken to be hireable everywhere."""
    return Site(
        market.code,
        market.agent_cost_usd,
        market.seat_cost_usd,
        market_week(market.code, market.timezone, params.business_hours),
        frozenset(market.support_languages) | {"en"},
        market.office_fixed_usd / params.hub_site_seats if hub else 0.0,
    )


@dataclass(frozen=True)
class SlotGroup:
    """Slots of one desk that are alike: staffed with the same whole number of agents."""

    desk: str
    slots: tuple[int, ...]  # week slots, market local time
    staffed_at: tuple[str, ...]  # the site working each slot
    hours_per_year: float  # duty hours a year of one agent on duty in every slot of the group
    rate_usd: Mapping[str, float]  # cost of one agent on duty for one hour, by component
    business: bool  # the market's business hours (else nights, weekends)

    @property
    def usd_per_agent(self) -> float:
        """Annual cost of one more agent on duty in every slot of the group."""
        return self.hours_per_year * sum(self.rate_usd.values())


def hourly_rates(site: Site, shift: int, language: str, params: CostParameters) -> FloatArray:
    """Cost of one agent on duty for one hour at ``site``, per slot of the market's week.

    Columns follow ``STAFF_COMPONENTS``; the night/weekend premium applies outside the site's
    own daytime on its own working days.
    """
    hourly = site.agent_cost_usd / params.paid_hours_per_fte / (1.0 - params.shrinkage)
    daytime = in_zone(site.week.daytime(params.day_hours), shift)
    rates = np.zeros((SLOTS_PER_WEEK, len(STAFF_COMPONENTS)))
    rates[:, 0] = hourly
    rates[:, 1] = np.where(daytime, 0.0, hourly * params.night_weekend_premium)
    rates[:, 2] = 0.0 if language in site.languages else hourly * params.language_premium
    per_fte = 1.0 / params.paid_hours_per_fte / (1.0 - params.shrinkage)
    rates[:, 3] = site.seat_cost_usd * per_fte
    rates[:, 4] = site.overhead_per_fte_usd * per_fte
    return rates


def sites_in_use(params: CostParameters) -> Mapping[str, HubSite]:
    """The hub sites of ``params``, or the shipped ones (``data/sites.csv``), by code."""
    return {s.code: s for s in params.sites} if params.sites else shipped_sites()  # type: ignore[attr-defined]


def site_named(code: str, markets: Mapping[str, Market], params: CostParameters) -> Site | None:
    """The hub site ``code`` (``data/sites.csv``), or else the market of that code in
    ``markets`` as a site (a market that is its own hub, say); None when neither exists."""
    site = sites_in_use(params).get(code)
    if site is not None:
        return Site(
            site.code,
            site.agent_cost_usd,
            site.seat_cost_usd,
            market_week(site.code, site.timezone, params.business_hours),
            frozenset(site.languages),
            site.overhead_per_seat_usd,
        )
    return site_of(markets[code], params) if code in markets else None


def hub_of(market: Market, markets: Mapping[str, Market], params: CostParameters) -> Site:
    """The site of ``market``'s regional hub (:func:`site_named`)."""
    found = site_named(market.remote_hub, markets, params)
    if found is None:
        raise InputError(
            f"market {market.code}: remote_hub {market.remote_hub!r} is neither a hub site "
            f"({', '.join(sites_in_use(params))}) nor a market of the file",
            field="remote_hub",
            value=market.remote_hub,
        )
    return found


def hub_sites(markets: Mapping[str, Market], params: CostParameters) -> list[Site]:
    """Every site that may take a desk's night slots (follow-the-sun), by code: each hub site,
    and each hub of the file that is a market of it."""
    named = {m.remote_hub for m in markets.values() if m.remote_hub in markets}
    codes = sorted(set(sites_in_use(params)) | named)
    return [site for site in (site_named(c, markets, params) for c in codes) if site is not None]


@dataclass
class Desk:
    name: str
    language: str
    sites: list[Site]  # per slot
    rates: FloatArray  # (slots, components)
    live: FloatArray  # (sets, slots)
    total: FloatArray
    opens: BoolArray
    priority: BoolArray


def desk_rates(
    home: Site,
    shift: int,
    others: list[tuple[Site, int]],
    business: BoolArray,
    language: str,
    params: CostParameters,
) -> tuple[FloatArray, list[Site]]:
    """Per slot: the rate components and the site staffing it. Business hours stay with the
    home site; other slots go to whichever site (``others``: follow-the-sun) costs least."""
    candidates = [(home, hourly_rates(home, shift, language, params))]
    candidates += [(site, hourly_rates(site, offset, language, params)) for site, offset in others]
    per_hour = np.array([rates.sum(axis=1) for _, rates in candidates])  # (sites, slots)
    per_hour[1:, business] = np.inf
    best = np.argmin(per_hour, axis=0)  # ties keep the home site (index 0)
    rates = np.array([candidates[b][1][slot] for slot, b in enumerate(best)])
    return rates, [candidates[b][0] for b in best]


def slot_groups(
    desk: Desk, business: BoolArray, week: MarketWeek, *, holidays_closed: bool = True
) -> list[tuple[SlotGroup, int]]:
    """The desk's slots grouped where they are alike; each group with one representative slot.
    A desk shared by several markets (``holidays_closed=False``) is paid every week."""
    features = np.vstack(
        [desk.live, desk.total, desk.opens, desk.priority, desk.rates.T, business[None, :]]
    ).T
    # Alike slots share a key: two random projections of their rounded features.
    projection = np.random.default_rng(0).standard_normal((features.shape[1], 2))
    keys = np.round(features, 12) @ projection
    _, first_index, inverse = np.unique(
        keys[:, 0] + 1j * keys[:, 1], return_index=True, return_inverse=True
    )
    inverse = inverse.reshape(-1)
    found = []
    for j, slot in enumerate(first_index):
        members = np.flatnonzero(inverse == j)
        if not desk.opens[:, members[0]].any():
            continue  # no sale ever opens these slots
        # The business-hours desk is closed on public holidays.
        opened_share = week.open_share if business[slot] and holidays_closed else 1.0
        group = SlotGroup(
            desk=desk.name,
            slots=tuple(int(m) for m in members),
            staffed_at=tuple(desk.sites[m].code for m in members),
            hours_per_year=len(members) * SLOT_HOURS * WEEKS_PER_YEAR * opened_share,
            rate_usd=dict(zip(STAFF_COMPONENTS, desk.rates[slot].tolist(), strict=True)),
            business=bool(business[slot]),
        )
        found.append((group, int(slot)))
    return found


def desk_names(market: Market, options, has_local: bool) -> list[str]:
    names = ["hub"]
    if "multilingual" in options:
        names += [f"lang:{lang}" for lang in market.support_languages[1:]]
    if has_local and "local_office" in options:
        names.append("local")
    return names
