"""Delivery models and the desks several markets share.

A market is served by one delivery model (:class:`Delivery`):

* ``hub``: desks of its own at its regional hub, as :mod:`pricing.costing.workload` builds them;
* ``local``: desks of its own with every tier holding the local office: a team in the market
  answers business hours in its languages, the hub a 24/7 tier's nights (a market that is its
  own hub is served locally by ``hub``, and ``local`` serves it so);
* ``bot_nights``: desks of its own at its hub, a 24/7 tier's nights answered by a bot first and
  an agent on call for the urgent rest (:mod:`pricing.costing.night`); its buyers value such
  24/7 support at ``bot_night_value_share`` of live 24/7;
* ``pooled``: its hub desk's contacts (business hours, and a 24/7 tier's night line) answered on
  the desk in the market's first language, shared with every market pooled or escalating
  there; it sits at its hub site when the hub's agents speak the language, else at a site whose
  agents do (:func:`desk_site`); its language desks and local team stay its own;
* ``pooled_english``: the same on its hub site's English desk, for a market whose first language
  is not English; its buyers value support answered in English less than in their own language
  (:func:`english_value_loss` of what each tier is worth to them), as the tier MILP counts;
* ``distributor``: a local partner answers first line for a fee per account, a management fee
  and a share of support revenue; ``escalation_share`` of the hub desk's load comes to the same
  shared desk. The partner is the market's local team and speaks its languages, so its tiers
  hold neither multilingual support nor the local office.

A shared desk (site, language) is staffed in whole agents per slot of the site's week for the
sum of its members' loads, read in the site's clock. It is conservative where markets differ:
it keeps the strictest answer targets and the longest handling time of the markets that may
join it, and it is paid every week of the year (a market's own business-hours desk closes on
its public holidays).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from pricing.costing.capacity import CapacityTable, Targets, capacity_table
from pricing.costing.desks import (
    Desk,
    Site,
    SlotGroup,
    desk_rates,
    hub_of,
    hub_sites,
    site_named,
    slot_groups,
)
from pricing.costing.week import in_zone, shift_slots
from pricing.costing.workload import Workload, hub_desk_loads
from pricing.models import CostParameters, Market
from pricing.offers.culture import shipped_culture
from pricing.settings import DELIVERY_MODELS
from pricing.tiers.model import Route

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class Delivery(StrEnum):
    HUB = "hub"
    LOCAL = "local"
    BOT = "bot_nights"
    POOLED = "pooled"
    ENGLISH = "pooled_english"
    DISTRIBUTOR = "distributor"


# Each model in two words, as tables and saved scenarios say it.
MODEL_SHORT: dict[str, str] = {
    "hub": "own desks",
    "local": "local office",
    "bot_nights": "bot nights",
    "pooled": "shared desk",
    "pooled_english": "English desk",
    "distributor": "distributor",
}


# Models served on desks of the market's own (the local office is a tier option every tier holds).
OWN_DESKS = frozenset({Delivery.HUB, Delivery.LOCAL, Delivery.BOT})
# Own-desk models that change the market's own problem (its tiers' options, its desks, what
# its buyers value), rather than how its contacts are routed.
VARIANTS = frozenset({Delivery.LOCAL, Delivery.BOT})


# Options a distributor's tiers cannot hold: the partner is the local team and speaks the
# market's languages.
PARTNER_OPTIONS = frozenset({"multilingual", "local_office"})


@dataclass(frozen=True)
class Member:
    """What a market under one delivery model puts on a shared desk per account on each option
    set (rows: the market's workload sets), per slot group of the desk."""

    market: str
    delivery: str
    accounts: float
    live: FloatArray
    total: FloatArray
    opens: BoolArray
    priority: BoolArray


@dataclass(frozen=True)
class SharedDesk:
    """A desk at ``site`` answering in ``language`` for every market on it."""

    site: str
    language: str
    groups: tuple[SlotGroup, ...]
    members: tuple[Member, ...]
    capacity: CapacityTable
    min_on_duty: int

    @property
    def key(self) -> str:
        return f"{self.site}:{self.language}"

    def agents(self, sold: Mapping[tuple[str, str], np.ndarray]) -> np.ndarray:
        """Agents on duty per slot group for what is sold: ``sold[market, delivery]`` is the
        accounts on each option set of that member (whole agents meeting the strictest
        targets, the minimum on duty wherever a sale opens the group)."""
        live, total, priority, opened = self.loads(sold)
        return self.capacity.agents(live, total, priority, self.min_on_duty * opened)

    def loads(self, sold: Mapping[tuple[str, str], np.ndarray]) -> tuple[np.ndarray, ...]:
        """Per slot group, what ``sold`` puts on the desk: live and total Erlangs, whether it
        has priority contacts and whether a sale opens it."""
        width = len(self.groups)
        live, total = np.zeros(width), np.zeros(width)
        priority, opened = np.zeros(width, dtype=bool), np.zeros(width, dtype=bool)
        for member in self.members:
            accounts = sold.get((member.market, member.delivery))
            if accounts is None or not accounts.any():
                continue
            live += accounts @ member.live
            total += accounts @ member.total
            buying = (accounts > 0).astype(float)
            priority |= (buying @ member.priority.astype(float)) > 0
            opened |= (buying @ member.opens.astype(float)) > 0
        return live, total, priority, opened

    def staff_usd(self, sold: Mapping[tuple[str, str], np.ndarray]) -> float:
        """Annual staff cost of :meth:`agents`."""
        usd = np.array([g.usd_per_agent for g in self.groups])
        return float(self.agents(sold) @ usd)

    def sold(self, portfolio, without: str = "", segments: tuple[str, ...] = ()) -> dict:
        """Accounts on each option set of every member in a solved portfolio
        (:class:`pricing.tiers.portfolio.Portfolio`): market ``without`` left out, or only its
        ``segments`` when they are given."""
        held = portfolio.background.get(self.key)  # the sales of markets held, as solved
        found = dict(held.sold) if held is not None else {}
        for member in self.members:
            if member.market not in portfolio.markets:
                continue
            if member.market == without and not segments:
                continue
            left_out = segments if member.market == without else ()
            counts = portfolio.routed_accounts(member.market, member.delivery, left_out)
            found[member.market, member.delivery] = counts
        return found

    def saving(self, portfolio, code: str, segments: tuple[str, ...] = ()) -> float:
        """What the desk would cost less in a solved portfolio without market ``code`` (or its
        ``segments``), the other markets' sales unchanged."""
        whole = self.staff_usd(self.sold(portfolio))
        return whole - self.staff_usd(self.sold(portfolio, code, segments))


# The language every hub site keeps a shared desk in for markets that accept it.
LINGUA_FRANCA = "en"


def desk_key(
    market: Market,
    markets: Mapping[str, Market],
    params: CostParameters,
    kind: str = Delivery.POOLED,
) -> str:
    """The shared desk a market served by ``kind`` is on (:func:`desk_site`), as
    ``site:language``."""
    language = LINGUA_FRANCA if kind == Delivery.ENGLISH else market.primary_language
    return f"{desk_site(market, markets, params, kind).code}:{language}"


def desk_site(
    market: Market, markets: Mapping[str, Market], params: CostParameters, kind: str
) -> Site:
    """Where the shared desk a market served by ``kind`` sits. The English desk: at its hub
    site. Its first language's desk: at its hub site when the hub's agents speak it, else at
    the first site (by code) whose agents do, so that every market of a language shares one
    desk there (Spain's Spanish with Latin America's, in Mexico), else at its hub site, which
    hires speakers at the language premium."""
    hub = hub_of(market, markets, params)
    language = market.primary_language
    if kind == Delivery.ENGLISH or language in hub.languages:
        return hub
    speaking = (site for site in hub_sites(markets, params) if language in site.languages)
    return next(speaking, hub)


def models_of(market: Market) -> tuple[str, ...]:
    """The delivery models a market can be served by: all of them, except the English desk for
    a market whose first language is English (there it is the ``pooled`` desk) and the local
    office for a market that is its own hub (its hub is local)."""
    left_out = set()
    if market.primary_language == LINGUA_FRANCA:
        left_out.add(Delivery.ENGLISH)
    if not has_local_office(market):
        left_out.add(Delivery.LOCAL)
    return tuple(d for d in DELIVERY_MODELS if d not in left_out)


def has_local_office(market: Market) -> bool:
    """Whether the market's local team is a desk of its own (its hub is elsewhere)."""
    return market.remote_hub != market.code


def as_served(market: Market, kind: str) -> str:
    """The model a market is served by when ``kind`` is asked: the English desk of an
    English-speaking market is its ``pooled`` desk; the local office of a market that is its
    own hub is its ``hub``."""
    if kind in models_of(market):
        return kind
    return Delivery.HUB.value if kind == Delivery.LOCAL else Delivery.POOLED.value


def shared_desks(
    workloads: Mapping[str, Workload],
    markets: Mapping[str, Market],
    params: CostParameters,
    deliveries: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, SharedDesk]:
    """Every shared desk the markets of ``workloads`` could be served on, by key;
    ``deliveries[m]`` limits the models market m may use (default: every model)."""
    keys: dict[str, dict[str, list[str]]] = {}  # desk -> market -> its models on the desk
    for code in workloads:
        given = (deliveries or {}).get(code, models_of(markets[code]))
        for kind in given:
            if kind not in OWN_DESKS:
                key = desk_key(markets[code], markets, params, kind)
                keys.setdefault(key, {}).setdefault(code, []).append(kind)
    return {
        key: _shared_desk(key, list(on), workloads, markets, params, on) for key, on in keys.items()
    }


def _shared_desk(key, codes, workloads, markets, params, allowed) -> SharedDesk:
    """The desk ``key`` with each market of ``codes`` under its models ``allowed[code]``."""
    code, language = key.split(":", 1)
    site = site_named(code, markets, params)
    assert site is not None  # a desk is keyed by a site (desk_site)
    week = site.week
    loads = []  # (code, delivery, live, total, opens, priority) in the site's slots
    business = np.zeros_like(week.business)
    for code in codes:
        market, sets = markets[code], workloads[code].sets
        hours, live, total, opens, priority = hub_desk_loads(market, markets, params, sets)
        shift = shift_slots(week.utc_offset_minutes, workloads[code].week.utc_offset_minutes)
        business |= in_zone(hours, shift)
        arrays = [in_zone(a, shift) for a in (live, total, opens, priority)]
        for kind in allowed[code]:
            scale = params.escalation_share if kind == Delivery.DISTRIBUTOR else 1.0
            usable = np.array([_serves(kind, s) for s in sets])[:, None]
            live_k, total_k = arrays[0] * scale * usable, arrays[1] * scale * usable
            loads.append((code, kind, live_k, total_k, arrays[2] & usable, arrays[3] & usable))
    others = [
        (other, shift_slots(week.utc_offset_minutes, other.week.utc_offset_minutes))
        for other in hub_sites(markets, params)
        if other.code != site.code
    ]
    # As on a market's own desk, its business hours (any member's) stay at the site.
    rates, staffed = desk_rates(site, 0, others, business, language, params)
    stacked = [np.vstack([entry[i] for entry in loads]) for i in range(2, 6)]
    desk = Desk(key, language, staffed, rates, *stacked)
    found = slot_groups(desk, business, week, holidays_closed=False)
    columns = [slot for _, slot in found]
    members = tuple(
        Member(code, kind, float(markets[code].accounts), *(arr[:, columns] for arr in arrays))
        for code, kind, *arrays in loads
    )
    targets = _strictest([workloads[code].capacity.targets for code in codes])
    peak = sum(float(m.total.max(initial=0.0)) * m.accounts for m in members)
    return SharedDesk(
        site.code,
        language,
        tuple(group for group, _ in found),
        members,
        capacity_table(targets, max(peak, 1.0)),
        params.min_agents_on_duty,
    )


def _serves(kind: str, option_set: frozenset[str]) -> bool:
    return not (kind == Delivery.DISTRIBUTOR and option_set & PARTNER_OPTIONS)


def _strictest(targets: list[Targets]) -> Targets:
    """Targets every market on the desk is promised: the shortest waits, the longest handling
    time, the highest service level and the lowest occupancy among them."""
    return Targets(
        live_seconds=min(t.live_seconds for t in targets),
        live_priority_seconds=min(t.live_priority_seconds for t in targets),
        async_seconds=min(t.async_seconds for t in targets),
        async_priority_seconds=min(t.async_priority_seconds for t in targets),
        aht_seconds=max(t.aht_seconds for t in targets),
        service_level=max(t.service_level for t in targets),
        max_occupancy=min(t.max_occupancy for t in targets),
    )


def english_value_loss(market: Market, params: CostParameters) -> float:
    """The share of what support is worth to the market's buyers lost on the English desk:
    less where its cultural profile says English is the accepted business language."""
    profile = shipped_culture().get(market.code)
    if profile is not None and not profile.native_speaker_expected:
        return params.english_desk_value_loss_accepted
    return params.english_desk_value_loss


def routes(workload: Workload, kinds: tuple[str, ...], loss: float = 0.0) -> dict[str, Route]:
    """A market's other delivery models as its tier MILP takes them: the option sets each can
    serve, the share of each own slot group's load that stays on its own desks (pooled: its
    language desks and local team; distributor: none) and the share ``loss`` of what support is
    worth to its buyers lost on the English desk (:func:`english_value_loss`)."""
    found = {}
    for kind in kinds:
        if kind in OWN_DESKS:
            continue
        stays = 0.0 if kind == Delivery.DISTRIBUTOR else 1.0
        share = np.array([0.0 if g.desk == "hub" else stays for g in workload.groups])
        usable = tuple(i for i, s in enumerate(workload.sets) if _serves(kind, s))
        found[kind] = Route(usable, share, loss if kind == Delivery.ENGLISH else 0.0)
    return found


def partner_terms(market) -> tuple[float, float, float]:
    """A market's distributor terms: fee per account, management fee (USD a year) and share
    of revenue."""
    return (
        market.distributor_fee_per_account_usd,
        market.distributor_fixed_usd,
        market.distributor_revenue_share,
    )
