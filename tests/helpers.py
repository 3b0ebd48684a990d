"""Plans for tests: a request made from the parts a test varies, the rest as shipped."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from pricing.inputs.segments import SegmentRow, load_segments
from pricing.models import Market
from pricing.money.fx import DEFAULT_BOOK, RateBook
from pricing.plan import MarketPlan, Plan, make_plan, plan_market
from pricing.request import Catalogue, PlanRequest
from pricing.settings import PlanSettings


def on_own_desks(settings: PlanSettings | None = None) -> PlanSettings:
    """The rules with every market served on desks of its own: each market's MILP by itself,
    as the per-market audits check it."""
    return dataclasses.replace(settings or PlanSettings(), delivery={"*": "hub"})


def request_of(
    markets: Iterable[Market] | None = None,
    settings: PlanSettings | None = None,
    *,
    segment_rows: tuple[SegmentRow, ...] | None = None,
    only: Iterable[str] | None = None,
    rates: RateBook = DEFAULT_BOOK,
) -> PlanRequest:
    """The shipped catalogue's request, with ``markets`` in place of its markets (the file's
    name and bytes kept), and the rules, segment values, markets and rates given."""
    catalogue = Catalogue.read()
    if markets is not None:
        catalogue = catalogue.with_markets(tuple(markets))
    return PlanRequest(
        catalogue,
        settings or PlanSettings(),
        segment_rows if segment_rows is not None else load_segments(),
        rates=rates,
        only=tuple(only) if only is not None else None,
    )


def plan_of(
    markets: Iterable[Market] | None = None,
    settings: PlanSettings | None = None,
    *,
    made: datetime | None = None,
    reasons: bool = True,
    **given: object,
) -> Plan:
    """:func:`pricing.plan.make_plan` of :func:`request_of` (``reasons=False``: without each
    rule's effect, the alternatives and the verdicts' reasons, for tests that read none)."""
    request = request_of(markets, settings, **given).replace(reasons=reasons)  # type: ignore[arg-type]
    return make_plan(request, made=made)


def market_plan(code: str, settings: PlanSettings | None = None, **given: object) -> MarketPlan:
    """One market's plan (:func:`pricing.plan.plan_market`) of :func:`request_of`."""
    return plan_market(request_of(settings=settings, **given), code)  # type: ignore[arg-type]
