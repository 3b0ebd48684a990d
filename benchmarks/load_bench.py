"""Many users at once: `python benchmarks/load_bench.py [--sessions N] [--repeat N]`.

One server (`streamlit run app.py` on a free loopback port, started as app_bench.py starts it)
and N headless Chromium sessions, each in a browser context of its own (so a Streamlit session
of its own, a thread in the server), all on the Tier designer:

* burst: every session sets rules of its own (number of tiers and minimum margin, different per
  session and per round, so no session is served from another's cache) and runs the optimiser
  at once; timed from the first click until every session is idle, each session checked to
  show its own rules afterwards;
* freeze check: while session 1 plans every market with five tiers, a new session opens a light
  page (Markets); timed against the same page opened on the idle server just before, in every
  round;
* errors, which must be 0: exceptions and error boxes shown on any page, uncaught script
  errors in the browser, failed requests and answers >= 400, and requests for any host other
  than the app's own (blocked, so the benchmark never leaves the machine);
* the server's memory (resident set from /proc): started, with the sessions open, after the
  rounds, and its peak; and its threads.

Timings are noisy on a shared machine: read them against the idle figures of the same run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.app_bench import running_app  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, NOTHING_LOADING, wait_until_idle  # noqa: E402

TIERS_SLIDER = "[data-testid='stSlider'] input[type='range'][aria-label='Tiers']"
BASE_PATH_PROBE = re.compile(r"/[a-z_]+/_stcore/(health|host-config)")
MARKET = "DE"  # the market each Tier designer shows; every run plans all markets
SOLVE_TIMEOUT_S = 1800.0  # generous: ten full plans at once on a shared two-core machine
# True once a run has started since the page was marked (see mark_run) and it is over.
RUN_OVER = "() => window.__runs > 0 && window.__state() === 'notRunning' && " + NOTHING_LOADING
MARK_RUN = """() => {
  window.__state = () => {
    const app = document.querySelector("[data-test-script-state]");
    return app ? app.getAttribute("data-test-script-state") : null;
  };
  window.__runs = 0;
  new MutationObserver(() => { window.__runs += 1; }).observe(document, {
    subtree: true, attributes: true, attributeFilter: ["data-test-script-state"]});
}"""


@dataclass
class Errors:
    """Everything that went wrong in any session, by kind (each list must stay empty)."""

    shown: list[str] = field(default_factory=list)  # exceptions and error boxes on a page
    script: list[str] = field(default_factory=list)  # uncaught errors in the browser
    failed: list[str] = field(default_factory=list)  # failed requests, answers >= 400
    blocked: list[str] = field(default_factory=list)  # requests for another host
    # Not errors: opened at a page's address, Streamlit's client first asks for its health and
    # configuration under that page (404) and then at the root (streamlit/streamlit#7074).
    probes: list[str] = field(default_factory=list)

    def total(self) -> int:
        return len(self.shown) + len(self.script) + len(self.failed) + len(self.blocked)


def open_page(browser, url: str, path: str, errors: Errors):
    """A page in a context of its own that lets requests reach the app only, recording what
    fails; opened at ``path`` and idle."""
    own = urllib.parse.urlsplit(url).netloc
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def elsewhere(route) -> None:
        errors.blocked.append(route.request.url)
        route.abort()

    def failed(request) -> None:
        if request.url not in errors.blocked:  # a blocked request is counted once, above
            errors.failed.append(f"{request.failure} {request.url}")

    def answered(response) -> None:
        if response.status == 404 and BASE_PATH_PROBE.fullmatch(
            urllib.parse.urlsplit(response.url).path
        ):
            errors.probes.append(response.url)
        elif response.status >= 400:
            errors.failed.append(f"{response.status} {response.url}")

    # Matched in the browser's driver: the app's own requests never wait for this script.
    context.route(re.compile(rf"^(?!https?://{re.escape(own)}/)"), elsewhere)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.script.append(str(error)))
    page.on("requestfailed", failed)
    page.on("response", answered)
    page.goto(f"{url}/{path}")
    wait_until_idle(page, 300_000)
    return page


def check_page(page, errors: Errors, name: str) -> None:
    for testid in ("stException", "stAlertContentError"):
        for text in page.locator(f"[data-testid='{testid}']").all_inner_texts():
            errors.shown.append(f"{name}: {text[:200]}")


def set_rules(page, tiers: int, margin_percent: float) -> None:
    """Type the rules into the Tier designer's form (nothing runs until it is submitted)."""
    field_ = page.get_by_label("Minimum margin at the floor (%)")
    field_.click()
    field_.press("Control+a")
    field_.type(f"{margin_percent:g}")
    field_.press("Tab")
    slider = page.locator(TIERS_SLIDER)
    slider.focus()
    now = int(slider.input_value())
    for _ in range(abs(tiers - now)):
        slider.press("ArrowRight" if tiers > now else "ArrowLeft")


def run_optimiser(page) -> None:
    page.evaluate(MARK_RUN)
    page.get_by_role("button", name="Run the optimiser").click()


def wait_all(pages: list, started: float) -> list[float]:
    """Seconds from ``started`` until each page's run is over, polling every page in turn."""
    done: dict[int, float] = {}
    while len(done) < len(pages):
        if time.perf_counter() - started > SOLVE_TIMEOUT_S:
            raise TimeoutError(f"{len(pages) - len(done)} sessions still running")
        for number, page in enumerate(pages):
            if number not in done and page.evaluate(RUN_OVER):
                done[number] = time.perf_counter() - started
        time.sleep(0.1)
    return [done[number] for number in range(len(pages))]


def shows_its_rules(page, tiers: int, margin_percent: float) -> bool:
    """The session's own rules are still in its form and its plan is on screen."""
    margin = float(page.get_by_label("Minimum margin at the floor (%)").input_value())
    slider = int(page.locator(TIERS_SLIDER).input_value())
    heading = page.get_by_role("heading").filter(has_text=" tier(s), profit ")
    return margin == margin_percent and slider == tiers and heading.count() == 1


def burst(pages: list, round_: int, errors: Errors) -> list[float]:
    """Every session sets rules of its own and runs the optimiser at once."""
    rules = [(2 + number % 3, 5.0 + round_ * len(pages) + number) for number in range(len(pages))]
    for page, (tiers, margin) in zip(pages, rules, strict=True):
        set_rules(page, tiers, margin)
    started = time.perf_counter()
    for page in pages:
        run_optimiser(page)
    seconds = wait_all(pages, started)
    for number, (page, (tiers, margin)) in enumerate(zip(pages, rules, strict=True)):
        check_page(page, errors, f"session {number + 1}")
        if not shows_its_rules(page, tiers, margin):
            errors.shown.append(f"session {number + 1} does not show its rules {tiers}, {margin}")
    return seconds


def light_page_seconds(browser, url: str, errors: Errors) -> float:
    """Seconds to open the Markets page in a new session until it is idle and drawn."""
    started = time.perf_counter()
    page = open_page(browser, url, "markets", errors)
    page.get_by_role("heading", name="Markets").first.wait_for(timeout=300_000)
    seconds = time.perf_counter() - started
    check_page(page, errors, "light page")
    page.context.close()
    return seconds


def during_slow_plan(browser, url: str, slow, round_: int, errors: Errors) -> tuple[float, bool]:
    """Seconds to open the light page while ``slow`` plans every market with five tiers, and
    whether that plan was still running when the light page was done."""
    set_rules(slow, 5, 0.25 + round_ / 100)  # a margin no burst uses: nothing cached
    run_optimiser(slow)
    slow.wait_for_function("() => window.__state() === 'running'", timeout=60_000)
    seconds = light_page_seconds(browser, url, errors)
    overlapped = not slow.evaluate(RUN_OVER)
    wait_all([slow], time.perf_counter())
    check_page(slow, errors, "slow session")
    return seconds, overlapped


def memory(pid: int) -> dict[str, int]:
    """The server's resident set now and at its peak (KiB), and its threads (/proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM", "Threads"):
            fields[name] = int(value.split()[0])
    return fields


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.sessions < 2 or args.repeat < 1:
        parser.error("--sessions must be at least 2 and --repeat at least 1")
    from playwright.sync_api import sync_playwright

    errors = Errors()
    with (
        tempfile.TemporaryDirectory(prefix="load-bench-") as folder,
        # Scenarios in a database of the run's own, never the project's.
        running_app(env={"PRICING_DB_URL": f"sqlite:///{folder}/scenarios.sqlite"}) as (
            url,
            server,
        ),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        figures = measure(browser, url, server.pid, args, errors)
        browser.close()
    report(figures, errors, args)
    sys.exit(1 if errors.total() else 0)


def measure(browser, url: str, pid: int, args: argparse.Namespace, errors: Errors) -> dict:
    figures: dict = {"rss": {"started": memory(pid)}}
    started = time.perf_counter()
    # One by one: the first plans the default rules, the others find that plan cached.
    pages = [
        open_page(browser, url, f"tier_designer?market={MARKET}", errors)
        for _ in range(args.sessions)
    ]
    figures["open"] = time.perf_counter() - started
    for number, page in enumerate(pages):
        check_page(page, errors, f"session {number + 1}")
    figures["rss"]["sessions open"] = memory(pid)
    figures["bursts"], figures["idle"], figures["loaded"], figures["overlapped"] = [], [], [], []
    for round_ in range(args.repeat):
        figures["bursts"].append(burst(pages, round_, errors))
        # Idle and loaded back to back, so both see the same machine.
        figures["idle"].append(light_page_seconds(browser, url, errors))
        loaded, overlapped = during_slow_plan(browser, url, pages[0], round_, errors)
        figures["loaded"].append(loaded)
        figures["overlapped"].append(overlapped)
    figures["rss"]["after the rounds"] = memory(pid)
    for page in pages:
        page.context.close()
    return figures


def report(figures: dict, errors: Errors, args: argparse.Namespace) -> None:
    every_burst = [max(seconds) for seconds in figures["bursts"]]
    each_session = [s for seconds in figures["bursts"] for s in seconds]
    idle, loaded = statistics.median(figures["idle"]), statistics.median(figures["loaded"])
    rows = [
        ("sessions x rounds", f"{args.sessions} x {args.repeat}"),
        ("open the sessions one by one", f"{figures['open']:.1f} s"),
        ("burst: until every session is idle", _spread(every_burst)),
        ("burst: one session, click to idle", _spread(each_session)),
        ("Markets page, idle server", _spread(figures["idle"])),
        ("Markets page, during a 5-tier plan", _spread(figures["loaded"])),
        ("  during / idle (medians)", f"{loaded / idle:.2f}x"),
        ("  the plan still ran when it was done", f"{sum(figures['overlapped'])} of "
         f"{len(figures['overlapped'])}"),
    ]  # fmt: skip
    for moment, fields in figures["rss"].items():
        rows.append((f"server memory, {moment}", f"{fields['VmRSS'] / 1024:,.0f} MiB, "
                     f"{fields['Threads']} threads"))  # fmt: skip
    peak = figures["rss"]["after the rounds"]["VmHWM"]
    rows.append(("server memory, peak", f"{peak / 1024:,.0f} MiB"))
    rows += [
        ("errors shown on a page", str(len(errors.shown))),
        ("uncaught browser errors", str(len(errors.script))),
        ("failed requests", str(len(errors.failed))),
        ("requests for another host", str(len(errors.blocked))),
        ("not errors: base-path probes (404)", str(len(errors.probes))),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:{width}s}  {value}")
    for kind in ("shown", "script", "failed", "blocked"):
        for line in getattr(errors, kind)[:10]:
            print(f"{kind}: {line}")


def _spread(seconds: list[float]) -> str:
    return (
        f"median {statistics.median(seconds):.1f} s (min {min(seconds):.1f}, "
        f"max {max(seconds):.1f}, n={len(seconds)})"
    )


if __name__ == "__main__":
    main()
