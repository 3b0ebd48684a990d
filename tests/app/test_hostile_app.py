"""The app under hostile input (AppTest): every input is held to the same bounds as the command
line, a refusal is one line and keeps what the user had, and a failure nobody foresaw shows one
line in the browser while its traceback goes to the server's log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pricing.scenarios.store import ScenarioStore
from tests.app_helpers import button, few, no_trouble, open_page, page
from tests.conftest import shown

ROOT = Path(__file__).resolve().parents[2]


def _apply_budget_rate(app: AppTest, currency: str, per_usd: float, where: str) -> AppTest:
    """Type a budget rate in the sidebar and press Use, on page ``where`` (with its sidebar)."""
    app.sidebar.selectbox(key="budget_currency").set_value(currency)
    open_page(app, where)
    app.sidebar.number_input(key=f"budget_value_{currency}").set_value(per_usd)
    open_page(app, where)
    [use] = [b for b in app.sidebar.button if b.key == "budget_apply"]
    use.click()
    return open_page(app, where)


def test_a_sidebar_budget_rate_beyond_the_limits_is_refused_naming_its_currency() -> None:
    """1e308 yen per dollar was taken, then crashed the Tier designer and the Offer builder."""
    app = open_page(page("tier_designer", few("JP", "DE"), market="JP"), "tier_designer")
    app = _apply_budget_rate(app, "JPY", 150.0, "tier_designer")
    assert app.session_state["budget_rates"] == {"JPY": 150.0}
    app = _apply_budget_rate(app, "JPY", 1e308, "tier_designer")
    [error] = [shown(e.value) for e in app.sidebar.error]
    assert error.startswith("Budget rate, JPY per USD: 1e+308 is above the limit of")
    assert app.session_state["budget_rates"] == {"JPY": 150.0}  # the rate before is kept
    assert not app.exception
    app.switch_page("pages/offer_builder.py")
    no_trouble(app.run())
    assert "1 USD = 150.0000 JPY" in " ".join(c.value for c in app.caption)


def _saved(url: str, name: str, settings: dict) -> None:
    base = {"tiers": 3, "min_margin": 0.15, "price_step": 0.0, "solver": "cbc"}
    ScenarioStore(url).save(name, {"settings": {**base, **settings}, "markets": {}})


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"budget_rates": {"EUR": 1e308}}, "budget_rates.EUR"),
        ({"budget_rates": {"USD": 2.0}}, "always 1"),
        ({"min_margin": 1e300}, "min_margin"),
        ({"tiers": 9}, "tiers"),
    ],
    ids=["rate-too-large", "usd-rate", "margin", "tiers"],
)
def test_a_saved_scenario_is_checked_like_a_scenario_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: dict, words: str
) -> None:
    """The database may hold rules written by another program: loading them from the sidebar
    refuses them in one line and leaves the rules in force as they were."""
    url = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    monkeypatch.setenv("PRICING_DB_URL", url)
    _saved(url, "odd", settings)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    app.sidebar.selectbox(key="sidebar_scenario").set_value("odd")
    open_page(app, "overview")
    assert not app.exception
    [error] = [shown(e.value) for e in app.sidebar.error]
    assert error.startswith("'odd' not loaded: scenario 'odd': ") and words in error, error
    assert app.session_state["plan_rules"] is None and app.session_state["budget_rates"] == {}
    app.switch_page("pages/tier_designer.py")
    no_trouble(app.run())


def test_a_clean_saved_scenario_still_loads_its_rules_and_rates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'scenarios.sqlite'}"
    monkeypatch.setenv("PRICING_DB_URL", url)
    _saved(url, "FY27", {"tiers": 2, "min_margin": 0.3, "budget_rates": {"eur": 0.9}})
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    app.sidebar.selectbox(key="sidebar_scenario").set_value("FY27")
    open_page(app, "markets")  # a page that plans nothing: the rules load all the same
    assert not app.sidebar.error
    rules, _ = app.session_state["plan_rules"]
    assert (rules.tiers, rules.min_margin) == (2, 0.3)
    assert app.session_state["budget_rates"] == {"EUR": 0.9}


@pytest.mark.unexpected_error_expected
def test_an_unforeseen_failure_shows_one_line_and_logs_the_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug (here: costing raising MemoryError with a server path in its message) used to show
    Streamlit's traceback, with the server's folders, to every browser."""
    import ui.data

    def broken(*args, **kwargs):
        raise MemoryError("/srv/pricing/pricing/costing/capacity.py: 22 GiB")

    monkeypatch.setattr(ui.data, "summary", broken)
    with caplog.at_level(logging.ERROR, logger="pricing.app"):
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not app.exception
    [error] = [shown(e.value) for e in app.main.error]
    assert error == (
        "Something went wrong in this page (MemoryError); your inputs are kept. "
        "The details are in the server's log."
    )
    assert "/srv" not in error and "\n" not in error
    [record] = [r for r in caplog.records if r.name == "pricing.app"]
    assert record.exc_info and record.exc_info[0] is MemoryError  # the log has the traceback
    # The sidebar, drawn after the page, is still there and still works.
    assert app.sidebar.selectbox(key="display_currency").value == "USD"


def test_a_market_in_the_url_is_read_in_any_case() -> None:
    app = page("cost_to_serve", market="ae")
    no_trouble(app)
    assert app.selectbox(key="cts_market").value == "AE"


def test_a_market_that_is_not_one_opens_the_first_market_instead() -> None:
    app = page("cost_to_serve", market="x" * 5000)
    no_trouble(app)
    assert app.selectbox(key="cts_market").value == "US"


def test_the_tier_designer_runs_after_a_refused_budget_rate() -> None:
    app = open_page(page("tier_designer", few("DE", "JP"), market="DE"), "tier_designer")
    app = _apply_budget_rate(app, "EUR", float("1e9"), "tier_designer")
    assert app.sidebar.error and app.session_state["budget_rates"] == {}
    button(app, "Run the optimiser").click()
    no_trouble(app.run())
