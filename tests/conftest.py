"""Shared fixtures: a live app server and a real headless browser for the browser tests; and
the ``process`` mark on every test that starts the command line in a process of its own."""

from __future__ import annotations

import ast
import inspect
import logging
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import pg_server

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
OUTPUT.mkdir(exist_ok=True)
# Tests never write scenarios next to the code: a database of their own, emptied per run.
(OUTPUT / "test_scenarios.sqlite").unlink(missing_ok=True)
os.environ.setdefault("PRICING_DB_URL", f"sqlite:///{OUTPUT / 'test_scenarios.sqlite'}")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Flags for a root, offline, headless machine: no sandbox, no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# The helpers that start ``python -m pricing`` in a process (tests/cli_helpers.py).
PROCESS_STARTERS = frozenset({"run", "run_cli"})


def _callers_of(tree: ast.Module, names: frozenset[str]) -> set[str]:
    """The module's functions that call one of ``names``, directly or through each other."""
    calls = {
        node.name: {
            c.func.id
            for c in ast.walk(node)
            if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
        }
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    }
    found: set[str] = set()
    while True:
        more = {f for f, called in calls.items() if called & (names | found)} - found
        if not more:
            return found
        found |= more


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``process`` every test that starts the command line as a process (directly or
    through a helper of its module): the quick run (``pytest``) leaves them out, the full run
    (``scripts/test.sh``) runs them."""
    starters: dict[str, set[str]] = {}
    for item in items:
        module = item.module.__name__ if hasattr(item, "module") else ""
        if module not in starters:
            source = inspect.getsource(item.module) if hasattr(item, "module") else ""
            starters[module] = _callers_of(ast.parse(source), PROCESS_STARTERS)
        function = getattr(item, "originalname", item.name)
        if function in starters[module] or function in PROCESS_STARTERS:
            item.add_marker(pytest.mark.process)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_unexpected_app_error(request: pytest.FixtureRequest) -> Iterator[None]:
    """The app shows an unforeseen failure as one line and logs it (ui.widgets.contained):
    a page test whose page failed that way must not pass because no exception surfaced."""
    handler = _Records()
    logger = logging.getLogger("pricing.app")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.records and not request.node.get_closest_marker("unexpected_error_expected"):
        first = handler.records[0]
        pytest.fail(f"the app logged an unexpected error: {first.getMessage()}: {first.exc_info}")


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL server's admin URL: PRICING_TEST_PG_URL if set (a user who may create
    databases and roles), else a throwaway cluster started here and deleted at the end."""
    given = os.environ.get("PRICING_TEST_PG_URL")
    if given:
        yield given
        return
    cluster = pg_server.start()
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A scenario database of its own for each test: a new SQLite file, or a new database on
    a real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
        return
    with pg_server.fresh_database(request.getfixturevalue("postgres_admin_url")) as url:
        yield url


@pytest.fixture(scope="session")
def silent_rates_server() -> Iterator[str]:
    """A rates 'server' on 127.0.0.1 that accepts connections and never answers."""
    from tests.servers import SilentServer

    server = SilentServer()
    yield f"http://127.0.0.1:{server.port}/api/"
    server.close()


@contextmanager
def running_app(
    command: list[str], env: dict[str, str], port: int, log_name: str
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start ``command`` (a Streamlit server on ``port``) from the project root, wait for its
    health check, yield its URL and process, stop it at the end."""
    OUTPUT.mkdir(exist_ok=True)
    log = (OUTPUT / log_name).open("w")
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start; see {OUTPUT / log_name}")
            time.sleep(0.3)
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@contextmanager
def serve_app(rates_url: str, log_name: str = "streamlit.log") -> Iterator[str]:
    """`streamlit run app.py`, as the README starts it, on a free port; yields its URL."""
    port = pg_server.free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    env = {
        **os.environ,
        "PRICING_FX_URL": rates_url,
        "PRICING_DB_URL": os.environ["PRICING_DB_URL"],
    }
    with running_app(command, env, port, log_name) as (url, _):
        yield url


@pytest.fixture(scope="session")
def app_url(silent_rates_server: str) -> Iterator[str]:
    """The app for the browser tests (live rates pointed at a local server that never answers,
    so the fallback is what the browser sees)."""
    with serve_app(silent_rates_server) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download: it is apt-installed)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def choose(page, selectbox, option: str) -> None:
    """Pick ``option`` in a Streamlit selectbox, as a person would: open it, type, click.
    A click that lands while the box is still moving (an expander opening) leaves the list
    closed: click again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        selectbox.click()
        try:
            page.get_by_role("listbox").wait_for(timeout=3_000)
            # Narrow the list to the option: a long list is drawn lazily and redrawn as it
            # scrolls.
            selectbox.locator("input").fill(option)
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")  # start again from a closed list


# True once no element is still loading its code (Streamlit shows those as skeletons).
NOTHING_LOADING = "!document.querySelector(\"[data-testid='stSkeleton']\")"


# How long a click that plans the whole portfolio again, with every market's reasons, may run
# before a test calls it hung. How long it takes is measured by benchmarks/app_bench.py and
# benchmarks/cli_bench.py; here the wait only tells a slow machine from a stuck page.
REPLAN_MS = 240_000


def wait_until_idle(page, timeout_ms: int = 90_000) -> None:
    """Wait until Streamlit has finished running the script (its own script-state marker) and
    every element it sent is drawn."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    # A rerun starts a moment after the interaction that caused it: give it that moment.
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_function(NOTHING_LOADING, timeout=timeout_ms)


def shown(markdown: str) -> str:
    """The text a markdown element shows for ``markdown`` that holds only escaped text (see
    ui.widgets.plain): backslash escapes undone, invisible word joiners dropped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")
