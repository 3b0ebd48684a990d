"""Plotly figures built from the core's DataFrames; no Streamlit here, so charts are testable."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pycountry

# Colour scales chosen for cost (light = cheap, dark = expensive) and readable in print.
COST_SCALE = "YlOrRd"

MAP_METRICS: dict[str, tuple[str, str]] = {
    "baseline_per_account_usd": ("Baseline cost to serve per account", "USD per account per year"),
    "baseline_annual_usd": ("Baseline cost to serve", "USD per year"),
    "extra_24x7_annual_usd": ("Extra cost of 24/7 coverage", "USD per year"),
}


def alpha3(code: str) -> str | None:
    record = pycountry.countries.get(alpha_2=code)
    return record.alpha_3 if record else None


def cost_map(summary: pd.DataFrame, metric: str = "baseline_per_account_usd") -> go.Figure:
    """World map of the markets coloured by a cost metric of :func:`portfolio_summary`."""
    title, unit = MAP_METRICS[metric]
    frame = summary.assign(iso3=summary["code"].map(alpha3))
    hover = (
        "<b>%{customdata[0]}</b> (%{customdata[1]})<br>" + title + ": %{z:,.0f} USD<br>"
        "Accounts: %{customdata[2]:,}<br>"
        "Served from hub: %{customdata[3]}<extra></extra>"
    )
    figure = go.Figure(
        go.Choropleth(
            locations=frame["iso3"],
            z=frame[metric],
            locationmode="ISO-3",
            colorscale=COST_SCALE,
            marker_line_color="white",
            marker_line_width=0.5,
            colorbar={"title": {"text": unit}, "tickformat": ",.0f"},
            customdata=frame[["name", "code", "accounts", "remote_hub"]].to_numpy(),
            hovertemplate=hover,
        )
    )
    figure.update_layout(
        title={"text": f"{title} ({unit})", "x": 0.0},
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        height=460,
        geo={
            "showframe": False,
            "showcoastlines": False,
            "projection_type": "natural earth",
            "showland": True,
            "landcolor": "#eeeeee",
            "showcountries": True,
            "countrycolor": "#ffffff",
        },
    )
    return figure
