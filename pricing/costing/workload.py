"""The step cost of serving a market: its desks, their slots and the load each sold account adds.

This is what the tier MILP and every cost report price, so that both count the same agents.

A market's accounts reach up to three kinds of desk (see :mod:`pricing.costing.service`):

* ``hub``: the regional hub's desk in the market's first language. It is open in the market's
  business hours whenever anything is sold, and outside them once a sold tier holds 24/7;
  outside business hours each slot is staffed where that costs least (the hub at its night
  premium, or another hub for which it is daytime: follow-the-sun);
* ``lang:<xx>``: one desk per other support language, business hours, at the hub (the language
  premium where the hub has no native speakers);
* ``local``: the local team, business hours, at the market's own wage (not for a market that is
  its own hub).

Every desk is staffed with whole agents in every quarter-hour slot: the least N that carries
the slot's load within its targets (:mod:`pricing.costing.capacity`) and at least the minimum
on duty while open. Slots that are alike (same loads per account, same rate, same openings) are
grouped, so a market has a dozen groups rather than 672 slots per desk.

What an account adds depends on the whole option set of the tier it buys (a local-office
account's contacts leave the hub; a multilingual one's split by language), so the load is given
per *option set* S: ``live[S, g]`` and ``total[S, g]`` Erlangs per account in slot group g.
The load of a group is then linear in the accounts buying each set, which is what lets the MILP
hold the step cost exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from pricing.costing.capacity import CapacityTable, Targets, capacity_table
from pricing.costing.service import TIER_OPTIONS, ChannelMix, channel_mix
from pricing.costing.week import (
    SLOT_HOURS,
    SLOTS_PER_WEEK,
    WEEKS_PER_YEAR,
    MarketWeek,
    in_zone,
    market_week,
    shift_slots,
)
from pricing.errors import InputError
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
FIXED_COMPONENTS: tuple[str, ...] = ("office_fixed_usd", "setup_amortisation_usd")


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


@dataclass(frozen=True)
class Workload:
    """The step-cost data of one market (see the module docstring)."""

    market: str
    options: tuple[str, ...]
    sets: tuple[frozenset[str], ...]
    groups: tuple[SlotGroup, ...]
    live: FloatArray  # (sets, groups) Erlangs per account
    total: FloatArray  # (sets, groups) Erlangs per account
    opens: BoolArray  # (sets, groups): selling this set opens the group
    priority: BoolArray  # (sets, groups): selling this set puts priority contacts there
    fixed_usd: Mapping[str, Mapping[str, float]]  # option -> component -> annual USD
    capacity: CapacityTable
    min_on_duty: int
    week: MarketWeek
    mix: ChannelMix
    hub: str
    has_local_desk: bool
    notes: tuple[str, ...] = field(default=())

    def set_index(self, options: frozenset[str] | tuple[str, ...]) -> int:
        wanted = frozenset(o for o in options if o in self.options)
        return self.sets.index(wanted)

    def evaluate(self, accounts: FloatArray) -> Evaluation:
        """Exact cost of each configuration: ``accounts[k, S]`` accounts sold on option set S."""
        accounts = np.atleast_2d(np.asarray(accounts, dtype=float))
        sold = accounts > 0
        live = accounts @ self.live
        total = accounts @ self.total
        opened = (sold.astype(float) @ self.opens.astype(float)) > 0
        priority = (sold.astype(float) @ self.priority.astype(float)) > 0
        agents = self.capacity.agents(live, total, priority, self.min_on_duty * opened)
        hours = np.array([g.hours_per_year for g in self.groups])
        components = {
            name: agents @ (hours * np.array([g.rate_usd.get(name, 0.0) for g in self.groups]))
            for name in STAFF_COMPONENTS
        }
        for name in (*FIXED_COMPONENTS, "holiday_cover_usd"):
            components.setdefault(name, np.zeros(len(accounts)))
        for option, parts in self.fixed_usd.items():
            holds = np.array([option in s for s in self.sets])
            used = (sold & holds[None, :]).any(axis=1)
            for name, usd in parts.items():
                components[name] = components.get(name, np.zeros(len(accounts))) + used * usd
        return Evaluation(self, accounts, agents, live, total, components)


@dataclass(frozen=True)
class Evaluation:
    """Agents and cost of configurations of one market's workload."""

    workload: Workload
    accounts: FloatArray
    agents: NDArray[np.int64]  # (k, groups)
    live: FloatArray
    total: FloatArray
    components: Mapping[str, FloatArray]

    @property
    def cost_usd(self) -> FloatArray:
        return np.sum(list(self.components.values()), axis=0)


def _rates(site: Site, shift: int, language: str, params: CostParameters) -> FloatArray:
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


def _hub_of(market: Market, markets: Mapping[str, Market]) -> Market:
    try:
        return markets[market.remote_hub]
    except KeyError:
        raise InputError(
            f"market {market.code}: remote_hub {market.remote_hub!r} is not a market of the file",
            field="remote_hub",
            value=market.remote_hub,
        ) from None


@dataclass
class _Desk:
    name: str
    language: str
    sites: list[Site]  # per slot
    rates: FloatArray  # (slots, components)
    live: FloatArray  # (sets, slots)
    total: FloatArray
    opens: BoolArray
    priority: BoolArray


def _option_sets(options: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    return tuple(
        frozenset(combo)
        for size in range(len(options) + 1)
        for combo in itertools.combinations(options, size)
    )


def build_workload(
    market: Market,
    markets: Mapping[str, Market],
    params: CostParameters | None = None,
    *,
    options: tuple[str, ...] = TIER_OPTIONS,
    follow_the_sun: bool = True,
    max_accounts: float | None = None,
    answer_target_seconds: float | None = None,
) -> Workload:
    """The desks, slot groups and per-account loads of a market (see the module docstring).

    ``max_accounts`` sizes the capacity tables (default: the market's accounts);
    ``answer_target_seconds`` overrides the market's live answer target.
    """
    params = params or CostParameters()
    hub = _hub_of(market, markets)
    week = market_week(market.code, market.timezone, params.business_hours)
    mix = channel_mix(
        market.preferred_channels,
        market.answer_target_seconds if answer_target_seconds is None else answer_target_seconds,
    )
    hub_site = site_of(hub, params)
    local_site = site_of(market, params, hub=False)
    has_local = hub.code != market.code
    hub_sites = [
        site_of(markets[code], params)
        for code in sorted({m.remote_hub for m in markets.values()} & set(markets))
    ]
    sets = _option_sets(tuple(o for o in TIER_OPTIONS if o in options))
    business = week.business
    business_hours = business.sum() * SLOT_HOURS
    off_hours = (~business).sum() * SLOT_HOURS
    weekly = market.contacts_per_account_month * 12.0 / WEEKS_PER_YEAR
    erlangs = market.aht_seconds / 3600.0
    per_business = weekly * (1.0 - market.off_hours_contact_share) / business_hours * erlangs
    per_off = weekly * market.off_hours_contact_share / off_hours * erlangs if off_hours else 0.0
    backlog = weekly * market.off_hours_contact_share / business_hours * erlangs
    shares = dict(zip(market.support_languages, market.language_shares, strict=True))
    first = market.primary_language
    phi = mix.live_share

    def route(option_set: frozenset[str], desk: str) -> float:
        """Share of a business-hours contact of an account on this set that reaches the desk."""
        local = "local_office" in option_set and has_local
        if desk == "local":
            return 1.0 if local else 0.0
        if local:
            return 0.0
        split = "multilingual" in option_set and len(shares) > 1
        language = first if desk == "hub" else desk.removeprefix("lang:")
        return shares.get(language, 0.0) if split else (1.0 if desk == "hub" else 0.0)

    desk_names = ["hub"] + [f"lang:{lang}" for lang in market.support_languages[1:]]
    if has_local and "local_office" in options:
        desk_names.append("local")
    if "multilingual" not in options:
        desk_names = [d for d in desk_names if not d.startswith("lang:")]
    shift_hub = shift_slots(week.utc_offset_minutes, hub_site.week.utc_offset_minutes)
    desks = []
    for name in desk_names:
        language = first if name in ("hub", "local") else name.removeprefix("lang:")
        home = local_site if name == "local" else hub_site
        shift_home = 0 if name == "local" else shift_hub
        live = np.zeros((len(sets), SLOTS_PER_WEEK))
        total = np.zeros((len(sets), SLOTS_PER_WEEK))
        opens = np.zeros((len(sets), SLOTS_PER_WEEK), dtype=bool)
        candidates = [(home, _rates(home, shift_home, language, params))]
        if name == "hub" and follow_the_sun:
            candidates += [
                (
                    other,
                    _rates(
                        other,
                        shift_slots(week.utc_offset_minutes, other.week.utc_offset_minutes),
                        language,
                        params,
                    ),
                )
                for other in hub_sites
                if other.code != home.code
            ]
        per_hour = np.array([rates.sum(axis=1) for _, rates in candidates])  # (sites, slots)
        # Business hours stay with the home desk; other slots go where they cost least.
        per_hour[1:, business] = np.inf
        best = np.argmin(per_hour, axis=0)  # ties keep the home desk (index 0)
        rates = np.array([candidates[b][1][slot] for slot, b in enumerate(best)])
        sites = [candidates[b][0] for b in best]
        for i, option_set in enumerate(sets):
            share = route(option_set, name)
            always = "coverage_24x7" in option_set
            live[i, business] = per_business * phi * share
            total[i, business] = per_business * share + (0.0 if always else backlog * share)
            opens[i, business] = share > 0
            if name == "hub" and always:
                live[i, ~business] = per_off * phi
                total[i, ~business] = per_off
                opens[i, ~business] = True
        priority = opens & np.array(["priority_response" in s for s in sets])[:, None]
        desks.append(_Desk(name, language, sites, rates, live, total, opens, priority))
    groups, live_cols, total_cols, open_cols, prio_cols = [], [], [], [], []
    for desk in desks:
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
        for j, slot in enumerate(first_index):
            members = np.flatnonzero(inverse == j)
            if not desk.opens[:, members[0]].any():
                continue  # no sale ever opens these slots
            opened_share = week.open_share if business[slot] else 1.0
            groups.append(
                SlotGroup(
                    desk=desk.name,
                    slots=tuple(int(m) for m in members),
                    staffed_at=tuple(desk.sites[m].code for m in members),
                    hours_per_year=len(members) * SLOT_HOURS * WEEKS_PER_YEAR * opened_share,
                    rate_usd=dict(zip(STAFF_COMPONENTS, desk.rates[slot].tolist(), strict=True)),
                    business=bool(business[slot]),
                )
            )
            live_cols.append(desk.live[:, slot])
            total_cols.append(desk.total[:, slot])
            open_cols.append(desk.opens[:, slot])
            prio_cols.append(desk.priority[:, slot])
    fixed: dict[str, dict[str, float]] = {}
    if has_local and "local_office" in options:
        fixed["local_office"] = {
            "office_fixed_usd": market.office_fixed_usd,
            "setup_amortisation_usd": market.office_setup_usd / market.setup_amortisation_years,
        }
    if "coverage_24x7" in options and week.holidays:
        # The business-hours desk closes on public holidays; a 24/7 line stays open, at least
        # the minimum on duty through the business hours of each holiday, paid as a weekend.
        hours = len(week.holidays) * (params.business_hours[1] - params.business_hours[0])
        day = next((g.rate_usd for g in groups if g.desk == "hub" and g.business), None)
        if day is not None:
            weekend = {
                **day,
                "night_weekend_premium_usd": day["agent_wages_usd"] * params.night_weekend_premium,
            }
            fixed["coverage_24x7"] = {
                "holiday_cover_usd": hours * params.min_agents_on_duty * sum(weekend.values())
            }
    live_matrix = np.array(live_cols).T if live_cols else np.zeros((len(sets), 0))
    total_matrix = np.array(total_cols).T if total_cols else np.zeros((len(sets), 0))
    top = max(float(max_accounts if max_accounts is not None else market.accounts), 1.0)
    most = float(total_matrix.max(initial=0.0)) * top
    targets = Targets(
        live_seconds=mix.live_seconds,
        live_priority_seconds=mix.live_priority_seconds,
        async_seconds=mix.async_seconds,
        async_priority_seconds=mix.async_priority_seconds,
        aht_seconds=market.aht_seconds,
        service_level=params.service_level,
        max_occupancy=params.max_occupancy,
    )
    return Workload(
        market=market.code,
        options=tuple(o for o in TIER_OPTIONS if o in options),
        sets=sets,
        groups=tuple(groups),
        live=live_matrix,
        total=total_matrix,
        opens=np.array(open_cols).T if open_cols else np.zeros((len(sets), 0), dtype=bool),
        priority=np.array(prio_cols).T if prio_cols else np.zeros((len(sets), 0), dtype=bool),
        fixed_usd=fixed,
        capacity=capacity_table(targets, most),
        min_on_duty=params.min_agents_on_duty,
        week=week,
        mix=mix,
        hub=hub.code,
        has_local_desk=has_local and "local_office" in options,
    )
