"""Global support-tier pricing studio: ``streamlit run app.py``.

Streamlit reads this file in two ways:

* the server imports it once, at start, to find ``app``, a ``st.App`` (Streamlit's public ASGI
  entry point). Its lifespan warms the libraries and the shipped catalogue's costing in the
  background (``ui.warmup``), while the first browser is still loading the page;
* every session runs it as its script (``__name__ == "__main__"``): the router, ``ui.router``.
  Pages live in ``pages/``; all maths lives in ``pricing/``.

pandas is imported before the router: sessions run in threads, and a session that finds pandas
half-imported by another thread (two users or two tabs right after a restart, or the warm-up)
would meet plotly's check for pandas on a module without ``Series`` yet (the race of
plotly/plotly.py#2433). Python's import lock makes every session wait here until pandas is
whole.
"""

from __future__ import annotations

import streamlit as st

if __name__ == "__main__":
    import pandas  # noqa: F401  (whole before any session builds a figure; see above)

    from ui.router import route

    route()
else:
    from ui.warmup import lifespan

    app = st.App(__file__, lifespan=lifespan)
