"""The executive's view of the decision: the verdict map (how each market is served, lines from
the site answering it) and the recommendation's chart (what each delivery model earns)."""

from __future__ import annotations

import pytest

from pricing.delivery.verdicts import ModelOutcome
from pricing.outputs.charts import alpha3, outcome_bars
from pricing.outputs.network_map import SERVED_COLOURS, served_rows, verdict_map
from pricing.plan import make_plan
from tests.helpers import request_of


@pytest.fixture(scope="module")
def plans():
    codes = ["US", "CA", "ZA", "NG", "KE", "DE", "ID"]
    return make_plan(request_of(only=codes)).markets


def test_the_verdict_map_colours_each_market_once_by_how_it_is_served(plans) -> None:
    figure = verdict_map(served_rows(plans))
    areas = [t for t in figure.data if t.type == "choropleth"]
    coloured = [code for trace in areas for code in trace.locations]
    assert sorted(coloured) == sorted(alpha3(p.market.code) for p in plans)
    by_country = {code: trace for trace in areas for code in trace.locations}
    for p in plans:
        trace = by_country[alpha3(p.market.code)]
        if not p.tiers:
            assert trace.name.startswith("Not sold")
        else:
            label, colour = SERVED_COLOURS[p.delivery.delivery]
            assert trace.name.startswith(label) and trace.colorscale[0][1] == colour
    # Legend counts add up to the markets.
    assert sum(int(t.name.rsplit("(", 1)[1].rstrip(")")) for t in areas) == len(plans)


def test_the_verdict_map_draws_a_line_from_the_serving_site_to_each_market(plans) -> None:
    figure = verdict_map(served_rows(plans))
    lines = [t for t in figure.data if t.type == "scattergeo" and t.mode == "lines"]
    segments = set()
    for trace in lines:
        points = list(trace.locations)
        for start in range(0, len(points), 3):
            segments.add((points[start], points[start + 1]))
            assert points[start + 2] is None  # each line ends with a break
    expected = {
        (alpha3(p.delivery.site), alpha3(p.market.code))
        for p in plans
        if p.tiers and p.delivery.site != p.market.code
    }
    assert segments == expected and expected  # Nigeria and Kenya from South Africa, at least
    assert (alpha3("ZA"), alpha3("NG")) in segments
    [sites] = [t for t in figure.data if t.type == "scattergeo" and t.mode == "markers+text"]
    assert set(sites.text) == {p.delivery.site for p in plans if p.tiers}


def test_the_recommendation_chart_labels_each_bar_with_its_value_and_gap() -> None:
    outcomes = [
        ModelOutcome("pooled", 34_340.0, True),
        ModelOutcome("hub", 31_508.0, False),
        ModelOutcome("distributor", 30_000.0, True),
    ]
    words = {model: label for model, (label, _) in SERVED_COLOURS.items()}
    [bar] = outcome_bars(outcomes, words).data
    assert list(bar.x) == [34_340.0, 31_508.0, 30_000.0]
    assert list(bar.text) == ["34,340", "31,508 (-2,832), not sold", "30,000 (-4,340)"]
    assert list(bar.y) == [words["pooled"], words["hub"], words["distributor"]]


def test_cost_to_serve_fixes_a_markets_model_for_every_page_and_says_what_it_costs() -> None:
    from tests.app_helpers import no_trouble, open_page, page, table_with

    app = page("cost_to_serve", market="NG")
    no_trouble(app)
    box = app.selectbox(key="cts_fix_NG")
    assert box.value == ""  # the optimiser chooses
    box.set_value("hub").run()
    no_trouble(app)
    settings, _ = app.session_state["plan_rules"]
    assert dict(settings.delivery) == {"NG": "hub"}
    [warning] = [w.value for w in app.warning if "Fixed to" in w.value]
    # The portfolio's earnings with it fixed and with the free choice, as the chart has them.
    assert "with the free choice (shared desk)" in warning and "USD a year" in warning
    # Every page now plans Nigeria on desks of its own: the Overview's table says how it is
    # served (not sold there, as alone it does not pay).
    app = open_page(app, "overview")
    no_trouble(app)
    served = table_with(app, "served").set_index("name")
    assert served.loc["Nigeria", "served"] in ("own desks", "—")
    assert served.loc["Nigeria", "verdict"] == "not sold"
    # Freed again: the rule is gone (the Overview then plans it as before: on the shared desk,
    # as the first test of this module draws it).
    app = open_page(app, "cost_to_serve")
    app.selectbox(key="cts_fix_NG").set_value("").run()
    settings, _ = app.session_state["plan_rules"]
    assert dict(settings.delivery) == {}


def test_a_model_fixed_elsewhere_is_shown_on_cost_to_serve_and_kept() -> None:
    """A scenario loaded while Cost to serve is open fixes Nigeria to its own desks: the page's
    choice shows it and leaves the rule in force (it once wrote its stale choice back)."""
    from pricing.inputs.segments import load_segments
    from pricing.settings import PlanSettings
    from tests.app_helpers import no_trouble, page

    app = page("cost_to_serve", market="NG")
    assert app.selectbox(key="cts_fix_NG").value == ""
    app.session_state["plan_rules"] = (PlanSettings(delivery={"NG": "hub"}), load_segments())
    app.run()
    no_trouble(app)
    settings, _ = app.session_state["plan_rules"]
    assert dict(settings.delivery) == {"NG": "hub"}
    assert app.selectbox(key="cts_fix_NG").value == "hub"
