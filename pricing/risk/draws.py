"""One draw of the uncertain inputs, and the plan request it makes.

Each country (a market, or a hub site's country) gets its own stream of random numbers, seeded
by the sweep's seed, the draw's number and the country's ISO numeric code: a draw is the same
whichever worker makes it, in whichever order, and whichever other markets the file holds.

A draw scales, per country (:mod:`pricing.risk.uncertainty`):

* agents' pay by the wage factor and the currency factor (pay is in local currency), and the
  seat, office and partner costs by the currency factor, in the market's row and in the hub
  site of that country;
* the accounts won, the contacts per account and what buyers will pay (the price level, which
  also moves with the currency: budgets are in local currency);

and the points buyers win off list beyond the usual discount, applied to what the plan sells
(:func:`realised_profit`): a plan cannot see them coming.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import pycountry
from babel.numbers import get_territory_currencies

from pricing.costing.desks import sites_in_use
from pricing.models import CostParameters, Market
from pricing.request import PlanRequest
from pricing.risk.uncertainty import DRIVERS, Uncertainty


@dataclass(frozen=True)
class Factors:
    """One country's draw: factors on its figures, and the discount points won off list."""

    wages: float = 1.0
    accounts: float = 1.0
    contacts: float = 1.0
    fx: float = 1.0
    willingness_to_pay: float = 1.0
    discount: float = 0.0


def countries(request: PlanRequest) -> dict[str, str]:
    """Every country a draw moves (the markets and the hub sites), with its currency."""
    found = {m.code: m.currency for m in request.catalogue.markets}
    for code in sites_in_use(request.params or CostParameters()):
        found.setdefault(code, _currency_of(code))
    return found


@cache
def _currency_of(code: str) -> str:
    currencies = get_territory_currencies(code)
    return currencies[0] if currencies else "USD"


def draw(
    uncertainty: Uncertainty, country_currencies: Mapping[str, str], seed: int, index: int
) -> dict[str, Factors]:
    """Draw ``index`` of the sweep seeded ``seed``: each country's factors."""
    drawn = {}
    for code, currency in country_currencies.items():
        rng = np.random.default_rng([seed, index, _number(code)])
        z = dict(zip(DRIVERS, rng.standard_normal(len(DRIVERS)).tolist(), strict=True))
        rho = uncertainty.correlation(code)
        # The wage factor's normal, correlated with the currency's (Cholesky of a 2 x 2).
        z["wages"] = rho * z["fx"] + math.sqrt(1.0 - rho * rho) * z["wages"]
        drawn[code] = Factors(
            **{d: uncertainty.spread(d, code, currency).at(z[d]) for d in DRIVERS}
        )
    return drawn


def swing(
    uncertainty: Uncertainty, country_currencies: Mapping[str, str], driver: str, z: float
) -> dict[str, Factors]:
    """Every country's ``driver`` at ``z`` deviations of its spread (-Z90: its P10), every
    other input at today's value: one end of a tornado's bar."""
    return {
        code: dataclasses.replace(
            Factors(), **{driver: uncertainty.spread(driver, code, currency).at(z)}
        )
        for code, currency in country_currencies.items()
    }


@cache
def _number(code: str) -> int:
    country = pycountry.countries.get(alpha_2=code)
    return int(country.numeric) if country is not None else sum(map(ord, code))


def perturbed(request: PlanRequest, factors: Mapping[str, Factors]) -> PlanRequest:
    """``request`` in the world of one draw (decided anew, without the reasons)."""
    markets = tuple(_market(m, factors[m.code]) for m in request.catalogue.markets)
    params = request.params or CostParameters()
    sites = tuple(
        dataclasses.replace(
            site,
            agent_cost_usd=site.agent_cost_usd * factors[code].wages * factors[code].fx,
            seat_cost_usd=site.seat_cost_usd * factors[code].fx,
            site_fixed_usd=site.site_fixed_usd * factors[code].fx,
        )
        for code, site in sites_in_use(params).items()
    )
    return request.replace(
        catalogue=request.catalogue.with_markets(markets),
        params=dataclasses.replace(params, sites=sites),
        reasons=False,
    )


def _market(market: Market, f: Factors) -> Market:
    if f == Factors():
        return market
    return dataclasses.replace(
        market,
        accounts=max(0, round(market.accounts * f.accounts)),
        contacts_per_account_month=market.contacts_per_account_month * f.contacts,
        agent_cost_usd=market.agent_cost_usd * f.wages * f.fx,
        seat_cost_usd=market.seat_cost_usd * f.fx,
        office_fixed_usd=market.office_fixed_usd * f.fx,
        office_setup_usd=market.office_setup_usd * f.fx,
        distributor_fee_per_account_usd=market.distributor_fee_per_account_usd * f.fx,
        distributor_fixed_usd=market.distributor_fixed_usd * f.fx,
        price_level=market.price_level * f.willingness_to_pay * f.fx,
    )


def realised_profit(market: Market, profit_usd: float, revenue_usd: float, f: Factors) -> float:
    """What a market's plan earns when buyers win ``f.discount`` points more off list than the
    usual discount (never past the largest discount a rep may give, nor below none): its
    target prices are list x (1 - usual discount)."""
    won = min(max(market.expected_discount + f.discount, 0.0), market.max_discount)
    points = won - market.expected_discount
    return profit_usd - revenue_usd * points / (1.0 - market.expected_discount)
