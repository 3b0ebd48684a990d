"""Global support-tier pricing studio: the router and the shared sidebar.

Run with ``streamlit run app.py``. Pages live in ``pages/``; all maths lives in ``pricing/``.

pandas is imported here, before any page builds a figure: sessions run in threads, and a
session that finds pandas half-imported by another one (two users, or two tabs, right after a
restart) would meet plotly's check for pandas on a module without ``Series`` yet (the race of
plotly/plotly.py#2433). Python's import lock makes every other session wait here until pandas
is whole. The page runs before the shared sidebar, so its first elements reach the browser
early. Pages end early with ``ui.widgets.stop_page()``, never ``st.stop()``, so the sidebar is
drawn in every case.
"""

from __future__ import annotations

from contextlib import suppress

import pandas  # noqa: F401  (whole before any session builds a figure; see above)
import streamlit as st

from pricing.errors import PricingError
from ui import state
from ui.widgets import ROUTED, PageStopped

st.set_page_config(
    page_title="Support-tier pricing studio",
    page_icon="static/favicon.png",  # served locally: no font server needed offline
    layout="wide",
)

# Defaults set once, in one place; pages read them and never re-initialise them.
state.init()

pages = {
    "Executives": [
        st.Page("pages/overview.py", title="Overview", icon=":material/public:", default=True),
        st.Page("pages/cost_to_serve.py", title="Cost to serve", icon=":material/payments:"),
        st.Page("pages/scenarios.py", title="Scenarios", icon=":material/compare_arrows:"),
    ],
    "Finance": [
        st.Page("pages/tier_designer.py", title="Tier designer", icon=":material/tune:"),
        st.Page("pages/markets.py", title="Markets", icon=":material/table:"),
    ],
    "Sales": [
        st.Page("pages/offer_builder.py", title="Offer builder", icon=":material/handshake:"),
    ],
}
navigation = st.navigation(pages)
# Pages check this to know they run inside the router (see ui.widgets.through_router).
st.session_state[ROUTED] = True
with suppress(PageStopped):  # the page has shown why it cannot go on
    navigation.run()

# The shared sidebar. Its data loads pandas and the market file, hence after the page.
from ui import data  # noqa: E402

with st.sidebar:
    st.caption("Active data")
    try:
        count = len(data.markets())
        st.markdown(f"**{data.active_file()[0]}** · {count} markets")
    except PricingError as error:
        st.error(f"Market data could not be loaded: {error}")
    try:
        state.scenario_picker(data.store())
    except PricingError as error:
        st.caption(f"Saved scenarios unavailable: {error}")
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
