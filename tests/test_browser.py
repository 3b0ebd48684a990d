"""The app in a real browser: what AppTest cannot see (the map actually drawn, offline)."""

from __future__ import annotations

import pytest

from pricing.catalog import load_markets
from tests.conftest import OUTPUT, wait_until_idle

pytestmark = pytest.mark.browser


def test_overview_draws_the_world_map(app_url: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(app_url)
    wait_until_idle(page)
    # One shaded shape per market: only drawn once the map geography has loaded from the
    # app itself (no CDN is reachable offline).
    page.wait_for_selector("path.choroplethlocation", timeout=30_000)
    assert page.locator("path.choroplethlocation").count() == len(load_markets())
    assert page.locator(".geo .land").count() >= 1
    assert page.get_by_text("Cost to serve by market").is_visible()
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert values[0] == str(len(load_markets()))
    assert not [url for url in failed if "topojson" in url]
    (OUTPUT / "screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "screenshots" / "overview.png"), full_page=True)
    page.close()
