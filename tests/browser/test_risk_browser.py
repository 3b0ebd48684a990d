"""The risk view in the real app (headless Chromium): a small catalogue uploaded, a sweep run
on the Scenarios page with its progress bar, its results drawn; a sweep stopped midway leaves
no worker process behind."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator

import psutil
import pytest

from pricing.inputs.catalog import DEFAULT_MARKETS
from tests.conftest import OUTPUT, running_app, wait_until_idle
from tests.pg_server import free_port

pytestmark = pytest.mark.browser
CODES = ("ZA", "NG", "KE")


@pytest.fixture(scope="module")
def server(silent_rates_server: str) -> Iterator[tuple[str, psutil.Process]]:
    """The app as the README starts it, on a server of its own: its worker processes are its
    children, counted here."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    env = {**os.environ, "PRICING_FX_URL": silent_rates_server}
    with running_app(command, env, port, "streamlit-risk.log") as (url, process):
        yield url, psutil.Process(process.pid)


def _catalogue() -> bytes:
    lines = DEFAULT_MARKETS.read_text().splitlines()
    kept = [line for line in lines[1:] if line.split(",", 1)[0] in CODES]
    return ("\n".join([lines[0], *kept]) + "\n").encode()


def _scenarios_page(browser, url: str, draws: int):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/markets")
    wait_until_idle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        {"name": "three.csv", "mimeType": "text/csv", "buffer": _catalogue()}
    )
    wait_until_idle(page)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Scenarios").click()
    wait_until_idle(page, 180_000)
    page.get_by_role("heading", name="Risk: how sure is each verdict?").wait_for(timeout=60_000)
    field = page.locator("[data-testid='stNumberInput']").filter(has_text="Draws").locator("input")
    field.fill(str(draws))
    field.press("Enter")
    wait_until_idle(page)
    return page


def _workers(process: psutil.Process) -> list[psutil.Process]:
    """The server's live worker processes (multiprocessing's resource tracker, started once and
    kept for the server's life, is not one; a worker that has ended, gone or not yet reaped, is
    not one either)."""
    live = []
    for child in process.children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(child.cmdline()):
                live.append(child)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return live


def test_a_sweep_shows_progress_then_the_risk_view(server, browser) -> None:
    url, _ = server
    page = _scenarios_page(browser, url, 8)
    page.get_by_role("button", name="Run the sweep").click()
    page.locator("[data-testid='stProgress']").wait_for(timeout=60_000)
    page.get_by_text("Fragile verdicts first").wait_for(timeout=300_000)
    wait_until_idle(page, 120_000)
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "8 draws, seed 1" in text and "Portfolio profit, P10 (USD/yr)" in text
    assert "Traceback" not in text and "Error" not in text
    # The risk strip, the map and the tornado are drawn.
    assert page.locator("[data-testid='stMain'] .js-plotly-plot").count() >= 3
    for name in ("South Africa", "Nigeria", "Kenya"):
        assert name in text
    page.get_by_text("Fragile verdicts first").scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "risk_view.png"))
    page.close()


def test_a_stopped_sweep_leaves_no_worker_behind(server, browser) -> None:
    url, process = server
    page = _scenarios_page(browser, url, 2000)
    page.get_by_role("button", name="Run the sweep").click()
    page.locator("[data-testid='stProgress']").wait_for(timeout=60_000)
    deadline = time.monotonic() + 60
    while not _workers(process) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _workers(process), "the sweep started no worker"
    page.get_by_role("button", name="Stop the sweep").click()
    page.get_by_text("The last sweep was stopped before it finished").wait_for(timeout=60_000)
    deadline = time.monotonic() + 90
    while _workers(process) and time.monotonic() < deadline:
        time.sleep(1)
    assert _workers(process) == []
    assert page.get_by_role("button", name="Run the sweep").is_visible()
    page.close()


def test_an_uncertainty_file_is_taken_in_only_when_clean(server, browser) -> None:
    url, _ = server
    page = _scenarios_page(browser, url, 4)
    page.get_by_text("Uncertainty table (data/uncertainty.csv").click()
    header = "driver,market,distribution,p10,p90,correlation_with_fx,source\n"
    upload = page.locator("[data-testid='stFileUploaderDropzoneInput']").last
    bad = header + "wages,*,lognormal,1.3,0.9,,typo\n"
    upload.set_input_files({"name": "bad.csv", "mimeType": "text/csv", "buffer": bad.encode()})
    wait_until_idle(page)
    text = page.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")
    assert "bad.csv was not loaded; the table in use is unchanged." in text
    assert "bad.csv row 2: p10 (1.3) is above p90 (0.9)" in text
    good = header + "accounts,*,lognormal,0.9,1.1,,our pipeline review\n"
    upload.set_input_files({"name": "good.csv", "mimeType": "text/csv", "buffer": good.encode()})
    wait_until_idle(page)
    text = page.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")
    assert "good.csv: 1 row loaded." in text
    page.close()
