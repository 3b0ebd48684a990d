"""Global support-tier pricing studio: ``streamlit run app.py``.

Every session runs this file as its script: the router, ``ui.router``. Pages live in
``pages/``; all maths lives in ``pricing/``.

pandas is imported before the router: sessions run in threads, and a session that finds pandas
half-imported by another thread (two users or two tabs right after a restart) would meet
plotly's check for pandas on a module without ``Series`` yet (the race of plotly/plotly.py#2433).
Python's import lock makes every session wait here until pandas is whole.
"""

from __future__ import annotations

import pandas  # noqa: F401  (whole before any session builds a figure; see above)

from ui.router import route

route()
