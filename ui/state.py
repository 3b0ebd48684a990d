"""Session state shared by every page: defaults set once, and the rates in use."""

from __future__ import annotations

import streamlit as st

from pricing.fx import DEFAULT_BOOK, LiveResult, RateBook, fetch_live_rates

DEFAULTS: dict[str, object] = {
    "map_metric": "baseline_per_account_usd",
    "display_currency": "USD",
    "live_fx": None,
}
CURRENCY_CHOICES = {"USD": "US dollars", "EUR": "Euros", "local": "Each market's own currency"}


def init() -> None:
    """Put every default into the session once; pages never re-initialise state."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def rate_book() -> RateBook:
    """Offline rates, upgraded to live ones when the user refreshed them successfully."""
    live: LiveResult | None = st.session_state.get("live_fx")
    return DEFAULT_BOOK.with_live(live) if live else DEFAULT_BOOK


def refresh_live_rates() -> None:
    with st.spinner("Asking for live rates (gives up after 5 s)…"):
        st.session_state["live_fx"] = fetch_live_rates()
