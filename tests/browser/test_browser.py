"""The app in a real browser: what AppTest cannot see (the map actually drawn, offline)."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from pricing.inputs.catalog import load_markets
from tests.conftest import OUTPUT, choose, serve_app, wait_until_idle
from ui.widgets import WORD_JOINER

pytestmark = pytest.mark.browser


def test_overview_draws_the_world_map(app_url: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(app_url)
    wait_until_idle(page)
    # One shaded shape per market: only drawn once the map geography has loaded from the
    # app itself (no CDN is reachable offline).
    page.wait_for_selector("path.choroplethlocation", timeout=90_000)
    assert page.locator("path.choroplethlocation").count() == len(load_markets())
    assert page.locator(".geo .land").count() >= 1
    assert page.get_by_text("Portfolio: verdict and cost to serve by market").is_visible()
    page.locator("[data-testid='stMetricValue']").nth(3).wait_for(timeout=30_000)
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert values[0] == str(len(load_markets()))
    assert not [url for url in failed if "topojson" in url]
    (OUTPUT / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "screenshots" / "overview.png"), full_page=True)
    page.close()


def test_a_link_to_a_page_opened_first_runs_through_the_router(
    silent_rates_server: str, browser
) -> None:
    # A server nobody has visited yet: the link is the first thing it serves.
    with serve_app(silent_rates_server, "streamlit_first_link.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/tier_designer?market=US")
        wait_until_idle(page, 90_000)
        page.get_by_role("heading", name="Tier designer").first.wait_for(timeout=30_000)
        sidebar = page.locator("[data-testid='stSidebar']")
        # The router's grouped navigation and shared sidebar, not a bare list of files.
        assert sidebar.get_by_text("Finance", exact=True).is_visible()
        assert (
            sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Show money in").count()
        )
        # The router's defaults: three tiers, not the slider's minimum of one.
        assert page.get_by_text("United States: 3 tier(s)").is_visible()
        page.close()


def test_currency_selector_and_live_refresh(app_url: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.goto(app_url)
    wait_until_idle(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    money = sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Show money in")
    choose(page, money, "Each market's own currency")
    wait_until_idle(page)
    page.get_by_text("Converted from USD at the rates below").wait_for(timeout=20_000)
    # The table itself is drawn on a canvas; the stale-rate warning names the old figures.
    warning = page.get_by_text("Stale rates:")
    warning.wait_for(timeout=20_000)
    assert "EGP (2025-06-30)" in warning.inner_text()
    # A currency per row adds a column: the table still fits a 1280 px screen.
    assert page.evaluate(CUT_OFF) == []
    # The live source never answers: the app says so and keeps the offline rates.
    sidebar.get_by_role("button", name="Refresh live rates").click()
    # The message is shown as text: an invisible word joiner follows each colon.
    notice = re.compile(f"Live rates not used:{WORD_JOINER}? no answer within 5 s")
    sidebar.get_by_text(notice).wait_for(timeout=20_000)
    (OUTPUT / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(OUTPUT / "screenshots" / "overview_local_currency.png"), full_page=True
    )
    page.close()


def test_budget_rate_is_used_and_labelled(app_url: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(app_url)
    wait_until_idle(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Budget rates").click()
    choose(page, sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Currency"), "EGP")
    wait_until_idle(page)
    field = sidebar.get_by_test_id("stNumberInputField")
    field.click()
    field.press("Control+a")
    field.type("55")  # typed like a person: React sees every key
    field.press("Enter")
    wait_until_idle(page)
    sidebar.get_by_role("button", name="Use").click()
    sidebar.get_by_text("EGP: 55.0000 per USD (budget rate)").wait_for(timeout=20_000)
    money = sidebar.locator("[data-testid='stSelectbox']").filter(has_text="Show money in")
    choose(page, money, "Each market's own currency")
    wait_until_idle(page)
    page.get_by_text("Converted from USD at the rates below").wait_for(timeout=20_000)
    warning = page.get_by_text("Stale rates:")
    assert "EGP" not in warning.inner_text()  # the budget rate replaced the old June 2025 one
    page.close()


PAGES = {
    "overview": ("", "Portfolio: verdict and cost to serve by market"),
    "cost_to_serve": ("cost_to_serve?market=DE", "Cost to serve"),
    "tier_designer": ("tier_designer?market=US", "Tier designer"),
    "markets": ("markets", "Markets"),
    "offer_builder": ("offer_builder?market=SA", "Offer builder"),
    "scenarios": ("scenarios", "Scenarios"),
}


# What a reader cannot see whole: text cut off with an ellipsis (labels, metrics), and tables
# wider than the page, which scroll sideways. The Markets page's catalogue editor is exempt: it
# holds the market file's own columns (over twenty), scrolled as in a spreadsheet.
CUT_OFF = """() => {
  const cut = [];
  for (const e of document.querySelectorAll("[data-testid=stMain] *")) {
    if (getComputedStyle(e).textOverflow === "ellipsis" && e.textContent.trim()
        && e.scrollWidth > e.clientWidth + 1)
      cut.push("cut off: " + e.textContent.trim().slice(0, 60));
  }
  for (const frame of document.querySelectorAll("[data-testid=stDataFrame]")) {
    const grid = frame.querySelector("table[role=grid]");
    const scroller = frame.querySelector(".dvn-scroller");
    if (grid && Number(grid.getAttribute("aria-colcount")) < 20 && scroller
        && scroller.scrollWidth > scroller.clientWidth + 2)
      cut.push("scrolls sideways: table with " + frame.querySelector("th")?.textContent);
  }
  return cut;
}"""


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders(app_url: str, browser, name: str) -> None:
    """Each page draws without an error, and nothing on it is cut off at 1280 or 1600 px."""
    path, title = PAGES[name]
    page = browser.new_page(viewport={"width": 1280, "height": 2000})
    page.goto(f"{app_url}/{path}")
    wait_until_idle(page, 90_000)
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    page.wait_for_timeout(500)  # tables size their columns once drawn
    assert page.evaluate(CUT_OFF) == [], "at 1280 px"
    page.set_viewport_size({"width": 1600, "height": 2000})
    page.wait_for_timeout(1000)
    assert page.evaluate(CUT_OFF) == [], "at 1600 px"
    # The app scrolls inside its main block: grow the window to it for a whole-page picture.
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1600, "height": min(height + 50, 8000)})
    page.wait_for_timeout(1000)
    (OUTPUT / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "screenshots" / f"page_{name}.png"), full_page=True)
    page.close()


def test_sessions_opening_a_fresh_server_at_once_meet_no_exception(
    silent_rates_server: str, browser
) -> None:
    """Three tabs on a server nobody has visited, over two cold starts: every page draws
    without an exception (a session once met pandas half-imported by another one), and no
    request leaves the machine."""
    for start in range(2):
        with serve_app(silent_rates_server, f"streamlit_cold_{start}.log") as url:
            own = urllib.parse.urlsplit(url).netloc
            elsewhere: list[str] = []
            pages = []
            # The Overview, a page that decides one market's community, and one that plans
            # nothing, each in a session of its own, at once.
            for path in ("", "/cost_to_serve?market=SA", "/markets"):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.on("request", _record_foreign(own, elsewhere))
                page.goto(url + path, wait_until="commit")
                pages.append((context, page))
            for context, page in pages:
                wait_until_idle(page, 90_000)
                assert page.locator("[data-testid='stException']").count() == 0
                context.close()
            assert elsewhere == []
        log = (OUTPUT / f"streamlit_cold_{start}.log").read_text()
        assert "Traceback" not in log and "partially initialized" not in log


def _record_foreign(own: str, found: list[str]):
    """A request listener noting every URL for a host other than the app's own."""

    def listen(request) -> None:
        host = urllib.parse.urlsplit(request.url).netloc
        if host not in (own, "") and not request.url.startswith("data:"):
            found.append(request.url)

    return listen
