"""Cost to serve a market with one support design, on the same step cost the tier MILP prices.

A *support design* is a coverage level (business hours or 24/7), one language or all the
market's support languages, and a delivery model, applied to every account of the market:

* ``remote_hub``: the regional hub's desks; 24/7 by night shifts at the hub;
* ``follow_the_sun``: the same, each night slot staffed by the hub for which it is daytime when
  that costs less;
* with ``bot_nights`` (24/7 only), a bot answers the nights first and an agent on call at the
  hub the urgent rest (:mod:`pricing.costing.night`);
* ``local_office``: a team in the market answers business hours (its wage, its office's rent and
  set-up); nights, when 24/7, stay with the hub;
* ``distributor``: a local partner answers first line for a fee per account plus a management
  fee; ``escalation_share`` of the contacts come back to the hub's desk, whole agents.

Per account always means the annual total divided by the accounts (fully loaded). The fixed part
is what does not move with the accounts: office rent, set-up and partner management fees.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from pricing.costing.service import TIER_OPTIONS
from pricing.costing.staffing import service_level
from pricing.costing.week import SLOTS_PER_DAY, SLOTS_PER_HOUR, WEEKS_PER_YEAR
from pricing.costing.workload import (
    STAFF_COMPONENTS,
    Workload,
    build_workload,
)
from pricing.errors import InputError
from pricing.models import CostParameters, Market

COMPONENTS: tuple[str, ...] = (
    *STAFF_COMPONENTS,
    "holiday_cover_usd",
    "office_fixed_usd",
    "setup_amortisation_usd",
    "distributor_fees_usd",
    "escalation_usd",
    "self_service_usd",
    "on_call_worked_usd",
)
FIXED: tuple[str, ...] = ("office_fixed_usd", "setup_amortisation_usd")


class Coverage(StrEnum):
    """Hours a desk answers live, in the market's local time."""

    BUSINESS_HOURS = "business_hours"
    ALWAYS = "24x7"


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
    bot_nights: bool = False  # nights by a bot and an agent on call (24x7 only)

    def __post_init__(self) -> None:
        for asked, name in (
            (self.delivery is DeliveryModel.FOLLOW_THE_SUN, "follow_the_sun"),
            (self.bot_nights, "bot_nights"),
        ):
            if asked and self.coverage is not Coverage.ALWAYS:
                raise InputError(
                    f"{name} is a way to deliver 24x7 coverage; use coverage '24x7'",
                    field="coverage",
                    value=str(self.coverage),
                )
        if self.bot_nights and self.delivery not in (
            DeliveryModel.REMOTE_HUB,
            DeliveryModel.LOCAL_OFFICE,
        ):
            raise InputError(
                "bot_nights keeps the agent on call at the hub: use delivery remote_hub or "
                f"local_office, not {self.delivery.value}",
                field="delivery",
                value=self.delivery.value,
            )

    @property
    def label(self) -> str:
        languages = "all languages" if self.multilingual else "one language"
        coverage = self.coverage.value.replace("_", " ")
        nights = " (bot and on-call nights)" if self.bot_nights else ""
        return f"{self.delivery.value.replace('_', ' ')}, {coverage}{nights}, {languages}"

    @property
    def options(self) -> frozenset[str]:
        """The tier options every account holds under this design."""
        held = set()
        if self.coverage is Coverage.ALWAYS:
            held.add("coverage_24x7")
        if self.multilingual:
            held.add("multilingual")
        if self.delivery is DeliveryModel.LOCAL_OFFICE:
            held.add("local_office")
        return frozenset(held)


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
    ticket_response_seconds: float
    components: Mapping[str, float]
    fte: float
    peak_agents_on_duty: int
    agent_hours_per_week: float
    occupancy: float
    lowest_service_level: float
    working_days: tuple[str, ...]
    covered_hours_per_week: float
    staffing: pd.DataFrame = field(repr=False, compare=False)
    partner_fixed_usd: float = 0.0

    @property
    def annual_total_usd(self) -> float:
        return sum(self.components.values())

    @property
    def annual_fixed_usd(self) -> float:
        """What does not move with the accounts: office rent, set-up, partner management."""
        return sum(self.components.get(name, 0.0) for name in FIXED) + self.partner_fixed_usd

    @property
    def per_account_usd(self) -> float:
        """Fully loaded: the annual total divided by the accounts."""
        return self.annual_total_usd / self.accounts if self.accounts else 0.0


def design_workload(
    market: Market,
    design: SupportDesign,
    markets: Mapping[str, Market],
    params: CostParameters | None = None,
    *,
    answer_within_seconds: float | None = None,
    max_accounts: float | None = None,
) -> Workload:
    """The workload on which a design is costed (distributor: the escalation desk)."""
    if answer_within_seconds is not None and not (
        math.isfinite(answer_within_seconds) and answer_within_seconds > 0
    ):
        raise InputError(
            f"answer_within_seconds must be a number > 0, got {answer_within_seconds!r}",
            field="answer_within_seconds",
            value=answer_within_seconds,
        )
    return build_workload(
        market,
        markets,
        params,
        options=tuple(o for o in TIER_OPTIONS if o in design.options),
        follow_the_sun=design.delivery is DeliveryModel.FOLLOW_THE_SUN,
        max_accounts=max_accounts,
        answer_target_seconds=answer_within_seconds,
        bot_nights=design.bot_nights,
    )


def _staffed_accounts(market: Market, design: SupportDesign, params: CostParameters, counts):
    """Accounts whose contacts the desks answer: all, or the escalations of a distributor."""
    if design.delivery is DeliveryModel.DISTRIBUTOR:
        return counts * params.escalation_share
    return counts


def components_of(
    market: Market, design: SupportDesign, params: CostParameters, workload: Workload, counts
) -> tuple[dict[str, np.ndarray], object]:
    configs = np.zeros((len(counts), len(workload.sets)))
    configs[:, workload.set_index(design.options)] = _staffed_accounts(
        market, design, params, counts
    )
    evaluation = workload.evaluate(configs)
    parts = {name: np.asarray(v, dtype=float) for name, v in evaluation.components.items()}
    if design.delivery is DeliveryModel.DISTRIBUTOR:
        escalation = sum(parts.pop(name) for name in list(parts))
        parts = {
            "escalation_usd": escalation,
            "distributor_fees_usd": counts * market.distributor_fee_per_account_usd
            + market.distributor_fixed_usd,
        }
    return parts, evaluation


def cost_to_serve(
    market: Market,
    design: SupportDesign,
    markets: Mapping[str, Market],
    params: CostParameters | None = None,
    *,
    answer_within_seconds: float | None = None,
    accounts: int | None = None,
) -> CostBreakdown:
    """Annual cost of supporting ``market`` with ``design`` at its accounts (or ``accounts``).

    ``answer_within_seconds`` overrides the live answer target (a tier's SLA): a faster promise
    needs more agents.
    """
    params = params or CostParameters()
    count = _account_count(market, accounts)
    workload = design_workload(
        market,
        design,
        markets,
        params,
        answer_within_seconds=answer_within_seconds,
        max_accounts=max(count, 1),
    )
    parts, evaluation = components_of(market, design, params, workload, np.array([float(count)]))
    agents = evaluation.agents[0]
    staffing = _staffing_frame(workload, agents, evaluation.total[0])
    duty_hours = sum(a * g.hours_per_year for a, g in zip(agents, workload.groups, strict=True))
    load_hours = sum(
        t * g.hours_per_year for t, g in zip(evaluation.total[0], workload.groups, strict=True)
    )
    always = design.coverage is Coverage.ALWAYS
    return CostBreakdown(
        market=market.code,
        design=design,
        accounts=count,
        answer_within_seconds=workload.mix.live_seconds,
        ticket_response_seconds=workload.mix.async_seconds,
        components={name: float(parts[name][0]) if name in parts else 0.0 for name in COMPONENTS},
        fte=duty_hours / (1.0 - params.shrinkage) / params.paid_hours_per_fte,
        peak_agents_on_duty=int(agents.max(initial=0)),
        agent_hours_per_week=duty_hours / WEEKS_PER_YEAR,
        occupancy=load_hours / duty_hours if duty_hours else 0.0,
        lowest_service_level=_lowest_live_level(market, workload, agents, evaluation.live[0]),
        working_days=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        if always
        else tuple(workload.week.working_day_names),
        covered_hours_per_week=168.0 if always else workload.week.business_hours_per_week,
        staffing=staffing,
        partner_fixed_usd=(
            market.distributor_fixed_usd if design.delivery is DeliveryModel.DISTRIBUTOR else 0.0
        ),
    )


def _account_count(market: Market, accounts: int | None) -> int:
    count = market.accounts if accounts is None else accounts
    if not (isinstance(count, int) and 0 <= count <= 10_000_000):
        raise InputError(
            f"accounts must be a whole number from 0 to 10,000,000, got {count!r}",
            field="accounts",
            value=count,
        )
    return count


def _lowest_live_level(
    market: Market, workload: Workload, agents: np.ndarray, live: np.ndarray
) -> float:
    """The lowest share of live contacts answered within target over the staffed slots."""
    levels = [
        float(service_level(a, load, market.aht_seconds, workload.mix.live_seconds))
        for a, load in zip(agents, live, strict=True)
        if a > 0 and load > 0
    ]
    return min(levels, default=1.0)


def _staffing_frame(workload: Workload, agents: np.ndarray, loads: np.ndarray) -> pd.DataFrame:
    """Agents on duty and offered load by local weekday and hour (hourly means of the slots)."""
    per_slot = np.zeros(7 * SLOTS_PER_DAY)
    load = np.zeros(7 * SLOTS_PER_DAY)
    for group, count, erlangs in zip(workload.groups, agents, loads, strict=True):
        per_slot[list(group.slots)] += count
        load[list(group.slots)] += erlangs
    hourly = per_slot.reshape(7 * 24, SLOTS_PER_HOUR).mean(axis=1)
    hourly_load = load.reshape(7 * 24, SLOTS_PER_HOUR).mean(axis=1)
    rows = [
        {
            "day": hour // 24,
            "hour": hour % 24,
            "agents": float(hourly[hour]),
            "offered_load_erlangs": float(hourly_load[hour]),
        }
        for hour in range(7 * 24)
        if hourly[hour] > 0
    ]
    return pd.DataFrame(rows, columns=["day", "hour", "agents", "offered_load_erlangs"])
