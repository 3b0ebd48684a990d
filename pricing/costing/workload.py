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

import dataclasses
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from pricing.costing.capacity import CapacityTable, Targets, capacity_table
from pricing.costing.demand import Demand, demand_of, desk_loads, erlangs_text
from pricing.costing.desks import (
    STAFF_COMPONENTS,
    Desk,
    SlotGroup,
    desk_names,
    desk_rates,
    hub_of,
    hub_sites,
    site_of,
    slot_groups,
)
from pricing.costing.night import BotNights, night_costs, standby_rates
from pricing.costing.service import TIER_OPTIONS, ChannelMix, channel_mix
from pricing.costing.week import (
    MarketWeek,
    market_week,
    shift_slots,
)
from pricing.errors import InputError
from pricing.inputs.limits import MAX_TABLE_ERLANGS
from pricing.models import CostParameters, Market

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

FIXED_COMPONENTS: tuple[str, ...] = ("office_fixed_usd", "setup_amortisation_usd")


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
    # option -> component -> USD a year per account holding it (a bot's resolutions at night)
    per_account_usd: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    bot_nights: bool = False  # a 24/7 tier's nights answered by a bot and an agent on call

    def set_index(self, options: frozenset[str] | tuple[str, ...]) -> int:
        wanted = frozenset(o for o in options if o in self.options)
        return self.sets.index(wanted)

    def keeping(self, share: FloatArray) -> Workload:
        """The same desks with each slot group's load scaled by ``share`` (a market whose hub
        desk's contacts go elsewhere keeps its other desks: share 0 on the hub's groups)."""
        share = np.asarray(share, dtype=float)
        held = share > 0
        return dataclasses.replace(
            self,
            live=self.live * share,
            total=self.total * share,
            opens=self.opens & held,
            priority=self.priority & held,
        )

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
        for option, parts in self.per_account_usd.items():
            holders = accounts[:, [option in s for s in self.sets]].sum(axis=1)
            for name, usd in parts.items():
                components[name] = components.get(name, np.zeros(len(accounts))) + holders * usd
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


def _option_sets(options: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    return tuple(
        frozenset(combo)
        for size in range(len(options) + 1)
        for combo in itertools.combinations(options, size)
    )


def _fixed_costs(
    market: Market, options, week: MarketWeek, groups, params: CostParameters, has_local: bool
) -> dict[str, dict[str, float]]:
    fixed: dict[str, dict[str, float]] = {}
    if has_local and "local_office" in options:
        fixed["local_office"] = {
            "office_fixed_usd": market.office_fixed_usd,
            "setup_amortisation_usd": market.office_setup_usd / market.setup_amortisation_years,
        }
    day = next((g.rate_usd for g in groups if g.desk == "hub" and g.business), None)
    if "coverage_24x7" in options and week.holidays and day is not None:
        # The business-hours desk closes on public holidays; a 24/7 line stays open, at least
        # the minimum on duty through the business hours of each holiday, paid as a weekend.
        hours = len(week.holidays) * (params.business_hours[1] - params.business_hours[0])
        weekend = {
            **day,
            "night_weekend_premium_usd": day["agent_wages_usd"] * params.night_weekend_premium,
        }
        fixed["coverage_24x7"] = {
            "holiday_cover_usd": hours * params.min_agents_on_duty * sum(weekend.values())
        }
    return fixed


def build_workload(
    market: Market,
    markets: Mapping[str, Market],
    params: CostParameters | None = None,
    *,
    options: tuple[str, ...] = TIER_OPTIONS,
    follow_the_sun: bool = True,
    max_accounts: float | None = None,
    answer_target_seconds: float | None = None,
    bot_nights: bool = False,
) -> Workload:
    """The desks, slot groups and per-account loads of a market (see the module docstring).

    ``max_accounts`` sizes the capacity tables (default: the market's accounts);
    ``answer_target_seconds`` overrides the market's live answer target; ``bot_nights``
    answers a 24/7 tier's nights by self-service and an agent on call at the hub
    (:mod:`pricing.costing.night`).
    """
    params = params or CostParameters()
    hub = hub_of(market, markets, params)
    week = market_week(market.code, market.timezone, params.business_hours)
    mix = channel_mix(
        market.preferred_channels,
        market.answer_target_seconds if answer_target_seconds is None else answer_target_seconds,
    )
    has_local = hub.code != market.code
    sets = _option_sets(tuple(o for o in TIER_OPTIONS if o in options))
    bot = BotNights.of(params) if bot_nights else None
    demand = demand_of(market, week, mix, has_local)
    desks = _Desks(market, markets, params, week, sets, demand, bot)
    groups, representative = desks.slot_groups(options, has_local, follow_the_sun and not bot)

    def columns(field: str, dtype=float) -> np.ndarray:
        if not representative:
            return np.zeros((len(sets), 0), dtype=dtype)
        return np.array([getattr(d, field)[:, slot] for d, slot in representative]).T

    total = columns("total")
    return Workload(
        market=market.code,
        options=tuple(o for o in TIER_OPTIONS if o in options),
        sets=sets,
        groups=tuple(groups),
        live=columns("live"),
        total=total,
        opens=columns("opens", bool),
        priority=columns("priority", bool),
        fixed_usd=_fixed_costs(market, options, week, groups, params, has_local),
        capacity=capacity_table(_targets(market, mix, params), _peak(market, total, max_accounts)),
        min_on_duty=params.min_agents_on_duty,
        week=week,
        mix=mix,
        hub=hub.code,
        has_local_desk=has_local and "local_office" in options,
        per_account_usd=night_costs(market, bot, hub, week, options, params),
        bot_nights=bot is not None,
    )


@dataclass(frozen=True)
class _Desks:
    """What building a market's desks needs: the market, where its hub is, its week, the
    option sets an account can buy and the load each brings."""

    market: Market
    markets: Mapping[str, Market]
    params: CostParameters
    week: MarketWeek
    sets: tuple[frozenset[str], ...]
    demand: Demand
    bot: BotNights | None = None

    def slot_groups(
        self, options: tuple[str, ...], has_local: bool, follow_the_sun: bool
    ) -> tuple[list[SlotGroup], list[tuple[Desk, int]]]:
        """Every desk's slot groups, each with the desk and a slot that represents it."""
        market, params, week = self.market, self.params, self.week
        hub_site = hub_of(market, self.markets, params)
        offset = week.utc_offset_minutes
        elsewhere = [
            (site, shift_slots(offset, site.week.utc_offset_minutes))
            for site in hub_sites(self.markets, params)
            if site.code != hub_site.code
        ]
        is_priority = np.array(["priority_response" in s for s in self.sets])[:, None]
        groups, representative = [], []
        for name in desk_names(market, options, has_local):
            language = self.demand.first if name in ("hub", "local") else name.removeprefix("lang:")
            if name == "local":
                home, shift = site_of(market, params, hub=False), 0
            else:
                home, shift = hub_site, shift_slots(offset, hub_site.week.utc_offset_minutes)
            others = elsewhere if name == "hub" and follow_the_sun else []
            rates, sites = desk_rates(home, shift, others, week.business, language, params)
            if name == "hub" and self.bot is not None:  # nights on call
                rates = standby_rates(rates, week.business, self.bot.pay_share)
            live, total, opens = desk_loads(name, self.sets, self.demand, week.business, self.bot)
            desk = Desk(name, language, sites, rates, live, total, opens, opens & is_priority)
            for group, slot in slot_groups(desk, week.business, week):
                groups.append(group)
                representative.append((desk, slot))
        return groups, representative


def hub_desk_loads(
    market: Market, markets: Mapping[str, Market], params: CostParameters, sets
) -> tuple[BoolArray, FloatArray, FloatArray, BoolArray, BoolArray]:
    """The hub desk's load per account on each option set, per slot of the market's week: its
    business-hours mask, then ``live``, ``total``, ``opens`` and ``priority`` (sets, slots);
    what a desk shared with other markets takes on (:mod:`pricing.delivery.shared`)."""
    week = market_week(market.code, market.timezone, params.business_hours)
    mix = channel_mix(market.preferred_channels, market.answer_target_seconds)
    has_local = hub_of(market, markets, params).code != market.code
    demand = demand_of(market, week, mix, has_local)
    live, total, opens = desk_loads("hub", sets, demand, week.business)
    is_priority = np.array(["priority_response" in s for s in sets])[:, None]
    return week.business, live, total, opens, opens & is_priority


def _peak(market: Market, total: np.ndarray, max_accounts: float | None) -> float:
    """The peak load the capacity tables must reach; the last guard against tables that would
    not fit one server."""
    top = max(float(max_accounts if max_accounts is not None else market.accounts), 1.0)
    peak = float(total.max(initial=0.0)) * top
    if peak > MAX_TABLE_ERLANGS:
        raise InputError(
            f"{market.code}: {top:,.0f} accounts need {erlangs_text(peak)} agents busy at once "
            f"at the peak; one server staffs up to {MAX_TABLE_ERLANGS:,.0f}",
            field="accounts",
            value=top,
        )
    return peak


def _targets(market: Market, mix: ChannelMix, params: CostParameters) -> Targets:
    return Targets(
        live_seconds=mix.live_seconds,
        live_priority_seconds=mix.live_priority_seconds,
        async_seconds=mix.async_seconds,
        async_priority_seconds=mix.async_priority_seconds,
        aht_seconds=market.aht_seconds,
        service_level=params.service_level,
        max_occupancy=params.max_occupancy,
    )
