"""Files for finance: the plan as CSV and XLSX tables, safe to open in a spreadsheet.

Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is prefixed with an apostrophe, so a market name or a note can never run
as a formula (CSV/formula injection). Numbers stay numbers: their stored values are exact (only
float noise below 1e-9 is set to 0) and the workbook shows them through number formats, money as
whole units with thousands separators, margins, discounts, shares and buffers as percentages.

The plan's workbook opens on a **Settings** sheet that records what the plan was made with: the
rules, the segment values, the market catalogue (its file and SHA-256 checksum), every exchange
rate used, the app's version and when the file was made, so the file stands on its own in an
audit. Files are named by what they hold and when (:func:`plan_file_name`,
:func:`offer_file_name`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from pricing.costing.service import OPTION_LABELS
from pricing.errors import InputError
from pricing.inputs.catalog import DEFAULT_MARKETS
from pricing.inputs.segments import SegmentRow, load_segments
from pricing.outputs.plan_workbook import plan_workbook_bytes
from pricing.outputs.provenance import (
    plan_file_name,
    settings_tables,
    utc_time,
)
from pricing.outputs.spreadsheet import clean_frame, safe_frame
from pricing.plan import MarketPlan, PlanSettings, plan_payload

# The columns of the tables that can be empty (no market sells a tier, no reason given): an
# empty table keeps its columns, so a page filtering it by market finds none rather than failing.
# In the order the workbook's formulas read them: the optimiser's target, the market's discounts,
# list and floor, margins, then the rate, buffer and step that make the local prices.
TIER_COLUMNS = (
    "market", "tier", "options", "coverage", "answer_within_seconds", "ticket_response_seconds",
    "buyers", "accounts", "unit_cost_usd", "marginal_cost_usd", "target_usd", "expected_discount",
    "max_discount", "list_usd", "floor_usd", "margin_at_target", "margin_at_floor", "currency",
    "rate_usd_to_local", "fx_buffer", "price_step_local", "list_local", "target_local",
    "floor_local", "rate_as_of",
)  # fmt: skip
REASON_COLUMNS = ("market", "number", "reason")


def plan_tables(plans: Iterable[MarketPlan]) -> dict[str, pd.DataFrame]:
    """The plan as tidy tables: markets, tiers, segments, option costs, reasons, rates."""
    plans = list(plans)
    markets, tiers, segments, costs, reasons = [], [], [], [], []
    for plan in plans:
        m, s = plan.market, plan.solution
        markets.append(
            {
                "market": m.code,
                "name": m.name,
                "currency": m.currency,
                "accounts": m.accounts,
                "tiers_offered": len(plan.tiers),
                "revenue_usd": s.revenue,
                "cost_usd": s.cost,
                "profit_usd": s.profit,
                "floor_revenue_usd": s.floor_revenue,
                "working_days": " ".join(plan.working_days),
                "expected_discount": m.expected_discount,
                "max_discount": m.max_discount,
                "solver": s.solver,
                "status": s.status,
                "gap": s.gap,
                "message": s.message or "",
            }
        )
        for tier in plan.tiers:
            q = tier.quote_usd
            tiers.append(
                {
                    "market": m.code,
                    "tier": tier.name,
                    "options": "; ".join(OPTION_LABELS[o] for o in tier.options) or "basic support",
                    "coverage": tier.coverage,
                    "answer_within_seconds": tier.answer_within_seconds,
                    "ticket_response_seconds": tier.ticket_response_seconds,
                    "buyers": "; ".join(tier.buyers),
                    "accounts": tier.accounts,
                    "unit_cost_usd": tier.unit_cost_usd,
                    "marginal_cost_usd": tier.marginal_cost_usd,
                    "target_usd": q.target,
                    "expected_discount": m.expected_discount,
                    "max_discount": m.max_discount,
                    "list_usd": q.list_price,
                    "floor_usd": q.floor,
                    "margin_at_target": tier.margin_at_target,
                    "margin_at_floor": tier.margin_at_floor,
                    "currency": m.currency,
                    "rate_usd_to_local": plan.rate.rate,
                    "fx_buffer": plan.buffer,
                    "price_step_local": tier.local.step,
                    "list_local": tier.list_local,
                    "target_local": tier.target_local,
                    "floor_local": tier.floor_local,
                    "rate_as_of": plan.rate.as_of.isoformat(),
                }
            )
        for segment in plan.segments:
            segments.append(
                {
                    "market": m.code,
                    "segment": segment.name,
                    "accounts": segment.accounts,
                    "buys": s.assignment.get(segment.name) or "nothing",
                    "base_value_usd": segment.base_value_usd,
                    **{f"{o}_value_usd": v for o, v in segment.option_values_usd.items()},
                }
            )
        for option, cost in plan.option_costs.items():
            costs.append(
                {
                    "market": m.code,
                    "option": option,
                    "annual_usd": cost.annual_usd,
                    "per_account_usd": cost.per_account_usd,
                    "delivered_by": cost.delivered_by,
                }
            )
        for number, reason in enumerate(s.explanations, start=1):
            reasons.append({"market": m.code, "number": number, "reason": reason})
    rates = (
        pd.DataFrame(
            [
                {
                    "currency": p.rate.quote,
                    "per_usd": p.rate.rate,
                    "as_of": p.rate.as_of.isoformat(),
                    "source": p.rate.source,
                    "stale": p.rate.is_stale(),
                    "buffer": p.buffer,
                }
                for p in plans
            ]
        ).drop_duplicates("currency")
        if plans
        else pd.DataFrame()
    )
    return {
        "Markets": pd.DataFrame(markets),
        "Tiers": pd.DataFrame(tiers, columns=list(TIER_COLUMNS)),
        "Segments": pd.DataFrame(segments),
        "Option costs": pd.DataFrame(costs),
        "Why": pd.DataFrame(reasons, columns=list(REASON_COLUMNS)),
        "Rates": rates,
    }


def _workbook(plans: Sequence[MarketPlan], tables: Mapping[str, pd.DataFrame]) -> bytes:
    return plan_workbook_bytes(plan_tables(plans), tables)


def plan_workbook(
    plans: Iterable[MarketPlan],
    settings: PlanSettings,
    segment_rows: Sequence[SegmentRow],
    catalogue_label: str,
    catalogue_bytes: bytes,
    made: datetime | None = None,
) -> bytes:
    """The plan's Excel workbook: a Settings sheet first (every rule, the segment values, the
    catalogue file and its SHA-256, every rate, the version, when it was made), then markets,
    tiers, segments, option costs, reasons and rates. Save it under :func:`plan_file_name`.

    ``catalogue_bytes`` are the bytes of the market file in use (the shipped file's when that
    is in use); ``made`` defaults to now (UTC).
    """
    plans = tuple(plans)
    tables = settings_tables(plans, settings, segment_rows, catalogue_label, catalogue_bytes, made)
    return _workbook(plans, tables)


def write_plan(
    plans: Iterable[MarketPlan],
    folder: Path,
    *,
    settings: PlanSettings | None = None,
    segment_rows: Sequence[SegmentRow] | None = None,
    catalogue_label: str | None = None,
    catalogue_bytes: bytes | None = None,
    made: datetime | None = None,
) -> list[Path]:
    """``plan.json`` (as the CLI prints it), one CSV per table (the settings too) and the
    workbook under :func:`plan_file_name`, also as ``plan.xlsx``.

    Without them, the settings are the defaults, the segment rows the shipped file's and the
    catalogue the shipped ``data/markets.csv``: pass what the plans were made with.
    """
    plans = tuple(plans)
    settings = settings or PlanSettings()
    rows = tuple(segment_rows) if segment_rows is not None else load_segments()
    if catalogue_bytes is None:
        if catalogue_label is not None:
            raise InputError(
                f"the bytes of {catalogue_label!r} are needed for its checksum",
                field="catalogue_bytes",
            )
        catalogue_label, catalogue_bytes = DEFAULT_MARKETS.name, DEFAULT_MARKETS.read_bytes()
    when = utc_time(made)
    record = settings_tables(
        plans, settings, rows, catalogue_label or "market catalogue", catalogue_bytes, when
    )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    payload = folder / "plan.json"
    payload.write_text(json.dumps(plan_payload(plans), indent=2, allow_nan=False) + "\n")
    written.append(payload)
    sheets = plan_tables(plans)
    csvs = {
        **sheets,
        "settings": record["Rules"][["setting", "value"]],
        "settings segments": record["Segments used"],
        "settings rates": record["Rates used"],
    }
    for name, frame in csvs.items():
        path = folder / f"plan_{name.lower().replace(' ', '_')}.csv"
        safe_frame(clean_frame(frame)).to_csv(path, index=False)
        written.append(path)
    data = _workbook(plans, record)
    for name in (plan_file_name(when), "plan.xlsx"):
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written
