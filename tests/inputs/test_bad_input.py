"""The catalogue of bad inputs: each is refused where it enters, in one line that names the
file, row, column and value, with exit status 2 on the command line, no traceback and no folder
of the machine it runs on."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.cli_helpers import EXAMPLE, SHIPPED, json_file, markets_with, refused, run


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("agent_cost_usd", "1e308", ["row 2", "agent_cost_usd", "1e308", "limit"]),
        ("agent_cost_usd", "inf", ["row 2", "agent_cost_usd", "inf"]),
        ("agent_cost_usd", "nan", ["row 2", "agent_cost_usd"]),
        ("accounts", "1e30", ["row 2", "accounts", "1e30", "limit"]),
        ("accounts", "-5", ["row 2", "accounts", "-5"]),
        ("timezone", "Europe/" + "x" * 300, ["row 2", "timezone"]),
        ("timezone", "Mars/Olympus_Mons", ["row 2", "timezone", "Mars/Olympus_Mons"]),
        ("currency", "XYZ", ["row 2", "currency", "XYZ"]),
        ("code", "ZZ", ["row 2", "code", "ZZ"]),
        ("expected_discount", "-0.1", ["row 2", "expected_discount"]),
        ("max_discount", "0.01", ["row 2", "max_discount"]),  # below the expected discount
        ("price_level", "", ["row 2", "price_level"]),
    ],
)  # fmt: skip
def test_a_bad_market_cell_is_refused_naming_file_row_column_and_value(
    tmp_path: Path, column: str, value: str, words: list[str]
) -> None:
    path = markets_with(tmp_path, column, value)
    line = refused(run("costs", "--markets", path), "markets.csv", *words, tmp_path=tmp_path)
    assert len(line) < 400


def test_a_duplicate_header_is_named_as_such(tmp_path: Path) -> None:
    header, *rest = SHIPPED.splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([header + ",accounts", *(r + ",1" for r in rest)]) + "\n")
    refused(run("costs", "--markets", str(path)), "duplicate", "accounts", tmp_path=tmp_path)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", ["empty"]),
        (SHIPPED.splitlines()[0].encode() + b"\n", ["no rows"]),
        (SHIPPED.replace(",", ";").encode(), []),
        (bytes(range(256)) * 20, []),
    ],
    ids=["empty", "header only", "semicolons", "binary"],
)
def test_files_that_are_not_a_market_table_are_refused(
    tmp_path: Path, content: bytes, words: list[str]
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    line = refused(run("costs", "--markets", str(path)), "odd.csv", tmp_path=tmp_path)
    for word in words:
        assert word in line.lower(), line


def test_a_utf16_file_with_its_byte_order_mark_is_read_as_the_same_markets(
    tmp_path: Path,
) -> None:
    """Excel's "Unicode text" export: not bad input, the same catalogue."""
    path = tmp_path / "utf16.csv"
    path.write_bytes(b"\xff\xfe" + SHIPPED.encode("utf-16-le"))
    done, shipped = run("costs", "--markets", str(path)), run("costs")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(shipped.stdout)


def test_duplicate_market_codes_are_refused(tmp_path: Path) -> None:
    header, first, *rest = SHIPPED.splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([header, first, first, *rest]) + "\n")
    refused(run("costs", "--markets", str(path)), "US", tmp_path=tmp_path)


def test_a_workbook_that_declares_millions_of_rows_is_refused_unread(tmp_path: Path) -> None:
    """A few kilobytes that claim a sheet of a million rows: refused from the archive, before
    a row is read."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(SHIPPED)):
        sheet.append(row)
    small = tmp_path / "small.xlsx"
    book.save(small)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:', b'<dimension ref="A1:Z9000000"/><x ', 1)
            target.writestr(item, data)
    assert bomb.stat().st_size < 50_000
    refused(run("costs", "--markets", str(bomb)), "bomb.xlsx", tmp_path=tmp_path)


def test_a_file_that_is_not_a_workbook_but_says_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    refused(run("costs", "--markets", str(path)), "fake.xlsx", tmp_path=tmp_path)


def test_an_oversized_file_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_bytes(SHIPPED.encode() + b"#" * (6 * 1024 * 1024))
    refused(run("costs", "--markets", str(path)), "huge.csv", tmp_path=tmp_path)


def test_deeply_nested_json_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    scenario = json_file(tmp_path, deep, "deep.json")
    refused(run("plan", "--market", "US", "--scenario", scenario), "deep.json", "nested")
    refused(run("tiers", scenario), "deep.json", "nested")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"tiers": [{"name": "Basic", "unit_cost": -10, "fixed_cost": 0}]}, ["unit_cost", "-10"]),
        ({"min_margin": float("inf")}, ["Infinity"]),
        ({"min_margin": 1e300}, ["min_margin"]),
        ({"segments": [{"name": "SMB", "size": 1e30, "reservation_prices": {"Basic": 30}}]},
         ["size"]),
        ({"tiers": "Basic"}, ["tiers"]),
    ],
)  # fmt: skip
def test_a_bad_tier_problem_is_refused(tmp_path: Path, change: dict, words: list[str]) -> None:
    path = json_file(tmp_path, {**EXAMPLE, **change}, "problem.json")
    refused(run("tiers", path), "problem.json", *words, tmp_path=tmp_path)


def test_a_time_limit_too_short_to_solve_is_refused_as_such(tmp_path: Path) -> None:
    path = json_file(tmp_path, EXAMPLE, "problem.json")
    refused(run("tiers", path, "--time-limit", "1e-9"), "time", tmp_path=tmp_path)


def test_plan_out_onto_an_existing_file_is_refused(tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    refused(run("plan", "--market", "US", "--out", str(taken)), "taken", tmp_path=tmp_path)
