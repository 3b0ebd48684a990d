"""Cached access to the pricing core for the pages.

Caches are bounded and keyed by their inputs (the file's path and modification time), so an
edited data file is picked up and a rerun with unchanged inputs costs nothing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from pricing.catalog import DEFAULT_MARKETS, DEFAULT_SOURCES, load_markets, load_sources
from pricing.costs import portfolio_summary
from pricing.models import CostParameters, Market


def _stamp(path: Path) -> float:
    return path.stat().st_mtime


@st.cache_resource(max_entries=4, show_spinner=False)
def _markets(path: str, stamp: float) -> tuple[Market, ...]:
    # Markets are frozen, so one shared copy per file version is safe across sessions.
    return load_markets(path)


@st.cache_data(max_entries=16, show_spinner="Costing every market…")
def _summary(path: str, stamp: float, params: CostParameters) -> pd.DataFrame:
    return portfolio_summary(_markets(path, stamp), params)


@st.cache_data(max_entries=4, show_spinner=False)
def _sources(path: str, stamp: float) -> pd.DataFrame:
    return load_sources(path)


def markets(path: Path = DEFAULT_MARKETS) -> tuple[Market, ...]:
    return _markets(str(path), _stamp(path))


def summary(path: Path = DEFAULT_MARKETS, params: CostParameters | None = None) -> pd.DataFrame:
    return _summary(str(path), _stamp(path), params or CostParameters())


def sources(path: Path = DEFAULT_SOURCES) -> pd.DataFrame:
    return _sources(str(path), _stamp(path))
