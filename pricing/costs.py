"""Cost to serve: what each way of supporting a market costs per year.

A *support design* is a coverage level (business hours, extended, 24/7), one language or all the
market's support languages, and a delivery model:

* ``remote_hub``: agents in the market's regional hub (its wage, its time zone; a language the
  hub does not speak natively costs the language premium);
* ``local_office``: agents hired in the market (its wage) plus the office's fixed cost, seats and
  the set-up cost amortised over its years;
* ``distributor``: a local partner answers first line for a per-account fee plus a fixed partner
  management cost; escalations (``escalation_share``) come back to the hub's second line;
* ``follow_the_sun``: 24/7 where each hour outside the market's business hours is staffed by
  the cheapest hub for which it is daytime on a weekday (no night premium, weekends excepted).

Staffing is Erlang C per hour of the week and per language queue (each language is its own queue,
so small languages show their real cost), with at least ``min_agents_on_duty`` in every covered
hour. An agent on duty for one hour of the week costs ``52 / (1 - shrinkage)`` paid hours a year.

Every result is split into a fixed part (the cost with no accounts: minimum staffing, office,
partner management) and a per-account part (the rest, divided by the accounts), so that
``annual_total = annual_fixed + per_account x accounts`` at the market's accounts. The CLI's
option rows are differences against the baseline (business hours, one language, remote hub), so
an option that saves money shows a negative extra cost.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pricing.coverage import (
    HOURS_PER_WEEK,
    WEEKS_PER_YEAR,
    Coverage,
    Site,
    business_mask,
    covered_mask,
    follow_the_sun,
    in_zone,
    premium_mask,
    shift_hours,
    workload_weights,
)
from pricing.errors import InputError
from pricing.models import CostParameters, Market
from pricing.staffing import FloatArray, offered_load, required_agents, service_level

COMPONENTS: tuple[str, ...] = (
    "agent_wages_usd",
    "night_weekend_premium_usd",
    "language_premium_usd",
    "seat_costs_usd",
    "office_fixed_usd",
    "setup_amortisation_usd",
    "distributor_fees_usd",
    "escalation_usd",
)


class DeliveryModel(StrEnum):
    REMOTE_HUB = "remote_hub"
    LOCAL_OFFICE = "local_office"
    DISTRIBUTOR = "distributor"
    FOLLOW_THE_SUN = "follow_the_sun"


@dataclass(frozen=True)
class SupportDesign:
    """How a market is supported: coverage, languages and delivery model."""

    coverage: Coverage = Coverage.BUSINESS_HOURS
    multilingual: bool = False
    delivery: DeliveryModel = DeliveryModel.REMOTE_HUB

    def __post_init__(self) -> None:
        if self.delivery is DeliveryModel.FOLLOW_THE_SUN and self.coverage is not Coverage.ALWAYS:
            raise InputError(
                "follow_the_sun is a way to deliver 24x7 coverage; use coverage '24x7'",
                field="coverage",
                value=str(self.coverage),
            )

    @property
    def label(self) -> str:
        languages = "all languages" if self.multilingual else "one language"
        coverage = self.coverage.value.replace("_", " ")
        return f"{self.delivery.value.replace('_', ' ')}, {coverage}, {languages}"


BASELINE = SupportDesign()
OPTIONS: dict[str, SupportDesign] = {
    "baseline": BASELINE,
    "coverage_24x7": SupportDesign(coverage=Coverage.ALWAYS),
    "local_office": SupportDesign(delivery=DeliveryModel.LOCAL_OFFICE),
    "multilingual": SupportDesign(multilingual=True),
    "distributor": SupportDesign(delivery=DeliveryModel.DISTRIBUTOR),
}


@dataclass(frozen=True)
class CostBreakdown:
    """Annual cost of one support design in one market, with the staffing behind it."""

    market: str
    design: SupportDesign
    accounts: int
    answer_within_seconds: float
    components: Mapping[str, float]
    fixed_components: Mapping[str, float]
    fte: float
    peak_agents_on_duty: int
    agent_hours_per_week: float
    occupancy: float
    lowest_service_level: float
    staffing: pd.DataFrame = field(repr=False, compare=False)
    shared_with: tuple[str, ...] = ()

    @property
    def annual_total_usd(self) -> float:
        return sum(self.components.values())

    @property
    def annual_fixed_usd(self) -> float:
        return sum(self.fixed_components.values())

    @property
    def per_account_usd(self) -> float:
        """Variable cost per account: (total - fixed) / accounts."""
        if self.accounts == 0:
            return 0.0
        return (self.annual_total_usd - self.annual_fixed_usd) / self.accounts


def site_of(market: Market) -> Site:
    """Agents hired in a market. English is assumed to be hireable in every site."""
    return Site(
        code=market.code,
        agent_cost_usd=market.agent_cost_usd,
        seat_cost_usd=market.seat_cost_usd,
        utc_offset_hours=market.utc_offset_hours,
        languages=frozenset(market.support_languages) | {"en"},
    )


def _hub(market: Market, markets: Mapping[str, Market]) -> Market:
    try:
        return markets[market.remote_hub]
    except KeyError:
        raise InputError(
            f"market {market.code}: remote_hub {market.remote_hub!r} is not a market of the file",
            field="remote_hub",
            value=market.remote_hub,
        ) from None


def _queues(market: Market, multilingual: bool) -> tuple[tuple[str, float], ...]:
    if multilingual:
        return tuple(zip(market.support_languages, market.language_shares, strict=True))
    return ((market.primary_language, 1.0),)


@dataclass
class _Staffed:
    """Per-account-count arrays of one design's costs plus the agents behind the last count."""

    components: dict[str, FloatArray]
    fte: FloatArray
    agents: np.ndarray  # (k, 168) agents on duty, all queues
    loads: np.ndarray  # (k, 168) offered Erlangs, all queues
    service_levels: list[np.ndarray]  # per queue, (k, 168), NaN where uncovered
    shared_with: tuple[str, ...] = ()  # markets whose contacts share this market's hub queues


@dataclass
class _Queue:
    """One language queue of a market over the week (rows: account counts, columns: hours)."""

    allocated: np.ndarray  # agents charged to this market (its share of a shared desk)
    desk_agents: np.ndarray  # agents on the desk, whoever they serve
    desk_loads: np.ndarray  # Erlangs on the desk
    level: np.ndarray  # service level of live contacts; NaN where closed
    partners: tuple[str, ...]


@dataclass(frozen=True)
class _Stream:
    """Contacts of one market's queue on a desk, in the desk's frame of hours."""

    contacts: np.ndarray  # live contacts per week-hour, (k, 168) or (168,)
    deferred: np.ndarray  # backlog contacts worked per week-hour
    aht_seconds: float
    covered: np.ndarray  # hours this market needs the line open
    business: np.ndarray  # hours its backlog is worked in
    answer_within_seconds: float


def _stream(
    market: Market,
    design: SupportDesign,
    params: CostParameters,
    contacts_per_week: np.ndarray | float,
    shift: int,
    answer_within_seconds: float,
) -> _Stream:
    """A market's queue seen from a desk whose hours run ``shift`` hours ahead of its own."""
    live, deferred = workload_weights(market.off_hours_contact_share, design.coverage, params)
    volume = np.asarray(contacts_per_week, dtype=float)
    volume = volume[:, None] if volume.ndim else volume
    return _Stream(
        contacts=volume * in_zone(live, shift),
        deferred=volume * in_zone(deferred, shift),
        aht_seconds=market.aht_seconds,
        covered=in_zone(covered_mask(design.coverage, params), shift),
        business=in_zone(business_mask(params), shift),
        answer_within_seconds=answer_within_seconds,
    )


def _pool_partners(
    market: Market,
    design: SupportDesign,
    markets: Mapping[str, Market],
    language: str,
    params: CostParameters,
) -> list[Market]:
    """Other markets answered by the same hub desk in this language.

    The partners stay on the baseline (business hours, their first language): a market's
    option is costed as that market alone taking it.
    """
    if not params.pool_hub_queues or design.delivery is not DeliveryModel.REMOTE_HUB:
        return []
    return [
        other
        for other in markets.values()
        if other.code != market.code
        and other.remote_hub == market.remote_hub
        and other.primary_language == language
    ]


def _queue_week(
    market: Market,
    design: SupportDesign,
    markets: Mapping[str, Market],
    params: CostParameters,
    accounts: FloatArray,
    answer_within_seconds: float,
    language: str,
    share: float,
) -> _Queue:
    """Staff one language queue, alone or on a desk shared with the hub's other markets.

    A shared desk answers every member's live contacts (the strictest answer target of the
    members open in an hour applies) and works their backlogs, the partners on the baseline.
    Each market is charged the share of each hour's agents that its own workload makes up, and
    an open hour with no workload is split evenly among the markets that need the line open.
    """
    k = accounts.shape[0]
    weekly = market.contacts_per_account_month * 12.0 / WEEKS_PER_YEAR
    mine = _stream(market, design, params, accounts * weekly * share, 0, answer_within_seconds)
    partners = _pool_partners(market, design, markets, language, params)
    others = [
        _stream(
            other,
            BASELINE,
            params,
            other.contacts_per_week,
            shift_hours(market.utc_offset_hours, other.utc_offset_hours),
            other.answer_target_seconds,
        )
        for other in partners
    ]
    streams = [mine, *others]
    covered = np.logical_or.reduce([s.covered for s in streams])
    business = np.logical_or.reduce([s.business for s in streams])
    own_load = offered_load(mine.contacts, mine.aht_seconds)
    other_contacts = sum((s.contacts for s in others), np.zeros(HOURS_PER_WEEK))
    other_load = sum(
        (offered_load(s.contacts, s.aht_seconds) for s in others), np.zeros(HOURS_PER_WEEK)
    )
    target = np.min([np.where(s.covered, s.answer_within_seconds, np.inf) for s in streams], axis=0)
    # Hours with the same make-up are solved once per account count.
    live_weights, _ = workload_weights(market.off_hours_contact_share, design.coverage, params)
    columns = np.stack(
        [live_weights, other_contacts, other_load, np.where(np.isfinite(target), target, 0.0)]
    )
    pattern, inverse = np.unique(columns[:, covered], axis=1, return_inverse=True)
    inverse = inverse.reshape(-1)
    hours = np.flatnonzero(covered)
    first = np.array([hours[np.flatnonzero(inverse == j)[0]] for j in range(pattern.shape[1])])
    contacts = mine.contacts[:, first] + other_contacts[first][None, :]
    load = own_load[:, first] + other_load[first][None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        aht = np.where(contacts > 0, load * 3600.0 / contacts, market.aht_seconds)
    answering = required_agents(
        contacts,
        aht,
        target[first],
        params.service_level,
        params.max_occupancy,
        params.min_agents_on_duty,
    )
    agents = np.zeros((k, HOURS_PER_WEEK))
    agents[:, covered] = answering[:, inverse]
    live_load = own_load + other_load[None, :]
    level = np.full((k, HOURS_PER_WEEK), np.nan)
    level[:, covered] = service_level(answering, load, aht, target[first])[:, inverse]
    # Backlogs are worked in spare capacity of the desk's business hours (up to the occupancy
    # cap) first; only what does not fit needs extra agent-hours, spread evenly.
    own_backlog = offered_load(mine.deferred, mine.aht_seconds)
    other_backlog = sum(
        (offered_load(s.deferred, s.aht_seconds) for s in others), np.zeros(HOURS_PER_WEEK)
    )
    spare = (agents - live_load / params.max_occupancy)[:, business].sum(axis=1)
    backlog = own_backlog.sum(axis=1) + other_backlog.sum()
    extra = np.maximum(backlog / params.max_occupancy - spare, 0.0)
    agents[:, business] += (extra / business.sum())[:, None]
    own_work = own_load + own_backlog
    desk_work = own_work + (other_load + other_backlog)[None, :]
    opened = np.sum([s.covered for s in streams], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        idle_share = np.where(mine.covered & (opened > 0), 1.0 / np.maximum(opened, 1), 0.0)
        charged = np.where(desk_work > 0, own_work / desk_work, idle_share[None, :])
    return _Queue(
        allocated=agents * charged,
        desk_agents=agents,
        desk_loads=desk_work,
        level=level,
        partners=tuple(sorted(other.code for other in partners)),
    )


def _evaluate(
    market: Market,
    design: SupportDesign,
    markets: Mapping[str, Market],
    params: CostParameters,
    accounts: FloatArray,
    answer_within_seconds: float,
) -> _Staffed:
    """Costs of a design for each entry of ``accounts`` (vectorised)."""
    k = accounts.shape[0]
    zero = np.zeros(k)
    parts = {name: zero.copy() for name in COMPONENTS}
    hub = _hub(market, markets)
    hub_site = site_of(hub)
    paid_per_duty_hour = WEEKS_PER_YEAR / (1.0 - params.shrinkage)

    if design.delivery is DeliveryModel.DISTRIBUTOR:
        parts["distributor_fees_usd"] = (
            accounts * market.distributor_fee_per_account_usd + market.distributor_fixed_usd
        )
        handled_hours = (
            accounts
            * market.contacts_per_account_month
            * 12.0
            * params.escalation_share
            * market.aht_seconds
            / 3600.0
        )
        paid_hours = handled_hours / (params.max_occupancy * (1.0 - params.shrinkage))
        native = market.primary_language in hub_site.languages
        rate = hub.agent_cost_usd / params.paid_hours_per_fte
        parts["escalation_usd"] = (
            paid_hours * rate * (1.0 + (0.0 if native else params.language_premium))
        )
        empty = np.zeros((k, HOURS_PER_WEEK))
        return _Staffed(parts, paid_hours / params.paid_hours_per_fte, empty, empty, [], ())

    home = site_of(market) if design.delivery is DeliveryModel.LOCAL_OFFICE else hub_site
    hubs = tuple(
        site_of(markets[code]) for code in sorted({m.remote_hub for m in markets.values()})
    )
    premium_by_site: dict[str, np.ndarray] = {}
    agents_by_site: dict[str, np.ndarray] = {}
    sites: dict[str, Site] = {}
    all_agents = np.zeros((k, HOURS_PER_WEEK))
    all_loads = np.zeros((k, HOURS_PER_WEEK))
    levels: list[np.ndarray] = []
    fte = zero.copy()
    shared_with: set[str] = set()

    for language, share in _queues(market, design.multilingual):
        if design.delivery is DeliveryModel.FOLLOW_THE_SUN:
            plan = follow_the_sun(home, hubs, language, params, market.utc_offset_hours)
        else:
            plan = (home,) * HOURS_PER_WEEK
        queue = _queue_week(
            market, design, markets, params, accounts, answer_within_seconds, language, share
        )
        agents = queue.allocated
        levels.append(queue.level)
        all_agents += queue.desk_agents
        all_loads += queue.desk_loads
        shared_with.update(queue.partners)

        base_rate = np.array([site.agent_cost_usd for site in plan]) / params.paid_hours_per_fte
        night = np.zeros(HOURS_PER_WEEK, dtype=bool)
        for site in set(plan):
            sites[site.code] = site
            if site.code not in premium_by_site:
                shift = shift_hours(market.utc_offset_hours, site.utc_offset_hours)
                premium_by_site[site.code] = in_zone(premium_mask(params), shift)
            at_site = np.array([s.code == site.code for s in plan])
            night |= at_site & premium_by_site[site.code]
            agents_by_site.setdefault(site.code, np.zeros((k, HOURS_PER_WEEK)))
            agents_by_site[site.code] += agents * at_site[None, :]
        foreign = np.array([language not in site.languages for site in plan])
        paid_cost = agents * paid_per_duty_hour * base_rate[None, :]
        parts["agent_wages_usd"] += paid_cost.sum(axis=1)
        parts["night_weekend_premium_usd"] += (paid_cost * night).sum(
            axis=1
        ) * params.night_weekend_premium
        parts["language_premium_usd"] += (paid_cost * foreign).sum(axis=1) * params.language_premium
        fte += agents.sum(axis=1) * paid_per_duty_hour / params.paid_hours_per_fte

    for code, agents in agents_by_site.items():
        # Licences, equipment and desk space are paid per agent FTE.
        site_fte = agents.sum(axis=1) * paid_per_duty_hour / params.paid_hours_per_fte
        parts["seat_costs_usd"] += site_fte * sites[code].seat_cost_usd
    if design.delivery is DeliveryModel.LOCAL_OFFICE:
        parts["office_fixed_usd"] += market.office_fixed_usd
        parts["setup_amortisation_usd"] += market.office_setup_usd / market.setup_amortisation_years
    return _Staffed(parts, fte, all_agents, all_loads, levels, tuple(sorted(shared_with)))


def _answer_target(market: Market, answer_within_seconds: float | None) -> float:
    if answer_within_seconds is None:
        return market.answer_target_seconds
    if not (math.isfinite(answer_within_seconds) and answer_within_seconds >= 0):
        raise InputError(
            f"answer_within_seconds must be a number >= 0, got {answer_within_seconds!r}",
            field="answer_within_seconds",
            value=answer_within_seconds,
        )
    return float(answer_within_seconds)


def cost_to_serve(
    market: Market,
    design: SupportDesign,
    markets: Mapping[str, Market],
    params: CostParameters | None = None,
    *,
    answer_within_seconds: float | None = None,
) -> CostBreakdown:
    """Annual cost of supporting ``market`` with ``design`` at the market's accounts.

    ``answer_within_seconds`` is the response-time promise (a tier's SLA); by default the
    market's own expectation. A faster promise needs more agents.
    """
    params = params or CostParameters()
    target = _answer_target(market, answer_within_seconds)
    counts = np.array([0.0, float(market.accounts)])
    staffed = _evaluate(market, design, markets, params, counts, target)
    agents = staffed.agents[1]
    load = staffed.loads[1].sum()
    on_duty_hours = agents.sum()
    levels = [level[1][~np.isnan(level[1])] for level in staffed.service_levels]
    rows = []
    for hour in range(HOURS_PER_WEEK):
        if agents[hour] > 0:
            rows.append(
                {
                    "day": hour // 24,
                    "hour": hour % 24,
                    "agents": float(agents[hour]),
                    "offered_load_erlangs": float(staffed.loads[1][hour]),
                }
            )
    return CostBreakdown(
        market=market.code,
        design=design,
        accounts=market.accounts,
        answer_within_seconds=target,
        components={name: float(values[1]) for name, values in staffed.components.items()},
        fixed_components={name: float(values[0]) for name, values in staffed.components.items()},
        fte=float(staffed.fte[1]),
        peak_agents_on_duty=math.ceil(agents.max() - 1e-9),
        agent_hours_per_week=float(on_duty_hours),
        occupancy=float(load / on_duty_hours) if on_duty_hours else 0.0,
        lowest_service_level=float(min((lv.min() for lv in levels if lv.size), default=1.0)),
        staffing=pd.DataFrame(rows, columns=["day", "hour", "agents", "offered_load_erlangs"]),
        shared_with=staffed.shared_with,
    )


def cost_curve(
    market: Market,
    design: SupportDesign,
    markets: Mapping[str, Market],
    accounts: ArrayLike,
    params: CostParameters | None = None,
    *,
    answer_within_seconds: float | None = None,
    revenue_per_account_usd: float = 0.0,
) -> FloatArray:
    """Annual total cost of a design at each account count (for break-even charts).

    A distributor's share of support revenue is added when ``revenue_per_account_usd`` is given.
    """
    params = params or CostParameters()
    counts = np.asarray(accounts, dtype=float).reshape(-1)
    if (counts < 0).any() or not np.isfinite(counts).all():
        raise InputError("accounts must be finite and >= 0", field="accounts")
    staffed = _evaluate(
        market, design, markets, params, counts, _answer_target(market, answer_within_seconds)
    )
    total = sum(staffed.components.values())
    if design.delivery is DeliveryModel.DISTRIBUTOR:
        total = total + counts * revenue_per_account_usd * market.distributor_revenue_share
    return np.asarray(total, dtype=float)


def break_even_accounts(
    market: Market,
    markets: Mapping[str, Market],
    versus: DeliveryModel,
    params: CostParameters | None = None,
    *,
    coverage: Coverage = Coverage.BUSINESS_HOURS,
    revenue_per_account_usd: float = 0.0,
    max_accounts: int | None = None,
) -> int | None:
    """Fewest accounts from which a local office costs no more than ``versus``.

    Staffing is a step function, so the curves are compared at every whole account count up
    to ``max_accounts`` (default: 20 x the market's accounts, at least 20,000) and the answer is
    the first count from which the local office stays cheaper to the end of that range. None
    when it never does.
    """
    if versus is DeliveryModel.LOCAL_OFFICE:
        raise InputError("compare the local office with another delivery model", field="versus")
    limit = max_accounts or max(20 * market.accounts, 20_000)
    counts = np.arange(0, limit + 1, dtype=float)
    office = cost_curve(
        market,
        SupportDesign(coverage=coverage, delivery=DeliveryModel.LOCAL_OFFICE),
        markets,
        counts,
        params,
    )
    other_design = SupportDesign(
        coverage=Coverage.ALWAYS if versus is DeliveryModel.FOLLOW_THE_SUN else coverage,
        delivery=versus,
    )
    other = cost_curve(
        market,
        other_design,
        markets,
        counts,
        params,
        revenue_per_account_usd=revenue_per_account_usd,
    )
    cheaper = office <= other
    if not cheaper[-1]:
        return None
    # The first count of the final run of True values.
    losing = np.flatnonzero(~cheaper)
    return int(losing[-1] + 1) if losing.size else 0


def _row(market: Market, option: str, cost: CostBreakdown, base: CostBreakdown | None) -> dict:
    """One CLI row: the option's cost, or its extra over the baseline."""
    sign = 0.0 if base is None else 1.0

    def delta(mine: float, theirs: float) -> float:
        return mine - sign * theirs + 0.0  # +0.0 turns -0.0 into 0.0 in the JSON

    total = delta(cost.annual_total_usd, base.annual_total_usd if base else 0.0)
    fixed = delta(cost.annual_fixed_usd, base.annual_fixed_usd if base else 0.0)
    row = {
        "market": market.code,
        "option": option,
        "annual_fixed_usd": round(fixed, 2),
        "per_account_usd": round((total - fixed) / market.accounts, 2) if market.accounts else 0.0,
        "annual_total_usd": round(total, 2),
        "accounts": market.accounts,
    }
    for name in COMPONENTS:
        row[name] = round(delta(cost.components[name], base.components[name] if base else 0.0), 2)
    row["fte"] = round(delta(cost.fte, base.fte if base else 0.0), 3)
    row["peak_agents_on_duty"] = cost.peak_agents_on_duty
    row["occupancy"] = round(cost.occupancy, 4)
    row["lowest_service_level"] = round(cost.lowest_service_level, 4)
    row["answer_within_seconds"] = cost.answer_within_seconds
    row["distributor_revenue_share"] = (
        market.distributor_revenue_share if option == "distributor" else 0.0
    )
    return row


def option_costs(
    markets: Iterable[Market],
    params: CostParameters | None = None,
    *,
    only: Iterable[str] | None = None,
    answer_within_seconds: float | None = None,
) -> pd.DataFrame:
    """One row per market and option: the baseline's cost and each option's extra cost."""
    catalog = {m.code: m for m in markets}
    wanted = list(only) if only is not None else list(catalog)
    unknown = [code for code in wanted if code not in catalog]
    if unknown:
        raise InputError(
            f"unknown market {unknown[0]!r}; known: {', '.join(sorted(catalog))}",
            field="market",
            value=unknown[0],
        )
    rows = []
    for code in wanted:
        market = catalog[code]
        base = cost_to_serve(
            market, BASELINE, catalog, params, answer_within_seconds=answer_within_seconds
        )
        rows.append(_row(market, "baseline", base, None))
        for option, design in OPTIONS.items():
            if option == "baseline":
                continue
            cost = cost_to_serve(
                market, design, catalog, params, answer_within_seconds=answer_within_seconds
            )
            rows.append(_row(market, option, cost, base))
    return pd.DataFrame(rows)


DELIVERY_COMPARISON: dict[str, SupportDesign] = {
    "remote hub, business hours": BASELINE,
    "remote hub, 24x7 night shifts": SupportDesign(coverage=Coverage.ALWAYS),
    "follow-the-sun, 24x7": SupportDesign(
        coverage=Coverage.ALWAYS, delivery=DeliveryModel.FOLLOW_THE_SUN
    ),
    "local office, business hours": SupportDesign(delivery=DeliveryModel.LOCAL_OFFICE),
    "local office, 24x7": SupportDesign(
        coverage=Coverage.ALWAYS, delivery=DeliveryModel.LOCAL_OFFICE
    ),
    "distributor, business hours": SupportDesign(delivery=DeliveryModel.DISTRIBUTOR),
}


def delivery_comparison(
    market: Market, markets: Mapping[str, Market], params: CostParameters | None = None
) -> pd.DataFrame:
    """Annual cost of each delivery model for one market, with its staffing."""
    rows = []
    for label, design in DELIVERY_COMPARISON.items():
        cost = cost_to_serve(market, design, markets, params)
        rows.append(
            {
                "delivery_model": label,
                "annual_total_usd": cost.annual_total_usd,
                "annual_fixed_usd": cost.annual_fixed_usd,
                "per_account_usd": cost.per_account_usd,
                "fte": cost.fte,
                "peak_agents_on_duty": cost.peak_agents_on_duty,
                "occupancy": cost.occupancy,
                "lowest_service_level": cost.lowest_service_level,
                **cost.components,
            }
        )
    return pd.DataFrame(rows)


def portfolio_summary(
    markets: Iterable[Market], params: CostParameters | None = None
) -> pd.DataFrame:
    """Per market: baseline cost to serve and the extra cost of 24/7 (for maps and headlines)."""
    catalog = {m.code: m for m in markets}
    rows = []
    for market in catalog.values():
        base = cost_to_serve(market, BASELINE, catalog, params)
        always = cost_to_serve(market, OPTIONS["coverage_24x7"], catalog, params)
        rows.append(
            {
                "code": market.code,
                "name": market.name,
                "region": market.region,
                "currency": market.currency,
                "remote_hub": market.remote_hub,
                "accounts": market.accounts,
                "baseline_annual_usd": base.annual_total_usd,
                "baseline_per_account_usd": (
                    base.annual_total_usd / market.accounts if market.accounts else float("nan")
                ),
                "extra_24x7_annual_usd": always.annual_total_usd - base.annual_total_usd,
                "fte": base.fte,
            }
        )
    return pd.DataFrame(rows)


# A tier with priority response promises answers in this share of the market's usual target.
PRIORITY_SHARE_OF_TARGET = 0.25
TWENTY_FOUR_SEVEN_DESIGNS: dict[str, SupportDesign] = {
    "night shifts at the hub": OPTIONS["coverage_24x7"],
    "follow-the-sun": DELIVERY_COMPARISON["follow-the-sun, 24x7"],
}


@dataclass(frozen=True)
class OptionCost:
    """What adding an option to a market's support costs: a fixed and a per-account part."""

    option: str
    fixed_usd: float
    per_account_usd: float
    delivered_by: str


def _extra(cost: CostBreakdown, base: CostBreakdown, option: str, how: str) -> OptionCost:
    fixed = cost.annual_fixed_usd - base.annual_fixed_usd
    per_account = cost.per_account_usd - base.per_account_usd
    return OptionCost(option, fixed + 0.0, per_account + 0.0, how)


def tier_option_costs(
    market: Market, markets: Mapping[str, Market], params: CostParameters | None = None
) -> dict[str, OptionCost]:
    """Cost of bare support ('baseline') and the extra cost of each tier option in a market.

    24/7 is delivered the cheaper way (night shifts at the hub or follow-the-sun, by annual
    total); priority response is a dedicated line (the fixed cost of a second queue) staffed to
    answer within ``PRIORITY_SHARE_OF_TARGET`` of the market's usual answer target.
    """
    base = cost_to_serve(market, BASELINE, markets, params)
    costs = {
        "baseline": OptionCost(
            "baseline", base.annual_fixed_usd, base.per_account_usd, BASELINE.label
        ),
    }
    # A priority promise is kept by a dedicated line: a second queue whose minimum staffing is
    # a fixed cost, staffed to answer within a quarter of the usual target.
    fast = cost_to_serve(
        market,
        BASELINE,
        markets,
        params,
        answer_within_seconds=market.answer_target_seconds * PRIORITY_SHARE_OF_TARGET,
    )
    # The priority line is a queue of its own: its fixed cost is a standalone queue's minimum
    # staffing, even where the market's ordinary contacts share a hub desk.
    standalone = cost_to_serve(
        market,
        BASELINE,
        markets,
        dataclasses.replace(params or CostParameters(), pool_hub_queues=False),
    )
    costs["priority_response"] = OptionCost(
        "priority_response",
        standalone.annual_fixed_usd,
        max(fast.per_account_usd - base.per_account_usd, 0.0),
        f"a dedicated priority line answering within {fast.answer_within_seconds:g} s "
        f"(usual target {base.answer_within_seconds:g} s)",
    )
    always = {
        how: cost_to_serve(market, design, markets, params)
        for how, design in TWENTY_FOUR_SEVEN_DESIGNS.items()
    }
    how, cheapest = min(always.items(), key=lambda item: item[1].annual_total_usd)
    costs["coverage_24x7"] = _extra(cheapest, base, "coverage_24x7", how)
    for option in ("multilingual", "local_office"):
        cost = cost_to_serve(market, OPTIONS[option], markets, params)
        costs[option] = _extra(cost, base, option, OPTIONS[option].label)
    return costs


BREAK_EVEN_MODELS: dict[str, SupportDesign] = {
    "remote hub": BASELINE,
    "local office": SupportDesign(delivery=DeliveryModel.LOCAL_OFFICE),
    "distributor": SupportDesign(delivery=DeliveryModel.DISTRIBUTOR),
}


def delivery_curves(
    market: Market,
    markets: Mapping[str, Market],
    params: CostParameters | None = None,
    *,
    points: int = 121,
    max_accounts: int | None = None,
) -> pd.DataFrame:
    """Annual cost of each delivery model (business hours) at account counts from 0 up."""
    top = max_accounts or max(3 * market.accounts, 200)
    counts = np.unique(np.linspace(0, top, points).round())
    frame = pd.DataFrame({"accounts": counts.astype(int)})
    for label, design in BREAK_EVEN_MODELS.items():
        frame[label] = cost_curve(market, design, markets, counts, params)
    return frame
