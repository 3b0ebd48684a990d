"""Shared widgets for the pages.

Importing this module loads neither pandas nor the market catalogue, so a page can put its
first elements on screen before the data libraries have loaded.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, NoReturn

import streamlit as st

from pricing.errors import PricingError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from pricing.models import Market

# Geography for maps is served from ./static (see .streamlit/config.toml), never from a CDN.
PLOTLY_CONFIG = {"topojsonURL": "app/static/topojson/", "displaylogo": False}
# A money table in each market's own currency: the code of that currency, per row.
CCY_HELP = "Currency of the money columns in this row (ISO 4217 code)."


# Every ASCII punctuation character: CommonMark lets each be escaped with a backslash, which
# makes it plain text (no emphasis, link, image, HTML, LaTeX, colour directive, list, quote,
# heading or table).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Streamlit also rewrites patterns in the text that markdown leaves after parsing, where the
# backslash is gone: shortcodes (:smile:, :material/home:, :streamlit:), web and e-mail
# addresses (http://, www., a@b.co become links) and arrows (->, <=, -- become →, ≤, —). An
# invisible word joiner after each ':' and '@', after "www" and inside each arrow breaks them.
WORD_JOINER = "\u2060"
_REWRITTEN = re.compile(r"(?<=[:@])|(?i:(?<=www))(?=\.)|(?<=[-<>~])(?=[-=>])")


def plain(text: object) -> str:
    """``text`` for an element that renders markdown (markdown, caption, headings, alerts,
    widget labels), so that it shows exactly as typed: a market, file, scenario or segment
    name, a cell value, a message quoting them. Line breaks and runs of white space become one
    space (as a paragraph shows them anyway; a line break would end a heading or a list item).
    """
    one_line = " ".join(str(text).split())
    return _PUNCTUATION.sub(r"\\\1", _REWRITTEN.sub(WORD_JOINER, one_line))


def show_error(message: object) -> None:
    """An error message, shown as text: messages quote file names, names and cell values."""
    st.error(plain(message))


def bullets(lines: Iterable[object]) -> None:
    """A bulleted list whose every line is shown as text."""
    st.markdown("\n".join(f"- {plain(line)}" for line in lines))


def plotly_chart(figure: go.Figure, *, key: str | None = None) -> None:
    """A Plotly chart at full width that draws offline."""
    st.plotly_chart(figure, width="stretch", config=PLOTLY_CONFIG, key=key)


# The server's log gets the whole story of an unexpected error; the browser one line.
LOG = logging.getLogger("pricing.app")


@contextmanager
def contained(where: str) -> Iterator[None]:
    """Run part of a page so that a failure nobody foresaw (a bug, memory running out) shows
    the user one line and logs the traceback on the server, never in the browser. Streamlit's
    own stop and rerun signals are not exceptions of this kind and pass through; the user's
    inputs stay in the session."""
    try:
        yield
    except PricingError as error:  # a message written for the user: shown as it is
        show_error(error)
    except Exception as error:
        LOG.exception("unexpected error in %s", where)
        st.error(
            plain(
                f"Something went wrong in {where} ({type(error).__name__}); your inputs are "
                "kept. The details are in the server's log."
            )
        )


class PageStopped(BaseException):
    """Raised by :func:`stop_page` inside :func:`router_page`, which catches it. Like
    Streamlit's own stop signal it is not an ``Exception``, so :func:`contained` lets it
    through."""


# True while this script thread runs a page inside the router (script runs are threads).
_IN_ROUTER: ContextVar[bool] = ContextVar("in_router", default=False)


@contextmanager
def router_page() -> Iterator[None]:
    """Where the router runs the page: a page that stops early ends here, and the router goes
    on to draw the shared sidebar."""
    token = _IN_ROUTER.set(True)
    try:
        yield
    except PageStopped:
        pass
    finally:
        _IN_ROUTER.reset(token)


def stop_page() -> NoReturn:
    """End the page after it has said why it cannot go on.

    Use this, not ``st.stop()``: the shared sidebar is drawn after the page, and ``st.stop()``
    would end the whole script run before it. A page run without the router (Streamlit's test
    harness runs a page file on its own after its first run) has no sidebar to draw, and stops
    with ``st.stop()``.
    """
    if _IN_ROUTER.get():
        raise PageStopped
    st.stop()


def sources_table(market: Market, sources: pd.DataFrame) -> None:
    """Every figure of a market with its unit, value and where it comes from.

    A static table, so long source notes wrap instead of being cut at the column's edge; it
    renders markdown, so every cell (an uploaded catalogue's notes are user text) is escaped.
    """
    import pandas as pd

    from pricing.inputs.catalog import SOURCED_COLUMNS, source_of
    from pricing.offers.citations import readable

    rows = []
    for field in SOURCED_COLUMNS:
        unit, value = figure_text(field, getattr(market, field))
        rows.append(
            {
                "Figure": plain(field),
                "Unit": plain(unit),
                "Value": plain(value),
                "Source": plain(readable(source_of(sources, market.code, field))),
            }
        )
    st.table(pd.DataFrame(rows).set_index("Figure"))


def figure_text(field: str, value: object) -> tuple[str, str]:
    """(unit, value) of a market's figure as a reader takes it: ``("USD a year", "77,600")``,
    shares as percentages (``("share", "5 %")``), lists joined, yes or no."""
    from pricing.inputs.limits import BOUNDS

    unit = BOUNDS[field].unit if field in BOUNDS else ""
    if isinstance(value, bool):
        return unit, "yes" if value else "no"
    if isinstance(value, tuple):
        return unit, ", ".join(map(str, value))
    if isinstance(value, int | float):
        if unit.startswith("(a fraction"):
            return "share", f"{value * 100:.10g} %"
        return unit, format(value, ",.10g")
    return unit, str(value)


def market_picker(codes: list[str], names: dict[str, str], *, key: str) -> str:
    """The market selector of a page. The market picked on any page is the one every page
    opens on: it is kept in the session and in the URL (?market=AE), so a link opens the same
    view and the sidebar's page links keep it."""
    wanted = st.query_params.get("market") or st.session_state.get("market")
    wanted = str(wanted or "").strip().upper()  # ?market=ae is the UAE too
    if wanted not in codes:
        wanted = codes[0]
    st.session_state[key] = wanted  # this page's selector follows the last pick anywhere

    def picked() -> None:
        st.session_state["market"] = st.session_state[key]
        st.query_params["market"] = st.session_state[key]

    code = st.selectbox(
        "Market", codes, key=key, format_func=lambda c: f"{names[c]} ({c})", on_change=picked
    )
    st.session_state["market"] = code
    st.query_params["market"] = code
    return code
