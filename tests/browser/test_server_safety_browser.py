"""The server as the README starts it, under what a security review and a careless user do.

* ``streamlit run app.py`` listens on this machine only and asks nothing of any other machine
  while it starts and serves the pages (every socket connection and name lookup the server
  process makes is recorded by a ``sitecustomize`` put on its path);
* a market file inside every bound of its cells but far beyond one server's work is refused at
  the upload, in one line, while the catalogue in use stays and the server stays small;
* downloads clicked right after an edit all arrive.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from pricing.inputs.catalog import DEFAULT_MARKETS
from tests import pg_server
from tests.conftest import OUTPUT, ROOT, running_app, wait_until_idle

pytestmark = pytest.mark.browser

# Put first on the server's path: records every connection and name lookup its process makes.
RECORDER = """
import os, socket
_LOG = os.environ["SOCKET_LOG"]
def _note(kind, what):
    with open(_LOG, "a") as log:
        log.write(f"{kind} {what!r}\\n")
_connect, _connect_ex, _lookup = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
def connect(self, address):
    _note("connect", address)
    return _connect(self, address)
def connect_ex(self, address):
    _note("connect", address)
    return _connect_ex(self, address)
def getaddrinfo(host, *args, **kwargs):
    _note("lookup", host)
    return _lookup(host, *args, **kwargs)
socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo = getaddrinfo
"""
LOCAL_NAMES = {None, "", "localhost", "127.0.0.1", "::1"}
GIB = 1024**3


@contextmanager
def readme_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """`streamlit run app.py`, exactly as the README runs it (the port through Streamlit's own
    environment variable, so the command is the README's), with the recorder on its path."""
    (tmp_path / "sitecustomize.py").write_text(RECORDER)
    sockets = tmp_path / "sockets.log"
    port = pg_server.free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "SOCKET_LOG": str(sockets),
        "STREAMLIT_SERVER_PORT": str(port),
    }
    command = [sys.executable, "-m", "streamlit", "run", "app.py"]
    with running_app(command, env, port, "readme_server.log") as (url, server):
        yield url, server, sockets


def listening_addresses(port: int) -> set[str]:
    """The local addresses of every socket listening on ``port`` (from /proc/net)."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                assert len(address) == width
                found.add(address)
    return found


def high_water_bytes(pid: int) -> int:
    """The most memory the process has held (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_the_shipped_config_serves_this_machine_and_hides_tracebacks() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"


def test_the_readme_server_listens_on_loopback_and_asks_no_other_machine(
    tmp_path: Path, browser
) -> None:
    with readme_server(tmp_path) as (url, _, sockets):
        port = int(url.rsplit(":", 1)[1])
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        for path in ("", "/tier_designer", "/offer_builder"):
            page.goto(f"{url}{path}")
            wait_until_idle(page, 120_000)
        context.close()
        # Only 127.0.0.1 (7F000001, stored little-endian as 0100007F): not 0.0.0.0, not ::.
        assert listening_addresses(port) == {"0100007F"}
        seen = sockets.read_text().splitlines() if sockets.exists() else []
        foreign = [
            line
            for line in seen
            if not (
                line.startswith("connect '/")  # a Unix socket
                or any(f"'{name}'" in line for name in LOCAL_NAMES if name)
                or line in ("lookup None", "lookup ''")
            )
        ]
        assert foreign == [], foreign


def _extreme_catalogue() -> bytes:
    frame = pd.read_csv(DEFAULT_MARKETS, dtype=str, keep_default_na=False)
    first = frame.index[0]
    frame.loc[first, ["accounts", "contacts_per_account_month", "aht_seconds"]] = [
        "10000000",
        "1000",
        "28800",
    ]
    return frame.to_csv(index=False).encode()


def test_an_upload_beyond_one_server_is_refused_and_the_server_stays_small(
    tmp_path: Path, browser
) -> None:
    """The file that made `costs` allocate 22 GiB and the Overview show a MemoryError: refused
    at the door by row and figure, the shipped catalogue still in use, the server well under
    1 GiB after the whole shipped flow."""
    with readme_server(tmp_path) as (url, server, _):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/markets")
        wait_until_idle(page, 120_000)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
            {"name": "extreme.csv", "mimeType": "text/csv", "buffer": _extreme_catalogue()}
        )
        wait_until_idle(page, 120_000)
        text = page.locator("[data-testid='stApp']").inner_text().replace("\u2060", "")
        assert "row 2, column 'accounts': US: 10,000,000 accounts × 1,000 contacts" in text
        assert "need 410,256,410 agents busy at once at the peak" in text
        assert "In use: markets.csv (shipped defaults)" in text and "Traceback" not in text
        # The same session (the sidebar's links), through every page of the shipped flow.
        for title in ("Overview", "Cost to serve", "Tier designer", "Offer builder", "Scenarios"):
            page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
            wait_until_idle(page, 120_000)
            page.get_by_text("markets.csv (shipped defaults) · 34 markets").wait_for(timeout=60_000)
            shown = page.locator("[data-testid='stApp']").inner_text()
            assert "Traceback" not in shown and "Something went wrong" not in shown, title
        context.close()
        assert high_water_bytes(server.pid) < GIB


def test_downloads_clicked_right_after_an_edit_all_arrive(tmp_path: Path, browser) -> None:
    """The Offer builder's four documents, each clicked at once after the customer's name
    changed: a file made on click was revoked by the edit's rerun and never came."""
    with readme_server(tmp_path) as (url, _, _):
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.goto(f"{url}/offer_builder?market=SA")
        wait_until_idle(page, 120_000)
        buttons = page.locator("[data-testid='stDownloadButton'] button")
        assert buttons.count() == 4
        arrived, failed = 0, []
        for edit in range(3):
            name = page.get_by_test_id("stTextInputField").first
            name.fill(f"ACME {edit}")
            name.press("Enter")  # a rerun starts; the clicks follow without waiting for it
            for index in range(4):
                try:
                    with page.expect_download(timeout=20_000) as download:
                        buttons.nth(index).click(timeout=20_000)
                    problem = download.value.failure()
                except Exception as error:  # a download that never starts
                    problem = type(error).__name__
                if problem:
                    failed.append((edit, index, problem))
                else:
                    arrived += 1
        context.close()
        assert failed == [] and arrived == 12
    log = (OUTPUT / "readme_server.log").read_text()
    assert "MediaFileStorageError" not in log
