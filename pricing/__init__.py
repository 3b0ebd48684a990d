"""The pure pricing core of the support-tier pricing studio (no Streamlit here).

Data flows one way: market files -> validated models -> staffing and cost to serve ->
(tier optimiser, negotiation bands, currencies) -> tables, charts and exports.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public names and the module each lives in. Imported on first use, so that importing the
# package (every page does) does not load the solver, FX or export machinery it may not need.
_EXPORTS: dict[str, str] = {
    "ApprovalBand": "pricing.tiers.negotiation",
    "BASELINE": "pricing.costing.engine",
    "CostBreakdown": "pricing.costing.engine",
    "CostParameters": "pricing.models",
    "Coverage": "pricing.costing.engine",
    "DataFileError": "pricing.errors",
    "DeliveryModel": "pricing.costing.engine",
    "InfeasibleError": "pricing.errors",
    "InputError": "pricing.errors",
    "Market": "pricing.models",
    "MarketPlan": "pricing.plan",
    "OPTIONS": "pricing.costing.engine",
    "PlanSettings": "pricing.plan",
    "PricingError": "pricing.errors",
    "QueueStaffing": "pricing.costing.staffing",
    "Quote": "pricing.tiers.negotiation",
    "Rate": "pricing.fx",
    "Solution": "pricing.tiers.problem",
    "SolverError": "pricing.errors",
    "SupportDesign": "pricing.costing.engine",
    "TIER_OPTIONS": "pricing.costing.service",
    "Terms": "pricing.tiers.problem",
    "TierProblem": "pricing.tiers.problem",
    "break_even_accounts": "pricing.costing.curves",
    "convert": "pricing.fx",
    "cost_curve": "pricing.costing.curves",
    "cost_to_serve": "pricing.costing.engine",
    "delivery_comparison": "pricing.costing.tables",
    "erlang_c": "pricing.costing.staffing",
    "given_tiers_problem": "pricing.tiers.solve",
    "load_markets": "pricing.catalog",
    "load_segments": "pricing.segments",
    "load_sources": "pricing.catalog",
    "market_segments": "pricing.segments",
    "markets_frame": "pricing.catalog",
    "option_costs": "pricing.costing.tables",
    "plan_payload": "pricing.plan",
    "plan_portfolio": "pricing.plan",
    "portfolio_summary": "pricing.costing.tables",
    "quote": "pricing.tiers.negotiation",
    "rate": "pricing.fx",
    "required_agents": "pricing.costing.staffing",
    "service_level": "pricing.costing.staffing",
    "solve": "pricing.tiers.solve",
    "source_of": "pricing.catalog",
    "sources_for": "pricing.catalog",
    "staff_queue": "pricing.costing.staffing",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'pricing' has no attribute {name!r}")
