"""A scenario as saved: the finance choices and what they produced, in plain JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # types only: reading a saved scenario needs no solver
    from pricing.plan import MarketPlan, PlanSettings
    from pricing.store import Scenario


def settings_payload(settings: PlanSettings) -> dict:
    """The plan choices in the scenario-file format (see pricing.schemas.ScenarioIn)."""
    return {
        "tiers": settings.tiers,
        "min_margin": settings.min_margin,
        "price_step": settings.price_step,
        "solver": settings.solver,
        "allowed": {k: sorted(v) for k, v in (settings.allowed or {}).items()},
        "budget_rates": {code: rate.per_usd for code, rate in settings.rates.overrides.items()},
    }


def scenario_payload(
    settings: PlanSettings,
    plans: Iterable[MarketPlan],
    data_label: str,
    costs: pd.DataFrame | None = None,
) -> dict:
    """``costs``: the portfolio summary (baseline cost per market) saved beside the plan."""
    markets = {}
    for plan in plans:
        markets[plan.market.code] = {
            "name": plan.market.name,
            "profit_usd": round(plan.profit_usd, 2),
            "revenue_usd": round(plan.solution.revenue, 2),
            "tiers": [
                {
                    "name": t.name,
                    "options": list(t.options),
                    "list_usd": round(t.quote_usd.list_price, 2),
                    "target_usd": round(t.quote_usd.target, 2),
                    "floor_usd": round(t.quote_usd.floor, 2),
                }
                for t in plan.tiers
            ],
        }
    baseline = (
        {}
        if costs is None
        else {row.code: round(float(row.baseline_annual_usd), 2) for row in costs.itertuples()}
    )
    return {
        "settings": settings_payload(settings),
        "data": data_label,
        "markets": markets,
        "baseline_cost_usd": baseline,
    }


def cost_changes(summary: pd.DataFrame, saved: Scenario) -> pd.Series:
    """Today's baseline cost minus the saved one, per market code (NaN where not saved)."""
    before = saved.payload.get("baseline_cost_usd", {})
    return summary["code"].map(before).pipe(lambda old: summary["baseline_annual_usd"] - old)


def comparison(scenarios: Iterable[Scenario]) -> pd.DataFrame:
    """Markets side by side: each scenario's tiers, target prices and profit."""
    rows = []
    for scenario in scenarios:
        label = f"{scenario.name} (v{scenario.version})"
        for code, market in scenario.payload.get("markets", {}).items():
            rows.append(
                {
                    "market": code,
                    "scenario": label,
                    "tiers": ", ".join(
                        f"{t['name']} {t['target_usd']:,.0f}"
                        + (f" [{'+'.join(t['options'])}]" if t["options"] else "")
                        for t in market["tiers"]
                    )
                    or "nothing sold",
                    "profit_usd": market["profit_usd"],
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    wide = frame.pivot(index="market", columns="scenario", values=["profit_usd", "tiers"])
    wide.columns = [f"{what}: {scenario}" for what, scenario in wide.columns]
    return wide.reset_index()
