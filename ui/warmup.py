"""Warm the server at start, while the first browser is still loading the page.

A freshly started server has imported nothing of the app: the first session would import
pandas, the costing core and plotly, load CLDR week data and holiday calendars, and cost every
market before the Overview can show a figure. ``lifespan`` (the ``st.App`` lifespan in
``app.py``) starts that work in a background thread as soon as the server starts, so it runs
while the browser fetches and starts the front end. The costing lands in the same bounded
caches the pages read (``ui.data``), keyed the same way, so the first session finds it there;
a session that arrives earlier waits on Python's import locks or computes alongside, and sees
the same figures either way.

Nothing here may stop the server: a failure is logged, and the first session meets the same
problem where it can show it to the user.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

THREAD = "warm-up"
SWITCH_SECONDS = 0.0005  # Python's default is 0.005
log = logging.getLogger(__name__)


def warm() -> None:
    """Import, cost and draw what the Overview needs first, for the shipped catalogue."""
    # The first element made in a process has Streamlit check whether it runs in a REPL, by
    # reading the source of the whole call stack; that maps the file of every loaded module,
    # about half a second once pandas, plotly and holidays are in, spent in the first
    # session's first element. Made here, before those imports and outside any session, the
    # element draws nothing and the check is cheap.
    st.empty()
    import pandas  # noqa: F401  (first: see app.py on half-imported pandas)
    import pyarrow

    from pricing.models import CostParameters
    from pricing.outputs.charts import cost_map, map_frame
    from ui import data

    summary = data.summary_of(data.shipped_key(), CostParameters(), None)
    data.sources()
    # plotly builds its validators and encoders on first use, Streamlit sends tables as Arrow.
    map_frame("").to_json()
    cost_map(summary).to_json()
    pyarrow.Table.from_pandas(summary)
    data.store()


def _warm_quietly() -> None:
    # The warm-up holds the interpreter lock for long stretches (imports, unpickling), while
    # the server's event loop answers the browser in short ones: switch threads more often
    # while it runs, so the front end's files and the first session are not kept waiting.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_SECONDS)
    try:
        warm()
    except Exception:  # the first session reports it where the user sees it
        log.warning("Warm-up stopped early; the first session will do the rest.", exc_info=True)
    finally:
        sys.setswitchinterval(interval)


class _NotFromWarmUp(logging.Filter):
    """Caches used outside a session warn that no session is running: expected here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != THREAD


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """Start the warm-up and let the server go on starting; it never waits for it."""
    for name in (
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.caching.cache_data_api",
    ):
        logging.getLogger(name).addFilter(_NotFromWarmUp())
    threading.Thread(target=_warm_quietly, name=THREAD, daemon=True).start()
    yield
