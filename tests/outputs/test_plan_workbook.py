"""The plan workbook as finance works in it: prices and margins are formulas over visible cells,
LibreOffice (headless, as installed by the test command) recalculates them to the screen's
values, and a budget rate or a discount changed in the file moves every price that depends on it.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from pricing.inputs.catalog import load_markets
from pricing.money.fx import DEFAULT_BOOK
from pricing.money.pricepoints import local_price_points
from pricing.offers.promises import duration
from pricing.outputs.exports import plan_tables, write_plan
from pricing.outputs.headers import header
from pricing.settings import PlanSettings
from pricing.tiers.negotiation import quote
from tests.helpers import plan_of

MADE = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
TIER_FORMULAS = (
    "expected_discount", "max_discount", "list_usd", "floor_usd", "margin_at_target",
    "margin_at_floor", "rate_usd_to_local", "fx_buffer", "price_step_local", "list_local",
    "target_local", "floor_local", "rate_as_of",
)  # fmt: skip
MARKET_FORMULAS = ("tiers_offered", "revenue_usd", "profit_usd", "margin", "floor_revenue_usd")
# Recalculate every formula when a file is opened, whoever saved it (LibreOffice's default for
# a file saved by "Excel" is to trust the cached values).
_ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculated(path: Path, folder: Path) -> Path:
    """``path`` opened, recalculated and saved again by LibreOffice Calc, headless."""
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_ALWAYS_RECALCULATE)
    out = folder / "recalculated"
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by scripts/test.sh (libreoffice-calc-nogui)"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = out / path.name
    assert result.is_file()
    return result


def without_cached_values(path: Path, folder: Path, edit=None) -> Path:
    """``path`` saved again by openpyxl, which keeps the formulas but none of their values:
    what LibreOffice then shows it computed. ``edit(book)`` changes cells first."""
    book = openpyxl.load_workbook(path)
    if edit is not None:
        edit(book)
    folder.mkdir(parents=True, exist_ok=True)
    stripped = folder / path.name
    book.save(stripped)
    return stripped


def rows(path: Path, sheet: str, *, values: bool = True) -> list[dict]:
    """The sheet's rows as {header in words: value (or cell when ``values`` is False)}."""
    book = openpyxl.load_workbook(path, data_only=values)
    table = list(book[sheet].iter_rows())
    names = [c.value for c in table[0]]
    return [
        {name: (cell.value if values else cell) for name, cell in zip(names, row, strict=True)}
        for row in table[1:]
    ]


def column(row: dict, name: str) -> object:
    return row[header(name)]


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """Every shipped market planned, and its plan written as the CLI and the app write it."""
    plan = plan_of(load_markets(), PlanSettings(), made=MADE)
    folder = tmp_path_factory.mktemp("plan")
    write_plan(plan, folder)
    return plan.markets, folder / "plan.xlsx"


def _assert_matches(plans, path: Path, *, rates: dict[str, float] | None = None) -> None:
    """The workbook's prices, margins and money equal the plans' (local prices to the unit)."""
    tiers = rows(path, "Tiers")
    expected = [(p, t) for p in plans for t in p.tiers]
    assert len(tiers) == len(expected) > 0
    for row, (plan, tier) in zip(tiers, expected, strict=True):
        where = (plan.market.code, tier.name)
        assert (column(row, "market"), column(row, "tier")) == where
        local = (tier.list_local, tier.target_local, tier.floor_local)
        got = tuple(column(row, f"{p}_local") for p in ("list", "target", "floor"))
        assert got == local, where
        assert column(row, "price_step_local") == tier.local.step, where
        assert column(row, "rate_usd_to_local") == pytest.approx(plan.rate.rate, rel=1e-12)
        assert column(row, "list_usd") == pytest.approx(tier.quote_usd.list_price, rel=1e-12)
        assert column(row, "floor_usd") == pytest.approx(tier.quote_usd.floor, rel=1e-12)
        assert column(row, "margin_at_target") == pytest.approx(tier.margin_at_target, abs=1e-12)
        assert column(row, "margin_at_floor") == pytest.approx(tier.margin_at_floor, abs=1e-12)
    markets = {column(r, "market"): r for r in rows(path, "Markets")}
    for plan in plans:
        row, s = markets[plan.market.code], plan.solution
        assert column(row, "tiers_offered") == len(plan.tiers)
        assert column(row, "revenue_usd") == pytest.approx(s.revenue, rel=1e-12, abs=1e-6)
        assert column(row, "profit_usd") == pytest.approx(s.profit, rel=1e-12, abs=1e-6)
        assert column(row, "floor_revenue_usd") == pytest.approx(s.floor_revenue, abs=1e-6)
        margin = column(row, "margin")
        if s.revenue > 0:
            assert margin == pytest.approx(s.profit / s.revenue, abs=1e-12)
        else:
            assert margin == "not sold"


def test_prices_margins_and_money_are_formulas(planned) -> None:
    _, path = planned
    tiers = rows(path, "Tiers", values=False)
    for row in tiers:
        for name in TIER_FORMULAS:
            cell = column(row, name)
            assert cell.data_type == "f" and cell.value.startswith("="), (name, cell.value)
        # What the optimiser decided stays a value: finance can change it and see the rest move.
        for name in ("target_usd", "accounts", "unit_cost_usd"):
            assert isinstance(column(row, name).value, int | float), name
    for row in rows(path, "Markets", values=False):
        for name in MARKET_FORMULAS:
            assert column(row, name).data_type == "f", name
        assert isinstance(column(row, "cost_usd").value, int | float)
    # Each tier's rate and buffer are looked up on the Rates sheet, its discounts on Markets.
    first = tiers[0]
    assert "'Rates'!" in column(first, "rate_usd_to_local").value
    assert "'Markets'!" in column(first, "expected_discount").value


def test_the_cached_values_are_the_screens(planned) -> None:
    """A reader that does not calculate (a preview, pandas) sees the plan's figures."""
    plans, path = planned
    _assert_matches(plans, path)


def test_libreoffice_recalculates_to_the_screens_values(planned, tmp_path) -> None:
    plans, path = planned
    stripped = without_cached_values(path, tmp_path / "stripped")
    assert column(rows(stripped, "Tiers")[0], "list_local") is None  # nothing left to copy
    _assert_matches(plans, recalculated(stripped, tmp_path))


def test_a_budget_rate_changed_in_the_workbook_moves_every_local_price(planned, tmp_path) -> None:
    plans, path = planned
    budget = {"EUR": 1.05, "JPY": 120.0}

    def set_rates(book) -> None:
        sheet = book["Rates"]
        names = [c.value for c in sheet[1]]
        for line in sheet.iter_rows(min_row=2):
            code = line[names.index(header("currency"))].value
            if code in budget:
                line[names.index(header("per_usd"))].value = budget[code]

    changed = recalculated(without_cached_values(path, tmp_path / "in", set_rates), tmp_path)
    # The screen with the same budget rates set in the app.
    book = DEFAULT_BOOK
    for code, rate in budget.items():
        book = book.with_override(code, rate)
    replanned = plan_of(load_markets(), PlanSettings(), rates=book).markets
    _assert_matches(replanned, changed)
    moved = [
        (a.market.code, a.tiers[0].list_local, b.tiers[0].list_local)
        for a, b in zip(plans, replanned, strict=True)
        if a.tiers and a.market.currency in budget
    ]
    assert moved and all(before != after for _, before, after in moved), moved


def test_a_discount_changed_in_the_workbook_moves_list_and_floor(planned, tmp_path) -> None:
    plans, path = planned
    germany = next(p for p in plans if p.market.code == "DE")
    usual, deepest = 0.2, 0.3

    def set_discounts(book) -> None:
        sheet = book["Markets"]
        names = [c.value for c in sheet[1]]
        for line in sheet.iter_rows(min_row=2):
            if line[0].value == "DE":
                line[names.index(header("expected_discount"))].value = usual
                line[names.index(header("max_discount"))].value = deepest

    changed = recalculated(without_cached_values(path, tmp_path / "in", set_discounts), tmp_path)
    tiers = [r for r in rows(changed, "Tiers") if column(r, "market") == "DE"]
    assert len(tiers) == len(germany.tiers) > 0
    floor_revenue = 0.0
    for row, tier in zip(tiers, germany.tiers, strict=True):
        offer = quote(tier.quote_usd.target, usual, deepest)
        local = local_price_points(
            offer.list_price, offer.target, offer.floor, germany.rate, germany.buffer
        )
        assert column(row, "list_usd") == pytest.approx(offer.list_price, rel=1e-12)
        assert column(row, "floor_usd") == pytest.approx(offer.floor, rel=1e-12)
        got = tuple(column(row, f"{p}_local") for p in ("list", "target", "floor"))
        assert got == (local.list_price, local.target, local.floor)
        assert got != (tier.list_local, tier.target_local, tier.floor_local)
        floor_revenue += offer.floor * tier.accounts
    [market] = [r for r in rows(changed, "Markets") if column(r, "market") == "DE"]
    assert column(market, "floor_revenue_usd") == pytest.approx(floor_revenue, rel=1e-12)
    assert column(market, "revenue_usd") == pytest.approx(germany.solution.revenue, rel=1e-12)


def test_headers_in_words_durations_as_on_screen_and_one_yes_no(planned) -> None:
    plans, path = planned
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for cell in sheet[1]:
            if cell.value is not None:
                assert "_" not in cell.value, (sheet.title, cell.value)  # words, not code names
        for line in sheet.iter_rows():
            assert all(cell.data_type != "b" for cell in line), sheet.title  # no TRUE/FALSE
    tiers = rows(path, "Tiers")
    expected = [t for p in plans for t in p.tiers]
    for row, tier in zip(tiers, expected, strict=True):
        assert column(row, "answer_within_seconds") == duration(tier.answer_within_seconds)
        assert column(row, "ticket_response_seconds") == duration(tier.ticket_response_seconds)
    assert {column(r, "stale") for r in rows(path, "Rates")} <= {"yes", "no"}
    money = [h for h in rows(path, "Markets")[0] if "Revenue" in h or "Profit" in h]
    assert money and all("USD" in h for h in money)
    # The CSV files keep the code names machines read.
    assert "list_usd" in plan_tables(plan_of(only=["US"]))["Tiers"].columns
