"""Cached access to the pricing core for the pages.

Caches are bounded and keyed by their inputs (a file's bytes or path and modification time,
the settings), so edited data is picked up and a rerun with unchanged inputs costs nothing.
The active market file is the shipped one unless the user uploaded or edited one.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from pricing.costing.tables import portfolio_summary
from pricing.errors import PricingError
from pricing.inputs.catalog import DEFAULT_MARKETS, DEFAULT_SOURCES, load_sources
from pricing.inputs.segments import SegmentRow, load_segments
from pricing.inputs.sites import DEFAULT_SITES, HubSite, shipped_sites, sites_from_text
from pricing.models import CostParameters, Market
from pricing.request import Catalogue, PlanRequest
from pricing.settings import PlanSettings
from ui import state
from ui.widgets import market_picker, show_error, stop_page

if TYPE_CHECKING:  # the plan (and its solver) loads only on the pages that plan
    from pricing.plan import MarketPlan, Plan


def active_file() -> tuple[str, bytes | None]:
    """(label, content) of the market file in use; content None means the shipped file."""
    upload = st.session_state.get("markets_upload")
    if upload:
        return upload
    return (f"{DEFAULT_MARKETS.name} (shipped defaults)", None)


def data_key() -> str:
    """Identifies the catalogue and the hub sites in use (for caches keyed by them)."""
    _, content = active_file()
    if content is None:
        key = f"{DEFAULT_MARKETS}:{DEFAULT_MARKETS.stat().st_mtime}"
    else:
        key = hashlib.sha256(content).hexdigest()
    sites = st.session_state.get(SITES)
    return key if sites is None else f"{key}|sites:{hashlib.sha256(sites[1]).hexdigest()}"


# The hub sites in use when edited on the Markets page: (label, CSV bytes); none: the shipped.
SITES = "sites_upload"


@st.cache_resource(max_entries=8, show_spinner=False)
def _parameters(content: bytes | None, label: str) -> CostParameters:
    if content is None:
        return CostParameters()
    return CostParameters(sites=tuple(sites_from_text(content.decode(), label).values()))


def cost_parameters() -> CostParameters:
    """The cost parameters every page costs with: the hub sites edited on the Markets page,
    or the shipped ones."""
    label, content = st.session_state.get(SITES) or ("", None)
    return _parameters(content, label)


def sites_in_use() -> tuple[str, Mapping[str, HubSite]]:
    """The hub site table in use: its label and sites."""
    label, content = st.session_state.get(SITES) or (f"{DEFAULT_SITES.name} (shipped)", None)
    edited = cost_parameters().sites  # parsed once per table (cached)
    return label, ({s.code: s for s in edited} if content is not None else shipped_sites())


@st.cache_resource(max_entries=8, show_spinner=False)
def _catalogue(key: str, content: bytes | None, label: str) -> Catalogue:
    # A catalogue is frozen, so one shared copy per file version is safe across sessions.
    if content is None:
        return Catalogue.read(DEFAULT_MARKETS)
    return Catalogue.from_bytes(content, label)


def catalogue() -> Catalogue:
    """The catalogue in use: the shipped file, or the one uploaded or edited."""
    label, content = active_file()
    return _catalogue(data_key(), content, label)


def _markets(key: str, content: bytes | None) -> tuple[Market, ...]:
    return _catalogue(key, content, active_file()[0]).markets


def markets() -> tuple[Market, ...]:
    return catalogue().markets


def market_from_catalog(*, key: str) -> tuple[dict[str, Market], str]:
    """The catalogue in use and the market picked (stops the page, with the reason, when the
    market data cannot be loaded)."""
    try:
        markets = catalog()
    except PricingError as error:
        show_error(f"The market data could not be loaded: {error}")
        stop_page()
    names = {code: market.name for code, market in markets.items()}
    return markets, market_picker(list(names), names, key=key)


def catalog() -> dict[str, Market]:
    return {m.code: m for m in markets()}


@st.cache_data(max_entries=16, show_spinner="Costing every market…")
def summary_of(key: str, params: CostParameters, _content: bytes | None) -> pd.DataFrame:
    """The portfolio summary of the catalogue ``key`` (its bytes in ``_content``, None for the
    shipped file); cached on the key, which identifies the bytes, so sessions share one
    entry."""
    return portfolio_summary(_markets(key, _content), params)


def summary(params: CostParameters | None = None) -> pd.DataFrame:
    return summary_of(data_key(), params or cost_parameters(), active_file()[1])


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
    key: str,
    code: str,
    settings: PlanSettings,
    segment_rows: tuple[SegmentRow, ...],
    rates: tuple,
    reasons: bool,
    _request: PlanRequest,
) -> MarketPlan:
    """One market of ``_request``, cached on what makes it: the catalogue (``key``), the
    market, the rules, the segment values, the rates of its currency (a budget rate for the
    yen re-plans Japan alone) and whether its rules and alternatives are solved too."""
    from pricing.plan import plan_market

    return plan_market(_request, code)


def _cached_market(request: PlanRequest, code: str, key: str | None = None) -> MarketPlan:
    """One market of ``request``, cached; ``key`` the catalogue's (read from the session when
    not given: a worker thread has no session)."""
    currency = request.catalogue.by_code[code].currency
    rates = request.rates.key_for(currency)
    settings, rows = request.settings, request.segment_rows
    return _plan_market(key or data_key(), code, settings, rows, rates, request.reasons, request)


# The rules the plan is made with: (PlanSettings, segment rows), None for the defaults. Only
# set_plan_rules writes them; every page reads the plan through current_plan().
PLAN_RULES = "plan_rules"


def plan_request(codes: list[str] | None = None) -> PlanRequest:
    """The request every page plans: the catalogue in use, the rules in force, the rates in
    use now (live, offline, budget); ``codes`` limits it to those markets."""
    settings, rows = st.session_state.get(PLAN_RULES) or (PlanSettings(), default_segments())
    return PlanRequest(
        catalogue(),
        settings,
        rows,
        rates=state.rate_book(),
        only=tuple(codes) if codes else None,
        params=cost_parameters() if SITES in st.session_state else None,
    )


def rules_are_default() -> bool:
    return st.session_state.get(PLAN_RULES) is None


def set_plan_rules(
    settings: PlanSettings | None, rows: tuple[SegmentRow, ...] | None = None
) -> None:
    """Make these the rules every page's plan is made with (None: back to the defaults;
    ``rows`` None: the shipped segment values)."""
    st.session_state[PLAN_RULES] = (
        None if settings is None else (settings, rows if rows is not None else default_segments())
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def _decided(
    key: str,
    settings: PlanSettings,
    segment_rows: tuple[SegmentRow, ...],
    codes: tuple[str, ...],
    _request: PlanRequest,
):
    """The portfolio decided and each market's verdict, cached on what they are made from
    (rates play no part: the decision is in USD). Kept as is, not copied: the plans read the
    solved models."""
    from pricing.plan import decided

    return decided(_request)


def _cached_decision(request: PlanRequest):
    return _decided(data_key(), request.settings, request.segment_rows, request.codes, request)


@st.cache_resource(max_entries=64, show_spinner=False)
def _recommendation(
    key: str,
    settings: PlanSettings,
    segment_rows: tuple[SegmentRow, ...],
    code: str,
    _request: PlanRequest,
) -> tuple[str, tuple]:
    from pricing.delivery.verdicts import model_outcomes, recommendation

    decision, _ = _cached_decision(_request)
    outcomes = model_outcomes(_request, decision, code)
    name = _request.catalogue.by_code[code].name
    return recommendation(outcomes, decision.markets[code], name), tuple(outcomes)


def delivery_recommendation(code: str) -> tuple[str, tuple]:
    """How market ``code`` is best served, with each other delivery model solved against it
    (its community re-decided with the market held to that model): the sentence, and each
    model's outcome (:class:`pricing.delivery.verdicts.ModelOutcome`), best first. The market
    is left free even where the rules fix its model, so what the free choice earns is known."""
    request = plan_request([code])
    free = {c: m for c, m in request.settings.delivery.items() if c != code}
    request = dataclasses.replace(
        request, settings=dataclasses.replace(request.settings, delivery=free)
    )
    return _recommendation(data_key(), request.settings, request.segment_rows, code, request)


def plan_settings() -> PlanSettings:
    """The rules in force on every page."""
    chosen = st.session_state.get(PLAN_RULES)
    return chosen[0] if chosen else PlanSettings()


def fix_delivery(code: str, model: str | None) -> None:
    """Serve market ``code`` by ``model`` on every page from now on (None: the optimiser
    chooses again), the other rules kept."""
    settings, rows = st.session_state.get(PLAN_RULES) or (PlanSettings(), default_segments())
    delivery = {c: m for c, m in settings.delivery.items() if c != code}
    if model is not None:
        delivery[code] = model
    set_plan_rules(dataclasses.replace(settings, delivery=delivery), rows)


def current_plan(codes: list[str] | None = None, progress=None, *, reasons: bool = True) -> Plan:
    """The plan every page shows, of :func:`plan_request`. Cached per market, so a new budget
    rate or catalogue re-prices at once and an unchanged rerun costs nothing. ``progress`` is
    a Streamlit progress bar, told as each market is planned. ``reasons=False`` leaves out what
    each rule does and the alternatives (the Overview shows neither); the verdicts stay."""
    from pricing.plan import make_plan

    full = plan_request(codes)
    request = full if reasons else full.replace(reasons=False)

    def told(done: int, of: int, code: str) -> None:
        if progress is not None:
            progress.progress(done / of, text=f"Optimised {code} ({done}/{of})")

    key = data_key()

    def plan_one(request: PlanRequest, code: str) -> MarketPlan:
        return _cached_market(request, code, key)

    # The markets are planned ``workers`` at a time (their solvers run outside the interpreter
    # lock); the progress bar is told from this thread.
    return make_plan(
        request,
        progress=told,
        plan_one=plan_one,
        decide_with=lambda _: _cached_decision(full),
    )


def current_plan_or_stop(doing: str, failed: str) -> Plan:
    """The current plan with a progress bar (``doing``); a page that cannot go on without it
    says ``failed: <reason>`` and ends (the shared sidebar is still drawn)."""
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
