"""App timings: `python benchmarks/app_bench.py [--repeat N]`.

* cold start: a fresh `streamlit run app.py`, then headless Chromium opens the overview and waits
  until the map is drawn (first script run, caches empty);
* rerun: the overview script run again with unchanged inputs (AppTest), i.e. cache hits.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cold_start(browser) -> float:
    port = _port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("path.choroplethlocation", timeout=60_000)
        elapsed = time.perf_counter() - started
        page.close()
        return elapsed
    finally:
        server.terminate()
        server.wait(timeout=10)


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
        colds = [cold_start(browser) for _ in range(args.repeat)]
        browser.close()
    reruns = rerun_seconds(max(args.repeat, 10))
    print(
        f"cold start to a drawn overview map      median {statistics.median(colds):6.2f} s "
        f"(min {min(colds):.2f}, max {max(colds):.2f}, n={len(colds)})"
    )
    print(
        f"rerun of the overview, unchanged inputs median {statistics.median(reruns):6.3f} s "
        f"(min {min(reruns):.3f}, max {max(reruns):.3f}, n={len(reruns)})"
    )


if __name__ == "__main__":
    main()
