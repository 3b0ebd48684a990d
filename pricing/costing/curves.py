"""Cost curves: a delivery design's annual cost at every account count, and break-even.

Staffing is a step function, so a curve is costed at every whole account count (on an even grid
past :data:`MAX_CURVE_POINTS`) and a break-even is read off two curves exactly. Curves scale a
market up, so they stop where one server can still cost it (:func:`costable_accounts`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from pricing.costing.demand import peak_erlangs_per_account
from pricing.costing.engine import (
    Coverage,
    DeliveryModel,
    SupportDesign,
    components_of,
    design_workload,
)
from pricing.errors import InputError
from pricing.inputs.limits import MAX_ACCOUNTS, MAX_TABLE_ERLANGS
from pricing.models import CostParameters, Market

# Curves are costed at every whole account count up to this many points, on a grid beyond.
MAX_CURVE_POINTS = 200_001


def cost_curve(
    market: Market,
    design: SupportDesign,
    markets: Mapping[str, Market],
    accounts: ArrayLike,
    params: CostParameters | None = None,
    *,
    answer_within_seconds: float | None = None,
    revenue_per_account_usd: float = 0.0,
) -> np.ndarray:
    """Annual total cost of a design at each account count, whole agents at every count.

    A distributor's share of support revenue is added when ``revenue_per_account_usd`` is given.
    """
    params = params or CostParameters()
    counts = np.asarray(accounts, dtype=float).reshape(-1)
    if (counts < 0).any() or not np.isfinite(counts).all():
        raise InputError("accounts must be finite and >= 0", field="accounts")
    workload = design_workload(
        market,
        design,
        markets,
        params,
        answer_within_seconds=answer_within_seconds,
        max_accounts=float(counts.max(initial=1.0)),
    )
    parts, _ = components_of(market, design, params, workload, counts)
    total = np.sum(list(parts.values()), axis=0)
    if design.delivery is DeliveryModel.DISTRIBUTOR:
        total = total + counts * revenue_per_account_usd * market.distributor_revenue_share
    return np.asarray(total, dtype=float)


def break_even_accounts(
    market: Market,
    markets: Mapping[str, Market],
    versus: DeliveryModel,
    params: CostParameters | None = None,
    *,
    coverage: Coverage = Coverage.BUSINESS_HOURS,
    revenue_per_account_usd: float = 0.0,
    max_accounts: int | None = None,
) -> int | None:
    """Fewest accounts from which a local office costs no more than ``versus``.

    Staffing is a step function, so the curves are compared at every whole account count up
    to ``max_accounts`` (default: :func:`break_even_range`; past 200,000 accounts on the grid
    of :func:`curve_counts`) and the answer is the first count from which the local office
    stays cheaper to the end of that range. None when it never does.
    """
    if versus is DeliveryModel.LOCAL_OFFICE:
        raise InputError("compare the local office with another delivery model", field="versus")
    limit = min(max_accounts or break_even_range(market, params), costable_accounts(market, params))
    counts = curve_counts(limit)
    office = cost_curve(
        market,
        SupportDesign(coverage=coverage, delivery=DeliveryModel.LOCAL_OFFICE),
        markets,
        counts,
        params,
    )
    other_design = SupportDesign(
        coverage=Coverage.ALWAYS if versus is DeliveryModel.FOLLOW_THE_SUN else coverage,
        delivery=versus,
    )
    other = cost_curve(
        market,
        other_design,
        markets,
        counts,
        params,
        revenue_per_account_usd=revenue_per_account_usd,
    )
    cheaper = office <= other
    if not cheaper[-1]:
        return None
    losing = np.flatnonzero(~cheaper)  # the first count of the final run of True values
    return int(counts[losing[-1] + 1]) if losing.size else 0


def costable_accounts(market: Market, params: CostParameters | None = None) -> int:
    """The most accounts at which one server can cost ``market`` (its peak load at
    :data:`~pricing.inputs.limits.MAX_TABLE_ERLANGS`): where curves and break-even scans stop."""
    per_account = peak_erlangs_per_account(market, params)
    if per_account <= 0:
        return 20 * MAX_ACCOUNTS
    return int(MAX_TABLE_ERLANGS / per_account)


def break_even_range(market: Market, params: CostParameters | None = None) -> int:
    """Accounts up to which a break-even is looked for: 20 x the market's (at least 20,000),
    no further than one server can cost (:func:`costable_accounts`)."""
    return min(max(20 * market.accounts, 20_000), costable_accounts(market, params))


def curve_counts(limit: int) -> np.ndarray:
    """Account counts 0..``limit``: every whole count up to :data:`MAX_CURVE_POINTS`, an even
    grid of that many beyond (steps of limit / 200,000: memory and time stay bounded)."""
    if limit < MAX_CURVE_POINTS:
        return np.arange(0, limit + 1, dtype=float)
    return np.unique(np.linspace(0, limit, MAX_CURVE_POINTS).round())
