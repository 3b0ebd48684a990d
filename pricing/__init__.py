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
from pricing.errors import DataFileError, InputError, PricingError
from pricing.models import CostParameters, Market
from pricing.staffing import QueueStaffing, erlang_c, required_agents, service_level, staff_queue

__all__ = [
    "BASELINE",
    "OPTIONS",
    "CostBreakdown",
    "CostParameters",
    "Coverage",
    "DataFileError",
    "DeliveryModel",
    "InputError",
    "Market",
    "PricingError",
    "QueueStaffing",
    "SupportDesign",
    "break_even_accounts",
    "cost_curve",
    "cost_to_serve",
    "delivery_comparison",
    "erlang_c",
    "load_markets",
    "load_sources",
    "markets_frame",
    "option_costs",
    "portfolio_summary",
    "required_agents",
    "service_level",
    "source_of",
    "sources_for",
    "staff_queue",
]
