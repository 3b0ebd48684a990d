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
from pathlib import Path

import pandas as pd

from pricing.costing.service import OPTION_LABELS
from pricing.outputs.payload import plan_payload
from pricing.outputs.plan_workbook import plan_workbook_bytes
from pricing.outputs.provenance import (
    plan_file_name,
    settings_tables,
)
from pricing.outputs.spreadsheet import clean_frame, safe_frame
from pricing.plan import MarketPlan, Plan, PricedTier

# The columns of the tables that can be empty (no market sells a tier, no reason given): an
# empty table keeps its columns, so a page filtering it by market finds none rather than failing.
# In the order the workbook's formulas read them: the optimiser's target, the market's discounts,
# list and floor, margins, then the rate, buffer and step that make the local prices.
TIER_COLUMNS = (
    "market", "tier", "options", "coverage", "answer_within_seconds", "ticket_response_seconds",
    "buyers", "accounts", "unit_cost_usd", "marginal_cost_usd", "target_usd", "expected_discount",
    "max_discount", "list_usd", "floor_usd", "margin_at_target", "margin_at_floor", "currency",
    "rate_usd_to_local", "fx_buffer", "price_step_local", "list_local", "target_local",
    "floor_local", "rate_as_of", "margin_at_floor_on_marginal", "floor_warning",
    "contract_value_usd", "share_of_contract_value",
)  # fmt: skip
REASON_COLUMNS = ("market", "number", "reason")


def plan_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """The plan as tidy tables: markets, tiers, segments, option costs, reasons, rates."""
    plans = plan.markets
    rates = (
        pd.DataFrame([_rate_row(p) for p in plans]).drop_duplicates("currency")
        if plans
        else pd.DataFrame()
    )
    return {
        "Markets": pd.DataFrame([_market_row(p) for p in plans]),
        "Tiers": pd.DataFrame(
            [_tier_row(p, tier) for p in plans for tier in p.tiers], columns=list(TIER_COLUMNS)
        ),
        "Segments": pd.DataFrame([row for p in plans for row in _segment_rows(p)]),
        "Option costs": pd.DataFrame(
            [
                {
                    "market": p.market.code,
                    "option": option,
                    "annual_usd": cost.annual_usd,
                    "per_account_usd": cost.per_account_usd,
                    "delivered_by": cost.delivered_by,
                }
                for p in plans
                for option, cost in p.option_costs.items()
            ]
        ),
        "Why": pd.DataFrame(
            [
                {"market": p.market.code, "number": number, "reason": reason}
                for p in plans
                for number, reason in enumerate(p.solution.explanations, start=1)
            ],
            columns=list(REASON_COLUMNS),
        ),
        "Rates": rates,
    }


def _market_row(plan: MarketPlan) -> dict:
    m, s = plan.market, plan.solution
    return {
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
        **_delivery_row(plan),
    }


def _delivery_row(plan: MarketPlan) -> dict:
    """How the portfolio serves the market (pricing.delivery), as the plan's JSON says it."""
    chosen, verdict = plan.delivery, plan.verdict
    return {
        "delivery_model": chosen.delivery if chosen and chosen.delivery else "",
        "shared_desk": chosen.desk or "" if chosen else "",
        "shared_desk_cost_usd": chosen.shared_cost_usd if chosen else 0.0,
        "marginal_profit_usd": chosen.marginal_profit_usd if chosen else 0.0,
        "together_with": " ".join(chosen.together_with) if chosen else "",
        "verdict": verdict.verdict.replace("_", " ") if verdict else "",
        "verdict_reason": verdict.reason if verdict else "",
    }


def _tier_row(plan: MarketPlan, tier: PricedTier) -> dict:
    m, q = plan.market, tier.quote_usd
    return {
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
        "margin_at_floor_on_marginal": tier.margin_at_floor_on_marginal,
        "floor_warning": tier.floor_warning,
        "contract_value_usd": tier.contract_value_usd or None,
        "share_of_contract_value": tier.share_of_contract_value,
    }


def _segment_rows(plan: MarketPlan) -> list[dict]:
    return [
        {
            "market": plan.market.code,
            "segment": segment.name,
            "accounts": segment.accounts,
            "buys": plan.solution.assignment.get(segment.name) or "nothing",
            "base_value_usd": segment.base_value_usd,
            **{f"{o}_value_usd": v for o, v in segment.option_values_usd.items()},
        }
        for segment in plan.segments
    ]


def _rate_row(plan: MarketPlan) -> dict:
    return {
        "currency": plan.rate.quote,
        "per_usd": plan.rate.rate,
        "as_of": plan.rate.as_of.isoformat(),
        "source": plan.rate.source,
        "stale": plan.rate.is_stale(),
        "buffer": plan.buffer,
    }


def plan_workbook(plan: Plan) -> bytes:
    """The plan's Excel workbook: a Settings sheet first (every rule, the segment values, the
    catalogue file and its SHA-256, every rate, the version, when it was made), then markets,
    tiers, segments, option costs, reasons and rates. Save it under :func:`plan_file_name`."""
    return plan_workbook_bytes(plan_tables(plan), settings_tables(plan))


def write_plan(plan: Plan, folder: Path) -> list[Path]:
    """``plan.json`` (as the CLI prints it), one CSV per table (the settings too) and the
    workbook under :func:`plan_file_name`, also as ``plan.xlsx``."""
    record = settings_tables(plan)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    payload = folder / "plan.json"
    payload.write_text(json.dumps(plan_payload(plan), indent=2, allow_nan=False) + "\n")
    written.append(payload)
    sheets = plan_tables(plan)
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
    data = plan_workbook_bytes(sheets, record)
    for name in (plan_file_name(plan.made), "plan.xlsx"):
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written
