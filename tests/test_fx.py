"""Exchange rates, all offline: shipped ECB data, pegs, staleness, overrides, price points, and
the live path against local servers on 127.0.0.1 (one that answers, one that never does)."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.errors import InputError
from pricing.fx import DEFAULT_BOOK, ECB_LATEST, RateBook, fetch_live_rates, rate
from pricing.pricepoints import format_money, local_price_points, price_step

ROOT = Path(__file__).resolve().parents[1]


def _ecb_file() -> dict[str, float]:
    """The shipped ECB file read by hand: units per euro."""
    with ECB_LATEST.open() as handle:
        header, values = list(csv.reader(handle))[:2]
    return {
        code.strip(): float(value)
        for code, value in zip(header[1:], values[1:], strict=False)
        if code.strip()
    }


def test_agrees_with_the_ecb_file() -> None:
    per_euro = _ecb_file()
    assert rate("EUR", "JPY").rate == pytest.approx(per_euro["JPY"], rel=1e-12)
    assert rate("USD", "JPY").rate == pytest.approx(per_euro["JPY"] / per_euro["USD"], rel=1e-12)
    assert rate("GBP", "SEK").rate == pytest.approx(per_euro["SEK"] / per_euro["GBP"], rel=1e-12)
    used = rate("USD", "INR")
    assert "ECB" in used.source and used.kinds == ("ecb",)


def test_pegs_are_exact() -> None:
    assert rate("USD", "AED").rate == 3.6725
    assert rate("USD", "SAR").rate == 3.75
    assert rate("USD", "QAR").rate == 3.64
    assert rate("AED", "SAR").rate == pytest.approx(3.75 / 3.6725, rel=1e-15)
    assert rate("USD", "OMR").kinds == ("peg",)


currencies = st.sampled_from(
    ["USD", "EUR", "JPY", "GBP", "AED", "SAR", "EGP", "INR", "BRL", "VND", "ARS", "KES", "CHF"]
)


@given(a=currencies, b=currencies, amount=st.floats(0.01, 1e9))
def test_round_trips(a: str, b: str, amount: float) -> None:
    there, _ = DEFAULT_BOOK.convert(amount, a, b)
    back, _ = DEFAULT_BOOK.convert(there, b, a)
    assert back == pytest.approx(amount, rel=1e-12)


def test_staleness() -> None:
    today = date(2026, 11, 23)
    assert rate("USD", "EGP").is_stale(today)  # a June 2025 figure
    assert not rate("USD", "AED").is_stale(today)  # a peg does not age
    ecb = rate("USD", "EUR")
    assert not ecb.is_stale(ecb.as_of)
    assert ecb.is_stale(date.fromordinal(ecb.as_of.toordinal() + 46))
    assert not rate("USD", "USD").is_stale(date(2100, 1, 1))


def test_budget_override_wins_and_is_labelled() -> None:
    book = DEFAULT_BOOK.with_override("EGP", 50.0, "FY27 budget")
    used = book.rate("USD", "EGP")
    assert used.rate == 50.0
    assert used.kinds == ("override",) and "budget rate set by finance: FY27 budget" in used.source
    assert not used.is_stale(date(2030, 1, 1))
    assert DEFAULT_BOOK.rate("USD", "EGP").rate != 50.0  # the shared book is untouched
    with pytest.raises(InputError, match="must be > 0"):
        DEFAULT_BOOK.with_override("EGP", 0)
    with pytest.raises(InputError, match="unknown currency 'XXY'"):
        DEFAULT_BOOK.with_override("XXY", 1.0)


def test_unknown_currency() -> None:
    with pytest.raises(InputError, match="unknown currency 'ABC'"):
        rate("USD", "ABC")


def test_buffers() -> None:
    assert DEFAULT_BOOK.buffer("ARS")[0] == 0.10
    assert DEFAULT_BOOK.buffer("EUR") == (0.0, "no buffer")


@pytest.mark.parametrize(
    ("currency", "target_usd", "step"),
    [
        ("EUR", 1842.37, 10.0),
        ("JPY", 1842.37, 1000.0),
        ("VND", 1842.37, 100_000.0),
        ("USD", 99.0, 1.0),
        ("USD", 0.5, 0.01),
    ],
)
def test_price_steps(currency: str, target_usd: float, step: float) -> None:
    """About three significant figures: tens of euros, whole thousands of yen."""
    assert price_step(target_usd * rate("USD", currency).rate, currency) == step


@given(
    target=st.floats(0.5, 1e6),
    expected=st.floats(0, 0.4),
    extra=st.floats(0, 0.4),
    currency=currencies,
    buffer=st.floats(0, 0.2),
)
def test_price_points_never_break_the_floor(
    target: float, expected: float, extra: float, currency: str, buffer: float
) -> None:
    listed = target / (1 - expected)
    floor = listed * (1 - min(expected + extra, 0.95))
    used = rate("USD", currency)
    local = local_price_points(listed, target, floor, used, buffer)
    factor = used.rate * (1 + buffer)
    assert local.floor >= floor * factor * (1 - 1e-12)
    assert local.list_price >= local.target >= local.floor
    assert abs(local.target - target * factor) <= local.step + 1e-9 * target * factor
    assert local.floor - floor * factor <= local.step * 1.000001


def test_equal_discounts_do_not_trip_the_order_check() -> None:
    """T / (1 - d) x (1 - d) can land a hair above T; that is not an inverted quote."""
    target = 203778.375
    listed = target / (1 - 0.3125)
    floor = listed * (1 - 0.3125)
    local = local_price_points(listed, target, floor, rate("USD", "USD"))
    assert local.list_price >= local.target >= local.floor
    with pytest.raises(InputError, match="list >= target >= floor"):
        local_price_points(100, 120, 90, rate("USD", "USD"))


def test_money_formatting() -> None:
    assert format_money(1830, "EUR", step=10) == "€1,830"
    assert format_money(7520, "AED", step=10) == "AED\u00a07,520"
    assert format_money(12.5, "USD") == "$12.50"


class _Holder:
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                connection, _ = self.sock.accept()
                self.held.append(connection)
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        for connection in self.held:
            connection.close()
        self.sock.close()


@pytest.fixture
def silent_server():
    server = _Holder()
    yield f"http://127.0.0.1:{server.port}/api/"
    server.close()


def _serve(body: bytes):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_live_falls_back_within_the_deadline(silent_server: str) -> None:
    started = time.monotonic()
    result = fetch_live_rates(deadline_seconds=1.5, source_url=silent_server)
    elapsed = time.monotonic() - started
    assert not result.used_live
    assert "no answer within 1.5 s" in result.reason
    assert elapsed < 3.0  # the deadline plus killing the child, never forever
    book = DEFAULT_BOOK.with_live(result)
    assert book.rate("USD", "EUR").kinds == ("ecb",)


def test_live_rates_are_used_when_they_arrive() -> None:
    server = _serve(json.dumps({"base": "USD", "rates": {"EUR": 0.9, "JPY": 150.0}}).encode())
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/"
        result = fetch_live_rates(deadline_seconds=10, source_url=url)
    finally:
        server.shutdown()
    assert result.used_live, result.reason
    book = DEFAULT_BOOK.with_live(result)
    used = book.rate("USD", "JPY")
    assert used.rate == pytest.approx(150.0)
    assert used.kinds == ("live",) and "live rate via forex-python" in used.source
    assert book.rate("USD", "AED").kinds == ("peg",)  # not in the live table: offline still


def test_live_garbage_falls_back() -> None:
    server = _serve(b"<html>maintenance</html>")
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/"
        result = fetch_live_rates(deadline_seconds=10, source_url=url)
    finally:
        server.shutdown()
    assert not result.used_live
    assert "offline rates kept" in result.reason


def test_cli_live_answers_within_the_deadline(silent_server: str) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pricing", "fx", "250", "USD", "EUR", "--live", "--deadline", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PRICING_FX_URL": silent_server},
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert {"amount", "converted", "rate", "as_of", "source"} <= set(payload)
    assert payload["live"]["used"] is False and "no answer within 1 s" in payload["live"]["reason"]
    assert payload["converted"] == pytest.approx(250 * rate("USD", "EUR").rate)
    assert elapsed < 10


def test_cli_fx_offline_and_unknown_currency() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pricing", "fx", "100", "USD", "SAR"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    payload = json.loads(done.stdout)
    assert payload["converted"] == pytest.approx(375.0) and payload["as_of"] == "1986-06-01"
    bad = subprocess.run(
        [sys.executable, "-m", "pricing", "fx", "100", "USD", "QQQ"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "unknown currency 'QQQ'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_rate_book_files_are_validated(tmp_path: Path) -> None:
    table = tmp_path / "rates.csv"
    table.write_text("currency,per_usd,as_of,kind,source\nAED,-1,2020-01-01,peg,x\n")
    with pytest.raises(InputError, match="must be > 0"):
        RateBook(table=str(table)).rate("USD", "AED")
