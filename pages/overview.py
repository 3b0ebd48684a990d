"""Overview: where supporting customers costs what, market by market (executives)."""

from __future__ import annotations

import streamlit as st

from pricing.catalog import SOURCED_COLUMNS, source_of
from pricing.charts import MAP_METRICS, cost_map
from pricing.errors import PricingError
from ui import data
from ui.widgets import plotly_chart

st.title("Cost to serve by market")
st.caption(
    "Baseline: business hours (Mon–Fri 09:00–18:00 local), one language, served from the "
    "market's regional hub. Staffing by Erlang C per hour and language queue."
)

try:
    summary = data.summary()
    sources = data.sources()
except PricingError as error:
    st.error(f"The market data could not be costed: {error}")
    st.stop()

accounts = int(summary["accounts"].sum())
baseline = summary["baseline_annual_usd"].sum()
extra_24x7 = summary["extra_24x7_annual_usd"].sum()
left, middle, right, last = st.columns(4)
left.metric("Markets", f"{len(summary)}")
middle.metric("Accounts", f"{accounts:,}")
right.metric(
    "Baseline cost to serve (USD m/yr)",
    f"{baseline / 1e6:,.2f}",
    help="Sum over markets of the baseline support cost per year.",
)
last.metric(
    "24/7 everywhere, extra (USD m/yr)",
    f"{extra_24x7 / 1e6:,.2f}",
    help="Night and weekend shifts at each market's hub, on top of the baseline.",
)

metric = st.segmented_control(
    "Colour the map by",
    options=list(MAP_METRICS),
    format_func=lambda key: MAP_METRICS[key][0],
    key="map_metric",
)
plotly_chart(cost_map(summary, metric or "baseline_per_account_usd"))

st.subheader("Per market")
table = (
    summary[
        [
            "name",
            "region",
            "currency",
            "remote_hub",
            "accounts",
            "baseline_per_account_usd",
            "baseline_annual_usd",
            "extra_24x7_annual_usd",
            "fte",
        ]
    ]
    .sort_values("baseline_per_account_usd", ascending=False)
    .round({"baseline_per_account_usd": 0, "baseline_annual_usd": 0, "extra_24x7_annual_usd": 0})
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "name": "Market",
        "region": st.column_config.TextColumn("Region", width="medium"),
        "currency": st.column_config.TextColumn("Currency", width="small"),
        "remote_hub": st.column_config.TextColumn(
            "Hub", help="Country of the regional hub", width="small"
        ),
        "accounts": st.column_config.NumberColumn("Accounts", format="localized"),
        "baseline_per_account_usd": st.column_config.NumberColumn(
            "Baseline per account (USD/yr)", format="localized"
        ),
        "baseline_annual_usd": st.column_config.NumberColumn(
            "Baseline (USD/yr)", format="localized"
        ),
        "extra_24x7_annual_usd": st.column_config.NumberColumn(
            "Extra for 24/7 (USD/yr)", format="localized"
        ),
        "fte": st.column_config.NumberColumn("Agents (FTE)", format="%.1f"),
    },
)

with st.expander("Where a market's figures come from"):
    code = st.selectbox(
        "Market",
        options=list(summary["code"]),
        format_func=lambda c: f"{summary.set_index('code').loc[c, 'name']} ({c})",
    )
    market = next(m for m in data.markets() if m.code == code)
    rows = []
    for field in SOURCED_COLUMNS:
        value = getattr(market, field)
        rows.append(
            {
                "Figure": field,
                "Value": ";".join(value) if isinstance(value, tuple) else str(value),
                "Source": source_of(sources, code, field),
            }
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={"Source": st.column_config.TextColumn(width="large")},
    )
