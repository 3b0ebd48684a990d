"""Live exchange rates: fetched under a hard deadline, checked against the offline rates, used
currency by currency.

forex-python sets no timeout and can wait forever on a server that accepts a connection and
never answers. The fetch therefore runs in a child process that is killed at a hard deadline
(5 s by default); on any failure the offline rates stay in use and the caller is told why.

A live source can also answer nonsense (EUR = 1000 per USD, a riyal off its peg, NaN, 0). Each
live rate per US dollar is therefore checked against the offline rate of the same currency
(``pricing.money.fx``: ECB reference rates, pegs, the dated table) before it is used:

- a **pegged** currency (``kind`` ``peg`` in ``data/fx_rates.csv``) must lie within
  ``PEG_BAND`` (2 %) of its parity: a peg that moves further has broken, and a quote should not
  follow an unconfirmed break;
- any other currency must lie within a factor ``FLOATING_BAND`` (3) of its offline rate either
  way: wider than a year's move of the shipped currencies short of a crisis devaluation, narrow
  enough to catch a wrong base or a misplaced decimal point (data/README.md gives the figures);
  after a real move beyond it, finance sets a budget rate;
- a rate that is not a finite positive number, or has no offline rate to compare with, is
  refused outright.

A refused currency keeps its offline rate; the currencies that pass still use their live rate,
and the result lists every refusal so the user sees which currency, which live value and which
offline reference.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from pricing.errors import InputError, LiveSourceError
from pricing.money.fx import DEFAULT_BOOK, RateBook, UsdRate, currency_code

LIVE_DEADLINE_SECONDS = 5.0
PEG_BAND = 0.02  # a live rate within 2 % of a US-dollar peg's parity
FLOATING_BAND = 3.0  # a live rate within 3x of the offline rate, either way

_CODE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class RefusedRate:
    """A live rate per US dollar that was not used, and the offline rate used instead."""

    currency: str
    live_per_usd: float
    offline: UsdRate | None
    why: str

    @property
    def notice(self) -> str:
        """One line naming the currency, the live value and the offline reference."""
        if self.offline is None:
            instead = f"there is no offline rate for {self.currency} either"
        elif self.offline.kind == "peg":
            instead = f"the peg of {self.offline.per_usd:,.6g} per USD is used"
        else:
            instead = (
                f"the offline rate of {self.offline.per_usd:,.6g} per USD "
                f"(as of {self.offline.as_of.isoformat()}) is used"
            )
        return (
            f"{self.currency}: live rate {self.live_per_usd:,.6g} per USD refused "
            f"({self.why}); {instead}"
        )

    def as_json(self) -> dict[str, object]:
        """JSON has no NaN or infinity: such a live value is given as null."""
        return {
            "currency": self.currency,
            "live_per_usd": self.live_per_usd if math.isfinite(self.live_per_usd) else None,
            "offline_per_usd": self.offline.per_usd if self.offline else None,
            "notice": self.notice,
        }


@dataclass(frozen=True)
class LiveResult:
    """What a live refresh did: whether live rates are in use and, if not, why not.

    ``rates`` holds only the live rates that passed their check (units per USD); ``refused``
    the others, each with the offline rate used instead.
    """

    used_live: bool
    reason: str
    rates: Mapping[str, float] = field(default_factory=dict)
    as_of: date = field(default_factory=date.today)
    fetched_at: str = ""
    seconds: float = 0.0
    refused: tuple[RefusedRate, ...] = ()


def refusal(per_usd: float, offline: UsdRate | None) -> str | None:
    """Why a live rate of ``per_usd`` units per US dollar must not be used, or None."""
    if not (math.isfinite(per_usd) and per_usd > 0):
        return "not a positive finite number"
    if offline is None:
        return "no offline rate to check it against"
    ratio = per_usd / offline.per_usd
    if offline.kind == "peg":
        if abs(ratio - 1) > PEG_BAND:
            return f"{abs(ratio - 1):.2%} off its peg; at most {PEG_BAND:.0%} is accepted"
    elif not 1 / FLOATING_BAND <= ratio <= FLOATING_BAND:
        far = max(ratio, 1 / ratio)
        return f"{far:,.2f}x the offline rate; at most {FLOATING_BAND:g}x is accepted"
    return None


def _offline_rate(book: RateBook, code: str) -> UsdRate | None:
    try:
        return book.usd_rate(code)
    except InputError:
        return None


def check_live_rates(
    per_usd: Mapping[str, float], offline: RateBook = DEFAULT_BOOK
) -> tuple[dict[str, float], tuple[RefusedRate, ...]]:
    """The live rates that pass their check, and the refused ones with their offline rates.

    ``offline`` should hold no overrides or live rates: the reference is the shipped data.
    """
    accepted: dict[str, float] = {}
    refused: list[RefusedRate] = []
    for code, value in sorted(per_usd.items()):
        reference = _offline_rate(offline, code)
        why = refusal(value, reference)
        if why is None:
            accepted[code] = value
        else:
            refused.append(RefusedRate(code, value, reference, why))
    return accepted, tuple(refused)


# The child process: forex-python only, pointed at a configurable address, answers JSON.
_FETCH = """
import json, sys
from forex_python.converter import CurrencyRates

class Rates(CurrencyRates):
    def _source_url(self):
        return sys.argv[2] or super()._source_url()

print(json.dumps(Rates().get_rates(sys.argv[1])))
"""


def ask_live_source(base: str, deadline_seconds: float, source_url: str) -> dict[str, float]:
    """The live source's raw answer: units of each currency per one ``base``, unchecked.

    Raises LiveSourceError, saying why, when there is no usable answer by the deadline.
    """
    try:
        done = subprocess.run(
            [sys.executable, "-c", _FETCH, base, source_url],
            capture_output=True,
            text=True,
            timeout=deadline_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LiveSourceError(f"no answer within {deadline_seconds:g} s") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise LiveSourceError(f"live source failed ({last[:200]})")
    try:
        raw = json.loads(done.stdout)
        rates = {str(k).strip().upper(): float(v) for k, v in raw.items()}
    except (ValueError, AttributeError, TypeError) as exc:
        raise LiveSourceError("live source answered something that is not a rate table") from exc
    if not all(_CODE.fullmatch(code) for code in rates):
        raise LiveSourceError("live source answered something that is not a rate table")
    return rates


def fetch_live_rates(
    base: str = "USD",
    *,
    deadline_seconds: float = LIVE_DEADLINE_SECONDS,
    source_url: str | None = None,
    offline: RateBook = DEFAULT_BOOK,
) -> LiveResult:
    """Fetch live rates per ``base`` with forex-python, giving up at ``deadline_seconds``, and
    keep those that pass their check against ``offline`` (see the module's docstring).

    ``source_url`` (or the environment variable ``PRICING_FX_URL``) replaces forex-python's
    server, e.g. for a test server. Never raises for network trouble or a bad answer: the
    result says what happened and the offline rates stay in use where live ones are not.
    """
    if not 0 < deadline_seconds <= 60:
        raise InputError(
            f"deadline_seconds must be in (0, 60], got {deadline_seconds!r}",
            field="deadline_seconds",
            value=deadline_seconds,
        )
    code = currency_code(base)
    url = source_url or os.environ.get("PRICING_FX_URL", "")
    started, clock = datetime.now(), time.monotonic()
    try:
        per_base = ask_live_source(code, deadline_seconds, url)
        per_usd = _per_usd(per_base, code)
    except LiveSourceError as error:
        return LiveResult(False, f"{error}: offline rates kept", seconds=time.monotonic() - clock)
    accepted, refused = check_live_rates(per_usd, offline)
    seconds = time.monotonic() - clock
    if not accepted:
        return LiveResult(
            False,
            f"all {len(refused)} live rates refused: offline rates kept",
            seconds=seconds,
            refused=refused,
        )
    reason = f"live rates for {len(accepted)} {'currency' if len(accepted) == 1 else 'currencies'}"
    if refused:
        reason += f", {len(refused)} refused (offline rates used for those)"
    return LiveResult(
        True,
        reason,
        accepted,
        fetched_at=started.isoformat(timespec="seconds"),
        seconds=seconds,
        refused=refused,
    )


def _per_usd(per_base: Mapping[str, float], base: str) -> dict[str, float]:
    """Rates per ``base`` restated per US dollar, like every other source."""
    if not per_base:
        raise LiveSourceError("live source returned no rates")
    usd_per_base = 1.0 if base == "USD" else per_base.get("USD", math.nan)
    if not (math.isfinite(usd_per_base) and usd_per_base > 0):
        raise LiveSourceError("live source has no usable US-dollar rate")
    # The dollar itself is no live rate: it is 1 per USD by definition.
    per_usd = {k: v / usd_per_base for k, v in per_base.items() if k != "USD"}
    if base != "USD":
        per_usd[base] = 1.0 / usd_per_base
    return per_usd
