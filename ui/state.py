"""Session state shared by every page: defaults set once, and the rates in use.

The router imports this before any page runs, so the rate machinery (pandas, ECB tables) is
imported where rates are first used, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from pricing.errors import InputError
from ui.widgets import plain, show_error

if TYPE_CHECKING:
    from pricing.money.fx import Rate, RateBook
    from pricing.money.live_rates import LiveResult

DEFAULTS: dict[str, object] = {
    "map_metric": "verdict",
    "display_currency": "USD",
    "live_fx": None,
    "budget_rates": {},  # currency -> units per USD, set by finance
    # Tier designer rules (a saved scenario can set them).
    "td_tiers": 3,
    "td_margin": 15.0,
    "td_step": 0.0,
    "td_step_max": 0.0,
    "td_solver": "highs",
    "td_floor_policy": "market",
    "market": None,  # the market last picked on any page (ui.widgets.market_picker)
    "plan_rules": None,  # (rules, segment values) every page plans with (ui.data.set_plan_rules)
}
CURRENCY_CHOICES = {"USD": "US dollars", "EUR": "Euros", "local": "Each market's own currency"}


def init() -> None:
    """Put every default into the session once; pages never re-initialise state."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def display_currency() -> str:
    """The currency money is shown in (a sidebar widget's value, so read it defensively)."""
    return str(st.session_state.get("display_currency", DEFAULTS["display_currency"]))


def rate_book() -> RateBook:
    """Offline rates, upgraded to live ones when the user refreshed them successfully, with
    finance's budget rates over both."""
    from pricing.money.fx import DEFAULT_BOOK

    live: LiveResult | None = st.session_state.get("live_fx")
    book = DEFAULT_BOOK.with_live(live) if live else DEFAULT_BOOK
    for currency, per_usd in st.session_state.get("budget_rates", {}).items():
        book = book.with_override(currency, per_usd)
    return book


def money_rate(market_currency: str | None = None) -> Rate:
    """The rate from USD to the currency money is shown in: the sidebar's choice, where
    "each market's own currency" means ``market_currency`` (USD where no one market is meant).
    """
    chosen = display_currency()
    if chosen == "local":
        chosen = market_currency or "USD"
    return rate_book().rate("USD", chosen)


def refresh_live_rates() -> None:
    from pricing.money.live_rates import fetch_live_rates

    with st.spinner("Asking for live rates (gives up after 5 s)…"):
        st.session_state["live_fx"] = fetch_live_rates()


def live_rates_notice() -> None:
    """Which rates are in use: offline, live, or live with some currencies refused (each named
    with its live value and the offline rate used instead)."""

    live: LiveResult | None = st.session_state.get("live_fx")
    if live is None:
        st.caption("Rates: offline (ECB reference rates and pegs shipped with the app).")
        return
    if live.used_live:
        st.success(plain(f"Using live rates fetched {live.fetched_at}: {live.reason}."))
    else:
        st.warning(plain(f"Live rates not used: {live.reason}."))
    if live.refused:
        # The currency codes and values come from the live source: shown as text.
        lines = "\n".join(f"- {plain(refused.notice)}" for refused in live.refused)
        st.warning(f"Live rates refused, offline rates used instead:\n{lines}")


def budget_rates_editor(currencies: list[str]) -> None:
    """Finance's budget rates: pick a currency, type units per USD, apply. A budget rate wins
    over live and offline rates and is labelled as such wherever it is used."""
    from pricing.money.fx import DEFAULT_BOOK, budget_rate

    with st.expander("Budget rates"):
        currency = st.selectbox("Currency", currencies, key="budget_currency")
        offline = DEFAULT_BOOK.rate("USD", currency)
        per_usd = st.number_input(
            f"{currency} per USD",
            min_value=0.0,
            value=float(st.session_state["budget_rates"].get(currency, round(offline.rate, 4))),
            format="%.4f",
            key=f"budget_value_{currency}",
            help=f"Offline rate: {offline.line}",
        )
        left, right = st.columns(2)
        if left.button("Use", key="budget_apply"):
            try:
                st.session_state["budget_rates"] = {
                    **st.session_state["budget_rates"],
                    currency: budget_rate(currency, per_usd, where="Budget rate"),
                }
            except InputError as error:
                show_error(error)
        if right.button("Clear all", key="budget_clear"):
            st.session_state["budget_rates"] = {}
        for code, value in st.session_state["budget_rates"].items():
            st.caption(f"{code}: {value:,.4f} per USD (budget rate)")
