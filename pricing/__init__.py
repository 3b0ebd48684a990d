"""The pure pricing core of the support-tier pricing studio (no Streamlit here).

Data flows one way: market files -> validated models -> staffing and cost to serve ->
(tier optimiser, negotiation bands, currencies) -> tables, charts and exports.
"""

from pricing.catalog import load_markets, load_sources, markets_frame, source_of, sources_for
from pricing.costs import (
    BASELINE,
    OPTIONS,
    CostBreakdown,
    DeliveryModel,
    SupportDesign,
    break_even_accounts,
    cost_curve,
    cost_to_serve,
    delivery_comparison,
    option_costs,
    portfolio_summary,
)
from pricing.coverage import Coverage
from pricing.errors import DataFileError, InfeasibleError, InputError, PricingError, SolverError
from pricing.fx import Rate, convert, rate
from pricing.models import CostParameters, Market
from pricing.negotiation import ApprovalBand, Quote, quote
from pricing.optimizer import Solution, Terms, TierProblem, given_tiers_problem, solve
from pricing.plan import MarketPlan, PlanSettings, plan_payload, plan_portfolio
from pricing.segments import TIER_OPTIONS, load_segments, market_segments
from pricing.staffing import QueueStaffing, erlang_c, required_agents, service_level, staff_queue

__all__ = [
    "BASELINE",
    "OPTIONS",
    "TIER_OPTIONS",
    "ApprovalBand",
    "CostBreakdown",
    "CostParameters",
    "Coverage",
    "DataFileError",
    "DeliveryModel",
    "InfeasibleError",
    "InputError",
    "Market",
    "MarketPlan",
    "PlanSettings",
    "PricingError",
    "QueueStaffing",
    "Quote",
    "Rate",
    "Solution",
    "SolverError",
    "SupportDesign",
    "Terms",
    "TierProblem",
    "break_even_accounts",
    "convert",
    "cost_curve",
    "cost_to_serve",
    "delivery_comparison",
    "erlang_c",
    "given_tiers_problem",
    "load_markets",
    "load_segments",
    "load_sources",
    "market_segments",
    "markets_frame",
    "option_costs",
    "plan_payload",
    "plan_portfolio",
    "portfolio_summary",
    "quote",
    "rate",
    "required_agents",
    "service_level",
    "solve",
    "source_of",
    "sources_for",
    "staff_queue",
]
