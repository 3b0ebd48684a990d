"""Input built to take the server down, or to slip past the bounds, where it enters.

A market file within every bound of its own cells can still ask for more work than a server has
(ten million accounts calling a thousand times a month, each call a working day long): its peak
load is estimated from the row before anything is costed and refused by row and figure. The
rest of the catalogue: numbers no float holds, amounts that overflow, budget rates for the base
currency, names that drive a terminal, one market asked for twice, a workbook whose first sheet
is hidden, refusals that would fill a screen, warnings that name the server's folders.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from pricing.cli.args import MAX_LINE_CHARS
from pricing.costing.curves import break_even_accounts, break_even_range, costable_accounts
from pricing.costing.demand import peak_erlangs_per_account, peak_load_problem
from pricing.costing.engine import DeliveryModel
from pricing.costing.workload import build_workload
from pricing.errors import InputError
from pricing.inputs.catalog import load_markets
from pricing.inputs.limits import MAX_PEAK_ERLANGS, MAX_TABLE_ERLANGS, check_text
from tests.cli_helpers import EXAMPLE, ROOT, SHIPPED, json_file, markets_with, refused, run

GIB = 1024**3
HUGE = "1" + "0" * 400  # 401 digits: an integer JSON reads and no float holds


def _market_rows(**changes: str) -> list[dict]:
    rows = list(csv.DictReader(io.StringIO(SHIPPED)))
    rows[0].update(changes)  # the first row is the US
    return rows


def _write(rows: list[dict], path: Path) -> str:
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


# --- The work a market asks for, estimated before it is done ---


@pytest.mark.parametrize(
    ("accounts", "contacts", "aht", "peak"),
    [
        ("10000000", "1000", "28800", "410,256,410"),  # every documented limit at once
        ("100000", "1000", "600", "85,470"),  # ran past 90 s before it was refused
    ],
)
def test_a_market_beyond_one_server_is_refused_by_row_and_figure_in_little_memory(
    tmp_path: Path, accounts: str, contacts: str, aht: str, peak: str
) -> None:
    """Each cell is within its bound; together they asked for 22 GiB. Refused under a 2 GiB
    limit, naming the row, the column, the figures and the peak they make."""
    rows = _market_rows(accounts=accounts, contacts_per_account_month=contacts, aht_seconds=aht)
    path = _write(rows, tmp_path / "markets.csv")
    for command in ("costs", "plan"):
        done = run(command, "--markets", path, memory_bytes=2 * GIB)
        line = refused(done, "markets.csv row 2", "'accounts'", "US", tmp_path=tmp_path)
        assert (
            f"{int(accounts):,} accounts" in line and f"need {peak} agents busy at once" in line
        ), line
        assert f"{MAX_PEAK_ERLANGS:,.0f}" in line, line
        assert len(line) <= MAX_LINE_CHARS


def _by_code(markets) -> dict:
    return {market.code: market for market in markets}


def test_accounts_typed_on_the_command_line_meet_the_same_limit() -> None:
    line = refused(
        run("costs", "--market", "US", "--accounts", "10000000"), "US", "agents busy at once"
    )
    assert f"up to {MAX_PEAK_ERLANGS:,.0f}" in line
    assert run("costs", "--market", "US", "--accounts", "20000").returncode == 0


def test_the_estimate_is_the_load_the_costing_sizes_its_tables_on() -> None:
    """Not a rule of thumb: for every shipped market the estimate equals the busiest slot of the
    workload the cost engine builds, so the limit holds the real work."""
    markets = load_markets()
    catalog = _by_code(markets)
    for market in markets:
        workload = build_workload(market, catalog)
        busiest = float(workload.total.max())
        assert peak_erlangs_per_account(market) == pytest.approx(busiest, rel=1e-12), market.code


def test_the_limit_falls_between_the_last_accepted_and_the_first_refused_account() -> None:
    us = _by_code(load_markets())["US"]
    most = int(MAX_PEAK_ERLANGS / peak_erlangs_per_account(us))
    assert peak_load_problem(us, most) is None
    problem = peak_load_problem(us, most + 1)
    assert problem is not None and f"at most {most:,} accounts" in problem


def test_the_last_guard_stops_any_costing_that_would_not_fit() -> None:
    """A market object made in code, past the file's checks, still cannot build tables that
    exhaust memory."""
    markets = load_markets()
    us = dataclasses.replace(
        _by_code(markets)["US"],
        accounts=10_000,
        contacts_per_account_month=1000,
        aht_seconds=28_800,
    )
    with pytest.raises(InputError, match=f"up to {MAX_TABLE_ERLANGS:,.0f}"):
        build_workload(us, {**_by_code(markets), "US": us})


def test_break_even_scans_stop_where_one_server_stops() -> None:
    """A busy market: the scan range is cut at the server's limit and never allocates more
    than a bounded grid, and the page's "not within N accounts" says the range searched."""
    markets = _by_code(load_markets())
    busy = dataclasses.replace(markets["DE"], contacts_per_account_month=1000, accounts=2_000)
    catalog = {**markets, "DE": busy}
    limit = costable_accounts(busy)
    assert break_even_range(busy) == limit < 20 * busy.accounts
    assert peak_erlangs_per_account(busy) * limit <= MAX_TABLE_ERLANGS
    found = break_even_accounts(busy, catalog, DeliveryModel.REMOTE_HUB)
    assert found is None or 0 <= found <= limit
    # The shipped markets keep their exact, account-by-account scan over 20x their accounts.
    shipped = markets["BR"]
    assert break_even_range(shipped) == max(20 * shipped.accounts, 20_000)


# --- Numbers that overflow, and rates that mean nothing ---


@pytest.mark.parametrize(
    ("command", "payload", "words"),
    [
        ("plan", f'{{"min_margin": {HUGE}}}', ["min_margin", "401 digits", "too large"]),
        ("plan", f'{{"budget_rates": {{"EUR": {HUGE}}}}}', ["budget_rates", "EUR", "too large"]),
        ("plan", '{"budget_rates": {"EUR": 1e300}}', ["EUR", "limit"]),
        ("plan", '{"budget_rates": {"USD": 2.0}}', ["USD", "always 1"]),
        ("plan", '{"budget_rates": {"eur": 0.9, "EUR": 0.8}}', ["EUR", "twice"]),
        ("plan", f'{{"tiers": {HUGE}}}', ["tiers", "too large"]),
        ("tiers", json.dumps(EXAMPLE).replace('"size": 150', f'"size": {HUGE}'),
         ["segments[0].size", "too large"]),
        ("tiers", json.dumps(EXAMPLE).replace('"unit_cost": 10', f'"unit_cost": -{HUGE}'),
         ["tiers[0].unit_cost", "too large"]),
    ],
    ids=["min_margin", "budget-huge", "budget-1e300", "budget-usd", "budget-twice", "tiers",
         "size", "unit_cost"],
)  # fmt: skip
def test_numbers_no_float_holds_exit_2_in_one_line(
    tmp_path: Path, command: str, payload: str, words: list[str]
) -> None:
    """They exited 1 with 'internal error: OverflowError' (or, for USD, were silently ignored)."""
    path = json_file(tmp_path, payload, "input.json")
    args = ("plan", "--market", "US", "--scenario", path) if command == "plan" else ("tiers", path)
    refused(run(*args), "input.json", *words, tmp_path=tmp_path)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("fx", "1e308", "USD", "JPY"), ["amount", "1e308", "limit"]),
        (("fx", "--", "-1e300", "USD", "JPY"), ["amount", "minimum"]),
        (("fx", "10", "USD", "JPY", "--live", "--deadline", "1e9"), ["--deadline", "60"]),
        (("plan", "--market", "US", "--min-margin", HUGE), ["--min-margin", "finite"]),
        (("plan", "--market", "US", "--tiers", HUGE), ["--tiers", "finite"]),
    ],
)
def test_command_line_numbers_that_overflow_exit_2(args: tuple[str, ...], words: list[str]) -> None:
    line = refused(run(*args), *words)
    assert len(line) <= MAX_LINE_CHARS


def test_a_budget_rate_is_held_to_the_limits_and_names_its_currency() -> None:
    from pricing.money.fx import DEFAULT_BOOK, parse_budget_rates

    with pytest.raises(InputError, match=r"budget rate row 1, JPY per USD: 1e\+308 is above"):
        parse_budget_rates([{"currency": "jpy", "per_usd": 1e308}])
    with pytest.raises(InputError, match="always 1"):
        parse_budget_rates([{"currency": "USD", "per_usd": 2.0}])
    with pytest.raises(InputError, match="EUR per USD"):
        DEFAULT_BOOK.with_override("EUR", float("inf"))
    assert parse_budget_rates([{"currency": "jpy", "per_usd": 150}]) == {"JPY": 150.0}


# --- Text that drives a terminal or hides itself ---


def test_tier_names_with_terminal_controls_are_refused(tmp_path: Path) -> None:
    """ESC and BEL reached a terminal raw in the table output."""
    name = "Basic\x1b[31m\x07"
    problem = json.loads(json.dumps(EXAMPLE))
    problem["tiers"][0]["name"] = name
    for segment in problem["segments"]:
        segment["reservation_prices"][name] = segment["reservation_prices"].pop("Basic")
    path = json_file(tmp_path, problem, "problem.json")
    line = refused(run("tiers", path), "tiers[0].name", "U+001B", tmp_path=tmp_path)
    assert "\x1b" not in line and "\x07" not in line


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("ACME\x00", "U+0000"),
        ("Basic\x1b[2J", "U+001B"),
        ("invoice\u202egpj.exe", "U+202E"),  # reads backwards on screen
        ("line\u2028break", None),  # a separator is white space: made one space
        ("شركة الأمل\u200f", None),  # the mark an Arabic keyboard types
        ("株式会社サンプル", None),
    ],
)
def test_names_refuse_hidden_characters_but_keep_what_keyboards_type(
    text: str, refused: str | None
) -> None:
    if refused is None:
        assert check_text(text, "name") == " ".join(text.split())
    else:
        with pytest.raises(ValueError, match=refused.replace("+", r"\+")):
            check_text(text, "name")


# --- One market asked for twice, and files that hide what they hold ---


def test_a_market_asked_for_twice_in_any_case_is_planned_once() -> None:
    for command in ("plan", "costs"):
        done = run(command, "--market", "US", "--market", "us", "--market", " Us ")
        assert done.returncode == 0, done.stderr
        payload = json.loads(done.stdout)
        codes = (
            [m["market"] for m in payload["markets"]]
            if command == "plan"
            else sorted({row["market"] for row in payload["rows"]})
        )
        assert codes == ["US"], codes


def test_a_market_file_with_one_code_in_two_cases_is_refused_as_a_duplicate(
    tmp_path: Path,
) -> None:
    header, first, *rest = SHIPPED.splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([header, first, "us" + first[2:], *rest]) + "\n")
    refused(run("costs", "--markets", str(path)), "row 3", "duplicate market 'US'")
    path.write_text("\n".join([header, "us" + first[2:], *rest]) + "\n")  # one, in lower case
    done = run("costs", "--markets", str(path), "--market", "US")
    assert done.returncode == 0, done.stderr
    assert {row["market"] for row in json.loads(done.stdout)["rows"]} == {"US"}


def _workbook(path: Path, sheets: list[tuple[str, list[list[str]], str]]) -> str:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    book.active = (
        next(i for i, (_, _, state) in enumerate(sheets) if state == "visible")
        if any(state == "visible" for _, _, state in sheets)
        else 0
    )
    book.save(path)
    return str(path)


def test_a_hidden_first_sheet_is_not_read_in_place_of_the_visible_one(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(SHIPPED)))
    header, us, ca, mx = rows[0], rows[1], rows[2], rows[3]
    path = _workbook(
        tmp_path / "book.xlsx",
        [("Old", [header, us, ca, mx], "hidden"), ("Markets", [header, us, ca], "visible")],
    )
    done = run("costs", "--markets", path)
    assert done.returncode == 0, done.stderr
    assert sorted({r["market"] for r in json.loads(done.stdout)["rows"]}) == ["CA", "US"]
    # A problem names the sheet that was read.
    broken = [header, us, [*ca[:4], "-1", *ca[5:]]]
    path = _workbook(tmp_path / "bad.xlsx", [("Old", [header, us], "hidden"),
                                            ("Markets", broken, "visible")])  # fmt: skip
    refused(run("costs", "--markets", path), "bad.xlsx, sheet 'Markets' row 3", tmp_path=tmp_path)
    # Every sheet hidden (Excel will not save that; a script can): refused, not read blind.
    visible = _workbook(tmp_path / "visible.xlsx", [("Markets", [header, us], "visible")])
    hidden = tmp_path / "hidden.xlsx"
    with zipfile.ZipFile(visible) as source, zipfile.ZipFile(hidden, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'state="visible"', b'state="hidden"')
            target.writestr(item, data)
    refused(
        run("costs", "--markets", str(hidden)), "hidden.xlsx", "no visible sheet", tmp_path=tmp_path
    )


def test_a_refusal_listing_many_problems_stays_one_short_line(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(SHIPPED)))
    for row in rows:
        row["agent_cost_usd"] = "x" * 39  # every row wrong, each quoting a long value
    path = _write(rows, tmp_path / "markets.csv")
    line = refused(run("costs", "--markets", path), "markets.csv", "problems", tmp_path=tmp_path)
    assert len(line) <= MAX_LINE_CHARS and line.endswith("…")


def test_every_market_at_zero_accounts_plans_without_a_warning_or_a_path(tmp_path: Path) -> None:
    """It printed numpy's RuntimeWarning with the server's path to the module."""
    rows = list(csv.DictReader(io.StringIO(SHIPPED)))
    for row in rows:
        row["accounts"] = "0"
    path = _write(rows, tmp_path / "markets.csv")
    done = run("plan", "--markets", path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    payload = json.loads(done.stdout)
    for market in payload["markets"]:
        assert np.isfinite(market["cost_usd"]) and market["revenue_usd"] == 0.0, market


def test_a_library_warning_prints_one_line_without_folders() -> None:
    script = (
        "import warnings, sys\n"
        "from pricing.cli.main import main\n"
        "main(['fx', '1', 'USD', 'EUR'])\n"
        "warnings.warn('bad value in /srv/app/pricing/tiers/accounts.py', RuntimeWarning)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.stderr == "warning: RuntimeWarning: bad value in accounts.py\n"


def test_refused_cells_still_name_row_and_column(tmp_path: Path) -> None:
    """The work estimate comes after the cells' own checks: a bad cell is named as before."""
    path = markets_with(tmp_path, "aht_seconds", "0")
    refused(run("costs", "--markets", path), "row 2", "aht_seconds", tmp_path=tmp_path)


def test_data_readme_shows_the_bounds_and_work_limits_in_force() -> None:
    """data/README.md says a test keeps its table and the code in step: this one."""
    from pricing.inputs.limits import _SHARE, BOUNDS

    lines = ["| field | unit | allowed | why |", "|---|---|---|---|"]
    for field, bound in BOUNDS.items():
        unit = "fraction (0.15 is 15 %)" if bound.unit == _SHARE else bound.unit
        lines.append(f"| `{field}` | {unit} | {bound.range_text} | {bound.why} |")
    readme = (ROOT / "data" / "README.md").read_text()
    assert "\n".join(lines) in readme
    assert f"| `MAX_PEAK_ERLANGS` | {MAX_PEAK_ERLANGS:,.0f} agents busy at once |" in readme
    assert f"| `MAX_TABLE_ERLANGS` | {MAX_TABLE_ERLANGS:,.0f} |" in readme
