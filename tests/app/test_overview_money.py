"""The Overview shows the money once tiers are priced: revenue, profit and margin per market,
unsold markets apart on the map and in the table, and profit in the comparison with a saved
scenario (it compared baseline cost only: "+0 USD/yr" against a scenario whose profit fell)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pricing.inputs.catalog import load_markets
from pricing.inputs.segments import load_segments
from pricing.outputs.charts import alpha3
from pricing.scenarios.store import ScenarioStore
from pricing.settings import PlanSettings
from tests.app_helpers import no_trouble, page, table_with
from tests.helpers import plan_of

# Indonesia and Vietnam held to desks of their own (as Cost to serve can set): not sold.
AT_HUB = PlanSettings(delivery={"ID": "hub", "VN": "hub"})


@pytest.fixture(scope="module")
def plans() -> dict:
    return {p.market.code: p for p in plan_of(load_markets(), AT_HUB, reasons=False).markets}


def test_the_table_shows_what_each_market_earns_and_which_are_not_sold(plans) -> None:
    app = page("overview", {"map_metric": "profit_usd", "plan_rules": (AT_HUB, load_segments())})
    no_trouble(app)
    table = table_with(app, "profit_usd").set_index("name")
    assert {"revenue_usd", "profit_usd", "margin", "tiers_sold"} <= set(table.columns)
    unsold = set()
    for code, plan in plans.items():
        row = table.loc[plan.market.name]
        assert row["profit_usd"] == pytest.approx(plan.profit_usd, abs=0.5), code
        assert row["revenue_usd"] == pytest.approx(plan.solution.revenue, abs=0.5), code
        assert row["tiers_sold"] == len(plan.tiers), code
        if plan.tiers:
            assert row["margin"] == f"{plan.profit_usd / plan.solution.revenue:.0%}".replace(
                "%", " %"
            )
        else:
            assert row["margin"] == "not sold" and row["revenue_usd"] == 0, code
            unsold.add(code)
    assert unsold == {"ID", "VN"}
    metrics = {m.label: m.value for m in app.metric}
    assert float(metrics["Profit (USD m/yr)"]) == pytest.approx(
        table["profit_usd"].sum() / 1e6, abs=0.005
    )
    # Every community of the shipped markets is solved to a proven optimum, and it says so.
    assert any(c.value.startswith("Proven optimal") for c in app.caption)
    # On the map the unsold markets are a trace of their own, "Not sold", not a pale green.
    [chart] = app.get("plotly_chart")
    traces = json.loads(chart.proto.spec)["data"]
    assert traces[1]["name"] == "Not sold"
    assert set(traces[1]["locations"]) == {alpha3(c) for c in unsold}
    assert set(traces[0]["locations"]).isdisjoint(traces[1]["locations"])
    assert len(traces[0]["locations"]) + len(traces[1]["locations"]) == len(plans)


def test_a_cost_view_keeps_its_cost_columns_and_one_map() -> None:
    """A cost map under the default rules needs no plan: the table keeps its cost columns."""
    app = page("overview", {"map_metric": "baseline_per_account_usd"})
    no_trouble(app)
    table = table_with(app, "baseline_annual_usd")
    assert "profit_usd" not in table.columns and "fte" in table.columns
    [chart] = app.get("plotly_chart")
    assert len(json.loads(chart.proto.spec)["data"]) == 1


def test_the_comparison_with_a_saved_scenario_covers_profit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = {p.market.code: p for p in plan_of(load_markets(), reasons=False).markets}
    url = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    monkeypatch.setenv("PRICING_DB_URL", url)
    # Saved when the US earned 37,177 more and Germany the same; Japan was not planned then.
    markets = {
        code: {"profit_usd": plan.profit_usd, "revenue_usd": 0.0, "tiers": []}
        for code, plan in plans.items()
        if code != "JP"
    }
    markets["US"]["profit_usd"] += 37_177
    ScenarioStore(url).save("last quarter", {"settings": {}, "markets": markets})
    app = page("overview", {"map_metric": "profit_usd"})
    app.selectbox(key="overview_against").set_value("last quarter").run()
    no_trouble(app)
    table = table_with(app, "profit_change_usd").set_index("name")
    assert table.loc["United States", "profit_change_usd"] == pytest.approx(-37_177, abs=1)
    assert table.loc["Germany", "profit_change_usd"] == pytest.approx(0, abs=1)
    assert table.loc["Japan", "profit_change_usd"] != table.loc["Japan", "profit_change_usd"]
    assert any("Profit against" in c.value and "-37,177 USD/yr" in c.value for c in app.caption)


@pytest.mark.parametrize(
    ("gap", "said"),
    [
        (0.0, "Proven optimal: no menu and delivery choice earns more"),
        (1e-9, "Proven optimal: no menu and delivery choice earns more"),
        (0.0123, "the profit is proven within 1.23% of the best possible"),
        (None, "before proving any bound: the profit is the best found"),
    ],
)
def test_the_pnl_says_how_close_to_the_best_the_profit_is_proven(gap, said: str) -> None:
    def script() -> None:
        from types import SimpleNamespace

        import streamlit as st

        from ui.delivery import portfolio_pnl

        def plan(revenue: float, profit: float, tiers: tuple) -> SimpleNamespace:
            return SimpleNamespace(
                solution=SimpleNamespace(revenue=revenue), profit_usd=profit, tiers=tiers
            )

        sold, unsold = plan(3_000_000.0, 1_250_000.0, ("Basic",)), plan(0.0, 0.0, ())
        portfolio_pnl([sold, unsold], st.session_state["gap"])

    app = AppTest.from_function(script, default_timeout=60)
    app.session_state["gap"] = gap
    app.run()
    assert not app.exception
    [caption] = [c.value for c in app.caption]
    assert said in caption
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {
        "Revenue (USD m/yr)": "3.00",
        "Cost (USD m/yr)": "1.75",
        "Profit (USD m/yr)": "1.25",
        "Markets sold": "1 of 2",
    }
