"""Every page with a scenario database that cannot be used, or only read: one clear message
saying what failed, never a password, and the rest of the app still at work."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pricing.inputs.catalog import load_markets
from pricing.inputs.segments import load_segments
from pricing.scenarios.store import ScenarioStore
from pricing.settings import PlanSettings
from tests import pg_server
from tests.app_helpers import few, open_page
from tests.conftest import shown
from tests.helpers import plan_of

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-pw"


def _texts(app: AppTest) -> list[str]:
    """Every message and caption on the page and in the sidebar."""
    return [e.value for kind in ("error", "warning", "caption", "markdown", "info")
            for e in getattr(app, kind)]  # fmt: skip


# Each page: its title, what it shows whatever the scenario database does, and the one error
# it shows in its own part when it needs the database (None: it does not).
PAGES = {
    "overview": (
        "Portfolio: verdict and cost to serve by market",
        lambda app: len(app.dataframe[0].value) == len(load_markets()),
        "No comparison with a saved scenario: ",
    ),
    "cost_to_serve": ("Cost to serve", lambda app: len(app.get("plotly_chart")) >= 3, None),
    "scenarios": (
        "Scenarios",
        lambda app: (
            app.subheader[-1].value == "Risk: how sure is each verdict?"
            and "scenario_name" not in [t.key for t in app.text_input]
        ),  # the risk view, and no save form that could not save
        "Saved scenarios are not available: ",
    ),
    "tier_designer": (
        "Tier designer",
        lambda app: any(b.label == "Run the optimiser" for b in app.main.button),
        None,
    ),
    "markets": ("Markets", lambda app: bool(app.get("download_button")), None),
    "offer_builder": (
        "Offer builder",
        lambda app: any(m.label == "List price" for m in app.metric),
        None,
    ),
}
BROKEN = [
    pytest.param("not a database url", "PRICING_DB_URL is not a database URL", id="garbage"),
    pytest.param(
        f"postgresql+psycopg://pricing:{SECRET}@127.0.0.1:{pg_server.free_port()}/scenarios",
        "Connection refused; is the PostgreSQL server running",
        id="nothing-listens",
    ),
    pytest.param(
        f"postgresql+pg8000://pricing:{SECRET}@127.0.0.1/scenarios",
        "no Python module 'pg8000'",
        id="driver-missing",
    ),
]


@pytest.mark.parametrize(("url", "said"), BROKEN)
def test_every_page_runs_and_says_why_scenarios_are_unavailable(
    url: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRICING_DB_URL", url)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    for page, (title, shows_its_content, error) in PAGES.items():
        open_page(app, page)
        assert not app.exception, (page, app.exception)
        assert app.title[0].value == title
        [sidebar] = [w.value for w in app.sidebar.warning]
        assert sidebar.startswith("Saved scenarios unavailable: ")
        assert said in shown(sidebar), sidebar  # the message is markdown-escaped
        assert [e.value.partition(": ")[0] + ": " for e in app.main.error] == (
            [error] if error else []
        ), page
        assert not any(SECRET in text for text in _texts(app)), page
        assert (
            app.sidebar.selectbox(key="display_currency").label == "Show money in"
        )  # the sidebar goes on
        assert shows_its_content(app), page


def _saved_plan(url: str, name: str) -> None:

    from pricing.scenarios.scenario import scenario_payload

    plan = plan_of(load_markets(), PlanSettings(tiers=2), only=["US"])
    ScenarioStore(url).save(name, scenario_payload(plan))


def test_a_read_only_database_opens_and_compares_but_refuses_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scenarios.sqlite"
    _saved_plan(f"sqlite:///{path}", "FY27")
    monkeypatch.setenv("PRICING_DB_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in few("US", "DE").items():
        app.session_state[key] = value
    app = open_page(app.run(), "scenarios")
    assert not app.exception and not app.error
    assert list(app.dataframe[0].value["name"]) == ["FY27"]
    assert app.sidebar.selectbox(key="sidebar_scenario").options == [
        "(this session's rules)",
        "FY27",
    ]
    app.text_input(key="scenario_name").input("FY28").run()
    [save] = [b for b in app.main.button if b.label == "Save"]
    save.click().run()
    app.checkbox(key="scenario_delete_sure").check().run()
    [delete] = [b for b in app.main.button if b.label == "Delete"]
    delete.click().run()
    assert not app.exception
    errors = [e.value for e in app.main.error]
    assert [e.partition(":")[0] for e in errors] == ["Not deleted"]  # the save's error went
    assert "can be read but refuses writes" in errors[0]
    app.text_input(key="scenario_name").input("FY29").run()
    [save] = [b for b in app.main.button if b.label == "Save"]
    save.click().run()
    [error] = [e.value for e in app.main.error]
    assert error.startswith("Not saved: ") and "can be read but refuses writes" in error
    assert list(app.dataframe[0].value["name"]) == ["FY27"]  # still there, still alone


def test_a_scenario_deleted_meanwhile_is_not_loaded_from_the_sidebar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    monkeypatch.setenv("PRICING_DB_URL", url)
    _saved_plan(url, "FY27")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    ScenarioStore(url).delete("FY27")  # in another session, after this one listed it
    app.sidebar.selectbox(key="sidebar_scenario").set_value("FY27")
    open_page(app, "overview")
    assert not app.exception
    [error] = [shown(e.value) for e in app.sidebar.error]  # markdown-escaped
    assert error == "'FY27' not loaded: no saved scenario 'FY27'"
    assert app.session_state["plan_rules"] is None  # the rules in force did not change


def test_a_loaded_scenario_sets_every_rule_on_the_tier_designer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario saved with "may hold", "must hold" and "must offer" rules and its own segment
    values comes back with them in the Tier designer's fields (they were left at their
    defaults, and the session's segment values kept), and in force."""

    from pricing.scenarios.scenario import scenario_payload

    url = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    monkeypatch.setenv("PRICING_DB_URL", url)
    rules = PlanSettings(
        min_margin=0.2,
        allowed={"Basic": frozenset({"priority_response"})},
        required={"Premium": frozenset({"coverage_24x7", "priority_response"})},
        must_offer=frozenset({"Standard"}),
    )
    rows = tuple(
        dataclasses.replace(row, base_value_usd=row.base_value_usd * 2) for row in load_segments()
    )
    plan = plan_of(load_markets(), rules, segment_rows=rows, only=["US"])
    ScenarioStore(url).save("FY27 rules", scenario_payload(plan))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in few("US", "CA").items():
        app.session_state[key] = value
    app = app.run()
    app.sidebar.selectbox(key="sidebar_scenario").set_value("FY27 rules")
    app = open_page(app, "tier_designer")
    assert not app.exception and not app.main.warning
    assert app.multiselect(key="td_allowed_3_Basic").value == ["priority_response"]
    assert len(app.multiselect(key="td_allowed_3_Standard").value) == 4  # not restricted
    assert app.multiselect(key="td_required_3_Premium").value == [
        "priority_response",
        "coverage_24x7",
    ]
    assert app.multiselect(key="td_required_3_Basic").value == []
    assert app.multiselect(key="td_must_offer_3").value == ["Standard"]
    assert app.number_input(key="td_margin").value == 20.0
    in_force, segments = app.session_state["plan_rules"]
    assert in_force.must_offer == {"Standard"} and in_force.allowed["Basic"] == {
        "priority_response"
    }
    assert segments == rows
    [editor] = [e for e in app.dataframe if "share" in e.value]  # the segment values' table
    assert list(editor.value["base_value_usd"]) == [row.base_value_usd for row in rows]
