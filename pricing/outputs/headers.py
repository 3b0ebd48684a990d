"""Column headers in words, with their units, for the workbooks people open.

The tables keep their code names (``revenue_usd``): the CSV files, the plan's JSON and the pages
read them. A workbook shows each column under :func:`header`: the words of :data:`HEADERS`, or
the code name spelt out ("per account" for ``_per_account``, "(USD)" for ``_usd``).
"""

from __future__ import annotations

from pricing.costing.service import OPTION_LABELS

_PER_YEAR = "USD/account/yr"

HEADERS: dict[str, str] = {
    # markets
    "market": "Market",
    "name": "Name",
    "currency": "Currency",
    "accounts": "Accounts",
    "tiers_offered": "Tiers offered",
    "revenue_usd": "Revenue (USD/yr)",
    "cost_usd": "Cost (USD/yr)",
    "profit_usd": "Profit (USD/yr)",
    "margin": "Margin (profit / revenue)",
    "floor_revenue_usd": "Revenue at floor prices (USD/yr)",
    "working_days": "Working days",
    "expected_discount": "Usual negotiated discount (off list)",
    "max_discount": "Deepest approvable discount (off list)",
    "solver": "Solver",
    "status": "Solver status",
    "delivery_model": "Served by (delivery model)",
    "shared_desk": "Shared desk (site:language)",
    "shared_desk_cost_usd": "Its part of the shared desk (USD/yr)",
    "marginal_profit_usd": "Portfolio profit without it (USD/yr less)",
    "together_with": "Pays only together with",
    "verdict": "Verdict",
    "verdict_reason": "Why (sold or not)",
    "margin_at_floor_on_marginal": "Margin at floor on marginal cost",
    "floor_warning": "Floor below fully loaded cost: what the rep must know",
    "gap": "Optimality gap",
    "message": "Note",
    # tiers
    "tier": "Tier",
    "options": "Includes",
    "coverage": "Served",
    "answer_within_seconds": "Phone and chat: 80 % answered within (s)",
    "ticket_response_seconds": "Messages and tickets: desk staffed to answer 80 % within (s)",
    "buyers": "Bought by",
    "unit_cost_usd": f"Cost, all in ({_PER_YEAR})",
    "marginal_cost_usd": f"Marginal cost ({_PER_YEAR})",
    "list_usd": f"List ({_PER_YEAR})",
    "target_usd": f"Target ({_PER_YEAR})",
    "floor_usd": f"Floor ({_PER_YEAR})",
    "margin_at_target": "Margin at target",
    "margin_at_floor": "Margin at floor",
    "rate_usd_to_local": "Rate (currency units per USD)",
    "fx_buffer": "Currency buffer",
    "price_step_local": "Price step (currency units)",
    "list_local": "List (currency/account/yr)",
    "target_local": "Target (currency/account/yr)",
    "floor_local": "Floor (currency/account/yr)",
    "rate_as_of": "Rate as of",
    "contract_value_usd": f"Buyers' contract value ({_PER_YEAR})",
    "share_of_contract_value": "Target as a share of contract value",
    # segments and option costs
    "segment": "Segment",
    "buys": "Buys",
    "share": "Share of accounts",
    "base_value_usd": f"Basic support value ({_PER_YEAR})",
    **{f"{o}_value_usd": f"{label} value ({_PER_YEAR})" for o, label in OPTION_LABELS.items()},
    **{f"{o}_usd": f"{label} value ({_PER_YEAR})" for o, label in OPTION_LABELS.items()},
    "option": "Option",
    "annual_usd": "Every account taking it, in all (USD/yr)",
    "per_account_usd": f"Every account taking it ({_PER_YEAR})",
    "delivered_by": "How it is delivered",
    "number": "#",
    "reason": "Reason",
    # rates and settings
    "per_usd": "Rate (currency units per USD)",
    "as_of": "As of",
    "kind": "Kind",
    "source": "Source",
    "stale": "Stale",
    "buffer": "Currency buffer",
    "buffer_source": "Buffer source",
    "markets": "Markets",
    "setting": "Setting",
    "value": "Value",
    "code": "Market code (* all)",
    "used_for": "Used for",
    # offers
    "list_per_account_year": "List (per account per year)",
    "includes": "Includes",
    "days_served": "Days served",
    "phone_and_chat_within": "Phone and chat: 80 % answered within",
    "tickets_first_response": "Tickets: 80 % first response within",
    "target": "Target (per account per year)",
    "floor": "Floor (per account per year)",
    "approver": "Approver",
    "from": "From (per account per year)",
    "down_to": "Down to (per account per year)",
    "max_discount_off_list": "Largest discount (off list)",
    "note": "Note",
    "advice": "Advice",
    "risk": "Risk",
    "item": "Item",
    "notes and terms": "Notes and terms",
}


def header(name: str) -> str:
    """The header a workbook shows for the column ``name``."""
    if name in HEADERS:
        return HEADERS[name]
    words = name.removesuffix("_usd").replace("_", " ").strip()
    words = words[:1].upper() + words[1:]
    return f"{words} (USD)" if name.endswith("_usd") else words
