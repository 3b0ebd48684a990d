"""Coverage maths: hours, arrival shares, deferral and follow-the-sun."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing.coverage import (
    Coverage,
    Site,
    arrival_weights,
    business_mask,
    covered_mask,
    follow_the_sun,
    in_zone,
    premium_mask,
    shift_hours,
    workload_weights,
)
from pricing.models import CostParameters

PARAMS = CostParameters()


def test_hours_per_week() -> None:
    assert business_mask(PARAMS).sum() == 45  # Mon-Fri 09:00-18:00
    assert covered_mask(Coverage.EXTENDED_HOURS, PARAMS).sum() == 72  # Mon-Sat 08:00-20:00
    assert covered_mask(Coverage.ALWAYS, PARAMS).sum() == 168
    # Premium: nights (20:00-08:00) on weekdays and all weekend: 5 * 12 + 48.
    assert premium_mask(PARAMS).sum() == 108
    # Monday 09:00 is business, Monday 08:00 is not; Saturday noon is premium.
    assert business_mask(PARAMS)[9] and not business_mask(PARAMS)[8]
    assert premium_mask(PARAMS)[5 * 24 + 12]


@given(share=st.floats(0, 0.99), coverage=st.sampled_from(list(Coverage)))
def test_no_contact_is_lost(share: float, coverage: Coverage) -> None:
    arrivals = arrival_weights(share, PARAMS)
    live, deferred = workload_weights(share, coverage, PARAMS)
    assert arrivals.sum() == pytest.approx(1.0)
    assert live.sum() + deferred.sum() == pytest.approx(1.0)
    assert (live[~covered_mask(coverage, PARAMS)] == 0).all()
    assert (deferred[~business_mask(PARAMS)] == 0).all()
    assert arrivals[~business_mask(PARAMS)].sum() == pytest.approx(share)


def test_shifting_between_zones() -> None:
    # Monday 09:00 in New York (-5) is Monday 22:00 in Manila (+8).
    shift = shift_hours(-5.0, 8.0)
    assert shift == 13
    manila_night = premium_mask(PARAMS)
    assert in_zone(manila_night, shift)[9]  # a New York morning is a Manila night
    assert not in_zone(manila_night, 0)[9]


def test_follow_the_sun_uses_daytime_hubs() -> None:
    cheap_east = Site("PH", 10_000, 2_000, 8.0, frozenset({"en"}))
    dear_west = Site("US", 80_000, 7_000, -5.0, frozenset({"en"}))
    home = Site("PL", 25_000, 3_000, 1.0, frozenset({"en", "pl"}))
    plan = follow_the_sun(home, (cheap_east, dear_west), "en", PARAMS, market_offset_hours=1.0)
    codes = np.array([site.code for site in plan])
    business = business_mask(PARAMS)
    assert (codes[business] == "PL").all()
    # Tuesday 02:00 in Warsaw is 09:00 in Manila: the cheap hub's daytime.
    assert codes[24 + 2] == "PH"
    # Tuesday 21:00 in Warsaw is 04:00 in Manila and 15:00 in New York.
    assert codes[24 + 21] == "US"
    # Sunday is nobody's weekday: the home hub keeps it.
    assert (codes[6 * 24 : 6 * 24 + 24] != "US").any()


def test_language_premium_steers_follow_the_sun() -> None:
    """A hub that lacks the language costs more, so a native-speaking hub can win."""
    cheap_but_foreign = Site("PH", 10_000, 2_000, 8.0, frozenset({"en"}))
    native = Site("EG", 11_000, 2_000, 8.0, frozenset({"ar", "en"}))
    home = Site("EG", 11_000, 2_000, 2.0, frozenset({"ar", "en"}))
    plan = follow_the_sun(home, (cheap_but_foreign, native), "ar", PARAMS, market_offset_hours=2.0)
    assert {site.code for site in plan} == {"EG"}
