"""The risk view's charts: each market's profit from P10 to P90 (a risk strip), and a map
coloured by the share of draws in which a market pays."""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from pricing.outputs.charts import MAP_LAYOUT, alpha3

# Never pays (red) through even (yellow) to always pays (green).
PAYS_SCALE = "RdYlGn"


def risk_frame(rows: list[dict], names: dict[str, str]) -> pd.DataFrame:
    """The sweep's market rows, fragile verdicts first: the closer the share of draws in which
    a market pays is to even, the more fragile its verdict."""
    frame = pd.DataFrame(rows)
    frame["name"] = frame["market"].map(lambda c: names.get(c, c))
    pays = frame["probability_profitable"]
    frame["fragility"] = pays.where(pays <= 0.5, 1.0 - pays)
    return frame.sort_values(["fragility", "p50_usd"], ascending=[False, False]).reset_index(
        drop=True
    )


def risk_strip(frame: pd.DataFrame, unit: str = "USD per year") -> go.Figure:
    """Each market's profit from P10 to P90 (a bar) with its P50 (a dot), coloured by the
    share of draws in which it pays; fragile verdicts on top."""
    labels = [f"{escape(n)} ({c})" for n, c in zip(frame["name"], frame["market"], strict=True)]
    hover = (
        "%{y}<br>P10 %{base:,.0f} to P90 %{customdata[0]:,.0f} " + unit + "<br>"
        "pays in %{customdata[1]:.0%} of draws<extra></extra>"
    )
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=frame["p90_usd"] - frame["p10_usd"],
            base=frame["p10_usd"],
            orientation="h",
            marker={
                "color": frame["probability_profitable"],
                "colorscale": PAYS_SCALE,
                "cmin": 0.0,
                "cmax": 1.0,
                "colorbar": {"title": {"text": "pays in<br>(share of draws)"}, "tickformat": ".0%"},
            },
            customdata=frame[["p90_usd", "probability_profitable"]].to_numpy(),
            hovertemplate=hover,
            name="P10 to P90",
        )
    )
    figure.add_scatter(
        y=labels,
        x=frame["p50_usd"],
        mode="markers",
        marker={"color": "black", "symbol": "line-ns-open", "size": 14},
        name="P50",
        hovertemplate="%{y}: P50 %{x:,.0f} " + unit + "<extra></extra>",
    )
    figure.add_vline(x=0, line_color="#555555", line_dash="dot")
    figure.update_layout(
        height=120 + 26 * len(frame),
        xaxis_title=f"profit, {unit}",
        xaxis_tickformat=",.0f",
        yaxis={"autorange": "reversed"},
        margin={"t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
    )
    return figure


def pays_map(frame: pd.DataFrame) -> go.Figure:
    """World map of the markets coloured by the share of draws in which each pays."""
    shown = frame.assign(iso3=frame["market"].map(alpha3), label=frame["name"].map(escape))
    figure = go.Figure(
        go.Choropleth(
            locations=shown["iso3"],
            z=shown["probability_profitable"],
            zmin=0.0,
            zmax=1.0,
            locationmode="ISO-3",
            colorscale=PAYS_SCALE,
            marker_line_color="white",
            marker_line_width=0.5,
            colorbar={"title": {"text": "share of draws"}, "tickformat": ".0%"},
            customdata=shown[["label", "market", "probability_sold"]].to_numpy(),
            hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>pays in %{z:.0%} of "
            "draws<br>sold in %{customdata[2]:.0%}<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": "Share of draws in which each market pays", "x": 0.0}, **MAP_LAYOUT
    )
    return figure
