"""Scenarios side by side: one row per market and scenario, profits and differences that add
up, and money in the currency asked for."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from pricing.scenarios.scenario import comparison, comparison_totals
from pricing.scenarios.store import Scenario


def _scenario(name: str, markets: dict) -> Scenario:
    return Scenario(name, 1, datetime(2026, 12, 1, tzinfo=UTC), {"markets": markets})


def _market(profit: float, tiers: list[tuple[str, float, list[str]]]) -> dict:
    return {
        "profit_usd": profit,
        "revenue_usd": profit + 100.0,
        "cost_usd": 100.0,
        "tiers": [{"name": n, "target_usd": p, "options": o} for n, p, o in tiers],
    }


FIRST = _scenario(
    "FY27",
    {
        "US": _market(1000.0, [("Basic", 1200.0, []), ("Standard", 2400.0, ["priority_response"])]),
        "DE": _market(500.0, [("Basic", 900.0, ["multilingual"])]),
    },
)
SECOND = _scenario(
    "Dearer",
    {
        "US": _market(1300.0, [("Basic", 1500.0, [])]),
        "DE": _market(0.0, []),
        "JP": _market(700.0, [("Basic", 2000.0, ["coverage_24x7", "local_office"])]),
    },
)


def test_one_row_per_market_and_scenario_in_the_order_picked() -> None:
    table = comparison([FIRST, SECOND])
    assert list(zip(table["market"], table["scenario"], strict=True)) == [
        ("DE", "FY27 (v1)"),
        ("DE", "Dearer (v1)"),
        ("JP", "Dearer (v1)"),
        ("US", "FY27 (v1)"),
        ("US", "Dearer (v1)"),
    ]


def test_profit_against_the_first_scenario_for_the_same_market() -> None:
    rows = comparison([FIRST, SECOND]).set_index(["market", "scenario"])
    assert rows.loc[("US", "Dearer (v1)"), "profit_vs_first_usd"] == pytest.approx(300.0)
    assert rows.loc[("DE", "Dearer (v1)"), "profit_vs_first_usd"] == pytest.approx(-500.0)
    assert rows.loc[("US", "FY27 (v1)"), "profit_vs_first_usd"] == 0.0
    # JP was not in the first scenario: no difference is made up for it.
    assert pd.isna(rows.loc[("JP", "Dearer (v1)"), "profit_vs_first_usd"])


def test_tiers_read_as_prices_and_short_option_names() -> None:
    rows = comparison([FIRST, SECOND]).set_index(["market", "scenario"])["tiers"]
    assert rows[("US", "FY27 (v1)")] == "Basic 1,200 · Standard 2,400 (Priority)"
    assert rows[("JP", "Dearer (v1)")] == "Basic 2,000 (24/7, Local team)"
    assert rows[("DE", "Dearer (v1)")] == "nothing sold"
    assert not any("_" in text for text in rows)  # no snake_case reaches the reader


def test_tier_prices_follow_the_display_currency() -> None:
    rows = comparison([FIRST], per_usd=3.6725).set_index("market")["tiers"]
    assert rows["US"] == "Basic 4,407 · Standard 8,814 (Priority)"


def test_totals_add_up_per_scenario() -> None:
    totals = comparison_totals([FIRST, SECOND]).set_index("scenario")
    assert totals.loc["Dearer (v1)", "profit_usd"] == pytest.approx(2000.0)
    assert totals.loc["Dearer (v1)", "profit_vs_first_usd"] == pytest.approx(500.0)
    for _, row in totals.iterrows():
        assert row["revenue_usd"] - row["cost_usd"] == pytest.approx(row["profit_usd"])
