"""Names are shown as typed in the real app: a market file whose file name and market names hold
markdown and HTML (a link, a remote image, bold, a tag, a colour directive, LaTeX) is uploaded,
then every page that shows them is read in Chromium. Nothing may turn into a link, an image, bold
text, colour or a formula, and no request may leave the machine (a remote image would be fetched).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pytest

from pricing.inputs.catalog import DEFAULT_MARKETS
from tests.conftest import choose, wait_until_idle

pytestmark = pytest.mark.browser

LINK = "[click](http://example.com/x)"
IMAGE = "![x](http://example.com/img.png)"
# A browser sends a file's leaf name, which never holds a slash (the app keeps only the part after
# the last one), so the file name's link and image use the slash-free form of the same address
# (a browser resolves "http:example.com" to http://example.com/).
FILE = "[click](http:example.com) ![x](http:example.com) **bold** <b>html<b> :red[red] $x^2$.csv"
# Short names (a catalogue may cap their length), together holding every kind of markup.
NAMES = {
    "US": "Acme *Intl* **bold** <b>html</b>",
    "CA": f"{LINK} :red[red] :smile:",
    "MX": f"{IMAGE} $x^2$ ->",
}
SCENARIO = "**FY27** <b>plan</b> [more](http://example.com/s) :red[x] $y$"
# The text inside each piece of markup: an element holding exactly this would be markup rendered.
INNER = {"bold", "html", "Intl", "click", "red", "x", "x^2", "y", "FY27", "plan", "more"}
WORD_JOINER = "\u2060"  # invisible; the app puts it where Streamlit would rewrite text

# What rendered markup leaves in the page: links or images to example.com (in HTML or in SVG),
# emphasis, Streamlit's colours, KaTeX, material icons and emoji spans.
RENDERED = """() => {
    const text = e => (e.textContent || '').replaceAll('\\u2060', '').trim();
    const all = s => [...document.querySelectorAll(s)];
    return {
        remote: all("[href*='example.com'], [src*='example.com'], [*|href*='example.com']")
            .map(e => e.outerHTML.slice(0, 200)),
        emphasis: all('strong, b, em, i, del, s, code').map(text),
        coloured: all('.stMarkdownColoredText, .stMarkdownColoredBackground, .stMarkdownBadge')
            .map(text),
        formulas: all('.katex').length,
        icons: all("[data-testid='stMarkdownContainer'] span[role='img']").map(
            e => e.getAttribute('aria-label')),
    };
}"""


def catalogue() -> bytes:
    """The shipped rows of three markets (each its own or the other's hub), renamed."""
    frame = pd.read_csv(DEFAULT_MARKETS, dtype=str, keep_default_na=False)
    frame = frame[frame["code"].isin(list(NAMES))]
    return frame.assign(name=frame["code"].map(NAMES)).to_csv(index=False).encode()


@contextmanager
def offline_page(browser) -> Iterator:
    """A page whose every request for a host other than this machine is recorded and refused;
    on the way out none may have been made."""
    foreign: list[str] = []

    def only_here(route) -> None:
        if urllib.parse.urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        context.route("**/*", only_here)
        yield context.new_page()
        assert foreign == [], f"requests left the machine: {foreign}"
    finally:
        context.close()


def shown(page) -> str:
    """The text the page shows (the invisible word joiners dropped)."""
    return page.locator("[data-testid='stApp']").inner_text().replace(WORD_JOINER, "")


def assert_nothing_rendered(page, where: str) -> None:
    found = page.evaluate(RENDERED)
    assert found["remote"] == [], f"{where}: {found['remote']}"
    assert INNER.isdisjoint(found["emphasis"]), f"{where}: emphasis {found['emphasis']}"
    assert INNER.isdisjoint(found["coloured"]), f"{where}: colour {found['coloured']}"
    assert found["formulas"] == 0, f"{where}: {found['formulas']} formula(s)"
    assert found["icons"] == [], f"{where}: icons {found['icons']}"
    text = shown(page)
    assert "😄" not in text and "→" not in text, where  # :smile: and -> stay as typed


def open_page(page, title: str) -> None:
    """Follow the sidebar's link to a page (the session, and its uploaded file, go along)."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
    wait_until_idle(page, 90_000)
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)


def test_uploaded_names_with_markup_are_shown_as_typed(app_url: str, browser) -> None:
    with offline_page(browser) as page:
        page.goto(f"{app_url}/markets")
        wait_until_idle(page, 90_000)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
            {"name": FILE, "mimeType": "text/csv", "buffer": catalogue()}
        )
        wait_until_idle(page, 90_000)
        text = shown(page)
        assert f"{FILE}: 3 markets loaded." in text
        assert f"In use: {FILE}. Every page" in text  # the file just taken in, not the one before
        assert_nothing_rendered(page, "Markets, upload")

        for code, name in NAMES.items():
            for title in ("Tier designer", "Cost to serve", "Offer builder"):
                open_page(page, title)
                if title == "Tier designer":  # the market picked here is the one every page opens
                    picker = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']")
                    choose(page, picker.filter(has_text="Market"), f"{name} ({code})")
                    wait_until_idle(page, 90_000)
                    assert f"{name}: " in shown(page)  # the heading of the market's tiers
                picked = page.locator("[data-testid='stMain'] input[aria-label='Market']")
                assert picked.input_value() == f"{name} ({code})", title
                assert f"{FILE} · 3 markets" in shown(page), f"{title}: the sidebar names the file"
                assert_nothing_rendered(page, f"{title}, {code}")
            assert f"{name} · valid until" in shown(page)  # the offer's heading

        open_page(page, "Markets")
        assert f"In use: {FILE}. Every page" in shown(page)
        assert_nothing_rendered(page, "Markets")

        open_page(page, "Scenarios")
        assert f"data: {FILE}. Every save" in shown(page)
        page.get_by_label("Name").fill(SCENARIO)
        page.get_by_label("Name").press("Enter")
        wait_until_idle(page)
        page.get_by_role("button", name="Save", exact=True).click()
        wait_until_idle(page, 90_000)
        page.get_by_text("Delete a scenario").click()  # its checkbox names the scenario
        wait_until_idle(page)
        text = shown(page)
        assert f"Saved '{SCENARIO}' as version 1." in text
        assert f"Delete every version of '{SCENARIO}'" in text
        assert_nothing_rendered(page, "Scenarios")
