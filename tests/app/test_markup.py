"""User text is shown as text: the one markdown escape (ui.widgets.plain) against hostile names
and arbitrary text, and the pages that show uploaded names, under AppTest.

What Streamlit would do with the escaped text is checked in two steps, as it renders it: the
markdown parse (every ASCII punctuation character backslash-escaped is plain text in CommonMark)
and the rewrites Streamlit then applies to the parsed text (shortcodes, web addresses, arrows;
their patterns are copied from Streamlit 1.67's markdown renderer). The real rendering is read
in Chromium in test_markup_browser.py.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from pricing.inputs.catalog import DEFAULT_MARKETS, load_markets
from tests.app_helpers import ROOT, page
from tests.conftest import shown
from ui.widgets import plain

HOSTILE = [
    "Acme *Intl*",
    "**bold** __bold__ _it_ ~~gone~~ `code`",
    "<b>html</b> <img src=x onerror=alert(1)> <!-- hidden -->",
    "[click](http://example.com/x) ![x](http://example.com/img.png) [ref][1] [^1]",
    "<http://example.com> http://example.com/x https://example.com www.example.com WWW.X.ORG",
    "a@example.com",
    ":red[red] :blue-background[x] :green-badge[x] :small[x] :help[x] :color[x]{foreground=red}",
    ":material/home: :smile: :+1: :-1: :streamlit:",
    "$x^2$ $$x$$ \\(x\\)",
    "# heading",
    "### heading",
    "- item",
    "+ item",
    "* item",
    "1. item",
    "1) item",
    "> quote",
    "line one\nline two\r\nline three",
    "    indented code",
    "```\nfenced\n```",
    "a | b\n--- | ---\n1 | 2",
    "x\\",
    "\\*not bold\\* \\",
    "&lt;b&gt; &amp; &#60;b&#62; &copy;",
    "-> <- <-> -- >= <= ~=",
    "[ ] task",
    "Müller & Söhne GmbH — Zürich",
]

# Streamlit's rewrites of parsed text (StreamlitMarkdown and the plugins it loads): a match in
# the text a reader would see after the markdown parse means the name is not shown as typed.
REWRITES = {
    "emoji": re.compile(r":\+1:|:-1:|:[\w-]+:", re.ASCII),
    "material icon": re.compile(r":material_(\w+):", re.ASCII),
    "Streamlit logo": re.compile(r":streamlit:"),
    "web address": re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I | re.ASCII),
    "e-mail address": re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
    "arrow": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
}
WORD_JOINER = "\u2060"  # invisible; plain() puts it where Streamlit would rewrite the text
PUNCTUATION = r"[!-/:-@\[-`{-~]"  # ASCII punctuation: what CommonMark lets a backslash escape


def parsed_text(markdown: str) -> str:
    """The text node CommonMark makes of ``markdown`` in which every punctuation character is
    escaped, as Streamlit's later rewrites see it (joiners kept: they are real characters)."""
    # Streamlit renames material icons in the source before parsing.
    source = markdown.replace(":material/", ":material_")
    return re.sub(rf"\\({PUNCTUATION})", r"\1", source)


def check_inert(markdown: str) -> None:
    """Nothing in ``markdown`` is read as markdown, nor rewritten by Streamlit afterwards."""
    # One line: a line break would end a heading or a list item and start new markdown.
    assert not re.search(r"[\r\n\v\f\x85\u2028\u2029]", markdown)
    # Every punctuation character is escaped: the markdown holds only escapes and other text.
    assert re.fullmatch(rf"(?:\\{PUNCTUATION}|[^!-/:-@\[-`{{-~])*", markdown), markdown
    parsed = parsed_text(markdown)
    for name, pattern in REWRITES.items():
        assert not pattern.search(parsed), f"{name} in {parsed!r}"


def check_shown_as_typed(text: str) -> None:
    markdown = plain(text)
    check_inert(markdown)
    # Read back, it is the text as typed (white space as a paragraph shows it).
    assert shown(markdown) == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_name_is_shown_as_typed(text: str) -> None:
    check_shown_as_typed(text)


def test_the_escape_of_a_name_with_markup() -> None:
    """By hand: each punctuation character gets a backslash; ':' and '@' a word joiner after."""
    assert plain("**Acme** <b>") == r"\*\*Acme\*\* \<b\>"
    assert plain(":red[x]") == rf"\:{WORD_JOINER}red\[x\]"
    assert plain("a@b.co -> www.x") == (
        rf"a\@{WORD_JOINER}b\.co \-{WORD_JOINER}\> www{WORD_JOINER}\.x"
    )
    assert plain("Zürich\n1. Gasse") == r"Zürich 1\. Gasse"


@given(st.text())
def test_any_text_is_shown_as_typed(text: str) -> None:
    check_shown_as_typed(text)


@given(st.text())
def test_escaping_twice_shows_the_escaped_text(text: str) -> None:
    """Escaping is safe to repeat: text escaped twice shows the once-escaped text, still with
    nothing that Streamlit would render."""
    once = plain(text)
    twice = plain(once)
    check_inert(twice)
    assert shown(twice) == once.replace(WORD_JOINER, "")


def test_elements_show_the_escape(tmp_path) -> None:
    """The helpers put the escaped text into the elements that render markdown."""

    def script() -> None:
        import streamlit as st

        from ui.widgets import bullets, plain, show_error

        names = st.session_state["names"]
        st.subheader(plain(names[0]))
        show_error(f"Not loaded: {names[1]}")
        bullets(names)

    app = AppTest.from_function(script)
    app.session_state["names"] = HOSTILE
    app.run()
    assert not app.exception
    assert app.subheader[0].value == plain(HOSTILE[0])
    assert app.error[0].value == plain(f"Not loaded: {HOSTILE[1]}")
    assert app.markdown[0].value.splitlines() == [f"- {plain(name)}" for name in HOSTILE]


NAMES = {"US": "Acme *Intl* **bold** <b>html</b>", "CA": "[click](http://example.com/x) :red[x]"}
FILE = "**two** [x](http://example.com/x).csv"


def hostile_catalogue() -> tuple[str, bytes]:
    frame = pd.read_csv(DEFAULT_MARKETS, dtype=str, keep_default_na=False)
    frame = frame[frame["code"].isin(list(NAMES))]
    return FILE, frame.assign(name=frame["code"].map(NAMES)).to_csv(index=False).encode()


def test_pages_show_uploaded_names_escaped() -> None:
    """A catalogue whose file name and market names hold markup: the sidebar, the Markets page
    and the Tier designer's heading hold them escaped; the Offer builder shows the name as text.
    (AppTest keeps the markdown as sent; the browser test reads what Chromium makes of it.)"""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["markets_upload"] = hostile_catalogue()
    app.query_params["market"] = "CA"
    app.run()  # the Overview, with the shared sidebar
    assert not app.exception and not app.error
    assert f"**{plain(FILE)}** · 2 markets" in [m.value for m in app.sidebar.markdown]
    app.switch_page("pages/markets.py")
    app.run()
    assert not app.exception and not app.error
    assert f"In use: **{plain(FILE)}**." in app.caption[0].value
    app.switch_page("pages/tier_designer.py")
    app.run()
    assert not app.exception and not app.error
    assert app.subheader[-1].value.startswith(f"{plain(NAMES['CA'])}: ")
    app.switch_page("pages/offer_builder.py")
    app.run()
    assert not app.exception and not app.error
    assert f"{NAMES['CA']} · valid until" in app.text[0].value  # st.text: no markdown at all
    markdown = [e.value for e in [*app.markdown, *app.caption, *app.warning, *app.subheader]]
    assert not any(NAMES["CA"] in value for value in markdown)  # never unescaped


def test_a_problem_quoting_a_cell_is_shown_as_text() -> None:
    """A refused upload lists its problems, each quoting the cell as typed, escaped."""
    name, content = hostile_catalogue()
    bad = content.replace(b"Americas,US,", b"**Mars**,US,", 1)
    app = page("markets", state={"markets_upload": (name, bad)})
    assert not app.exception
    quoting = [e.value for e in [*app.error, *app.sidebar.error] if "Mars" in e.value]
    assert quoting, [e.value for e in app.error]
    for error in quoting:
        assert "(value: '**Mars**')" in shown(error)
        assert plain("(value: '**Mars**')") in error


def test_map_hover_shows_a_name_with_tags_as_typed() -> None:
    """Plotly reads tags in hover text: the map gets names with < > & escaped as entities."""
    from html import unescape

    from pricing.costing.tables import portfolio_summary
    from pricing.outputs.charts import cost_map

    name = "<b>Acme</b> <a href='http://example.com'>x</a> & Co"
    summary = portfolio_summary(load_markets()[:1]).assign(name=name)
    [trace] = cost_map(summary).data
    hover_name = trace.customdata[0][0]
    assert "<" not in hover_name and ">" not in hover_name
    assert unescape(hover_name) == name
