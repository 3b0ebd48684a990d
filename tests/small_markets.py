"""Small markets served from the South Africa hub site in English, in its time zone, with one
segment that values bare support only (1,000 USD per account a year at price level 1), one tier,
no discounts and no margin rule: a market's revenue is its accounts x 1,000 x its price level,
and a desk with a light load needs one agent in each business-hours slot. A shared desk is paid
every week (45 hours x 52), a market's own desk closes on its public holidays."""

from __future__ import annotations

import csv
import dataclasses
import itertools
from pathlib import Path

from pricing.delivery.decision import decide
from pricing.inputs.segments import SegmentRow
from pricing.models import CostParameters, Market
from pricing.request import Catalogue, PlanRequest
from pricing.settings import DELIVERY_MODELS, PlanSettings

SITES = Path(__file__).resolve().parents[1] / "data" / "sites.csv"


def one_segment(
    priority_response_usd: float = 0.0,
    local_office_usd: float = 0.0,
    coverage_24x7_usd: float = 0.0,
    code: str = "*",
) -> tuple[SegmentRow, ...]:
    """Every market's one segment (or market ``code``'s): 1,000 USD a year per account for
    bare support, and what it would pay for priority answers, a local team and live 24/7
    support."""
    return (
        SegmentRow(
            code=code,
            segment="all",
            share=1.0,
            base_value_usd=1_000.0,
            priority_response_usd=priority_response_usd,
            coverage_24x7_usd=coverage_24x7_usd,
            multilingual_usd=0.0,
            local_office_usd=local_office_usd,
        ),
    )


SEGMENTS = one_segment()
RULES = PlanSettings(tiers=1, min_margin=0.0, solver="highs")
SHARED_DESK_HOURS = 9 * 5 * 52  # 09:00-18:00, Monday to Friday, every week


def hub_hour_usd() -> float:
    """One agent on duty for an hour at the South Africa site, from the sites table by hand:
    wage, seat and the site's cost per seat, over the paid hours that are worked."""
    row = next(r for r in csv.DictReader(SITES.open()) if r["code"] == "ZA")
    params = CostParameters()
    yearly = (
        float(row["agent_cost_usd"])
        + float(row["seat_cost_usd"])
        + float(row["site_fixed_usd"]) / float(row["seats"])
    )
    return yearly / (params.paid_hours_per_fte * (1 - params.shrinkage))


def market(code: str, accounts: int, **changes: object) -> Market:
    """A small English-speaking market in South Africa's time zone, served from its hub."""
    template = Catalogue.read().by_code["ZA"]
    given = {
        "code": code,
        "name": "",
        "currency": "",
        "timezone": "",
        "support_languages": ("en",),
        "remote_hub": "ZA",
        "accounts": accounts,
        "price_level": 1.0,
        "expected_discount": 0.0,
        "max_discount": 0.0,
        "contacts_per_account_month": 0.5,
        "aht_seconds": 300.0,
        "off_hours_contact_share": 0.0,
        "share_expecting_24x7": 0.0,
        **changes,
    }
    return dataclasses.replace(template, **given)


def request_for(*markets: Market) -> PlanRequest:
    catalogue = Catalogue.read().with_markets(tuple(markets))
    return PlanRequest(catalogue, RULES, SEGMENTS)


def brute_force(*markets: Market) -> float:
    """The best profit over every assignment of delivery models to the markets."""
    request = request_for(*markets)
    codes = [m.code for m in markets]
    return max(
        decide(request, dict(zip(codes, models, strict=True))).profit_usd
        for models in itertools.product(DELIVERY_MODELS, repeat=len(codes))
    )
