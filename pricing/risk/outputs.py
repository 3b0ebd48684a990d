"""A sweep written out (``sweep --out DIR``): every draw as Parquet (``draws.parquet``, one row
per draw and market, with the factors drawn) and a summary workbook (``sweep.xlsx``) whose
percentiles and probabilities are formulas over its sheet of draws, their values cached, so
that finance can trace every figure to the draws it comes from."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pricing.risk.sweep import Sweep
from pricing.risk.uncertainty import COLUMNS, Uncertainty

SUMMARY_HEADERS = (
    ("market", "Market"),
    ("p10_usd", "Profit P10 (USD/yr)"),
    ("p50_usd", "Profit P50 (USD/yr)"),
    ("p90_usd", "Profit P90 (USD/yr)"),
    ("probability_sold", "Sold in (share of draws)"),
    ("probability_profitable", "Profitable in (share of draws)"),
    ("probability_model_changes", "Delivery model changes in (share of draws)"),
    ("plan_delivery_model", "Delivery model in the plan"),
    ("plan_profit_usd", "Profit in the plan (USD/yr)"),
    ("decided_by", "Moved most by"),
)


def write_sweep(sweep: Sweep, uncertainty: Uncertainty, folder: Path) -> list[Path]:
    """``draws.parquet`` and ``sweep.xlsx`` in ``folder`` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    parquet = folder / "draws.parquet"
    sweep.frame().to_parquet(parquet, index=False)
    workbook = folder / "sweep.xlsx"
    _workbook(sweep, uncertainty, workbook)
    return [parquet, workbook]


def _workbook(sweep: Sweep, uncertainty: Uncertainty, path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    money = book.add_format({"num_format": "#,##0.00"})
    share = book.add_format({"num_format": "0.0%"})
    bold = book.add_format({"bold": True})
    codes = sweep.request.codes
    n = len(sweep.draws)
    summary = sweep.as_json()
    rows = {row["market"]: row for row in summary["markets"]}

    sheet = book.add_worksheet("Markets")
    _draw_sheets(book, sweep, money, bold)

    for j, (_, header) in enumerate(SUMMARY_HEADERS):
        sheet.write(0, j, header, bold)
    for i, code in enumerate(codes, start=1):
        column = xl_col_to_name(i)
        where = f"{column}2:{column}{n + 1}"
        row = rows[code]
        formulas = {
            "p10_usd": (f"=PERCENTILE.INC(Draws!{where},0.1)", money),
            "p50_usd": (f"=PERCENTILE.INC(Draws!{where},0.5)", money),
            "p90_usd": (f"=PERCENTILE.INC(Draws!{where},0.9)", money),
            "probability_sold": (f"=AVERAGE(Sold!{where})", share),
            "probability_profitable": (
                f"=SUMPRODUCT((Draws!{where}>0)*(Sold!{where}))/{n}",
                share,
            ),
        }
        for j, (key, _) in enumerate(SUMMARY_HEADERS):
            if key in formulas:
                formula, style = formulas[key]
                sheet.write_formula(i, j, formula, style, row[key])
            elif key == "probability_model_changes":
                sheet.write_number(i, j, row[key], share)
            elif key == "plan_profit_usd":
                sheet.write_number(i, j, row[key], money)
            else:
                sheet.write(i, j, row[key] if row[key] is not None else "")
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, len(SUMMARY_HEADERS), 18)

    inputs = book.add_worksheet("Uncertainty")
    for j, column in enumerate(COLUMNS):
        inputs.write(0, j, column, bold)
    for i, record in enumerate(uncertainty.records(), start=1):
        for j, column in enumerate(COLUMNS):
            value = record[column]
            inputs.write(i, j, "" if value is None else value)
    inputs.write(len(uncertainty.rows) + 2, 0, f"Seed {sweep.seed}, {n} draws")
    book.close()


def _draw_sheets(book, sweep: Sweep, money, bold) -> None:
    """Each draw's profit by market (with the portfolio's as a sum) and whether it sold."""
    codes = sweep.request.codes
    profits, sold = book.add_worksheet("Draws"), book.add_worksheet("Sold")
    for each, title in ((profits, "Profit (USD/yr)"), (sold, "Sold (1 = yes)")):
        each.write(0, 0, f"Draw \\ {title}", bold)
        for j, code in enumerate(codes, start=1):
            each.write(0, j, code, bold)
    profits.write(0, len(codes) + 1, "Portfolio", bold)
    for i, draw in enumerate(sweep.draws, start=1):
        profits.write(i, 0, draw.index)
        sold.write(i, 0, draw.index)
        for j, code in enumerate(codes, start=1):
            profits.write_number(i, j, draw.markets[code].profit_usd, money)
            sold.write_number(i, j, int(draw.markets[code].delivery is not None))
        last = xl_col_to_name(len(codes))
        profits.write_formula(
            i, len(codes) + 1, f"=SUM(B{i + 1}:{last}{i + 1})", money, draw.profit_usd
        )
