"""The bounds every input is held to where it enters: one table, which data/README.md shows.

A number outside these ranges is not a business this studio can price: no support agent costs
more than 10 million USD a year, no market has more than 10 million accounts, no handle time
runs over a working day. Holding every figure to them where it is read (market and segment
files, the JSON files, the command line) keeps ``inf``, ``NaN`` and absurd magnitudes out of the
staffing maths and the solver, which would otherwise answer with overflow or nonsense.

:data:`BOUNDS` maps a field name to its :class:`Bound`; :func:`check` parses and checks one
value, so a file's cell, a JSON value and a command-line argument get the same message.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from numbers import Real

from pydantic import BeforeValidator

# Files: a market or segment file of a few thousand rows is well under a megabyte; an .xlsx
# unpacks to some ten times its size, so a workbook that unpacks to more is refused unread.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 100
MAX_XLSX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_JSON_BYTES = 1024 * 1024
# The deepest valid JSON input is 4 levels (segments[i].reservation_prices); 20 leaves room.
MAX_JSON_DEPTH = 20
MAX_NAME_CHARS = 100
# A value quoted back in a message is cut to this many characters, so a line stays readable.
MAX_SHOWN_CHARS = 40

# The work of costing a market grows with its peak load: the agents busy at once in its busiest
# quarter hour. Erlang C tables and the tier model hold one row and one whole-agent variable per
# agent, so a market file may hold markets up to MAX_PEAK_ERLANGS (the shipped US, 420
# accounts, peaks near 1.3; at 300 the slowest shipped market shapes plan in about a second, at
# 500 in five, at 2,000 past the solver's time limit); the analyses that scale a market up
# (delivery curves, break-even) stop at MAX_TABLE_ERLANGS (a capacity table in about a second).
MAX_PEAK_ERLANGS = 300.0
MAX_TABLE_ERLANGS = 20_000.0

MAX_USD = 10_000_000.0
MAX_ACCOUNTS = 10_000_000


@dataclass(frozen=True)
class Bound:
    """An allowed range, its unit and why it is what it is."""

    low: float
    high: float
    unit: str
    why: str
    low_open: bool = False  # True: the value must be above ``low``, not equal to it
    high_open: bool = False
    whole: bool = False

    @property
    def range_text(self) -> str:
        """The range as data/README.md writes it, e.g. ``0 < x <= 10,000,000``."""
        low = f"{number_text(self.low)} {'<' if self.low_open else '<='} "
        high = f" {'<' if self.high_open else '<='} {number_text(self.high)}"
        return f"{low}x{high}" + (", whole" if self.whole else "")

    def check(self, value: object) -> float | int:
        """The value as a finite number within the range, or ValueError saying why not."""
        number = as_number(value)
        shown = shown_value(value)
        unit = f" {self.unit}" if self.unit else ""
        if self.whole and number != math.floor(number):
            raise ValueError(f"{shown} is not a whole number")
        if number < self.low or (self.low_open and number == self.low):
            relation = "must be above" if self.low_open else "is below the minimum of"
            raise ValueError(f"{shown} {relation} {number_text(self.low)}{unit}")
        if number > self.high or (self.high_open and number == self.high):
            relation = "must be below" if self.high_open else "is above the limit of"
            raise ValueError(f"{shown} {relation} {number_text(self.high)}{unit}")
        return int(number) if self.whole else number


def as_number(value: object) -> float:
    """A finite float from a number or a cell's text; ValueError naming the value otherwise."""
    if isinstance(value, bool):  # True is an int to Python, not a figure to a business
        raise ValueError(f"{shown_value(value)} is not a number")
    if isinstance(value, Real):
        try:
            number = float(value)
        except OverflowError:  # an integer of hundreds of digits: no float holds it
            raise ValueError(f"{shown_value(value)} is too large") from None
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError(f"{shown_value(value)} is not a number") from None
    else:
        raise ValueError(f"{shown_value(value)} is not a number")
    if not math.isfinite(number):
        raise ValueError(f"{shown_value(value)} is not a finite number")
    return number


def number_text(value: float) -> str:
    """1e+308, 10,000,000, 0.15: whole numbers with thousands separators, others short."""
    if value == math.floor(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:g}"


def shown_value(value: object) -> str:
    """A value as a message quotes it: the cell's text in quotes, a number as a number, cut to
    :data:`MAX_SHOWN_CHARS` characters and always on one line."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        # str() of an integer past 4,300 digits raises: its size is told from its bits instead.
        text = f"an integer of about {int(abs(value).bit_length() * math.log10(2)) + 1:,} digits"
    elif isinstance(value, Real) and not isinstance(value, bool):
        number = float(value)
        text = number_text(number) if math.isfinite(number) else str(number)
    else:
        text = repr(value)  # repr escapes newlines and control characters
    if len(text) > MAX_SHOWN_CHARS:
        text = text[: MAX_SHOWN_CHARS - 1] + "…"
    return text


# Marks a keyboard types inside right-to-left or joined scripts (LRM, RLM, ALM, ZWNJ, ZWJ): they
# shape text, they do not hide it. Every other format or control character is refused in a name:
# a terminal would run ESC and BEL, a database refuses NUL, and a bidi override (U+202E) makes a
# name read backwards on screen and in the documents.
_TYPED_MARKS = frozenset("\u200e\u200f\u061c\u200c\u200d")


def _hidden(char: str) -> bool:
    return unicodedata.category(char)[0] in "CZ" and char != " " and char not in _TYPED_MARKS


def check_text(value: object, what: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """A name as typed, runs of whitespace made one space, or ValueError saying what is wrong:
    empty, longer than ``max_chars``, or holding a control, format or separator character."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, got {shown_value(value)}")
    text = " ".join(value.split())
    if not text:
        raise ValueError(f"{what} is empty")
    if len(text) > max_chars:
        raise ValueError(f"{what} {shown_value(text)} is over {max_chars:,} characters")
    hidden = next(
        (
            c
            for c in text
            if unicodedata.category(c)[0] in "CZ" and c != " " and c not in _TYPED_MARKS
        ),
        None,
    )
    if hidden is not None:
        raise ValueError(
            f"{what} {shown_value(text)} holds the invisible character U+{ord(hidden):04X} "
            f"({unicodedata.name(hidden, 'control').lower()})"
        )
    return text


_USD_YEAR = "USD a year"
_PER_ACCOUNT = "USD per account a year"
_SHARE = "(a fraction: 0.15 is 15 %)"

BOUNDS: dict[str, Bound] = {
    # The market file (pricing.models.Market).
    "price_level": Bound(
        0, 10, "x the US level", "the dearest economies stand near 1.5", low_open=True
    ),
    "agent_cost_usd": Bound(
        0, MAX_USD, _USD_YEAR, "no support agent costs more; 0 would make staff free", low_open=True
    ),
    "office_fixed_usd": Bound(0, MAX_USD, _USD_YEAR, "a big support office runs on millions"),
    "seat_cost_usd": Bound(0, MAX_USD, _USD_YEAR, "licences and desk space cost thousands"),
    "office_setup_usd": Bound(0, MAX_USD, "USD", "opening one support office"),
    "setup_amortisation_years": Bound(
        0, 30, "years", "no office lease runs longer; 0 would divide by zero", low_open=True
    ),
    "distributor_fee_per_account_usd": Bound(
        0, MAX_USD, _PER_ACCOUNT, "no support contract pays a partner more"
    ),
    "distributor_fixed_usd": Bound(0, MAX_USD, _USD_YEAR, "managing one partner"),
    "distributor_revenue_share": Bound(
        0, 1, _SHARE, "a partner keeps part of the revenue, never all", high_open=True
    ),
    "expected_discount": Bound(0, 0.9, _SHARE, "beyond 90 % off a quote is no longer a price"),
    "max_discount": Bound(0, 0.9, _SHARE, "at 90 % off the floor is a tenth of list"),
    "answer_target_seconds": Bound(
        0, 3_600, "seconds", "callers and chatters wait minutes, not hours"
    ),
    "share_expecting_24x7": Bound(0, 1, _SHARE, "a share of the customers"),
    "off_hours_contact_share": Bound(
        0, 1, _SHARE, "a business-hours desk must get some contacts", high_open=True
    ),
    "accounts": Bound(
        0, MAX_ACCOUNTS, "accounts", "more than any B2B vendor has in a market", whole=True
    ),
    "contacts_per_account_month": Bound(0, 1_000, "contacts", "about 50 every working day"),
    "aht_seconds": Bound(
        0, 28_800, "seconds", "a contact is handled within a working day", low_open=True
    ),
    # The segment file (pricing.inputs.segments.SegmentRow).
    "share": Bound(0, 1, _SHARE, "a segment's share of a market's accounts", low_open=True),
    "segment_value_usd": Bound(0, MAX_USD, _PER_ACCOUNT, "what support is worth to one account"),
    "contract_value_usd": Bound(
        0, MAX_USD, _PER_ACCOUNT, "what one account pays for the product", low_open=True
    ),
    # The tier problem file (python -m pricing tiers).
    "unit_cost": Bound(0, MAX_USD, _PER_ACCOUNT, "a negative cost would be counted as profit"),
    "fixed_cost": Bound(0, MAX_USD, _USD_YEAR, "a tier's own fixed cost"),
    "size": Bound(0, MAX_ACCOUNTS, "accounts", "as a market's accounts"),
    "reservation_price": Bound(0, MAX_USD, _PER_ACCOUNT, "what one account would pay"),
    # Plan rules (scenario file and command line).
    "tiers": Bound(1, 5, "tiers", "the plan names up to five tiers", whole=True),
    "min_margin": Bound(0, 10, _SHARE, "cost plus 0 to 1,000 % at the floor"),
    "price_step": Bound(0, 5, _SHARE, "each tier at most 500 % above the one below"),
    "max_price_step": Bound(0, 20, _SHARE, "a tier up to 21 times the one below; 0: no bound"),
    "contract_share": Bound(0, 5, _SHARE, "support at up to five times the product's own price"),
    "time_limit_seconds": Bound(
        1, 3_600, "seconds", "the solver needs about a second to start; an hour is plenty"
    ),
    "budget_rate": Bound(
        0, 10_000_000, "units per USD", "the weakest currencies trade near a million", low_open=True
    ),
    # A conversion (python -m pricing fx).
    "amount": Bound(
        -1e12, 1e12, "units of the currency", "a trillion is beyond any support budget"
    ),
    "deadline_seconds": Bound(
        0, 60, "seconds", "live rates answer in a second or give up", low_open=True
    ),
    # One queue (python -m pricing staffing).
    "contacts_per_hour": Bound(0, 100_000, "contacts an hour", "the largest contact centres"),
    "answer_within_seconds": Bound(0, 86_400, "seconds", "a day is the slowest answer target"),
    "service_level": Bound(
        0,
        1,
        _SHARE,
        "a share answered in time; 1 needs infinite agents",
        low_open=True,
        high_open=True,
    ),
    "max_occupancy": Bound(0.1, 1, _SHARE, "a desk busy under 10 % of the time is not staffed"),
    "shrinkage": Bound(0, 0.9, _SHARE, "at 90 % ten agents are rostered for each one on duty"),
}


def check(field: str, value: object) -> float | int:
    """``value`` checked against the bound of ``field`` (ValueError naming value and limit)."""
    return BOUNDS[field].check(value)


def bounded(field: str) -> BeforeValidator:
    """A pydantic validator holding a field to its bound (for ``Annotated[float, ...]``)."""
    return BeforeValidator(BOUNDS[field].check)
