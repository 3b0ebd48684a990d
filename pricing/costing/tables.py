"""Cost tables for people: option rows, delivery models side by side, the portfolio summary.

Every figure comes from :func:`pricing.costing.engine.cost_to_serve`, the step cost the tier
MILP prices, so a table and a plan never disagree about what serving a market costs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from pricing.costing.curves import cost_curve, costable_accounts
from pricing.costing.demand import peak_load_problem
from pricing.costing.engine import (
    BASELINE,
    COMPONENTS,
    OPTIONS,
    CostBreakdown,
    Coverage,
    DeliveryModel,
    SupportDesign,
    cost_to_serve,
    design_workload,
)
from pricing.errors import InputError
from pricing.inputs.catalog import chosen_codes
from pricing.models import CostParameters, Market


def _row(market: Market, option: str, cost: CostBreakdown, base: CostBreakdown | None) -> dict:
    """One CLI row: the design's cost, or for an option its extra over the baseline.

    ``per_account_usd`` is ``annual_total_usd / accounts`` in every row.
    """

    def delta(mine: float, theirs: float) -> float:
        return mine - (theirs if base is not None else 0.0) + 0.0  # +0.0: no -0.0 in JSON

    total = delta(cost.annual_total_usd, base.annual_total_usd if base else 0.0)
    row = {
        "market": market.code,
        "option": option,
        "annual_fixed_usd": round(
            delta(cost.annual_fixed_usd, base.annual_fixed_usd if base else 0.0), 2
        ),
        "per_account_usd": round(total / cost.accounts, 2) if cost.accounts else 0.0,
        "annual_total_usd": round(total, 2),
        "accounts": cost.accounts,
    }
    for name in COMPONENTS:
        mine = cost.components.get(name, 0.0)
        row[name] = round(delta(mine, base.components.get(name, 0.0) if base else 0.0), 2)
    row["fte"] = round(delta(cost.fte, base.fte if base else 0.0), 3)
    row["peak_agents_on_duty"] = cost.peak_agents_on_duty
    row["occupancy"] = round(cost.occupancy, 4)
    row["lowest_service_level"] = round(cost.lowest_service_level, 4)
    row["answer_within_seconds"] = cost.answer_within_seconds
    row["ticket_response_seconds"] = cost.ticket_response_seconds
    row["working_days"] = list(cost.working_days)
    row["covered_hours_per_week"] = cost.covered_hours_per_week
    row["distributor_revenue_share"] = (
        market.distributor_revenue_share if option == "distributor" else 0.0
    )
    return row


def option_costs(
    markets: Iterable[Market],
    params: CostParameters | None = None,
    *,
    only: Iterable[str] | None = None,
    accounts: int | None = None,
    answer_within_seconds: float | None = None,
) -> pd.DataFrame:
    """One row per market and option: the baseline's cost and each option's extra cost.

    ``accounts`` costs every market at that many accounts instead of its own, within what one
    server can cost (the same limit as a market file's rows).
    """
    catalog = {m.code: m for m in markets}
    wanted = chosen_codes(catalog, only)
    for code in wanted if accounts is not None else ():
        too_big = peak_load_problem(catalog[code], accounts, params)
        if too_big:
            raise InputError(f"{code}: {too_big}", field="accounts", value=accounts)
    rows = []
    for code in wanted:
        market = catalog[code]

        def costed(design: SupportDesign, market: Market = market) -> CostBreakdown:
            return cost_to_serve(
                market,
                design,
                catalog,
                params,
                answer_within_seconds=answer_within_seconds,
                accounts=accounts,
            )

        base = costed(BASELINE)
        rows.append(_row(market, "baseline", base, None))
        for option, design in OPTIONS.items():
            if option != "baseline":
                rows.append(_row(market, option, costed(design), base))
    return pd.DataFrame(rows)


DELIVERY_COMPARISON: dict[str, SupportDesign] = {
    "remote hub, business hours": BASELINE,
    "remote hub, 24x7 night shifts": SupportDesign(coverage=Coverage.ALWAYS),
    "follow-the-sun, 24x7": SupportDesign(
        coverage=Coverage.ALWAYS, delivery=DeliveryModel.FOLLOW_THE_SUN
    ),
    "remote hub, 24x7 by a bot and on-call nights": SupportDesign(
        coverage=Coverage.ALWAYS, bot_nights=True
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
    """Per market: baseline cost to serve and the extra cost of 24/7 (for maps and headlines).

    Both come from one workload per market (the 24/7 one holds the baseline too), evaluated
    for every account on the baseline and every account on 24/7.
    """
    params = params or CostParameters()
    catalog = {m.code: m for m in markets}
    rows = []
    for market in catalog.values():
        always = OPTIONS["coverage_24x7"]
        workload = design_workload(market, always, catalog, params)
        configs = np.zeros((2, len(workload.sets)))
        configs[0, workload.set_index(BASELINE.options)] = market.accounts
        configs[1, workload.set_index(always.options)] = market.accounts
        evaluation = workload.evaluate(configs)
        base, nights = (float(v) for v in evaluation.cost_usd)
        hours = np.array([g.hours_per_year for g in workload.groups])
        duty = float(evaluation.agents[0] @ hours)
        rows.append(
            {
                "code": market.code,
                "name": market.name,
                "region": market.region,
                "currency": market.currency,
                "remote_hub": market.remote_hub,
                "accounts": market.accounts,
                "baseline_annual_usd": base,
                "baseline_per_account_usd": (
                    base / market.accounts if market.accounts else float("nan")
                ),
                "extra_24x7_annual_usd": nights - base,
                "fte": duty / (1.0 - params.shrinkage) / params.paid_hours_per_fte,
                "working_days": " ".join(workload.week.working_day_names),
            }
        )
    return pd.DataFrame(rows)


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
    top = min(max_accounts or max(3 * market.accounts, 200), costable_accounts(market, params))
    counts = np.unique(np.linspace(0, top, points).round())
    frame = pd.DataFrame({"accounts": counts.astype(int)})
    for label, design in BREAK_EVEN_MODELS.items():
        frame[label] = cost_curve(market, design, markets, counts, params)
    return frame
