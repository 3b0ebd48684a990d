"""How much the portfolio's profit moves when one driver moves: the data for a tornado chart.

Wages and volumes are re-planned (the optimiser may choose other tiers); exchange rates and
negotiated discounts are applied to the plan as quoted (local prices fixed, buyers winning more
or less than the usual discount).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from pricing.costing.desks import sites_in_use
from pricing.delivery.decision import decide
from pricing.models import CostParameters, Market
from pricing.plan import Plan


def _replanned(plan: Plan, **changes_by_field: float) -> float:
    """The portfolio's profit with every market's ``field`` scaled by its factor, decided anew
    (the same rules, segment values and delivery models fixed; each market's delivery model
    and menu chosen again)."""

    def scaled(market: Market, field: str, factor: float) -> float | int:
        value = getattr(market, field) * factor
        return round(value) if isinstance(getattr(market, field), int) else value

    request = plan.request
    changed = tuple(
        dataclasses.replace(m, **{f: scaled(m, f, k) for f, k in changes_by_field.items()})
        for m in request.catalogue.markets
    )
    catalogue = request.catalogue.with_markets(changed)
    again = request.replace(catalogue=catalogue, reasons=False)
    if "agent_cost_usd" in changes_by_field:  # hub sites pay agents too
        params = request.params or CostParameters()
        factor = changes_by_field["agent_cost_usd"]
        sites = tuple(
            dataclasses.replace(site, agent_cost_usd=site.agent_cost_usd * factor)
            for site in sites_in_use(params).values()
        )
        again = again.replace(params=dataclasses.replace(params, sites=sites))
    return decide(again, request.settings.delivery).profit_usd


def tornado(
    plan: Plan,
    *,
    wages: float = 0.20,
    volume: float = 0.20,
    fx: float = 0.10,
    discount_points: float = 0.05,
) -> pd.DataFrame:
    """Profit (USD/yr) at the low and high end of each driver, with the base profit."""
    plans = plan.markets
    # As each swing is measured: the decided portfolio's profit.
    base = plan.decision.profit_usd if plan.decision else sum(p.profit_usd for p in plans)
    rows = [
        {
            "driver": f"Agent wages ±{wages:.0%}",
            "low": _replanned(plan, agent_cost_usd=1 + wages),
            "high": _replanned(plan, agent_cost_usd=1 - wages),
        },
        {
            "driver": f"Accounts ±{volume:.0%}",
            "low": _replanned(plan, accounts=1 - volume),
            "high": _replanned(plan, accounts=1 + volume),
        },
    ]

    def moved(rate_change: float) -> float:
        # Prices fixed in local currency; a weaker local currency brings fewer dollars.
        return base - sum(
            p.solution.revenue * (1 - 1 / (1 + rate_change))
            for p in plans
            if p.market.currency != "USD"
        )

    rows.append({"driver": f"Exchange rates ±{fx:.0%}", "low": moved(fx), "high": moved(-fx)})

    def negotiated(points: float) -> float:
        # Buyers win `points` more (or less) off list than the usual discount d.
        return base - sum(
            p.solution.revenue * points / (1 - p.market.expected_discount) for p in plans
        )

    rows.append(
        {
            "driver": f"Negotiated discount ±{discount_points * 100:.0f} points",
            "low": negotiated(discount_points),
            "high": negotiated(-discount_points),
        }
    )
    frame = pd.DataFrame(rows)
    frame["base"] = base
    frame["swing"] = (frame["high"] - frame["low"]).abs()
    return frame.sort_values("swing", ascending=False).reset_index(drop=True)
