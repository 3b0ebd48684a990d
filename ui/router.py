"""The router every session runs: page config, state defaults, navigation, the shared sidebar.

``app.py`` calls :func:`route` on every script run. The page runs before the shared sidebar, so
its first elements reach the browser early. Pages end early with ``ui.widgets.stop_page()``,
never ``st.stop()``, so the sidebar is drawn in every case.
"""

from __future__ import annotations

import streamlit as st

from pricing.errors import PricingError
from ui import state
from ui.widgets import contained, plain, router_page, show_error

ROUTED = "routed_by_app"  # set once route() has run st.navigation in this session
PAGES = {
    "Executives": [
        ("pages/overview.py", "Overview", ":material/public:"),
        ("pages/cost_to_serve.py", "Cost to serve", ":material/payments:"),
        ("pages/scenarios.py", "Scenarios", ":material/compare_arrows:"),
    ],
    "Finance": [
        ("pages/tier_designer.py", "Tier designer", ":material/tune:"),
        ("pages/markets.py", "Markets", ":material/table:"),
    ],
    "Sales": [
        ("pages/offer_builder.py", "Offer builder", ":material/handshake:"),
    ],
}


def route() -> None:
    """One script run: the chosen page, then the shared sidebar."""
    st.set_page_config(
        page_title="Support-tier pricing studio",
        page_icon="static/favicon.png",  # served locally: no font server needed offline
        layout="wide",
    )
    # Defaults set once, in one place; pages read them and never re-initialise them.
    state.init()
    navigation = st.navigation(
        {
            group: [
                st.Page(path, title=title, icon=icon, default=path.endswith("overview.py"))
                for path, title, icon in pages
            ]
            for group, pages in PAGES.items()
        }
    )
    # Pages check this to know they run inside the router (see through_router).
    st.session_state[ROUTED] = True
    with router_page(), contained("this page"):
        navigation.run()
    with st.sidebar, contained("the sidebar"):
        sidebar()


def through_router() -> None:
    """Make sure this page runs inside the router; every page calls this first.

    Until a session has run app.py, Streamlit takes a ``pages/`` folder for its older multipage
    layout: a link straight to a page (``/tier_designer?market=US``), opened first on a freshly
    started server, runs that page on its own, without the state defaults and the shared
    sidebar. Streamlit has no setting to turn that layout off, so the page asks the session
    whether the router has run; if not, the router runs here, in this same run (so no click is
    lost): its ``st.navigation`` switches the server to the router for good, opens this page
    (known by its URL path in both layouts) and draws the sidebar; then ``st.stop()`` ends this
    outer run of the page, everything drawn.
    """
    if not st.session_state.get(ROUTED):
        import pandas  # noqa: F401  (whole before the page builds a figure: see app.py)

        route()
        st.stop()


def sidebar() -> None:
    """Active data, saved scenario, display currency, live and budget rates."""
    # The data module loads pandas and the market file, hence only after the page.
    from ui import data
    from ui.scenario_picker import scenario_picker

    st.caption("Active data")
    try:
        count = len(data.markets())
        st.markdown(f"**{plain(data.active_file()[0])}** · {count} markets")
    except PricingError as error:
        show_error(f"Market data could not be loaded: {error}")
    scenario_picker(data.store)
    st.selectbox(
        "Show money in",
        options=list(state.CURRENCY_CHOICES),
        format_func=state.CURRENCY_CHOICES.get,
        key="display_currency",
        help="Costs and prices are held in USD and converted for display with the rate shown "
        "under each table.",
    )
    st.button(
        "Refresh live rates",
        on_click=state.refresh_live_rates,
        help="Fetch today's rates (forex-python). Falls back to the offline rates "
        "after 5 s or on any error.",
    )
    try:
        currencies = sorted({m.currency for m in data.markets()} - {"USD"})
    except PricingError:
        currencies = ["EUR"]
    state.budget_rates_editor(currencies)
    state.live_rates_notice()
    st.caption("Figures per year unless stated. Sources: data/README.md.")
