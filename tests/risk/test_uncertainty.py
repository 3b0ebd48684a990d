"""The uncertainty table: the shipped one draws for every shipped market, each range with a
source; a bad row is refused naming its row, column and value; the ECB widths are the
currency's measured moves."""

from __future__ import annotations

import itertools
import math
import statistics

import pytest

from pricing.errors import DataFileError
from pricing.request import PlanRequest
from pricing.risk.draws import countries, draw
from pricing.risk.uncertainty import (
    ECB_YEARS,
    Z90,
    ecb_width,
    shipped_uncertainty,
    uncertainty_from_records,
)


def test_the_shipped_table_draws_for_every_shipped_market_and_says_where_each_range_is_from():
    table = shipped_uncertainty()
    assert all(row.source for row in table.rows)
    drawn = draw(table, countries(PlanRequest()), 1, 0)
    assert len(drawn) == 34 and all(f.fx > 0 and f.wages > 0 for f in drawn.values())
    assert drawn["US"].fx == 1.0  # the dollar never moves against itself
    pegged = table.spread("fx", "SA", "SAR")
    assert pegged.at(-Z90) == pytest.approx(0.995) and pegged.at(Z90) == pytest.approx(1.005)


def test_a_range_is_read_as_its_p10_and_p90() -> None:
    table = uncertainty_from_records(
        [{"driver": "accounts", "market": "*", "distribution": "lognormal", "p10": "0.5",
          "p90": "1.2", "correlation_with_fx": "", "source": "assumption"}],
        "u.csv",
    )  # fmt: skip
    spread = table.spread("accounts", "DE", "EUR")
    assert spread.at(-Z90) == pytest.approx(0.5) and spread.at(Z90) == pytest.approx(1.2)
    assert spread.at(0.0) == pytest.approx(math.sqrt(0.5 * 1.2))  # the median
    assert table.spread("wages", "DE", "EUR").fixed  # no row: it does not move


def test_the_ecb_width_is_the_spread_of_year_on_year_moves() -> None:
    from currency_converter import CurrencyConverter

    converter = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)
    last = min(converter.bounds["USD"].last_date, converter.bounds["TRY"].last_date)
    ends = [last.replace(day=1, year=last.year - ECB_YEARS + k) for k in range(ECB_YEARS + 1)]
    values = [converter.convert(1.0, "TRY", "USD", when) for when in ends]
    yearly = [math.log(b / a) for a, b in itertools.pairwise(values)]
    # Measured on every month's 12-month change, against one a year here: close, not equal.
    assert ecb_width("TRY") == pytest.approx(statistics.stdev(yearly), rel=0.35)
    assert ecb_width("TRY") > 2 * ecb_width("EUR") > 0


@pytest.mark.parametrize(
    ("cells", "says"),
    [
        ({"distribution": "normal"}, "row 3: wages is drawn from a lognormal distribution"),
        ({"p10": "1.3"}, "p10 (1.3) is above p90 (1.1)"),
        ({"market": "Germany"}, "market must be '*' or a country code"),
        ({"source": ""}, "say where the range comes from"),
        ({"correlation_with_fx": "2"}, "correlation_with_fx must lie in [-1, 1]"),
        ({"driver": "weather"}, "column 'driver'"),
    ],
)
def test_a_bad_row_is_refused_naming_row_column_and_value(cells: dict, says: str) -> None:
    good = {"driver": "wages", "market": "*", "distribution": "lognormal", "p10": "0.9",
            "p90": "1.1", "correlation_with_fx": "", "source": "assumption"}  # fmt: skip
    with pytest.raises(DataFileError) as raised:
        uncertainty_from_records([good, {**good, "market": "DE", **cells}], "u.csv")
    assert str(raised.value).startswith("u.csv row 3") and says in str(raised.value)
