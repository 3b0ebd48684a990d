"""Synthetic markets for benchmarks: real country codes with random but plausible figures."""

from __future__ import annotations

import random

import pycountry
from pydantic import ValidationError

from pricing.errors import InputError
from pricing.inputs.catalog import load_markets
from pricing.models import Market, utc_offset_hours
from pricing.money.fx import rate

HUBS = ("US", "MX", "PL", "EG", "ZA", "PH")


def generated_markets(count: int, seed: int = 2026) -> tuple[Market, ...]:
    """The shipped hubs plus ``count - 6`` other countries with random costs and demand."""
    rng = random.Random(seed)
    shipped = {m.code: m for m in load_markets()}
    hubs = [shipped[code] for code in HUBS]
    markets: list[Market] = list(hubs)
    codes = [c.alpha_2 for c in pycountry.countries if c.alpha_2 not in HUBS]
    rng.shuffle(codes)
    for code in codes:
        if len(markets) >= count:
            break
        expected = round(rng.uniform(0.0, 0.2), 2)
        try:
            market = Market(
                code=code,
                region=rng.choice(["Americas", "Europe", "Middle East & Africa", "Asia-Pacific"]),
                remote_hub="PL",
                price_level=round(rng.uniform(0.2, 1.2), 2),
                agent_cost_usd=rng.randint(5_000, 80_000),
                office_fixed_usd=rng.randint(50_000, 300_000),
                seat_cost_usd=rng.randint(2_000, 8_000),
                office_setup_usd=rng.randint(50_000, 250_000),
                setup_amortisation_years=3,
                distributor_fee_per_account_usd=rng.randint(100, 900),
                distributor_fixed_usd=rng.randint(10_000, 30_000),
                distributor_revenue_share=0.05,
                expected_discount=expected,
                max_discount=round(expected + rng.uniform(0.03, 0.12), 2),
                answer_target_seconds=rng.choice([20, 30, 45, 60, 90, 120]),
                share_expecting_24x7=round(rng.uniform(0.1, 0.5), 2),
                off_hours_contact_share=round(rng.uniform(0.05, 0.15), 2),
                preferred_channels=rng.choice(["chat;email", "phone;email", "messaging;in_person"]),
                senior_signoff_expected=rng.random() < 0.4,
                upselling_acceptable=rng.random() < 0.2,
                accounts=rng.randint(10, 500),
                contacts_per_account_month=round(rng.uniform(2, 6), 1),
                aht_seconds=rng.randint(480, 900),
            )
        except ValidationError:
            continue  # no single time zone, currency or language known: skip the country
        currency = market.currency
        try:
            rate("USD", currency)
        except InputError:
            currency = "USD"  # no offline rate for the local currency: quote in dollars
        # The hub whose time zone is nearest.
        nearest = min(
            hubs, key=lambda h: abs(h.utc_offset_hours - utc_offset_hours(market.timezone))
        )
        markets.append(
            Market(**{**market.__dict__, "remote_hub": nearest.code, "currency": currency})
        )
    return tuple(markets[:count])
