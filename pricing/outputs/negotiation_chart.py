"""The offer's negotiation chart: per tier, a panel of the prices each approver may concede.

Re-exported by :mod:`pricing.outputs.charts`, where the pages take their figures from. A panel is
one tier: its approval bands as bars from floor to list, its list, target and floor as markers,
and an x axis of its own.
"""

from __future__ import annotations

import plotly.graph_objects as go

BAND_COLOURS = {"sales rep": "#2e86c1", "sales manager": "#f39c12", "executive": "#c0392b"}
MARKERS = (  # label, symbol, where the label goes: (x anchor, shift up in px)
    ("list", "triangle-down", ("right", 19)),
    ("floor", "line-ns-open", ("left", 19)),
    ("target", "diamond", ("center", -19)),
)


def negotiation_chart(tiers: list[dict], currency: str) -> go.Figure:
    """Per tier, a panel of its own: the price range each approver may concede, list to floor.

    Each panel has its own x axis, so a 2,000 tier keeps its detail beside a 17,000 one. The
    labels cannot meet: list and floor sit above the bar at its two ends (each reaching inwards),
    the target below it; every value is in the hover too, and the legend names bands and markers.

    ``tiers``: dicts with ``name`` and ``bands`` [(approver, lowest, highest)], plus
    ``list``, ``target`` and ``floor`` markers, all in ``currency``.
    """
    from plotly.subplots import make_subplots

    if not tiers:
        return go.Figure()
    rows = len(tiers)
    height = 90 + 135 * rows
    figure = make_subplots(
        rows=rows,
        cols=1,
        subplot_titles=[str(t["name"]) for t in tiers],
        vertical_spacing=min(85 / height, 0.3),
    )
    for row, tier in enumerate(tiers, start=1):
        _approval_bands(figure, row, tier, currency)
        _price_markers(figure, row, tier, currency)
        _panel_axes(figure, row, tier)
    figure.update_xaxes(title_text=f"{currency} per account per year", row=rows, col=1)
    figure.update_layout(
        barmode="overlay",
        height=height,
        margin={"t": 30, "b": 80},
        legend={"orientation": "h", "yanchor": "top", "y": -55 / (height - 110)},
    )
    return figure


def _approval_bands(figure: go.Figure, row: int, tier: dict, currency: str) -> None:
    """One bar per approver, from the lowest price it may agree to the highest."""
    for approver, lowest, highest in tier["bands"]:
        figure.add_bar(
            y=[0],
            x=[highest - lowest],
            base=[lowest],
            width=0.5,
            orientation="h",
            name=approver,
            legendgroup=approver,
            marker_color=BAND_COLOURS[approver],
            showlegend=row == 1,  # the bands are the same in every panel: named once
            hovertemplate=(
                f"{approver}: {lowest:,.0f} to {highest:,.0f} {currency}<extra></extra>"
            ),
            row=row,
            col=1,
        )


def _price_markers(figure: go.Figure, row: int, tier: dict, currency: str) -> None:
    """The tier's list, floor and target, each a marker with its label placed apart."""
    for marker, symbol, (anchor, shift) in MARKERS:
        value = tier[marker]
        figure.add_scatter(
            y=[0],
            x=[value],
            mode="markers",
            name=marker,
            legendgroup=marker,
            showlegend=row == 1,
            marker={"symbol": symbol, "size": 12, "color": "black", "line_width": 2},
            hovertemplate=f"{marker}: %{{x:,.0f}} {currency}<extra></extra>",
            row=row,
            col=1,
        )
        figure.add_annotation(
            x=value,
            y=0,
            text=f"{marker} {value:,.0f}",
            showarrow=False,
            xanchor=anchor,
            yshift=shift,
            font={"size": 11},
            row=row,
            col=1,
        )


def _panel_axes(figure: go.Figure, row: int, tier: dict) -> None:
    """The panel's x axis spans floor to list with a margin for the labels; no y axis."""
    span = max(tier["list"] - tier["floor"], abs(tier["list"]) * 0.01, 1.0)
    figure.update_xaxes(
        range=[tier["floor"] - 0.12 * span, tier["list"] + 0.12 * span],
        tickformat=",.0f",
        row=row,
        col=1,
    )
    figure.update_yaxes(visible=False, range=[-1, 1], fixedrange=True, row=row, col=1)
