"""Plotly figures built from the core's DataFrames; no Streamlit here, so charts are testable.

Importing this module does not load pandas (only the heatmap builds a frame), so the app can
send the map's frame to the browser before the data libraries have loaded.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import pycountry

# The offer page takes its chart from here, with the others.
from pricing.outputs.negotiation_chart import negotiation_chart as negotiation_chart

if TYPE_CHECKING:
    import pandas as pd

# Colour scales chosen for cost (light = cheap, dark = expensive) and readable in print.
COST_SCALE = "YlOrRd"

MAP_METRICS: dict[str, tuple[str, str]] = {
    "verdict": ("Verdict: how each market is served", "delivery model"),
    "baseline_per_account_usd": ("Baseline cost to serve per account", "USD per account per year"),
    "baseline_annual_usd": ("Baseline cost to serve", "USD per year"),
    "extra_24x7_annual_usd": ("Extra cost of 24/7 coverage", "USD per year"),
    "profit_usd": ("Profit from support (optimised tiers)", "USD per year"),
}
# Costs run light (cheap) to dark red (dear); profit runs light to dark green.
MAP_SCALES = {"profit_usd": "Greens"}
UNSOLD_GREY = "#9e9e9e"  # darker than the land of countries outside the portfolio (#eeeeee)


def alpha3(code: str) -> str | None:
    record = pycountry.countries.get(alpha_2=code)
    return record.alpha_3 if record else None


def cost_map(summary: pd.DataFrame, metric: str = "baseline_per_account_usd") -> go.Figure:
    """World map of the markets coloured by a cost metric of :func:`portfolio_summary`."""
    title, unit = MAP_METRICS[metric]
    # Plotly reads tags in hover text (<b>, <a href>): a market's name goes in with its
    # characters escaped, and Plotly shows them as typed.
    frame = summary.assign(iso3=summary["code"].map(alpha3), name=summary["name"].map(escape))
    hover = (
        "<b>%{customdata[0]}</b> (%{customdata[1]})<br>" + title + ": %{z:,.0f} USD<br>"
        "Accounts: %{customdata[2]:,}<br>"
        "Served from hub: %{customdata[3]}<extra></extra>"
    )
    # A market where no tier pays is not a market that earns little: drawn apart, in grey.
    unsold = (
        (frame["tiers_sold"] == 0) if "tiers_sold" in frame and metric == "profit_usd" else None
    )
    if unsold is not None:
        frame, unsold_frame = frame[~unsold], frame[unsold]
    figure = go.Figure(
        go.Choropleth(
            locations=frame["iso3"],
            z=frame[metric],
            locationmode="ISO-3",
            colorscale=MAP_SCALES.get(metric, COST_SCALE),
            marker_line_color="white",
            marker_line_width=0.5,
            colorbar={"title": {"text": unit}, "tickformat": ",.0f"},
            customdata=frame[["name", "code", "accounts", "remote_hub"]].to_numpy(),
            hovertemplate=hover,
        )
    )
    if unsold is not None and len(unsold_frame):
        figure.add_trace(
            go.Choropleth(
                locations=unsold_frame["iso3"],
                z=[0] * len(unsold_frame),
                locationmode="ISO-3",
                colorscale=[[0, UNSOLD_GREY], [1, UNSOLD_GREY]],
                showscale=False,
                marker_line_color="white",
                marker_line_width=0.5,
                name="Not sold",
                showlegend=True,
                customdata=unsold_frame[["name", "code", "accounts", "remote_hub"]].to_numpy(),
                hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>Not sold: no tier "
                "pays its way<br>Accounts: %{customdata[2]:,}<extra></extra>",
            )
        )
    figure.update_layout(
        title={"text": f"{title} ({unit})", "x": 0.0},
        legend={"x": 0.0, "y": 0.05, "bgcolor": "rgba(255,255,255,0.8)"},
        **MAP_LAYOUT,
    )
    return figure


# Shared by the coloured map and its frame, so one replaces the other without moving.
MAP_LAYOUT = {
    "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
    "height": 460,
    "geo": {
        "showframe": False,
        "showcoastlines": False,
        "projection_type": "natural earth",
        "showland": True,
        "landcolor": "#eeeeee",
        "showcountries": True,
        "countrycolor": "#ffffff",
    },
}


def map_frame(title: str) -> go.Figure:
    """The world map with no data yet: drawn while the markets are being costed."""
    figure = go.Figure(go.Choropleth(locations=[], z=[], locationmode="ISO-3", showscale=False))
    figure.update_layout(title={"text": title, "x": 0.0}, **MAP_LAYOUT)
    return figure


COMPONENT_LABELS = {
    "agent_wages_usd": "Agent wages",
    "night_weekend_premium_usd": "Night/weekend premium",
    "language_premium_usd": "Language premium",
    "seat_costs_usd": "Seats",
    "site_overhead_usd": "Hub site overhead",
    "holiday_cover_usd": "Holiday cover",
    "office_fixed_usd": "Office",
    "setup_amortisation_usd": "Set-up (amortised)",
    "distributor_fees_usd": "Distributor fees",
    "escalation_usd": "Escalations",
    "self_service_usd": "Bot resolutions",
    "on_call_worked_usd": "Hours worked on call",
}
OPTION_TITLES = {
    "baseline": "Baseline",
    "coverage_24x7": "+ 24/7",
    "local_office": "+ local office",
    "multilingual": "+ all languages",
    "distributor": "via distributor",
}


def option_cost_bars(rows: pd.DataFrame, unit: str = "USD per year") -> go.Figure:
    """Stacked cost components: the baseline, then each option's extra (may be negative)."""
    figure = go.Figure()
    labels = [OPTION_TITLES.get(o, o) for o in rows["option"]]
    for column, label in COMPONENT_LABELS.items():
        if (rows[column].abs() > 0.5).any():
            figure.add_bar(
                name=label,
                x=labels,
                y=rows[column],
                hovertemplate=f"{label}: %{{y:,.0f}} {unit}<extra></extra>",
            )
    figure.update_layout(
        barmode="relative",
        height=380,
        yaxis_title=unit,
        yaxis_tickformat=",.0f",
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.15},
    )
    return figure


def delivery_bars(table: pd.DataFrame, unit: str = "USD per year") -> go.Figure:
    """Annual cost of each delivery model, cheapest first."""
    ordered = table.sort_values("annual_total_usd")
    figure = go.Figure(
        go.Bar(
            x=ordered["annual_total_usd"],
            y=ordered["delivery_model"],
            orientation="h",
            marker_color="#c0392b",
            text=ordered["annual_total_usd"],
            texttemplate="%{text:,.0f}",
            textposition="auto",
            hovertemplate=f"%{{x:,.0f}} {unit}<extra></extra>",
        )
    )
    figure.update_layout(
        height=300,
        xaxis_title=unit,
        xaxis_tickformat=",.0f",
        margin={"t": 20, "b": 10, "l": 10},
        yaxis={"autorange": "reversed"},
    )
    return figure


def outcome_bars(outcomes, words: dict[str, str]) -> go.Figure:
    """What the portfolio earns (USD a year) with the market served each way, best first, the
    value on each bar; a way that would not sell the market is drawn in grey."""
    labels = [words[o.model] for o in outcomes]
    figure = go.Figure(
        go.Bar(
            x=[o.portfolio_usd for o in outcomes],
            y=labels,
            orientation="h",
            marker_color=[
                "#2ca02c" if i == 0 else ("#7f7f7f" if not o.sold else "#1f77b4")
                for i, o in enumerate(outcomes)
            ],
            text=[
                f"{o.portfolio_usd:,.0f}"
                + ("" if i == 0 else f" ({o.portfolio_usd - outcomes[0].portfolio_usd:+,.0f})")
                + ("" if o.sold else ", not sold")
                for i, o in enumerate(outcomes)
            ],
            textposition="auto",
            hovertemplate="%{y}: the portfolio earns %{x:,.0f} USD per year<extra></extra>",
        )
    )
    figure.update_layout(
        height=90 + 50 * len(outcomes),
        xaxis_title="What the portfolio earns (USD per year)",
        xaxis_tickformat=",.0f",
        margin={"t": 10, "b": 10, "l": 10},
        yaxis={"autorange": "reversed"},
    )
    return figure


def break_even_chart(
    curves: pd.DataFrame,
    break_even: dict[str, int | None],
    current_accounts: int,
    unit: str = "USD per year",
) -> go.Figure:
    """Annual cost against accounts for each delivery model, with the break-even points."""
    figure = go.Figure()
    for column in curves.columns.drop("accounts"):
        figure.add_scatter(
            x=curves["accounts"],
            y=curves[column],
            mode="lines",
            name=column,
            hovertemplate=f"%{{x:,}} accounts: %{{y:,.0f}} {unit}<extra></extra>",
        )
    figure.add_vline(
        x=current_accounts,
        line_dash="dot",
        line_color="grey",
        annotation_text=f"today: {current_accounts:,}",
    )
    for label, accounts in break_even.items():
        if accounts is not None:
            figure.add_vline(
                x=accounts,
                line_dash="dash",
                line_color="#c0392b",
                annotation_text=f"{label}: {accounts:,}",
            )
    figure.update_layout(
        height=380,
        xaxis_title="accounts",
        yaxis_title=unit,
        yaxis_tickformat=",.0f",
        xaxis_tickformat=",",
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.2},
    )
    return figure


def staffing_heatmap(staffing: pd.DataFrame) -> go.Figure:
    """Agents on duty by weekday and local hour."""
    import pandas as pd

    grid = pd.DataFrame(0.0, index=range(7), columns=range(24))
    for row in staffing.itertuples():
        grid.loc[row.day, row.hour] = row.agents
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=[f"{h:02d}:00" for h in range(24)],
            y=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            colorscale="Blues",
            colorbar={"title": {"text": "agents"}},
            hovertemplate="%{y} %{x}: %{z:.2f} agents<extra></extra>",
        )
    )
    figure.update_layout(height=260, margin={"t": 10, "b": 10}, yaxis={"autorange": "reversed"})
    return figure


def tornado_chart(frame: pd.DataFrame, unit: str = "USD per year") -> go.Figure:
    """Profit at each driver's low and high end around the base, widest swing on top."""
    base = float(frame["base"].iloc[0]) if len(frame) else 0.0
    figure = go.Figure()
    for end, colour in (("low", "#c0392b"), ("high", "#27ae60")):
        figure.add_bar(
            y=frame["driver"],
            x=frame[end] - base,
            base=base,
            orientation="h",
            name=f"{end} end",
            marker_color=colour,
            hovertemplate=f"%{{y}}: profit %{{x:,.0f}} {unit} vs base<extra></extra>",
        )
    figure.add_vline(x=base, line_color="black", annotation_text=f"base {base:,.0f}")
    figure.update_layout(
        barmode="overlay",
        height=120 + 60 * len(frame),
        xaxis_title=f"portfolio profit, {unit}",
        xaxis_tickformat=",.0f",
        yaxis={"autorange": "reversed"},
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.3},
    )
    return figure
