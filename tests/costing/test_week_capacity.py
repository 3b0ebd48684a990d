"""A market's own week (working days, exact UTC offsets, holidays) and the Erlang C capacity
tables under the step cost, against independent references.
"""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date

import holidays as holiday_lib
import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pricing.costing.capacity import LOAD_TOLERANCE, Targets, capacity_table
from pricing.costing.engine import BASELINE, cost_to_serve
from pricing.costing.staffing import erlang_c, required_agents, service_level
from pricing.costing.week import (
    SLOTS_PER_DAY,
    in_zone,
    market_week,
    public_holidays,
    shift_slots,
    utc_offset_minutes,
    week_mask,
    working_days,
)
from pricing.costing.workload import STAFF_COMPONENTS, build_workload
from pricing.errors import InputError
from pricing.inputs.catalog import load_markets
from pricing.models import CostParameters
from pricing.outputs.payload import market_payload
from tests.helpers import plan_of

MARKETS = {m.code: m for m in load_markets()}
HOURS = CostParameters().business_hours
SUN_THU = ["Sun", "Mon", "Tue", "Wed", "Thu"]
MON_FRI = ["Mon", "Tue", "Wed", "Thu", "Fri"]
SETTINGS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


def week_of(code: str):
    return market_week(code, MARKETS[code].timezone, HOURS)


# --- Working days ----------------------------------------------------------------------


@pytest.mark.parametrize("code", ["SA", "QA", "EG", "IL"])
def test_gulf_egypt_and_israel_work_sunday_to_thursday(code: str) -> None:
    week = week_of(code)
    assert week.working_days == (0, 1, 2, 3, 6)  # 0 = Monday, 6 = Sunday
    assert week.working_day_names == SUN_THU
    assert week.label == "Sun-Thu 09:00-18:00"
    business = week.business.reshape(7, SLOTS_PER_DAY)
    assert not business[4].any() and not business[5].any()  # Friday, Saturday closed
    assert business[6].sum() == 9 * 4  # Sunday open 09:00-18:00


@pytest.mark.parametrize("code", ["US", "DE"])
def test_us_and_germany_work_monday_to_friday(code: str) -> None:
    week = week_of(code)
    assert week.working_days == (0, 1, 2, 3, 4)
    assert week.working_day_names == MON_FRI
    assert week.label == "Mon-Fri 09:00-18:00"


def test_shipped_time_zones_are_the_ones_tested() -> None:
    zones = {c: MARKETS[c].timezone for c in ("SA", "QA", "EG", "IL", "US", "DE", "IN")}
    assert zones == {
        "SA": "Asia/Riyadh",
        "QA": "Asia/Qatar",
        "EG": "Africa/Cairo",
        "IL": "Asia/Jerusalem",
        "US": "America/New_York",
        "DE": "Europe/Berlin",
        "IN": "Asia/Kolkata",
    }


def test_plan_payload_states_the_saudi_week() -> None:
    plan = plan_of(MARKETS.values(), only=["SA"]).markets
    [entry] = [market_payload(p) for p in plan]
    assert entry["market"] == "SA"
    assert entry["working_days"] == SUN_THU
    assert entry["business_hours"] == "Sun-Thu 09:00-18:00"
    for tier in entry["tiers"]:
        if "coverage_24x7" not in tier["options"]:
            assert tier["coverage"] == "Sun-Thu 09:00-18:00"


def test_saudi_baseline_is_staffed_sunday_to_thursday_only() -> None:
    breakdown = cost_to_serve(MARKETS["SA"], BASELINE, MARKETS)
    assert list(breakdown.working_days) == SUN_THU
    assert breakdown.covered_hours_per_week == 45
    staffed = breakdown.staffing
    assert set(staffed["day"]) == {6, 0, 1, 2, 3}  # agents on duty Sun-Thu, none Fri/Sat
    assert set(staffed["hour"]) == set(range(9, 18))
    assert breakdown.annual_total_usd > 0


# --- Exact UTC offsets on the quarter-hour grid ------------------------------------------


def test_half_and_three_quarter_hour_zones_are_exact() -> None:
    assert utc_offset_minutes("Asia/Kolkata") == 330
    assert utc_offset_minutes("Asia/Kathmandu") == 345
    assert utc_offset_minutes("Pacific/Chatham") == 13 * 60 + 45  # January: daylight time
    assert utc_offset_minutes("UTC") == 0
    assert shift_slots(0, 330) == 22  # 5 h 30 = 22 quarter hours
    assert shift_slots(0, 345) == 23
    assert shift_slots(330, 345) == 1  # India to Nepal: one quarter hour
    assert shift_slots(330, 0) == -22
    assert shift_slots(330, 480) == 10  # India to the Philippines hub: 2 h 30
    with pytest.raises(InputError):
        shift_slots(0, 10)  # not a whole quarter hour: refused, never rounded


def _open_minutes(mask: np.ndarray, day: int) -> tuple[int, int]:
    """First open minute and first closed minute after it, on one day of a week mask."""
    slots = np.flatnonzero(mask.reshape(7, SLOTS_PER_DAY)[day])
    assert (np.diff(slots) == 1).all()
    return int(slots[0]) * 15, int(slots[-1] + 1) * 15


def test_indian_business_hours_read_in_utc_start_at_0330() -> None:
    india = week_of("IN")
    assert india.utc_offset_minutes == 330
    # Slot h of the UTC week is slot h + shift of India's week.
    in_utc = in_zone(india.business, shift_slots(0, india.utc_offset_minutes))
    assert _open_minutes(in_utc, 0) == (3 * 60 + 30, 12 * 60 + 30)  # 09:00-18:00 IST
    assert in_utc.sum() == india.business.sum()  # nothing lost or rounded
    nepal = market_week("NP", "Asia/Kathmandu", HOURS)
    nepal_utc = in_zone(nepal.business, shift_slots(0, 345))
    assert _open_minutes(nepal_utc, 0) == (3 * 60 + 15, 12 * 60 + 15)
    # Chatham's Monday 09:00-18:00 (+13:45) is Sunday 19:15 to Monday 04:15 UTC: it wraps.
    chatham = in_zone(week_mask((0,), HOURS), shift_slots(0, utc_offset_minutes("Pacific/Chatham")))
    days = chatham.reshape(7, SLOTS_PER_DAY)
    assert np.flatnonzero(days[6])[0] * 15 == 19 * 60 + 15
    assert days[6, -1] and days[0, 0]  # across midnight and the end of the week array
    assert (np.flatnonzero(days[0])[-1] + 1) * 15 == 4 * 60 + 15
    assert chatham.sum() == 9 * 4


def test_hub_rates_follow_the_exact_offset() -> None:
    """India is served from the Philippines (+8): the hub's daytime (08:00-20:00 Manila)
    is 05:30-17:30 in India, so India's 09:00-18:00 has night premium from 17:30 exactly."""
    workload = build_workload(MARKETS["IN"], MARKETS, options=())
    business = [g for g in workload.groups if g.desk == "hub" and g.business]
    monday = [(s, g) for g in business for s in g.slots if s < SLOTS_PER_DAY]
    premium_slots = {s for s, g in monday if g.rate_usd["night_weekend_premium_usd"] > 0}
    plain_slots = {s for s, g in monday if g.rate_usd["night_weekend_premium_usd"] == 0}
    assert min(premium_slots) * 15 == 17 * 60 + 30
    assert max(plain_slots) * 15 == 17 * 60 + 15
    assert min(plain_slots) * 15 == 9 * 60


# --- Capacity tables against Erlang C staffing -------------------------------------------


@st.composite
def queues(draw):
    aht = draw(st.floats(30.0, 1800.0))
    live = draw(st.floats(5.0, 300.0))
    targets = Targets(
        live_seconds=live,
        live_priority_seconds=draw(st.floats(1.0, live)),
        async_seconds=draw(st.floats(live, 86_400.0)),
        async_priority_seconds=draw(st.floats(1.0, live)),
        aht_seconds=aht,
        service_level=draw(st.floats(0.5, 0.95)),
        max_occupancy=draw(st.floats(0.5, 1.0)),
    )
    load = draw(st.floats(0.01, 60.0))
    return targets, load


def _away_from_steps(table: np.ndarray, load: float) -> bool:
    """A load within round-off of a capacity is a tie between N and N + 1: not informative."""
    return bool(np.all(np.abs(table - load) > 1e-5 * max(1.0, load)))


@SETTINGS
@given(queues())
def test_capacity_table_agrees_with_required_agents(case) -> None:
    targets, load = case
    table = capacity_table(targets, load)
    assume(_away_from_steps(table.live, load) and _away_from_steps(table.total, load))
    contacts = load * 3600.0 / targets.aht_seconds
    for seconds, live_load, total_load in (
        (targets.live_seconds, load, 0.0),
        (targets.async_seconds, 0.0, load),
    ):
        expected = int(
            required_agents(
                contacts,
                targets.aht_seconds,
                seconds,
                targets.service_level,
                targets.max_occupancy,
                0,
            )
        )
        got = int(table.agents(np.array(live_load), np.array(total_load), np.array(False), 0))
        assert got == expected, (targets, load, seconds)


@SETTINGS
@given(queues(), st.floats(0.1, 1.0))
def test_priority_never_needs_fewer_agents(case, shorter) -> None:
    targets, load = case
    table = capacity_table(targets, load)
    faster = dataclasses.replace(
        targets,
        live_priority_seconds=targets.live_priority_seconds * shorter,
        async_priority_seconds=targets.async_priority_seconds * shorter,
    )
    tighter = capacity_table(faster, load)
    size = min(len(table.live), len(tighter.live))
    assert (table.live_priority <= table.live).all()
    assert (table.total_priority <= table.total).all()
    assert (tighter.live_priority[:size] <= table.live_priority[:size] + 1e-9).all()
    assert (tighter.total_priority[:size] <= table.total_priority[:size] + 1e-9).all()
    for live, total in ((load, 0.0), (0.0, load), (load, load)):
        plain = int(table.agents(np.array(live), np.array(total), np.array(False), 0))
        prio = int(table.agents(np.array(live), np.array(total), np.array(True), 0))
        fast = int(tighter.agents(np.array(live), np.array(total), np.array(True), 0))
        assert prio >= plain
        assert fast >= prio


@SETTINGS
@given(queues())
def test_capacity_rises_with_agents_and_respects_occupancy(case) -> None:
    targets, load = case
    table = capacity_table(targets, load)
    n = np.arange(len(table.live))
    for column in (table.live, table.live_priority, table.total, table.total_priority):
        assert column[0] == 0.0
        assert (np.diff(column) >= 0).all()
        assert (column <= n * targets.max_occupancy + 1e-9).all()
        assert (column[1:] < n[1:]).all()  # stability: N agents carry less than N Erlangs
        assert column[-1] >= load  # the table reaches the load it was built for


# --- Against an independent Erlang C (mpmath, closed form) -------------------------------

mpmath.mp.dps = 40


def mp_erlang_c(agents: int, load: float):
    """C(N, A) = (A^N / N!) N / (N - A) / (sum_{k<N} A^k / k! + (A^N / N!) N / (N - A)).

    The Erlang C formula (A. K. Erlang 1917; e.g. Kleinrock, Queueing Systems vol. 1, 1975,
    eq. 3.40, or Cooper, Introduction to Queueing Theory, 1981, sec. 3.4), in 40-digit
    arithmetic: a reference that shares nothing with ``pricing.costing.staffing``'s log-space code.
    """
    a = mpmath.mpf(load)
    last = a**agents / mpmath.factorial(agents) * agents / (agents - a)
    return last / (mpmath.fsum(a**k / mpmath.factorial(k) for k in range(agents)) + last)


def mp_service_level(agents: int, load: float, aht: float, seconds: float):
    return 1 - mp_erlang_c(agents, load) * mpmath.exp(-(agents - mpmath.mpf(load)) * seconds / aht)


def mp_least_agents(load: float, aht: float, seconds: float, level: float, occupancy: float) -> int:
    agents = max(int(np.floor(load)) + 1, int(np.ceil(load / occupancy - 1e-12)))
    while mp_service_level(agents, load, aht, seconds) < level:
        agents += 1
    return agents


@pytest.mark.parametrize(
    ("agents", "load"),
    [(1, 0.5), (2, 1.0), (14, 10.0), (13, 10.0), (30, 25.0), (120, 100.0), (520, 500.0),
     (2080, 2000.0)],
)  # fmt: skip
def test_erlang_c_matches_the_closed_form(agents: int, load: float) -> None:
    assert float(erlang_c(agents, load)) == pytest.approx(
        float(mp_erlang_c(agents, load)), rel=1e-9
    )


@pytest.mark.parametrize(
    ("load", "aht", "seconds", "level", "occupancy"),
    [
        (10.0, 180.0, 20.0, 0.8, 1.0),  # 100 calls per half hour, 3 min, 80 % in 20 s
        (10.0, 180.0, 20.0, 0.9, 1.0),
        (2.5, 600.0, 60.0, 0.8, 0.85),
        (0.2, 300.0, 30.0, 0.8, 0.85),
        (55.0, 240.0, 15.0, 0.8, 0.9),
        (400.0, 300.0, 20.0, 0.8, 0.95),
    ],
)
def test_least_agents_match_the_closed_form(load, aht, seconds, level, occupancy) -> None:
    """The least N with SL(N) >= target from 40-digit Erlang C, against ``required_agents``
    and the capacity table. For 10 Erlangs, AHT 180 s, 80 % in 20 s the closed form gives
    13 agents -> 79.56 %, 14 -> 88.84 %: 14 agents (the answer of the worked example usually
    quoted for 100 calls per half hour; asserted here only against mpmath)."""
    expected = mp_least_agents(load, aht, seconds, level, occupancy)
    if (load, aht, seconds, level) == (10.0, 180.0, 20.0, 0.8):
        assert expected == 14
        assert float(mp_service_level(13, load, aht, seconds)) == pytest.approx(0.79559, abs=1e-5)
        assert float(mp_service_level(14, load, aht, seconds)) == pytest.approx(0.88835, abs=1e-5)
    contacts = load * 3600.0 / aht
    assert int(required_agents(contacts, aht, seconds, level, occupancy, 0)) == expected
    targets = Targets(seconds, seconds, seconds, seconds, aht, level, occupancy)
    table = capacity_table(targets, load)
    assert int(table.agents(np.array(load), np.array(0.0), np.array(False), 0)) == expected


@pytest.mark.parametrize("seconds", [20.0, 60.0, 600.0])
def test_each_capacity_is_the_largest_load_meeting_the_target(seconds: float) -> None:
    """At ``live[N]`` the closed-form service level meets the target (or the occupancy cap
    binds); a little more load and it does not."""
    aht, level, occupancy = 300.0, 0.8, 0.85
    targets = Targets(seconds, seconds / 4, seconds, seconds / 4, aht, level, occupancy)
    table = capacity_table(targets, 40.0)
    for agents in range(1, 45):
        capacity = float(table.live[agents])
        assert mp_service_level(agents, capacity, aht, seconds) >= level - 1e-9
        assert capacity <= agents * occupancy + 1e-9
        more = capacity + 1e-6 * max(1.0, capacity) + LOAD_TOLERANCE
        assert more > agents * occupancy or mp_service_level(agents, more, aht, seconds) < level
        # With a priority class: both documented tails at the capacity, at A1 = A.
        prio = float(table.live_priority[agents])
        if prio > 0:
            c = mp_erlang_c(agents, prio)
            gap = agents - mpmath.mpf(prio)
            priority_late = c * mpmath.exp(-gap * (seconds / 4) / aht)
            standard_late = c * mpmath.exp(-seconds * gap**2 / (agents * aht))
            assert max(priority_late, standard_late) <= 1 - level + 1e-9


def test_service_level_matches_the_closed_form() -> None:
    for agents, load, aht, seconds in [(14, 10.0, 180.0, 20.0), (3, 2.2, 600.0, 45.0)]:
        assert float(service_level(agents, load, aht, seconds)) == pytest.approx(
            float(mp_service_level(agents, load, aht, seconds)), rel=1e-9
        )


# --- The exact cost never falls with more load -------------------------------------------


def _workload(code: str):
    return build_workload(MARKETS[code], MARKETS, max_accounts=4_000)


WORKLOADS = {code: _workload(code) for code in ("CA", "SA", "IN")}  # all four options each


def _staff(evaluation) -> np.ndarray:
    return sum(evaluation.components[name] for name in STAFF_COMPONENTS)


@st.composite
def sales(draw, code: str):
    workload = WORKLOADS[code]
    counts = draw(
        st.lists(
            st.one_of(st.just(0.0), st.floats(0.0, 120.0)),
            min_size=len(workload.sets),
            max_size=len(workload.sets),
        )
    )
    return np.array(counts)


@pytest.mark.parametrize("code", sorted(WORKLOADS))
@SETTINGS
@given(data=st.data())
def test_more_accounts_never_cost_less(code: str, data) -> None:
    workload = WORKLOADS[code]
    before = data.draw(sales(code))
    after = before.copy()
    where = data.draw(st.integers(0, len(workload.sets) - 1))
    after[where] += data.draw(st.floats(0.5, 200.0))
    cost = workload.evaluate(np.vstack([before, after])).cost_usd
    assert cost[1] >= cost[0] - 1e-6, (workload.sets[where], before.tolist())


def _with_option(workload, accounts: np.ndarray, option: str) -> np.ndarray:
    moved = np.zeros_like(accounts)
    for index, options in enumerate(workload.sets):
        moved[workload.set_index(options | {option})] += accounts[index]
    return moved


@pytest.mark.parametrize("code", sorted(WORKLOADS))
@SETTINGS
@given(data=st.data())
def test_priority_for_every_account_never_lowers_staffing(code: str, data) -> None:
    workload = WORKLOADS[code]
    before = data.draw(sales(code))
    after = _with_option(workload, before, "priority_response")
    evaluation = workload.evaluate(np.vstack([before, after]))
    staff = _staff(evaluation)
    assert staff[1] >= staff[0] - 1e-6, before.tolist()
    assert (evaluation.agents[1] >= evaluation.agents[0]).all()


NO_NIGHT_CONTACTS = {
    code: build_workload(
        dataclasses.replace(MARKETS[code], off_hours_contact_share=0.0),
        {**MARKETS, code: dataclasses.replace(MARKETS[code], off_hours_contact_share=0.0)},
        max_accounts=4_000,
    )
    for code in ("AE", "US")
}


@pytest.mark.parametrize("code", sorted(WORKLOADS))
@SETTINGS
@given(data=st.data())
def test_24x7_for_every_account_only_moves_the_backlog(code: str, data) -> None:
    """24/7 for every account never needs fewer agents outside business hours (it opens them)
    and changes business-hours loads only by taking the night's backlog out of the morning.

    It can cost LESS in total: the day desk sheds the backlog (the model's intent, see
    tests/test_costs.py). E.g. AE, 50 accounts on {local_office, priority_response}: the local
    desk needs 2 agents for 0.231 E with priority, 1 for 0.203 E without the backlog, while
    the night adds 1 agent at the Egypt hub; staffing falls from about 169 k to 162 k USD.
    """
    workload = WORKLOADS[code]
    before = data.draw(sales(code))
    assume(before.sum() > 0)
    after = _with_option(workload, before, "coverage_24x7")
    evaluation = workload.evaluate(np.vstack([before, after]))
    business = np.array([g.business for g in workload.groups])
    assert (evaluation.agents[1, ~business] >= evaluation.agents[0, ~business]).all()
    hub_nights = np.array([g.desk == "hub" and not g.business for g in workload.groups])
    assert (evaluation.agents[1, hub_nights] >= workload.min_on_duty).all()
    assert (evaluation.total[1, business] <= evaluation.total[0, business] + 1e-12).all()
    assert evaluation.live[1, business] == pytest.approx(evaluation.live[0, business])


@pytest.mark.parametrize("code", sorted(NO_NIGHT_CONTACTS))
@SETTINGS
@given(data=st.data())
@example(data=None)
def test_24x7_never_lowers_staffing_without_a_backlog(code: str, data) -> None:
    """With no contacts outside business hours there is no backlog to shed: 24/7 only adds
    the night desk, so it never lowers staffing. The example is the AE case where, with the
    shipped night share, it does."""
    workload = NO_NIGHT_CONTACTS[code]
    if data is None:
        before = np.zeros(len(workload.sets))
        before[workload.set_index(frozenset({"local_office", "priority_response"}))] = 50.0
    else:
        before = np.array(
            data.draw(
                st.lists(
                    st.floats(0.0, 120.0), min_size=len(workload.sets), max_size=len(workload.sets)
                )
            )
        )
    after = _with_option(workload, before, "coverage_24x7")
    evaluation = workload.evaluate(np.vstack([before, after]))
    staff = _staff(evaluation)
    assert staff[1] >= staff[0] - 1e-6, before.tolist()
    assert (evaluation.agents[1] >= evaluation.agents[0]).all()
    assert evaluation.cost_usd[1] >= evaluation.cost_usd[0] - 1e-6


def test_24x7_can_cost_less_where_the_backlog_needs_a_day_agent() -> None:
    """The AE reproduction: with the shipped night share, 24/7 lowers staffing."""
    workload = build_workload(MARKETS["AE"], MARKETS, max_accounts=4_000)
    before = np.zeros(len(workload.sets))
    before[workload.set_index(frozenset({"local_office", "priority_response"}))] = 50.0
    after = _with_option(workload, before, "coverage_24x7")
    staff = _staff(workload.evaluate(np.vstack([before, after])))
    assert staff[1] < staff[0]


# --- Public holidays -------------------------------------------------------------------


def test_saudi_holidays_close_the_business_desk() -> None:
    week = week_of("SA")
    assert week.holiday_year == 2027
    assert len(week.holidays) >= 5
    working = set(week.working_days)
    for day, name in week.holidays:
        assert day.year == 2027 and name
        assert day.weekday() in working  # only holidays on working days close the desk
    reference = holiday_lib.country_holidays("SA", years=2027)
    expected = sorted(d for d in reference if d.weekday() in {6, 0, 1, 2, 3})
    assert [d for d, _ in week.holidays] == expected
    days_in_year = 366 if calendar.isleap(2027) else 365
    first = date(2027, 1, 1).toordinal()
    sun_to_thu = sum(
        1
        for ordinal in range(first, first + days_in_year)
        if date.fromordinal(ordinal).weekday() in {6, 0, 1, 2, 3}
    )
    assert sun_to_thu == 260  # 2027 is 52 weeks and one day, a Friday (a rest day)
    assert week.served_days_per_year == sun_to_thu - len(week.holidays)
    assert week.open_share == pytest.approx(week.served_days_per_year / sun_to_thu)
    assert public_holidays("SA") == week.holidays
    assert working_days("SA") == week.working_days


def test_the_business_desk_is_paid_for_the_days_it_opens() -> None:
    """Duty hours of the business-hours hub desk: 45 h a week x 52 x the share of working days
    that are not public holidays."""
    workload = build_workload(MARKETS["SA"], MARKETS, options=())
    week = workload.week
    hours = sum(g.hours_per_year for g in workload.groups if g.desk == "hub" and g.business)
    assert hours == pytest.approx(45 * 52 * week.open_share)
    assert week.open_share < 1


def test_a_capacity_table_built_once_answers_smaller_loads_exactly() -> None:
    """Tables are kept per set of promises: a later, smaller request gets the larger table,
    whose rows are those a table built for the smaller load alone would have."""
    from pricing.costing import capacity

    targets = Targets(45.0, 12.0, 7200.0, 1800.0, 500.0, 0.85, 0.8)
    capacity._BUILT.pop(targets, None)
    large = capacity_table(targets, 120.0)
    assert capacity_table(targets, 30.0) is large
    alone = capacity._build(targets, 30.0)
    rows = alone.max_agents + 1
    for kind in ("live", "live_priority", "total", "total_priority"):
        assert np.array_equal(getattr(large, kind)[:rows], getattr(alone, kind)), kind
        assert not getattr(large, kind).flags.writeable
    loads = np.linspace(0.0, 25.0, 60)
    for priority in (False, True):
        assert np.array_equal(
            large.agents(loads, loads * 1.1, np.array(priority), np.array(0)),
            alone.agents(loads, loads * 1.1, np.array(priority), np.array(0)),
        )
    assert capacity_table(targets, 200.0).max_agents > large.max_agents  # grows when asked
