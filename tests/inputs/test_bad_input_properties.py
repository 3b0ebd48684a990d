"""Whatever arrives, the readers answer with a valid result or a clean refusal: a PricingError
of one line with no folder in it. Arbitrary bytes and arbitrary cell values go to the market
reader (CSV and XLSX), arbitrary JSON to the scenario and tier-problem readers."""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pricing.errors import PricingError
from pricing.inputs.catalog import load_markets
from pricing.inputs.schemas import load_json, parse_scenario, parse_tier_problem
from pricing.models import Market
from tests.cli_helpers import EXAMPLE, ROOT

SHIPPED = (ROOT / "data" / "markets.csv").read_text()
HEADER, *ROWS = list(csv.reader(io.StringIO(SHIPPED)))
FOLDER = Path(tempfile.gettempdir())
CHECKS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _clean(refusal: PricingError) -> None:
    message = str(refusal)
    assert message and "\n" not in message, message
    assert str(FOLDER) not in message and str(ROOT) not in message, message
    for junk in ("ArgsKwargs", "Traceback", "'(row)'"):
        assert junk not in message, message


def _read(content: bytes, name: str) -> None:
    try:
        markets = load_markets(content, name=name)
    except PricingError as refusal:
        _clean(refusal)
    else:
        assert markets and all(isinstance(m, Market) for m in markets)
        for market in markets:  # what passes is within the bounds
            assert math.isfinite(market.agent_cost_usd) and 0 < market.agent_cost_usd <= 1e7
            assert 0 <= market.accounts <= 10_000_000  # a market not yet entered has none


@CHECKS
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_as_a_market_file(content: bytes) -> None:
    _read(content, "upload.csv")


CELLS = st.one_of(
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["", " ", "nan", "-inf", "1e308", "=cmd|' /C calc'!A0", "0x10", "1_000"]),
)


@CHECKS
@given(row=st.integers(0, len(ROWS) - 1), column=st.integers(0, len(HEADER) - 1), cell=CELLS)
def test_one_arbitrary_cell_in_a_csv(row: int, column: int, cell: str) -> None:
    rows = [list(r) for r in ROWS]
    rows[row][column] = cell
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, *rows])
    _read(out.getvalue().encode(), "markets.csv")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    row=st.integers(0, len(ROWS) - 1),
    column=st.integers(0, len(HEADER) - 1),
    cell=st.one_of(
        CELLS.filter(lambda text: not ILLEGAL_CHARACTERS_RE.search(text)),  # no sheet holds them
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
    ),
)
def test_one_arbitrary_cell_in_a_workbook(row: int, column: int, cell: object) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for number, values in enumerate(ROWS):
        values = list(values)
        if number == row:
            values[column] = cell
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    _read(buffer.getvalue(), "markets.xlsx")


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)
FIELDS = st.sampled_from(
    ["tiers", "segments", "min_margin", "expected_discount", "max_discount", "price_step",
     "must_offer", "allowed", "required", "solver", "budget_rates", "time_limit_seconds"]
)  # fmt: skip


def _parse(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.json"
        path.write_text(text)
        for parse in (parse_scenario, parse_tier_problem):
            try:
                parse(load_json(path))
            except PricingError as refusal:
                _clean(refusal)
                assert folder not in str(refusal)


@CHECKS
@given(st.one_of(JSON.map(json.dumps), st.text(max_size=200)))
def test_arbitrary_json_or_text_to_the_json_readers(text: str) -> None:
    _parse(text)


@CHECKS
@given(field=FIELDS, value=JSON)
def test_a_valid_problem_with_one_field_replaced(field: str, value: object) -> None:
    _parse(json.dumps({**EXAMPLE, field: value}))
