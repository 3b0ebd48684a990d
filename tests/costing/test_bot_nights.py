"""24/7 by self-service at night (pricing.costing.night): a bot first, an agent on call for the
urgent rest, the others in the morning; costed by hand on a small market served from the South
Africa site in its own time zone (business hours 09:00-18:00, the site's daytime 08:00-20:00,
Monday to Friday), with a load one agent carries in every slot."""

from __future__ import annotations

import csv
import dataclasses

import pytest

from pricing.costing.engine import Coverage, SupportDesign, cost_to_serve
from pricing.errors import InputError
from pricing.models import CostParameters
from tests.small_markets import SITES, market

ACCOUNTS = 40
NIGHT_HOURS = 168 - 45  # a week outside business hours
PREMIUM_HOURS = NIGHT_HOURS - 3 * 5  # less 08:00-09:00 and 18:00-20:00 on working days
BOT = SupportDesign(coverage=Coverage.ALWAYS, bot_nights=True)


def botswana(**changes: object):
    given = {"timezone": "Africa/Johannesburg", "off_hours_contact_share": 0.2, **changes}
    return market("BW", ACCOUNTS, **given)


def site_rates() -> dict[str, float]:
    """An hour on duty at the South Africa site, from the sites table by hand."""
    row = next(r for r in csv.DictReader(SITES.open()) if r["code"] == "ZA")
    params = CostParameters()
    worked = params.paid_hours_per_fte * (1 - params.shrinkage)
    return {
        "wage": float(row["agent_cost_usd"]) / worked,
        "seat": float(row["seat_cost_usd"]) / worked,
        "site": float(row["site_fixed_usd"]) / float(row["seats"]) / worked,
    }


def test_a_bot_and_an_agent_on_call_cost_what_they_cost_by_hand() -> None:
    params = CostParameters()
    bw = botswana()
    catalog = {"BW": bw}
    base = cost_to_serve(bw, SupportDesign(), catalog, params)
    bot = cost_to_serve(bw, BOT, catalog, params)
    rate = site_rates()
    premium = params.night_weekend_premium
    # One agent on call in every night slot, every week, at standby pay: wages and premium.
    paid_hours = NIGHT_HOURS * rate["wage"] + PREMIUM_HOURS * premium * rate["wage"]
    standby = 52 * params.on_call_pay_share * paid_hours
    night_contacts = ACCOUNTS * bw.contacts_per_account_month * 12 * 0.2
    resolved = night_contacts * params.bot_resolution_share
    worked_hours = night_contacts * (1 - params.bot_resolution_share) * params.urgent_share
    worked_hours *= bw.aht_seconds / 3600
    # An hour worked on call costs an hour on duty less the standby paid for it: the mean
    # over the night hours.
    on_duty = NIGHT_HOURS * (rate["wage"] + rate["seat"] + rate["site"]) + (
        PREMIUM_HOURS * premium * rate["wage"]
    )
    worked_rate = (on_duty - params.on_call_pay_share * paid_hours) / NIGHT_HOURS
    assert bot.components["self_service_usd"] == pytest.approx(resolved * 0.99, rel=1e-9)
    assert bot.components["on_call_worked_usd"] == pytest.approx(
        worked_hours * worked_rate, rel=1e-9
    )
    # The day desk keeps its one agent in every slot (light load): the rest is the night.
    added = bot.annual_total_usd - base.annual_total_usd - bot.components["holiday_cover_usd"]
    assert added == pytest.approx(standby + resolved * 0.99 + worked_hours * worked_rate, rel=1e-9)


def test_bot_nights_cost_far_less_than_a_night_shift_and_more_than_none() -> None:
    bw = botswana()
    catalog = {"BW": bw}
    base = cost_to_serve(bw, SupportDesign(), catalog).annual_total_usd
    shift = cost_to_serve(bw, SupportDesign(coverage=Coverage.ALWAYS), catalog).annual_total_usd
    bot = cost_to_serve(bw, BOT, catalog).annual_total_usd
    assert base < bot < shift


@pytest.mark.parametrize(
    ("field", "low", "high", "dearer"),
    [
        # More resolved by the bot: more fees, fewer contacts on call and in the morning.
        ("bot_resolution_share", 0.0, 0.6, None),
        ("bot_usd_per_resolution", 0.5, 5.0, "high"),
        ("on_call_pay_share", 0.02, 0.5, "high"),
        # More urgent: more worked on call at night, less left for the morning's desk.
        ("urgent_share", 0.05, 0.8, None),
    ],
)
def test_every_bot_night_input_moves_the_cost(field, low, high, dearer) -> None:
    """Busy nights (many contacts, long ones): each input moves what 24/7 by bot costs, the
    way it must where that is certain."""
    bw = botswana(contacts_per_account_month=30.0, aht_seconds=900.0, off_hours_contact_share=0.4)
    catalog = {"BW": bw}

    def cost(value: float) -> float:
        params = dataclasses.replace(CostParameters(), **{field: value})
        return cost_to_serve(bw, BOT, catalog, params).annual_total_usd

    at_low, at_high = cost(low), cost(high)
    assert abs(at_high - at_low) > 1.0
    if dearer == "high":
        assert at_high > at_low


def test_bot_nights_are_a_way_to_deliver_24x7_at_the_hub() -> None:
    with pytest.raises(InputError, match="bot_nights is a way to deliver 24x7"):
        SupportDesign(bot_nights=True)
    from pricing.costing.engine import DeliveryModel

    with pytest.raises(InputError, match="agent on call at the hub"):
        SupportDesign(coverage=Coverage.ALWAYS, delivery=DeliveryModel.DISTRIBUTOR, bot_nights=True)


def test_the_tier_model_charges_what_the_cost_sheet_charges_per_24x7_account() -> None:
    from pricing.costing.workload import build_workload
    from pricing.market_model import market_problem
    from pricing.settings import PlanSettings
    from tests.small_markets import SEGMENTS

    bw = botswana()
    workload = build_workload(bw, {"BW": bw}, bot_nights=True)
    from pricing.inputs.segments import market_segments

    problem = market_problem(bw, workload, market_segments(bw, SEGMENTS), PlanSettings(tiers=1))
    [always] = [o for o in problem.options if o.name == "coverage_24x7"]
    assert always.unit_cost == pytest.approx(
        sum(workload.per_account_usd["coverage_24x7"].values())
    )
    assert always.unit_cost > 0
