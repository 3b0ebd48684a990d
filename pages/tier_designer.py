"""Tier designer (finance): set the rules, run the optimiser, see each market's tiers and why."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from pricing.costing.service import OPTION_LABELS, TIER_OPTIONS
from pricing.errors import PricingError
from pricing.exports import plan_tables, write_xlsx
from pricing.plan import TIER_NAMES, PlanSettings
from pricing.segments import segment_rows_from_frame, segments_frame
from ui import data, state
from ui.widgets import market_picker, stop_page, through_router

through_router()
st.title("Tier designer")
st.caption(
    "Designs nested support tiers per market and prices them so each customer segment picks "
    "the tier meant for it (Dobson–Kalish self-selection), with the floor price after the "
    "deepest approvable discount still covering cost plus the minimum margin."
)

with st.form("tier_rules"):
    left, middle, right, last = st.columns(4)
    tiers = left.slider("Tiers", 1, 5, key="td_tiers")
    # Defaults for these keys are set once in ui/state.py (a loaded scenario may change them).
    margin = middle.number_input(
        "Minimum margin at the floor (%)",
        min_value=0.0,
        max_value=200.0,
        step=1.0,
        key="td_margin",
    )
    step = right.number_input(
        "Least step between tiers (%)",
        min_value=0.0,
        max_value=200.0,
        step=5.0,
        key="td_step",
        help="Each tier at least this much above the one below it; 0 for no ladder.",
    )
    solver = last.selectbox(
        "Solver",
        ["cbc", "highs"],
        key="td_solver",
        help="CBC (bundled with PuLP) or HiGHS; both give the same optima.",
    )
    st.markdown("**Options each tier may hold**")
    columns = st.columns(tiers)
    allowed = {}
    for column, name in zip(columns, TIER_NAMES[tiers], strict=True):
        allowed[name] = column.multiselect(
            name,
            TIER_OPTIONS,
            default=list(TIER_OPTIONS),
            format_func=OPTION_LABELS.get,
            key=f"td_allowed_{tiers}_{name}",
        )
    with st.expander("Segment values (USD per account per year at US price level)"):
        st.caption("Scaled per market by its price level and expectations; see data/README.md.")
        edited = st.data_editor(
            segments_frame(data.default_segments()),
            key="td_segments",
            hide_index=True,
            width="stretch",
        )
    submitted = st.form_submit_button("Run the optimiser", type="primary")

try:
    rows = segment_rows_from_frame(pd.DataFrame(edited))
    settings = PlanSettings(
        tiers=tiers,
        min_margin=margin / 100,
        price_step=step / 100,
        solver=solver,
        allowed={name: frozenset(options) for name, options in allowed.items()},
        rates=state.rate_book(),
    )
except PricingError as error:
    st.error(f"These rules cannot be used: {error}")
    stop_page()

if submitted:
    data.set_plan_rules(settings, rows)  # in force on every page from now on
bar = st.progress(0.0, text="Optimising…")
try:
    plans = data.current_plan(progress=bar)
except PricingError as error:
    st.error(f"The optimiser stopped: {error}")
    stop_page()
finally:
    bar.empty()
tables = plan_tables(plans)

markets = tables["Markets"].round(
    {"revenue_usd": 0, "cost_usd": 0, "profit_usd": 0, "floor_revenue_usd": 0}
)
left, middle, right = st.columns(3)
left.metric("Profit, all markets (USD/yr)", f"{markets['profit_usd'].sum():,.0f}")
middle.metric("Support revenue (USD/yr)", f"{markets['revenue_usd'].sum():,.0f}")
right.metric("Markets with an offer", f"{(markets['tiers_offered'] > 0).sum()} of {len(markets)}")

buffer = io.BytesIO()
write_xlsx(tables, buffer)
st.download_button(
    "Download the plan (Excel)",
    buffer.getvalue(),
    "support_tier_plan.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

names = {p.market.code: p.market.name for p in plans}
code = market_picker(list(names), names, key="td_market")
chosen = next(p for p in plans if p.market.code == code)
st.subheader(
    f"{chosen.market.name}: {len(chosen.tiers)} tier(s), profit {chosen.profit_usd:,.0f} USD/yr"
)
if chosen.solution.message:
    st.warning(chosen.solution.message)
tier_rows = tables["Tiers"][tables["Tiers"]["market"] == code]
if not tier_rows.empty:
    st.dataframe(
        tier_rows.drop(
            columns=["market", "rate_usd_to_local", "rate_as_of", "fx_buffer", "price_step_local"]
        )
        # Whole dollars on screen; the Excel file keeps the exact figures.
        .round({c: 0 for c in tier_rows.columns if c.endswith("_usd")}),
        hide_index=True,
        width="stretch",
        column_config={
            "tier": "Tier",
            "options": st.column_config.TextColumn("Includes", width="medium"),
            "coverage": "Coverage",
            "answer_within_seconds": st.column_config.NumberColumn(
                "Phone/chat answer (s)", format="%g"
            ),
            "ticket_response_seconds": st.column_config.NumberColumn(
                "Ticket response (s)", format="%g"
            ),
            "buyers": "Bought by",
            "currency": "Currency",
            "unit_cost_usd": st.column_config.NumberColumn(
                "Cost/account (USD/yr)",
                format="localized",
                help="Fully loaded: the tier's share of the market's cost, by workload.",
            ),
            "marginal_cost_usd": st.column_config.NumberColumn(
                "Marginal cost/account (USD/yr)",
                format="localized",
                help="What the market would save per account without this tier's buyers.",
            ),
            "list_usd": st.column_config.NumberColumn("List (USD)", format="localized"),
            "target_usd": st.column_config.NumberColumn("Target (USD)", format="localized"),
            "floor_usd": st.column_config.NumberColumn("Floor (USD)", format="localized"),
            "margin_at_target": st.column_config.NumberColumn("Margin at target", format="percent"),
            "margin_at_floor": st.column_config.NumberColumn("Margin at floor", format="percent"),
            "list_local": st.column_config.NumberColumn("List (local)", format="localized"),
            "target_local": st.column_config.NumberColumn("Target (local)", format="localized"),
            "floor_local": st.column_config.NumberColumn("Floor (local)", format="localized"),
            "accounts": st.column_config.NumberColumn("Accounts", format="localized"),
        },
    )
    st.caption(
        chosen.rate.line + (" — stale, refresh before quoting." if chosen.rate.is_stale() else "")
    )
st.markdown("**Who buys what**")
segments = tables["Segments"][tables["Segments"]["market"] == code].drop(columns=["market"])
st.dataframe(
    segments.round(0),
    hide_index=True,
    width="stretch",
    column_config={
        c: st.column_config.NumberColumn(
            c.removesuffix("_usd").replace("_", " ") + " (USD)", format="localized"
        )
        for c in segments.columns
        if c.endswith("_usd")
    },
)
st.caption("Values per account per year in this market (scaled from the segment values above).")
st.markdown("**Why the prices are what they are**")
for reason in chosen.solution.explanations:
    st.markdown(f"- {reason}")
with st.expander("What each option costs in this market"):
    costs = tables["Option costs"][tables["Option costs"]["market"] == code]
    st.dataframe(costs.drop(columns=["market"]), hide_index=True, width="stretch")
st.markdown("**All markets**")
st.dataframe(
    markets[
        [
            "market",
            "name",
            "accounts",
            "tiers_offered",
            "revenue_usd",
            "cost_usd",
            "profit_usd",
            "floor_revenue_usd",
            "expected_discount",
            "max_discount",
            "message",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "market": "Code",
        "name": "Market",
        "accounts": "Accounts",
        "tiers_offered": "Tiers",
        "revenue_usd": st.column_config.NumberColumn("Revenue (USD/yr)", format="localized"),
        "cost_usd": st.column_config.NumberColumn("Cost (USD/yr)", format="localized"),
        "floor_revenue_usd": st.column_config.NumberColumn(
            "Revenue at floor (USD/yr)", format="localized"
        ),
        "profit_usd": st.column_config.NumberColumn("Profit (USD/yr)", format="localized"),
        "expected_discount": st.column_config.NumberColumn("Usual discount", format="percent"),
        "max_discount": st.column_config.NumberColumn("Max discount", format="percent"),
        "message": st.column_config.TextColumn("Note", width="large"),
    },
)
