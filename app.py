"""Global support-tier pricing studio: the router and the shared sidebar.

Run with ``streamlit run app.py``. Pages live in ``pages/``; all maths lives in ``pricing/``.
"""

from __future__ import annotations

import streamlit as st

from pricing.catalog import DEFAULT_MARKETS
from pricing.errors import PricingError
from ui import data

st.set_page_config(
    page_title="Support-tier pricing studio",
    page_icon=":material/support_agent:",
    layout="wide",
)

# Defaults set once, in one place; pages read them and never re-initialise them.
DEFAULTS = {"map_metric": "baseline_per_account_usd"}
for key, value in DEFAULTS.items():
    st.session_state.setdefault(key, value)

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/public:", default=True),
]
navigation = st.navigation(pages)

with st.sidebar:
    st.caption("Active data")
    try:
        count = len(data.markets())
        st.markdown(f"**{DEFAULT_MARKETS.name}** (shipped defaults) · {count} markets")
    except PricingError as error:
        st.error(f"Market data could not be loaded: {error}")
    st.caption("Figures in USD per year unless stated. Sources: data/README.md.")

navigation.run()
