"""Plan files: opened back and checked, and safe against formula injection."""

from __future__ import annotations

import csv
import dataclasses
import json

import openpyxl
import pandas as pd
import pytest

from pricing.catalog import load_markets
from pricing.exports import safe_cell, safe_frame, write_plan
from pricing.plan import plan_payload, plan_portfolio


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Japan", "Japan"),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_safe_cell(value: object, shown: object) -> None:
    assert safe_cell(value) == shown


def test_safe_frame_keeps_numbers() -> None:
    frame = safe_frame(pd.DataFrame({"name": ["=evil()", "ok"], "profit": [-5.0, 3.0]}))
    assert frame["name"].tolist() == ["'=evil()", "ok"]
    assert frame["profit"].tolist() == [-5.0, 3.0]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    markets = load_markets()
    # A hostile market name must come out as text in every file.
    markets = tuple(
        dataclasses.replace(m, name='=HYPERLINK("http://x","click")') if m.code == "DE" else m
        for m in markets
    )
    plans = plan_portfolio(markets, only=["US", "DE", "AE", "CA"])
    folder = tmp_path_factory.mktemp("plan")
    return plans, folder, write_plan(plans, folder)


def test_files_written(written) -> None:
    plans, folder, paths = written
    names = {p.name for p in paths}
    assert {"plan.json", "plan.xlsx", "plan_tiers.csv", "plan_markets.csv", "plan_why.csv"} <= names
    payload = json.loads((folder / "plan.json").read_text())
    assert payload == json.loads(json.dumps(plan_payload(plans)))


def test_xlsx_matches_the_plan(written) -> None:
    plans, folder, _ = written
    book = openpyxl.load_workbook(folder / "plan.xlsx")
    assert book.sheetnames == ["Markets", "Tiers", "Segments", "Option costs", "Why", "Rates"]
    markets = book["Markets"]
    header = [c.value for c in markets[1]]
    profit_column = header.index("profit_usd")
    profits = {row[0].value: row[profit_column].value for row in markets.iter_rows(min_row=2)}
    for plan in plans:
        assert profits[plan.market.code] == pytest.approx(plan.profit_usd)
    tiers = book["Tiers"]
    tier_rows = list(tiers.iter_rows(min_row=2, values_only=True))
    assert len(tier_rows) == sum(len(p.tiers) for p in plans)
    names = [row[1].value for row in markets.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://x","click")' in names
    for row in markets.iter_rows(min_row=2):
        assert row[1].data_type != "f"  # never a formula


def test_csv_is_escaped(written) -> None:
    _, folder, _ = written
    with (folder / "plan_markets.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    names = {row["market"]: row["name"] for row in rows}
    assert names["DE"].startswith("'=")
    assert names["US"] == "United States"
