"""Exchange rates, all offline: shipped ECB data, pegs, staleness, overrides, price points, and
the live path against local servers on 127.0.0.1 (one that answers, one that never does)."""

from __future__ import annotations

import csv
import json
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.errors import InputError
from pricing.money.fx import DEFAULT_BOOK, ECB_LATEST, RateBook, rate
from pricing.money.live_rates import fetch_live_rates
from pricing.money.pricepoints import format_money, local_price_points, price_step
from tests.cli_helpers import run as run_cli
from tests.servers import SilentServer


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
    with pytest.raises(InputError, match="EGP per USD: 0 must be above 0"):
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


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield f"http://127.0.0.1:{server.port}/api/"
    server.close()


@contextmanager
def serving(body: bytes) -> Iterator[str]:
    """A rates server on 127.0.0.1 answering ``body`` to every request; yields its address."""

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
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    finally:
        server.shutdown()


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
    with serving(json.dumps({"base": "USD", "rates": {"EUR": 0.9, "JPY": 150.0}}).encode()) as url:
        result = fetch_live_rates(deadline_seconds=10, source_url=url)
    assert result.used_live, result.reason
    book = DEFAULT_BOOK.with_live(result)
    used = book.rate("USD", "JPY")
    assert used.rate == pytest.approx(150.0)
    assert used.kinds == ("live",) and "live rate via forex-python" in used.source
    assert book.rate("USD", "AED").kinds == ("peg",)  # not in the live table: offline still


def test_live_garbage_falls_back() -> None:
    with serving(b"<html>maintenance</html>") as url:
        result = fetch_live_rates(deadline_seconds=10, source_url=url)
    assert not result.used_live
    assert "offline rates kept" in result.reason


def test_cli_live_answers_within_the_deadline(silent_server: str) -> None:
    started = time.monotonic()
    live = {"PRICING_FX_URL": silent_server}
    done = run_cli("fx", "250", "USD", "EUR", "--live", "--deadline", "1", env=live)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert {"amount", "converted", "rate", "as_of", "source"} <= set(payload)
    assert payload["live"]["used"] is False and "no answer within 1 s" in payload["live"]["reason"]
    assert payload["converted"] == pytest.approx(250 * rate("USD", "EUR").rate)
    assert elapsed < 10


def test_cli_fx_offline_and_unknown_currency() -> None:
    done = run_cli("fx", "100", "USD", "SAR")
    assert done.returncode == 0
    payload = json.loads(done.stdout)
    assert payload["converted"] == pytest.approx(375.0) and payload["as_of"] == "1986-06-01"
    bad = run_cli("fx", "100", "USD", "QQQ")
    assert bad.returncode == 2 and "unknown currency 'QQQ'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_rate_book_files_are_validated(tmp_path: Path) -> None:
    table = tmp_path / "rates.csv"
    table.write_text("currency,per_usd,as_of,kind,source\nAED,-1,2020-01-01,peg,x\n")
    with pytest.raises(InputError, match="must be > 0"):
        RateBook(table=str(table)).rate("USD", "AED")


# --- Live rates checked against the offline ones (no network: the source is replaced) ---

OFFLINE_EUR = rate("USD", "EUR").rate
OFFLINE_INR = rate("USD", "INR").rate
# One live answer per US dollar: two absurd, three not numbers a rate can be, two sane.
ABSURD_LIVE = {
    "EUR": 1000.0,  # per USD: a wrong base or a misplaced decimal point
    "AED": 3.6725 * 1.05,  # a peg off by 5 %
    "JPY": math.nan,
    "GBP": 0.0,
    "CHF": -0.9,
    "SAR": 3.75 * 1.01,  # 1 % off its peg: within the band
    "INR": OFFLINE_INR * 1.2,  # a big but possible move
}


@pytest.fixture
def fake_live(monkeypatch: pytest.MonkeyPatch):
    """Replace the live source with a fixed answer (units per USD)."""

    def use(answer: dict[str, float]) -> None:
        monkeypatch.setattr(
            "pricing.money.live_rates.ask_live_source", lambda base, deadline, url: dict(answer)
        )

    return use


def test_absurd_live_rates_are_refused_and_sane_ones_used(fake_live) -> None:
    fake_live(ABSURD_LIVE)
    result = fetch_live_rates()
    assert result.used_live
    assert {r.currency for r in result.refused} == {"EUR", "AED", "JPY", "GBP", "CHF"}
    assert set(result.rates) == {"SAR", "INR"}
    assert "5 refused" in result.reason
    notices = {r.currency: r.notice for r in result.refused}
    # The CLI prints these as strict JSON: a NaN live value becomes null.
    as_json = json.loads(json.dumps([r.as_json() for r in result.refused], allow_nan=False))
    assert {r["currency"]: r["live_per_usd"] for r in as_json}["JPY"] is None
    assert notices["EUR"].startswith("EUR: live rate 1,000 per USD refused (")
    assert f"the offline rate of {OFFLINE_EUR:,.6g} per USD" in notices["EUR"]
    assert "AED: live rate 3.85613 per USD refused (5.00% off its peg" in notices["AED"]
    assert "the peg of 3.6725 per USD is used" in notices["AED"]
    assert "JPY: live rate nan per USD refused (not a positive finite number)" in notices["JPY"]
    book = DEFAULT_BOOK.with_live(result)
    assert book.rate("USD", "EUR").rate == OFFLINE_EUR
    assert book.rate("USD", "EUR").kinds == ("ecb",)
    assert book.rate("USD", "AED").rate == 3.6725 and book.rate("USD", "AED").kinds == ("peg",)
    for code in ("JPY", "GBP", "CHF"):
        assert book.rate("USD", code).rate == rate("USD", code).rate
    assert book.rate("USD", "SAR").rate == pytest.approx(3.7875)
    assert book.rate("USD", "INR").rate == pytest.approx(OFFLINE_INR * 1.2)
    assert book.rate("USD", "INR").kinds == ("live",)


def test_when_every_live_rate_is_refused_none_is_used(fake_live) -> None:
    fake_live({"EUR": 1000.0, "AED": 0.0})
    result = fetch_live_rates()
    assert not result.used_live
    assert result.reason == "all 2 live rates refused: offline rates kept"
    assert DEFAULT_BOOK.with_live(result).rate("USD", "EUR").kinds == ("ecb",)


@pytest.mark.parametrize(
    ("currency", "live_over_offline", "used"),
    [
        ("SAR", 1.0199, True),  # pegs: 2 % either way
        ("SAR", 0.9799, False),
        ("QAR", 0.9801, True),
        ("QAR", 1.0201, False),
        ("EUR", 2.99, True),  # floating: 3x either way
        ("EUR", 3.01, False),
        ("EUR", 1 / 2.99, True),
        ("EUR", 1 / 3.01, False),
        ("EGP", 2.5, True),  # a dated table rate floats too
    ],
)
def test_bands(fake_live, currency: str, live_over_offline: float, used: bool) -> None:
    offline = rate("USD", currency).rate
    fake_live({currency: offline * live_over_offline})
    result = fetch_live_rates()
    assert (currency in result.rates) is used
    assert (currency in {r.currency for r in result.refused}) is not used


@given(
    factor=st.floats(1e-6, 1e6) | st.sampled_from([math.nan, math.inf, 0.0, -1.0]),
    currency=st.sampled_from(["EUR", "JPY", "AED", "SAR", "EGP", "INR"]),
)
def test_whatever_the_live_source_says_the_rate_used_stays_in_its_band(
    factor: float, currency: str
) -> None:
    from pricing.money.live_rates import FLOATING_BAND, PEG_BAND, check_live_rates

    offline = DEFAULT_BOOK.usd_rate(currency)
    accepted, refused = check_live_rates({currency: offline.per_usd * factor})
    used = accepted.get(currency, offline.per_usd)
    if offline.kind == "peg":
        assert abs(used / offline.per_usd - 1) <= PEG_BAND
    else:
        assert 1 / FLOATING_BAND <= used / offline.per_usd <= FLOATING_BAND
    assert len(accepted) + len(refused) == 1


def test_live_answer_with_a_key_that_is_no_currency_code_is_not_used() -> None:
    with serving(json.dumps({"base": "USD", "rates": {"EUR": 0.9, "<b>X</b>": 1}}).encode()) as url:
        result = fetch_live_rates(deadline_seconds=10, source_url=url)
    assert not result.used_live
    assert "not a rate table" in result.reason


def test_cli_live_refuses_an_absurd_rate_and_converts_at_the_offline_one() -> None:
    """Through the real child process and a local server: EUR = 1000 per USD, JPY 0."""
    body = json.dumps({"base": "USD", "rates": {"EUR": 1000.0, "JPY": 0.0, "GBP": 0.75}})
    with serving(body.encode()) as url:
        done = run_cli("fx", "100", "USD", "EUR", "--live", "--json", env={"PRICING_FX_URL": url})
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["converted"] == pytest.approx(100 * OFFLINE_EUR)
    assert payload["rate"] == pytest.approx(OFFLINE_EUR) and payload["kinds"] == ["ecb"]
    assert payload["live"]["used"] is True  # GBP passed its check
    refused = {r["currency"]: r for r in payload["live"]["refused"]}
    assert set(refused) == {"EUR", "JPY"}
    assert refused["EUR"]["live_per_usd"] == 1000.0
    assert refused["EUR"]["offline_per_usd"] == pytest.approx(OFFLINE_EUR)
    assert refused["JPY"]["live_per_usd"] == 0.0 and "not a positive" in refused["JPY"]["notice"]


def test_a_budget_rate_changes_the_key_of_its_currency_alone() -> None:
    """The app caches each market's plan on its currency's key: a budget rate for the yen
    re-plans Japan and nothing else, and books with the same key quote alike."""
    budget = DEFAULT_BOOK.with_override("JPY", 150.0)
    assert budget.key_for("JPY") != DEFAULT_BOOK.key_for("JPY")
    for currency in ("EUR", "AED", "BRL", "USD"):
        assert budget.key_for(currency) == DEFAULT_BOOK.key_for(currency)
        assert budget.rate("USD", currency) == DEFAULT_BOOK.rate("USD", currency)
        assert budget.buffer(currency) == DEFAULT_BOOK.buffer(currency)
    assert budget.rate("USD", "JPY").rate == 150.0
