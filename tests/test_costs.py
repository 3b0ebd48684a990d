"""Cost to serve: hand-checked figures and invariants over random markets."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.catalog import load_markets
from pricing.costs import (
    BASELINE,
    COMPONENTS,
    OPTIONS,
    DeliveryModel,
    SupportDesign,
    break_even_accounts,
    cost_curve,
    cost_to_serve,
    delivery_comparison,
    option_costs,
    portfolio_summary,
    site_of,
)
from pricing.coverage import Coverage
from pricing.errors import InputError
from pricing.models import CostParameters, Market

MARKETS = load_markets()
CATALOG = {m.code: m for m in MARKETS}
PARAMS = CostParameters()
DEDICATED = CostParameters(pool_hub_queues=False)  # every market on queues of its own


def _with(market: Market, **changes: object) -> Market:
    return dataclasses.replace(market, **changes)


def _catalog_with(*markets: Market) -> dict[str, Market]:
    return {**CATALOG, **{m.code: m for m in markets}}


def test_idle_market_costs_its_minimum_staffing_by_hand() -> None:
    """No accounts, business hours, served by itself (the US hub, English, New York):
    1 agent x 45 h/week x 52 / (1 - 0.3) = 3,342.86 paid hours at 77,600 / 1,800 per hour,
    that is 1.857 FTE, each with a seat at 7,400 a year."""
    us = _with(CATALOG["US"], accounts=0)
    cost = cost_to_serve(us, BASELINE, CATALOG, DEDICATED)
    paid_hours = 45 * 52 / 0.7
    assert cost.components["agent_wages_usd"] == pytest.approx(paid_hours * 77_600 / 1_800)
    assert cost.components["seat_costs_usd"] == pytest.approx(paid_hours / 1_800 * 7_400)
    assert cost.components["night_weekend_premium_usd"] == 0.0
    assert cost.components["language_premium_usd"] == 0.0
    assert cost.fte == pytest.approx(paid_hours / 1_800)
    assert cost.annual_total_usd == pytest.approx(cost.annual_fixed_usd)


def test_remote_hub_night_shift_and_language_premium_by_hand() -> None:
    """Germany from the Polish hub: German is not native there (+25%); business hours in
    Berlin are business hours in Warsaw (same zone), so no night premium."""
    de = _with(CATALOG["DE"], accounts=0)
    cost = cost_to_serve(de, BASELINE, CATALOG, DEDICATED)
    wages = 45 * 52 / 0.7 * CATALOG["PL"].agent_cost_usd / 1_800
    assert cost.components["agent_wages_usd"] == pytest.approx(wages)
    assert cost.components["language_premium_usd"] == pytest.approx(0.25 * wages)
    assert cost.components["night_weekend_premium_usd"] == 0.0
    # The US served from Manila: every US business hour is a Manila night hour.
    us_from_manila = _with(CATALOG["US"], accounts=0, remote_hub="PH")
    night = cost_to_serve(us_from_manila, BASELINE, _catalog_with(us_from_manila), DEDICATED)
    assert night.components["night_weekend_premium_usd"] == pytest.approx(
        0.25 * night.components["agent_wages_usd"]
    )


def test_markets_share_a_hub_desk_in_a_common_language() -> None:
    """The US hub answers the US and Canada in English in the same hours: one desk. Its agents
    are charged to the two markets by workload, and together they cost less than two desks."""
    us, ca = CATALOG["US"], CATALOG["CA"]
    shared = [cost_to_serve(m, BASELINE, CATALOG) for m in (us, ca)]
    alone = [cost_to_serve(m, BASELINE, CATALOG, DEDICATED) for m in (us, ca)]
    assert shared[0].shared_with == ("CA",) and shared[1].shared_with == ("US",)
    assert alone[1].shared_with == ()
    # Same hours, same desk: the charged FTE add up to the desk's FTE.
    desk_fte = shared[0].staffing["agents"].sum() * 52 / 0.7 / 1_800
    assert shared[0].fte + shared[1].fte == pytest.approx(desk_fte)
    assert sum(c.annual_total_usd for c in shared) < sum(c.annual_total_usd for c in alone)
    assert shared[1].annual_total_usd < alone[1].annual_total_usd / 2
    # A small language keeps its own queue: German is answered by nobody else at the PL hub.
    assert cost_to_serve(CATALOG["DE"], BASELINE, CATALOG).shared_with == ()


def test_an_idle_market_on_a_busy_desk_costs_next_to_nothing() -> None:
    idle_canada = _with(CATALOG["CA"], accounts=0)
    catalog = _catalog_with(idle_canada)
    shared = cost_to_serve(idle_canada, BASELINE, catalog)
    alone = cost_to_serve(idle_canada, BASELINE, catalog, DEDICATED)
    assert shared.annual_total_usd == pytest.approx(0.0, abs=1.0)
    assert alone.annual_total_usd > 100_000  # a desk of its own is a fixed cost


def test_total_is_fixed_plus_per_account() -> None:
    for market in MARKETS[:10]:
        for design in OPTIONS.values():
            cost = cost_to_serve(market, design, CATALOG)
            assert cost.annual_total_usd == pytest.approx(
                cost.annual_fixed_usd + cost.per_account_usd * market.accounts
            )


def test_option_rows_are_extras_over_the_baseline() -> None:
    frame = option_costs(MARKETS, only=["AE"])
    assert list(frame["option"]) == list(OPTIONS)
    base = cost_to_serve(CATALOG["AE"], BASELINE, CATALOG)
    always = cost_to_serve(CATALOG["AE"], OPTIONS["coverage_24x7"], CATALOG)
    row = frame.set_index("option").loc["coverage_24x7"]
    assert row["annual_total_usd"] == pytest.approx(
        always.annual_total_usd - base.annual_total_usd, abs=0.01
    )
    for _, option_row in frame.iterrows():
        parts = sum(option_row[name] for name in COMPONENTS)
        assert parts == pytest.approx(option_row["annual_total_usd"], abs=0.1)
    # Japan has one support language: the multilingual option adds nothing there.
    japan = option_costs(MARKETS, only=["JP"]).set_index("option")
    assert japan.loc["multilingual", "annual_total_usd"] == 0.0


def test_unknown_market_is_refused() -> None:
    with pytest.raises(InputError, match="unknown market 'XX'"):
        option_costs(MARKETS, only=["XX"])


market_changes = st.fixed_dictionaries(
    {
        "code": st.sampled_from(sorted(CATALOG)),
        "accounts": st.integers(0, 3_000),
        "contacts_per_account_month": st.floats(0, 20),
        "aht_seconds": st.floats(60, 1_800),
        "off_hours_contact_share": st.floats(0, 0.9),
        "answer_target_seconds": st.floats(5, 600),
    }
)


def _random_market(changes: dict) -> Market:
    changes = dict(changes)
    return _with(CATALOG[changes.pop("code")], **changes)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=market_changes)
def test_more_coverage_never_costs_less(changes: dict) -> None:
    market = _random_market(changes)
    catalog = _catalog_with(market)
    for delivery in (DeliveryModel.REMOTE_HUB, DeliveryModel.LOCAL_OFFICE):
        costs = [
            cost_to_serve(
                market, SupportDesign(coverage=c, delivery=delivery), catalog
            ).annual_total_usd
            for c in (Coverage.BUSINESS_HOURS, Coverage.EXTENDED_HOURS, Coverage.ALWAYS)
        ]
        slack = 1e-9 * costs[2]
        assert costs[0] <= costs[1] + slack and costs[1] <= costs[2] + slack


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=market_changes, coverage=st.sampled_from(list(Coverage)))
def test_more_languages_never_cost_less(changes: dict, coverage: Coverage) -> None:
    """Splitting a market's contacts into one queue per language never needs fewer agents
    (pooling), so on its own queues multilingual support never staffs less. In money it
    usually costs more too, but not always: a second language that the hub speaks natively
    moves contacts off staff paid a language premium (Israel's English at the Egypt hub)."""
    market = _random_market(changes)
    catalog = _catalog_with(market)
    one = cost_to_serve(market, SupportDesign(coverage=coverage), catalog, DEDICATED)
    every = cost_to_serve(
        market, SupportDesign(coverage=coverage, multilingual=True), catalog, DEDICATED
    )
    assert every.agent_hours_per_week >= one.agent_hours_per_week - 1e-9
    assert every.fte >= one.fte * (1 - 1e-12)
    if not market.support_languages[1:] or all(
        (lang in site_of(CATALOG[market.remote_hub]).languages)
        == (market.primary_language in site_of(CATALOG[market.remote_hub]).languages)
        for lang in market.support_languages
    ):
        # Same language premium on every queue: more staff can only cost more.
        assert every.annual_total_usd >= one.annual_total_usd * (1 - 1e-12)


def test_a_small_language_queue_shows_its_real_cost() -> None:
    """Canada in French: 25% of contacts, but a whole extra queue with its own minimum
    staffing (nobody else speaks French at the US hub), at its wage plus the language premium."""
    canada = CATALOG["CA"]
    one = cost_to_serve(canada, BASELINE, CATALOG, DEDICATED)
    both = cost_to_serve(canada, OPTIONS["multilingual"], CATALOG, DEDICATED)
    assert both.agent_hours_per_week >= one.agent_hours_per_week + 45  # >= 1 agent all week
    assert both.components["language_premium_usd"] > 0  # French is not native at the US hub


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=market_changes, factor=st.floats(1.01, 5.0), option=st.sampled_from(sorted(OPTIONS)))
def test_costs_scale_with_wages(changes: dict, factor: float, option: str) -> None:
    """Raising every site's wages raises staffing cost by the same factor (and never lowers it)."""
    market = _random_market(changes)
    catalog = _catalog_with(market)
    dearer = {
        code: _with(m, agent_cost_usd=m.agent_cost_usd * factor) for code, m in catalog.items()
    }
    design = OPTIONS[option]
    cheap = cost_to_serve(market, design, catalog)
    dear = cost_to_serve(dearer[market.code], design, dearer)
    staff = (
        "agent_wages_usd",
        "night_weekend_premium_usd",
        "language_premium_usd",
        "escalation_usd",
    )  # seats, offices and partner fees do not depend on wages
    for name in staff:
        assert dear.components[name] == pytest.approx(cheap.components[name] * factor, rel=1e-9)
    assert dear.annual_total_usd >= cheap.annual_total_usd


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=market_changes, speedup=st.floats(0.05, 0.95))
def test_faster_sla_never_costs_less(changes: dict, speedup: float) -> None:
    market = _random_market(changes)
    catalog = _catalog_with(market)
    slow = cost_to_serve(market, BASELINE, catalog)
    fast = cost_to_serve(
        market, BASELINE, catalog, answer_within_seconds=market.answer_target_seconds * speedup
    )
    # Equal head counts can differ in the last bit of a float sum: compare with a hair of slack.
    assert fast.annual_total_usd >= slow.annual_total_usd * (1 - 1e-12)
    assert fast.fte >= slow.fte * (1 - 1e-12)


def test_faster_sla_costs_more_somewhere() -> None:
    us = _with(CATALOG["US"], accounts=5_000)
    relaxed = cost_to_serve(us, BASELINE, CATALOG, answer_within_seconds=300)
    strict = cost_to_serve(us, BASELINE, CATALOG, answer_within_seconds=5)
    assert strict.annual_total_usd > relaxed.annual_total_usd
    assert strict.agent_hours_per_week > relaxed.agent_hours_per_week


def test_staffing_meets_the_service_level() -> None:
    for market in MARKETS:
        cost = cost_to_serve(market, OPTIONS["coverage_24x7"], CATALOG)
        assert cost.lowest_service_level >= PARAMS.service_level
        assert 0 < cost.occupancy <= PARAMS.max_occupancy
        assert (cost.staffing["agents"] >= PARAMS.min_agents_on_duty).all()
        assert cost.peak_agents_on_duty >= cost.staffing["agents"].max() - 1e-9
        assert len(cost.staffing) == 168


def test_follow_the_sun_avoids_night_premium_where_daytime_hubs_exist() -> None:
    """Germany 24/7: Polish night shifts vs hubs where those hours are daytime."""
    de = CATALOG["DE"]
    nights = cost_to_serve(de, OPTIONS["coverage_24x7"], CATALOG)
    sun = cost_to_serve(
        de, SupportDesign(coverage=Coverage.ALWAYS, delivery=DeliveryModel.FOLLOW_THE_SUN), CATALOG
    )
    assert (
        sun.components["night_weekend_premium_usd"] < nights.components["night_weekend_premium_usd"]
    )
    with pytest.raises(InputError, match="24x7"):
        SupportDesign(delivery=DeliveryModel.FOLLOW_THE_SUN)


def test_curve_matches_point_costs() -> None:
    jp = CATALOG["JP"]
    counts = [0, 1, 37, 90, 500]
    curve = cost_curve(jp, BASELINE, CATALOG, counts)
    for count, total in zip(counts, curve, strict=True):
        point = cost_to_serve(_with(jp, accounts=count), BASELINE, CATALOG)
        assert total == pytest.approx(point.annual_total_usd)


def test_break_even_against_brute_force() -> None:
    """Brazil: the local office against a distributor, checked count by count."""
    br = CATALOG["BR"]
    found = break_even_accounts(br, CATALOG, DeliveryModel.DISTRIBUTOR, max_accounts=6_000)
    assert found is not None
    office = SupportDesign(delivery=DeliveryModel.LOCAL_OFFICE)
    partner = SupportDesign(delivery=DeliveryModel.DISTRIBUTOR)
    for count in (found - 1, found, found + 1, found + 500):
        mine = cost_to_serve(_with(br, accounts=count), office, CATALOG).annual_total_usd
        theirs = cost_to_serve(_with(br, accounts=count), partner, CATALOG).annual_total_usd
        assert (mine <= theirs) == (count >= found), count


def test_break_even_none_when_the_office_never_wins() -> None:
    """The US hub is in the US: a US office adds a lease and saves nothing."""
    assert break_even_accounts(CATALOG["US"], CATALOG, DeliveryModel.REMOTE_HUB) is None


def test_revenue_share_moves_distributor_break_even_earlier() -> None:
    br = CATALOG["BR"]
    without = break_even_accounts(br, CATALOG, DeliveryModel.DISTRIBUTOR, max_accounts=6_000)
    with_share = break_even_accounts(
        br, CATALOG, DeliveryModel.DISTRIBUTOR, max_accounts=6_000, revenue_per_account_usd=5_000
    )
    assert with_share is not None and without is not None and with_share <= without


def test_delivery_comparison_and_summary_shapes() -> None:
    table = delivery_comparison(CATALOG["SA"], CATALOG)
    assert len(table) == 6 and (table["annual_total_usd"] > 0).all()
    summary = portfolio_summary(MARKETS)
    assert len(summary) == len(MARKETS)
    assert (summary["extra_24x7_annual_usd"] > 0).all()
    assert np.isfinite(summary["baseline_per_account_usd"]).all()
