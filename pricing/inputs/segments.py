"""Customer segments and what each support option is worth to them, market by market.

``data/segments.csv`` gives, per segment, its share of a market's accounts, the yearly value
(USD, at US price level) of basic support and of each tier option, and what one of its accounts
pays a year for the product itself (its contract value), which a tier's price is also shown as a
share of. Contract values scale with the market's price level as the values do. A row with code
``*`` applies to every market; rows for a market code replace the defaults for that market
entirely.

A segment's value of an option in a market is the default scaled by the market's price level and
by what the market data say about how much that option matters there:

* ``coverage_24x7``: x share_expecting_24x7 / 0.35 (0.35 is the median market);
* ``priority_response``: x sqrt(60 / answer_target_seconds), kept within [0.7, 1.5]: markets that
  expect an answer in 20 s value a faster promise more than markets content with two minutes;
* ``multilingual``: x (share of contacts not in the first language) / 0.25, at most 2, and zero in
  a market with one support language;
* ``local_office``: x 1.5 where buyers prefer meeting in person.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

import pandas as pd
from pydantic import BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.dataclasses import dataclass as validated_dataclass

from pricing.costing.service import TIER_OPTIONS
from pricing.errors import DataFileError, InputError, validation_problem
from pricing.inputs.catalog import DATA_DIR, Source, read_table
from pricing.inputs.limits import bounded, check_text, shown_value
from pricing.models import Market

DEFAULT_SEGMENTS = DATA_DIR / "segments.csv"

REFERENCE_24X7_SHARE = 0.35
REFERENCE_OTHER_LANGUAGE_SHARE = 0.25
IN_PERSON_FACTOR = 1.5

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)
Value = Annotated[float, bounded("segment_value_usd")]


@validated_dataclass(frozen=True, config=_STRICT)
class SegmentRow:
    """One row of the segment file (values at US price level, USD per account per year)."""

    code: Annotated[str, Field(pattern=r"^(\*|[A-Z]{2})$")]
    segment: Annotated[str, BeforeValidator(lambda text: check_text(text, "segment", 40))]
    share: Annotated[float, bounded("share")]
    base_value_usd: Value
    priority_response_usd: Value
    coverage_24x7_usd: Value
    multilingual_usd: Value
    local_office_usd: Value
    # What one account pays a year for the product the support is for (its licence or
    # subscription, at US price level); blank when unknown.
    contract_value_usd: Annotated[float | None, bounded("contract_value_usd")] = None
    source: str = ""


@dataclass(frozen=True)
class Segment:
    """A segment of one market: its accounts and its values in that market (USD/account/yr)."""

    name: str
    accounts: float
    base_value_usd: float
    option_values_usd: dict[str, float]
    contract_value_usd: float = 0.0  # 0 when the segment file gives none

    def value_of(self, options: tuple[str, ...] | frozenset[str]) -> float:
        """Reservation price for a tier holding ``options``."""
        return self.base_value_usd + sum(self.option_values_usd[o] for o in options)


def load_segments(source: Source = DEFAULT_SEGMENTS) -> tuple[SegmentRow, ...]:
    """Read and validate the segment file; problems name row, column and value."""
    frame, label = read_table(source)
    return segment_rows_from_frame(frame, label)


def segment_rows_from_frame(frame: pd.DataFrame, label: str = "segments") -> tuple[SegmentRow, ...]:
    """Validate a table of segment rows (a file or an edited table)."""
    rows: list[SegmentRow] = []
    problems: list[str] = []
    for position, record in enumerate(frame.to_dict(orient="records")):
        row = position + 2
        cells = {k: v for k, v in record.items() if not _blank(v)}
        if not cells:
            continue  # a blank row
        try:
            rows.append(SegmentRow(**cells))
        except ValidationError as exc:
            for err in exc.errors():
                location, message, quoted = validation_problem(err)
                column = str(location[0]) if location else "segment"
                shown = "" if quoted else f" (value: {shown_value(cells.get(column))})"
                problems.append(f"row {row}, column '{column}': {message}{shown}")
    by_code: dict[str, list[SegmentRow]] = {}
    for item in rows:
        by_code.setdefault(item.code, []).append(item)
    for code, items in by_code.items():
        names = [item.segment for item in items]
        if len(set(names)) != len(names):
            problems.append(f"market {code!r}: segment names repeat ({', '.join(names)})")
        total = sum(item.share for item in items)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            problems.append(f"market {code!r}: segment shares add up to {total:g}, not 1")
    if "*" not in by_code:
        problems.append("no default rows (code '*'): every market needs segments")
    if problems:
        raise DataFileError(f"{label}: {'; '.join(problems[:20])}", problems=tuple(problems))
    return tuple(rows)


def _blank(cell: object) -> bool:
    """An empty cell: nothing, white space, or the NaN a table editor leaves in a cleared
    number cell."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return True
    return str(cell).strip() == ""


def _factor(market: Market, option: str) -> float:
    if option == "coverage_24x7":
        return market.share_expecting_24x7 / REFERENCE_24X7_SHARE
    if option == "priority_response":
        target = max(market.answer_target_seconds, 1.0)
        return min(max(math.sqrt(60.0 / target), 0.7), 1.5)
    if option == "multilingual":
        if len(market.support_languages) < 2:
            return 0.0
        other = 1.0 - market.language_shares[0]
        return min(other / REFERENCE_OTHER_LANGUAGE_SHARE, 2.0)
    if option == "local_office":
        return IN_PERSON_FACTOR if "in_person" in market.preferred_channels else 1.0
    raise InputError(f"unknown tier option {option!r}", field="option", value=option)


def value_factors(market: Market) -> dict[str, float]:
    """How much more (or less) each option is worth in this market than at the reference."""
    return {option: _factor(market, option) for option in TIER_OPTIONS}


def whole_accounts(total: int, shares: list[float]) -> list[int]:
    """``total`` accounts split by ``shares`` in whole accounts that add up to ``total``: each
    share's whole part, then one more to the largest remainders (the first on a tie); the
    largest-remainder rule, so no segment is ever a fraction of a customer."""
    exact = [total * share for share in shares]
    whole = [math.floor(x + 1e-9) for x in exact]  # 1e-9: 0.6 x 35 is 20.999999999999996
    left = max(0, min(len(shares), total - sum(whole)))
    for index in sorted(range(len(shares)), key=lambda i: (whole[i] - exact[i], i))[:left]:
        whole[index] += 1
    return whole


def market_segments(market: Market, rows: tuple[SegmentRow, ...]) -> tuple[Segment, ...]:
    """The segments of one market with their sizes (whole accounts) and values scaled to that
    market."""
    own = [row for row in rows if row.code == market.code]
    chosen = own or [row for row in rows if row.code == "*"]
    factors = value_factors(market)
    sizes = whole_accounts(int(market.accounts), [row.share for row in chosen])
    return tuple(
        Segment(
            name=row.segment,
            accounts=float(size),
            base_value_usd=row.base_value_usd * market.price_level,
            option_values_usd={
                option: getattr(row, f"{option}_usd") * market.price_level * factors[option]
                for option in TIER_OPTIONS
            },
            contract_value_usd=(row.contract_value_usd or 0.0) * market.price_level,
        )
        for row, size in zip(chosen, sizes, strict=True)
    )


def segments_frame(rows: tuple[SegmentRow, ...]) -> pd.DataFrame:
    """Segment rows as the file's table (for editing and export)."""
    return pd.DataFrame([row.__dict__ for row in rows])
