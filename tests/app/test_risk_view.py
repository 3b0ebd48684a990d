"""The Scenarios page's risk view under AppTest: a sweep of the plan on screen on a real local
Dask cluster, its results, a stopped sweep, a table that cannot draw, and the sweep saved with
the scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pricing.scenarios.store import ScenarioStore
from tests.app_helpers import ROOT, button, few, open_page
from tests.conftest import shown


@pytest.fixture
def scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[AppTest, str]:
    url = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    monkeypatch.setenv("PRICING_DB_URL", url)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for key, value in few("ZA", "NG", "KE").items():
        app.session_state[key] = value
    return open_page(app.run(), "scenarios"), url


def test_a_sweep_runs_shows_the_risk_view_and_is_saved_with_the_scenario(scenarios) -> None:
    app, url = scenarios
    assert not app.exception
    app.number_input(key="risk_draws").set_value(6)
    app = button(app, "Run the sweep").click().run()
    assert not app.exception, app.exception
    assert not app.main.error, [e.value for e in app.main.error]
    metrics = {m.label: m.value for m in app.main.metric}
    labels = {"Portfolio profit, P10", "P50", "P90", "In the plan"}
    assert set(metrics) >= {f"{label} (USD/yr)" for label in labels}
    kept = app.session_state["risk_sweep"]
    whole = kept["json"]["portfolio"]
    assert metrics["In the plan (USD/yr)"] == f"{whole['plan_profit_usd']:,.0f}"
    assert metrics["P50 (USD/yr)"] == f"{whole['p50_usd']:,.0f}"
    assert kept["json"]["draws"] == 6 and kept["json"]["seed"] == 1
    assert [m["market"] for m in kept["json"]["markets"]] == ["ZA", "NG", "KE"]
    assert len(kept["tornado"]) == 6  # every driver, at its P10 and P90
    table = next(f.value for f in app.dataframe if "p10_usd" in f.value.columns)
    assert sorted(table["name"]) == sorted(["South Africa", "Nigeria", "Kenya"])
    texts = " ".join(m.value for m in app.main.markdown)
    assert "Fragile verdicts first" in texts and "6 draws, seed 1" in texts

    app.text_input(key="scenario_name").input("With risk").run()
    button(app, "Save").click().run()
    assert not app.exception
    saved = ScenarioStore(url).load("With risk").payload
    assert saved["risk"] == kept["json"]
    captions = " ".join(c.value for c in app.main.caption)
    assert "Saved with its risk sweep: 6 draws, seed 1" in captions


def test_a_stopped_sweep_says_so_and_keeps_nothing(scenarios) -> None:
    app, _ = scenarios
    # A run that ended without finishing (Stop reruns the page midway) leaves its mark.
    app.session_state["risk_running"] = True
    app = app.run()
    warnings = [w.value for w in app.main.warning]
    assert any("stopped before it finished" in w for w in warnings)
    assert "risk_sweep" not in app.session_state
    assert app.number_input(key="risk_draws").value == 40  # the inputs are kept


def test_a_scheduler_that_cannot_be_reached_is_said_and_the_page_goes_on(scenarios) -> None:
    app, _ = scenarios
    app.number_input(key="risk_draws").set_value(2)
    app.text_input(key="risk_scheduler").input("tcp://127.0.0.1:9").run()
    app = button(app, "Run the sweep").click().run()
    assert not app.exception
    errors = [e.value for e in app.main.error]
    assert any("cannot reach a Dask scheduler" in e for e in errors)
    assert app.number_input(key="risk_draws").value == 2


def test_a_sweep_can_hold_todays_prices(scenarios) -> None:
    app, _ = scenarios
    app.number_input(key="risk_draws").set_value(3)
    app.toggle(key="risk_fixed").set_value(True).run()
    app = button(app, "Run the sweep").click().run()
    assert not app.exception and not app.main.error
    kept = app.session_state["risk_sweep"]["json"]
    assert kept["fixed"] is True and kept["draws"] == 3
    texts = " ".join(m.value for m in app.main.markdown)
    assert "today's menus, local prices and delivery models held" in texts
    assert "the plan held" in texts


def test_a_table_with_a_bad_row_is_refused_and_the_sweep_says_why(scenarios) -> None:
    """The edited table is checked when the sweep starts: a row whose P10 is above its P90
    stops it with the row named, and the page goes on with the user's inputs."""
    app, _ = scenarios
    app.number_input(key="risk_draws").set_value(2)
    assert "risk_rows" not in app.session_state  # the shipped table until a file is taken in
    app.session_state["risk_rows"] = [
        {"driver": "wages", "market": "*", "distribution": "lognormal", "p10": 1.3, "p90": 0.9,
         "correlation_with_fx": None, "source": "typo"},
    ]  # fmt: skip
    app = app.run()
    app = button(app, "Run the sweep").click().run()
    assert not app.exception
    errors = " ".join(e.value for e in app.main.error)
    assert "the uncertainty table has problems" in errors
    listed = " ".join(shown(m.value) for m in app.main.markdown)
    assert "uncertainty table row 2" in listed and "p10 (1.3) is above p90 (0.9)" in listed
    assert app.number_input(key="risk_draws").value == 2
    assert "risk_sweep" not in app.session_state
