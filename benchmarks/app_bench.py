"""App timings: `python benchmarks/app_bench.py [--repeat N]`.

* cold start: a fresh `streamlit run app.py`, then headless Chromium (a new browser context, so
  nothing cached) opens the overview and waits until it is fully rendered: the map's countries,
  the per-market table with its rows, the four headline figures with their numbers and the
  sidebar drawn, the script finished and no element still loading (first script run, caches
  empty);
* floor: the same for a bare Streamlit page holding only one Plotly world map, on the same
  machine; what no app with a Plotly map can beat there, for reading the first figure;
* the overview's elements: the same for a bare page holding the kinds of element the overview
  draws (figures, a button group, the map, a table, a sidebar select box), with no app code:
  what the browser alone needs for them, so the ratio to it is the app's own share;
* rerun: the overview script run again with unchanged inputs (AppTest), i.e. cache hits.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, NOTHING_LOADING  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(
    folder: Path = ROOT, script: str = "app.py", env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run SCRIPT` in ``folder`` on a free loopback port; yields its URL and its
    process once it answers, and stops it on the way out."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{script} did not start") from None
                time.sleep(0.05)
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


FLOOR_SCRIPT = """
import plotly.graph_objects as go
import streamlit as st

st.title("One map")
figure = go.Figure(go.Choropleth(locations=["USA", "BRA", "DEU", "IND"], z=[1, 2, 3, 4]))
st.plotly_chart(figure, config={"topojsonURL": "app/static/topojson/"})
"""

# The same kinds of element as the overview (four figures, a button group, the map, a 34-row
# table, a sidebar select box) with no app behind them: what the browser alone needs to draw
# them all on this machine.
ELEMENTS_SCRIPT = """
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.title("The overview's elements")
for column, value in zip(st.columns(4), ["34", "2,523", "2.21", "5.66"]):
    column.metric("Figure", value)
st.segmented_control("Colour the map by", ["a", "b", "c", "d"])
figure = go.Figure(go.Choropleth(locations=["USA", "BRA", "DEU", "IND"], z=[1, 2, 3, 4]))
st.plotly_chart(figure, config={"topojsonURL": "app/static/topojson/"})
st.dataframe(pd.DataFrame(np.arange(34 * 9).reshape(34, 9), columns=list("abcdefghi")))
st.sidebar.selectbox("Show money in", ["USD", "EUR"])
"""


# The first view sends a frame of the page (labels, an empty map and table) before the figures:
# a headline figure counts once it shows a number, the table once it has rows.
FIGURES_SHOWN = """() => {
  const values = [...document.querySelectorAll("[data-testid='stMetricValue']")];
  return values.length >= 4 && values.slice(0, 4).every(v => /[0-9]/.test(v.textContent));
}"""
ROWS_SHOWN = """() => {
  const grid = document.querySelector("[data-testid='stDataFrame'] table[role='grid']");
  return !!grid && Number(grid.getAttribute("aria-rowcount")) > 1
    && !!document.querySelector("[data-testid='stDataFrame'] canvas");
}"""
SEEN_SCRIPT = f"""
const FIGURES_SHOWN = {FIGURES_SHOWN};
window.__seen = {{}};
new MutationObserver(() => {{
  const now = performance.now();
  if (window.__seen.metric === undefined && FIGURES_SHOWN()) window.__seen.metric = now;
  if (window.__seen.map === undefined && document.querySelector("path.choroplethlocation"))
    window.__seen.map = now;
  window.__seen.now = performance.now();
}}).observe(document, {{subtree: true, childList: true, characterData: true}});
"""
# Besides the map: the per-market table's rows, the four headline figures and the sidebar's
# currency box.
OVERVIEW_PARTS = (ROWS_SHOWN, FIGURES_SHOWN)
SIDEBAR = "[data-testid='stSidebar'] [data-testid='stSelectbox']"


def cold_start(
    browser, folder: Path = ROOT, script: str = "app.py", table: bool = True
) -> tuple[float, float | None, float]:
    """Seconds from starting the server to: fully rendered, the headline figures on screen
    (None for the floor page), and the map drawn."""
    started = time.perf_counter()
    with running_app(folder, script) as (url, _):
        page = browser.new_page()
        # The page notes when the headline figures and the map's shapes first appear.
        page.add_init_script(SEEN_SCRIPT)
        page.goto(f"{url}/")
        page.wait_for_selector("path.choroplethlocation", timeout=60_000)
        if table:
            for shown in OVERVIEW_PARTS:
                page.wait_for_function(shown, timeout=60_000)
            page.wait_for_selector(SIDEBAR, timeout=60_000)
        page.wait_for_selector("[data-test-script-state='notRunning']", timeout=60_000)
        page.wait_for_function(NOTHING_LOADING, timeout=60_000)
        elapsed = time.perf_counter() - started
        seen = page.evaluate("window.__seen")
        page.close()
        lag = elapsed - seen["now"] / 1000.0  # browser clock to benchmark clock
        head = seen.get("metric")
        return (
            elapsed,
            (head / 1000.0 + lag) if head is not None and table else None,
            (seen["map"] / 1000.0 + lag),
        )


def floor_folder() -> Path:
    """A folder with the one-map page, the elements page, the app's config and its offline map
    geography."""
    folder = Path(tempfile.mkdtemp(prefix="floor-"))
    (folder / "floor.py").write_text(FLOOR_SCRIPT)
    (folder / "elements.py").write_text(ELEMENTS_SCRIPT)
    shutil.copytree(ROOT / ".streamlit", folder / ".streamlit")
    shutil.copytree(ROOT / "static", folder / "static")
    return folder


def rerun_seconds(repeat: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        folder = floor_folder()
        colds, floors, elements, ahead = [], [], [], []
        for _ in range(args.repeat):  # interleaved, so all see the same machine
            full, head, drawn = cold_start(browser)
            colds.append(full)
            ahead.append(head is not None and head <= drawn)
            floors.append(cold_start(browser, folder, "floor.py", table=False)[0])
            elements.append(cold_start(browser, folder, "elements.py")[0])
        browser.close()
        shutil.rmtree(folder)
    reruns = rerun_seconds(max(args.repeat, 10))
    _report("cold start to a fully rendered overview", colds, 2)
    _report("floor: bare page with one Plotly map", floors, 2)
    _report("the overview's elements, no app", elements, 2)
    for label, base in (("floor", floors), ("its elements", elements)):
        ratio = statistics.median(colds) / statistics.median(base)
        print(f"{'overview / ' + label + ' (medians)':42s} {ratio:.2f}x")
    print(f"{'headline figures before the map is drawn':42s} {sum(ahead)} of {len(ahead)} starts")
    _report("rerun of the overview, unchanged inputs", reruns, 3)


def _report(label: str, seconds: list[float], digits: int) -> None:
    print(
        f"{label:42s} median {statistics.median(seconds):6.{digits}f} s "
        f"(min {min(seconds):.{digits}f}, max {max(seconds):.{digits}f}, n={len(seconds)})"
    )


if __name__ == "__main__":
    main()
