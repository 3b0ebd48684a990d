"""The portfolio's verdict on a world map: how each market is served, and from where.

Each market is coloured by its delivery model (grey when it is not sold); a line runs from the
site whose desk answers it to the market, and the sites are marked: the support network an
executive signs off, drawn from the plan's decision (:mod:`pricing.delivery.decision`).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from pricing.outputs.charts import MAP_LAYOUT, UNSOLD_GREY, alpha3

if TYPE_CHECKING:
    import pandas as pd
# How a market is served, as the verdict map colours it (and its lines from the serving site).
SERVED_COLOURS: dict[str, tuple[str, str]] = {
    "hub": ("Own desks at its hub", "#1f77b4"),
    "local": ("Local office", "#8c564b"),
    "bot_nights": ("Own desks, bot and on-call nights", "#17becf"),
    "pooled": ("Shared desk", "#2ca02c"),
    "pooled_english": ("Shared English desk", "#9467bd"),
    "distributor": ("Distributor, escalating to a shared desk", "#ff7f0e"),
}


def served_rows(plans) -> pd.DataFrame:
    """Each market of a plan (:class:`pricing.plan.MarketPlan`) as :func:`verdict_map` draws it:
    how it is served (None when nothing is sold), from which site and desk, what it earns."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "code": p.market.code,
                "name": p.market.name,
                "served": p.delivery.delivery if p.delivery and p.tiers else None,
                "site": p.delivery.site if p.delivery else None,
                "desk": p.delivery.desk if p.delivery else None,
                "profit_usd": p.profit_usd,
                "marginal_profit_usd": p.delivery.marginal_profit_usd if p.delivery else 0.0,
            }
            for p in plans
        ]
    )


def verdict_map(rows: pd.DataFrame) -> go.Figure:
    """The portfolio's verdict on a world map: each market coloured by how it is served (grey
    where it is not sold), a line from the site whose desk answers it to the market, and the
    sites marked. ``rows``: ``code``, ``name``, ``served`` (a key of ``SERVED_COLOURS`` or
    None), ``site`` (the serving site's country), ``desk`` (``"ZA:en"`` or None),
    ``profit_usd``, ``marginal_profit_usd`` (USD a year)."""
    frame = rows.assign(
        iso3=rows["code"].map(alpha3),
        name=rows["name"].map(escape),
        desk=rows["desk"].fillna("own desks"),
    )
    figure = go.Figure()
    _areas(figure, frame)
    _lines(figure, frame)
    figure.update_layout(
        title={
            "text": "Verdict: how each market is served (lines from the site answering it)",
            "x": 0.0,
        },
        legend={"x": 0.0, "y": 0.05, "bgcolor": "rgba(255,255,255,0.8)"},
        **MAP_LAYOUT,
    )
    return figure


def _areas(figure: go.Figure, frame: pd.DataFrame) -> None:
    """Each market coloured by how it is served, a legend entry per model with its count."""
    hover = (
        "<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]}<br>"
        "Desk: %{customdata[3]}<br>Profit: %{customdata[4]:,.0f} USD/yr<br>"
        "Portfolio without it: %{customdata[5]:,.0f} USD/yr less<extra></extra>"
    )
    columns = ["name", "code", "label", "desk", "profit_usd", "marginal_profit_usd"]
    for served, (label, colour) in [*SERVED_COLOURS.items(), (None, ("Not sold", UNSOLD_GREY))]:
        mine = frame[frame["served"].isna()] if served is None else frame[frame["served"] == served]
        if mine.empty:
            continue
        figure.add_trace(
            go.Choropleth(
                locations=mine["iso3"],
                z=[0] * len(mine),
                locationmode="ISO-3",
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                marker_line_color="white",
                marker_line_width=0.5,
                name=f"{label} ({len(mine)})",
                showlegend=True,
                customdata=mine.assign(label=label)[columns].to_numpy(),
                hovertemplate=hover,
            )
        )


def _lines(figure: go.Figure, frame: pd.DataFrame) -> None:
    """A line from the site answering each market to it, in its model's colour, and the sites."""
    lines = frame[frame["served"].notna() & (frame["site"] != frame["code"])]
    for served, (_, colour) in SERVED_COLOURS.items():
        mine = lines[lines["served"] == served]
        if mine.empty:
            continue
        # One trace per delivery model: each market's line, broken by a gap (None).
        locations: list[str | None] = []
        for row in mine.itertuples():
            locations += [alpha3(row.site), row.iso3, None]
        figure.add_trace(
            go.Scattergeo(
                locations=locations,
                locationmode="ISO-3",
                mode="lines",
                line={"width": 1.2, "color": colour},
                opacity=0.7,
                hoverinfo="skip",
                showlegend=False,
            )
        )
    sites = sorted({s for s in frame.loc[frame["served"].notna(), "site"] if s})
    figure.add_trace(
        go.Scattergeo(
            locations=[alpha3(s) for s in sites],
            locationmode="ISO-3",
            mode="markers+text",
            text=sites,
            textposition="top center",
            marker={"size": 9, "color": "#222222", "symbol": "diamond"},
            name="Support site",
            hovertemplate="Support site: %{text}<extra></extra>",
        )
    )
