"""A scenario as saved: the finance choices and what they produced, in plain JSON."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from pricing.delivery.shared import MODEL_SHORT

if TYPE_CHECKING:  # types only: reading a saved scenario needs no solver
    from pricing.plan import MarketPlan, Plan
    from pricing.scenarios.store import Scenario


def scenario_payload(plan: Plan, costs: pd.DataFrame | None = None) -> dict:
    """The plan as saved: its request (the rules and budget rates as a scenario file, the
    segment values, the catalogue's name) and what it produced per market; ``costs``, the
    portfolio summary (baseline cost per market), is saved beside it."""
    baseline = (
        {}
        if costs is None
        else {row.code: round(float(row.baseline_annual_usd), 2) for row in costs.itertuples()}
    )
    return {
        "settings": plan.request.as_scenario(),
        "segments": [dataclasses.asdict(row) for row in plan.request.segment_rows],
        "data": plan.request.catalogue.label,
        "markets": {p.market.code: _market(p) for p in plan.markets},
        "baseline_cost_usd": baseline,
    }


def _market(plan: MarketPlan) -> dict:
    decision = plan.delivery
    served = decision.delivery if decision is not None and plan.tiers else None
    return {
        "name": plan.market.name,
        # How the portfolio served it (None: not sold), and the shared desk it was on.
        "delivery_model": served,
        "desk": decision.desk if served else None,
        "profit_usd": round(plan.profit_usd, 2),
        "revenue_usd": round(plan.solution.revenue, 2),
        "cost_usd": round(plan.solution.cost, 2),
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


def cost_changes(summary: pd.DataFrame, saved: Scenario) -> pd.Series:
    """Today's baseline cost minus the saved one, per market code (NaN where not saved)."""
    before = saved.payload.get("baseline_cost_usd", {})
    return summary["code"].map(before).pipe(lambda old: summary["baseline_annual_usd"] - old)


def profit_changes(summary: pd.DataFrame, saved: Scenario) -> pd.Series:
    """Today's profit (``summary["profit_usd"]``) minus the one saved, per market code (NaN
    where the scenario did not plan the market)."""
    before = {code: m["profit_usd"] for code, m in saved.payload.get("markets", {}).items()}
    return summary["profit_usd"] - summary["code"].map(before)


def _served_text(market: dict) -> str:
    """How a saved market was served: ``shared desk ZA:en``, ``own desks``, ``not sold``; a
    scenario saved before delivery models were decided says nothing."""
    if "delivery_model" not in market:
        return ""
    model = market["delivery_model"]
    if model is None:
        return "not sold"
    desk = market.get("desk")
    return MODEL_SHORT.get(model, model) + (f" {desk}" if desk else "")


def _label(scenario: Scenario) -> str:
    return f"{scenario.name} (v{scenario.version})"


def _cost(market: dict) -> float:
    # Scenarios saved before costs were recorded: cost is what revenue did not keep.
    return market.get("cost_usd", market["revenue_usd"] - market["profit_usd"])


def comparison_totals(scenarios: Iterable[Scenario]) -> pd.DataFrame:
    """One row per scenario: revenue, cost and profit (USD/yr), and each against the first."""
    rows = []
    for scenario in scenarios:
        markets = scenario.payload.get("markets", {}).values()
        rows.append(
            {
                "scenario": _label(scenario),
                "revenue_usd": sum(m["revenue_usd"] for m in markets),
                "cost_usd": sum(_cost(m) for m in markets),
                "profit_usd": sum(m["profit_usd"] for m in markets),
            }
        )
    frame = pd.DataFrame(rows, columns=["scenario", "revenue_usd", "cost_usd", "profit_usd"])
    for column in ("revenue_usd", "cost_usd", "profit_usd"):
        first = frame[column].iloc[0] if len(frame) else 0.0
        frame[f"{column.removesuffix('_usd')}_vs_first_usd"] = frame[column] - first + 0.0
    return frame


def _tier_text(tier: dict, per_usd: float) -> str:
    """``Standard 3,680 (Priority, All languages)``: name, target price, options in short."""
    from pricing.costing.service import OPTION_SHORT

    options = ", ".join(OPTION_SHORT.get(o, o) for o in tier["options"])
    return f"{tier['name']} {tier['target_usd'] * per_usd:,.0f}" + (
        f" ({options})" if options else ""
    )


def comparison(scenarios: Iterable[Scenario], per_usd: float = 1.0) -> pd.DataFrame:
    """Markets by scenario, one row each: profit, profit against the first scenario for the
    same market, and the tiers sold (target price per account and year, with their options),
    last, as the widest column.

    Long rather than one column per scenario, so any number of scenarios fits a screen. Money
    is converted at ``per_usd`` units of the display currency per USD (1: USD).
    """
    rows = [
        {
            "market": code,
            "scenario": _label(scenario),
            "order": number,
            "served": _served_text(market),
            "tiers": " · ".join(_tier_text(t, per_usd) for t in market["tiers"]) or "nothing sold",
            "profit_usd": market["profit_usd"],
        }
        for number, scenario in enumerate(scenarios)
        for code, market in scenario.payload.get("markets", {}).items()
    ]
    columns = ["market", "scenario", "served", "profit_usd", "profit_vs_first_usd", "tiers"]
    if not rows:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(rows).sort_values(["market", "order"], kind="stable")
    first = frame[frame["order"] == 0].set_index("market")["profit_usd"]
    # A market the first scenario did not plan has nothing to be compared with.
    frame["profit_vs_first_usd"] = frame["profit_usd"] - frame["market"].map(first) + 0.0
    return frame[columns].reset_index(drop=True)
