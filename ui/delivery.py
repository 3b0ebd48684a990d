"""How the portfolio serves each market, as the Overview shows it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pricing.delivery.delivered import PROVEN
from pricing.delivery.shared import MODEL_SHORT as SERVED
from ui.widgets import bullets


def delivery_table(plans) -> None:
    """How the portfolio serves each market: its verdict, model, desk, what it earns and what
    the portfolio would lose without it (USD, as decided), then why the unsold are not sold."""
    st.subheader("How each market is served")
    rows = [
        {
            "name": p.market.name,
            "verdict": "sold" if p.tiers else "not sold",
            "served": SERVED.get(p.delivery.delivery, "—") if p.delivery else "—",
            "desk": (p.delivery.desk or p.delivery.site or "—") if p.delivery else "—",
            "profit_usd": round(p.profit_usd, 0) + 0.0,
            "marginal_usd": round(p.delivery.marginal_profit_usd, 0) + 0.0 if p.delivery else 0.0,
            "together": ", ".join(p.delivery.together_with) if p.delivery else "",
        }
        for p in plans
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "name": "Market",
            "verdict": "Verdict",
            "served": st.column_config.TextColumn(
                "Served by",
                help="Own desks at its hub; a local office of its own (every tier holds the "
                "local team); own desks with a 24/7 tier's nights answered by a bot and an agent "
                "on call; a desk shared with other markets in its language; "
                "its hub site's English desk, shared; or a distributor answering first line, "
                "escalating to the shared desk.",
            ),
            "desk": st.column_config.TextColumn(
                "Desk", help="Site and language of a shared desk (ZA:en), or the hub site."
            ),
            "profit_usd": st.column_config.NumberColumn(
                "Profit (USD/yr)",
                format="localized",
                help="What it earns; on a shared desk, what it would earn on desks of its own "
                "plus an equal part of what sharing adds.",
            ),
            "marginal_usd": st.column_config.NumberColumn(
                "Without it (USD/yr)",
                format="localized",
                help="What the portfolio would lose without the market, the other markets' "
                "sales unchanged.",
            ),
            "together": st.column_config.TextColumn(
                "Pays only with", help="Sold only together with these markets on its desk."
            ),
        },
    )
    bullets(
        p.verdict.reason
        + "".join(f" Fix: {f.change} ({f.profit_usd:,.0f} USD a year)." for f in p.verdict.fixes)
        for p in plans
        if p.verdict is not None and p.verdict.verdict == "not_sold"
    )


def portfolio_pnl(plans, gap: float | None = 0.0) -> None:
    """The portfolio's P&L from the plan: revenue, cost and profit (USD m a year), how many
    markets are sold, and how close to the best possible the solver proved the profit."""
    revenue = sum(p.solution.revenue for p in plans)
    profit = sum(p.profit_usd for p in plans)
    sold = sum(1 for p in plans if p.tiers)
    left, middle, right, last = st.columns(4)
    left.metric(
        "Revenue (USD m/yr)",
        f"{revenue / 1e6:,.2f}",
        help="Optimised tiers sold to the segments each is meant for, at target prices.",
    )
    middle.metric(
        "Cost (USD m/yr)",
        f"{(revenue - profit) / 1e6:,.2f}",
        help="The exact cost of serving what is sold: desks, shared desks, offices, partners.",
    )
    right.metric(
        "Profit (USD m/yr)",
        f"{profit / 1e6:,.2f}",
        help="Revenue less the cost of what is sold.",
    )
    last.metric(
        "Markets sold",
        f"{sold} of {len(plans)}",
        help="Markets where some tier pays its way; the table below says why the others do not.",
    )
    if gap is None:
        st.caption(
            "The solver stopped at its time limit before proving any bound: the profit is the "
            "best found, at least what every market earns on desks of its own. A longer time "
            "limit (a scenario's time_limit_seconds) proves more."
        )
    elif gap >= PROVEN:
        st.caption(
            f"The solver stopped at its time limit: the profit is proven within {gap:.2%} of "
            "the best possible (the optimality gap)."
        )
    else:
        st.caption("Proven optimal: no menu and delivery choice earns more under these rules.")
