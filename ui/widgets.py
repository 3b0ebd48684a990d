"""Shared widgets for the pages."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

# Geography for maps is served from ./static (see .streamlit/config.toml), never from a CDN.
PLOTLY_CONFIG = {"topojsonURL": "app/static/topojson/", "displaylogo": False}


def plotly_chart(figure: go.Figure, *, key: str | None = None) -> None:
    """A Plotly chart at full width that draws offline."""
    st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG, key=key)
