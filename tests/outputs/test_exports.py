"""Plan files: opened back and checked, safe against formula injection, and fit for an audit.

The workbook is opened with openpyxl as finance would open it: a Settings sheet first naming
every rule, segment value, the catalogue's checksum, every rate, the version and the time it was
made; money and percentages in number formats over exact values; dated file names.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import shutil
import tomllib
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pricing.errors import InputError
from pricing.inputs.catalog import DEFAULT_MARKETS, load_markets
from pricing.inputs.segments import SegmentRow, load_segments
from pricing.outputs.exports import plan_workbook, write_plan
from pricing.outputs.headers import header
from pricing.outputs.payload import market_payload
from pricing.outputs.provenance import offer_file_name, plan_file_name
from pricing.outputs.spreadsheet import (
    MONEY_FORMAT,
    PERCENT_FORMAT,
    number_format,
    safe_cell,
    safe_frame,
    write_xlsx,
)
from pricing.plan import Plan
from pricing.request import Catalogue
from pricing.settings import PlanSettings
from tests.helpers import plan_of

ROOT = Path(__file__).resolve().parents[2]
MADE = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
SETTINGS = PlanSettings(
    price_step=0.1,
    allowed={"Basic": frozenset()},
    required={"Premium": frozenset({"coverage_24x7"})},
)
SHEETS = ["Settings", "Markets", "Tiers", "Segments", "Option costs", "Why", "Rates"]
# The columns of the Settings sheet's tables, by their code names (the sheet shows them in words).
SETTINGS_COLUMNS = {
    "Exchange rates used": (
        "currency", "per_usd", "as_of", "kind", "source", "stale", "buffer", "buffer_source",
        "markets",
    ),
    "Segment values used": (
        "code", "used_for", *(f.name for f in dataclasses.fields(SegmentRow) if f.name != "code")
    ),
}  # fmt: skip


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
def planned() -> Plan:
    # A hostile market name must come out as text in every file.
    markets = tuple(
        dataclasses.replace(m, name='=HYPERLINK("http://x","click")') if m.code == "DE" else m
        for m in load_markets()
    )
    return plan_of(markets, SETTINGS, only=["US", "DE", "AE", "CA"], made=MADE)


@pytest.fixture(scope="module")
def written(planned, tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    paths = write_plan(planned, folder)
    return planned.markets, folder, paths


@pytest.fixture(scope="module")
def book(written) -> openpyxl.Workbook:
    _, folder, _ = written
    return openpyxl.load_workbook(folder / "support-plan_2026-12-01.xlsx")


def _rules(book: openpyxl.Workbook) -> dict[str, openpyxl.cell.Cell]:
    """The Settings sheet's setting -> value cell, down to the first blank row."""
    sheet = book["Settings"]
    assert [c.value for c in sheet[1][:2]] == ["Setting", "Value"]
    rules = {}
    for setting, value in sheet.iter_rows(min_row=2, max_col=2):
        if setting.value is None:
            break
        rules[setting.value] = value
    return rules


def _table(book: openpyxl.Workbook, title: str) -> list[dict[str, openpyxl.cell.Cell]]:
    """The rows of a titled table on the Settings sheet, as code name -> cell."""
    sheet = book["Settings"]
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == title)
    names = {header(name): name for name in SETTINGS_COLUMNS[title]}
    shown = [c.value for c in rows[start + 1] if c.value is not None]
    assert set(shown) == set(names), shown  # every column in words, none left out
    header_names = [names[value] for value in shown]
    table = []
    for row in rows[start + 2 :]:
        if row[0].value is None:
            break
        table.append(dict(zip(header_names, row, strict=False)))
    return table


def _column(sheet, name: str) -> list[openpyxl.cell.Cell]:
    """The cells of the column whose code name is ``name`` (its header is in words)."""
    position = [c.value for c in sheet[1]].index(header(name))
    return [row[position] for row in sheet.iter_rows(min_row=2)]


def test_files_written(written) -> None:
    plans, folder, paths = written
    names = {p.name for p in paths}
    assert {
        "plan.json",
        "support-plan_2026-12-01.xlsx",
        "plan.xlsx",
        "plan_tiers.csv",
        "plan_markets.csv",
        "plan_why.csv",
        "plan_settings.csv",
        "plan_settings_segments.csv",
        "plan_settings_rates.csv",
    } <= names
    assert all(p.is_file() for p in paths)
    dated = (folder / "support-plan_2026-12-01.xlsx").read_bytes()
    assert (folder / "plan.xlsx").read_bytes() == dated
    payload = json.loads((folder / "plan.json").read_text())
    markets = [json.loads(json.dumps(market_payload(p))) for p in plans]
    assert payload["markets"] == markets
    assert payload["profit_usd"] == pytest.approx(sum(m["profit_usd"] for m in markets), abs=0.05)
    assert 0 <= payload["gap"] <= 1e-6


def test_xlsx_matches_the_plan(written, book) -> None:
    plans, folder, _ = written
    assert book.sheetnames == SHEETS
    markets = book["Markets"]
    profits = {
        c.value: p
        for c, p in zip(_column(markets, "market"), _column(markets, "profit_usd"), strict=True)
    }
    for plan in plans:
        assert profits[plan.market.code].value.startswith("=")  # revenue - cost, as a formula
    cached = openpyxl.load_workbook(folder / "plan.xlsx", data_only=True)["Markets"]
    profits = {
        c.value: p.value
        for c, p in zip(_column(cached, "market"), _column(cached, "profit_usd"), strict=True)
    }
    for plan in plans:
        assert profits[plan.market.code] == pytest.approx(plan.profit_usd, rel=1e-12)
    tiers = book["Tiers"]
    tier_rows = list(tiers.iter_rows(min_row=2, values_only=True))
    assert len(tier_rows) == sum(len(p.tiers) for p in plans)
    names = _column(markets, "name")
    assert '\'=HYPERLINK("http://x","click")' in [c.value for c in names]
    assert {c.data_type for c in names} == {"s"}  # user text is text, never a formula
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:  # a formula is one of ours: it starts with = and names no link
                if cell.data_type == "f":
                    assert cell.value.startswith("=") and "HYPERLINK" not in cell.value


def test_csv_is_escaped(written) -> None:
    _, folder, _ = written
    with (folder / "plan_markets.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    names = {row["market"]: row["name"] for row in rows}
    assert names["DE"].startswith("'=")
    assert names["US"] == "United States"
    with (folder / "plan_settings.csv").open() as handle:
        settings = {row["setting"]: row["value"] for row in csv.DictReader(handle)}
    assert settings["Minimum margin at the floor"] == "0.15"


def test_settings_sheet_names_every_rule(book) -> None:
    assert book.sheetnames[0] == "Settings"
    rules = _rules(book)
    margin = rules["Minimum margin at the floor"]
    assert margin.value == 0.15 and margin.number_format == PERCENT_FORMAT
    assert rules["Number of tiers"].value == 3
    assert rules["Tier names"].value == "Basic, Standard, Premium"
    step = rules["Price ladder step (least step between tier prices)"]
    assert step.value == 0.1 and step.number_format == PERCENT_FORMAT
    assert rules["Solver"].value == "highs"
    assert rules["Solver time limit (seconds)"].value == 20
    # Basic may hold nothing; Standard and Premium were not restricted.
    assert rules["Options Basic may hold (allowed)"].value == "none"
    assert rules["Options Standard may hold (allowed)"].value == "any (not set)"
    assert rules["Options Premium must hold (required)"].value == "coverage_24x7"
    assert rules["Options Basic must hold (required)"].value == "none (not set)"
    assert rules["Markets planned"].value == "US, DE, AE, CA"
    assert rules["File made (UTC)"].value == "2026-12-01T09:30:00+00:00"
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    assert rules["App version"].value == version


def test_settings_sheet_records_the_catalogue_checksum(planned, book) -> None:
    rules = _rules(book)
    shipped = DEFAULT_MARKETS.read_bytes()
    assert rules["Market catalogue file"].value == "markets.csv"
    assert rules["Market catalogue SHA-256"].value == hashlib.sha256(shipped).hexdigest()
    assert rules["Market catalogue size (bytes)"].value == len(shipped)
    # Another file's bytes give another checksum: it is computed, not copied.
    other = b"code,name\nUS,United States\n"
    catalogue = Catalogue(planned.request.catalogue.markets, "mine.csv", other)
    mine = dataclasses.replace(planned, request=planned.request.replace(catalogue=catalogue))
    again = openpyxl.load_workbook(io.BytesIO(plan_workbook(mine)))
    rules = _rules(again)
    assert rules["Market catalogue file"].value == "mine.csv"
    assert rules["Market catalogue SHA-256"].value == hashlib.sha256(other).hexdigest()


def test_settings_sheet_lists_every_rate_used(planned, written, book) -> None:
    plans, _, _ = written
    rates = {row["currency"].value: row for row in _table(book, "Exchange rates used")}
    assert set(rates) == {p.rate.quote for p in plans} == {"USD", "EUR", "AED", "CAD"}
    for plan in plans:
        row = rates[plan.rate.quote]
        assert row["per_usd"].value == pytest.approx(plan.rate.rate, rel=1e-15, abs=0)
        assert row["as_of"].value == plan.rate.as_of.isoformat()
        assert row["source"].value == plan.rate.source and row["source"].value
        assert row["stale"].value == ("yes" if plan.rate.is_stale(today=MADE.date()) else "no")
        assert row["buffer"].value == plan.buffer
        assert row["buffer"].number_format == PERCENT_FORMAT
        assert plan.market.code in row["markets"].value
    assert "Central Bank of the UAE" in rates["AED"]["source"].value
    # Made half a year later, the ECB rates are stale and say so; the dirham's peg never is.
    later = datetime(2027, 6, 1, tzinfo=UTC)
    data = plan_workbook(dataclasses.replace(planned, made=later))
    rows = _table(openpyxl.load_workbook(io.BytesIO(data)), "Exchange rates used")
    stale = {row["currency"].value: row["stale"].value for row in rows}
    assert stale == {"USD": "no", "EUR": "yes", "AED": "no", "CAD": "yes"}


def test_settings_sheet_lists_the_segment_values_used(book) -> None:
    used = _table(book, "Segment values used")
    shipped = [row for row in load_segments() if row.code == "*"]  # no market has its own rows
    assert [row["segment"].value for row in used] == [row.segment for row in shipped]
    for cells, row in zip(used, shipped, strict=True):
        assert cells["code"].value == "*"
        assert cells["used_for"].value == "US, DE, AE, CA"
        assert cells["share"].value == row.share
        assert cells["share"].number_format == PERCENT_FORMAT
        assert cells["base_value_usd"].value == row.base_value_usd
        assert cells["base_value_usd"].number_format == MONEY_FORMAT
        assert cells["coverage_24x7_usd"].value == row.coverage_24x7_usd
        assert cells["source"].value == row.source


@pytest.fixture(scope="module")
def us_at_two_margins():
    markets, rows = load_markets(), load_segments()
    books = {}
    for margin in (0.15, 0.3):
        settings = PlanSettings(min_margin=margin)
        plan = plan_of(markets, settings, segment_rows=rows, only=["US"], made=MADE)
        books[margin] = (plan.markets, openpyxl.load_workbook(io.BytesIO(plan_workbook(plan))))
    return books


def test_settings_sheet_changes_with_the_rules(us_at_two_margins) -> None:
    low, high = (us_at_two_margins[m][1] for m in (0.15, 0.3))
    assert _rules(low)["Minimum margin at the floor"].value == 0.15
    assert _rules(high)["Minimum margin at the floor"].value == 0.3
    changed = {
        setting
        for setting, cell in _rules(low).items()
        if _rules(high)[setting].value != cell.value
    }
    assert changed == {"Minimum margin at the floor"}


def test_number_formats(written, book) -> None:
    plans, folder, _ = written
    tiers = book["Tiers"]
    for name in ("list_usd", "target_usd", "floor_usd", "unit_cost_usd", "list_local"):
        assert {c.number_format for c in _column(tiers, name)} == {MONEY_FORMAT}, name
    for name in ("margin_at_floor", "margin_at_target", "fx_buffer"):
        assert {c.number_format for c in _column(tiers, name)} == {PERCENT_FORMAT}, name
    assert {c.number_format for c in _column(tiers, "accounts")} == {"#,##0"}
    markets = book["Markets"]
    assert {c.number_format for c in _column(markets, "profit_usd")} == {MONEY_FORMAT}
    assert {c.number_format for c in _column(markets, "max_discount")} == {PERCENT_FORMAT}
    assert {c.number_format for c in _column(book["Segments"], "base_value_usd")} == {MONEY_FORMAT}
    assert {c.number_format for c in _column(book["Rates"], "buffer")} == {PERCENT_FORMAT}
    # The stored values are the exact prices (to the 16 significant digits a workbook keeps),
    # not the whole units shown.
    exact = [t.quote_usd.list_price for p in plans for t in p.tiers]
    cached = openpyxl.load_workbook(folder / "plan.xlsx", data_only=True)["Tiers"]
    stored = [c.value for c in _column(cached, "list_usd")]
    assert stored == pytest.approx(exact, rel=1e-15, abs=0)
    assert any(value != round(value) for value in stored)


def test_headers_bold_frozen_and_columns_readable(book) -> None:
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(c.font.b for c in sheet[1] if c.value is not None), sheet.title
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1] if c.value]
        assert widths and all(10 <= w <= 68 for w in widths), sheet.title
    tiers = book["Tiers"]
    letter = _column(tiers, "ticket_response_seconds")[0].column_letter
    assert tiers.column_dimensions[letter].width >= len(header("ticket_response_seconds"))


def test_no_float_noise_in_the_plan(planned) -> None:
    plans = planned.markets
    # Noise such as a solver leaves (1.7e-13) in a tier's cost and in a market's FX buffer.
    first = plans[0]
    noisy_tier = dataclasses.replace(first.tiers[0], marginal_cost_usd=1.7e-13)
    noisy = dataclasses.replace(first, tiers=(noisy_tier, *first.tiers[1:]), buffer=-2e-12)
    data = plan_workbook(dataclasses.replace(planned, markets=(noisy, *plans[1:])))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert _column(book["Tiers"], "marginal_cost_usd")[0].value == 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, float):
                    assert value == 0 or abs(value) >= 1e-9, (sheet.title, value)


def test_float_noise_is_removed_and_the_rest_stays_exact() -> None:
    frame = pd.DataFrame(
        {
            "name": ["=evil()", "ok", "fine"],
            "profit_usd": [1.7e-13, -2e-12, 1855.670103092784],
            "margin": [0.25, 3e-14, 0.1],
        }
    )
    buffer = io.BytesIO()
    write_xlsx({"T": frame}, buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["T"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("'=evil()", 0, 0.25),
        ("ok", 0, 0),
        ("fine", 1855.670103092784, 0.1),
    ]
    assert sheet["B4"].number_format == MONEY_FORMAT
    assert sheet["C2"].number_format == PERCENT_FORMAT
    assert sheet["A2"].number_format == "General"


@pytest.mark.parametrize(
    ("column", "shown"),
    [
        ("list_usd", MONEY_FORMAT),
        ("floor_local", MONEY_FORMAT),
        ("target", MONEY_FORMAT),
        ("margin_at_floor", PERCENT_FORMAT),
        ("max_discount", PERCENT_FORMAT),
        ("share", PERCENT_FORMAT),
        ("fx_buffer", PERCENT_FORMAT),
        ("accounts", "#,##0"),
        ("rate_usd_to_local", "#,##0.0000"),
        ("per_usd", "#,##0.0000"),
        ("market", None),
    ],
)
def test_number_format_by_column(column: str, shown: str | None) -> None:
    assert number_format(column) == shown


def test_plan_file_name() -> None:
    assert plan_file_name(date(2026, 12, 1)) == "support-plan_2026-12-01.xlsx"
    # A time is taken in UTC: late evening in New York is the next day.
    evening = datetime(2026, 12, 1, 22, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert plan_file_name(evening) == "support-plan_2026-12-02.xlsx"


def test_offer_file_name() -> None:
    made = date(2026, 12, 1)
    assert offer_file_name("AE", "customer", made, "pdf") == "offer_AE_customer_2026-12-01.pdf"
    assert offer_file_name("ae", "internal", made, ".XLSX") == "offer_AE_internal_2026-12-01.xlsx"
    for code, kind, ext in (
        ("AE", "secret", "pdf"),
        ("../x", "customer", "pdf"),
        ("AE", "customer", "p/f"),
    ):
        with pytest.raises(InputError):
            offer_file_name(code, kind, made, ext)


def test_cli_plan_out_records_its_inputs(tmp_path: Path, capsys) -> None:
    from pricing.cli.main import main

    mine = tmp_path / "my_markets.csv"
    shutil.copyfile(DEFAULT_MARKETS, mine)
    with mine.open("a") as handle:
        handle.write("\n")  # other bytes, same markets: another checksum
    out = tmp_path / "out"
    code = main(
        ["plan", "--markets", str(mine), "--market", "AE", "--min-margin", "0.2", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    [dated] = out.glob("support-plan_*.xlsx")
    made = date.fromisoformat(dated.stem.removeprefix("support-plan_"))
    assert abs((datetime.now(UTC).date() - made).days) <= 1
    rules = _rules(openpyxl.load_workbook(dated))
    assert rules["Market catalogue file"].value == "my_markets.csv"
    assert rules["Market catalogue SHA-256"].value == hashlib.sha256(mine.read_bytes()).hexdigest()
    assert rules["Minimum margin at the floor"].value == 0.2
    assert rules["Markets planned"].value == "AE"


def test_settings_sheet_records_the_hub_sites_and_their_checksum(book) -> None:
    """The plan's desks sit at hub sites with wages of their own: the file says which table
    they came from, its SHA-256, and each site's agent cost, so a changed wage is seen."""
    import hashlib

    from pricing.inputs.sites import DEFAULT_SITES
    from pricing.outputs.provenance import settings_tables
    from pricing.plan import make_plan
    from tests.helpers import request_of

    rules = _rules(book)
    assert rules["Hub site table"].value == "sites.csv (shipped)"
    shipped = hashlib.sha256(DEFAULT_SITES.read_bytes()).hexdigest()
    assert rules["Hub site table SHA-256"].value == shipped
    assert "ZA (15,000 USD/agent/yr)" in rules["Hub sites"].value
    # Dearer agents at every site (as the tornado's wage swing sets them): another checksum.
    from pricing.costing.desks import sites_in_use
    from pricing.models import CostParameters

    dearer = tuple(
        dataclasses.replace(site, agent_cost_usd=site.agent_cost_usd * 1.2)
        for site in sites_in_use(CostParameters()).values()
    )
    request = request_of(only=["US"]).replace(params=CostParameters(sites=dearer))
    plan = make_plan(request, made=MADE)
    settings = settings_tables(plan)["Rules"].set_index("setting")["value"]
    assert settings["Hub site table"] == "set in this plan's cost parameters"
    assert settings["Hub site table SHA-256"] != shipped
    assert "ZA (18,000 USD/agent/yr)" in settings["Hub sites"]
