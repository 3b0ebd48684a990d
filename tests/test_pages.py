"""Every page under Streamlit's AppTest, on the shipped defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pricing.catalog import load_markets

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def test_overview_renders_without_errors(app: AppTest) -> None:
    assert not app.exception
    assert not app.error
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Markets"] == str(len(load_markets()))
    assert float(metrics["Baseline cost to serve (USD m/yr)"]) > 0
    table = app.dataframe[0].value
    assert len(table) == len(load_markets())
    assert (table["baseline_per_account_usd"] > 0).all()


def test_map_metric_switch(app: AppTest) -> None:
    control = app.get("button_group")[0]
    control.set_value("extra_24x7_annual_usd").run()
    assert not app.exception
    assert app.session_state["map_metric"] == "extra_24x7_annual_usd"


def test_sources_are_shown_per_figure(app: AppTest) -> None:
    app.selectbox[0].set_value("SA").run()
    sources = app.dataframe[1].value
    row = sources[sources["Figure"] == "expected_discount"].iloc[0]
    assert row["Value"] == "0.18"
    assert "seed:000_c90025b8bb6a8cf3.txt" in row["Source"]
