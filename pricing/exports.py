"""Files for finance: the plan as CSV and XLSX tables, safe to open in a spreadsheet.

Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is prefixed with an apostrophe, so a market name or a note can never run
as a formula (CSV/formula injection). Numbers stay numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

import pandas as pd

from pricing.costing.service import OPTION_LABELS
from pricing.plan import MarketPlan, plan_payload

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell value that a spreadsheet shows as text, never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and header) made safe; numeric columns untouched."""
    safe = frame.copy()
    safe.columns = [safe_cell(str(c)) for c in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_cell)
    return safe


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
                    "list_usd": q.list_price,
                    "target_usd": q.target,
                    "floor_usd": q.floor,
                    "margin_at_target": tier.margin_at_target,
                    "margin_at_floor": tier.margin_at_floor,
                    "currency": m.currency,
                    "list_local": tier.list_local,
                    "target_local": tier.target_local,
                    "floor_local": tier.floor_local,
                    "rate_usd_to_local": plan.rate.rate,
                    "rate_as_of": plan.rate.as_of.isoformat(),
                    "fx_buffer": plan.buffer,
                    "price_step_local": tier.local.step,
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
        "Tiers": pd.DataFrame(tiers),
        "Segments": pd.DataFrame(segments),
        "Option costs": pd.DataFrame(costs),
        "Why": pd.DataFrame(reasons),
        "Rates": rates,
    }


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: Path | IO[bytes]) -> Path | IO[bytes]:
    """One sheet per table, text made safe, a frozen header row and readable column widths."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes = "A2"
            for column in sheet.columns:
                width = max(len(str(cell.value or "")) for cell in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(max(width, 8), 60) + 2
    return path


def write_plan(plans: Iterable[MarketPlan], folder: Path) -> list[Path]:
    """``plan.json`` (as the CLI prints it), one CSV per table and ``plan.xlsx``."""
    plans = list(plans)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    payload = folder / "plan.json"
    payload.write_text(json.dumps(plan_payload(plans), indent=2, allow_nan=False) + "\n")
    written.append(payload)
    sheets = plan_tables(plans)
    for name, frame in sheets.items():
        path = folder / f"plan_{name.lower().replace(' ', '_')}.csv"
        safe_frame(frame).to_csv(path, index=False)
        written.append(path)
    written.append(write_xlsx(sheets, folder / "plan.xlsx"))
    return written
