"""Every page under Streamlit's AppTest, on the shipped defaults."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pricing.inputs.catalog import load_markets
from pricing.money.fx import rate
from tests.conftest import shown

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def test_overview_renders_without_errors(app: AppTest) -> None:
    assert not app.exception
    assert not app.error
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Markets"] == str(len(load_markets()))
    assert float(metrics["Baseline cost (USD m/yr)"]) > 0
    table = app.dataframe[0].value
    assert len(table) == len(load_markets())
    assert (table["baseline_per_account_usd"] > 0).all()


def _rates_table(app: AppTest):
    """The table of the rates money was converted at, by currency."""
    [table] = [t.value for t in app.dataframe if "currency" in t.value.columns]
    return table.set_index("currency")


def _map_locations(app: AppTest) -> list[list[str]]:
    """The countries each map colours (every choropleth trace of it)."""
    return [
        [
            code
            for trace in json.loads(chart.proto.spec)["data"]
            if trace["type"] == "choropleth"
            for code in trace["locations"]
        ]
        for chart in app.get("plotly_chart")
    ]


def test_overview_map_frame_is_replaced_by_the_costed_map(app: AppTest) -> None:
    # The first view sends an empty frame first; the same place then holds the verdict map,
    # every market on it once.
    assert [len(locations) for locations in _map_locations(app)] == [len(load_markets())]
    assert app.session_state["overview_framed"]
    app.run()
    assert [len(locations) for locations in _map_locations(app)] == [len(load_markets())]


def test_a_page_that_stops_keeps_the_shared_sidebar() -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state["markets_upload"] = ("broken.csv", b"code,name\nXX,Nowhere\n")
    app.run()
    assert not app.exception
    assert any("could not be costed" in e.value and "missing column" in e.value for e in app.error)
    # No empty frame left above the message: no map, headline figures or table.
    assert not app.get("plotly_chart") and not app.metric and not app.dataframe
    # The sidebar is drawn after the page, yet a page that ends early still gets it.
    assert app.sidebar.selectbox(key="display_currency").label == "Show money in"
    assert any("could not be loaded" in e.value for e in app.sidebar.error)


def test_map_metric_switch(app: AppTest) -> None:
    control = app.get("button_group")[0]
    control.set_value("extra_24x7_annual_usd").run()
    assert not app.exception
    assert app.session_state["map_metric"] == "extra_24x7_annual_usd"


def test_sources_are_shown_per_figure(app: AppTest) -> None:
    app.selectbox(key="overview_sources").set_value("SA").run()
    sources = app.table[0].value.rename(index=shown).map(shown)
    row = sources.loc["expected_discount"]
    assert (row["Value"], row["Unit"]) == ("18 %", "share")
    # The article by its title, never by its file name.
    assert row["Source"].startswith("“Improving customer service for clients around the world”:")
    assert not sources["Source"].str.contains("seed:").any()
    assert sources.loc["agent_cost_usd", "Value"] == "36,000"  # whole units, no float noise
    assert sources.loc["agent_cost_usd", "Unit"] == "USD a year"


def test_currency_selector_converts_the_table(app: AppTest) -> None:
    usd = app.dataframe[0].value.set_index("name")
    assert "shown_in" not in usd.columns  # one currency: said in the headers, not in a column
    app.sidebar.selectbox(key="display_currency").set_value("local").run()
    assert not app.exception
    local = app.dataframe[0].value.set_index("name")
    assert local.loc["United Arab Emirates", "shown_in"] == "AED"
    assert local.loc["United Arab Emirates", "baseline_annual_usd"] == pytest.approx(
        usd.loc["United Arab Emirates", "baseline_annual_usd"] * 3.6725, rel=1e-3
    )
    rates = _rates_table(app)
    assert rates.loc["AED", "per_usd"] == 3.6725 and "pegged" in rates.loc["AED", "source"]
    # Old table rates are called out; totals stay in one currency (USD).
    assert any("Stale rates" in w.value and "EGP" in w.value for w in app.warning)
    assert any("(USD m/yr)" in m.label for m in app.metric)
    app.session_state["display_currency"] = "EUR"
    app.run()
    eur = app.dataframe[0].value.set_index("name")
    assert eur.loc["Germany", "baseline_annual_usd"] == pytest.approx(
        usd.loc["Germany", "baseline_annual_usd"] * rate("USD", "EUR").rate, rel=1e-3
    )
    assert any("(EUR m/yr)" in m.label for m in app.metric)


def test_sidebar_offers_currency_and_live_refresh(app: AppTest) -> None:
    sidebar = app.sidebar
    assert sidebar.selectbox(key="display_currency").label == "Show money in"
    assert sidebar.button[0].label == "Refresh live rates"
    assert any("offline" in caption.value for caption in sidebar.caption)


def test_budget_rates_win_and_are_labelled(app: AppTest) -> None:
    app.session_state["budget_rates"] = {"EGP": 55.0}
    app.session_state["display_currency"] = "local"
    app.run()
    rates = _rates_table(app)
    assert rates.loc["EGP", "per_usd"] == 55.0
    assert rates.loc["EGP", "source"] == "budget rate set by finance"
    # A budget rate is a decision, not a quote: it is never flagged stale.
    assert not any("EGP" in w.value for w in app.warning)


def test_overview_opens_on_the_portfolios_verdict_and_pnl(app: AppTest) -> None:
    """The verdict needs the plan: the page opens on it (the P&L and the verdict map); a cost
    map alone under the default rules needs none."""
    assert not app.exception and not app.error
    metrics = {m.label: m.value for m in app.metric}
    revenue = float(metrics["Revenue (USD m/yr)"])
    cost = float(metrics["Cost (USD m/yr)"])
    profit = float(metrics["Profit (USD m/yr)"])
    assert profit > 0 and revenue > profit
    assert revenue - cost == pytest.approx(profit, abs=0.011)  # each rounded to 0.01 m
    sold, of = metrics["Markets sold"].split(" of ")
    assert int(of) == len(load_markets()) and 0 < int(sold) <= int(of)
    [figure] = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    names = [trace.get("name", "") for trace in figure["data"]]
    assert any(name.startswith("Shared desk") for name in names), names
    app.session_state["map_metric"] = "baseline_per_account_usd"
    app.run()
    assert not any("Profit" in m.label for m in app.metric)


def test_absurd_live_rates_are_refused_with_a_notice(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EUR = 1000 per USD and the dirham 5 % off its peg are refused, NaN and 0 too; the
    sidebar names each with its live value and offline rate, and the prices on the page stay
    at the offline rates for those while a sane live rate is used."""
    offline_eur, offline_inr = rate("USD", "EUR").rate, rate("USD", "INR").rate
    answer = {
        "EUR": 1000.0,
        "AED": 3.6725 * 1.05,
        "JPY": math.nan,
        "GBP": 0.0,
        "INR": offline_inr * 1.1,
    }
    monkeypatch.setattr(
        "pricing.money.live_rates.ask_live_source", lambda base, deadline, url: answer
    )
    usd = app.dataframe[0].value.set_index("name")
    next(b for b in app.sidebar.button if b.label == "Refresh live rates").click()
    app.session_state["display_currency"] = "local"
    app.run()
    assert not app.exception
    local = app.dataframe[0].value.set_index("name")
    for name, per_usd in [
        ("Germany", offline_eur),
        ("United Arab Emirates", 3.6725),
        ("India", offline_inr * 1.1),
    ]:
        assert local.loc[name, "baseline_annual_usd"] == pytest.approx(
            usd.loc[name, "baseline_annual_usd"] * per_usd, rel=1e-4
        ), name
    rates = _rates_table(app)
    assert "ECB" in rates.loc["EUR", "source"]
    assert "pegged" in rates.loc["AED", "source"]
    assert rates.loc["INR", "source"].startswith("live rate")

    # AppTest draws the router's sidebar on a session's first run only (later runs take the
    # pages/ folder for its older layout), so a new session holding this refresh shows it.
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    fresh.session_state["live_fx"] = app.session_state["live_fx"]
    fresh.run()
    assert not fresh.exception
    [used] = [shown(s.value) for s in fresh.sidebar.success]
    assert used.startswith("Using live rates") and "4 refused" in used
    [notice] = [shown(w.value) for w in fresh.sidebar.warning]
    assert "EUR: live rate 1,000 per USD refused" in notice
    assert f"the offline rate of {offline_eur:,.6g} per USD" in notice
    assert "AED: live rate 3.85613 per USD refused (5.00% off its peg" in notice
    assert "the peg of 3.6725 per USD is used" in notice
    assert "JPY: live rate nan per USD refused" in notice
    assert "GBP: live rate 0 per USD refused" in notice
