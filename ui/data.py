"""Cached access to the pricing core for the pages.

Caches are bounded and keyed by their inputs (a file's bytes or path and modification time,
the settings), so edited data is picked up and a rerun with unchanged inputs costs nothing.
The active market file is the shipped one unless the user uploaded or edited one.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from pricing.costing.tables import portfolio_summary
from pricing.errors import PricingError
from pricing.inputs.catalog import DEFAULT_MARKETS, DEFAULT_SOURCES, load_markets, load_sources
from pricing.inputs.segments import SegmentRow, load_segments
from pricing.models import CostParameters, Market
from ui import state

if TYPE_CHECKING:  # the plan (and its solver) loads only on the pages that plan
    from pricing.plan import MarketPlan, PlanSettings


def active_file() -> tuple[str, bytes | None]:
    """(label, content) of the market file in use; content None means the shipped file."""
    upload = st.session_state.get("markets_upload")
    if upload:
        return upload
    return (f"{DEFAULT_MARKETS.name} (shipped defaults)", None)


def data_key() -> str:
    """Identifies the catalogue in use (for caches keyed by it)."""
    _, content = active_file()
    if content is None:
        return shipped_key()
    return hashlib.sha256(content).hexdigest()


def shipped_key() -> str:
    """Identifies the shipped catalogue, in the same form as :func:`data_key`."""
    return f"{DEFAULT_MARKETS}:{DEFAULT_MARKETS.stat().st_mtime}"


@st.cache_resource(max_entries=8, show_spinner=False)
def _markets(key: str, content: bytes | None) -> tuple[Market, ...]:
    # Markets are frozen, so one shared copy per file version is safe across sessions.
    if content is None:
        return load_markets(DEFAULT_MARKETS)
    return load_markets(content, name=active_file()[0])


def markets() -> tuple[Market, ...]:
    return _markets(data_key(), active_file()[1])


def catalog() -> dict[str, Market]:
    return {m.code: m for m in markets()}


@st.cache_data(max_entries=16, show_spinner="Costing every market…")
def summary_of(key: str, params: CostParameters, _content: bytes | None) -> pd.DataFrame:
    """The portfolio summary of the catalogue ``key`` (its bytes in ``_content``, None for the
    shipped file); cached on the key, which identifies the bytes, so the warm-up and sessions
    share one entry."""
    return portfolio_summary(_markets(key, _content), params)


def summary(params: CostParameters | None = None) -> pd.DataFrame:
    return summary_of(data_key(), params or CostParameters(), active_file()[1])


@st.cache_data(max_entries=4, show_spinner=False)
def _sources(path: str, stamp: float) -> pd.DataFrame:
    return load_sources(path)


def sources(path: Path = DEFAULT_SOURCES) -> pd.DataFrame:
    return _sources(str(path), path.stat().st_mtime)


@st.cache_data(max_entries=4, show_spinner=False)
def default_segments() -> tuple[SegmentRow, ...]:
    return load_segments()


@st.cache_data(max_entries=256, show_spinner=False)
def _plan_market(
    key: str, code: str, settings: PlanSettings, segment_rows: tuple[SegmentRow, ...]
) -> MarketPlan:
    from pricing.plan import plan_market

    catalog = {m.code: m for m in _markets(key, active_file()[1])}
    return plan_market(catalog[code], catalog, segment_rows, settings)


def plan(
    settings: PlanSettings,
    segment_rows: tuple[SegmentRow, ...],
    codes: list[str] | None = None,
    progress=None,
) -> tuple[MarketPlan, ...]:
    """Plan the markets one by one (cached per market), reporting progress if asked."""
    key = data_key()
    wanted = codes or [m.code for m in markets()]
    plans = []
    for number, code in enumerate(wanted, start=1):
        plans.append(_plan_market(key, code, settings, segment_rows))
        if progress is not None:
            progress.progress(
                number / len(wanted), text=f"Optimised {code} ({number}/{len(wanted)})"
            )
    return tuple(plans)


# The Tier designer's rules (PlanSettings without rates) and segment values; None: the defaults.
# Only set_plan_rules writes them; every page reads the plan through current_plan().
PLAN_RULES = "plan_rules"
PLAN_SEGMENTS = "plan_segments"


def plan_settings() -> PlanSettings:
    """The rules in force, with the rates in force now (live, offline, budget)."""
    from pricing.plan import PlanSettings

    rules = st.session_state.get(PLAN_RULES) or PlanSettings()
    return dataclasses.replace(rules, rates=state.rate_book())


def plan_segments() -> tuple[SegmentRow, ...]:
    return st.session_state.get(PLAN_SEGMENTS) or default_segments()


def rules_are_default() -> bool:
    return st.session_state.get(PLAN_RULES) is None and st.session_state.get(PLAN_SEGMENTS) is None


def set_plan_rules(settings: PlanSettings | None, rows: tuple[SegmentRow, ...] | None) -> None:
    """Make these the rules every page's plan is made with (None: back to the defaults)."""
    from pricing.money.fx import DEFAULT_BOOK

    st.session_state[PLAN_RULES] = (
        None if settings is None else dataclasses.replace(settings, rates=DEFAULT_BOOK)
    )
    st.session_state[PLAN_SEGMENTS] = rows


def current_plan(codes: list[str] | None = None, progress=None) -> tuple[MarketPlan, ...]:
    """The plan every page shows: the rules in force, the catalogue and the rates in use now.

    Cached per market on all of them, so a new budget rate or catalogue re-prices at once and
    an unchanged rerun costs nothing.
    """
    return plan(plan_settings(), plan_segments(), codes, progress)


def current_plan_or_stop(doing: str, failed: str) -> tuple[MarketPlan, ...]:
    """The current plan with a progress bar (``doing``); a page that cannot go on without it
    says ``failed: <reason>`` and ends (the shared sidebar is still drawn)."""
    from ui.widgets import show_error, stop_page

    bar = st.progress(0.0, text=doing)
    try:
        return current_plan(progress=bar)
    except PricingError as error:
        show_error(f"{failed}: {error}")
        stop_page()
    finally:
        bar.empty()


@st.cache_resource(max_entries=2, show_spinner=False)
def _store(url: str):
    from pricing.scenarios.store import ScenarioStore

    return ScenarioStore(url)


def store():
    """The scenario store (SQLite file by default, or PRICING_DB_URL), one for every session.

    Raises StoreError at once for a URL that cannot work (not a URL, driver not installed);
    a database that cannot be reached or written raises StoreError when it is used.
    """
    from pricing.scenarios.store import default_url

    return _store(default_url())
