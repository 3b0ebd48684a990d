"""Cost to serve (pricing.costing): hand-checked figures and invariants over random markets.

The model under test (see the docstrings of pricing/costing/*.py): every market is on desks of
its own at its regional hub; its week is 672 quarter-hour slots in local time with its own
working days (CLDR) and public holidays (the business-hours desk is closed on them); every desk
holds whole agents in every slot, the least that carries the slot's live and async load within
the targets, at least the minimum on duty while open. Per account is always the total over the
accounts; the fixed part is only what does not move with them.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import holidays as holiday_calendars
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.costing import desks
from pricing.costing.curves import break_even_accounts, cost_curve
from pricing.costing.engine import (
    BASELINE,
    COMPONENTS,
    OPTIONS,
    Coverage,
    DeliveryModel,
    SupportDesign,
    cost_to_serve,
    design_workload,
)
from pricing.costing.service import TIER_OPTIONS
from pricing.costing.staffing import erlang_c, service_level
from pricing.costing.tables import delivery_comparison, option_costs, portfolio_summary
from pricing.costing.week import SLOTS_PER_WEEK, market_week, utc_offset_minutes, working_days
from pricing.costing.workload import build_workload, site_of
from pricing.errors import InputError
from pricing.inputs.catalog import load_markets
from pricing.inputs.sites import shipped_sites
from pricing.models import CHANNELS, CostParameters, Market

MARKETS = load_markets()
CATALOG = {m.code: m for m in MARKETS}
PARAMS = CostParameters()
HUBS = ("US", "MX", "PL", "EG", "ZA", "PH")  # the markets that are their own hub
NIGHTS = OPTIONS["coverage_24x7"]
SUN = SupportDesign(coverage=Coverage.ALWAYS, delivery=DeliveryModel.FOLLOW_THE_SUN)
OFFICE = SupportDesign(delivery=DeliveryModel.LOCAL_OFFICE)
PARTNER = SupportDesign(delivery=DeliveryModel.DISTRIBUTOR)
ALL_DESIGNS = {
    **OPTIONS,
    "follow_the_sun": SUN,
    "local_office_24x7": SupportDesign(
        coverage=Coverage.ALWAYS, delivery=DeliveryModel.LOCAL_OFFICE
    ),
    "multilingual_24x7": SupportDesign(coverage=Coverage.ALWAYS, multilingual=True),
}
STAFF = (
    "agent_wages_usd",
    "night_weekend_premium_usd",
    "language_premium_usd",
    "seat_costs_usd",
    "site_overhead_usd",
)


def _with(market: Market, **changes: object) -> Market:
    return dataclasses.replace(market, **changes)


def _catalog_with(*markets: Market) -> dict[str, Market]:
    return {**CATALOG, **{m.code: m for m in markets}}


def _hourly(usd_a_year: float, params: CostParameters = PARAMS) -> float:
    """Cost of one agent on duty for one hour: a year's cost over productive paid hours."""
    return usd_a_year / params.paid_hours_per_fte / (1.0 - params.shrinkage)


def _overhead(hub: Market, params: CostParameters = PARAMS) -> float:
    """A hub's site lead and space shared by its seats: per agent FTE a year."""
    return hub.office_fixed_usd / params.hub_site_seats


def _hub_hour(hub: Market) -> float:
    """One agent on duty for one hour at a hub by day: wage, seat and the site's overhead."""
    return _hourly(hub.agent_cost_usd + hub.seat_cost_usd + _overhead(hub))


def _open_share_by_hand(code: str, year: int, days: set[int]) -> float:
    """Working days of the year that are not public holidays, over the working days."""
    calendar = holiday_calendars.country_holidays(code, years=year)
    first = date(year, 1, 1)
    working = [
        first + timedelta(days=i)
        for i in range((date(year + 1, 1, 1) - first).days)
        if (first + timedelta(days=i)).weekday() in days
    ]
    closed = sum(1 for day in working if day in calendar)
    return (len(working) - closed) / len(working)


# --- the week -------------------------------------------------------------------------------


def test_a_market_week_is_its_own() -> None:
    """672 quarter hours in local time; Saudi Arabia works Sunday to Thursday (CLDR) and closes
    on its public holidays; India's half-hour offset is a whole number of slots."""
    assert SLOTS_PER_WEEK == 672
    saudi = market_week("SA", "Asia/Riyadh", PARAMS.business_hours)
    assert saudi.working_days == (0, 1, 2, 3, 6)
    assert saudi.working_day_names == ["Sun", "Mon", "Tue", "Wed", "Thu"]
    assert saudi.label == "Sun-Thu 09:00-18:00"
    business = saudi.business.reshape(7, 96)
    assert saudi.business.sum() == 5 * 9 * 4
    assert not business[4].any() and not business[5].any()  # Friday, Saturday
    assert business[6, 36:72].all() and not business[6, :36].any() and not business[6, 72:].any()
    assert saudi.business_hours_per_week == 45
    assert saudi.holidays and all(day.weekday() in saudi.working_days for day, _ in saudi.holidays)
    assert saudi.open_share == pytest.approx(
        _open_share_by_hand("SA", saudi.holiday_year, set(saudi.working_days))
    )
    assert 0 < saudi.open_share < 1
    assert working_days("US") == (0, 1, 2, 3, 4)
    assert utc_offset_minutes("Asia/Kolkata") == 330
    assert utc_offset_minutes("Asia/Kathmandu") == 345


# --- hand-checked costs ---------------------------------------------------------------------


def _tiny_saudi_market(**changes: object) -> Market:
    """A market typed in by hand: Saudi Arabia, its own hub, Arabic, no contacts."""
    fields = dict(
        code="SA",
        region="Middle East & Africa",
        remote_hub="SA",
        price_level=1.0,
        agent_cost_usd=36_000.0,
        office_fixed_usd=140_000.0,
        seat_cost_usd=5_800.0,
        office_setup_usd=90_000.0,
        setup_amortisation_years=3.0,
        distributor_fee_per_account_usd=300.0,
        distributor_fixed_usd=20_000.0,
        distributor_revenue_share=0.05,
        expected_discount=0.05,
        max_discount=0.10,
        answer_target_seconds=60.0,
        share_expecting_24x7=0.3,
        off_hours_contact_share=0.1,
        preferred_channels=("phone", "email"),
        senior_signoff_expected=False,
        upselling_acceptable=True,
        accounts=10,
        contacts_per_account_month=0.0,
        aht_seconds=600.0,
        support_languages=("ar",),
        timezone="Asia/Riyadh",
    )
    fields.update(changes)
    return Market(**fields)


def test_hand_built_idle_market_costs_its_minimum_staffing() -> None:
    """Accounts but no contacts: one agent (the minimum on duty) through the business hours of
    every working day but the public holidays, at the hub's wage, seat and site overhead
    (its office_fixed_usd over hub_site_seats):
    1 x 45 h x 52 x open_share x (36,000 + 5,800 + 140,000 / 20) / 1,800 / (1 - 0.3)."""
    tiny = _tiny_saudi_market()
    catalog = {"SA": tiny}
    cost = cost_to_serve(tiny, BASELINE, catalog)
    share = _open_share_by_hand("SA", 2027, {6, 0, 1, 2, 3})
    hours = PARAMS.min_agents_on_duty * 45 * 52 * share
    assert cost.components["agent_wages_usd"] == pytest.approx(hours * 36_000 / 1_800 / 0.7)
    assert cost.components["seat_costs_usd"] == pytest.approx(hours * 5_800 / 1_800 / 0.7)
    assert cost.components["site_overhead_usd"] == pytest.approx(
        hours * 140_000 / PARAMS.hub_site_seats / 1_800 / 0.7
    )
    assert cost.annual_total_usd == pytest.approx(
        hours * (36_000 + 5_800 + 140_000 / PARAMS.hub_site_seats) / 1_800 / 0.7
    )
    assert cost.components["night_weekend_premium_usd"] == 0.0
    assert cost.components["language_premium_usd"] == 0.0
    assert cost.fte == pytest.approx(hours / 0.7 / 1_800)
    assert cost.agent_hours_per_week == pytest.approx(45 * share)
    assert cost.peak_agents_on_duty == PARAMS.min_agents_on_duty
    assert cost.working_days == ("Sun", "Mon", "Tue", "Wed", "Thu")
    assert cost.covered_hours_per_week == 45
    assert cost.annual_fixed_usd == 0.0  # nothing here stays when the accounts go
    assert cost.per_account_usd == pytest.approx(cost.annual_total_usd / 10)
    # Two agents on duty cost twice as much; no accounts, nothing sold, no desk at all.
    two = cost_to_serve(tiny, BASELINE, catalog, CostParameters(min_agents_on_duty=2))
    assert two.annual_total_usd == pytest.approx(2 * cost.annual_total_usd)
    assert cost_to_serve(tiny, BASELINE, catalog, accounts=0).annual_total_usd == 0.0


def test_idle_shipped_market_costs_its_minimum_staffing_by_hand() -> None:
    """The US, its own hub (English, New York), with contacts set to zero."""
    us = _with(CATALOG["US"], contacts_per_account_month=0.0)
    cost = cost_to_serve(us, BASELINE, _catalog_with(us))
    share = market_week("US", "America/New_York", PARAMS.business_hours).open_share
    assert share == pytest.approx(_open_share_by_hand("US", 2027, {0, 1, 2, 3, 4}))
    hours = 45 * 52 * share
    assert cost.components["agent_wages_usd"] == pytest.approx(_hourly(77_600) * hours)
    assert cost.components["seat_costs_usd"] == pytest.approx(_hourly(7_400) * hours)
    assert cost.components["site_overhead_usd"] == pytest.approx(_hourly(245_000 / 20) * hours)
    assert cost.annual_total_usd == pytest.approx(_hub_hour(CATALOG["US"]) * hours)
    assert cost.fte == pytest.approx(hours / 0.7 / 1_800)


def test_language_premium_by_hand() -> None:
    """Germany from the Polish hub: German is not native there (+25 %); Berlin and Warsaw share a
    clock and a working week, so no night premium. Germany's own holidays close the desk."""
    de = _with(CATALOG["DE"], contacts_per_account_month=0.0)
    cost = cost_to_serve(de, BASELINE, _catalog_with(de))
    hours = 45 * 52 * market_week("DE", "Europe/Berlin", PARAMS.business_hours).open_share
    wages = hours * _hourly(CATALOG["PL"].agent_cost_usd)
    assert cost.components["agent_wages_usd"] == pytest.approx(wages)
    assert cost.components["language_premium_usd"] == pytest.approx(0.25 * wages)
    assert cost.components["night_weekend_premium_usd"] == 0.0
    assert cost.components["seat_costs_usd"] == pytest.approx(
        hours * _hourly(CATALOG["PL"].seat_cost_usd)
    )
    assert cost.annual_total_usd == pytest.approx(hours * _hub_hour(CATALOG["PL"]) + 0.25 * wages)


def test_night_premium_by_hand() -> None:
    """The US served from Manila: every US business hour (09-18 New York) is 22-07 in Manila,
    so every duty hour carries the night premium."""
    us = _with(CATALOG["US"], contacts_per_account_month=0.0, remote_hub="PH")
    cost = cost_to_serve(us, BASELINE, _catalog_with(us))
    hours = 45 * 52 * market_week("US", "America/New_York", PARAMS.business_hours).open_share
    wages = hours * _hourly(CATALOG["PH"].agent_cost_usd)
    assert cost.components["agent_wages_usd"] == pytest.approx(wages)
    assert cost.components["night_weekend_premium_usd"] == pytest.approx(0.25 * wages)
    assert cost.components["language_premium_usd"] == 0.0  # English is hired everywhere


def test_working_weeks_that_differ_pay_the_weekend_premium_by_hand() -> None:
    """The Emirates (Monday to Friday, UTC+4) from Cairo (Sunday to Thursday, UTC+2): 09-18 in
    Dubai is 07-16 in Cairo, so Monday to Thursday one hour a day falls before 08:00, and all
    of Friday is the Egyptian weekend: 4 + 9 = 13 of 45 hours carry the premium. Saudi Arabia
    (Sunday to Thursday, UTC+3) from the same hub is 08-17 Cairo on Cairo's working days: none."""
    ae = _with(CATALOG["AE"], contacts_per_account_month=0.0)
    cost = cost_to_serve(ae, BASELINE, _catalog_with(ae))
    assert cost.working_days == ("Mon", "Tue", "Wed", "Thu", "Fri")
    hours = 45 * 52 * market_week("AE", CATALOG["AE"].timezone, PARAMS.business_hours).open_share
    wages = hours * _hourly(CATALOG["EG"].agent_cost_usd)
    assert cost.components["agent_wages_usd"] == pytest.approx(wages)
    assert cost.components["night_weekend_premium_usd"] == pytest.approx(0.25 * wages * 13 / 45)
    sa = _with(CATALOG["SA"], contacts_per_account_month=0.0)
    saudi = cost_to_serve(sa, BASELINE, _catalog_with(sa))
    assert saudi.working_days == ("Sun", "Mon", "Tue", "Wed", "Thu")
    assert saudi.components["night_weekend_premium_usd"] == 0.0
    assert saudi.components["agent_wages_usd"] > 0


def test_24x7_night_shifts_by_hand() -> None:
    """The US around the clock from its own hub, no contacts: one agent in every slot. Business
    slots on open days at the base rate; 08-09 and 18-20 on weekdays are daytime (no premium);
    the other 108 hours of the week are nights and weekends (+25 %)."""
    us = _with(CATALOG["US"], contacts_per_account_month=0.0)
    cost = cost_to_serve(us, NIGHTS, _catalog_with(us))
    share = market_week("US", "America/New_York", PARAMS.business_hours).open_share
    hours = 45 * 52 * share + 123 * 52
    assert cost.components["agent_wages_usd"] == pytest.approx(hours * _hourly(77_600))
    assert cost.components["seat_costs_usd"] == pytest.approx(hours * _hourly(7_400))
    assert cost.components["site_overhead_usd"] == pytest.approx(hours * _hourly(245_000 / 20))
    assert cost.components["night_weekend_premium_usd"] == pytest.approx(
        108 * 52 * 0.25 * _hourly(77_600)
    )
    assert cost.covered_hours_per_week == 168
    assert cost.working_days == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert cost.staffing["agents"].min() >= 1 and len(cost.staffing) == 168


def test_holiday_cover_is_paid_at_weekend_rates() -> None:
    """The business-hours desk closes on public holidays; a 24/7 line stays open, the minimum
    on duty through the business hours of each holiday, "at weekend rates" (workload.py)."""
    us = _with(CATALOG["US"], contacts_per_account_month=0.0)
    cost = cost_to_serve(us, NIGHTS, _catalog_with(us))
    week = market_week("US", "America/New_York", PARAMS.business_hours)
    weekend_rate = _hub_hour(CATALOG["US"]) + 0.25 * _hourly(77_600)
    assert cost.components["holiday_cover_usd"] == pytest.approx(
        len(week.holidays) * 9 * PARAMS.min_agents_on_duty * weekend_rate
    )


def test_distributor_answers_first_line_and_escalates_to_the_hub() -> None:
    """Brazil, 120 accounts: the partner's fee per account plus its management fee, and the hub
    desk for the 20 % of contacts that come back, i.e. the desk of 24 accounts."""
    br = CATALOG["BR"]
    cost = cost_to_serve(br, PARTNER, CATALOG)
    assert cost.components["distributor_fees_usd"] == pytest.approx(
        120 * br.distributor_fee_per_account_usd + br.distributor_fixed_usd
    )
    escalations = cost_to_serve(br, BASELINE, CATALOG, accounts=24)
    assert cost.components["escalation_usd"] == pytest.approx(escalations.annual_total_usd)
    assert all(cost.components[name] == 0.0 for name in STAFF)
    assert cost.annual_fixed_usd == pytest.approx(br.distributor_fixed_usd)
    assert cost.annual_total_usd == pytest.approx(
        cost.components["distributor_fees_usd"] + cost.components["escalation_usd"]
    )


# --- markets on one hub ---------------------------------------------------------------------


def test_markets_on_one_hub_are_costed_independently() -> None:
    """The US and Canada are both answered from the US hub in English, on desks of their own:
    one market's accounts do not move the other's cost, and an idle Canada pays a whole desk."""
    us, ca = CATALOG["US"], CATALOG["CA"]
    for market, other in ((us, ca), (ca, us)):
        for design in (BASELINE, NIGHTS, OPTIONS["multilingual"]):
            mine = cost_to_serve(market, design, CATALOG).annual_total_usd
            assert mine > 0
            for accounts in (0, 1, other.accounts * 10):
                changed = _catalog_with(_with(other, accounts=accounts))
                assert cost_to_serve(market, design, changed).annual_total_usd == mine
    idle_canada = _with(ca, contacts_per_account_month=0.0)
    alone = cost_to_serve(idle_canada, BASELINE, _catalog_with(idle_canada))
    hours = 45 * 52 * market_week("CA", ca.timezone, PARAMS.business_hours).open_share
    assert alone.annual_total_usd == pytest.approx(hours * _hub_hour(us))


def test_a_small_language_desk_shows_its_real_cost() -> None:
    """Canada in French: a quarter of the contacts, but a desk of its own with its minimum on
    duty (nobody else speaks French at the US hub), at the hub wage plus the language premium."""
    canada = CATALOG["CA"]
    one = cost_to_serve(canada, BASELINE, CATALOG)
    both = cost_to_serve(canada, OPTIONS["multilingual"], CATALOG)
    open_hours = 45 * market_week("CA", canada.timezone, PARAMS.business_hours).open_share
    assert both.agent_hours_per_week >= one.agent_hours_per_week + open_hours - 1e-9
    assert one.components["language_premium_usd"] == 0.0
    assert (
        both.components["language_premium_usd"] >= 0.25 * open_hours * 52 * _hourly(77_600) - 1e-6
    )


# --- totals, fixed parts and option rows ----------------------------------------------------


SAMPLE = ("US", "BR", "DE", "PL", "SA", "AE", "IN", "JP", "AU")  # hubs, weeks, languages


def test_per_account_is_the_total_over_the_accounts() -> None:
    for market in (CATALOG[code] for code in SAMPLE):
        for design in ALL_DESIGNS.values():
            cost = cost_to_serve(market, design, CATALOG)
            assert cost.accounts == market.accounts
            assert cost.per_account_usd * cost.accounts == pytest.approx(cost.annual_total_usd)
            assert cost.annual_total_usd == pytest.approx(sum(cost.components.values()))
    frame = option_costs(MARKETS, only=SAMPLE)
    assert len(frame) == len(SAMPLE) * len(OPTIONS)
    for row in frame.to_dict(orient="records"):
        assert row["per_account_usd"] * row["accounts"] == pytest.approx(
            row["annual_total_usd"], abs=0.005 * row["accounts"] + 0.01
        )


def test_the_fixed_part_is_what_does_not_move_with_accounts() -> None:
    de, br = CATALOG["DE"], CATALOG["BR"]
    assert cost_to_serve(de, BASELINE, CATALOG).annual_fixed_usd == 0.0
    assert cost_to_serve(de, NIGHTS, CATALOG).annual_fixed_usd == 0.0
    office = cost_to_serve(de, OFFICE, CATALOG)
    rent = de.office_fixed_usd + de.office_setup_usd / de.setup_amortisation_years
    assert office.components["office_fixed_usd"] == pytest.approx(de.office_fixed_usd)
    assert office.components["setup_amortisation_usd"] == pytest.approx(
        de.office_setup_usd / de.setup_amortisation_years
    )
    assert office.annual_fixed_usd == pytest.approx(rent)
    assert cost_to_serve(br, PARTNER, CATALOG).annual_fixed_usd == pytest.approx(
        br.distributor_fixed_usd
    )
    # What is fixed stays when the accounts change; the rest moves.
    for design in (OFFICE, PARTNER):
        few = cost_to_serve(de, design, CATALOG, accounts=10)
        many = cost_to_serve(de, design, CATALOG, accounts=2_000)
        assert few.annual_fixed_usd == pytest.approx(many.annual_fixed_usd)
        assert (
            many.annual_total_usd - many.annual_fixed_usd
            > few.annual_total_usd - few.annual_fixed_usd
        )


@pytest.mark.parametrize("code", HUBS)
def test_a_market_that_is_its_own_hub_has_no_office_to_pay(code: str) -> None:
    """Its hub team is local already: the local office costs what the hub does, no rent."""
    market = CATALOG[code]
    assert market.remote_hub == code
    for coverage in Coverage:
        hub = cost_to_serve(market, SupportDesign(coverage=coverage), CATALOG)
        office = cost_to_serve(
            market, SupportDesign(coverage=coverage, delivery=DeliveryModel.LOCAL_OFFICE), CATALOG
        )
        assert office.components["office_fixed_usd"] == 0.0
        assert office.components["setup_amortisation_usd"] == 0.0
        assert office.annual_fixed_usd == 0.0
        assert office.annual_total_usd == pytest.approx(hub.annual_total_usd)
    row = option_costs(MARKETS, only=[code]).set_index("option").loc["local_office"]
    assert row["annual_total_usd"] == 0.0 and row["office_fixed_usd"] == 0.0
    assert row["per_account_usd"] == 0.0


def test_option_rows_are_extras_over_the_baseline() -> None:
    frame = option_costs(MARKETS, only=["AE", "SA", "DE"])
    assert list(frame["option"]) == list(OPTIONS) * 3
    for code, rows in frame.groupby("market", sort=False):
        market = CATALOG[code]
        rows = rows.set_index("option")
        base = cost_to_serve(market, BASELINE, CATALOG)
        assert rows.loc["baseline", "annual_total_usd"] == pytest.approx(
            base.annual_total_usd, abs=0.01
        )
        for option, design in OPTIONS.items():
            if option == "baseline":
                continue
            cost = cost_to_serve(market, design, CATALOG)
            row = rows.loc[option]
            extra = cost.annual_total_usd - base.annual_total_usd
            assert row["annual_total_usd"] == pytest.approx(extra, abs=0.01)
            assert row["per_account_usd"] == pytest.approx(extra / market.accounts, abs=0.01)
            assert row["annual_fixed_usd"] == pytest.approx(
                cost.annual_fixed_usd - base.annual_fixed_usd, abs=0.01
            )
            assert row["fte"] == pytest.approx(cost.fte - base.fte, abs=0.001)
            assert row["accounts"] == market.accounts
        for _, row in rows.iterrows():
            parts = sum(row[name] for name in COMPONENTS)
            assert parts == pytest.approx(row["annual_total_usd"], abs=0.1)
    # Working days and covered hours: Saudi Arabia's week, and 24/7 for the option that buys it.
    saudi = frame[frame["market"] == "SA"].set_index("option")
    assert saudi.loc["baseline", "working_days"] == ["Sun", "Mon", "Tue", "Wed", "Thu"]
    assert saudi.loc["baseline", "covered_hours_per_week"] == 45
    assert saudi.loc["coverage_24x7", "covered_hours_per_week"] == 168
    assert saudi.loc["coverage_24x7", "working_days"] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]
    assert (
        saudi.loc["distributor", "distributor_revenue_share"]
        == CATALOG["SA"].distributor_revenue_share
    )
    assert saudi.loc["baseline", "distributor_revenue_share"] == 0.0
    assert (
        frame.set_index(["market", "option"]).loc[("AE", "coverage_24x7"), "annual_total_usd"] > 0
    )
    # Japan has one support language: the multilingual option adds nothing there.
    japan = option_costs(MARKETS, only=["JP"]).set_index("option")
    assert japan.loc["multilingual", "annual_total_usd"] == 0.0


def test_unknown_market_is_refused() -> None:
    with pytest.raises(InputError, match="unknown market 'XX'") as caught:
        option_costs(MARKETS, only=["DE", "XX"])
    assert caught.value.value == "XX"
    stray = _with(CATALOG["DE"], remote_hub="FI")
    with pytest.raises(InputError, match="FI"):
        cost_to_serve(stray, BASELINE, _catalog_with(stray))


def test_bad_inputs_are_refused() -> None:
    de = CATALOG["DE"]
    for seconds in (0.0, -5.0, float("nan"), float("inf")):
        with pytest.raises(InputError, match="answer_within_seconds"):
            cost_to_serve(de, BASELINE, CATALOG, answer_within_seconds=seconds)
    for accounts in (-1, 2.5, 10_000_001):
        with pytest.raises(InputError, match="accounts"):
            cost_to_serve(de, BASELINE, CATALOG, accounts=accounts)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="accounts"):
        cost_curve(de, BASELINE, CATALOG, [10, -1])
    with pytest.raises(InputError, match="24x7"):
        SupportDesign(delivery=DeliveryModel.FOLLOW_THE_SUN)
    with pytest.raises(InputError, match="another delivery model"):
        break_even_accounts(de, CATALOG, DeliveryModel.LOCAL_OFFICE)


def test_accounts_override_changes_the_cost_and_the_reported_accounts() -> None:
    jp = CATALOG["JP"]
    own = cost_to_serve(jp, BASELINE, CATALOG)
    more = cost_to_serve(jp, BASELINE, CATALOG, accounts=jp.accounts * 10)
    assert own.accounts == jp.accounts and more.accounts == jp.accounts * 10
    assert more.annual_total_usd > own.annual_total_usd
    assert more.annual_total_usd == pytest.approx(
        cost_to_serve(_with(jp, accounts=jp.accounts * 10), BASELINE, CATALOG).annual_total_usd
    )
    frame = option_costs(MARKETS, only=["JP", "DE"], accounts=500)
    assert (frame["accounts"] == 500).all()
    rows = frame.set_index(["market", "option"])
    for code in ("JP", "DE"):
        base = cost_to_serve(CATALOG[code], BASELINE, CATALOG, accounts=500)
        assert rows.loc[(code, "baseline"), "annual_total_usd"] == pytest.approx(
            base.annual_total_usd, abs=0.01
        )
        assert rows.loc[(code, "baseline"), "per_account_usd"] == pytest.approx(
            base.annual_total_usd / 500, abs=0.01
        )
    default = option_costs(MARKETS, only=["JP"]).set_index("option")
    assert (
        rows.loc[("JP", "baseline"), "annual_total_usd"]
        != default.loc["baseline", "annual_total_usd"]
    )
    # The SLA override reaches the rows too.
    strict = option_costs(MARKETS, only=["JP"], answer_within_seconds=5).set_index("option")
    assert (strict["answer_within_seconds"] == 5).all()
    assert strict.loc["baseline", "annual_total_usd"] >= default.loc["baseline", "annual_total_usd"]


# --- invariants over random markets ---------------------------------------------------------

market_changes = st.fixed_dictionaries(
    {
        "code": st.sampled_from(sorted(CATALOG)),
        "accounts": st.integers(0, 3_000),
        "contacts_per_account_month": st.floats(0, 20),
        "aht_seconds": st.floats(60, 1_800),
        "off_hours_contact_share": st.floats(0, 0.9),
        "answer_target_seconds": st.floats(5, 600),
        "preferred_channels": st.lists(
            st.sampled_from(CHANNELS), min_size=1, max_size=4, unique=True
        ).map(tuple),
    }
)
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _random_market(changes: dict) -> Market:
    changes = dict(changes)
    return _with(CATALOG[changes.pop("code")], **changes)


@FEW
@given(changes=market_changes)
def test_more_coverage_never_costs_less_without_night_contacts(changes: dict) -> None:
    """With no contacts outside business hours, 24/7 only adds open slots (and holiday cover):
    it never costs less, and it staffs every hour of the week."""
    market = _random_market({**changes, "off_hours_contact_share": 0.0})
    catalog = _catalog_with(market)
    for delivery in (DeliveryModel.REMOTE_HUB, DeliveryModel.LOCAL_OFFICE):
        business, always = (
            cost_to_serve(market, SupportDesign(coverage=c, delivery=delivery), catalog)
            for c in (Coverage.BUSINESS_HOURS, Coverage.ALWAYS)
        )
        assert business.annual_total_usd <= always.annual_total_usd * (1 + 1e-12)
        if market.accounts:  # a sold 24/7 line is staffed at every hour of the week
            assert always.agent_hours_per_week > business.agent_hours_per_week
    sun = cost_to_serve(market, SUN, catalog)
    hub = cost_to_serve(market, BASELINE, catalog)
    assert hub.annual_total_usd <= sun.annual_total_usd * (1 + 1e-12)


def test_twenty_four_seven_can_cost_less_where_the_night_piles_up_as_morning_backlog() -> None:
    """Business hours answer the night's contacts the next morning. For a large US book that
    backlog needs more agents in business hours than answering the night where it is daytime
    (follow-the-sun) costs: 24/7 is then cheaper, and the option row says so (a saving)."""
    us = _with(CATALOG["US"], accounts=4_200)
    catalog = _catalog_with(us)
    business = cost_to_serve(us, BASELINE, catalog)
    always = cost_to_serve(us, SUN, catalog)
    assert always.annual_total_usd < business.annual_total_usd
    day_agents = business.staffing.query("hour == 10")["agents"].sum()
    assert always.staffing.query("hour == 10")["agents"].sum() < day_agents
    without_nights = cost_to_serve(_with(us, off_hours_contact_share=0.0), SUN, catalog)
    assert (
        without_nights.annual_total_usd
        > cost_to_serve(_with(us, off_hours_contact_share=0.0), BASELINE, catalog).annual_total_usd
    )


@FEW
@given(changes=market_changes, coverage=st.sampled_from(list(Coverage)))
def test_more_languages_never_cost_less_in_staffing(changes: dict, coverage: Coverage) -> None:
    """Splitting a market's contacts into one desk per language never needs fewer agents
    (pooling, and each desk has its minimum on duty). In money it usually costs more too, but
    not always: a second language the hub speaks natively moves contacts off staff paid a
    language premium (Israel's English at the Egypt hub)."""
    market = _random_market(changes)
    catalog = _catalog_with(market)
    one = cost_to_serve(market, SupportDesign(coverage=coverage), catalog)
    every = cost_to_serve(market, SupportDesign(coverage=coverage, multilingual=True), catalog)
    assert every.agent_hours_per_week >= one.agent_hours_per_week - 1e-9
    assert every.fte >= one.fte * (1 - 1e-12)
    hub_languages = site_of(catalog[market.remote_hub], PARAMS).languages
    if all(
        (lang in hub_languages) == (market.primary_language in hub_languages)
        for lang in market.support_languages
    ):  # the same language premium on every desk: more staff can only cost more
        assert every.annual_total_usd >= one.annual_total_usd * (1 - 1e-12)


@FEW
@given(
    changes=market_changes,
    factor=st.floats(1.01, 5.0),
    option=st.sampled_from(sorted(ALL_DESIGNS.keys() - {"follow_the_sun"})),
)
def test_costs_scale_with_wages(changes: dict, factor: float, option: str) -> None:
    """Raising every site's wages (the markets' own and the hub sites') raises wage-driven cost
    by the same factor, never lowers any."""
    market = _random_market(changes)
    catalog = _catalog_with(market)
    dearer = {
        code: _with(m, agent_cost_usd=m.agent_cost_usd * factor) for code, m in catalog.items()
    }
    dearer_sites = {
        code: dataclasses.replace(site, agent_cost_usd=site.agent_cost_usd * factor)
        for code, site in shipped_sites().items()
    }
    design = ALL_DESIGNS[option]
    cheap = cost_to_serve(market, design, catalog)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(desks, "shipped_sites", lambda: dearer_sites)
        dear = cost_to_serve(dearer[market.code], design, dearer)
    for name in ("agent_wages_usd", "night_weekend_premium_usd", "language_premium_usd"):
        assert dear.components[name] == pytest.approx(cheap.components[name] * factor, rel=1e-9)
    for name in (
        "seat_costs_usd",
        "site_overhead_usd",
        "office_fixed_usd",
        "setup_amortisation_usd",
        "distributor_fees_usd",
    ):
        assert dear.components[name] == pytest.approx(cheap.components[name], rel=1e-9)
    assert dear.components["escalation_usd"] >= cheap.components["escalation_usd"]
    assert dear.fte == pytest.approx(cheap.fte)  # the same agents, dearer
    assert dear.annual_total_usd >= cheap.annual_total_usd


@FEW
@given(changes=market_changes, speedup=st.floats(0.05, 0.95))
def test_faster_sla_never_costs_less(changes: dict, speedup: float) -> None:
    market = _random_market(changes)
    catalog = _catalog_with(market)
    for design in (BASELINE, NIGHTS):
        slow = cost_to_serve(market, design, catalog)
        fast = cost_to_serve(
            market, design, catalog, answer_within_seconds=market.answer_target_seconds * speedup
        )
        assert fast.answer_within_seconds == pytest.approx(market.answer_target_seconds * speedup)
        # Equal head counts can differ in the last bit of a float sum: a hair of slack.
        assert fast.annual_total_usd >= slow.annual_total_usd * (1 - 1e-12)
        assert fast.fte >= slow.fte * (1 - 1e-12)


def test_faster_sla_costs_more_somewhere() -> None:
    """A live desk whose agents the answer target binds (not the occupancy cap, which a blended
    desk carrying e-mail and the night's backlog often hits first): phone and chat only."""
    us = _with(
        CATALOG["US"],
        accounts=5_000,
        preferred_channels=("phone", "chat"),
        off_hours_contact_share=0.0,
    )
    relaxed = cost_to_serve(us, BASELINE, CATALOG, answer_within_seconds=300)
    strict = cost_to_serve(us, BASELINE, CATALOG, answer_within_seconds=5)
    assert strict.annual_total_usd > relaxed.annual_total_usd
    assert strict.agent_hours_per_week > relaxed.agent_hours_per_week
    assert strict.answer_within_seconds == 5 and relaxed.answer_within_seconds == 300


# --- staffing meets the service level -------------------------------------------------------


def _carries(workload, agents: int, live: float, total: float, priority: bool) -> bool:
    """Do ``agents`` answer both loads within the targets (capacity.py's promises)?"""
    t = workload.capacity.targets
    late = 1.0 - t.service_level + 1e-9

    def fcfs(load: float, seconds: float) -> bool:
        if load <= 0:
            return True
        return (
            agents > load and float(service_level(agents, load, t.aht_seconds, seconds)) >= 1 - late
        )

    def with_priority(load: float, standard: float, fast: float) -> bool:
        if load <= 0:
            return True
        if agents <= load:
            return False
        waiting = float(erlang_c(agents, load))
        gap = agents - load
        return (
            waiting * np.exp(-gap * fast / t.aht_seconds) <= late
            and waiting * np.exp(-standard * gap**2 / (agents * t.aht_seconds)) <= late
        )

    if total > agents * t.max_occupancy * (1 + 1e-9) + 1e-6:
        return False
    if priority:
        return with_priority(live, t.live_seconds, t.live_priority_seconds) and with_priority(
            total, t.async_seconds, t.async_priority_seconds
        )
    return fcfs(live, t.live_seconds) and fcfs(total, t.async_seconds)


def _check_every_group(workload, evaluation, row: int) -> int:
    """Every slot group: whole agents carrying its loads, the minimum while open, and no spare
    agent above the minimum. Returns the number of staffed groups checked."""
    agents = evaluation.agents[row]
    sold = evaluation.accounts[row] > 0
    opened = (sold[:, None] & workload.opens).any(axis=0)
    priority = (sold[:, None] & workload.priority).any(axis=0)
    checked = 0
    for g, n in enumerate(agents):
        live, total = float(evaluation.live[row, g]), float(evaluation.total[row, g])
        assert n == int(n) and n >= 0
        if not opened[g]:
            assert n == 0 and total == 0
            continue
        assert n >= workload.min_on_duty
        assert _carries(workload, int(n), live, total, bool(priority[g])), (workload.market, g)
        if n > workload.min_on_duty:  # one agent fewer would miss a promise
            assert not _carries(workload, int(n) - 1, live, total, bool(priority[g]))
        checked += 1
    return checked


def test_staffing_meets_the_service_level_in_every_staffed_slot() -> None:
    """Every market, every kind of desk: hub by day, backlog, nights at home or abroad,
    language desks, the local team, a distributor's escalations."""
    designs = (
        "baseline",
        "multilingual_24x7",
        "local_office_24x7",
        "follow_the_sun",
        "distributor",
    )
    for market in MARKETS:
        for name, design in ((name, ALL_DESIGNS[name]) for name in designs):
            cost = cost_to_serve(market, design, CATALOG)
            workload = design_workload(market, design, CATALOG)
            accounts = np.zeros((1, len(workload.sets)))
            staffed = market.accounts * (
                PARAMS.escalation_share if design.delivery is DeliveryModel.DISTRIBUTOR else 1.0
            )
            accounts[0, workload.set_index(design.options)] = staffed
            evaluation = workload.evaluate(accounts)
            assert _check_every_group(workload, evaluation, 0) > 0, (market.code, name)
            assert evaluation.cost_usd[0] == pytest.approx(
                sum(
                    cost.components[c]
                    for c in (
                        *STAFF,
                        "holiday_cover_usd",
                        "office_fixed_usd",
                        "setup_amortisation_usd",
                    )
                )
                if design.delivery is not DeliveryModel.DISTRIBUTOR
                else cost.components["escalation_usd"]
            )
            assert cost.lowest_service_level >= PARAMS.service_level
            assert 0 < cost.occupancy <= PARAMS.max_occupancy
            assert (cost.staffing["agents"] >= PARAMS.min_agents_on_duty).all()
            assert cost.peak_agents_on_duty == max(evaluation.agents[0])
            assert len(cost.staffing) == cost.covered_hours_per_week
            if design.coverage is Coverage.BUSINESS_HOURS:
                assert cost.covered_hours_per_week == 9 * len(working_days(market.code))


def test_priority_contacts_and_every_option_set_are_staffed_to_their_promises() -> None:
    """The MILP's workload with every option, each set sold on its own and all together."""
    dearer_somewhere = False
    for code in ("US", "DE", "SA", "IN", "JP", "BR"):
        market = _with(CATALOG[code], accounts=CATALOG[code].accounts * 5)
        workload = build_workload(market, CATALOG)
        assert workload.options == TIER_OPTIONS and len(workload.sets) == 16
        configs = np.eye(len(workload.sets)) * market.accounts
        configs = np.vstack([configs, np.full(len(workload.sets), market.accounts / 16)])
        evaluation = workload.evaluate(configs)
        for row in range(len(configs)):
            _check_every_group(workload, evaluation, row)
        # Priority promises are stricter: never fewer agents than the same load without them.
        base, fast = workload.set_index(()), workload.set_index(("priority_response",))
        assert (evaluation.agents[fast] >= evaluation.agents[base]).all()
        assert evaluation.cost_usd[fast] >= evaluation.cost_usd[base]
        dearer_somewhere |= bool(evaluation.cost_usd[fast] > evaluation.cost_usd[base])
    assert dearer_somewhere  # India and Brazil need an agent more for their priority callers


def test_slot_groups_tile_the_week() -> None:
    """Each desk's groups cover its open slots exactly once; a 24/7 hub desk covers all 672."""
    for code in ("US", "SA", "IN", "AU"):
        market = CATALOG[code]
        workload = design_workload(market, ALL_DESIGNS["multilingual_24x7"], CATALOG)
        week = workload.week
        for desk in {g.desk for g in workload.groups}:
            slots = [s for g in workload.groups if g.desk == desk for s in g.slots]
            assert len(slots) == len(set(slots))
            if desk == "hub":
                assert sorted(slots) == list(range(SLOTS_PER_WEEK))
            else:
                assert sorted(slots) == list(np.flatnonzero(week.business))
        for group in workload.groups:
            share = week.open_share if group.business else 1.0
            assert group.hours_per_year == pytest.approx(len(group.slots) / 4 * 52 * share)
            assert all(week.business[s] == group.business for s in group.slots)


# --- follow the sun -------------------------------------------------------------------------


def _hourly_rate_by_hand(market: Market, hub: Market, slot: int) -> float:
    """One agent-hour at ``hub`` for the market's local ``slot``: wage (+ night/weekend premium
    outside 08-20 on the hub's working days, + language premium if the hub has no native
    speakers of the market's first language), seat and the hub site's overhead."""
    shift = (utc_offset_minutes(hub.timezone) - utc_offset_minutes(market.timezone)) // 15
    there = (slot + shift) % SLOTS_PER_WEEK
    day, hour = divmod(there, 96)[0], (there % 96) // 4
    daytime = day in working_days(hub.code) and PARAMS.day_hours[0] <= hour < PARAMS.day_hours[1]
    native = market.primary_language in set(hub.support_languages) | {"en"}
    premiums = (0 if daytime else 0.25) + (0 if native else 0.25)
    return _hub_hour(hub) + _hourly(hub.agent_cost_usd) * premiums


@pytest.mark.parametrize("code", ["DE", "JP", "IN", "SA", "US", "AU"])
def test_night_slots_are_staffed_where_they_cost_least(code: str) -> None:
    """Night shifts: every slot at the home hub. Follow-the-sun: business hours stay home and
    each other slot goes to the hub where it costs least (daytime there if that is cheaper)."""
    market = CATALOG[code]
    hubs = [CATALOG[h] for h in HUBS]
    home = CATALOG[market.remote_hub]
    for design, everywhere in ((NIGHTS, False), (SUN, True)):
        workload = design_workload(market, design, CATALOG)
        for group in (g for g in workload.groups if g.desk == "hub"):
            rate = sum(group.rate_usd.values())
            for slot, site in zip(group.slots, group.staffed_at, strict=True):
                if group.business or not everywhere:
                    assert site == home.code
                    assert rate == pytest.approx(_hourly_rate_by_hand(market, home, slot))
                else:
                    best = min(_hourly_rate_by_hand(market, hub, slot) for hub in hubs)
                    assert rate == pytest.approx(best)
                    assert rate == pytest.approx(_hourly_rate_by_hand(market, CATALOG[site], slot))


def test_follow_the_sun_never_costs_more_than_night_shifts() -> None:
    for market in MARKETS:
        nights = cost_to_serve(market, NIGHTS, CATALOG)
        sun = cost_to_serve(market, SUN, CATALOG)
        assert sun.annual_total_usd <= nights.annual_total_usd * (1 + 1e-12), market.code
        assert sun.agent_hours_per_week == pytest.approx(nights.agent_hours_per_week)
        assert sun.covered_hours_per_week == 168


def test_follow_the_sun_avoids_the_night_premium_where_a_daytime_hub_exists() -> None:
    """Germany 24/7 from Warsaw pays the premium on every night; with follow-the-sun, Cairo
    answers Germany's Sunday in its own working daytime, without the premium, for less."""
    de = CATALOG["DE"]
    nights = cost_to_serve(de, NIGHTS, CATALOG)
    sun = cost_to_serve(de, SUN, CATALOG)
    assert (
        sun.components["night_weekend_premium_usd"] < nights.components["night_weekend_premium_usd"]
    )
    assert sun.annual_total_usd < nights.annual_total_usd
    workload = design_workload(de, SUN, CATALOG)
    sunday_noon = 6 * 96 + 12 * 4
    group = next(g for g in workload.groups if g.desk == "hub" and sunday_noon in g.slots)
    assert group.staffed_at[group.slots.index(sunday_noon)] == "EG"
    assert group.rate_usd["night_weekend_premium_usd"] == 0.0


# --- curves and break-even ------------------------------------------------------------------


def test_curve_matches_point_costs() -> None:
    for code, design in (("JP", BASELINE), ("DE", OFFICE), ("BR", PARTNER), ("AU", SUN)):
        market = CATALOG[code]
        counts = [0, 1, 37, 90, 500]
        curve = cost_curve(market, design, CATALOG, counts)
        for count, total in zip(counts, curve, strict=True):
            point = cost_to_serve(market, design, CATALOG, accounts=count)
            assert total == pytest.approx(point.annual_total_usd)
            assert total == pytest.approx(
                cost_to_serve(_with(market, accounts=count), design, CATALOG).annual_total_usd
            )
    # Revenue share is added on the distributor's curve only.
    br = CATALOG["BR"]
    plain = cost_curve(br, PARTNER, CATALOG, [100])
    shared = cost_curve(br, PARTNER, CATALOG, [100], revenue_per_account_usd=1_000)
    assert shared[0] == pytest.approx(plain[0] + 100 * 1_000 * br.distributor_revenue_share)
    office = cost_curve(br, OFFICE, CATALOG, [100], revenue_per_account_usd=1_000)
    assert office[0] == pytest.approx(cost_curve(br, OFFICE, CATALOG, [100])[0])


def test_break_even_against_brute_force() -> None:
    """Brazil: the local office against a distributor, every count from 0 to 6,000."""
    br = CATALOG["BR"]
    found = break_even_accounts(br, CATALOG, DeliveryModel.DISTRIBUTOR, max_accounts=6_000)
    counts = np.arange(0, 6_001)
    office = cost_curve(br, OFFICE, CATALOG, counts)
    partner = cost_curve(br, PARTNER, CATALOG, counts)
    expected = None
    for count in range(6_000, -1, -1):  # the first count from which the office stays cheaper
        if office[count] > partner[count]:
            break
        expected = count
    assert found is not None and found == expected and found > 0
    for count in (found - 1, found, found + 1, found + 500):
        mine = cost_to_serve(br, OFFICE, CATALOG, accounts=count).annual_total_usd
        theirs = cost_to_serve(br, PARTNER, CATALOG, accounts=count).annual_total_usd
        assert (mine <= theirs) == (count >= found), count


def test_break_even_none_when_the_office_never_wins() -> None:
    """A German office pays German wages and rent; the Polish hub is cheaper at every count.
    The US is its own hub: its "office" is the hub team, as cheap from the first account."""
    assert break_even_accounts(CATALOG["DE"], CATALOG, DeliveryModel.REMOTE_HUB) is None
    assert break_even_accounts(CATALOG["JP"], CATALOG, DeliveryModel.REMOTE_HUB) is None
    assert break_even_accounts(CATALOG["US"], CATALOG, DeliveryModel.REMOTE_HUB) == 0


def test_revenue_share_moves_distributor_break_even_earlier() -> None:
    br = CATALOG["BR"]
    without = break_even_accounts(br, CATALOG, DeliveryModel.DISTRIBUTOR, max_accounts=6_000)
    with_share = break_even_accounts(
        br, CATALOG, DeliveryModel.DISTRIBUTOR, max_accounts=6_000, revenue_per_account_usd=5_000
    )
    assert with_share is not None and without is not None and with_share < without


# --- tables ---------------------------------------------------------------------------------


def test_delivery_comparison_and_summary_shapes() -> None:
    saudi = CATALOG["SA"]
    table = delivery_comparison(saudi, CATALOG)
    assert len(table) == 7 and (table["annual_total_usd"] > 0).all()
    assert list(table["delivery_model"])[:3] == [
        "remote hub, business hours",
        "remote hub, 24x7 night shifts",
        "follow-the-sun, 24x7",
    ]
    rows = table.set_index("delivery_model")
    assert rows.loc["follow-the-sun, 24x7", "annual_total_usd"] <= rows.loc[
        "remote hub, 24x7 night shifts", "annual_total_usd"
    ] * (1 + 1e-12)
    assert rows.loc["remote hub, business hours", "annual_total_usd"] == pytest.approx(
        cost_to_serve(saudi, BASELINE, CATALOG).annual_total_usd
    )
    assert (table["per_account_usd"] * saudi.accounts).to_numpy() == pytest.approx(
        table["annual_total_usd"].to_numpy()
    )
    summary = portfolio_summary(MARKETS)
    assert len(summary) == len(MARKETS) and list(summary["code"]) == list(CATALOG)
    assert (summary["extra_24x7_annual_usd"] > 0).all()
    assert np.isfinite(summary["baseline_per_account_usd"]).all()
    assert (summary["baseline_per_account_usd"] * summary["accounts"]).to_numpy() == pytest.approx(
        summary["baseline_annual_usd"].to_numpy()
    )
    assert summary.set_index("code").loc["SA", "working_days"] == "Sun Mon Tue Wed Thu"
    assert summary.set_index("code").loc["DE", "working_days"] == "Mon Tue Wed Thu Fri"


def test_portfolio_summary_agrees_with_cost_to_serve() -> None:
    """The Overview's figures (one shared workload per market) are the designs' own costs."""
    summary = portfolio_summary(CATALOG.values()).set_index("code")
    for code in ("US", "SA", "IN", "DE", "AU"):
        market = CATALOG[code]
        base = cost_to_serve(market, BASELINE, CATALOG)
        always = cost_to_serve(market, OPTIONS["coverage_24x7"], CATALOG)
        row = summary.loc[code]
        assert row["baseline_annual_usd"] == pytest.approx(base.annual_total_usd, rel=1e-12)
        assert row["extra_24x7_annual_usd"] == pytest.approx(
            always.annual_total_usd - base.annual_total_usd, rel=1e-12, abs=1e-6
        )
        assert row["fte"] == pytest.approx(base.fte, rel=1e-12)
        assert row["working_days"] == " ".join(base.working_days)
